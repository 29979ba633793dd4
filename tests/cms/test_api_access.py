"""Who may write through the API (DESIGN.md §6, docs/security.md): a kiosk's device token, or this site's
web session with its CSRF token; nobody else. Clients here enforce CSRF as a browser's server would (Django's
test client skips the check unless asked), so a bare request really is refused."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client

from cms.bookings.models import Booking, Slot
from cms.devices.models import KioskDevice
from guides import clock
from tests.support.api import assert_error, kiosk_token
from tests.support.bookings import CONSENT, id_number

pytestmark = pytest.mark.django_db

GUIDE = "330482-GA-001"  # 公安服务, bookable at city and zhapu
APPLICATION_GUIDE = "330482-GA-008"


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def browser():
    """A visitor's browser: CSRF enforced, holding the CSRF cookie a page of ours gave it."""
    client = Client(enforce_csrf_checks=True)
    assert client.get("/apply/status/").status_code == 200
    return client


def csrf(client: Client) -> dict:
    return {"X-CSRFToken": client.cookies["csrftoken"].value}


def booking_payload(slot_id: int, n=1) -> dict:
    return {
        "slot": slot_id,
        "guide": GUIDE,
        "name": "张三",
        "phone": "13812345678",
        "id_number": id_number(n),
        **CONSENT,
    }


def book(client, slot, n=1, headers=None):
    payload = booking_payload(slot.pk, n)
    return client.post("/api/v1/bookings", payload, content_type="application/json", headers=headers)


def write_calls(code: str, slot_id: int) -> list:
    """Every write endpoint, as (method, path, kwargs for the test client)."""
    id_header = {"X-Id-Number": id_number(1)}
    return [
        ("post", "/api/v1/bookings", {"data": booking_payload(slot_id, 2), "content_type": "application/json"}),
        ("delete", f"/api/v1/bookings/{code}", {"headers": id_header}),
        (
            "post",
            f"/api/v1/bookings/{code}/reschedule",
            {"data": {"slot": slot_id, "id_number": id_number(1)}, "content_type": "application/json"},
        ),
        ("post", f"/api/v1/bookings/{code}/check-in", {"headers": id_header}),
        ("post", "/api/v1/applications", {"data": {"guide": APPLICATION_GUIDE}}),
        ("post", "/api/v1/applications/ZZZZZZZZ/supplement", {"data": {"id_number": id_number(1)}}),
    ]


WRITES = ["book", "cancel", "reschedule", "check-in", "apply", "supplement"]
WEB_WRITES = [i for i, name in enumerate(WRITES) if name != "check-in"]  # check-in is for kiosks only


@pytest.fixture
def booked(slots, kiosk):
    code = book(Client(), slots[0], headers=bearer(kiosk)).json()["code"]
    return code, slots[1].pk


def _call(client, index: int, booked, extra_headers: dict):
    method, path, kwargs = write_calls(*booked)[index]
    headers = {**kwargs.pop("headers", {}), **extra_headers}
    return getattr(client, method)(path, headers=headers, **kwargs)


def _unchanged(booked):
    code, moved_to = booked
    booking = Booking.objects.get(code=code)
    assert booking.status == "booked" and booking.slot_id != moved_to
    assert Booking.objects.count() == 1 and Slot.objects.get(pk=moved_to).booked == 0


@pytest.mark.parametrize("index", range(len(WRITES)), ids=WRITES)
def test_a_bare_request_is_401_and_changes_nothing(index, booked):
    assert_error(_call(Client(enforce_csrf_checks=True), index, booked, {}), 401, "unauthorised")
    _unchanged(booked)


@pytest.mark.parametrize("index", range(len(WRITES)), ids=WRITES)
@pytest.mark.parametrize("token", ["revoked", "wrong", "not-bearer"])
def test_a_revoked_or_wrong_token_is_401_even_with_a_valid_web_session(index, token, booked, browser):
    revoked = kiosk_token("revoked-1")
    KioskDevice.objects.filter(name="revoked-1").update(revoked_at=clock.now())
    header = {
        "revoked": f"Bearer {revoked}",
        "wrong": "Bearer otk_not-a-token",
        "not-bearer": f"Token {revoked}",
    }[token]
    response = _call(browser, index, booked, {"Authorization": header, **csrf(browser)})
    assert_error(response, 401, "unauthorised")
    _unchanged(booked)


@pytest.mark.parametrize("index", WEB_WRITES, ids=[WRITES[i] for i in WEB_WRITES])
def test_a_browser_without_the_csrf_token_is_403(index, booked, browser):
    assert_error(_call(browser, index, booked, {}), 403, "csrf_failed")
    assert_error(_call(browser, index, booked, {"X-CSRFToken": "x" * 32}), 403, "csrf_failed")
    _unchanged(booked)


def test_a_cross_site_origin_is_403_even_with_the_token(slots, browser):
    response = book(browser, slots[0], headers={**csrf(browser), "Origin": "https://evil.example"})
    assert_error(response, 403, "csrf_failed")
    assert not Booking.objects.exists()


def test_the_web_session_with_its_csrf_token_books_cancels_and_reschedules(slots, browser):
    response = book(browser, slots[0], headers={**csrf(browser), "Origin": "http://testserver"})
    assert response.status_code == 201, response.content
    code = response.json()["code"]
    booking = Booking.objects.get(code=code)
    assert booking.channel == "api" and booking.device is None
    moved = browser.post(
        f"/api/v1/bookings/{code}/reschedule",
        {"slot": slots[1].pk, "id_number": id_number(1)},
        content_type="application/json",
        headers=csrf(browser),
    )
    assert moved.status_code == 200 and moved.json()["slot"]["id"] == slots[1].pk
    cancelled = browser.delete(f"/api/v1/bookings/{code}", headers={**csrf(browser), "X-Id-Number": id_number(1)})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"


def test_the_web_session_reaches_the_upload_checks_with_the_token_in_the_header(browser):
    # The upload is parsed by the application's own checking parser, not by the CSRF check.
    response = browser.post("/api/v1/applications", {"guide": APPLICATION_GUIDE, "name": "张三"}, headers=csrf(browser))
    assert_error(response, 400, "invalid")


def test_check_in_is_for_kiosks_only(slots, browser, kiosk):
    code = book(browser, slots[0], headers=csrf(browser)).json()["code"]
    response = browser.post(f"/api/v1/bookings/{code}/check-in", headers={**csrf(browser), "X-Id-Number": id_number(1)})
    assert_error(response, 401, "unauthorised")
    assert Booking.objects.get(code=code).status == "booked"


def test_another_devices_booking(slots, kiosk):
    """A booking belongs to the citizen (code + ID number), not to the kiosk that made it: another kiosk may
    cancel it only with the ID number, and checks it in only at the booking's centre."""
    code = book(Client(), slots[0], headers=bearer(kiosk)).json()["code"]
    elsewhere = bearer(kiosk_token("zhapu-1", centre="zhapu"))
    client = Client()
    assert_error(client.delete(f"/api/v1/bookings/{code}", headers=elsewhere), 400, "invalid")
    assert_error(
        client.delete(f"/api/v1/bookings/{code}", headers={**elsewhere, "X-Id-Number": id_number(2)}), 404, "not_found"
    )
    Slot.objects.filter(pk=slots[0].pk).update(start=clock.now() + dt.timedelta(minutes=10))
    assert_error(client.post(f"/api/v1/bookings/{code}/check-in", headers=elsewhere), 409, "wrong_centre")
    assert Booking.objects.get(code=code).status == "booked"
    same_centre = bearer(kiosk_token("city-2"))
    assert client.post(f"/api/v1/bookings/{code}/check-in", headers=same_centre).status_code == 200
    assert Booking.objects.get(code=code).status == "checked_in"


def test_the_citizen_may_cancel_a_kiosk_booking_from_any_kiosk(slots, kiosk):
    code = book(Client(), slots[0], headers=bearer(kiosk)).json()["code"]
    other = bearer(kiosk_token("zhapu-1", centre="zhapu"))
    response = Client().delete(f"/api/v1/bookings/{code}", headers={**other, "X-Id-Number": id_number(1)})
    assert response.status_code == 200 and response.json()["status"] == "cancelled"


@pytest.mark.parametrize("path", ["/api/v1/guides", "/api/v1/categories", "/api/v1/centres", "/api/v1/changes"])
def test_public_reads_need_nothing(path):
    assert Client(enforce_csrf_checks=True).get(path).status_code == 200


@pytest.mark.parametrize(
    "path",
    ["/admin/kiosks/", "/admin/bookings/day/", "/admin/applications/", "/admin/kiosks/new/"],
)
def test_staff_pages_need_a_staff_login(path):
    anonymous = Client().get(path)
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
    citizen = Client()
    citizen.force_login(User.objects.create_user("citizen", password="x"))
    refused = citizen.get(path)
    assert refused.status_code in (302, 403)
    assert refused.status_code == 403 or "/admin/login/" in refused["Location"]
    staff = Client()
    staff.force_login(User.objects.create_superuser("boss", password="x"))
    assert staff.get(path).status_code == 200
