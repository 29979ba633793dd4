"""Check-in: booking code → queue ticket (printed)."""

from pathlib import Path

from kivy.lang import Builder

from kiosk.i18n import tr
from kiosk.screens.base import KioskScreen


class CheckInScreen(KioskScreen):
    def on_pre_enter(self, *args) -> None:
        self.activate(self.ids.code)

    def pad_enter(self) -> None:
        self.vm.check_in()

    def place(self, ticket: dict, lang: str) -> str:
        """How many are ahead, and the wait the centre expects (only when it has recent service times)."""
        if not ticket:
            return ""
        ahead = tr._("People ahead of you: {ahead}").format(ahead=ticket["ahead"])
        minutes = ticket.get("estimated_wait_minutes")
        if minutes is None or not ticket["ahead"]:
            return ahead
        return ahead + "\n" + tr._("Estimated wait: about {minutes} minutes").format(minutes=minutes)


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
