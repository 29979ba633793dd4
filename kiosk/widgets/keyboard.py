"""The on-screen keyboard. Three modes:

- 中 (Chinese): letters compose pinyin, the candidate bar offers words and characters (services/ime);
  a tap on one types it. Space types the first candidate, Enter the letters as they are.
- ABC (pinyin / initials / English): letters go straight into the field, which is how search takes
  pinyin ("shenfenzheng") and initials ("sfz") as well as English. For a code (a field without Chinese:
  booking code, receipt, unified social credit code) it has a row of digits too, and capital captions
  when the field capitalises, so a whole code is typed without switching modes.
- 123: digits and the punctuation of addresses and codes.

It types into `target` (a KField, or anything with insert/backspace/clear). A physical keyboard or a
barcode scanner (a "keyboard wedge") types into the same target through the window.
"""

from pathlib import Path

from kivy.core.window import Window
from kivy.lang import Builder
from kivy.properties import (
    BooleanProperty,
    ListProperty,
    NumericProperty,
    ObjectProperty,
    OptionProperty,
    StringProperty,
)
from kivy.uix.boxlayout import BoxLayout

from kiosk.i18n import N_
from kiosk.widgets import KButton

LETTER_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
SYMBOL_ROWS = ("1234567890", "-/:()#.,@", "+*&'\"_·")
PAGE = 8
# Captions of the special keys (translated on the key).
SPACE, CLEAR, ENTER, DELETE = N_("Space"), N_("Clear"), N_("Enter"), N_("Delete")


class KKey(KButton):
    """One key: `value` is what it types (or an action name), `caption` what it shows."""

    value = StringProperty("")
    caption = StringProperty("")


class Keyboard(BoxLayout):
    mode = OptionProperty("zh", options=["zh", "abc", "123"])
    allow_chinese = BooleanProperty(True)
    upper = BooleanProperty(False)  # the field capitalises: so do the captions
    target = ObjectProperty(None, allownone=True)
    ime = ObjectProperty(None, allownone=True)
    composing = StringProperty("")
    candidates = ListProperty([])
    page = NumericProperty(0)
    page_candidates = ListProperty([])

    __events__ = ("on_enter",)

    def on_kv_post(self, base_widget):
        self._build_keys()

    def on_mode(self, *args):
        self.composing = ""
        self._build_keys()

    def on_allow_chinese(self, instance, allowed: bool) -> None:
        if not allowed and self.mode == "zh":
            self.mode = "abc"  # rebuilds the keys
        else:
            self._build_keys()

    def on_upper(self, *args):
        self._build_keys()

    def _build_keys(self) -> None:
        rows = self.ids.rows
        rows.clear_widgets()
        if self.mode == "123":
            layout = SYMBOL_ROWS
        elif self.allow_chinese:
            layout = LETTER_ROWS
        else:
            layout = (SYMBOL_ROWS[0], *LETTER_ROWS)
        for n, letters in enumerate(layout):
            row = self._row()
            for ch in letters:
                caption = ch.upper() if self.upper else ch
                row.add_widget(KKey(value=ch, caption=caption, role="secondary", on_release=self._press))
            if n == 0:
                row.add_widget(KKey(value="backspace", caption=DELETE, role="secondary", on_release=self._press))
            if n == 1:
                row.add_widget(KKey(value="enter", caption=ENTER, role="primary", on_release=self._press))
            rows.add_widget(row)
        last = self._row()
        if self.allow_chinese:
            last.add_widget(
                KKey(value="mode:zh", caption="中", role="choice", selected=self.mode == "zh", on_release=self._press)
            )
        last.add_widget(
            KKey(value="mode:abc", caption="ABC", role="choice", selected=self.mode == "abc", on_release=self._press)
        )
        last.add_widget(
            KKey(value="mode:123", caption="123", role="choice", selected=self.mode == "123", on_release=self._press)
        )
        last.add_widget(KKey(value="space", caption=SPACE, role="secondary", size_hint_x=3, on_release=self._press))
        last.add_widget(KKey(value="clear", caption=CLEAR, role="secondary", size_hint_x=1.5, on_release=self._press))
        rows.add_widget(last)

    def _row(self) -> BoxLayout:
        row = BoxLayout(spacing=self.ids.rows.spacing, size_hint_y=None)
        row.bind(minimum_height=row.setter("height"))
        return row

    # --- typing ----------------------------------------------------------------------------------------

    def _press(self, key: KKey) -> None:
        self.press(key.value)

    def press(self, value: str) -> None:
        """What a key does (the keys call this; so do tests and a physical keyboard)."""
        if value.startswith("mode:"):
            self.mode = value.split(":", 1)[1]
        elif value == "backspace":
            if self.composing:
                self.set_composing(self.composing[:-1])
            elif self.target is not None:
                self.target.backspace()
        elif value == "clear":
            self.set_composing("")
            if self.target is not None:
                self.target.clear()
        elif value == "space":
            if self.composing:
                self.choose(0) if self.candidates else self._type(self.composing)
            else:
                self._type(" ")
        elif value == "enter":
            if self.composing:
                self._type(self.composing)
                self.set_composing("")
            else:
                self.dispatch("on_enter")
        elif self.mode == "zh" and value.isalpha() and value.isascii():
            self.set_composing(self.composing + value)
        else:
            self._type(value)

    def _type(self, text: str) -> None:
        if self.target is not None:
            self.target.insert(text)

    def set_composing(self, letters: str) -> None:
        self.composing = letters
        self.candidates = self.ime.candidates(letters) if (letters and self.ime is not None) else []
        self.page = 0
        self._page()

    def on_page(self, *args):
        self._page()

    def _page(self) -> None:
        self.page_candidates = [c.text for c in self.candidates[self.page * PAGE : (self.page + 1) * PAGE]]

    def choose(self, index_on_page: int) -> None:
        """Type a candidate; the letters it stands for leave the composition, the rest stay."""
        candidate = self.candidates[self.page * PAGE + index_on_page]
        self._type(candidate.text)
        self.set_composing(self.composing[candidate.consumed :])

    def more(self, step: int) -> None:
        last = max(0, (len(self.candidates) - 1) // PAGE)
        self.page = min(last, max(0, self.page + step))

    def serve(self, field) -> None:
        """Type into `field` in its own mode: Chinese by pinyin where it takes Chinese, else letters and
        digits (capitals for a code)."""
        self.target = field
        self.allow_chinese, self.upper = field.chinese, field.upper
        self.mode = "zh" if field.chinese else "abc"
        self.set_composing("")

    def reset(self) -> None:
        """The journey ended: nothing composed, and the mode a first citizen finds (Chinese)."""
        self.set_composing("")
        self.allow_chinese, self.upper = True, False
        self.mode = "zh"

    def on_enter(self):
        pass


def route_physical_keys(get_target, enter) -> None:
    """Typing on a physical keyboard or a barcode scanner goes to the active field, like the on-screen keys;
    its Enter (a scanner sends one after each code) is the pads' Enter: `enter()`."""

    def textinput(window, text):
        target = get_target()
        if target is not None:
            target.insert(text)

    def key_down(window, key, scancode, codepoint, modifiers):
        target = get_target()
        if target is not None and key == 8:  # backspace
            target.backspace()
            return True
        if target is not None and key in (13, 271):  # Enter, and the number block's Enter
            enter()
            return True
        return False

    Window.bind(on_textinput=textinput, on_key_down=key_down)


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
