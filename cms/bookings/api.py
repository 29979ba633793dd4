"""`/api/v1/slots` and `/api/v1/bookings` (DESIGN.md §6). ID numbers travel in the body or the
`X-Id-Number` header, never in a URL; answers show them masked."""

import datetime as dt
import json

from ninja import Field, Query, Router, Schema, Status

from cms.api import ratelimit
from cms.api.access import WriteAccess
from cms.api.errors import ApiError, ErrorBody
from cms.api.etag import etag
from cms.api.idempotency import Idempotency, Replay
from cms.bookings import services
from cms.bookings.calendar_file import booking_ics
from cms.bookings.enums import Channel, SlotState
from cms.bookings.models import Booking, Slot
from cms.bookings.qr import qr_svg
from cms.bookings.services import Actor, Refusal
from cms.bookings.slots import ensure_day
from cms.centres.models import CentrePage
from cms.devices.auth import DeviceTokenAuth, claimed_device
from cms.personal.masking import mask_name, mask_phone
from guides import clock
from guides.enums import WindowCategory
from guides.hours import TZ

slots_router = Router(tags=["bookings"])
bookings_router = Router(tags=["bookings"])

ID_HEADER = "X-Id-Number"


def _raise(refusal: Refusal):
    raise ApiError(refusal.status, refusal.code, refusal.message, refusal.fields) from refusal


class SlotOut(Schema):
    id: int
    centre: str
    category: str
    category_slug: str
    start: dt.datetime
    end: dt.datetime
    kind: str
    capacity: int
    remaining: int


class SlotList(Schema):
    items: list[SlotOut]
    count: int


class SlotQuery(Schema):
    guide: str = Field(..., description="guide code; its window category decides the slots")
    centre: str = Field(..., description="centre code")
    date: dt.date = Field(..., description="a date (Asia/Shanghai)")


def slot_body(slot: Slot) -> dict:
    category = WindowCategory(slot.category)
    return {
        "id": slot.pk,
        "centre": slot.centre.code,
        "category": category.value,
        "category_slug": category.slug,
        "start": slot.start.astimezone(TZ).isoformat(),
        "end": slot.end.astimezone(TZ).isoformat(),
        "kind": slot.kind,
        "capacity": slot.capacity,
        "remaining": slot.remaining,
    }


@slots_router.get("", response={200: SlotList, 400: ErrorBody, 404: ErrorBody, 429: ErrorBody})
@etag
def list_slots(request, query: Query[SlotQuery]):
    """Bookable slots of a guide at a centre on a date, inside the booking window, with places left.
    Rate-limited per caller; answers carry an ETag (send `If-None-Match` to get 304 when unchanged)."""
    ratelimit.check("slots", request, claimed_device(request))
    try:
        guide = services.bookable_guide(query.guide)
    except Refusal as refusal:
        _raise(refusal)
    centre = CentrePage.objects.live().filter(code=query.centre.lower()).first()
    if centre is None:
        raise ApiError(404, "not_found", "未找到该服务中心 / no such centre", {"centre": "unknown centre code"})
    if not guide.centre_links.filter(centre=centre).exists():
        raise ApiError(
            400,
            "invalid",
            "该服务中心不办理此事项 / this centre does not handle the item",
            {"centre": "the guide is not handled here"},
        )
    now = clock.now()
    earliest, last_date = services.window(now, services.settings())
    items = []
    if now.astimezone(TZ).date() <= query.date <= last_date:
        ensure_day(centre, query.date)
        slots = Slot.objects.filter(
            centre=centre, date=query.date, category=guide.category, state=SlotState.OPEN, start__gte=earliest
        ).select_related("centre")
        items = [slot_body(s) for s in slots.order_by("start")]
    return {"items": items, "count": len(items)}


class BookingIn(Schema):
    slot: int
    guide: str
    name: str
    phone: str
    id_number: str = Field(..., description="citizen ID number or unified social credit code")
    email: str = Field("", description="for the confirmation, reminder and change notices")
    language: str = Field("zh-hans", description="zh-hans or en: the notices' language")


class GuideRef(Schema):
    code: str
    name: str


class CentreRef(Schema):
    id: str
    name: str
    name_en: str
    address: str


class BookingOut(Schema):
    code: str
    status: str
    slot: SlotOut
    guide: GuideRef
    centre: CentreRef
    name: str = Field(description="masked")
    phone: str = Field(description="masked")
    id_number: str = Field(description="masked")
    language: str
    ticket: str | None
    checked_in_at: dt.datetime | None
    qr_svg: str = Field(description="the booking code as an inline SVG QR code")
    ics: str = Field(description="the booking as an iCalendar file")


class RescheduleIn(Schema):
    slot: int
    id_number: str = ""


class TicketOut(Schema):
    code: str
    ticket: str
    category: str
    centre: str
    checked_in_at: dt.datetime
    booking: BookingOut


def booking_body(booking: Booking) -> dict:
    slot, centre = booking.slot, booking.slot.centre
    return {
        "code": booking.code,
        "status": booking.status,
        "slot": slot_body(slot),
        "guide": {"code": booking.guide_code, "name": booking.guide_name},
        "centre": {"id": centre.code, "name": centre.title, "name_en": centre.name_en, "address": centre.address},
        "name": mask_name(booking.name),
        "phone": mask_phone(booking.phone),
        "id_number": booking.id_masked,
        "language": booking.language,
        "ticket": booking.ticket or None,
        "checked_in_at": booking.checked_in_at.astimezone(TZ).isoformat() if booking.checked_in_at else None,
        "qr_svg": qr_svg(booking.code),
        "ics": booking_ics(booking),
    }


def _id_number(request, given: str = "") -> str:
    value = given or request.headers.get(ID_HEADER, "")
    if not value:
        raise ApiError(
            400,
            "invalid",
            "请提供证件号 / the ID number is needed",
            {"id_number": f"in the body or the {ID_HEADER} header"},
        )
    return value


def _optional_id_number(request) -> str:
    """`id_number` from an optional JSON body (DELETE and check-in may have none)."""
    if request.content_type != "application/json" or not request.body:
        return ""
    try:
        data = json.loads(request.body)
    except ValueError:
        raise ApiError(400, "invalid", "请求体不是有效的 JSON / the body is not valid JSON") from None
    value = data.get("id_number", "") if isinstance(data, dict) else ""
    return value if isinstance(value, str) else ""


def _find(request, code: str, given: str = "", scope: str = "lookup", device=None) -> Booking:
    id_number = _id_number(request, given)
    ratelimit.check(scope, request, device, id_number)
    try:
        return services.find(code, id_number)
    except Refusal as refusal:
        _raise(refusal)


WRITE_ERRORS = {400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 429: ErrorBody}


def _release_throttle(request, slot_id: int, device, id_number: str) -> None:
    slot_date = Slot.objects.filter(pk=slot_id).values_list("date", flat=True).first()
    if slot_date is not None:
        now = clock.now()
        _, last_date = services.window(now, services.settings())
        ratelimit.check_release(request, slot_date, last_date, now, device, id_number)


@bookings_router.post("", auth=WriteAccess(), response={201: BookingOut, 422: ErrorBody, **WRITE_ERRORS})
def create_booking(request, payload: BookingIn):
    """Book a slot. Send an `Idempotency-Key` to make retries safe; kiosks send their device token, the
    website its CSRF token. Rate-limited per caller and per ID number (429 with `Retry-After`)."""
    device = request.auth.device
    idempotency = Idempotency.from_request(request, payload.dict())
    first = idempotency.replay(Booking.objects)
    if first is not None:
        return idempotency.respond(*first)
    ratelimit.check("booking", request, device, payload.id_number)
    _release_throttle(request, payload.slot, device, payload.id_number)
    try:
        applicant = services.validate_applicant(
            payload.name, payload.phone, payload.id_number, payload.email, payload.language
        )
        booking = services.book(
            payload.slot,
            payload.guide,
            applicant,
            Actor(Channel.KIOSK if device else Channel.API, device=device),
            idempotency=idempotency,
            respond=booking_body,
        )
    except Replay as replay:
        return idempotency.respond(replay.status, replay.body)
    except Refusal as refusal:
        _raise(refusal)
    return Status(201, booking.idempotency_response or booking_body(booking))


@bookings_router.get("/{code}", response={200: BookingOut, 400: ErrorBody, 404: ErrorBody, 429: ErrorBody})
def get_booking(request, code: str):
    """Look a booking up: the ID number goes in the `X-Id-Number` header. Rate-limited."""
    return booking_body(_find(request, code, device=claimed_device(request)))


@bookings_router.delete("/{code}", auth=WriteAccess(), response={200: BookingOut, **WRITE_ERRORS})
def cancel_booking(request, code: str):
    """Cancel, up to the cut-off; the ID number in a JSON body `{"id_number"}` or the `X-Id-Number` header.
    Whoever holds the code and the ID number may cancel, whichever kiosk or browser made the booking."""
    device = request.auth.device
    booking = _find(request, code, _optional_id_number(request), "booking", device)
    try:
        booking = services.cancel(booking, Actor(Channel.API, device=device))
    except Refusal as refusal:
        _raise(refusal)
    return booking_body(booking)


@bookings_router.post("/{code}/reschedule", auth=WriteAccess(), response={200: BookingOut, **WRITE_ERRORS})
def reschedule_booking(request, code: str, payload: RescheduleIn):
    """Move the booking to another slot (same code), up to the cut-off."""
    device = request.auth.device
    booking = _find(request, code, payload.id_number, "booking", device)
    _release_throttle(request, payload.slot, device, booking.id_number)
    try:
        booking = services.reschedule(booking, payload.slot, Actor(Channel.API, device=device))
    except Refusal as refusal:
        _raise(refusal)
    return booking_body(booking)


@bookings_router.post(
    "/{code}/check-in",
    auth=DeviceTokenAuth(),
    response={200: TicketOut, 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 409: ErrorBody},
)
def check_in_booking(request, code: str):
    """Arrival at the centre (kiosks only): a queue ticket for the booking's window category. An optional
    JSON body `{"id_number"}` (from the kiosk's ID card reader) must match the booking."""
    device = request.auth
    given = _optional_id_number(request) or request.headers.get(ID_HEADER, "")
    if given:
        booking = _find(request, code, given)
    else:
        booking = (
            Booking.objects.select_related("slot", "slot__centre").filter(code=services.normalise_code(code)).first()
        )
        if booking is None:
            raise ApiError(404, "not_found", "未找到该预约 / no such booking")
    try:
        booking = services.check_in(booking, Actor(Channel.KIOSK, device=device))
    except Refusal as refusal:
        _raise(refusal)
    return {
        "code": booking.code,
        "ticket": booking.ticket,
        "category": booking.category,
        "centre": booking.slot.centre.code,
        "checked_in_at": booking.checked_in_at,
        "booking": booking_body(booking),
    }
