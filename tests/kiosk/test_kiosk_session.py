"""A public touchscreen: the idle reset wipes personal data, the language switches on the open screen,
large text and high contrast restyle everything."""

import pytest

from tests.support.bookings import id_number

GUIDE = "330482-GA-001"


def fill_booking_form(k, person: str, phone: str) -> None:
    """Guide → Book → the first free time → ID number, name (李, Chinese mode) and phone, by touch."""
    k.app.open_guide(GUIDE)
    k.frames()
    k.tap_id("book")
    booking = k.app.vms["booking"]
    k.until(lambda: booking.slots, "free times")
    k.tap(k.screen.ids.slots.children[-1])  # the day's first free time
    assert k.app.screen == "booking_form"
    k.pad(person)
    k.tap(k.field("name"))
    k.until(lambda: k.app.services.ime.ready.is_set(), "the pinyin lexicon")
    if k.app.keyboard.mode != "zh":
        k.key("mode:zh")
    k.keys("li")
    k.candidate("李")
    k.tap(k.field("phone"))
    k.pad(phone)


def test_idle_reset_wipes_every_screen_and_view_model(make_kiosk):
    k = make_kiosk()
    person, phone = id_number(7201), "13700001111"
    fill_booking_form(k, person, phone)
    booking = k.app.vms["booking"]
    assert (booking.id_number, booking.name, booking.phone) == (person, "李", phone)

    # Another citizen-facing form with personal data, left behind on a screen no longer shown.
    k.tap(k.app.root.ids.home)
    k.tap_id("my_booking")
    k.type_into("code", "AB12")
    k.tap(k.field("id_number"))
    k.pad(person)
    assert k.app.vms["status"].id_number == person
    k.tap(k.app.root.ids.language)
    k.tap(k.app.root.ids.large)
    assert k.app.theme.large
    assert any(person in text for text in k.texts())

    # Nobody touches the screen: after the timeout a countdown, then everything is wiped.
    k.app.idle.timeout, k.app.idle.countdown = 0.5, 5.0
    k.until(lambda: k.app.idle_counting, "the countdown")
    assert k.app.root.ids.countdown.opacity == 1
    assert k.shows("seconds")  # "… will be cleared in N seconds"
    k.until(lambda: not k.app.idle_counting and k.app.screen == "home", "the reset")

    assert (booking.id_number, booking.name, booking.phone, booking.slot, booking.booking) == ("", "", "", {}, {})
    status = k.app.vms["status"]
    assert (status.code, status.id_number, status.result) == ("", "", {})
    assert not k.app.history
    texts = k.texts()
    for secret in (person, phone, "李"):
        assert not any(secret in text for text in texts), f"{secret} still on a screen"
    assert not any(field.text for screen in k.app.manager.screens for field in _fields(screen))
    assert k.app.theme.large is False
    from kiosk.i18n import tr

    assert tr.lang == "zh_Hans"


def test_a_touch_during_the_countdown_keeps_the_session(make_kiosk):
    k = make_kiosk()
    person = id_number(7202)
    k.tap_id("my_booking")
    k.tap(k.field("id_number"))
    k.pad(person)
    k.app.idle.timeout, k.app.idle.countdown = 0.5, 30.0
    k.until(lambda: k.app.idle_counting, "the countdown")
    k.tap(k.app.root.ids.still_here)
    assert not k.app.idle_counting
    assert k.app.screen == "status"
    assert k.app.vms["status"].id_number == person


def test_language_switch_retranslates_the_open_screen(make_kiosk):
    k = make_kiosk()
    k.app.open_guide(GUIDE)
    k.frames()
    screen = k.screen
    guide = k.app.vms["guide"].guide
    assert screen.ids.title.text == guide["name"]
    assert screen.ids.book.text == "预约办理"
    assert k.app.root.ids.back.text == "返回"
    assert "原居民身份证" in screen.ids.materials.body

    k.tap(k.app.root.ids.language)
    assert screen.ids.title.text == guide["name_en"]
    assert screen.ids.book.text == "Book an appointment"
    assert screen.ids.materials.title == "Documents to bring"
    assert "The current identity card" in screen.ids.materials.body
    assert k.app.root.ids.back.text == "Back"
    assert k.app.root.ids.language.text == "中文"
    assert screen.ids.summary.text == guide["summary_en"]

    k.tap(k.app.root.ids.language)
    assert screen.ids.title.text == guide["name"]
    assert screen.ids.materials.title == "申请材料"


def test_large_text_and_high_contrast_restyle_the_screens(make_kiosk):
    k = make_kiosk()
    search = k.screen.ids.search
    size, background = search.font_size, list(k.app.theme.bg)
    k.tap(k.app.root.ids.large)
    assert search.font_size > size * 1.2
    k.tap(k.app.root.ids.contrast)
    assert list(k.app.theme.bg) != background
    assert list(k.app.theme.bg)[:3] == [0, 0, 0]
    k.tap(k.app.root.ids.large)
    k.tap(k.app.root.ids.contrast)
    assert search.font_size == size
    assert list(k.app.theme.bg) == background


def test_the_next_citizen_sees_no_veil_left_by_the_last(make_kiosk):
    """A button's pressed or greyed-out veil goes with the state that put it there, wherever the button has
    moved since: one left behind lay over the next citizen's guide facts, half hiding them."""
    from kivy.metrics import dp

    k = make_kiosk()
    k.app.open_guide(GUIDE)
    k.frames()
    k.tap(k.app.root.ids.large)
    k.tap(k.app.root.ids.contrast)
    k.app.idle.timeout, k.app.idle.countdown = 0.5, 0.5
    k.until(lambda: k.app.screen == "home" and not k.app.theme.large, "the reset")
    k.app.idle.timeout = 3600.0

    k.tap(k.app.root.ids.language)
    k.app.open_guide(GUIDE)
    k.frames(8)
    window = _window_image(k)
    card = k.screen.ids.facts_card
    # The card's right padding, beside its text: nothing there but the card's own surface.
    x, bottom = (round(v) for v in card.to_window(card.right - dp(10), card.y + dp(16)))
    top = round(card.to_window(0, card.top - dp(16))[1])
    assert top - bottom > 100
    surface = _rgb(k.app.theme.surface)
    veiled = [y for y in range(bottom, top) if _far(_pixel(window, x, y), surface)]
    assert not veiled, f"the facts card is veiled at window rows {veiled[0]}…{veiled[-1]}"

    # Pressed and let go, twice: the button is back to its own colour.
    large = k.app.root.ids.large
    k.tap(large)
    k.tap(large)
    k.until(lambda: large.state == "normal", "the button let go")  # it stays down for min_state_time
    window = _window_image(k)
    x, y = (round(v) for v in large.to_window(large.x + dp(6), large.center_y))
    assert not _far(_pixel(window, x, y), _rgb(k.app.theme.secondary))


def test_large_text_keeps_the_guide_column_on_the_screen(make_kiosk):
    """With large text at 1280×800 the facts, both buttons and the QR code all stay inside the column."""
    from kivy.metrics import dp

    k = make_kiosk()
    k.app.open_guide(GUIDE)
    k.frames()
    k.tap(k.app.root.ids.large)
    k.frames(8)
    ids = k.screen.ids
    column = ids.column
    for name in ("facts_card", "book", "apply", "qr", "qr_caption"):
        widget = ids[name]
        assert widget.y >= column.y - 1 and widget.top <= column.top + 1, f"{name} leaves the column"
    assert ids.facts_card.top == pytest.approx(column.top)
    assert ids.qr.height >= dp(100)


def _window_image(k):
    """The window as drawn (what a citizen sees), rows from the top."""
    from PIL import Image

    texture = k.app.root.export_as_image().texture
    return Image.frombytes("RGBA", texture.size, texture.pixels)


def _pixel(image, x: int, y: int) -> tuple:
    """The colour at window coordinates (from the bottom, as Kivy counts)."""
    return image.getpixel((x, image.height - 1 - y))[:3]


def _rgb(colour) -> tuple:
    return tuple(round(c * 255) for c in colour[:3])


def _far(a: tuple, b: tuple) -> bool:
    return max(abs(p - q) for p, q in zip(a, b, strict=True)) > 3


def _fields(screen):
    from kiosk.widgets import KField

    return [w for w in screen.walk(restrict=True) if isinstance(w, KField)]


def test_the_idle_timer_pauses_while_the_scanner_works(make_kiosk):
    """Waiting for the scanner is not leaving: no countdown, nothing wiped, until the scan is in."""
    k = make_kiosk()
    k.app.open_guide(GUIDE)
    k.frames()
    k.tap_id("apply")
    apply = k.app.vms["apply"]
    k.tap(k.field("id_number"))
    k.pad(id_number(7203))
    row = next(r for r in apply.materials if r["kind"] == "scan")
    widget = next(w for w in k.screen.ids.materials.children if w.row["index"] == row["index"])
    k.tap(widget.ids.scan)
    assert apply.scanning == row["index"]
    k.app.idle.timeout, k.app.idle.countdown = 0.3, 0.3
    k.pause(1.5)
    assert not k.app.idle_counting
    assert k.app.screen == "apply" and apply.id_number == id_number(7203)
    apply.stop_scan()
    k.until(lambda: k.app.screen == "home", "the reset once the scan is over")
