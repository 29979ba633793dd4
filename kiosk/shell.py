"""The frame around every screen: the header (back, home, service status, language, large text, high
contrast), the screens, the keyboard or number pad the current field needs, and the idle countdown.

The pads and the countdown are in the widget tree only while shown: a hidden widget would still be
drawn (at opacity 0) on every frame, which on a kiosk without a GPU costs most of the frame.
"""

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.floatlayout import FloatLayout


class Shell(FloatLayout):
    pad = StringProperty("")  # "keyboard", "numpad" or "": which input is shown
    counting = BooleanProperty(False)  # the idle countdown is shown

    def on_kv_post(self, base_widget):
        # ids are weak references: detached, these need strong ones.
        self.keyboard, self.side, self.countdown = (self.ids[n].__self__ for n in ("keyboard", "side", "countdown"))
        self._homes = {w: w.parent for w in (self.keyboard, self.side, self.countdown)}
        for widget in self._homes:
            widget.parent.remove_widget(widget)
        self.on_pad(self, self.pad)
        self.on_counting(self, self.counting)

    def _show(self, widget, shown: bool) -> None:
        if shown and widget.parent is None:
            self._homes[widget].add_widget(widget)
        elif not shown and widget.parent is not None:
            widget.parent.remove_widget(widget)

    def on_pad(self, instance, pad: str) -> None:
        if hasattr(self, "_homes"):
            self._show(self.keyboard, pad == "keyboard")
            self._show(self.side, pad == "numpad")

    def on_counting(self, instance, counting: bool) -> None:
        if hasattr(self, "_homes"):
            self._show(self.countdown, counting)


class CountdownOverlay(BoxLayout):
    """Over everything during the idle countdown: it takes the touch that ends it, so nothing underneath
    is pressed by it."""

    def on_touch_down(self, touch):
        return True


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
