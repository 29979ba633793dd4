"""Slots and bookings through `/api/v1/slots` and `/api/v1/bookings` (DESIGN.md §6): shapes, limits,
cut-offs, idempotent replays, check-in, no-shows, reminders, closures and notices."""

import datetime as dt

import pytest
from django.core import mail
from django.db import connection

from cms.bookings import services
from cms.bookings.enums import BookingStatus, SlotState
from cms.bookings.models import Booking, BookingSettings, Person, Slot, SlotPolicy
from cms.centres.models import CentrePage
from cms.devices.models import KioskDevice
from cms.hours.models import Closure
from cms.personal.keys import keyed_hash
from guides import clock
from tests.support.api import assert_error
from tests.support.bookings import CONSENT, future_slots, id_number, open_days, slots_on

pytestmark = pytest.mark.django_db

GUIDE = "330482-GA-001"  # 居民身份证, 公安服务, at city/danghu/zhapu/xindai/dushangang
OTHER_POLICE_GUIDE = "330482-GA-002"
CATEGORY = "公安服务"


def payload(slot, n=1, guide=GUIDE, **extra):
    return {
        "slot": slot.pk,
        "guide": guide,
        "name": "张三",
        "phone": "13812345678",
        "id_number": id_number(n),
        **CONSENT,
        **extra,
    }


def book(client, slot, n=1, headers=None, **extra):
    return client.post("/api/v1/bookings", payload(slot, n, **extra), content_type="application/json", headers=headers)


def _start_in(slot: Slot, delta: dt.timedelta) -> Slot:
    """Move a slot so that it starts `delta` from now (times cannot be waited for in a test)."""
    start = clock.now() + delta
    Slot.objects.filter(pk=slot.pk).update(start=start, end=start + dt.timedelta(minutes=30))
    slot.refresh_from_db()
    return slot


# --- slots ------------------------------------------------------------------------------------


def test_slots_have_the_fixed_shape_and_capacity_from_windows(client):
    day = open_days("city", CATEGORY, kinds=("regular", "staggered"))[0]
    body = client.get("/api/v1/slots", {"guide": GUIDE, "centre": "city", "date": day.isoformat()}).json()
    assert body["count"] == len(body["items"]) > 0
    item = body["items"][0]
    assert {"id", "centre", "category", "start", "end", "remaining"} <= set(item)
    assert item["centre"] == "city" and item["category"] == CATEGORY
    assert item["start"].endswith("+08:00") and item["start"][:10] == day.isoformat()
    assert item["remaining"] == 5 == item["capacity"]  # the city centre has five police windows
    assert {i["kind"] for i in body["items"]} >= {"regular", "staggered"}


def test_slots_follow_the_slot_length_and_a_set_capacity(client):
    SlotPolicy.objects.create(
        centre=CentrePage.objects.get(code="zhapu"), category=CATEGORY, capacity=2, slot_minutes=60
    )
    day = open_days("zhapu", CATEGORY)[0]
    items = client.get("/api/v1/slots", {"guide": GUIDE, "centre": "zhapu", "date": day.isoformat()}).json()["items"]
    assert items and {i["capacity"] for i in items} == {2}
    for item in items:
        start, end = dt.datetime.fromisoformat(item["start"]), dt.datetime.fromisoformat(item["end"])
        assert end - start == dt.timedelta(hours=1)


def test_no_slots_outside_the_booking_window(client):
    far = clock.today() + dt.timedelta(days=BookingSettings.load().days_ahead + 1)
    body = client.get("/api/v1/slots", {"guide": GUIDE, "centre": "city", "date": far.isoformat()}).json()
    assert body == {"items": [], "count": 0}


@pytest.mark.parametrize(
    ("params", "status", "code", "field"),
    [
        ({"guide": GUIDE, "centre": "shantang", "date": "2026-12-01"}, 400, "invalid", "centre"),  # not handled there
        ({"guide": GUIDE, "centre": "atlantis", "date": "2026-12-01"}, 404, "not_found", "centre"),
        (
            {"guide": "330482-TZ-001", "centre": "city", "date": "2026-12-01"},
            400,
            "invalid",
            "guide",
        ),  # no appointments
        ({"guide": "330482-XX-999", "centre": "city", "date": "2026-12-01"}, 404, "not_found", "guide"),
        ({"guide": GUIDE, "centre": "city"}, 400, "invalid", "date"),
        ({"guide": GUIDE, "centre": "city", "date": "soon"}, 400, "invalid", "date"),
    ],
)
def test_bad_slot_queries(client, params, status, code, field):
    assert_error(client.get("/api/v1/slots", params), status, code, field)


# --- booking ----------------------------------------------------------------------------------


def test_booking_answers_201_with_its_code_and_masks_personal_data(client, slots):
    response = book(client, slots[0], n=7)
    assert response.status_code == 201, response.content
    body = response.json()
    assert len(body["code"]) == 8 and body["status"] == "booked"
    assert body["slot"]["id"] == slots[0].pk and body["slot"]["remaining"] == 4
    assert body["id_number"] == "*" * 14 + id_number(7)[-4:]
    assert body["name"] == "张*" and body["phone"] == "138****5678"
    assert body["qr_svg"] is None and body["ics"] is None  # drawn only when asked for
    assert id_number(7) not in response.content.decode()


@pytest.mark.parametrize("include", ["qr,ics", "ics, qr"])
def test_a_booking_comes_with_its_qr_code_and_calendar_file_when_asked(client, slots, include):
    body = client.post(f"/api/v1/bookings?include={include}", payload(slots[0]), content_type="application/json").json()
    assert body["qr_svg"].startswith("<svg") and "BEGIN:VCALENDAR" in body["ics"] and body["code"] in body["ics"]
    looked_up = client.get(
        f"/api/v1/bookings/{body['code']}", {"include": "qr"}, headers={"X-Id-Number": id_number(1)}
    ).json()
    assert looked_up["qr_svg"] == body["qr_svg"] and looked_up["ics"] is None


def test_an_unknown_include_is_refused_and_nothing_is_booked(client, slots):
    response = client.post("/api/v1/bookings?include=pdf", payload(slots[0]), content_type="application/json")
    assert_error(response, 400, "invalid", "include")
    assert not Booking.objects.exists()


def test_personal_data_is_encrypted_at_rest_and_found_by_keyed_hash(client, slots):
    code = book(client, slots[0], n=8).json()["code"]
    booking = Booking.objects.get(code=code)
    assert booking.id_number == id_number(8) and booking.name == "张三"
    assert booking.person.key == keyed_hash(id_number(8)) != id_number(8)
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, phone, id_number FROM bookings_booking WHERE code = %s", [code])
        row = cursor.fetchone()
    assert "张三" not in row[0] and "13812345678" not in row[1] and id_number(8) not in row[2]


def test_a_company_books_with_its_credit_code(client, slots):
    response = client.post(
        "/api/v1/bookings",
        {**payload(slots[0]), "id_number": "91330482MA2B3C4D5X"},
        content_type="application/json",
    )
    assert_error(response, 400, "invalid", "id_number")
    valid = {**payload(slots[0]), "id_number": "91330482MA2B3C4D5Y"}
    assert client.post("/api/v1/bookings", valid, content_type="application/json").status_code == 201


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"id_number": "330482198001011234"}, "id_number"),  # check digit
        ({"phone": "12345"}, "phone"),
        ({"name": ""}, "name"),
        ({"email": "not-an-address"}, "email"),
    ],
)
def test_invalid_details_are_refused_with_the_field(client, slots, change, field):
    response = client.post("/api/v1/bookings", {**payload(slots[0]), **change}, content_type="application/json")
    assert_error(response, 400, "invalid", field)
    assert not Booking.objects.exists() and Slot.objects.get(pk=slots[0].pk).booked == 0


def test_a_slot_of_another_category_or_centre_is_refused(client):
    business = future_slots("city", "商事登记")[0]
    assert_error(book(client, business), 400, "invalid", "slot")
    shantang = future_slots("shantang", "社会事务")[0]
    assert_error(book(client, shantang, guide="330482-SH-001"), 400, "invalid", "slot")


def test_a_full_slot_answers_409_and_writes_nothing(client, slots):
    slot = slots[0]
    for n in range(5):
        assert book(client, slot, n=100 + n).status_code == 201
    body = assert_error(book(client, slot, n=200), 409, "slot_full")
    assert "约满" in body["error"]["message"] and "full" in body["error"]["message"]
    slot.refresh_from_db()
    assert slot.booked == slot.capacity == 5 == Booking.objects.filter(slot=slot).count()
    assert not Person.objects.filter(key=keyed_hash(id_number(200))).exists()


def test_slots_inside_the_lead_time_are_refused(client, slots):
    slot = _start_in(slots[0], dt.timedelta(minutes=10))
    assert_error(book(client, slot), 409, "outside_window")


# --- per-person limits ------------------------------------------------------------------------


def test_one_live_booking_per_guide(client, slots):
    assert book(client, slots[0]).status_code == 201
    assert_error(book(client, slots[1]), 409, "already_booked")
    assert book(client, slots[1], guide=OTHER_POLICE_GUIDE).status_code == 201  # another item is fine


def test_weekly_cap(client):
    conf = BookingSettings.load()
    conf.weekly_cap = 2
    conf.save()
    day = open_days("city", CATEGORY)[0]
    same_week = [d for d in open_days("city", "商事登记") if d.isocalendar()[:2] == day.isocalendar()[:2]]
    slots = slots_on("city", CATEGORY, day)
    assert book(client, slots[0], guide=GUIDE).status_code == 201
    assert book(client, slots[1], guide=OTHER_POLICE_GUIDE).status_code == 201
    business = slots_on("city", "商事登记", same_week[0])[0]
    assert_error(book(client, business, guide="330482-SS-001"), 429, "weekly_cap")


def test_two_no_shows_in_90_days_refuse_booking_for_30_days(client, slots):
    first = book(client, slots[0], guide=GUIDE).json()["code"]
    second = book(client, slots[1], guide=OTHER_POLICE_GUIDE).json()["code"]
    after = slots[1].end + dt.timedelta(hours=1)
    assert services.mark_no_shows(now=after) == 2
    assert set(Booking.objects.filter(code__in=[first, second]).values_list("status", flat=True)) == {"no_show"}
    person = Person.objects.get(key=keyed_hash(id_number(1)))
    assert person.barred_until == after + dt.timedelta(days=30)
    assert_error(book(client, slots[2]), 429, "barred")
    assert book(client, slots[2], n=2).status_code == 201  # someone else may


def test_one_no_show_is_not_barred(client, slots):
    book(client, slots[0])
    assert services.mark_no_shows(now=slots[0].end + dt.timedelta(hours=1)) == 1
    assert Person.objects.get(key=keyed_hash(id_number(1))).barred_until is None


def test_no_shows_wait_for_the_grace_period_and_skip_checked_in(client, slots, kiosk):
    checked = book(client, slots[0], n=1).json()["code"]
    missed = book(client, slots[0], n=2).json()["code"]
    Slot.objects.filter(pk=slots[0].pk).update(start=clock.now() - dt.timedelta(minutes=5))
    assert (
        client.post(f"/api/v1/bookings/{checked}/check-in", headers={"Authorization": f"Bearer {kiosk}"}).status_code
        == 200
    )
    slot = Slot.objects.get(pk=slots[0].pk)
    assert services.mark_no_shows(now=slot.end + dt.timedelta(minutes=10)) == 0  # grace is 30 minutes
    assert services.mark_no_shows(now=slot.end + dt.timedelta(minutes=31)) == 1
    assert Booking.objects.get(code=missed).status == "no_show"
    assert Booking.objects.get(code=checked).status == "checked_in"


# --- look up, cancel, reschedule --------------------------------------------------------------


def test_look_up_needs_the_id_number_in_a_header(client, slots):
    code = book(client, slots[0]).json()["code"]
    assert_error(client.get(f"/api/v1/bookings/{code}"), 400, "invalid", "id_number")
    body = client.get(f"/api/v1/bookings/{code.lower()}", headers={"X-Id-Number": id_number(1)}).json()
    assert body["code"] == code and body["status"] == "booked"
    wrong = client.get(f"/api/v1/bookings/{code}", headers={"X-Id-Number": id_number(2)})
    unknown = client.get("/api/v1/bookings/ZZZZZZZZ", headers={"X-Id-Number": id_number(1)})
    assert wrong.json() == unknown.json() and wrong.status_code == unknown.status_code == 404


@pytest.mark.parametrize("where", ["header", "body"])
def test_cancel_frees_the_place(client, slots, where):
    code = book(client, slots[0]).json()["code"]
    kwargs = (
        {"headers": {"X-Id-Number": id_number(1)}}
        if where == "header"
        else {"data": {"id_number": id_number(1)}, "content_type": "application/json"}
    )
    response = client.delete(f"/api/v1/bookings/{code}", **kwargs)
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert Slot.objects.get(pk=slots[0].pk).booked == 0
    assert_error(client.delete(f"/api/v1/bookings/{code}", **kwargs), 409, "not_live")
    assert book(client, slots[0]).status_code == 201  # the guide can be booked again


def test_cancel_and_reschedule_close_at_the_cut_off(client, slots):
    code = book(client, slots[0]).json()["code"]
    cutoff = BookingSettings.load().change_cutoff_minutes
    _start_in(slots[0], dt.timedelta(minutes=cutoff + 5))
    headers = {"X-Id-Number": id_number(1)}
    moved = client.post(
        f"/api/v1/bookings/{code}/reschedule", {"slot": slots[2].pk}, content_type="application/json", headers=headers
    )
    assert moved.status_code == 200
    _start_in(slots[2], dt.timedelta(minutes=cutoff - 5))
    assert_error(client.delete(f"/api/v1/bookings/{code}", headers=headers), 409, "too_late")
    assert_error(
        client.post(
            f"/api/v1/bookings/{code}/reschedule",
            {"slot": slots[3].pk},
            content_type="application/json",
            headers=headers,
        ),
        409,
        "too_late",
    )
    assert Booking.objects.get(code=code).status == "booked"


def test_reschedule_moves_the_place_and_keeps_the_code(client, slots):
    code = book(client, slots[0]).json()["code"]
    response = client.post(
        f"/api/v1/bookings/{code}/reschedule",
        {"slot": slots[1].pk, "id_number": id_number(1)},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["code"] == code
    assert response.json()["slot"]["id"] == slots[1].pk
    assert Slot.objects.get(pk=slots[0].pk).booked == 0 and Slot.objects.get(pk=slots[1].pk).booked == 1
    assert Booking.objects.get(code=code).sequence == 1


def test_reschedule_into_a_full_slot_changes_nothing(client, slots):
    code = book(client, slots[0]).json()["code"]
    Slot.objects.filter(pk=slots[1].pk).update(capacity=1)
    assert book(client, slots[1], n=2).status_code == 201
    response = client.post(
        f"/api/v1/bookings/{code}/reschedule",
        {"slot": slots[1].pk, "id_number": id_number(1)},
        content_type="application/json",
    )
    assert_error(response, 409, "slot_full")
    assert Booking.objects.get(code=code).slot_id == slots[0].pk
    assert Slot.objects.get(pk=slots[0].pk).booked == 1 and Slot.objects.get(pk=slots[1].pk).booked == 1


def test_cancel_is_never_a_get(client, slots):
    code = book(client, slots[0]).json()["code"]
    assert client.get(f"/booking/manage/{code}/cancel/").status_code == 405
    assert client.get(f"/api/v1/bookings/{code}/check-in").status_code == 405


# --- idempotency ------------------------------------------------------------------------------


def test_an_idempotent_replay_returns_the_first_answer_and_no_second_record(client, slots):
    headers = {"Idempotency-Key": "kiosk-7-outbox-000123"}
    first = book(client, slots[0], headers=headers)
    again = book(client, slots[0], headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Booking.objects.count() == 1 and Slot.objects.get(pk=slots[0].pk).booked == 1
    # still the first answer after the slot has left the booking window
    _start_in(slots[0], dt.timedelta(minutes=5))
    late = book(client, slots[0], headers=headers)
    assert late.status_code == 201 and late.json()["code"] == first.json()["code"]


def test_an_idempotency_key_reused_for_another_request_is_422(client, slots):
    headers = {"Idempotency-Key": "kiosk-7-outbox-000124"}
    assert book(client, slots[0], headers=headers).status_code == 201
    assert_error(book(client, slots[1], n=2, headers=headers), 422, "idempotency_key_reused")
    assert Booking.objects.count() == 1


def test_a_malformed_idempotency_key_is_400(client, slots):
    assert_error(book(client, slots[0], headers={"Idempotency-Key": "x"}), 400, "invalid", "Idempotency-Key")


def test_without_a_key_a_repeat_is_a_second_request(client, slots):
    assert book(client, slots[0]).status_code == 201
    assert_error(book(client, slots[0]), 409, "already_booked")


# --- devices and check-in ---------------------------------------------------------------------


def test_check_in_needs_a_valid_device_token(client, slots, kiosk):
    code = book(client, slots[0]).json()["code"]
    assert_error(client.post(f"/api/v1/bookings/{code}/check-in"), 401, "unauthorised")
    assert_error(
        client.post(f"/api/v1/bookings/{code}/check-in", headers={"Authorization": "Bearer nope"}), 401, "unauthorised"
    )
    KioskDevice.objects.update(revoked_at=clock.now())
    assert_error(
        client.post(f"/api/v1/bookings/{code}/check-in", headers={"Authorization": f"Bearer {kiosk}"}),
        401,
        "unauthorised",
    )


def test_check_in_gives_queue_tickets_per_category_and_day(client, slots, kiosk):
    auth = {"Authorization": f"Bearer {kiosk}"}
    codes = [book(client, slots[0], n=n).json()["code"] for n in range(1, 4)]
    _start_in(slots[0], dt.timedelta(minutes=20))
    tickets = []
    for code in codes:
        response = client.post(f"/api/v1/bookings/{code}/check-in", headers=auth)
        assert response.status_code == 200, response.content
        tickets.append(response.json()["ticket"])
    assert tickets == ["F001", "F002", "F003"]  # 公安服务 is the sixth category
    again = client.post(f"/api/v1/bookings/{codes[0]}/check-in", headers=auth).json()
    assert again["ticket"] == "F001" and again["booking"]["status"] == "checked_in"


def test_check_in_too_early_or_at_the_wrong_centre(client, slots, kiosk):
    code = book(client, slots[0]).json()["code"]
    _start_in(slots[0], dt.timedelta(hours=3))
    auth = {"Authorization": f"Bearer {kiosk}"}
    assert_error(client.post(f"/api/v1/bookings/{code}/check-in", headers=auth), 409, "too_early")
    _start_in(slots[0], dt.timedelta(minutes=10))
    KioskDevice.objects.update(centre=CentrePage.objects.get(code="zhapu"))
    assert_error(client.post(f"/api/v1/bookings/{code}/check-in", headers=auth), 409, "wrong_centre")


def test_a_kiosk_booking_is_recorded_as_such(client, slots, kiosk):
    code = book(client, slots[0], headers={"Authorization": f"Bearer {kiosk}"}).json()["code"]
    booking = Booking.objects.get(code=code)
    assert booking.channel == "kiosk" and booking.device.name == "city-1"
    assert_error(book(client, slots[1], n=2, headers={"Authorization": "Bearer wrong"}), 401, "unauthorised")


# --- notices ----------------------------------------------------------------------------------


def test_confirmation_in_the_citizens_language_with_ics_and_qr(client, slots, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        en = book(client, slots[0], n=1, email="li@example.com", language="en").json()["code"]
        zh = book(client, slots[0], n=2, email="wang@example.com").json()["code"]
        book(client, slots[0], n=3)  # no e-mail, no notice
    assert len(mail.outbox) == 2
    english, chinese = mail.outbox
    assert english.to == ["li@example.com"] and english.subject.startswith("Booked:") and en in english.body
    assert chinese.subject.startswith("预约成功") and zh in chinese.body
    names = [a[0] for a in english.attachments]
    assert names == [f"{en}.ics", f"{en}.png"]
    assert english.attachments[1][1][:8] == b"\x89PNG\r\n\x1a\n"
    assert id_number(1) not in english.body


def test_reminders_go_once_to_bookings_made_earlier(client, slots, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        code = book(client, slots[0], email="li@example.com", language="en").json()["code"]
    Booking.objects.filter(code=code).update(created_at=clock.now() - dt.timedelta(days=3))
    _start_in(slots[0], dt.timedelta(hours=5))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_reminders() == 1
        assert services.send_reminders() == 0
    assert len(mail.outbox) == 1 and mail.outbox[0].subject.startswith("Reminder")


def test_a_closure_marks_bookings_for_rebooking_and_tells_them(client, slots, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        code = book(client, slots[0], email="wang@example.com").json()["code"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        closure = Closure.objects.create(
            centre=CentrePage.objects.get(code="city"),
            categories=[CATEGORY],
            start_date=slots[0].date,
            end_date=slots[0].date,
            reason="系统升级",
        )
    booking = Booking.objects.get(code=code)
    assert booking.status == "rebook" and booking.slot.state == SlotState.CLOSED
    assert len(mail.outbox) == 1 and mail.outbox[0].subject.startswith("请改约")
    # the closed day offers no slots; a rebook booking may move even though it is "late"
    body = client.get("/api/v1/slots", {"guide": GUIDE, "centre": "city", "date": slots[0].date.isoformat()}).json()
    assert body["count"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        closure.delete()
    assert Booking.objects.get(code=code).status == BookingStatus.BOOKED
    assert Slot.objects.get(pk=slots[0].pk).state == SlotState.OPEN
    assert mail.outbox[-1].subject.startswith("预约恢复有效")


def test_a_rebook_booking_moves_past_the_cut_off(client, slots):
    code = book(client, slots[0]).json()["code"]
    Closure.objects.create(
        centre=CentrePage.objects.get(code="city"), start_date=slots[0].date, end_date=slots[0].date, reason="停电"
    )
    _start_in(Slot.objects.get(pk=slots[0].pk), dt.timedelta(minutes=30))
    later = next(s for d in open_days("city", CATEGORY) if d != slots[0].date for s in slots_on("city", CATEGORY, d))
    response = client.post(
        f"/api/v1/bookings/{code}/reschedule",
        {"slot": later.pk, "id_number": id_number(1)},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status"] == "booked"
    assert Slot.objects.get(pk=slots[0].pk).booked == 0


def test_new_centre_hours_close_the_slots_outside_them(client):
    slots = future_slots("city", CATEGORY, kinds=("regular", "staggered"))
    lunch = next(s for s in slots if s.kind == "staggered")
    code = book(client, lunch).json()["code"]
    page = CentrePage.objects.get(code="city")
    page.hours = [rule for rule in page.hours.all() if rule.kind != "staggered"]
    page.save_revision().publish()
    assert Booking.objects.get(code=code).status == "rebook"
    assert Slot.objects.get(pk=lunch.pk).state == SlotState.CLOSED


def test_a_new_slot_length_retires_off_grid_slots_but_keeps_their_bookings(client, slots):
    second = slots[1]  # 09:00 in a 30-minute grid from 08:30
    code = book(client, second).json()["code"]
    SlotPolicy.objects.create(centre=CentrePage.objects.get(code="city"), category=CATEGORY, slot_minutes=60)
    body = client.get("/api/v1/slots", {"guide": GUIDE, "centre": "city", "date": second.date.isoformat()}).json()
    assert second.pk not in {i["id"] for i in body["items"]}
    assert all(
        dt.datetime.fromisoformat(i["end"]) - dt.datetime.fromisoformat(i["start"]) == dt.timedelta(hours=1)
        for i in body["items"]
    )
    assert Slot.objects.get(pk=second.pk).state == SlotState.RETIRED
    assert Booking.objects.get(code=code).status == "booked"


def test_the_calendar_file_of_a_cancelled_booking_cancels_the_event(client, slots):
    code = book(client, slots[0], language="en").json()["code"]
    body = client.delete(f"/api/v1/bookings/{code}?include=ics", headers={"X-Id-Number": id_number(1)}).json()
    assert "METHOD:CANCEL" in body["ics"] and "STATUS:CANCELLED" in body["ics"] and "SEQUENCE:1" in body["ics"]
    start = dt.datetime.fromisoformat(body["slot"]["start"]).astimezone(dt.UTC)
    assert f"DTSTART:{start:%Y%m%dT%H%M%SZ}" in body["ics"]
    assert all(len(line.encode()) <= 75 for line in body["ics"].split("\r\n"))


def test_idempotency_keys_belong_to_their_caller(client, slots, kiosk):
    """The same key from another kiosk is another request: it can neither replay nor block the first."""
    other = KioskDevice(name="city-2", centre=CentrePage.objects.get(code="city"))
    other_token = other.issue_token()
    other.save()
    key = {"Idempotency-Key": "outbox-000001"}
    first = book(client, slots[0], n=1, headers={**key, "Authorization": f"Bearer {kiosk}"})
    second = book(client, slots[0], n=2, headers={**key, "Authorization": f"Bearer {other_token}"})
    assert first.status_code == second.status_code == 201
    assert first.json()["code"] != second.json()["code"] and "Idempotent-Replayed" not in second
    assert Booking.objects.count() == 2


def test_a_replay_after_a_cancel_answers_the_booking_as_it_is_now(client, slots):
    headers = {"Idempotency-Key": "kiosk-7-outbox-000125"}
    code = book(client, slots[0], headers=headers).json()["code"]
    client.delete(f"/api/v1/bookings/{code}", headers={"X-Id-Number": id_number(1)})
    replay = book(client, slots[0], headers=headers)
    assert replay.status_code == 201 and replay["Idempotent-Replayed"] == "true"
    assert replay.json()["code"] == code and replay.json()["status"] == "cancelled"
    assert Booking.objects.count() == 1


def test_a_kiosk_without_a_centre_checks_nobody_in(client, slots):
    code = book(client, slots[0]).json()["code"]
    _start_in(Slot.objects.get(pk=slots[0].pk), dt.timedelta(minutes=20))
    roaming = KioskDevice(name="roaming")
    token = roaming.issue_token()
    roaming.save()
    answer = client.post(f"/api/v1/bookings/{code}/check-in", headers={"Authorization": f"Bearer {token}"})
    assert_error(answer, 403, "kiosk_without_centre")
    assert Booking.objects.get(code=code).status == BookingStatus.BOOKED


def test_check_in_is_rate_limited_per_code(client, slots, kiosk, settings):
    settings.API_RATE_LIMITS = {**settings.API_RATE_LIMITS, "check_in": {"code": (2, 600)}}
    code = book(client, slots[0]).json()["code"]
    headers = {"Authorization": f"Bearer {kiosk}"}
    for _ in range(2):
        assert client.post(f"/api/v1/bookings/{code}/check-in", headers=headers).status_code in (200, 409)
    assert_error(client.post(f"/api/v1/bookings/{code}/check-in", headers=headers), 429, "rate_limited")


def test_the_website_and_the_mail_give_the_same_calendar_uid(client, slots, settings):
    settings.SITE_URL = "https://fuwu.pinghu.gov.cn"
    settings.WAGTAILADMIN_BASE_URL = settings.SITE_URL
    answer = client.post(
        "/booking/",
        {
            "guide": GUIDE,
            "slot": slots[0].pk,
            "name": "张三",
            "phone": "13812345678",
            "id_number": id_number(1),
            "email": "zhang@example.cn",
            "language": "zh-hans",
            "form_key": "form-0000000001",
            **CONSENT,
        },
    )
    assert answer.status_code == 302
    code = Booking.objects.get().code
    website = client.get(f"/booking/manage/{code}/calendar.ics").content.decode()
    from cms.bookings import notices

    notices.send_notice(Booking.objects.get().pk, "confirmation")
    mailed = next(a[1] for a in mail.outbox[-1].attachments if a[0].endswith(".ics"))
    uid = f"UID:{code}@fuwu.pinghu.gov.cn"
    assert uid in website and uid in mailed
    assert "https://fuwu.pinghu.gov.cn/booking/manage/" in mail.outbox[-1].body
