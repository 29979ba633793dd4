"""Slots from hours × windows × slot length, per category, kept in step with the hours.

Slots are made on demand, a day at a time, when someone looks at that day (`ensure_day`), and
re-checked whenever hours may have changed (`resync`, on the `hours_changed` signal). A slot that is
no longer within opening hours is closed and its bookings are marked for rebooking; one that is still
within hours but off a changed slot grid is retired (keeps its bookings, takes no new ones).
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest

from cms.bookings.enums import Action, BookingStatus, SlotState
from cms.bookings.models import Booking, BookingEvent, BookingSettings, Slot, SlotPolicy
from cms.centres.models import CentrePage
from cms.centres.sources import CentreHours, centre_hours
from guides import clock
from guides.centres import RuleKind
from guides.enums import WindowCategory
from guides.hours import TZ, at_local


@dataclass(frozen=True)
class Wanted:
    category: str
    start: dt.datetime
    end: dt.datetime
    kind: RuleKind
    capacity: int


@dataclass
class SyncResult:
    created: int = 0
    closed: list[int] = field(default_factory=list)  # slot ids
    reopened: list[int] = field(default_factory=list)
    rebook: list[int] = field(default_factory=list)  # booking ids marked for rebooking
    restored: list[int] = field(default_factory=list)  # booking ids whose slot opened again


def wanted_slots(
    hours: CentreHours, day: dt.date, default_minutes: int, policies: dict[str, SlotPolicy]
) -> dict[tuple[str, dt.datetime], Wanted]:
    wanted = {}
    for category, windows in hours.centre.windows.items():
        policy = policies.get(category)
        if policy is not None and not policy.bookable:
            continue
        length = dt.timedelta(minutes=(policy and policy.slot_minutes) or default_minutes)
        capacity = (policy and policy.capacity) or windows
        for period in hours.periods(day, category):
            start, period_end = at_local(day, period.start), at_local(day, period.end)
            while start + length <= period_end:
                wanted[(category.value, start)] = Wanted(category.value, start, start + length, period.kind, capacity)
                start += length
    return wanted


def _within_hours(hours: CentreHours, slot: Slot) -> bool:
    start, end = slot.start.astimezone(TZ), slot.end.astimezone(TZ)
    return any(
        at_local(slot.date, p.start) <= start and end <= at_local(slot.date, p.end)
        for p in hours.periods(slot.date, WindowCategory(slot.category))
    )


def sync_day(page: CentrePage, day: dt.date, hours: CentreHours | None = None) -> SyncResult:
    """Make the slots of one centre on one date match its hours; writes only when something differs."""
    hours = hours or centre_hours(page, day, day)
    settings = BookingSettings.load()
    policies = {p.category: p for p in SlotPolicy.objects.filter(centre=page)}
    wanted = wanted_slots(hours, day, settings.slot_minutes, policies)
    result = SyncResult()
    state_changes, capacity_changes = _differences(Slot.objects.filter(centre=page, date=day), wanted, hours)
    if not wanted and not any(state_changes.values()) and not capacity_changes:
        return result

    with transaction.atomic():
        new = [
            Slot(centre=page, date=day, category=w.category, start=w.start, end=w.end, kind=w.kind, capacity=w.capacity)
            for w in wanted.values()
        ]
        # Twin requests may both create the day's slots; the unique constraint keeps one of each.
        result.created = len(Slot.objects.bulk_create(new, ignore_conflicts=True))
        for slot, want in capacity_changes:
            # Never below what is booked, decided in SQL against the current count.
            Slot.objects.filter(pk=slot.pk).update(
                capacity=Greatest(Value(want.capacity), F("booked")), end=want.end, kind=want.kind
            )
        for state, ids in state_changes.items():
            if ids:
                Slot.objects.filter(pk__in=ids).update(state=state)
        result.closed = state_changes[SlotState.CLOSED]
        result.reopened = state_changes[SlotState.OPEN]
        result.rebook = _move(result.closed, BookingStatus.BOOKED, BookingStatus.REBOOK, Action.REBOOK)
        result.restored = _move(result.reopened, BookingStatus.REBOOK, BookingStatus.BOOKED, Action.RESTORED)
    _tell_holders(result)
    return result


def _differences(slots, wanted: dict, hours: CentreHours) -> tuple[dict[str, list[int]], list[tuple[Slot, Wanted]]]:
    """The day's slots against the wanted ones: which change state, which change capacity or shape.
    Wanted slots that match one are taken out of `wanted`; what is left there is to be created."""
    state_changes: dict[str, list[int]] = {SlotState.OPEN: [], SlotState.RETIRED: [], SlotState.CLOSED: []}
    capacity_changes: list[tuple[Slot, Wanted]] = []
    for slot in slots:
        want = wanted.pop((slot.category, slot.start), None)
        if want is None:
            target = SlotState.RETIRED if _within_hours(hours, slot) else SlotState.CLOSED
            if slot.state != target:
                state_changes[target].append(slot.pk)
            continue
        if slot.state != SlotState.OPEN:
            state_changes[SlotState.OPEN].append(slot.pk)
        if (slot.capacity, slot.end, slot.kind) != (max(want.capacity, slot.booked), want.end, want.kind):
            capacity_changes.append((slot, want))
    return state_changes, capacity_changes


def _tell_holders(result: SyncResult) -> None:
    if result.rebook or result.restored:
        from cms.bookings.notices import notify_later

        for booking_id in result.rebook:
            notify_later(booking_id, "rebook")
        for booking_id in result.restored:
            notify_later(booking_id, "restored")


def _move(slot_ids: list[int], old: str, new: str, action: str) -> list[int]:
    if not slot_ids:
        return []
    ids = list(Booking.objects.filter(slot_id__in=slot_ids, status=old).values_list("pk", flat=True))
    Booking.objects.filter(pk__in=ids, status=old).update(status=new, sequence=F("sequence") + 1)
    BookingEvent.objects.bulk_create([BookingEvent(booking_id=pk, action=action, by="hours") for pk in ids])
    return ids


def ensure_day(page: CentrePage, day: dt.date) -> None:
    """Before showing a day's slots: make them if missing, follow hours that changed. Past days stay as they were."""
    if day >= clock.today():
        sync_day(page, day)


def resync(centre_ids: list[int] | None, first: dt.date, last: dt.date) -> SyncResult:
    """After hours changed on some dates: re-check every day that already has slots."""
    first = max(first, clock.today())
    days = Slot.objects.filter(date__range=(first, last))
    if centre_ids is not None:
        days = days.filter(centre_id__in=centre_ids)
    total = SyncResult()
    pages = {p.pk: p for p in CentrePage.objects.filter(pk__in=days.values("centre_id"))}
    for centre_id, day in days.values_list("centre_id", "date").distinct().order_by("centre_id", "date"):
        result = sync_day(pages[centre_id], day)
        total.created += result.created
        total.closed += result.closed
        total.reopened += result.reopened
        total.rebook += result.rebook
        total.restored += result.restored
    return total
