"""The hours arithmetic's inputs, read from the CMS: a centre page, the city calendar and its closures."""

import datetime as dt
from dataclasses import dataclass

from cms.centres.convert import centre_from_page
from cms.centres.models import CentrePage
from cms.hours.models import CalendarDay, Closure
from guides import hours
from guides.calendar import DayKind
from guides.centres import Centre
from guides.enums import WindowCategory


def calendar_between(first: dt.date, last: dt.date) -> hours.Calendar:
    days = CalendarDay.objects.filter(date__range=(first, last))
    return hours.Calendar(
        holidays={d.date: d.name for d in days if d.kind == DayKind.HOLIDAY},
        makeup_workdays={d.date: d.works_as for d in days if d.kind == DayKind.MAKEUP_WORKDAY},
        holidays_en={d.date: d.name_en for d in days if d.kind == DayKind.HOLIDAY and d.name_en},
    )


def closures_between(page: CentrePage, first: dt.date, last: dt.date) -> list[hours.Closure]:
    rows = Closure.objects.filter(centre=page, start_date__lte=last, end_date__gte=first)
    return [
        hours.Closure(
            r.start_date, r.end_date, frozenset(WindowCategory(c) for c in r.categories), r.reason, r.reason_en
        )
        for r in rows
    ]


@dataclass(frozen=True)
class CentreHours:
    """Everything needed to answer hours questions about one centre over a date range."""

    page: CentrePage
    centre: Centre
    calendar: hours.Calendar
    closures: list[hours.Closure]

    def days(self, first: dt.date, last: dt.date) -> list[hours.DayHours]:
        return hours.hours_between(self.centre, first, last, self.calendar, self.closures)

    def periods(self, day: dt.date, category: WindowCategory) -> tuple[hours.Period, ...]:
        return hours.periods_on(self.centre, day, category, self.calendar, self.closures)

    def status(self, at: dt.datetime, category: WindowCategory | None = None, search_days: int = 60):
        return hours.status(self.centre, at, category, self.calendar, self.closures, search_days)


def centre_hours(page: CentrePage, first: dt.date, last: dt.date) -> CentreHours:
    return CentreHours(page, centre_from_page(page), calendar_between(first, last), closures_between(page, first, last))
