"""The kiosk driven by touch through its real widgets, against a live CMS over real HTTP."""

import json
import urllib.request

import pytest

from kiosk.i18n import tr
from kiosk.viewmodels.consent import CONSENT_NEEDED
from tests.support.bookings import id_number

GUIDE = "330482-GA-001"  # 居民身份证申领/换领/补领: appointments, online application, materials to scan
GUIDE_NAME = "居民身份证申领/换领/补领"


def api(cms, path: str, headers: dict | None = None) -> dict:
    request = urllib.request.Request(f"{cms.url}/api/v1{path}", headers=headers or {})  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 — our own loopback server
        return json.loads(answer.read())


def search_by_keyboard(k, letters: str, mode: str) -> None:
    k.tap_id("search")
    assert k.app.screen == "search"
    if k.app.keyboard.mode != mode:
        k.key(f"mode:{mode}")
    k.keys(letters)


def test_search_guide_booking_confirmation(make_kiosk, cms):
    k = make_kiosk()
    person = id_number(7101)

    # Search in pinyin-initials mode: "sfz" finds the ID card guide, results as you type.
    search_by_keyboard(k, "sfz", "abc")
    k.until(lambda: any(r["code"] == GUIDE for r in k.app.vms["search"].rows), "search results for sfz")
    results = k.screen.ids.results
    k.until(lambda: any(getattr(v, "code", "") == GUIDE for v in results.layout_manager.children), "the result row")
    row = next(v for v in results.layout_manager.children if v.code == GUIDE)
    k.tap(row)

    # The guide: name, materials, QR code for the phone.
    assert k.app.screen == "guide"
    assert k.screen.ids.title.text == GUIDE_NAME
    assert "原居民身份证" in k.screen.ids.materials.body
    assert k.screen.ids.qr.texture is not None

    # Book: the kiosk's own centre is chosen, the first open day's free times come from the CMS.
    k.tap_id("book")
    assert k.app.screen == "booking"
    booking = k.app.vms["booking"]
    k.until(lambda: booking.slots, "free times from the CMS")
    assert booking.centre == "city"
    chosen = booking.slots[0]
    k.tap(k.screen.ids.slots.children[-1])  # the day's first free time

    # Details: ID number and phone on the number pad, the name on the keyboard's Chinese mode.
    assert k.app.screen == "booking_form"
    assert k.app.pad == "numpad"
    k.pad(person)
    assert booking.id_number == person
    k.tap(k.field("name"))
    assert k.app.pad == "keyboard"
    if k.app.keyboard.mode != "zh":
        k.key("mode:zh")
    k.until(lambda: k.app.services.ime.ready.is_set(), "the pinyin lexicon")
    k.keys("zhang")
    k.candidate("张")
    k.keys("san")
    k.candidate("三")
    assert booking.name == "张三"
    k.tap(k.field("phone"))
    k.pad("13912345678")
    k.tap_id("confirm")  # not yet agreed to the personal-information notice: asked to, nothing sent
    assert booking.errors["consent"]["msgid"] == CONSENT_NEEDED and k.app.screen == "booking_form"
    assert k.screen.ids.consent_box.ids.consent_error.text == tr._(CONSENT_NEEDED)
    notice = k.screen.ids.consent_box.ids.notice_text.text
    assert "180" in notice and "身份证号" in notice  # the server's notice: what is collected, for how long
    k.agree()
    assert "consent" not in booking.errors
    k.tap_id("confirm")

    # The confirmation: a real booking on the server, its code and QR code on screen.
    k.until(lambda: k.app.screen == "booking_done", "the confirmation")
    code = booking.booking["code"]
    assert k.screen.ids.code.text == code
    assert k.screen.ids.qr.texture is not None
    stored = api(cms, f"/bookings/{code}", {"X-Id-Number": person})
    assert stored["slot"]["id"] == chosen["id"]
    assert stored["status"] == "booked"
    assert stored["name"] == "张*"
    agreed = f"from cms.bookings.models import Booking; print(Booking.objects.get(code='{code}').consent_version)"
    assert cms.shell(agreed).strip().splitlines()[-1] == booking.privacy["version"] != ""  # the one it showed

    # The ticket is a file (no print command configured), and shows only masked personal data.
    k.tap_id("print_ticket")
    ticket = k.app.settings.tickets / f"booking-{code}.png"
    k.until(ticket.exists, "the ticket file")

    # Back from the confirmation goes home, not into the filled-in form.
    k.tap(k.app.root.ids.back)
    assert k.app.screen == "home"


@pytest.mark.parametrize(
    ("letters", "mode", "candidate"),
    [
        ("shenfenzheng", "zh", "身份证"),  # Chinese mode: pinyin composes, a candidate types the word
        ("sfz", "zh", "身份证"),  # initials in Chinese mode
    ],
)
def test_chinese_keyboard_types_words(make_kiosk, letters, mode, candidate):
    k = make_kiosk()
    k.tap_id("search")
    k.until(lambda: k.app.services.ime.ready.is_set(), "the pinyin lexicon")
    if k.app.keyboard.mode != mode:
        k.key(f"mode:{mode}")
    k.keys(letters)
    assert k.app.keyboard.composing == letters
    assert k.app.vms["search"].query == ""  # nothing typed into the field while composing
    k.candidate(candidate)
    assert k.app.vms["search"].query == candidate
    assert k.app.keyboard.composing == ""
    k.until(lambda: any(r["code"] == GUIDE for r in k.app.vms["search"].rows), f"results for {candidate}")
