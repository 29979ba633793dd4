"""Check-in: booking code → queue ticket (printed)."""

from pathlib import Path

from kivy.lang import Builder

from kiosk.screens.base import KioskScreen


class CheckInScreen(KioskScreen):
    def on_pre_enter(self, *args) -> None:
        self.activate(self.ids.code)

    def pad_enter(self) -> None:
        self.vm.check_in()


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
