"""Widgets for a public touchscreen: large buttons, input fields the on-screen keyboard and number pad
type into (never the system keyboard), QR images. Styles are in widgets.kv."""

import io
import re
from pathlib import Path

from kivy.core.image import Image as CoreImage
from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, OptionProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.image import Image
from kivy.uix.label import Label

from kiosk.services.qr import qr_png

_MARKUP = re.compile(r"\[/?[a-z_]+(=[^\]]*)?\]")  # Kivy's tags: [b], [/b], [color=#c00], [size=20] …


class KButton(ButtonBehavior, Label):
    """A large touch target; `role` picks its colours, `enabled` False greys it out and ignores touches."""

    role = OptionProperty("primary", options=["primary", "secondary", "accent", "danger", "choice"])
    selected = BooleanProperty(False)  # for role "choice": the picked one of a group
    enabled = BooleanProperty(True)
    wrap = BooleanProperty(True)  # False: one line, and the button as wide as its text

    def on_kv_post(self, base_widget):
        # The pressed and disabled veils (widgets.kv) are in the canvas only while shown: without a GPU
        # every blended pixel costs. Sizing them to zero instead does not hide them: Kivy's
        # RoundedRectangle keeps drawing its last shape when its size becomes zero.
        self._veils = {
            name: (canvas, canvas.get_group(name))
            for name, canvas in (("pressed", self.canvas.before), ("disabled", self.canvas.after))
        }
        self._drawn = set(self._veils)
        self.fbind("state", self._show_veils)
        self.fbind("enabled", self._show_veils)
        self._show_veils()

    def _show_veils(self, *args) -> None:
        for name, shown in (("pressed", self.state == "down"), ("disabled", not self.enabled)):
            canvas, instructions = self._veils[name]
            if shown and name not in self._drawn:
                for instruction in instructions:
                    canvas.add(instruction)
                self._drawn.add(name)
            elif not shown and name in self._drawn:
                canvas.remove_group(name)
                self._drawn.discard(name)

    def on_touch_down(self, touch):
        if not self.enabled:
            return self.collide_point(*touch.pos)  # swallow, so nothing underneath reacts
        return super().on_touch_down(touch)


class KLabel(Label):
    """Wrapping text whose height follows its content."""


class LineLabel(Label):
    """One line, left-aligned and centred vertically, shortened with "…" only when it may not fit.

    Its texture is only as large as its text. Without a GPU every texture's pixels are uploaded at each
    change, and a row-wide one (`text_size: self.size`) cost search-as-you-type more than the search did
    (benchmarks/kiosk_bench.py --profile). A text that may be too long is laid out in the row's width
    (`text_size`), so Kivy shortens it; the test is conservative: no glyph is wider than one em.
    """

    def on_kv_post(self, base_widget):
        for name in ("text", "width", "font_size", "markup", "padding"):
            self.fbind(name, self._fit)
        self._fit()

    def _fit(self, *args) -> None:
        shown = strip_markup(self.text) if self.markup else self.text
        room = max(self.width - self.padding[0] - self.padding[2], 1)
        self.text_size = (None, None) if len(shown) * self.font_size <= room else (room, None)


def strip_markup(text: str) -> str:
    """The characters a markup text shows ("[b]身份[/b]证" → "身份证")."""
    return _MARKUP.sub("", text).replace("&bl;", "[").replace("&br;", "]").replace("&amp;", "&")


class Card(BoxLayout):
    """A panel on the screen's background."""


class Reveal(BoxLayout):
    """A box that can be hidden: not drawn, no touches for what would spill out of its zero size."""

    shown = BooleanProperty(True)

    def on_touch_down(self, touch):
        return super().on_touch_down(touch) if self.shown else False


class HolderChoice(Reveal):
    """A person or a company: which identifier `screen`'s form takes (its view-model's `holder`)."""

    screen = ObjectProperty(None, allownone=True)


class KField(ButtonBehavior, BoxLayout):
    """A form field: tap to make it the one the keyboard or number pad types into.

    `allowed` limits the characters ("" = any), `upper` capitalises, `max_length` caps the length.
    """

    label = StringProperty("")
    text = StringProperty("")
    hint = StringProperty("")
    error = StringProperty("")
    active = BooleanProperty(False)
    allowed = StringProperty("")
    upper = BooleanProperty(False)
    max_length = NumericProperty(100)
    pad = OptionProperty("keyboard", options=["keyboard", "numpad"])  # which input the screen shows for it
    chinese = BooleanProperty(True)  # the keyboard offers its Chinese mode (not for codes)

    def on_touch_down(self, touch):
        if self.opacity == 0:  # a field the form does not need now (kept at zero height)
            return False
        return super().on_touch_down(touch)

    def insert(self, value: str) -> None:
        if self.upper:
            value = value.upper()
        if self.allowed:
            value = "".join(ch for ch in value if ch in self.allowed)
        self.text = (self.text + value)[: int(self.max_length)]

    def backspace(self) -> None:
        self.text = self.text[:-1]

    def clear(self) -> None:
        self.text = ""


class QrImage(Image):
    """A QR code of `data` (nothing when empty)."""

    data = StringProperty("")

    def on_data(self, instance, data: str) -> None:
        if not data:
            self.texture = None
            return
        self.texture = CoreImage(io.BytesIO(qr_png(data)), ext="png").texture
        self.texture.mag_filter = "nearest"


Builder.load_file(str(Path(__file__).with_name("widgets.kv")))
