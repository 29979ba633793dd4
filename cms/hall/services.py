"""The service hall: taking tickets, calling them at windows, the display's figures and the helper call.

Calling is atomic without locks held across requests: a window picks the first waiting ticket and takes it
with `UPDATE ticket SET status = 'called', … WHERE id = ? AND status = 'waiting'`. Only one of two windows
racing for a ticket changes that row (PostgreSQL re-checks the condition after the other's commit; SQLite
runs writers one at a time under BEGIN IMMEDIATE), and the loser takes the next one. A partial unique index
keeps each window to one current ticket whatever code runs.

Every operation takes the `Caller`: a kiosk (its token, bound to a centre), a window's device (the
`Counter` is passed alongside) or a staff user, whose permission and centre are checked here.
"""

import datetime as dt
import functools
import logging
import math

from django.db import IntegrityError, transaction
from django.db.models import Case, F, IntegerField, Q, When
from django.urls import reverse
from stdnum.cn import ric

from cms.bookings.models import Booking, TicketCounter
from cms.bookings.services import TICKET_LETTERS
from cms.centres.models import CentrePage
from cms.centres.sources import centre_hours
from cms.core.caller import Caller
from cms.core.enums import Channel
from cms.core.idempotency import Idempotency, idempotent_create
from cms.devices.tokens import hash_token
from cms.hall.enums import CURRENT, PICKUP, HelpStatus, PickupQueue, Priority, TicketStatus, queue_of
from cms.hall.models import Counter, HelpRequest, StaffPost, Ticket
from cms.identity import codes
from cms.identity.sms import SmsError, backend
from guides import clock
from guides.centres import CentreKind
from guides.enums import WindowCategory
from guides.hours import TZ, at_local
from guides.refusal import Refusal, Text

PRIORITY_AGE = 70  # 老年人优先: aged 70 or more, read from the ID card
MAX_RECALLS = 3  # after three recalls the clerk marks a no-show rather than calling for ever
RECENT_SERVICES = 20  # the estimate averages this many of the category's latest services at the centre
RECENT_DAYS = 30
logger = logging.getLogger(__name__)

HELP_PHONE_AFTER = dt.timedelta(minutes=3)  # a village station's kiosk shows its phone number after this


# --- who may act -------------------------------------------------------------------------------------------


def may_act_at(user, centre_id: int, permission: str) -> bool:
    """A staff user with the hall `permission` at their own centre (a superuser anywhere)."""
    if not user.is_authenticated or not user.has_perm(permission):
        return False
    return user.is_superuser or StaffPost.objects.filter(user=user, centre_id=centre_id).exists()


def _require_staff(caller: Caller, centre_id: int, permission: str) -> None:
    if caller.channel == Channel.STAFF and not may_act_at(caller.user, centre_id, permission):
        raise Refusal(403, "forbidden", "无权在此中心操作", "you may not act at this centre")


def _kiosk_centre(caller: Caller) -> CentrePage:
    if caller.device is None or caller.device.centre_id is None:
        raise Refusal(
            403,
            "kiosk_without_centre",
            "此终端未绑定服务中心，不能取号",
            "this kiosk belongs to no centre, so it cannot issue tickets",
        )
    return caller.device.centre


def counter_for_token(token: str) -> Counter | None:
    return (
        Counter.objects.select_related("centre", "clerk")
        .filter(token_hash=hash_token(token), revoked_at__isnull=True)
        .first()
    )


def category_of(value: str) -> WindowCategory | PickupQueue:
    """A category by its slug (`police`) or its Chinese name (`公安服务`), or the pickup queue (`pickup`)."""
    value = (value or "").strip()
    if value in (PICKUP, PICKUP.slug):
        return PICKUP
    try:
        return WindowCategory(value)
    except ValueError:
        pass
    try:
        return WindowCategory.from_slug(value)
    except KeyError:
        raise Refusal(
            400,
            "invalid",
            "请选择窗口类别",
            "choose a window category",
            fields={"category": Text("没有这个窗口类别", f"no window category {value!r}")},
        ) from None


# --- tickets -----------------------------------------------------------------------------------------------


def next_number(centre_id: int, category: WindowCategory | PickupQueue, date: dt.date) -> str:
    """The next queue number of a centre's category on a date, shared with booking check-ins (A001, …);
    the pickup queue's are Q001, …"""
    counter, _ = TicketCounter.objects.get_or_create(centre_id=centre_id, category=category.value, date=date)
    TicketCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    counter.refresh_from_db(fields=["last"])
    letter = PICKUP.letter if category == PICKUP else TICKET_LETTERS[category]
    return f"{letter}{counter.last:03d}"


def aged_priority(id_number: str, today: dt.date) -> bool:
    """Whether a resident ID number's holder is aged PRIORITY_AGE or more on `today`."""
    try:
        birth = ric.get_birth_date(ric.compact(id_number))
    except Exception:  # a credit code or a malformed number: no birth date to read
        return False
    years = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
    return years >= PRIORITY_AGE


def _priority(caller: Caller, declared: str, today: dt.date) -> str:
    """Age only from a card the kiosk read; a disability or military card is declared at the kiosk and shown
    to the clerk at the window (docs/hall.md)."""
    if caller.proven and caller.id_number and aged_priority(caller.id_number, today):
        return Priority.AGE
    if declared in (Priority.DISABILITY, Priority.MILITARY):
        return declared
    if declared:
        raise Refusal(
            400,
            "invalid",
            "优先类别无效",
            "unknown priority",
            fields={"priority": Text("只能是 disability 或 military", "only disability or military")},
        )
    return Priority.NONE


def _open_until(centre: CentrePage, category: WindowCategory | PickupQueue, now: dt.datetime) -> dt.datetime | None:
    """When today's last period of the category ends at the centre, or None if it does not open today."""
    today = now.astimezone(TZ).date()
    periods = centre_hours(centre, today, today).periods(today, PICKUP.hours if category == PICKUP else category)
    return at_local(today, periods[-1].end) if periods else None


def take_ticket(
    centre_code: str,
    category_value: str,
    caller: Caller,
    priority: str = "",
    now=None,
    idempotency: Idempotency | None = None,
    receipt: str = "",
) -> Ticket:
    """A walk-in's ticket at a kiosk of the centre, while the category's hours have not ended today. A
    repeat of a request (its `Idempotency-Key`) answers the ticket the first one took. A ticket for the
    pickup queue names the ready application's `receipt` (with the caller's ID number: `ready_for_pickup`)."""
    now = now or clock.now()
    idempotency = idempotency or Idempotency(None, "")
    if (first := idempotency.find(Ticket.objects)) is not None:
        return first
    centre = _kiosk_centre(caller)
    if centre.code != centre_code:
        raise Refusal(
            409,
            "wrong_centre",
            f"本终端属于{centre.title}，只能取本中心的号",
            f"this kiosk issues tickets for {centre.name_en} only",
        )
    category = category_of(category_value)
    _check_open(centre, category, now)
    today = now.astimezone(TZ).date()
    ticket_priority = _priority(caller, priority, today)
    application = ready_for_pickup(centre, receipt, caller, today) if category == PICKUP else None

    def make() -> Ticket:
        ticket = Ticket(
            centre=centre,
            category=category.value,
            date=today,
            number=next_number(centre.pk, category, today),
            application=application,
            device=caller.device,
            priority=ticket_priority,
            issued_at=now,
            queue_at=now,
        )
        idempotency.stamp(ticket)
        ticket.save()
        return ticket

    return idempotent_create(idempotency, Ticket.objects, make)[0]


def ready_for_pickup(centre: CentrePage, receipt: str, caller: Caller, today: dt.date):
    """统一窗口出件: the application a pickup ticket is for — the caller's own (receipt and their ID number, as
    any lookup: rate-limited, the same 404 for a wrong number), approved, to be picked up at this centre, and
    not already queued for today."""
    from cms.applications.enums import ApplicationStatus, DeliveryMethod
    from cms.applications.services import find

    if not (receipt or "").strip():
        raise Refusal(
            400,
            "invalid",
            "领取办件结果请输入受理回执号",
            "to collect a result, give its receipt",
            fields={"receipt": Text("请输入受理回执号", "enter the receipt")},
        )
    application = find(receipt, caller)
    if application.delivery != DeliveryMethod.PICKUP or application.centre_id != centre.pk:
        raise Refusal(409, "not_here", "该办件不在本中心领取", "this result is not to be picked up at this centre")
    if application.status != ApplicationStatus.APPROVED:
        raise Refusal(
            409,
            "not_ready",
            "该办件尚未办结或已领取，不能取出件号",
            "this result is not ready to collect (or was collected)",
        )
    held = Ticket.objects.filter(application=application, date=today, status__in=LIVE).first()
    if held is not None:
        raise Refusal(
            409,
            "ticket_held",
            f"该办件今日已有出件号 {held.number}",
            f"this result already has ticket {held.number} today",
        )
    return application


def _check_open(centre: CentrePage, category: WindowCategory | PickupQueue, now: dt.datetime) -> None:
    """Tickets stop when the category's hours end, on every channel."""
    until = _open_until(centre, category, now)
    if until is None or now >= until:
        raise Refusal(
            409,
            "closed",
            f"{category.value}窗口今日已停止取号",
            f"{category.label_en} takes no more tickets today",
        )


NOTIFY_AHEAD = 3  # a web ticket's phone is texted once when this many (or fewer) are ahead
LIVE = (TicketStatus.WAITING, *CURRENT)


def take_web_ticket(
    centre_code: str, category_value: str, phone: str, phone_code: str, caller: Caller, now=None, receipt: str = ""
) -> Ticket:
    """A walk-in's ticket for today from the website at a centre, while its category's hours have
    not ended. The phone is confirmed by a one-time code (cms/identity/codes.py) and texted when
    NOTIFY_AHEAD are ahead. One live ticket per phone, centre and day, whatever the channel."""
    now = now or clock.now()
    centre = CentrePage.objects.live().filter(code=(centre_code or "").strip()).first()
    if centre is None:
        raise Refusal(
            404,
            "not_found",
            "没有这个服务中心",
            "no such centre",
            fields={"centre": Text("请选择服务中心", "choose a centre")},
        )
    category = category_of(category_value)
    confirmed = codes.confirm(phone, phone_code, now)
    _check_open(centre, category, now)
    today = now.astimezone(TZ).date()
    application = ready_for_pickup(centre, receipt, caller, today) if category == PICKUP else None
    with transaction.atomic():
        # The counter row of the day serialises concurrent takes of one queue; the check follows it.
        number = next_number(centre.pk, category, today)
        held = Ticket.objects.filter(centre=centre, date=today, phone=confirmed, status__in=LIVE).first()
        if held is not None:
            raise Refusal(
                409,
                "ticket_held",
                f"此手机号今日在本中心已有排队号 {held.number}",
                f"this phone already holds ticket {held.number} at this centre today",
                fields={"phone": Text(f"已有排队号 {held.number}", f"already holds ticket {held.number}")},
            )
        return Ticket.objects.create(
            centre=centre,
            category=category.value,
            date=today,
            number=number,
            phone=confirmed,
            application=application,
            issued_at=now,
            queue_at=now,
        )


def notify_near(centre_id: int, categories, date: dt.date, now: dt.datetime) -> int:
    """Text each waiting web ticket of these queues that now has NOTIFY_AHEAD or fewer ahead, once (a
    conditional update claims the notice, so two windows calling at once send it once); how many were sent.
    A text that cannot be sent is logged and not retried: the display still calls the number."""
    sent = 0
    near = waiting(centre_id, categories, date).filter(notified_at__isnull=True).exclude(phone="")
    for ticket in near.select_related("centre"):
        ahead = ahead_of(ticket)
        if ahead > NOTIFY_AHEAD:
            continue
        if not Ticket.objects.filter(pk=ticket.pk, notified_at__isnull=True).update(notified_at=now):
            continue
        params = [ticket.centre.title, ticket.number, ticket.category, str(ahead)]
        try:
            backend().send_notice(ticket.phone, "near_turn", params)
        except SmsError:
            logger.warning("the near-turn text of ticket %s could not be sent", ticket.pk)
            continue
        sent += 1
    return sent


def ticket_today(number: str, caller: Caller, now=None) -> Ticket:
    """Today's ticket of this number at the kiosk's centre (a walk-in's or a checked-in booking's)."""
    centre = _kiosk_centre(caller)
    today = (now or clock.now()).astimezone(TZ).date()
    found = Ticket.objects.filter(centre=centre, date=today, number=(number or "").strip().upper()).first()
    if found is None:
        raise Refusal(404, "not_found", "今天本中心没有这个号", "no such ticket at this centre today")
    return found


def enqueue_booking(booking: Booking, now: dt.datetime) -> Ticket:
    """A checked-in booking joins its category's queue under the ticket check-in gave it: from its slot's
    start if the citizen came in time, so walk-ins who came after the slot began are called later; from
    arrival if late."""
    slot = booking.slot
    ticket, _ = Ticket.objects.get_or_create(
        booking=booking,
        defaults={
            "centre_id": slot.centre_id,
            "category": booking.category,
            "date": slot.date,
            "number": booking.ticket,
            "device": booking.device if booking.device_id else None,
            "priority": Priority.AGE if aged_priority(booking.id_number, slot.date) else Priority.NONE,
            "issued_at": now,
            "queue_at": max(now, slot.start),
        },
    )
    return ticket


def _queue_order(tickets):
    return tickets.annotate(ordinary=Case(When(priority="", then=1), default=0, output_field=IntegerField())).order_by(
        "ordinary", "queue_at", "pk"
    )


def waiting(centre_id: int, categories, date: dt.date):
    return Ticket.objects.filter(
        centre_id=centre_id, date=date, status=TicketStatus.WAITING, category__in=list(categories)
    )


def ahead_of(ticket: Ticket) -> int:
    """How many waiting tickets of its queue will be called before it."""
    same = waiting(ticket.centre_id, [ticket.category], ticket.date).exclude(pk=ticket.pk)
    earlier = Q(queue_at__lt=ticket.queue_at) | Q(queue_at=ticket.queue_at, pk__lt=ticket.pk)
    if ticket.priority:
        return same.exclude(priority="").filter(earlier).count()
    return same.exclude(priority="").count() + same.filter(priority="").filter(earlier).count()


def service_minutes(centre_id: int, category: str, now: dt.datetime) -> float | None:
    """The mean minutes of the category's latest services at the centre (call to done), or None if none."""
    rows = (
        Ticket.objects.filter(
            centre_id=centre_id,
            category=category,
            status=TicketStatus.DONE,
            finished_at__gte=now - dt.timedelta(days=RECENT_DAYS),
            first_called_at__isnull=False,
        )
        .order_by("-finished_at")
        .values_list("first_called_at", "finished_at")[:RECENT_SERVICES]
    )
    spans = [(finished - called).total_seconds() / 60 for called, finished in rows]
    return sum(spans) / len(spans) if spans else None


def estimated_wait_minutes(ticket: Ticket, ahead: int, now: dt.datetime | None = None) -> int | None:
    """Those ahead × the recent mean service time ÷ the windows serving the category; None until the centre
    has served the category lately (no made-up figure)."""
    minutes = service_minutes(ticket.centre_id, ticket.category, now or clock.now())
    if minutes is None:
        return None
    windows = sum(
        1
        for counter in Counter.objects.filter(centre_id=ticket.centre_id, revoked_at__isnull=True).only(
            "categories", "pickup"
        )
        if ticket.category in queues_of(counter)
    )
    return math.ceil(ahead * minutes / max(windows, 1))


def close_queues(now: dt.datetime | None = None) -> int:
    """Tickets still waiting after their category's hours ended (or from an earlier day) are marked
    `unserved`, so the day's figures count them; returns how many. A web ticket's phone serves only its own
    day's text, so it is erased once that day is over (PIPL: kept no longer than needed)."""
    now = now or clock.now()
    today = now.astimezone(TZ).date()
    Ticket.objects.filter(date__lt=today).exclude(phone="").update(phone="")
    marked = Ticket.objects.filter(status=TicketStatus.WAITING, date__lt=today).update(
        status=TicketStatus.UNSERVED, finished_at=now
    )
    queues = (
        Ticket.objects.filter(status=TicketStatus.WAITING, date=today).values_list("centre_id", "category").distinct()
    )
    for centre_id, category in list(queues):
        until = _open_until(CentrePage.objects.get(pk=centre_id), queue_of(category), now)
        if until is None or now >= until:
            marked += Ticket.objects.filter(
                status=TicketStatus.WAITING, date=today, centre_id=centre_id, category=category
            ).update(status=TicketStatus.UNSERVED, finished_at=now)
    return marked


# --- a window calls ----------------------------------------------------------------------------------------


def _clerk(counter: Counter, caller: Caller):
    """Who serves: the signed-in staff user, or the clerk signed in at the window for its device."""
    return caller.user if caller.user is not None else counter.clerk


def queues_of(counter: Counter) -> list[str]:
    """The queues a window calls: its categories, and the pickup queue at the centre's pickup window only."""
    own = [category for category in counter.categories if category != PICKUP]
    return [*own, PICKUP.value] if counter.pickup else own


def current(counter: Counter) -> Ticket | None:
    tickets = Ticket.objects.select_related("booking", "booking__slot", "application")
    return tickets.filter(counter=counter, status__in=CURRENT).first()


def _busy(ticket: Ticket) -> Refusal:
    return Refusal(
        409,
        "window_busy",
        f"请先办结或标记过号 {ticket.number}",
        f"finish {ticket.number} or mark it a no-show first",
    )


def call_next(counter: Counter, caller: Caller, now: dt.datetime | None = None) -> Ticket | None:
    """The window calls the first waiting ticket of its categories: priority first, then by `queue_at`.
    None when nobody waits. A window with a current ticket must finish it first."""
    _require_staff(caller, counter.centre_id, "hall.serve_counter")
    now = now or clock.now()
    held = current(counter)
    if held is not None:
        raise _busy(held)
    queue = _queue_order(waiting(counter.centre_id, queues_of(counter), now.astimezone(TZ).date()))
    clerk = _clerk(counter, caller)
    while True:
        candidate = queue.values_list("pk", flat=True).first()
        if candidate is None:
            return None
        try:
            with transaction.atomic():
                taken = Ticket.objects.filter(pk=candidate, status=TicketStatus.WAITING).update(
                    status=TicketStatus.CALLED,
                    counter=counter,
                    clerk=clerk,
                    called_at=now,
                    first_called_at=now,
                )
        except IntegrityError:  # the same window called twice at once: the other call holds a ticket
            raise _busy(current(counter)) from None
        if taken:
            # Texted once the call has committed, never inside it: a slow SMS provider must not hold the locks
            # of a call (outside a transaction this runs at once; a failure is logged, never the call's).
            near = functools.partial(
                notify_near, counter.centre_id, list(counter.categories), now.astimezone(TZ).date(), now
            )
            transaction.on_commit(near, robust=True)
            return Ticket.objects.select_related("booking", "booking__slot").get(pk=candidate)
        # another window took it between our read and our update: try the next one


def _held(counter: Counter, caller: Caller, statuses=CURRENT) -> Ticket:
    _require_staff(caller, counter.centre_id, "hall.serve_counter")
    ticket = current(counter)
    if ticket is None or ticket.status not in statuses:
        raise Refusal(409, "no_ticket", "本窗口当前没有可操作的号", "this window holds no ticket to act on")
    return ticket


def _move(ticket: Ticket, expected: str, **changes) -> Ticket:
    """Change the ticket only if it is still in `expected` status at this window (another request of the
    same window may have moved it meanwhile)."""
    moved = Ticket.objects.filter(pk=ticket.pk, status=expected, counter_id=ticket.counter_id).update(**changes)
    if not moved:
        raise Refusal(409, "no_ticket", "该号已被处理", "this ticket was already dealt with")
    ticket.refresh_from_db()
    return ticket


def recall(counter: Counter, caller: Caller, now=None) -> Ticket:
    """Call the current ticket again (it shows and sounds again on the display), at most MAX_RECALLS times."""
    ticket = _held(counter, caller, (TicketStatus.CALLED,))
    if ticket.recalls >= MAX_RECALLS:
        raise Refusal(
            409,
            "too_many_recalls",
            f"已重呼 {MAX_RECALLS} 次，请标记过号",
            f"recalled {MAX_RECALLS} times; mark it a no-show",
        )
    return _move(ticket, ticket.status, called_at=now or clock.now(), recalls=F("recalls") + 1)


def start(counter: Counter, caller: Caller, now=None) -> Ticket:
    ticket = _held(counter, caller, (TicketStatus.CALLED,))
    return _move(ticket, TicketStatus.CALLED, status=TicketStatus.SERVING, started_at=now or clock.now())


def done(counter: Counter, caller: Caller, now=None) -> Ticket:
    """Served (right after the call too: `start` is optional); the clerk who served is recorded."""
    ticket = _held(counter, caller)
    return _move(
        ticket, ticket.status, status=TicketStatus.DONE, finished_at=now or clock.now(), clerk=_clerk(counter, caller)
    )


def no_show(counter: Counter, caller: Caller, now=None) -> Ticket:
    ticket = _held(counter, caller, (TicketStatus.CALLED,))
    return _move(ticket, TicketStatus.CALLED, status=TicketStatus.NO_SHOW, finished_at=now or clock.now())


def transfer(counter: Counter, category_value: str, caller: Caller) -> Ticket:
    """Send the current ticket to another category's queue: it waits again, keeping its place by time."""
    ticket = _held(counter, caller)
    category = category_of(category_value)
    if category == PICKUP:
        raise Refusal(
            400,
            "invalid",
            "出件号须凭受理回执号领取",
            "a pickup ticket is taken with the result's receipt",
            fields={"category": Text("不能转入统一出件", "not to the pickup queue")},
        )
    if category.value == ticket.category:
        raise Refusal(
            400,
            "invalid",
            "请选择另一个窗口类别",
            "choose another category",
            fields={"category": Text("与当前类别相同", "the ticket is in this category already")},
        )
    return _move(
        ticket,
        ticket.status,
        status=TicketStatus.WAITING,
        category=category.value,
        counter=None,
        called_at=None,
        first_called_at=None,
        started_at=None,
        recalls=0,
        transfers=F("transfers") + 1,
    )


# --- 一窗受理 and 统一出件: a called ticket's application ----------------------------------------------------


def _application(receipt: str):
    from cms.applications.models import Application
    from cms.applications.services import normalise_receipt

    found = Application.objects.filter(receipt=normalise_receipt(receipt or "")).first()
    if found is None:
        raise Refusal(
            404,
            "not_found",
            "没有这个受理回执号",
            "no application with this receipt",
            fields={"receipt": Text("请核对回执号", "check the receipt number")},
        )
    return found


def link_application(counter: Counter, receipt: str, caller: Caller) -> Ticket:
    """前台综合受理: the window records which application it received (or looked at) for its current ticket."""
    ticket = _held(counter, caller)
    ticket.application = _application(receipt)
    ticket.save(update_fields=["application"])
    return ticket


def window_caller(counter: Counter, caller: Caller, card_id_number: str) -> Caller:
    """The caller of an application accepted at `counter`: the clerk serving there (Channel.STAFF, "窗口"),
    presenting the ID number on the card they checked, which proves it. Its idempotency keys are the window's
    own (its desk page and its device share them)."""
    clerk = _clerk(counter, caller)
    if clerk is None:
        raise Refusal(409, "no_clerk", "请先在窗口签到", "a clerk must sign in at this window first")
    card = (card_id_number or "").strip()
    return Caller(Channel.STAFF, caller.address, None, clerk, card, bool(card), f"window:{counter.pk}")


def checked_card(data, read_from_card: str = "") -> str:
    """The ID number on the card checked at the window: as the window's card reader read it, or, when the clerk
    ticked `card_checked`, the agent's `card_id_number` (a company's application) or the applicant's own."""
    if read_from_card.strip():
        return read_from_card.strip()
    if str(data.get("card_checked", "")).strip().lower() in ("1", "true", "on", "yes"):
        return str(data.get("card_id_number") or data.get("id_number") or "").strip()
    return ""


def accept_application(
    counter: Counter,
    guide_code: str,
    data,
    files: dict[str, list],
    caller: Caller,
    card_id_number: str = "",
    idempotency_key: str | None = None,
    fingerprint: dict | None = None,
) -> tuple[Ticket, bool]:
    """前台综合受理: the window accepts a new application for the citizen of its current ticket, for a guide of
    any category: the guide's own form (cms/applications `form_for`, as online), the scanner's files, the
    applicant proven by the ID card the clerk checked (`card_id_number`, "" when no card was checked: refused).
    It goes to the department's back office through the same `submit` as an online one (status, history,
    notices), recorded as received at this window by its clerk, and the ticket is linked to it.
    (ticket, whether the request replayed an earlier one with the same key)."""
    from cms.applications.services import submit

    ticket = _held(counter, caller)
    applicant_caller = window_caller(counter, caller, card_id_number)
    idempotency = Idempotency.of(applicant_caller, idempotency_key, {"guide": guide_code, **(fingerprint or {})})
    note = f"{counter.number} 号窗口受理，已核验身份证 / received at window {counter.number}, ID card checked"
    application, replayed = submit(guide_code, data, files, applicant_caller, idempotency, note=note)
    # The ticket held when acceptance began is the one served, whatever its state by now: never lose the link.
    Ticket.objects.filter(pk=ticket.pk).update(application=application)
    ticket.refresh_from_db()
    return ticket, replayed


def hand_over(counter: Counter, receipt: str, caller: Caller) -> Ticket:
    """统一窗口出件: the centre's pickup window hands a finished result (approved, to be picked up at this
    centre) to the citizen of its current ticket; the application becomes delivered, recorded as done by the
    clerk signed in at the window (the clerk checks the citizen's card against the application)."""
    from cms.applications.enums import ApplicationStatus, DeliveryMethod
    from cms.applications.services import act

    ticket = _held(counter, caller)
    if not counter.pickup:
        raise Refusal(409, "not_pickup_window", "本窗口不是统一出件窗口", "this is not the centre's pickup window")
    clerk = _clerk(counter, caller)
    if clerk is None:
        raise Refusal(409, "no_clerk", "请先在窗口签到", "a clerk must sign in at this window first")
    # the receipt the citizen shows, or the one their pickup ticket was taken with
    application = (
        _application(receipt) if (receipt or "").strip() or ticket.application_id is None else ticket.application
    )
    if application.delivery != DeliveryMethod.PICKUP or application.centre_id != counter.centre_id:
        raise Refusal(
            409,
            "not_here",
            "该办件不在本中心领取",
            "this result is not to be picked up at this centre",
        )
    if application.status != ApplicationStatus.APPROVED:
        raise Refusal(409, "not_ready", "该办件尚未办结，不能出件", "this result is not ready yet")
    ticket.application = act(application, "deliver", Caller.staff(clerk))
    ticket.save(update_fields=["application"])
    return ticket


# --- the dashboard's figures ------------------------------------------------------------------------------


def _minutes(spans: list[float]) -> dict:
    """Mean and 90th percentile (nearest rank) of durations in minutes, rounded to a tenth; None if none."""
    if not spans:
        return {"mean": None, "p90": None}
    ordered = sorted(spans)
    rank = math.ceil(0.9 * len(ordered)) - 1
    return {"mean": round(sum(ordered) / len(ordered), 1), "p90": round(ordered[rank], 1)}


def hall_figures(days: int = RECENT_DAYS, now: dt.datetime | None = None) -> list[dict]:
    """Per centre and category over the last `days` days: tickets issued, served, no-shows and left at
    closing; the wait (ticket taken to first call) and the service time (first call to done), mean and
    90th percentile in minutes. Only counts and durations: no ticket numbers, no people."""
    now = now or clock.now()
    rows = (
        Ticket.objects.filter(date__gt=(now - dt.timedelta(days=days)).astimezone(TZ).date())
        .values_list("centre__code", "category", "status", "issued_at", "first_called_at", "finished_at")
        .order_by("centre__code", "category")
    )
    groups: dict[tuple[str, str], dict] = {}
    for centre, category, status, issued, called, finished in rows:
        group = groups.setdefault(
            (centre, category), {"issued": 0, "served": 0, "no_shows": 0, "unserved": 0, "waits": [], "services": []}
        )
        group["issued"] += 1
        group["served"] += status == TicketStatus.DONE
        group["no_shows"] += status == TicketStatus.NO_SHOW
        group["unserved"] += status == TicketStatus.UNSERVED
        if called is not None:
            group["waits"].append((called - issued).total_seconds() / 60)
            if status == TicketStatus.DONE and finished is not None:
                group["services"].append((finished - called).total_seconds() / 60)
    return [
        {
            "centre": centre,
            "category": category,
            "category_en": queue_of(category).label_en,
            "issued": g["issued"],
            "served": g["served"],
            "no_shows": g["no_shows"],
            "unserved": g["unserved"],
            "wait_minutes": _minutes(g["waits"]),
            "service_minutes": _minutes(g["services"]),
        }
        for (centre, category), g in groups.items()
    ]


# --- the display -------------------------------------------------------------------------------------------


def display_state(centre: CentrePage, now: dt.datetime | None = None, calls: int = 8) -> dict:
    """What the hall's screen shows: the latest calls (ticket number and window only) and the waiting count
    per category. Each call carries `at`, so a recall counts as a new call for the screen and its voice."""
    today = (now or clock.now()).astimezone(TZ).date()
    latest = (
        Ticket.objects.filter(centre=centre, date=today, called_at__isnull=False, counter__isnull=False)
        .select_related("counter")
        .order_by("-called_at", "-pk")[:calls]
    )
    queues = [*WindowCategory, PICKUP]
    counts = dict.fromkeys((c.value for c in queues), 0)
    for category in Ticket.objects.filter(centre=centre, date=today, status=TicketStatus.WAITING).values_list(
        "category", flat=True
    ):
        counts[category] += 1
    return {
        "centre": centre.code,
        "calls": [
            {
                "ticket": t.number,
                "window": t.counter.number,
                "category": t.category,
                "at": t.called_at.isoformat(),
                "current": t.status in CURRENT,
                "audio": reverse("hall:call_audio", args=[centre.code, t.number, t.counter.number]),
            }
            for t in latest
        ],
        "waiting": [
            {"category": c.value, "category_en": c.label_en, "count": counts[c.value]}
            for c in queues
            if counts[c.value]
        ],
    }


# --- the helper call (义工服务) --------------------------------------------------------------------------------


def ask_help(caller: Caller, screen: str = "", now=None) -> HelpRequest:
    """A kiosk asks for a volunteer; asking again while one request is open returns that one."""
    centre = _kiosk_centre(caller)
    with transaction.atomic():
        open_one = HelpRequest.objects.filter(
            device=caller.device, status__in=(HelpStatus.WAITING, HelpStatus.TAKEN)
        ).first()
        if open_one is not None:
            return open_one
        return HelpRequest.objects.create(
            centre=centre, device=caller.device, screen=screen[:60], created_at=now or clock.now()
        )


def help_for_kiosk(request_id: int, caller: Caller) -> HelpRequest:
    found = HelpRequest.objects.select_related("centre").filter(pk=request_id, device=caller.device).first()
    if caller.device is None or found is None:
        raise Refusal(404, "not_found", "没有这个帮办请求", "no such help request")
    return found


def help_phone(help_request: HelpRequest, now=None) -> str:
    """A village station's phone, once a request has waited HELP_PHONE_AFTER with nobody taking it."""
    waited = (now or clock.now()) - help_request.created_at
    if (
        help_request.status == HelpStatus.WAITING
        and help_request.centre.kind == CentreKind.VILLAGE
        and waited >= HELP_PHONE_AFTER
    ):
        return help_request.centre.phone
    return ""


def open_help(centre: CentrePage):
    return HelpRequest.objects.select_related("device", "taken_by").filter(
        centre=centre, status__in=(HelpStatus.WAITING, HelpStatus.TAKEN)
    )


def _help_move(request_id: int, caller: Caller, expected: str, **changes) -> HelpRequest:
    found = HelpRequest.objects.filter(pk=request_id).first()
    if found is None:
        raise Refusal(404, "not_found", "没有这个帮办请求", "no such help request")
    _require_staff(caller, found.centre_id, "hall.help_visitors")
    if not HelpRequest.objects.filter(pk=request_id, status=expected).update(**changes):
        raise Refusal(409, "already_taken", "该请求已被他人处理", "someone else has dealt with this request")
    found.refresh_from_db()
    return found


def take_help(request_id: int, caller: Caller, now=None) -> HelpRequest:
    return _help_move(
        request_id,
        caller,
        HelpStatus.WAITING,
        status=HelpStatus.TAKEN,
        taken_at=now or clock.now(),
        taken_by=caller.user,
    )


def close_help(request_id: int, caller: Caller, now=None) -> HelpRequest:
    return _help_move(request_id, caller, HelpStatus.TAKEN, status=HelpStatus.CLOSED, closed_at=now or clock.now())
