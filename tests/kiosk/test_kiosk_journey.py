"""A journey ends at Done or Home: the next citizen at the kiosk finds nothing of the last one, on any
screen, in any field, view-model, pad or scroll position (not only after the idle timeout)."""

from kivy.uix.label import Label
from kivy.uix.scrollview import ScrollView

from kiosk.widgets import KField
from tests.support.bookings import id_number

GUIDE = "330482-GA-001"


def book(k, person: str, phone: str) -> str:
    """Guide → Book → the first free time → ID number, name (李) and phone → confirmed; the booking code."""
    k.app.open_guide(GUIDE)
    k.frames()
    k.tap_id("book")
    booking = k.app.vms["booking"]
    k.until(lambda: booking.slots, "free times")
    k.tap(k.screen.ids.slots.children[-1])
    k.pad(person)
    k.tap(k.field("name"))
    k.until(lambda: k.app.services.ime.ready.is_set(), "the pinyin lexicon")
    if k.app.keyboard.mode != "zh":
        k.key("mode:zh")
    k.keys("li")
    k.candidate("李")
    k.tap(k.field("phone"))
    k.pad(phone)
    k.agree()
    k.tap_id("confirm")
    k.until(lambda: k.app.screen == "booking_done", "the confirmation")
    return booking.booking["code"]


def leftovers(k, secrets: list[str]) -> list[str]:
    """Where any of `secrets` is still held: every widget of every screen (built or not shown), both
    pads, and every property of every view-model."""
    roots = [k.app.root, *k.app.manager.screens, k.app.keyboard, k.app.numpad]
    found = []
    for root in roots:
        for widget in root.walk(restrict=True):
            texts = []
            if isinstance(widget, Label | KField):
                texts.append(widget.text)
            texts += [str(getattr(widget, name, "")) for name in ("data", "composing", "candidates")]
            found += [f"{type(widget).__name__}: {t!r}" for t in texts for s in secrets if s and s in t]
    for name, vm in k.app.vms.items():
        for prop in vm.properties():
            value = str(getattr(vm, prop))
            found += [f"view-model {name}.{prop}" for s in secrets if s and s in value]
    return found


def test_done_and_home_leave_nothing_of_the_last_citizen(make_kiosk):
    k = make_kiosk()
    person, phone = id_number(7301), "13700002222"

    # A booking, confirmed, then Done.
    code = book(k, person, phone)
    secrets = [person, "李", phone, code]
    k.tap_id("done")
    assert k.app.screen == "home"
    assert not leftovers(k, secrets), leftovers(k, secrets)

    # The booking looked up with its code and the full ID number, then Home.
    k.tap_id("my_booking")
    k.type_into("code", code)
    k.tap(k.field("id_number"))
    k.pad(person)
    k.tap_id("look_up")
    status = k.app.vms["status"]
    k.until(lambda: status.kind == "booking", "the booking found")
    assert k.shows(code)
    k.tap(k.app.root.ids.home)
    assert not leftovers(k, secrets), leftovers(k, secrets)

    # Check-in with the code (the server answers a ticket or why not), then Home.
    k.tap_id("check_in")
    k.type_into("code", code)
    k.tap_id("check_in")
    checkin = k.app.vms["checkin"]
    k.until(lambda: not checkin.busy, "the check-in answer")
    k.tap(k.app.root.ids.home)
    assert not leftovers(k, secrets), leftovers(k, secrets)

    # An application form half filled in, scrolled down, abandoned: Home.
    k.app.open_guide(GUIDE)
    k.frames()
    k.tap_id("apply")
    k.type_into("name", "wang")
    k.tap(k.field("id_number"))
    k.pad(person)
    k.tap(k.field("phone"))
    k.pad(phone)
    k.screen.ids.scroll.scroll_y = 0
    k.app.keyboard.mode = "123"
    k.tap(k.app.root.ids.home)
    secrets.append("wang")
    assert not leftovers(k, secrets), leftovers(k, secrets)

    # The pads and the scroll positions are back to where a first citizen finds them.
    assert k.app.keyboard.mode == "zh" and k.app.keyboard.composing == ""
    assert k.app.pad == ""
    for screen in k.app.manager.screens:
        for view in screen.walk(restrict=True):
            if isinstance(view, ScrollView) and not hasattr(view, "view_adapter"):
                assert view.scroll_y == 1, f"{screen.name} is still scrolled"
    assert not k.app.history
