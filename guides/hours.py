"""Hours arithmetic (五项服务): when a centre, or one of its window categories, is open.

Pure functions over `guides.centres.Centre`, a city `Calendar` (public holidays and 调休 makeup
workdays) and ad-hoc `Closure`s. All times are Asia/Shanghai, which has had no daylight saving since
1991, so a local date and an "HH:MM" always name one instant.

How a day is decided, for one category:
1. a holiday (in the calendar) or a closure covering the category → closed;
2. a makeup workday opens with the rules of the weekday it stands in for (`works_as`);
3. otherwise the rules for the date's own weekday apply; a rule with `every_weeks` > 1 and a
   `rota_start` (the Sunday rota) applies only in the weeks counted from `rota_start` (without a
   `rota_start` there is nothing to count from, and it applies every week).
Overlapping periods are merged; where rules overlap, the period is marked with the first kind in
`KIND_PRIORITY` (regular hours are regular even if a staggered rule repeats them).
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from types import MappingProxyType

from guides.centres import Centre, HourRule, RuleKind, Weekday
from guides.clock import TZ
from guides.enums import WindowCategory

KIND_PRIORITY = (RuleKind.REGULAR, RuleKind.STAGGERED, RuleKind.EXTENDED, RuleKind.SUNDAY_ROTA)
MAX_SEARCH_DAYS = 400  # next_opening looks this far ahead (a year, plus a holiday season)


@dataclass(frozen=True, order=True)
class Period:
    """One opening period on one day, [start, end), marked with the rule kind that opens it."""

    start: dt.time
    end: dt.time
    kind: RuleKind = field(compare=False)
    note: str = field(default="", compare=False)
    note_en: str = field(default="", compare=False)

    def label(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


@dataclass(frozen=True)
class Calendar:
    """The city calendar: public holidays (date → name, and its English name where known) and makeup
    workdays (date → weekday whose hours apply)."""

    holidays: Mapping[dt.date, str] = field(default_factory=dict)
    makeup_workdays: Mapping[dt.date, Weekday] = field(default_factory=dict)
    holidays_en: Mapping[dt.date, str] = field(default_factory=dict)

    def __post_init__(self):
        both = set(self.holidays) & set(self.makeup_workdays)
        if both:
            raise ValueError(f"a day cannot be both a holiday and a makeup workday: {sorted(both)}")
        if any(not 1 <= w <= 5 for w in self.makeup_workdays.values()):
            raise ValueError("a makeup workday works as a weekday from 1 (Monday) to 5 (Friday)")
        object.__setattr__(self, "holidays", MappingProxyType(dict(self.holidays)))
        object.__setattr__(self, "makeup_workdays", MappingProxyType(dict(self.makeup_workdays)))
        object.__setattr__(self, "holidays_en", MappingProxyType(dict(self.holidays_en)))


NO_CALENDAR = Calendar()


@dataclass(frozen=True)
class Closure:
    """An ad-hoc closure from `start` to `end` (inclusive) of some categories (empty: the whole centre)."""

    start: dt.date
    end: dt.date
    categories: frozenset[WindowCategory] = frozenset()
    reason: str = ""
    reason_en: str = ""

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("a closure ends on or after its start")

    def covers(self, day: dt.date, category: WindowCategory) -> bool:
        return self.start <= day <= self.end and (not self.categories or category in self.categories)


@dataclass(frozen=True)
class DayHours:
    """The opening periods of every category of a centre on one date."""

    date: dt.date
    holiday: str | None  # the holiday's name
    makeup_workday: Weekday | None  # the weekday whose hours apply on this 调休 day
    categories: Mapping[WindowCategory, tuple[Period, ...]]
    closed: Mapping[WindowCategory, str]  # categories shut by a closure → its reason
    holiday_en: str | None = None
    closed_en: Mapping[WindowCategory, str] = field(default_factory=dict)  # … → its reason in English

    @property
    def is_open(self) -> bool:
        return any(self.categories.values())


@dataclass(frozen=True)
class OpenStatus:
    open: bool
    closes_at: dt.datetime | None  # end of the current open span, when open
    next_opening: dt.datetime | None  # start of the next open span (after `closes_at` when open)


def local(at: dt.datetime) -> dt.datetime:
    """`at` in Asia/Shanghai; a naive datetime is refused, because it names no instant."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("a datetime with a time zone is needed")
    return at.astimezone(TZ)


def at_local(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=TZ)


def parse_period(text: str) -> tuple[dt.time, dt.time]:
    start, end = text.split("-")
    return dt.time.fromisoformat(start), dt.time.fromisoformat(end)


def rule_applies(rule: HourRule, day: dt.date, weekday: Weekday) -> bool:
    """Whether `rule` opens on `day`, read as `weekday` (its own, or the one a makeup workday stands in for)."""
    if weekday not in rule.weekdays:
        return False
    if rule.every_weeks > 1 and rule.rota_start is not None:
        if day < rule.rota_start:
            return False
        return ((day - rule.rota_start).days // 7) % rule.every_weeks == 0
    if rule.kind is RuleKind.SUNDAY_ROTA and rule.rota_start is not None:
        return day >= rule.rota_start
    return True


def _rule_covers(rule: HourRule, centre: Centre, category: WindowCategory) -> bool:
    return category in centre.windows and (not rule.categories or category in rule.categories)


def merge(pieces: Iterable[Period]) -> tuple[Period, ...]:
    """Non-overlapping periods in order: overlaps go to the kind earliest in KIND_PRIORITY, touching
    periods of the same kind and note join."""
    pieces = list(pieces)
    bounds = sorted({p.start for p in pieces} | {p.end for p in pieces})
    merged: list[Period] = []
    for start, end in pairwise(bounds):
        covering = [p for p in pieces if p.start <= start and end <= p.end]
        if not covering:
            continue
        best = min(covering, key=lambda p: KIND_PRIORITY.index(p.kind))
        last = merged[-1] if merged else None
        if last and last.end == start and last.kind is best.kind and last.note == best.note:
            merged[-1] = Period(last.start, end, best.kind, best.note, best.note_en)
        else:
            merged.append(Period(start, end, best.kind, best.note, best.note_en))
    return tuple(merged)


def periods_on(
    centre: Centre,
    day: dt.date,
    category: WindowCategory,
    calendar: Calendar = NO_CALENDAR,
    closures: Iterable[Closure] = (),
) -> tuple[Period, ...]:
    """The opening periods of one category on one date (empty when closed)."""
    if day in calendar.holidays or any(c.covers(day, category) for c in closures):
        return ()
    weekday = calendar.makeup_workdays.get(day, day.isoweekday())
    pieces = []
    for rule in centre.hours:
        if _rule_covers(rule, centre, category) and rule_applies(rule, day, weekday):
            for text in rule.periods:
                start, end = parse_period(text)
                pieces.append(Period(start, end, rule.kind, rule.note, rule.note_en))
    return merge(pieces)


def day_hours(
    centre: Centre, day: dt.date, calendar: Calendar = NO_CALENDAR, closures: Iterable[Closure] = ()
) -> DayHours:
    closures = list(closures)
    closed, closed_en = {}, {}
    for category in centre.windows:
        closure = next((c for c in closures if c.covers(day, category)), None)
        if closure is not None:
            closed[category], closed_en[category] = closure.reason, closure.reason_en
    return DayHours(
        date=day,
        holiday=calendar.holidays.get(day),
        makeup_workday=calendar.makeup_workdays.get(day),
        categories={c: periods_on(centre, day, c, calendar, closures) for c in centre.windows},
        closed=closed,
        holiday_en=calendar.holidays_en.get(day),
        closed_en=closed_en,
    )


def hours_between(
    centre: Centre,
    first: dt.date,
    last: dt.date,
    calendar: Calendar = NO_CALENDAR,
    closures: Iterable[Closure] = (),
) -> list[DayHours]:
    """Every date from `first` to `last`, inclusive."""
    closures = list(closures)
    days = (last - first).days
    return [day_hours(centre, first + dt.timedelta(days=n), calendar, closures) for n in range(days + 1)]


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """Monday and Sunday of the ISO week holding `day`."""
    monday = day - dt.timedelta(days=day.isoweekday() - 1)
    return monday, monday + dt.timedelta(days=6)


def week_table(
    centre: Centre, day: dt.date, calendar: Calendar = NO_CALENDAR, closures: Iterable[Closure] = ()
) -> dict[WindowCategory, list[tuple[Period, ...]]]:
    """The week holding `day`, as one row per category of seven cells (Monday first)."""
    monday, sunday = week_of(day)
    days = hours_between(centre, monday, sunday, calendar, closures)
    return {category: [d.categories[category] for d in days] for category in centre.windows}


def open_spans(
    centre: Centre,
    day: dt.date,
    category: WindowCategory | None = None,
    calendar: Calendar = NO_CALENDAR,
    closures: Iterable[Closure] = (),
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The contiguous open stretches of a day as aware datetimes; without a category, the centre is
    open while any of its categories is."""
    closures = list(closures)
    categories = [category] if category is not None else list(centre.windows)
    intervals = sorted((p.start, p.end) for c in categories for p in periods_on(centre, day, c, calendar, closures))
    spans: list[list[dt.time]] = []
    for start, end in intervals:
        if spans and start <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([start, end])
    return [(at_local(day, start), at_local(day, end)) for start, end in spans]


def status(
    centre: Centre,
    at: dt.datetime,
    category: WindowCategory | None = None,
    calendar: Calendar = NO_CALENDAR,
    closures: Iterable[Closure] = (),
    search_days: int = MAX_SEARCH_DAYS,
) -> OpenStatus:
    """Open now? Until when? When does it next open (None if not within `search_days`)?"""
    at = local(at)
    closures = list(closures)
    closes_at = None
    for day_offset in range(search_days + 1):
        day = at.date() + dt.timedelta(days=day_offset)
        for start, end in open_spans(centre, day, category, calendar, closures):
            if start <= at < end:
                closes_at = end
            elif start > at:
                return OpenStatus(open=closes_at is not None, closes_at=closes_at, next_opening=start)
    return OpenStatus(open=closes_at is not None, closes_at=closes_at, next_opening=None)


def is_open(
    centre: Centre,
    at: dt.datetime,
    category: WindowCategory | None = None,
    calendar: Calendar = NO_CALENDAR,
    closures: Iterable[Closure] = (),
) -> bool:
    at = local(at)
    return any(start <= at < end for start, end in open_spans(centre, at.date(), category, calendar, closures))


def next_opening(
    centre: Centre,
    at: dt.datetime,
    category: WindowCategory | None = None,
    calendar: Calendar = NO_CALENDAR,
    closures: Iterable[Closure] = (),
    search_days: int = MAX_SEARCH_DAYS,
) -> dt.datetime | None:
    """The first moment at or after `at` when the centre (or category) goes from closed to open."""
    at = local(at)
    closures = list(closures)
    for day_offset in range(search_days + 1):
        day = at.date() + dt.timedelta(days=day_offset)
        for start, _end in open_spans(centre, day, category, calendar, closures):
            if start >= at:
                return start
    return None
