"""Large text at 1920×1080, with the keyboard or number pad up and without: on every screen nothing lies
under the header (or under the pad), so every tap lands on what is drawn, and no word is broken in two."""

import pytest
from kivy.uix.label import Label
from kivy.uix.scrollview import ScrollView
from test_kiosk_journey import book

from tests.support.bookings import id_number

GUIDE = "330482-GA-001"
SIZE = (1920, 1080)


@pytest.fixture
def full_hd(window):
    size = tuple(window.size)
    window.size = SIZE
    yield window
    window.size = size


def _shown(widget, stop) -> bool:
    while widget is not None and widget is not stop:
        if widget.opacity == 0 or getattr(widget, "shown", True) is False:
            return False
        widget = widget.parent
    return True


def _clipped(widget, stop) -> bool:
    """Inside a ScrollView: drawn only within it (the ScrollView itself is checked)."""
    parent = widget.parent
    while parent is not None and parent is not stop:
        if isinstance(parent, ScrollView):
            return True
        parent = parent.parent
    return False


def _broken_word(label: Label) -> str:
    """A line break between two letters or digits of one word, or ''."""
    lines = getattr(label._label, "_cached_lines", None) or []
    text, pos = label.text, 0
    for line in lines:
        piece = "".join(word.text for word in line.words)
        if not piece.strip():
            continue
        start = text.find(piece, pos)
        if start < 0:
            return ""  # markup or shortening: not comparable
        end = start + len(piece)
        if 0 < end < len(text) and _joined(text[end - 1], text[end]):
            return f"{text[:end]}|{text[end:]}"
        pos = end
    return ""


def _joined(a: str, b: str) -> bool:
    return a.isascii() and b.isascii() and a.isalnum() and b.isalnum()


def problems(k) -> list[str]:
    """What is drawn outside the screen's own area (under the header, the pad or off the side), and
    every word a line breaks in two, on the open screen."""
    k.frames(6)
    screen = k.screen
    area = k.app.manager
    left, bottom = area.to_window(area.x, area.y)
    right, top = area.to_window(area.right, area.top)
    found = []
    for widget in screen.walk(restrict=True):
        if widget is screen or widget.width <= 1 or widget.height <= 1 or not _shown(widget, screen):
            continue
        name = f"{screen.name}: {type(widget).__name__} {getattr(widget, 'text', '')[:30]!r}"
        if isinstance(widget, Label) and widget.text and widget.text_size[0]:
            broken = _broken_word(widget)
            if broken:
                found.append(f"{name} breaks a word: {broken!r}")
        if _clipped(widget, screen):
            continue
        x0, y0 = widget.to_window(widget.x, widget.y)
        x1, y1 = widget.to_window(widget.right, widget.top)
        if y1 > top + 1:
            found.append(f"{name} reaches {y1 - top:.0f} px under the header")
        if y0 < bottom - 1:
            found.append(f"{name} reaches {bottom - y0:.0f} px under the pad or the window's edge")
        if x0 < left - 1 or x1 > right + 1:
            found.append(f"{name} leaves the screen sideways")
    field = screen.active_field
    if field is not None:  # the field being typed into is in view, between header and pad
        _, y0 = field.to_window(field.x, field.y)
        _, y1 = field.to_window(field.right, field.top)
        if y0 < bottom - 1 or y1 > top + 1:
            found.append(f"{screen.name}: the active field {field.label!r} is out of view")
    return found


def test_large_text_at_full_hd_keeps_every_screen_usable(make_kiosk, full_hd):
    k = make_kiosk(width=SIZE[0], height=SIZE[1])
    k.tap(k.app.root.ids.large)
    assert k.app.theme.large
    seen = []

    def check(what: str) -> None:
        seen.extend(f"[{what}] {p}" for p in problems(k))

    check("home")
    k.tap_id("search")
    check("search, keyboard up")
    k.app.open_guide(GUIDE)
    check("guide")
    k.tap_id("book")
    booking = k.app.vms["booking"]
    k.until(lambda: booking.slots, "free times")
    check("booking: centre, day, time")
    k.tap(k.app.root.ids.language)
    check("booking in English: centre, day, time")
    k.tap(k.app.root.ids.language)
    k.tap(k.screen.ids.slots.children[-1])
    check("booking form, number pad up")
    k.tap(k.field("name"))
    check("booking form, keyboard up")
    k.tap(k.field("phone"))
    k.tap(k.app.root.ids.home)

    k.app.open_guide(GUIDE)
    k.tap_id("apply")
    check("apply, keyboard up")
    k.tap(k.field("id_number"))
    check("apply, number pad up")
    k.tap(k.app.root.ids.home)

    k.tap_id("my_booking")
    check("status, keyboard up")
    k.tap(k.field("id_number"))
    check("status, number pad up")
    k.tap(k.app.root.ids.home)
    k.tap_id("check_in")
    check("check-in, keyboard up")
    k.screen.activate(None)
    check("check-in")
    k.tap(k.app.root.ids.home)
    k.tap_id("take_ticket")
    check("queue number: the seven windows")
    k.tap(k.app.root.ids.help)
    k.until(lambda: k.app.vms["help"].request, "the help request")
    check("call for help")
    k.tap(k.app.root.ids.home)

    code = book(k, id_number(7501), "13700006666")
    check("booking confirmation")
    assert code
    assert not seen, "\n".join(seen)
