"""Opening hours of centre pages for the public site: `guides.hours` over the page's rules, the city
calendar (holidays, 调休) and the centre's closures, as `cms.centres.sources` reads them.

A centre whose rules do not parse (an editor's half-finished change) gets None, and the templates
list its rules instead.
"""

import datetime as dt
from dataclasses import dataclass

from pydantic import ValidationError

from cms.centres.models import CentrePage
from cms.centres.sources import CentreHours, centre_hours
from guides import hours
from guides.enums import WindowCategory

LOOK_AHEAD_DAYS = 31  # how far "opens next on …" looks past today


@dataclass(frozen=True)
class Today:
    """One category at one centre today: its periods, and whether it is open now or when it opens next."""

    periods: tuple[hours.Period, ...]
    open_now: bool
    next_opening: dt.datetime | None  # when it is closed now
    holiday: str | None
    closure: str | None  # the reason, when a closure shuts this category today
    holiday_en: str | None = None
    closure_en: str | None = None
    day_over: bool = False  # today had hours and they have all ended: 已下班, not "closed today"


@dataclass(frozen=True)
class Now:
    """The whole centre (any window) at one instant: open until when, or closed and opening when."""

    open_now: bool
    closes_at: dt.datetime | None
    next_opening: dt.datetime | None
    day_over: bool  # it was open earlier today and has closed for the day


def _hours(page: CentrePage, first: dt.date, last: dt.date) -> CentreHours | None:
    try:
        return centre_hours(page, first, last)
    except ValidationError:
        return None


def today(page: CentrePage, category: WindowCategory, now: dt.datetime) -> Today | None:
    """None when the centre has no window of that category or its hours cannot be computed."""
    day = hours.local(now).date()
    source = _hours(page, day, day + dt.timedelta(days=LOOK_AHEAD_DAYS))
    if source is None or category not in source.centre.windows:
        return None
    status = source.status(now, category, search_days=LOOK_AHEAD_DAYS)
    day_hours = source.days(day, day)[0]
    periods = day_hours.categories[category]
    return Today(
        periods=periods,
        open_now=status.open,
        next_opening=None if status.open else status.next_opening,
        holiday=day_hours.holiday,
        closure=day_hours.closed.get(category),
        holiday_en=day_hours.holiday_en,
        closure_en=day_hours.closed_en.get(category),
        day_over=_ended(periods, now),
    )


def _ended(periods: tuple[hours.Period, ...], now: dt.datetime) -> bool:
    return bool(periods) and hours.local(now).time() >= max(p.end for p in periods)


def now(page: CentrePage, at: dt.datetime) -> Now | None:
    """Open or closed now, for the centre as a whole; None when its hours cannot be computed."""
    day = hours.local(at).date()
    source = _hours(page, day, day + dt.timedelta(days=LOOK_AHEAD_DAYS))
    if source is None:
        return None
    status = source.status(at, search_days=LOOK_AHEAD_DAYS)
    spans = hours.open_spans(source.centre, day, None, source.calendar, source.closures)
    return Now(
        open_now=status.open,
        closes_at=status.closes_at if status.open else None,
        next_opening=None if status.open else status.next_opening,
        day_over=not status.open and bool(spans) and hours.local(at) >= spans[-1][1],
    )


def week(page: CentrePage, day: dt.date) -> dict | None:
    """The week holding `day`: its seven `DayHours`, and per category seven (periods, closure reason,
    reason in English) cells."""
    monday, sunday = hours.week_of(day)
    source = _hours(page, monday, sunday)
    if source is None:
        return None
    days = source.days(monday, sunday)
    rows = [
        (category, [(d.categories[category], d.closed.get(category), d.closed_en.get(category)) for d in days])
        for category in WindowCategory
        if category in source.centre.windows
    ]
    return {"days": days, "rows": rows}
