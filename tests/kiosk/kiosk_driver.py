"""Drives the real kiosk in this process: the real Kivy window (SDL offscreen), the real widgets, touches
dispatched through the window exactly as a touchscreen's are, and the event loop turned by hand."""

import time

from kivy.base import EventLoop
from kivy.tests.common import UnitTestTouch
from kivy.uix.label import Label
from kivy.uix.scrollview import ScrollView

from kiosk.widgets import KField

SCROLL_TIMEOUT = 0.3  # a little over ScrollView.scroll_timeout (0.2 s by default)


class Driver:
    def __init__(self, app):
        self.app = app

    def stop(self) -> None:
        """Switch the kiosk off as App.stop() does (on_stop), but keep the one window for the next."""
        if self.app.services is not None:
            self.app.dispatch("on_stop")
        if self.app.root is not None and self.app.root.parent is not None:
            self.app.root.parent.remove_widget(self.app.root)

    # --- time passes -----------------------------------------------------------------------------------

    def frames(self, n: int = 2) -> None:
        for _ in range(n):
            EventLoop.idle()

    def until(self, condition, what: str, timeout: float = 30.0) -> None:
        """Turn the event loop until `condition()` holds (background calls finish between frames)."""
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}")
            EventLoop.idle()
            time.sleep(0.01)
        self.frames()

    # --- touching --------------------------------------------------------------------------------------

    @property
    def screen(self):
        return self.app.manager.current_screen

    def tap(self, widget) -> None:
        """Touch the middle of `widget` (scrolled into view first) and let go."""
        self.frames(1)
        scrolled = False
        parent = widget.parent
        while parent is not None and parent is not parent.parent:  # the window is its own parent
            if isinstance(parent, ScrollView):
                scrolled = True
                # A RecycleView makes rows only for what is in view; others are scrolled to it.
                if not hasattr(parent, "view_adapter"):
                    parent.scroll_to(widget, padding=20, animate=False)
                    self.frames(3)
                break
            parent = parent.parent
        x, y = widget.to_window(*widget.center)
        touch = UnitTestTouch(x, y)
        touch.touch_down()
        touch.touch_up()
        self.frames(1)
        if scrolled:
            # A ScrollView holds a touch until it knows it is not a scroll, then hands it on.
            self.pause(SCROLL_TIMEOUT)

    def pause(self, seconds: float) -> None:
        """Let `seconds` pass on the event loop's clock (animations, a ScrollView's touch delay)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            EventLoop.idle()
            time.sleep(0.01)
        self.frames(1)

    def tap_id(self, name: str, screen=None) -> None:
        self.tap((screen or self.screen).ids[name])

    def agree(self, screen=None) -> None:
        """Touch "I agree" under the personal-information notice of a booking or application form."""
        box = (screen or self.screen).ids.consent_box
        self.until(lambda: box.vm.privacy.get("version"), "the personal information notice")
        self.tap(box.ids.consent)

    def key(self, value: str) -> None:
        """Press the on-screen keyboard's key that types (or does) `value`."""
        self.tap(self._key(self.app.keyboard.ids.rows, lambda k: getattr(k, "value", None) == value, value))

    def keys(self, values) -> None:
        for value in values:
            self.key(value)

    def pad(self, digits: str) -> None:
        for digit in digits:
            self.tap(self._key(self.app.numpad, lambda k, digit=digit: getattr(k, "text", None) == digit, digit))

    def candidate(self, text: str) -> None:
        self.tap(self._key(self.app.keyboard.ids.candidates, lambda k: getattr(k, "text", None) == text, text))

    def _key(self, root, match, what: str):
        for widget in root.walk(restrict=True):
            if match(widget) and widget is not root:
                return widget
        raise AssertionError(f"no key {what!r} on the pad")

    def field(self, name: str) -> KField:
        return self.screen.ids[name]

    def type_into(self, name: str, text: str) -> None:
        """Tap a field, then type `text` on whichever pad it brings up (letters and digits only)."""
        self.tap(self.field(name))
        if self.app.pad == "numpad":
            self.pad(text)
            return
        keyboard = self.app.keyboard
        for ch in text:
            wanted = "123" if ch.isdigit() else "abc"
            if keyboard.mode != wanted:
                self.key(f"mode:{wanted}")
            self.key(ch.lower())

    # --- looking ---------------------------------------------------------------------------------------

    def texts(self) -> list[str]:
        """Every text any label in the window shows (every screen, built or not shown)."""
        roots = [self.app.root, *self.app.manager.screens]
        return [w.text for root in roots for w in root.walk(restrict=True) if isinstance(w, Label) and w.text]

    def shows(self, fragment: str) -> bool:
        return any(fragment in text for text in self.texts())
