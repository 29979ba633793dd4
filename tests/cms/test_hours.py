"""Hours in the CMS: `/api/v1/centres…`, the city calendar (prefill, editing) and closures."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from cms.centres.models import CentrePage
from cms.hours.models import CalendarDay, Closure
from cms.hours.prefill import prefill
from guides import clock
from guides.calendar import DayKind, Source, last_announced_year
from guides.centres import load_centres
from guides.files import CENTRES_FILE
from tests.support.api import assert_error

pytestmark = pytest.mark.django_db
DEMO = {c.code: c for c in load_centres(CENTRES_FILE)}


def test_centre_list_has_every_live_centre_with_windows(client):
    body = client.get("/api/v1/centres").json()
    assert body["count"] == len(DEMO) == len(body["items"])
    city = next(c for c in body["items"] if c["id"] == "city")
    assert city["name"] == DEMO["city"].name and city["address"] == DEMO["city"].address
    assert {w["category"]: w["count"] for w in city["windows"]} == {k.value: v for k, v in DEMO["city"].windows.items()}
    assert isinstance(city["open_now"], bool)
    assert city["open_now"] or city["next_opening"]


def test_centre_detail_and_unknown_centre(client):
    body = client.get("/api/v1/centres/zhapu").json()
    assert body["id"] == "zhapu" and {r["kind"] for r in body["rules"]} == {
        "regular",
        "staggered",
        "extended",
        "sunday_rota",
    }
    assert_error(client.get("/api/v1/centres/atlantis"), 404, "not_found")


def test_hours_mark_rule_kinds_and_offsets(client):
    body = client.get("/api/v1/centres/city/hours", {"from": "2026-01-05", "to": "2026-01-11"}).json()
    assert body["count"] == 7 and body["from"] == "2026-01-05" and body["to"] == "2026-01-11"
    thursday = next(d for d in body["items"] if d["date"] == "2026-01-08")
    police = next(c for c in thursday["categories"] if c["category"] == "公安服务")
    assert [(p["start"], p["end"], p["kind"]) for p in police["periods"]] == [
        ("2026-01-08T08:30:00+08:00", "2026-01-08T12:00:00+08:00", "regular"),
        ("2026-01-08T12:00:00+08:00", "2026-01-08T13:30:00+08:00", "staggered"),
        ("2026-01-08T13:30:00+08:00", "2026-01-08T17:00:00+08:00", "regular"),
        ("2026-01-08T17:00:00+08:00", "2026-01-08T19:00:00+08:00", "extended"),
    ]
    saturday = next(d for d in body["items"] if d["date"] == "2026-01-10")
    assert not saturday["open"]


def test_hours_know_holidays_and_makeup_workdays(client):
    body = client.get("/api/v1/centres/city/hours", {"from": "2026-01-01", "to": "2026-01-04"}).json()
    days = {d["date"]: d for d in body["items"]}
    assert days["2026-01-01"]["holiday"] == "元旦" and not days["2026-01-01"]["open"]
    sunday = days["2026-01-04"]
    assert sunday["makeup_workday"] and sunday["works_as"] == 5 and sunday["open"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-02-01", "to": "2026-01-01"}, "to"),
        ({"from": "2026-01-01", "to": "2026-12-31"}, "to"),
        ({"from": "yesterday"}, "from"),
    ],
)
def test_bad_hour_ranges_get_the_error_shape(client, params, field):
    assert_error(client.get("/api/v1/centres/city/hours", params), 400, "invalid", field)


def test_closure_shows_in_hours_with_its_reason(client):
    Closure.objects.create(
        centre=CentrePage.objects.get(code="city"),
        categories=["公安服务"],
        start_date=dt.date(2026, 1, 6),
        end_date=dt.date(2026, 1, 6),
        reason="系统升级",
    )
    body = client.get("/api/v1/centres/city/hours", {"from": "2026-01-06", "to": "2026-01-06"}).json()
    day = body["items"][0]
    cats = {c["category"]: c for c in day["categories"]}
    assert cats["公安服务"]["periods"] == [] and cats["公安服务"]["closure"] == "系统升级"
    assert cats["商事登记"]["periods"] and cats["商事登记"]["closure"] is None


def test_calendar_was_prefilled_by_the_migration():
    known = last_announced_year()
    day = CalendarDay.objects.get(date=dt.date(2026, 1, 4))
    assert (day.kind, day.works_as, day.source) == (DayKind.MAKEUP_WORKDAY, 5, Source.OFFICIAL)
    assert CalendarDay.objects.filter(date__year=known + 1, source=Source.ESTIMATED).exists()


def test_prefill_keeps_editor_days_and_is_idempotent():
    day = CalendarDay.objects.get(date=dt.date(2026, 10, 1))
    day.name = "国庆节（编辑）"
    day.source = Source.EDITOR
    day.save()
    CalendarDay.objects.create(date=dt.date(2026, 11, 2), kind=DayKind.HOLIDAY, name="台风停工", source=Source.EDITOR)
    CalendarDay.objects.filter(date=dt.date(2026, 1, 1)).delete()
    counts = prefill([2026])
    assert counts["created"] == 1 and counts["kept"] == 2 and counts["removed"] == 0
    assert CalendarDay.objects.get(date=dt.date(2026, 10, 1)).name == "国庆节（编辑）"
    assert CalendarDay.objects.get(date=dt.date(2026, 11, 2)).name == "台风停工"
    assert prefill([2026]) == {"created": 0, "updated": 0, "removed": 0, "kept": 2}


def test_prefill_command_reports_estimated_years():
    out = io.StringIO()
    year = last_announced_year() + 1
    call_command("prefill_calendar", str(year), stdout=out)
    assert "estimated" in out.getvalue()


def test_a_holiday_entered_by_an_editor_closes_the_centre(client):
    today = clock.today()
    monday = today + dt.timedelta(days=7 - today.weekday())  # next Monday, a working day unless the calendar says
    CalendarDay.objects.filter(date=monday).delete()
    CalendarDay.objects.create(date=monday, kind=DayKind.HOLIDAY, name="台风停工")
    body = client.get("/api/v1/centres/danghu/hours", {"from": monday.isoformat(), "to": monday.isoformat()}).json()
    assert body["items"][0]["holiday"] == "台风停工" and not body["items"][0]["open"]


def test_openapi_lists_the_paths_of_the_design(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in [
        "/api/v1/centres",
        "/api/v1/centres/{code}",
        "/api/v1/centres/{code}/hours",
        "/api/v1/slots",
        "/api/v1/bookings",
        "/api/v1/bookings/{code}",
        "/api/v1/bookings/{code}/check-in",
    ]:
        assert path in paths, path
