"""The reads kiosks poll answer 304 to a matching `If-None-Match`, and a change gives a new ETag;
`GET /api/v1/categories` lists the seven window categories with their guide counts."""

import pytest

from cms.services.models import ServiceGuidePage
from guides import clock
from guides.enums import WindowCategory
from tests.support.bookings import future_slots

pytestmark = pytest.mark.django_db


def polled_paths() -> list[str]:
    slot = future_slots("city", "公安服务")[0]
    today = clock.today().isoformat()
    return [
        "/api/v1/guides?limit=5",
        "/api/v1/guides/330482-GA-001",
        "/api/v1/categories",
        "/api/v1/centres",
        "/api/v1/centres/city",
        f"/api/v1/centres/city/hours?from={today}",
        f"/api/v1/slots?guide=330482-GA-001&centre=city&date={slot.date.isoformat()}",
        "/api/v1/changes",
    ]


def test_polled_reads_answer_304_when_unchanged(client):
    for path in polled_paths():
        first = client.get(path)
        assert first.status_code == 200, path
        tag = first["ETag"]
        assert tag and first["Cache-Control"] == "no-cache", path
        again = client.get(path, headers={"If-None-Match": tag})
        assert again.status_code == 304 and again.content == b"", path
        assert again["ETag"] == tag
        assert client.get(path, headers={"If-None-Match": '"something-else"'}).status_code == 200, path


def test_a_change_gives_a_new_etag(client):
    guides, changes = client.get("/api/v1/guides?limit=100"), client.get("/api/v1/changes")
    page = ServiceGuidePage.objects.get(code="330482-GA-001")
    page.title = "居民身份证申领（新）"
    page.save_revision().publish()
    for before, path in ((guides, "/api/v1/guides?limit=100"), (changes, "/api/v1/changes")):
        after = client.get(path, headers={"If-None-Match": before["ETag"]})
        assert after.status_code == 200 and after["ETag"] != before["ETag"], path


def test_errors_carry_no_etag(client):
    response = client.get("/api/v1/guides/330482-XX-999")
    assert response.status_code == 404 and not response.has_header("ETag")


def test_categories_are_the_seven_windows_with_their_guide_counts(client):
    body = client.get("/api/v1/categories").json()
    assert body["count"] == 7 == len(body["items"])
    assert [i["category"] for i in body["items"]] == [c.value for c in WindowCategory]
    live = ServiceGuidePage.objects.live()
    for item in body["items"]:
        assert item["guides"] == live.filter(category=item["category"]).count()
        assert item["category_slug"] == WindowCategory(item["category"]).slug and item["category_en"]
    assert sum(i["guides"] for i in body["items"]) == live.count() > 0
    police = next(i for i in body["items"] if i["category_slug"] == "police")
    ServiceGuidePage.objects.get(code="330482-GA-001").unpublish()
    after = next(i for i in client.get("/api/v1/categories").json()["items"] if i["category_slug"] == "police")
    assert after["guides"] == police["guides"] - 1


def test_urls_name_the_host_the_site_is_served_on(client, settings):
    """Not Wagtail's Site record ("localhost", port 80): the request's host, or SITE_URL when it is set."""
    item = client.get("/api/v1/guides", {"limit": 1}, HTTP_HOST="127.0.0.1:8123").json()["items"][0]
    assert item["url"].startswith("http://127.0.0.1:8123/")
    centre = client.get("/api/v1/centres/city", HTTP_HOST="127.0.0.1:8123").json()
    assert centre["url"] == "http://127.0.0.1:8123/centres/city/"
    settings.SITE_URL = "https://fuwu.pinghu.gov.cn"
    item = client.get("/api/v1/guides", {"limit": 1}, HTTP_HOST="127.0.0.1:8123").json()["items"][0]
    assert item["url"].startswith("https://fuwu.pinghu.gov.cn/")
    page = client.get(item["url"].removeprefix("https://fuwu.pinghu.gov.cn"))
    assert page.context["page_url"] == item["url"]  # the QR code on the guide page points there too


@pytest.mark.parametrize("far", ["9999-12-31", "0001-01-01", "2100-01-01"])
def test_hours_for_dates_no_calendar_knows_are_a_400(client, far):
    answer = client.get("/api/v1/centres/city/hours", {"from": far})
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "invalid" and "from" in answer.json()["error"]["fields"]
