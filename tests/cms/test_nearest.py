"""就近跑一次: `GET /api/v1/guides/{code}/centres` and the guide page's nearest centres, at a pinned instant."""

import datetime as dt

import pytest

from cms.bookings.models import Slot
from cms.centres.models import CentrePage
from cms.services.models import ServiceGuidePage
from guides import clock, geo

pytestmark = pytest.mark.django_db

TUESDAY_10 = dt.datetime(2026, 12, 8, 10, tzinfo=clock.TZ)
GUIDE = "330482-GA-001"


def handling(code: str) -> set[str]:
    return {link.centre.code for link in ServiceGuidePage.objects.get(code=code).centre_links.all()}


@pytest.fixture
def tuesday(time_machine):
    time_machine.move_to(TUESDAY_10, tick=False)


def test_from_a_town_nearest_first_with_distances(client, tuesday):
    body = client.get(f"/api/v1/guides/{GUIDE}/centres", {"town": "乍浦镇"}).json()
    ids = [item["id"] for item in body["items"]]
    assert body["count"] == len(ids) == len(handling(GUIDE))
    distances = [item["distance_km"] for item in body["items"]]
    assert distances == sorted(distances)
    zhapu = geo.towns()["乍浦镇"]
    for item in body["items"]:
        centre = CentrePage.objects.get(code=item["id"])
        expected = geo.haversine_km(zhapu.latitude, zhapu.longitude, centre.latitude, centre.longitude)
        assert item["distance_km"] == round(expected, 1)
    if "zhapu" in ids:
        assert ids[0] == "zhapu" and distances[0] == 0.0


def test_from_the_browsers_position_and_from_a_kiosks_centre(client, tuesday):
    city = CentrePage.objects.get(code="city")
    near = client.get(f"/api/v1/guides/{GUIDE}/centres", {"near": f"{city.latitude},{city.longitude}"}).json()
    assert near["items"][0]["id"] == "city" and near["items"][0]["distance_km"] == 0.0
    kiosk = client.get(f"/api/v1/guides/{GUIDE}/centres", {"centre": "city"}).json()
    assert [i["id"] for i in kiosk["items"]] == [i["id"] for i in near["items"]]


def test_each_centre_has_its_next_opening_and_first_free_slot(client, tuesday):
    item = client.get(f"/api/v1/guides/{GUIDE}/centres", {"centre": "city"}).json()["items"][0]
    assert item["open_now"] is True and item["next_opening"] is None  # Tuesday 10:00, police windows open
    slot = Slot.objects.get(pk=item["first_free_slot_id"])
    assert slot.centre.code == "city" and slot.category == "公安服务" and slot.booked < slot.capacity
    assert dt.datetime.fromisoformat(item["first_free_slot"]) == slot.start
    assert slot.start >= TUESDAY_10 + dt.timedelta(hours=1)  # the booking window's lead time
    # Fill that slot: the next free one is later.
    Slot.objects.filter(pk=slot.pk).update(booked=slot.capacity)
    again = client.get(f"/api/v1/guides/{GUIDE}/centres", {"centre": "city"}).json()["items"][0]
    assert dt.datetime.fromisoformat(again["first_free_slot"]) > slot.start


def test_at_23_30_a_closed_centre_says_when_it_next_opens(client, time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 4, 23, 30, tzinfo=clock.TZ), tick=False)
    items = client.get(f"/api/v1/guides/{GUIDE}/centres", {"town": "当湖街道"}).json()["items"]
    assert all(not i["open_now"] for i in items)
    assert all(
        dt.datetime.fromisoformat(i["next_opening"]) > dt.datetime(2026, 12, 4, 23, 30, tzinfo=clock.TZ)
        for i in items
        if i["next_opening"]
    )


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({}, "town"),
        ({"town": "上海"}, "town"),
        ({"town": "乍浦镇", "near": "30.7,121.0"}, "town"),
        ({"near": "30.7"}, "near"),
        ({"near": "north,east"}, "near"),
        ({"near": "95,121"}, "near"),
        ({"near": "nan,121"}, "near"),
        ({"centre": "nowhere"}, "centre"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(client, query, field):
    response = client.get(f"/api/v1/guides/{GUIDE}/centres", query)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_unknown_guide_is_a_404(client):
    assert client.get("/api/v1/guides/330482-XX-999/centres", {"town": "乍浦镇"}).status_code == 404


def test_towns_are_pinghus_nine():
    assert list(geo.towns()) == [
        "当湖街道",
        "钟埭街道",
        "曹桥街道",
        "新埭镇",
        "新仓镇",
        "独山港镇",
        "乍浦镇",
        "林埭镇",
        "广陈镇",
    ]
    for town in geo.towns().values():  # all inside the county, within 25 km of the city centre
        assert geo.haversine_km(30.6985, 121.0152, town.latitude, town.longitude) < 25


def test_guide_page_lists_the_nearest_centres_for_a_chosen_town(client, tuesday):
    page = ServiceGuidePage.objects.get(code=GUIDE)
    html = client.get(page.url).content.decode()
    assert '<select id="town" name="town"' in html and "乍浦镇" in html and '<ol class="centres nearest">' not in html
    html = client.get(page.url, {"town": "新埭镇"}).content.decode()
    nearest = html.split('<ol class="centres nearest">')[1].split("</ol>")[0]
    api = client.get(f"/api/v1/guides/{GUIDE}/centres", {"town": "新埭镇"}).json()["items"]
    positions = [nearest.index(item["name"]) for item in api]
    assert positions == sorted(positions)  # the same order as the API
    assert "公里" in nearest and "最早可约" in nearest


def test_guide_page_with_an_unknown_town_says_so(client, tuesday):
    page = ServiceGuidePage.objects.get(code=GUIDE)
    response = client.get(page.url, {"town": "上海"})
    assert response.status_code == 200
    assert "请从列表中选择您所在的镇街" in response.content.decode()


def test_village_station_points_to_the_nearest_town_centre(client):
    shantang = CentrePage.objects.get(code="shantang")
    html = client.get(shantang.url).content.decode()
    town_centre, km = shantang.nearest_town_centre()
    assert town_centre.kind != "village" and f"{km} 公里" in html and town_centre.title in html
    for other in CentrePage.objects.live().exclude(kind="village"):
        assert km <= round(geo.haversine_km(shantang.latitude, shantang.longitude, other.latitude, other.longitude), 1)
