"""The number pad for ID numbers and phone numbers: digits, X (the ID number's check character),
backspace and clear, as large keys. Types into `target` like the keyboard."""

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import BooleanProperty, ObjectProperty
from kivy.uix.gridlayout import GridLayout


class NumPad(GridLayout):
    target = ObjectProperty(None, allownone=True)
    allow_x = BooleanProperty(True)

    __events__ = ("on_enter",)

    def press(self, value: str) -> None:
        if self.target is None:
            return
        if value == "backspace":
            self.target.backspace()
        elif value == "clear":
            self.target.clear()
        elif value == "enter":
            self.dispatch("on_enter")
        else:
            self.target.insert(value)

    def on_enter(self):
        pass


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
