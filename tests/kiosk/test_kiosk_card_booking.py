"""The ID card reader at the booking form, in the real window against a live CMS: one touch fills the name and
ID number, and the booking says the number came from the card, so its holder is proven."""

import os

from test_kiosk_flows import GUIDE, api, search_by_keyboard
from test_kiosk_idcard import LI, ZHANG, RecordedReader, conversation


def open_booking_form(k) -> None:
    search_by_keyboard(k, "sfz", "abc")
    k.until(lambda: any(r["code"] == GUIDE for r in k.app.vms["search"].rows), "search results")
    results = k.screen.ids.results
    k.until(lambda: any(getattr(v, "code", "") == GUIDE for v in results.layout_manager.children), "the row")
    k.tap(next(v for v in results.layout_manager.children if v.code == GUIDE))
    k.tap_id("book")
    booking = k.app.vms["booking"]
    k.until(lambda: booking.slots, "free times from the CMS")
    k.tap(k.screen.ids.slots.children[-1])
    assert k.app.screen == "booking_form"


def test_one_touch_on_the_serial_reader_fills_the_form_and_proves_the_booking(make_kiosk, cms):
    master, slave = os.openpty()
    try:
        recorded = RecordedReader(master, conversation("card-for-life"))
        k = make_kiosk(card_reader=os.ttyname(slave))
        open_booking_form(k)
        booking = k.app.vms["booking"]
        k.tap_id("read_card")  # the one touch
        k.until(lambda: booking.id_number == LI, "the card's ID number in the form")
        assert booking.name == "李秀英"
        assert k.field("id_number").text == LI
        assert k.field("name").text == "李秀英"
        k.tap(k.field("phone"))
        k.pad("13912345678")
        k.agree()
        k.tap_id("confirm")
        k.until(lambda: k.app.screen == "booking_done", "the confirmation")
        stored = api(cms, f"/bookings/{booking.booking['code']}", {"X-Id-Number": LI})
        assert stored["proof"] == "proven"

        # The journey ends: nothing of the card stays.
        k.tap(k.app.root.ids.back)
        assert k.app.screen == "home"
        assert (booking.id_number, booking.name, booking.card_number) == ("", "", "")
    finally:
        k.app.services.card_reader.close()
        recorded.thread.join(5)
        os.close(master)
        os.close(slave)


def test_no_card_on_the_reader_says_so(make_kiosk):
    master, slave = os.openpty()
    try:
        recorded = RecordedReader(master, conversation("no-card"))
        k = make_kiosk(card_reader=os.ttyname(slave))
        open_booking_form(k)
        booking = k.app.vms["booking"]
        k.tap_id("read_card")
        k.until(lambda: booking.error, "the message")
        assert "No ID card on the reader" in booking.error
        assert booking.id_number == ""
    finally:
        k.app.services.card_reader.close()
        recorded.thread.join(5)
        os.close(master)
        os.close(slave)


def test_a_keyboard_reader_fills_the_number_and_a_typed_change_unproves_it(make_kiosk, cms):
    from kivy.core.window import Window

    k = make_kiosk(card_reader="keyboard")
    open_booking_form(k)
    booking = k.app.vms["booking"]
    for character in ZHANG:
        Window.dispatch("on_textinput", character)
    Window.dispatch("on_key_down", 13, 40, None, [])
    k.frames(3)
    k.until(lambda: booking.card_number == ZHANG, "the typed card")
    assert booking.id_number == ZHANG
    assert k.app.screen == "booking_form"  # the reader's Enter did not submit the form
    assert k.screen.ids.read_card.height > 0
