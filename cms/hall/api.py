"""`/api/v1/tickets`, `/api/v1/counters/me/…` and `/api/v1/help-requests` (DESIGN.md §6, docs/hall.md)."""

import datetime as dt

from django.http import HttpResponse
from ninja import Field, Router, Schema, Status
from ninja.security import HttpBearer

from cms.core.caller import ID_HEADER, ID_SOURCE_HEADER, Caller
from cms.core.enums import Channel
from cms.core.errors import ErrorBody
from cms.core.idempotency import HEADER, REPLAYED_HEADER, Idempotency
from cms.devices.access import WriteAccess
from cms.devices.auth import DeviceTokenAuth, api_caller
from cms.hall import services
from cms.hall.enums import TicketStatus, queue_of
from cms.hall.models import Counter, HelpRequest, Ticket
from cms.personal.masking import mask_name

tickets_router = Router(tags=["hall"])
counters_router = Router(tags=["hall"])
help_router = Router(tags=["hall"])

ERRORS = {400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody}


class CounterTokenAuth(HttpBearer):
    """A window's device: `request.auth` is its Counter."""

    def authenticate(self, request, token):
        return services.counter_for_token(token)


class TicketIn(Schema):
    centre: str
    category: str
    priority: str = ""  # "disability" or "military", declared at the kiosk and checked at the window
    id_number: str = ""  # from the card reader (with X-Id-Number-Source: card): aged 70 or more goes first
    receipt: str = ""  # the pickup queue (`category` "pickup"): the ready application's receipt, with the ID number
    phone: str = ""  # the website: the phone to text when three are ahead, confirmed by
    phone_code: str = ""  # the code `POST /api/v1/phone-codes` sent it


class TicketOut(Schema):
    ticket: str
    category: str
    category_slug: str
    centre: str
    priority: str
    ahead: int
    estimated_wait_minutes: int | None
    issued_at: dt.datetime


class TicketStateOut(TicketOut):
    status: str


def ticket_state(ticket: Ticket) -> dict:
    """A ticket for the citizen: its queue, who is ahead (0 once called) and the estimated wait."""
    ahead = services.ahead_of(ticket) if ticket.status == TicketStatus.WAITING else 0
    category = queue_of(ticket.category)
    return {
        "ticket": ticket.number,
        "category": category.value,
        "category_slug": category.slug,
        "centre": ticket.centre.code,
        "priority": ticket.priority,
        "status": ticket.status,
        "ahead": ahead,
        "estimated_wait_minutes": services.estimated_wait_minutes(ticket, ahead),
        "issued_at": ticket.issued_at,
    }


@tickets_router.post("", auth=WriteAccess(), response={201: TicketOut, 422: ErrorBody, 429: ErrorBody, **ERRORS})
def take_ticket(request, payload: TicketIn):
    """A walk-in's ticket at a kiosk of the centre. `category` is a slug (`police`) or its Chinese name, or
    `pickup` (统一出件) to collect a finished result: then `receipt` and the applicant's ID number (`id_number`
    or `X-Id-Number`) are needed, the result approved for pickup at this centre (409 `not_ready`, `not_here`,
    `ticket_held`); only the centre's pickup window calls it.
    `estimated_wait_minutes` comes from the centre's recent service times of the category (null until it
    has some). Send an `Idempotency-Key` to make a retry safe: it answers the same ticket.
    The website's own pages (no device token; their session and `X-CSRFToken`) take a ticket for today as
    `/queue/<centre>/` does: `phone` and `phone_code` needed, one live ticket per phone, centre and day, texted
    when three are ahead."""
    caller = api_caller(request, payload.id_number or request.headers.get(ID_HEADER, ""))
    if request.auth.device is None:
        web = Caller.of(request, Channel.WEB, id_number=caller.id_number)
        ticket = services.take_web_ticket(
            payload.centre, payload.category, payload.phone, payload.phone_code, web, receipt=payload.receipt
        )
        return Status(201, ticket_state(ticket))
    idempotency = Idempotency.of(caller, request.headers.get(HEADER), payload.dict())
    ticket = services.take_ticket(
        payload.centre, payload.category, caller, payload.priority, idempotency=idempotency, receipt=payload.receipt
    )
    return Status(201, ticket_state(ticket))


@tickets_router.get("/{number}", auth=DeviceTokenAuth(), response={200: TicketStateOut, **ERRORS})
def get_ticket(request, number: str):
    """Today's ticket of this number at the kiosk's centre — a walk-in's, or the one a booking's check-in
    gave: its status, how many are ahead now and the estimated wait (e.g. for the check-in screen)."""
    return ticket_state(services.ticket_today(number, api_caller(request)))


# --- a window's device -------------------------------------------------------------------------------------


class CalledOut(Schema):
    ticket: str
    category: str
    status: str
    window: int
    priority: str
    recalls: int
    booking: dict | None = None
    application: dict | None = None


class TransferIn(Schema):
    category: str


class ReceiptIn(Schema):
    receipt: str = ""  # hand-over: empty for the application the pickup ticket was taken with


class CounterOut(Schema):
    name: str
    centre: str
    window: int
    categories: list[str]
    clerk: str | None
    current: CalledOut | None


def _counter_caller(request) -> tuple[Counter, Caller]:
    return request.auth, Caller.of(request, Channel.API)


def ticket_body(ticket: Ticket) -> dict:
    """The clerk's view of a ticket: with its booking (masked name) when it came from one."""
    body = {
        "ticket": ticket.number,
        "category": ticket.category,
        "status": ticket.status,
        "window": ticket.counter.number if ticket.counter_id else 0,
        "priority": ticket.priority,
        "recalls": ticket.recalls,
        "booking": None,
        "application": None,
    }
    if ticket.application_id:
        application = ticket.application
        body["application"] = {
            "receipt": application.receipt,
            "guide_name": application.guide_name,
            "guide_name_en": application.guide_name_en,
            "status": application.status,
            "delivery": application.delivery,
            "id_number": application.identifier_masked,
        }
    if ticket.booking_id:
        booking = ticket.booking
        body["booking"] = {
            "code": booking.code,
            "guide": booking.guide_code,
            "guide_name": booking.guide_name,
            "guide_name_en": booking.guide_name_en,
            "start": booking.slot.start.isoformat(),
            "name": mask_name(booking.name),
            "id_number": booking.id_masked,
        }
    return body


@counters_router.get("/me", auth=CounterTokenAuth(), response={200: CounterOut, 401: ErrorBody})
def my_counter(request):
    """The window this token names, its signed-in clerk and its current ticket."""
    counter = request.auth
    held = services.current(counter)
    return {
        "name": counter.name,
        "centre": counter.centre.code,
        "window": counter.number,
        "categories": counter.categories,
        "clerk": counter.clerk.get_username() if counter.clerk else None,
        "current": ticket_body(held) if held else None,
    }


@counters_router.post("/me/call-next", auth=CounterTokenAuth(), response={200: CalledOut, 204: None, **ERRORS})
def call_next(request):
    """Call the first waiting ticket of the window's categories (priority first, then by time); 204 when
    nobody waits, 409 `window_busy` while the window still holds a ticket."""
    ticket = services.call_next(*_counter_caller(request))
    return Status(204, None) if ticket is None else ticket_body(ticket)


@counters_router.post("/me/recall", auth=CounterTokenAuth(), response={200: CalledOut, **ERRORS})
def recall(request):
    """Call the current ticket again (at most three times)."""
    return ticket_body(services.recall(*_counter_caller(request)))


@counters_router.post("/me/start", auth=CounterTokenAuth(), response={200: CalledOut, **ERRORS})
def start(request):
    """The citizen has come to the window (optional: `done` right after a call is accepted)."""
    return ticket_body(services.start(*_counter_caller(request)))


@counters_router.post("/me/done", auth=CounterTokenAuth(), response={200: CalledOut, **ERRORS})
def done(request):
    return ticket_body(services.done(*_counter_caller(request)))


@counters_router.post("/me/no-show", auth=CounterTokenAuth(), response={200: CalledOut, **ERRORS})
def no_show(request):
    return ticket_body(services.no_show(*_counter_caller(request)))


@counters_router.post("/me/transfer", auth=CounterTokenAuth(), response={200: CalledOut, 422: ErrorBody, **ERRORS})
def transfer(request, payload: TransferIn):
    """Send the current ticket to another category (slug or Chinese name); it keeps its place by time."""
    counter, caller = _counter_caller(request)
    return ticket_body(services.transfer(counter, payload.category, caller))


# --- the helper call ---------------------------------------------------------------------------------------


class HelpIn(Schema):
    screen: str = Field(..., max_length=60, description="the kiosk screen the citizen was on, e.g. `guide`")


class HelpOut(Schema):
    id: int
    status: str
    message: str
    message_en: str
    phone: str
    created_at: dt.datetime


HELP_MESSAGES = {
    "waiting": ("已通知工作人员，请稍候", "staff have been told; please wait"),
    "taken": ("工作人员正在赶来", "someone is on the way"),
    "closed": ("帮办已完成", "help given"),
}


def help_body(found: HelpRequest) -> dict:
    zh, en = HELP_MESSAGES[found.status]
    phone = services.help_phone(found)
    if phone:
        zh, en = f"暂无人应答，请拨打 {phone}", f"nobody has answered yet; please call {phone}"
    return {
        "id": found.pk,
        "status": found.status,
        "message": zh,
        "message_en": en,
        "phone": phone,
        "created_at": found.created_at,
    }


@help_router.post("", auth=DeviceTokenAuth(), response={201: HelpOut, **ERRORS})
def ask_help(request, payload: HelpIn):
    """呼叫帮办: the kiosk asks the centre's volunteers for help (one open request per kiosk)."""
    return Status(201, help_body(services.ask_help(api_caller(request), payload.screen)))


@help_router.get("/{request_id}", auth=DeviceTokenAuth(), response={200: HelpOut, **ERRORS})
def help_status(request, request_id: int):
    """Whether someone is on the way; at a village station, its phone number after three minutes unanswered."""
    return help_body(services.help_for_kiosk(request_id, api_caller(request)))


@counters_router.post("/me/application", auth=CounterTokenAuth(), response={200: CalledOut, 422: ErrorBody, **ERRORS})
def link_application(request, payload: ReceiptIn):
    """前台综合受理: record the application (by its receipt) received at the window for the current ticket."""
    counter, caller = _counter_caller(request)
    return ticket_body(services.link_application(counter, payload.receipt, caller))


@counters_router.post("/me/hand-over", auth=CounterTokenAuth(), response={200: CalledOut, 422: ErrorBody, **ERRORS})
def hand_over(request, payload: ReceiptIn):
    """统一窗口出件: at the centre's pickup window, hand a finished result (approved, pickup at this centre) to
    the citizen of the current ticket; it becomes delivered, recorded as the signed-in clerk's."""
    counter, caller = _counter_caller(request)
    return ticket_body(services.hand_over(counter, payload.receipt, caller))


@counters_router.post(
    "/me/applications", auth=CounterTokenAuth(), response={201: CalledOut, 422: ErrorBody, 429: ErrorBody, **ERRORS}
)
def accept_application(request, response: HttpResponse):
    """前台综合受理 (multipart/form-data): the window accepts a new application for the citizen of its current
    ticket, for a guide of any category — the fields of `POST /api/v1/applications` (`guide`, `applicant_kind`,
    `name`, `id_number` or `uscc` and `contact_name`, `phone`, `email`, `delivery`, `centre` or `address`, one
    file `material_<n>` per material of `GET /api/v1/applications/forms/{code}`, from the window's scanner).
    The ID card: read by the window's reader (`X-Id-Number` with `X-Id-Number-Source: card`), or checked by the
    clerk (`card_checked=1`; for a company, the agent's number in `card_id_number`). Answers 201 with the
    ticket and its new application (`application.receipt`); the application goes to the department's back
    office as an online one, recorded as received at this window by its signed-in clerk. 409 `no_ticket`
    without a current ticket, `no_clerk` without a clerk signed in; 400 naming the field otherwise. An
    `Idempotency-Key` makes a retry answer the same application (`Idempotent-Replayed: true`)."""
    from cms.applications.api import _fingerprint_payload, _multipart

    counter, caller = _counter_caller(request)
    data, files = _multipart(request)
    read = request.headers.get(ID_HEADER, "") if request.headers.get(ID_SOURCE_HEADER, "").lower() == "card" else ""
    ticket, replayed = services.accept_application(
        counter,
        data.get("guide", ""),
        data,
        files,
        caller,
        services.checked_card(data, read),
        request.headers.get(HEADER),
        _fingerprint_payload(data, files),
    )
    if replayed:
        response[REPLAYED_HEADER] = "true"
    return Status(201, ticket_body(ticket))
