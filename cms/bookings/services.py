"""Booking, looking up, cancelling, rescheduling, checking in, no-shows and reminders.

Never overbook: the one way a slot fills is `UPDATE slot SET booked = booked + 1 WHERE id = ? AND
booked < capacity AND state = 'open'` inside the booking's transaction, and a CHECK constraint keeps
`booked <= capacity` whatever code runs. On SQLite the transaction is BEGIN IMMEDIATE (settings), so
writers queue on the busy timeout; on PostgreSQL the UPDATE takes the slot's row lock and re-checks
its condition after any competing writer commits. A full slot is a 409, never an error.

Per-person limits are checked under a row lock on the person (PostgreSQL), so two bookings by the same
person cannot both pass the weekly cap; "one live booking per guide" is also a partial unique index.

Every operation takes the `Caller` and decides its own rate limits and the slot-release throttle
(cms/core/limits.py) before anything else: the API, the website and the kiosk are held to the same.

Levels of proof (cms/identity/proof.py): a booking by a *claimed* identity (typed ID number, phone confirmed)
counts against its phone — rate limits, per-person limits, no-show bars — never against the ID number it names;
its `holder` row keeps whose name it is in, so that person finds it (我的预约) and can cancel it.
"""

import datetime as dt

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q

from cms.bookings.enums import COUNTED, LIVE, Action, BookingStatus, SlotState
from cms.bookings.models import Booking, BookingEvent, BookingSettings, Person, Slot, TicketCounter
from cms.bookings.notices import notify_later
from cms.bookings.slots import ensure_day
from cms.centres.models import CentrePage
from cms.centres.sources import centre_hours
from cms.core import limits, lookups
from cms.core.caller import Caller
from cms.core.enums import Channel, Language
from cms.core.i18n import in_language
from cms.core.idempotency import Idempotency, idempotent_create
from cms.identity.enums import Proof
from cms.identity.models import BookingHolder
from cms.identity.privacy import consented
from cms.identity.proof import limited_identity, person_key, proof_of
from cms.personal.keys import keyed_hash
from cms.personal.masking import mask_identifier
from cms.services.models import GuideCentre, ServiceGuidePage
from guides import clock
from guides.applicants import Applicant
from guides.codes import BOOKING_CODE_LENGTH, new_code, normalise
from guides.enums import WindowCategory
from guides.hours import TZ, week_of
from guides.refusal import Refusal, Text

TICKET_LETTERS = {category: chr(ord("A") + n) for n, category in enumerate(WindowCategory)}
NOT_FOUND = Text("未找到该预约（请核对预约码和证件号）", "no booking with this code and ID number")


def bookable_guide(code: str, centre_id: int | None = None) -> ServiceGuidePage:
    """The live guide taking appointments; with `centre_id`, its `at_centre` says whether that centre handles
    it (asked in the same query: the booking's hot path)."""
    guides = ServiceGuidePage.objects.live().only("id", "code", "title", "category", "channels_appointment")
    if centre_id is not None:
        guides = guides.annotate(at_centre=Exists(GuideCentre.objects.filter(page=OuterRef("pk"), centre_id=centre_id)))
    guide = guides.filter(code=(code or "").upper()).first()
    if guide is None:
        raise Refusal(
            404, "not_found", "未找到该事项", "no such guide", {"guide": Text("事项编码有误", "unknown guide code")}
        )
    if not guide.channels_appointment:
        raise Refusal(
            400,
            "invalid",
            "该事项不需要预约",
            "this item takes no appointments",
            {"guide": Text("该事项不需要预约", "no appointments")},
        )
    return guide


def check_guide_at(guide: ServiceGuidePage, slot: Slot) -> None:
    """`guide` from `bookable_guide(code, slot.centre_id)`."""
    if guide.category != slot.category:
        raise Refusal(
            400,
            "invalid",
            "该时段不属于此事项的窗口类别",
            "the slot is for another window category",
            {
                "slot": Text(
                    f"请选择{guide.category}窗口的时段", f"choose a {WindowCategory(guide.category).label_en} slot"
                )
            },
        )
    if not guide.at_centre:
        raise Refusal(
            400,
            "invalid",
            "该服务中心不办理此事项",
            "this centre does not handle the item",
            {"slot": Text("请选择办理此事项的服务中心的时段", "choose a slot at a centre that handles the item")},
        )


def window(now: dt.datetime, conf: BookingSettings) -> tuple[dt.datetime, dt.date]:
    """The booking window: slots starting from `earliest`, on dates up to `last_date`."""
    return now + dt.timedelta(minutes=conf.lead_minutes), now.astimezone(TZ).date() + dt.timedelta(days=conf.days_ahead)


def check_bookable(slot: Slot, now: dt.datetime, conf: BookingSettings) -> None:
    earliest, last_date = window(now, conf)
    if slot.state != SlotState.OPEN:
        raise Refusal(409, "slot_closed", "该时段已停止预约，请另选时段", "this slot is closed; please choose another")
    if slot.start < earliest:
        raise Refusal(
            409,
            "outside_window",
            f"请预约 {conf.lead_minutes} 分钟之后的时段",
            f"book a slot at least {conf.lead_minutes} minutes ahead",
        )
    if slot.date > last_date:
        raise Refusal(
            409,
            "outside_window",
            f"最多可预约 {conf.days_ahead} 天内的时段",
            f"slots can be booked up to {conf.days_ahead} days ahead",
        )


_CENTRE_FIELDS = ["code", "title", "name_en", "address", "address_en", "latitude", "longitude", "phone"]


def get_slot(slot_id: int, field: str = "slot") -> Slot:
    # Only what bookings show of the centre: a whole page row costs more than the booking itself.
    slot = (
        Slot.objects.select_related("centre")
        .only(*[f.name for f in Slot._meta.concrete_fields], *[f"centre__{f}" for f in _CENTRE_FIELDS])
        .filter(pk=slot_id)
        .first()
    )
    if slot is None:
        raise Refusal(404, "not_found", "未找到该时段", "no such slot", {field: Text("时段不存在", "unknown slot")})
    return slot


def guide_at_centre(guide_code: str, centre_code: str) -> tuple[ServiceGuidePage, CentrePage]:
    """A bookable guide and a live centre that handles it, or the refusal saying which is wrong."""
    guide = bookable_guide(guide_code)
    centre = CentrePage.objects.live().filter(code=(centre_code or "").lower()).first()
    if centre is None:
        raise Refusal(
            404,
            "not_found",
            "未找到该服务中心",
            "no such centre",
            {"centre": Text("中心编码有误", "unknown centre code")},
        )
    if not guide.centre_links.filter(centre=centre).exists():
        raise Refusal(
            400,
            "invalid",
            "该服务中心不办理此事项",
            "this centre does not handle the item",
            {"centre": Text("该中心不办理此事项", "the guide is not handled here")},
        )
    return guide, centre


def open_dates(centre: CentrePage, category: str, now: dt.datetime | None = None) -> list[dt.date]:
    """Dates inside the booking window on which the category is open at the centre."""
    now = now or clock.now()
    _, last = window(now, BookingSettings.load())
    today = now.astimezone(TZ).date()
    hours = centre_hours(centre, today, last)
    days = [today + dt.timedelta(days=n) for n in range((last - today).days + 1)]
    return [d for d in days if hours.periods(d, WindowCategory(category))]


def open_slots(
    guide: ServiceGuidePage, centre: CentrePage, day: dt.date, caller: Caller, now: dt.datetime | None = None
) -> list[Slot]:
    """The guide's slots at the centre on `day` that can still be booked. Counted per caller (`slots`
    limits): slot-grabbing bots poll slot lists, through any channel."""
    limits.check("slots", caller)
    now = now or clock.now()
    earliest, last_date = window(now, BookingSettings.load())
    if not now.astimezone(TZ).date() <= day <= last_date:
        return []
    ensure_day(centre, day)
    slots = Slot.objects.filter(
        centre=centre, date=day, category=guide.category, state=SlotState.OPEN, start__gte=earliest
    ).select_related("centre")
    return list(slots.order_by("start"))


# Raw SQL, portable to SQLite (≥ 3.35 for RETURNING) and PostgreSQL: the ORM needs two or three statements each.
_UPSERT_PERSON = (
    "INSERT INTO bookings_person (key, barred_until) VALUES (%s, NULL) "
    "ON CONFLICT (key) DO UPDATE SET key = excluded.key RETURNING id, key, barred_until"
)
_TAKE_PLACE = (
    "UPDATE bookings_slot SET booked = booked + 1 "
    "WHERE id = %s AND state = %s AND booked < capacity RETURNING booked, capacity"
)


def _locked_person(key: str) -> Person:
    """The person with this key, made if new, in one statement. The no-op update on a conflict takes the
    row's lock on PostgreSQL, as SELECT … FOR UPDATE would; SQLite's IMMEDIATE transaction already has
    the database's."""
    return next(iter(Person.objects.raw(_UPSERT_PERSON, [key])))


def _check_limits(person: Person, guide_code: str, slot: Slot, now: dt.datetime, conf, exclude=None) -> None:
    if person.barred_until and person.barred_until > now:
        until = person.barred_until.astimezone(TZ).date()
        raise Refusal(
            429,
            "barred",
            f"因多次预约未到，{until:%Y-%m-%d} 前暂停预约",
            f"after repeated no-shows, booking is suspended until {until:%Y-%m-%d}",
        )
    mine = Booking.objects.filter(person=person)
    if exclude is not None:
        mine = mine.exclude(pk=exclude.pk)
    monday, sunday = week_of(slot.date)
    counts = mine.aggregate(  # both limits in one query
        same_guide=Count("pk", filter=Q(guide_code=guide_code, status__in=LIVE)),
        this_week=Count("pk", filter=Q(status__in=COUNTED, slot__date__range=(monday, sunday))),
    )
    if exclude is None and counts["same_guide"]:
        raise _already_booked()
    if counts["this_week"] >= conf.weekly_cap:
        raise Refusal(
            429,
            "weekly_cap",
            f"每人每周最多预约 {conf.weekly_cap} 次",
            f"at most {conf.weekly_cap} bookings a week per person",
        )


def _already_booked() -> Refusal:
    return Refusal(
        409,
        "already_booked",
        "您已预约该事项，如需更改请改约或取消",
        "you already have a booking for this item; reschedule or cancel it",
    )


def _full() -> Refusal:
    return Refusal(409, "slot_full", "该时段已约满，请另选时段", "this slot is fully booked; please choose another")


def _take_place(slot: Slot) -> None:
    """One place in the slot, or `slot_full`; `slot.booked` and `slot.capacity` are then as the UPDATE left them
    (RETURNING: SQLite ≥ 3.35, PostgreSQL), so nothing reads the slot back."""
    with connection.cursor() as cursor:
        cursor.execute(_TAKE_PLACE, [slot.pk, SlotState.OPEN.value])
        row = cursor.fetchone()
    if row is None:
        raise _full()
    slot.booked, slot.capacity = row


def _free_place(slot_id: int) -> None:
    Slot.objects.filter(pk=slot_id, booked__gt=0).update(booked=F("booked") - 1)


def _release_throttle(caller: Caller, slot: Slot, identifier: str, now: dt.datetime, conf: BookingSettings) -> None:
    _, last_date = window(now, conf)
    limits.check_release(caller, slot.date, last_date, now, identifier)


def book(
    slot_id: int,
    guide_code: str,
    applicant: Applicant,
    caller: Caller,
    language: str = Language.ZH,
    idempotency: Idempotency | None = None,
    now: dt.datetime | None = None,
    consent: str = "",
) -> tuple[Booking, bool]:
    """Book a place: (booking, whether it is a replay of an earlier request with the same key), or a Refusal.
    `consent`: the version of the personal-information notice the person agreed to (cms/identity/privacy.py)."""
    now = now or clock.now()
    idempotency = idempotency or Idempotency(None, "")
    if (first := idempotency.find(Booking.objects)) is not None:
        return first, True  # a resend after a lost answer is not a second attempt: no limit counts it
    proof = proof_of(caller, applicant)
    notice_version, consented_at = consented(caller, applicant.identifier, consent)
    counted_as = limited_identity(proof, applicant.identifier, applicant.phone)
    limits.check("booking", caller, id_number=counted_as)
    conf = BookingSettings.load()
    slot = get_slot(slot_id)
    _release_throttle(caller, slot, counted_as, now, conf)
    guide = bookable_guide(guide_code, slot.centre_id)
    check_guide_at(guide, slot)
    check_bookable(slot, now, conf)
    if slot.booked >= slot.capacity:
        # Read just now, outside any transaction: at a slot release most attempts are for places already
        # gone, and answering them here keeps them out of the write lock the real bookings queue for.
        # A place freed meanwhile is no loss: the caller sees "full" a moment early and tries again.
        raise _full()

    def make() -> Booking:
        person = _locked_person(person_key(proof, applicant.identifier, applicant.phone))
        _check_limits(person, guide.code, slot, now, conf)
        _take_place(slot)
        booking = Booking(
            code=new_code(BOOKING_CODE_LENGTH, lambda code: Booking.objects.filter(code=code).exists()),
            slot=slot,
            person=person,
            guide_code=guide.code,
            guide_name=guide.title,
            guide_name_en=guide.name_en,
            category=guide.category,
            name=applicant.name,
            phone=applicant.phone,
            id_number=applicant.identifier,
            id_masked=mask_identifier(applicant.identifier),
            email=applicant.email or None,
            language=language,
            channel=caller.channel,
            device=caller.device,
            consent_version=notice_version,
            consented_at=consented_at,
        )
        idempotency.stamp(booking)
        booking.save()
        BookingHolder.objects.create(booking=booking, key=keyed_hash(applicant.identifier), proof=proof)
        BookingEvent.objects.create(booking=booking, action=Action.BOOKED, by=caller.label, detail=proof)
        if booking.email:  # the confirmation goes by mail; without an address, reading the booking back is waste
            notify_later(booking.pk, "confirmation")
        return booking

    try:
        booking, replayed = idempotent_create(idempotency, Booking.objects, make)
    except IntegrityError:
        # Two requests of one person for one guide at once: the partial unique index let one through.
        if Booking.objects.filter(
            person__key=person_key(proof, applicant.identifier, applicant.phone),
            guide_code=guide.code,
            status__in=LIVE,
        ).exists():
            raise _already_booked() from None
        raise
    return booking, replayed


def find(code: str, caller: Caller) -> Booking:
    """The booking with this code, if the caller's ID number made it; the same 404 either way, and a code
    that sees a few wrong ID numbers locks (cms/core/lookups.py)."""
    queryset = Booking.objects.select_related("slot", "slot__centre")
    return lookups.find_held("booking", queryset, "code", "holder__key", code, caller, NOT_FOUND)


def counted_as(booking: Booking) -> str:
    """What a change to this booking counts against: a claimed booking's phone, else its ID number."""
    holder = BookingHolder.objects.filter(booking_id=booking.pk).first()
    proof = holder.proof if holder is not None else Proof.TYPED
    return limited_identity(proof, booking.id_number, booking.phone)


def in_name_of(key: str):
    """Every booking in the name of the ID number with this keyed hash, whoever made it (我的预约)."""
    return Booking.objects.filter(holder__key=key).select_related("slot", "slot__centre", "holder")


def _locked(booking: Booking) -> Booking:
    return Booking.objects.select_for_update().select_related("slot", "slot__centre").get(pk=booking.pk)


def status_in(booking: Booking, language: str) -> str:
    return in_language(BookingStatus(booking.status).label, language)


def _check_changeable(booking: Booking, now: dt.datetime, conf: BookingSettings) -> None:
    if booking.status not in LIVE:
        raise Refusal(
            409,
            "not_live",
            f"该预约状态为“{status_in(booking, 'zh-hans')}”，不能更改",
            f"this booking cannot be changed: its status is “{status_in(booking, 'en')}”",
        )
    # A booking whose slot was closed by us may always be moved or dropped.
    cutoff = booking.slot.start - dt.timedelta(minutes=conf.change_cutoff_minutes)
    if booking.status == BookingStatus.BOOKED and now > cutoff:
        raise Refusal(
            409,
            "too_late",
            f"距预约开始不足 {conf.change_cutoff_minutes} 分钟，已不能在线更改，请致电服务中心",
            f"changes close {conf.change_cutoff_minutes} minutes before the slot; please call the centre",
        )


def cancel(booking: Booking, caller: Caller, now: dt.datetime | None = None, reason: str = "") -> Booking:
    """Cancel a live booking, up to the cut-off; `reason` (staff cancelling) goes into its history."""
    now = now or clock.now()
    limits.check("booking", caller, id_number=counted_as(booking))
    conf = BookingSettings.load()
    with transaction.atomic():
        booking = _locked(booking)
        _check_changeable(booking, now, conf)
        _free_place(booking.slot_id)
        booking.status = BookingStatus.CANCELLED
        booking.sequence += 1
        booking.save(update_fields=["status", "sequence", "updated_at"])
        BookingEvent.objects.create(booking=booking, action=Action.CANCELLED, by=caller.label, detail=reason[:255])
        notify_later(booking.pk, "cancelled")
    return booking


def reschedule(booking: Booking, slot_id: int, caller: Caller, now: dt.datetime | None = None) -> Booking:
    now = now or clock.now()
    identity = counted_as(booking)
    limits.check("booking", caller, id_number=identity)
    conf = BookingSettings.load()
    new = get_slot(slot_id)
    _release_throttle(caller, new, identity, now, conf)
    guide = bookable_guide(booking.guide_code, new.centre_id)
    check_guide_at(guide, new)
    check_bookable(new, now, conf)
    if new.pk == booking.slot_id:
        raise Refusal(409, "same_slot", "已预约该时段", "the booking is already in this slot")
    with transaction.atomic():
        person = _locked_person(booking.person.key)
        booking = _locked(booking)
        _check_changeable(booking, now, conf)
        _check_limits(person, booking.guide_code, new, now, conf, exclude=booking)
        old_slot, old_start = booking.slot_id, booking.slot.start
        # Two slot rows change; taking them in id order keeps two opposite moves from deadlocking.
        if new.pk < old_slot:
            _take_place(new)
            _free_place(old_slot)
        else:
            _free_place(old_slot)
            _take_place(new)
        booking.slot = new
        booking.status = BookingStatus.BOOKED
        booking.sequence += 1
        booking.reminded_at = None
        booking.save(update_fields=["slot", "status", "sequence", "reminded_at", "updated_at"])
        BookingEvent.objects.create(
            booking=booking,
            action=Action.RESCHEDULED,
            by=caller.label,
            detail=f"{old_start.astimezone(TZ):%Y-%m-%d %H:%M} → {new.start.astimezone(TZ):%Y-%m-%d %H:%M}",
        )
        notify_later(booking.pk, "rescheduled")
    return booking


def check_in(code: str, caller: Caller, now: dt.datetime | None = None, enforce_window: bool = True) -> Booking:
    """Arrival at the centre, at a kiosk of that centre: a queue ticket per category and day (A001, …).
    Repeating it gives the same ticket. With an ID number (from the card reader) the booking must be that
    person's, and a card read unlocks a code locked by wrong guesses."""
    now = now or clock.now()
    at_kiosk = caller.channel != Channel.STAFF  # staff check people in at the window, seeing them
    if at_kiosk and (caller.device is None or caller.device.centre_id is None):
        raise Refusal(
            403,
            "kiosk_without_centre",
            "此终端未绑定服务中心，不能签到",
            "this kiosk belongs to no centre, so it cannot check anyone in",
        )
    code = normalise(code)
    limits.check("check_in", caller, code=code)
    if caller.id_number:
        booking = find(code, caller)
    else:
        booking = Booking.objects.select_related("slot", "slot__centre").filter(code=code).first()
        if booking is None:
            raise Refusal(404, "not_found", NOT_FOUND.zh, NOT_FOUND.en)
    conf = BookingSettings.load()
    with transaction.atomic():
        booking = _locked(booking)
        if booking.status == BookingStatus.CHECKED_IN:
            return booking
        if booking.status != BookingStatus.BOOKED:
            raise Refusal(
                409,
                "not_live",
                f"该预约状态为“{status_in(booking, 'zh-hans')}”，不能签到",
                f"this booking cannot be checked in: its status is “{status_in(booking, 'en')}”",
            )
        slot = booking.slot
        if (
            at_kiosk
            and not caller.proven
            and BookingHolder.objects.filter(booking=booking, proof=Proof.CLAIMED).exists()
        ):
            raise Refusal(
                409,
                "card_needed",
                "该预约未经实名核验，请在读卡器上刷本人身份证签到，或到窗口签到",
                "this booking is unverified: check in with your ID card on the reader, or at a window",
            )
        if at_kiosk and caller.device.centre_id != slot.centre_id:
            raise Refusal(
                409,
                "wrong_centre",
                f"该预约在{slot.centre.title}，请到该中心签到",
                f"this booking is at {slot.centre.name_en}; please check in there",
            )
        if enforce_window:
            opens = slot.start - dt.timedelta(minutes=conf.check_in_early_minutes)
            if now < opens:
                raise Refusal(
                    409,
                    "too_early",
                    f"请于 {opens.astimezone(TZ):%m-%d %H:%M} 之后签到",
                    f"check-in opens at {opens.astimezone(TZ):%Y-%m-%d %H:%M}",
                )
            if now > slot.end + dt.timedelta(minutes=conf.no_show_grace_minutes):
                raise Refusal(
                    409, "too_late", "已超过签到时间，请到窗口咨询", "check-in has closed; please ask at the window"
                )
        counter, _ = TicketCounter.objects.get_or_create(
            centre_id=slot.centre_id, category=slot.category, date=slot.date
        )
        TicketCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
        counter.refresh_from_db(fields=["last"])
        booking.ticket = f"{TICKET_LETTERS[WindowCategory(slot.category)]}{counter.last:03d}"
        booking.status = BookingStatus.CHECKED_IN
        booking.checked_in_at = now
        booking.save(update_fields=["ticket", "status", "checked_in_at", "updated_at"])
        BookingEvent.objects.create(booking=booking, action=Action.CHECKED_IN, by=caller.label, detail=booking.ticket)
    return booking


def mark_no_shows(now: dt.datetime | None = None) -> int:
    """Bookings not checked in by the end of their slot (plus grace) become no-shows; too many bar the person."""
    now = now or clock.now()
    conf = BookingSettings.load()
    due = Booking.objects.filter(
        status=BookingStatus.BOOKED, slot__end__lt=now - dt.timedelta(minutes=conf.no_show_grace_minutes)
    )
    marked, people = 0, set()
    for booking_id, person_id in due.values_list("pk", "person_id"):
        with transaction.atomic():
            # Conditional: a check-in that lands meanwhile wins.
            if Booking.objects.filter(pk=booking_id, status=BookingStatus.BOOKED).update(status=BookingStatus.NO_SHOW):
                BookingEvent.objects.create(booking_id=booking_id, action=Action.NO_SHOW, by="system")
                marked += 1
                people.add(person_id)
    since = now - dt.timedelta(days=conf.no_show_window_days)
    for person_id in people:
        count = Booking.objects.filter(
            person_id=person_id, status=BookingStatus.NO_SHOW, slot__start__gte=since
        ).count()
        if count >= conf.no_show_limit:
            with transaction.atomic():
                person = Person.objects.select_for_update().get(pk=person_id)
                until = now + dt.timedelta(days=conf.no_show_bar_days)
                if person.barred_until is None or person.barred_until < until:
                    person.barred_until = until
                    person.save(update_fields=["barred_until"])
    return marked


def send_reminders(now: dt.datetime | None = None) -> int:
    """One reminder per booking with an e-mail, `reminder_hours` before; not for bookings made inside that time."""
    now = now or clock.now()
    ahead = dt.timedelta(hours=BookingSettings.load().reminder_hours)
    due = Booking.objects.filter(
        status=BookingStatus.BOOKED,
        reminded_at__isnull=True,
        email__isnull=False,
        slot__start__gt=now,
        slot__start__lte=now + ahead,
        created_at__lte=F("slot__start") - ahead,
    )
    sent = 0
    for booking_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            # Claim it first, so two periodic runners never send the same reminder twice.
            if Booking.objects.filter(pk=booking_id, reminded_at__isnull=True).update(reminded_at=now):
                BookingEvent.objects.create(booking_id=booking_id, action=Action.REMINDED, by="system")
                notify_later(booking_id, "reminder")
                sent += 1
    return sent


def live_hits(centre_ids: list[int] | None, first: dt.date, last: dt.date, categories: list[str] | None = None):
    """Booked places on those dates (and categories) that a closure or holiday would take away."""
    hits = Booking.objects.filter(status=BookingStatus.BOOKED, slot__date__range=(first, last)).select_related(
        "slot", "slot__centre"
    )
    if centre_ids is not None:
        hits = hits.filter(slot__centre_id__in=centre_ids)
    if categories:
        hits = hits.filter(slot__category__in=categories)
    return hits.order_by("slot__start", "code")
