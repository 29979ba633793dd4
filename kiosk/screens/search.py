"""Search: results as you type, from the local index, with the on-screen keyboard (Chinese, pinyin or
initials); or every guide of one window category."""

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout

from kiosk.screens.base import KioskScreen


class ResultRow(ButtonBehavior, BoxLayout):
    code = StringProperty("")
    name = StringProperty("")
    name_en = StringProperty("")
    name_html = StringProperty("")
    category = StringProperty("")


class SearchScreen(KioskScreen):
    def on_pre_enter(self, *args) -> None:
        # Browsing a window category lists its guides: a keyboard would only hide them.
        self.activate(None if self.vm.category else self.ids.query)

    def pad_enter(self) -> None:
        """Results are already there as one types: Enter just puts the keyboard away."""
        self.activate(None)

    def rows(self, rows: list[dict], lang: str) -> list[dict]:
        """The result list's data (a function of the language too, so it re-renders on a switch)."""
        return [{**row, "name_html": row.get("name_html", "") if lang != "en" else ""} for row in rows]


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
