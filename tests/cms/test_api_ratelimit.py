"""Abuse limits (cms/core/limits.py, docs/security.md): per IP, per device and per ID number, answered with
429, `Retry-After` and the error shape; the slot-release fairness throttle; request size caps."""

import datetime as dt
import json

import pytest

from cms.bookings.models import Booking, BookingSettings
from cms.core import limits as ratelimit
from cms.core.models import Counter
from guides import clock
from guides.hours import TZ
from tests.support.api import kiosk_token
from tests.support.bookings import CONSENT, id_number, open_days, slots_on

pytestmark = pytest.mark.django_db

GUIDE = "330482-GA-001"
CATEGORY = "公安服务"


def book(client, slot, n, headers=None, **extra):
    payload = {
        "slot": slot.pk,
        "guide": GUIDE,
        "name": "张三",
        "phone": "13812345678",
        "id_number": id_number(n),
        **CONSENT,
    }
    return client.post("/api/v1/bookings", payload, content_type="application/json", headers=headers, **extra)


def assert_limited(response, most: int):
    assert response.status_code == 429, response.content
    assert response.json()["error"]["code"] == "rate_limited" and " / " in response.json()["error"]["message"]
    assert 1 <= int(response["Retry-After"]) <= most


@pytest.fixture
def limits(settings):
    def set_limits(scope: str, **dimensions):
        settings.API_RATE_LIMITS = {**settings.API_RATE_LIMITS, scope: dimensions}

    return set_limits


def test_per_ip(client, slots, limits):
    limits("booking", ip=(2, 60))
    assert book(client, slots[0], 1).status_code == 201
    assert book(client, slots[0], 2).status_code == 201
    assert_limited(book(client, slots[0], 3), 60)
    assert book(client, slots[0], 3, REMOTE_ADDR="10.1.2.3").status_code == 201  # another address
    assert Booking.objects.count() == 3


def test_a_shorter_window_starting_with_a_longer_one_has_its_own_counter(client, slots, limits, time_machine):
    # 21 s into a ten-minute mark (CI once failed at 05:40:21): a 60-second and a 600-second window start together.
    # The mark is the one before now, so the fixture's slots stay in the future.
    mark = (int(clock.now().timestamp()) // 600 - 1) * 600 + 21
    time_machine.move_to(dt.datetime.fromtimestamp(mark, TZ), tick=False)
    limits("booking", ip=(2, 600))
    assert book(client, slots[0], 1).status_code == 201
    assert book(client, slots[0], 2).status_code == 201
    assert_limited(book(client, slots[0], 3), 600)
    limits("booking", ip=(1, 60))
    assert book(client, slots[0], 3).status_code == 201
    assert_limited(book(client, slots[0], 4), 60)


def test_ipv6_callers_are_counted_by_their_64_prefix(client, slots, limits):
    limits("booking", ip=(1, 60))
    assert book(client, slots[0], 1, REMOTE_ADDR="2001:db8:1:2::10").status_code == 201
    assert_limited(book(client, slots[0], 2, REMOTE_ADDR="2001:db8:1:2:ffff::99"), 60)
    assert book(client, slots[0], 2, REMOTE_ADDR="2001:db8:1:3::10").status_code == 201


def test_behind_trusted_proxies_the_forwarded_address_counts(client, slots, limits, settings):
    settings.API_TRUSTED_PROXY_COUNT = 1
    limits("booking", ip=(1, 60))
    # A caller cannot dodge the limit by inventing earlier X-Forwarded-For entries: our proxy's entry counts.
    first = {"HTTP_X_FORWARDED_FOR": "1.1.1.1, 203.0.113.7"}
    assert book(client, slots[0], 1, **first).status_code == 201
    assert_limited(book(client, slots[0], 2, HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.7"), 60)
    assert book(client, slots[0], 2, HTTP_X_FORWARDED_FOR="203.0.113.8").status_code == 201


def test_per_device_and_kiosks_are_not_limited_by_their_shared_address(client, slots, limits):
    limits("booking", ip=(1, 60), device=(2, 60))
    city, other = kiosk_token("city-1"), kiosk_token("city-2")
    assert book(client, slots[0], 1, headers={"Authorization": f"Bearer {city}"}).status_code == 201
    assert book(client, slots[0], 2, headers={"Authorization": f"Bearer {city}"}).status_code == 201
    assert_limited(book(client, slots[0], 3, headers={"Authorization": f"Bearer {city}"}), 60)
    assert book(client, slots[0], 3, headers={"Authorization": f"Bearer {other}"}).status_code == 201


def test_per_id_number_across_addresses_for_booking_lookups(client, slots, limits):
    code = book(client, slots[0], 1).json()["code"]
    limits("lookup", ip=(100, 60), id_number=(2, 600))
    lookups = [
        client.get(f"/api/v1/bookings/{code}", headers={"X-Id-Number": id_number(1)}, REMOTE_ADDR=f"10.0.0.{n}")
        for n in range(3)
    ]
    assert [r.status_code for r in lookups[:2]] == [200, 200]
    assert_limited(lookups[2], 600)
    # The same ID number written differently is the same person.
    spaced = id_number(1)[:6] + " " + id_number(1)[6:].lower()
    assert_limited(client.get(f"/api/v1/bookings/{code}", headers={"X-Id-Number": spaced}), 600)
    other = client.get(f"/api/v1/bookings/{code}", headers={"X-Id-Number": id_number(2)}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 404  # not limited: another ID number (and not its booking)


def test_per_id_number_for_booking_writes(client, slots, limits):
    limits("booking", ip=(100, 60), id_number=(1, 3600))
    assert book(client, slots[0], 1).status_code == 201
    assert_limited(book(client, slots[1], 1, REMOTE_ADDR="10.9.9.9"), 3600)
    code = Booking.objects.get().code
    cancel = client.delete(f"/api/v1/bookings/{code}", headers={"X-Id-Number": id_number(1)}, REMOTE_ADDR="10.8.8.8")
    assert_limited(cancel, 3600)
    assert Booking.objects.get().status == "booked"


def test_application_status_per_ip(client, limits):
    limits("lookup", ip=(2, 60))
    codes = [
        client.get("/api/v1/applications/ZZZZZZZZ", headers={"X-Id-Number": id_number(n)}).status_code for n in range(3)
    ]
    assert codes[:2] == [404, 404]
    assert codes[2] == 429


def test_application_submissions_per_ip(client, limits):
    limits("application", ip=(1, 60))
    assert client.post("/api/v1/applications", {"guide": "330482-GA-008"}).status_code == 400  # counted, then invalid
    assert_limited(client.post("/api/v1/applications", {"guide": "330482-GA-008"}), 60)


def test_slot_polling_per_ip(client, slots, limits):
    limits("slots", ip=(2, 60))
    query = {"guide": GUIDE, "centre": "city", "date": slots[0].date.isoformat()}
    assert [client.get("/api/v1/slots", query).status_code for _ in range(2)] == [200, 200]
    assert_limited(client.get("/api/v1/slots", query), 60)


def test_no_address_id_number_or_code_in_plain_text_in_the_counters(client, slots):
    code = book(client, slots[0], 1, REMOTE_ADDR="198.51.100.23").json()["code"]
    client.get(f"/api/v1/bookings/{code}", headers={"X-Id-Number": id_number(1)}, REMOTE_ADDR="198.51.100.23")
    keys = list(Counter.objects.values_list("key", flat=True))
    assert any(k.startswith("rl:booking:ip:") for k in keys) and any(k.startswith("rl:lookup:id_number:") for k in keys)
    assert any(k.startswith("rl:lookup:code:") for k in keys)
    assert not [k for k in keys if id_number(1) in k or "198.51.100.23" in k or code in k]


# --- the slot-release fairness throttle --------------------------------------------------------


def test_release_period_is_the_first_minutes_after_midnight_for_the_newest_day(settings):
    settings.API_SLOT_RELEASE = {"minutes": 15, "spacing": 20}
    last = dt.date(2026, 12, 10)
    at = lambda h, m: dt.datetime(2026, 11, 30, h, m, tzinfo=TZ)  # noqa: E731
    assert ratelimit.in_release_period(last, last, at(0, 0))
    assert ratelimit.in_release_period(last, last, at(0, 14))
    assert not ratelimit.in_release_period(last, last, at(0, 15))
    assert not ratelimit.in_release_period(last - dt.timedelta(days=1), last, at(0, 5))  # released yesterday


def test_new_slots_take_one_booking_attempt_per_caller_at_a_time(client, settings):
    settings.API_SLOT_RELEASE = {"minutes": 24 * 60, "spacing": 30}  # all day, so the test needs no midnight
    conf = BookingSettings.load()
    day = open_days("city", CATEGORY)[-1]
    conf.days_ahead = (day - clock.today()).days
    conf.save()
    newest = slots_on("city", CATEGORY, day)
    assert book(client, newest[0], 1).status_code == 201
    assert_limited(book(client, newest[1], 2), 30)  # the same address, another person: wait
    assert_limited(book(client, newest[1], 1, REMOTE_ADDR="10.7.7.7"), 30)  # the same person elsewhere: wait
    assert book(client, newest[1], 3, REMOTE_ADDR="10.7.7.8").status_code == 201  # a new caller goes on
    older = slots_on("city", CATEGORY, open_days("city", CATEGORY)[0])
    assert book(client, older[0], 4).status_code == 201  # slots released before are not throttled


# --- request size -------------------------------------------------------------------------------


def test_an_oversized_json_body_is_413_before_it_is_read(client, slots):
    payload = json.dumps({"slot": slots[0].pk, "guide": GUIDE, "name": "张" * 40_000})
    response = client.post("/api/v1/bookings", payload, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
    assert not Booking.objects.exists()


def test_oversized_form_fields_in_an_upload_are_413(client):
    # Files have their own caps; the form fields around them are capped by DATA_UPLOAD_MAX_MEMORY_SIZE.
    response = client.post("/api/v1/applications", {"guide": "330482-GA-008", "name": "x" * (1024 * 1024 + 1)})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


# --- counted together by every worker ---------------------------------------------------------------


def test_every_gunicorn_worker_counts_against_one_budget(database_url, tmp_path, settings):
    """`make run` serves with several workers; each counting on its own would let through one budget per
    worker. Sixty lookups from one address are allowed in ten minutes, whichever workers answer them."""
    import urllib.error
    import urllib.request

    from tests.support.bookings import RawDatabase
    from tests.support.servers import gunicorn

    allowed = settings.API_RATE_LIMITS["lookup"]["ip"][0]
    statuses = []
    raw = RawDatabase(database_url)
    try:
        with gunicorn(database_url, tmp_path, workers=3) as url:
            for n in range(allowed + 10):
                request = urllib.request.Request(  # noqa: S310 — our own loopback server
                    f"{url}/api/v1/bookings/NOSUCH{n:02d}", headers={"X-Id-Number": id_number(900 + n)}
                )
                try:
                    with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
                        statuses.append(answer.status)
                except urllib.error.HTTPError as error:
                    statuses.append(error.code)
    finally:
        raw.execute("DELETE FROM core_counter")  # the served database outlives the test on PostgreSQL
        raw.close()
    assert statuses.count(404) == allowed and statuses.count(429) == 10, statuses
