"""The kiosk's texted-code step, in the real window against a live CMS with PHONE_CODES on (as `make run` has
it): a typed ID number is refused until the phone is confirmed; the form then offers "Send code" and a code
field, keeps what was typed, and books with the code the CMS texted (its file SMS backend's message)."""

import json

import pytest
from kiosk_cms import CmsServer
from test_kiosk_card_booking import open_booking_form
from test_kiosk_flows import api

from tests.support.bookings import id_number
from tests.support.database import drop

PHONE = "13900000188"


@pytest.fixture(scope="module")
def coded_cms(tmp_path_factory, database_template):
    data_dir = tmp_path_factory.mktemp("cms-codes")
    server = CmsServer(data_dir, database_template.copy("kiosk_codes", data_dir), phone_codes=True)
    server.token = server.create_token("kiosk-codes", centre="city")
    server.start()
    yield server
    server.stop()
    if database_template.postgres:
        drop(server.database_url)


def texts(cms) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted((cms.data_dir / "sms").glob("*.json"))]


def test_a_typed_id_number_books_after_the_texted_code(make_kiosk, coded_cms):
    from kiosk.i18n import tr

    k = make_kiosk(cms_url=coded_cms.url, device_token=coded_cms.token)
    person = id_number(7301)
    open_booking_form(k)
    booking = k.app.vms["booking"]
    assert k.screen.ids.send_code.opacity == 0 and k.field("phone_code").opacity == 0  # not asked for yet

    k.type_into("id_number", person)
    k.tap(k.field("name"))
    if k.app.keyboard.mode != "zh":
        k.key("mode:zh")
    k.until(lambda: k.app.services.ime.ready.is_set(), "the pinyin lexicon")
    k.keys("zhang")
    k.candidate("张")
    k.keys("san")
    k.candidate("三")
    k.tap(k.field("phone"))
    k.pad(PHONE)
    k.agree()
    k.tap_id("confirm")

    # Refused until the phone is confirmed: the code step appears, nothing typed is lost.
    k.until(lambda: booking.code_needed and not booking.busy, "the code step")
    assert k.app.screen == "booking_form"
    assert "短信验证码" in k.screen.ids.message.text
    assert k.screen.ids.send_code.opacity == 1 and k.field("phone_code").opacity == 1
    assert (k.field("id_number").text, k.field("name").text, k.field("phone").text) == (person, "张三", PHONE)
    assert texts(coded_cms) == []

    k.tap_id("send_code")
    k.until(lambda: booking.notice and not booking.busy, "the code sent")
    assert "139****0188" in k.screen.ids.message.text and "5" in k.screen.ids.message.text
    (text,) = texts(coded_cms)
    assert text["phone"] == PHONE

    # A wrong code: refused on the code field, the form as it was.
    wrong = "000000" if text["code"] != "000000" else "111111"
    k.tap(k.field("phone_code"))
    assert k.app.pad == "numpad"
    k.pad(wrong)
    k.tap_id("confirm")
    k.until(lambda: booking.errors.get("phone_code") and not booking.busy, "the wrong code's error")
    assert k.app.screen == "booking_form"
    assert "验证码不正确" in k.field("phone_code").error
    assert k.field("phone").text == PHONE

    # The right one books; the booking is claimed (the phone confirmed), not proven.
    k.tap(k.field("phone_code"))
    k.tap(k._key(k.app.numpad, lambda w: getattr(w, "text", None) == tr._("Clear"), "Clear"))
    k.pad(text["code"])
    k.tap_id("confirm")
    k.until(lambda: k.app.screen == "booking_done", "the confirmation")
    assert k.screen.ids.notice.text == ""  # "code sent" stays behind on the form
    stored = api(coded_cms, f"/bookings/{booking.booking['code']}", {"X-Id-Number": person})
    assert stored["status"] == "booked" and stored["proof"] == "claimed"

    # The journey ends: the code goes with the rest.
    k.tap(k.app.root.ids.back)
    assert k.app.screen == "home"
    assert (booking.phone, booking.phone_code, booking.code_needed, booking.notice) == ("", "", False, "")
