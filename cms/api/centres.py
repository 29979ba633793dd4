"""`/api/v1/centres`: centres with address and windows, and their opening hours per day (DESIGN.md §6)."""

import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from cms.centres.models import CentrePage
from cms.centres.sources import CentreHours, centre_hours
from cms.core.errors import ErrorBody
from cms.core.etag import etag
from cms.core.urls import absolute
from guides import clock
from guides.centres import RuleKind
from guides.enums import WindowCategory
from guides.hours import TZ, Period, at_local
from guides.refusal import Refusal, Text

router = Router(tags=["centres"])

MAX_RANGE_DAYS = 92
EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2099, 12, 31)  # what a city calendar can speak of
STATUS_SEARCH_DAYS = 60


class Window(Schema):
    category: str
    category_slug: str
    category_en: str
    count: int


class CentreItem(Schema):
    id: str = Field(description="the centre's code")
    name: str
    name_en: str
    kind: str
    town: str
    address: str
    address_en: str
    latitude: float
    longitude: float
    phone: str
    volunteers: bool
    windows: list[Window]
    url: str
    open_now: bool
    closes_at: dt.datetime | None
    next_opening: dt.datetime | None


class CentreList(Schema):
    items: list[CentreItem]
    count: int


class Rule(Schema):
    kind: RuleKind
    categories: list[str]
    weekdays: list[int]
    periods: list[str]
    every_weeks: int
    rota_start: dt.date | None
    note: str
    note_en: str


class CentreDetail(CentreItem):
    rules: list[Rule]


class PeriodOut(Schema):
    start: dt.datetime
    end: dt.datetime
    kind: RuleKind
    note: str
    note_en: str


class CategoryHours(Schema):
    category: str
    category_slug: str
    open: bool
    periods: list[PeriodOut]
    closure: str | None = Field(description="reason, when a closure shuts this category")
    closure_en: str | None = Field(description="the reason in English (empty when the editor gave none)")


class DayOut(Schema):
    date: dt.date
    weekday: int
    open: bool
    holiday: str | None
    holiday_en: str | None
    makeup_workday: bool
    works_as: int | None = Field(description="on a makeup workday, the weekday whose hours it keeps")
    categories: list[CategoryHours]


class HoursOut(Schema):
    centre: str
    start: dt.date = Field(alias="from")
    end: dt.date = Field(alias="to")
    items: list[DayOut]
    count: int


class HoursQuery(Schema):
    start: dt.date | None = Field(None, alias="from", description="first date (default today)")
    end: dt.date | None = Field(None, alias="to", description="last date, inclusive (default a week on)")


def _live_centres():
    return CentrePage.objects.live().prefetch_related("windows", "hours").order_by("path")


def _centre_item(request, hours: CentreHours, now: dt.datetime) -> dict:
    page, centre = hours.page, hours.centre
    state = hours.status(now, search_days=STATUS_SEARCH_DAYS)
    return {
        "id": centre.code,
        **centre.model_dump(include={"name", "name_en", "kind", "town", "address", "address_en", "phone"}),
        "latitude": centre.latitude,
        "longitude": centre.longitude,
        "volunteers": centre.volunteers,
        "windows": [
            {"category": c.value, "category_slug": c.slug, "category_en": c.label_en, "count": n}
            for c, n in centre.windows.items()
        ],
        "url": absolute(page.url, request),
        "open_now": state.open,
        "closes_at": state.closes_at,
        "next_opening": state.next_opening,
    }


def _hours_for_status(page: CentrePage, today: dt.date) -> CentreHours:
    return centre_hours(page, today, today + dt.timedelta(days=STATUS_SEARCH_DAYS))


@router.get("", response={200: CentreList})
@etag
def list_centres(request):
    now = clock.now()
    today = now.astimezone(TZ).date()
    items = [_centre_item(request, _hours_for_status(page, today), now) for page in _live_centres()]
    return {"items": items, "count": len(items)}


@router.get("/{code}", response={200: CentreDetail, 404: ErrorBody})
@etag
def get_centre(request, code: str):
    page = get_object_or_404(_live_centres(), code=code.lower())
    now = clock.now()
    hours = _hours_for_status(page, now.astimezone(TZ).date())
    return {**_centre_item(request, hours, now), "rules": [r.model_dump() for r in hours.centre.hours]}


def _period(day: dt.date, period: Period) -> dict:
    return {
        "start": at_local(day, period.start),
        "end": at_local(day, period.end),
        "kind": period.kind,
        "note": period.note,
        "note_en": period.note_en,
    }


@router.get("/{code}/hours", response={200: HoursOut, 400: ErrorBody, 404: ErrorBody}, by_alias=True)
@etag
def centre_hours_between(request, code: str, query: Query[HoursQuery]):
    page = get_object_or_404(_live_centres(), code=code.lower())
    first = query.start or clock.today()
    for field, day in (("from", first), ("to", query.end or first)):
        if not EARLIEST <= day <= LATEST:
            # A calendar for year 9999 means nothing, and a week after it cannot even be computed.
            raise Refusal(
                400,
                "invalid",
                f"日期应在 {EARLIEST} 至 {LATEST} 之间",
                f"dates run from {EARLIEST} to {LATEST}",
                {field: Text(f"在 {EARLIEST} 至 {LATEST} 之间", f"between {EARLIEST} and {LATEST}")},
            )
    last = query.end or min(first + dt.timedelta(days=6), LATEST)
    if last < first:
        raise Refusal(
            400,
            "invalid",
            "结束日期早于开始日期",
            "'to' is before 'from'",
            {"to": Text("不早于开始日期", "on or after 'from'")},
        )
    if (last - first).days >= MAX_RANGE_DAYS:
        raise Refusal(
            400,
            "invalid",
            f"日期范围最多 {MAX_RANGE_DAYS} 天",
            f"at most {MAX_RANGE_DAYS} days at a time",
            {"to": Text(f"开始日期后 {MAX_RANGE_DAYS} 天内", f"within {MAX_RANGE_DAYS} days of 'from'")},
        )
    hours = centre_hours(page, first, last)
    items = []
    for day in hours.days(first, last):
        items.append(
            {
                "date": day.date,
                "weekday": day.date.isoweekday(),
                "open": day.is_open,
                "holiday": day.holiday,
                "holiday_en": day.holiday_en,
                "makeup_workday": day.makeup_workday is not None,
                "works_as": day.makeup_workday,
                "categories": [
                    {
                        "category": category.value,
                        "category_slug": WindowCategory(category).slug,
                        "open": bool(periods),
                        "periods": [_period(day.date, p) for p in periods],
                        "closure": day.closed.get(category),
                        "closure_en": day.closed_en.get(category),
                    }
                    for category, periods in day.categories.items()
                ],
            }
        )
    return {"centre": page.code, "from": first, "to": last, "items": items, "count": len(items)}
