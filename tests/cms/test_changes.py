"""`/api/v1/changes?since=`: every publish, unpublish and deletion of a guide or centre, in order, by cursor."""

import datetime as dt

import pytest

from cms.centres.models import CentrePage
from cms.changes.feed import record_change
from cms.changes.models import Change
from cms.services.models import ServiceGuidePage
from guides.files import CATALOGUE_DIR, guide_paths

pytestmark = pytest.mark.django_db


def changes(client, **params):
    response = client.get("/api/v1/changes", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_the_loaded_catalogue_and_centres_are_in_the_feed(client):
    body = changes(client, limit=1000)
    published = {(i["kind"], i["key"]) for i in body["items"] if i["action"] == "published"}
    assert {("guide", p.stem) for p in guide_paths([CATALOGUE_DIR])} <= published
    assert {("centre", c) for c in CentrePage.objects.values_list("code", flat=True)} <= published
    assert body["count"] == len(body["items"]) and body["more"] is False
    assert body["cursor"] == body["items"][-1]["cursor"]
    item = body["items"][0]
    assert set(item) == {"cursor", "kind", "key", "action", "at"} and "+08:00" in item["at"]


def test_since_returns_only_what_changed_after_the_cursor(client):
    cursor = changes(client, limit=1000)["cursor"]
    assert changes(client, since=cursor) == {"items": [], "count": 0, "cursor": cursor, "more": False}

    guide = ServiceGuidePage.objects.get(code="330482-GA-001")
    guide.save_revision().publish()
    guide.unpublish()
    centre = CentrePage.objects.get(code="shantang")
    centre.save_revision().publish()
    body = changes(client, since=cursor)
    assert [(i["kind"], i["key"], i["action"]) for i in body["items"]] == [
        ("guide", "330482-GA-001", "published"),
        ("guide", "330482-GA-001", "unpublished"),
        ("hours", "shantang", "published"),  # its hour rules may have changed with it
        ("centre", "shantang", "published"),
    ]
    assert int(body["cursor"]) > int(cursor)
    assert changes(client, since=body["cursor"])["items"] == []


def test_deleting_a_published_guide_is_recorded(client):
    cursor = changes(client, limit=1000)["cursor"]
    ServiceGuidePage.objects.get(code="330482-GA-002").delete()
    actions = [(i["key"], i["action"]) for i in changes(client, since=cursor)["items"]]
    assert actions == [("330482-GA-002", "unpublished"), ("330482-GA-002", "deleted")]


def test_limit_pages_through_the_feed_without_gaps_or_repeats(client):
    everything = [i["cursor"] for i in changes(client, limit=1000)["items"]]
    seen, cursor, more = [], "", True
    while more:
        body = changes(client, since=cursor, limit=7)
        assert len(body["items"]) <= 7
        seen += [i["cursor"] for i in body["items"]]
        cursor, more = body["cursor"], body["more"]
    assert seen == everything


def test_other_apps_record_changes_through_the_feed(client):
    cursor = changes(client, limit=1000)["cursor"]
    record_change("hours", "calendar-2026", "published")
    assert [(i["kind"], i["key"]) for i in changes(client, since=cursor)["items"]] == [("hours", "calendar-2026")]
    with pytest.raises(ValueError):
        record_change("weather", "x", "published")


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"since": "abc"}, 400, "invalid"),
        ({"since": "-1"}, 400, "invalid"),
        ({"limit": 0}, 400, "invalid"),
        ({"limit": 5000}, 400, "invalid"),
        ({"since": "999999999"}, 409, "cursor_unknown"),
    ],
)
def test_bad_cursors_and_limits_get_the_error_shape(client, params, status, code):
    response = client.get("/api/v1/changes", params)
    assert response.status_code == status
    error = response.json()["error"]
    assert error["code"] == code and " / " in error["message"]


def test_ids_only_grow():
    first = record_change("guide", "A", "published")
    second = record_change("guide", "A", "unpublished")
    assert second.id > first.id and Change.objects.order_by("-id").first() == second


def test_closures_calendar_days_and_hour_rules_are_hours_entries(client):
    from cms.hours.models import CalendarDay, Closure

    cursor = Change.objects.order_by("-id").values_list("id", flat=True).first()
    city = CentrePage.objects.get(code="city")
    Closure.objects.create(centre=city, start_date=dt.date(2026, 12, 24), end_date=dt.date(2026, 12, 24), reason="停电")
    CalendarDay.objects.update_or_create(date=dt.date(2027, 2, 20), defaults={"kind": "makeup_workday", "works_as": 1})
    city.save_revision().publish()
    items = client.get("/api/v1/changes", {"since": cursor}).json()["items"]
    hours = [(i["key"], i["action"]) for i in items if i["kind"] == "hours"]
    assert ("city", "published") in hours and ("calendar", "published") in hours
    assert hours.count(("city", "published")) == 2  # the closure, and the centre's rules published again
