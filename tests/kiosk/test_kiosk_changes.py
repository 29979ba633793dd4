"""Cancel and move a booking, and supply a 容缺 material, at the kiosk: the real window driven by touch, against
a live CMS over real HTTP. Each test has a person of its own (the kiosk tests share one CMS), whose booking or
application is made through the API first, as the website would."""

import datetime as dt
import uuid

from test_kiosk_flows import GUIDE, api
from test_kiosk_journey import leftovers

from guides import clock
from tests.support.bookings import CONSENT, id_number

MOVING = "330482-GA-006"  # 户口迁移: online application; 住房租赁合同登记备案证明 may be supplied later (容缺)


def book_by_api(k, person: str, phone: str) -> dict:
    """A booking of GUIDE at the city centre, on the first free time of the coming days."""
    client = k.app.services.api
    for n in range(1, 15):
        day = (clock.today() + dt.timedelta(days=n)).isoformat()
        free = [s for s in client.slots(GUIDE, "city", day)["items"] if s["remaining"] > 0]
        if free:
            payload = {
                "slot": free[0]["id"],
                "guide": GUIDE,
                "name": "孙丽",
                "phone": phone,
                "id_number": person,
                **CONSENT,
            }
            return client.book(payload, f"test-{uuid.uuid4()}")
    raise AssertionError("no free time at the city centre in the next two weeks")


def look_up(k, code: str, person: str) -> None:
    """Home → My booking → the code and the ID number, typed → Look up."""
    k.tap_id("my_booking")
    assert k.app.screen == "status"
    k.type_into("code", code)
    k.tap(k.field("id_number"))
    k.pad(person)
    status = k.app.vms["status"]
    assert (status.code, status.id_number) == (code, person)
    k.tap_id("look_up")
    k.until(lambda: status.kind or status.error or status.server_error or status.errors, "the look-up", timeout=10)
    assert status.kind, (status.error, status.server_error, status.errors)


def test_cancel_asks_first_then_cancels_on_the_server(make_kiosk, cms):
    k = make_kiosk()
    person, phone = id_number(7601), "13700007601"
    code = book_by_api(k, person, phone)["code"]

    look_up(k, code, person)
    status = k.app.vms["status"]
    assert status.kind == "booking" and status.result["status"] == "booked"
    assert k.screen.ids.cancel_booking.height > 0 and k.screen.ids.change_time.height > 0
    assert k.screen.ids.supplement.height == 0  # a booking has no documents to supply

    # The first touch only asks; "No, keep it" goes back and keeps it.
    k.tap_id("cancel_booking")
    assert k.app.screen == "cancel"
    assert code in k.screen.ids.booking.text
    k.tap_id("keep")
    assert k.app.screen == "status"
    assert api(cms, f"/bookings/{code}", {"X-Id-Number": person})["status"] == "booked"

    # Yes: cancelled on the server; the status screen shows it so, with nothing more to change.
    k.tap_id("cancel_booking")
    k.tap_id("confirm")
    k.until(lambda: k.app.screen == "status", "back at the status")
    assert status.notice and k.screen.ids.changed.text == "您的预约已取消。"
    assert "已取消" in k.screen.ids.result.text
    assert k.screen.ids.cancel_booking.height == 0 and k.screen.ids.change_time.height == 0
    assert api(cms, f"/bookings/{code}", {"X-Id-Number": person})["status"] == "cancelled"

    # Back goes home (not into the cancel screen), and the journey leaves nothing behind.
    k.tap(k.app.root.ids.back)
    assert k.app.screen == "home"
    assert not leftovers(k, [person, phone, code]), leftovers(k, [person, phone, code])


def test_a_cancel_the_server_refuses_says_why(make_kiosk, cms):
    """Cancelled meanwhile elsewhere (the website): the kiosk says the server's reason and changes nothing."""
    k = make_kiosk()
    person = id_number(7602)
    code = book_by_api(k, person, "13700007602")["code"]
    look_up(k, code, person)
    k.tap_id("cancel_booking")
    k.app.services.api.cancel_booking(code, person)  # the website, meanwhile
    k.tap_id("confirm")
    cancel = k.app.vms["cancel"]
    k.until(lambda: not cancel.busy, "the answer")
    assert k.app.screen == "cancel"
    assert "不能更改" in k.screen.ids.message.text


def test_move_to_another_time_with_the_card_read(make_kiosk, cms):
    """Found with the code and the card (a keyboard-type reader: the number typed by the reader, no touch); the
    booking screen's centres, days and times, the current one left out; moved on the server, same code."""
    from kivy.core.window import Window  # not at import: that would make the window before its size is set

    k = make_kiosk(card_reader="keyboard")
    person = id_number(7603)
    booked = book_by_api(k, person, "13700007603")
    code = booked["code"]

    k.tap_id("my_booking")
    k.type_into("code", code)
    k.key("enter")  # on to the ID number field, where the reader types
    assert k.screen.active_field is k.field("id_number").__self__
    for character in person:  # the reader types the number and Enter
        Window.dispatch("on_textinput", character)
    Window.dispatch("on_key_down", 13, 40, None, [])
    status = k.app.vms["status"]
    k.until(lambda: status.kind == "booking", "the booking found with the card")
    assert status.found_by_card and status.id_number == person

    k.tap_id("change_time")
    assert k.app.screen == "reschedule"
    move = k.app.vms["reschedule"]
    k.until(lambda: move.slots and not move.busy, "free times")
    assert move.centre == "city"
    assert booked["slot"]["id"] not in [s["id"] for s in move.slots]
    assert not k.screen.ids.confirm.enabled  # nothing chosen yet
    k.tap(k.screen.ids.slots.children[-1])
    chosen = move.slot
    assert chosen == move.slots[0] and k.screen.ids.slots.children[-1].selected
    assert k.screen.ids.confirm.enabled
    k.tap_id("confirm")
    k.until(lambda: k.app.screen == "status", "back at the status")
    assert k.screen.ids.changed.text == "您的预约已改到新的时间，预约码不变。"

    stored = api(cms, f"/bookings/{code}", {"X-Id-Number": person})
    assert stored["slot"]["id"] == chosen["id"] and stored["status"] == "booked"
    assert status.result["slot"]["id"] == chosen["id"]
    k.tap(k.app.root.ids.home)
    assert not leftovers(k, [person, code]), leftovers(k, [person, code])


def test_supply_a_deferred_material_by_scanning_it(make_kiosk, cms):
    from kiosk.tour import sample_scan

    k = make_kiosk()
    person = id_number(7604)
    fields = {
        "guide": MOVING,
        "applicant_kind": "person",
        "name": "周平",
        "id_number": person,
        "phone": "13700007604",
        "delivery": "pickup",
        "centre": "city",
        **CONSENT,
    }
    # Accepted without the lease (容缺): waiting for it.
    answer = k.app.services.api.submit_application(fields, [], f"test-{uuid.uuid4()}")
    receipt = answer.body["receipt"]
    assert answer.body["status"] == "accepted_pending_supplement"

    k.tap_id("my_application")
    k.type_into("code", receipt)
    k.tap(k.field("id_number"))
    k.pad(person)
    k.tap_id("look_up")
    status = k.app.vms["status"]
    k.until(lambda: status.kind == "application", "the application found")
    assert k.screen.ids.change_time.height == 0 and k.screen.ids.supplement.height > 0

    k.tap_id("supplement")
    assert k.app.screen == "supplement"
    supplement = k.app.vms["supplement"]
    assert [m["name"] for m in supplement.materials] == ["住房租赁合同登记备案证明"]

    # Send with nothing scanned: said, nothing sent.
    k.tap_id("send")
    assert "请先扫描" in k.screen.ids.message.text

    row = k.screen.ids.materials.children[0]
    k.tap(row.ids.scan)
    assert supplement.scanning == 0
    sample_scan(k.app.settings.scans / "lease.png")
    k.until(lambda: supplement.scanning < 0, "the scan")
    assert supplement.materials[0]["state"] == "scanned"
    k.tap_id("send")
    k.until(lambda: k.app.screen == "status", "back at the status")
    assert k.screen.ids.changed.text == "材料已收到。"
    assert status.result["status"] == "accepted"
    assert k.screen.ids.supplement.height == 0

    stored = api(cms, f"/applications/{receipt}", {"X-Id-Number": person})
    assert stored["status"] == "accepted"
    lease = next(m for m in stored["materials"] if m["name"] == "住房租赁合同登记备案证明")
    assert lease["state"] == "provided" and lease["file"]["content_type"] == "image/png"
    assert not any(k.app.services.scanner.staging_dir.iterdir())  # the scan is gone from the kiosk
    k.tap(k.app.root.ids.home)
    assert not leftovers(k, [person, receipt]), leftovers(k, [person, receipt])
