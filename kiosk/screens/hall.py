"""The service hall at the kiosk: take a queue number (取号) and call for help (呼叫帮办)."""

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import StringProperty

from guides.enums import WindowCategory
from kiosk.i18n import tr
from kiosk.screens.base import KioskScreen
from kiosk.widgets import KButton


class WindowTile(KButton):
    """One of the seven window categories: a ticket in its queue."""

    category = StringProperty("")
    category_en = StringProperty("")


class TicketScreen(KioskScreen):
    def on_kv_post(self, base_widget):
        for category in WindowCategory:
            self.ids.windows.add_widget(WindowTile(category=category.value, category_en=category.label_en))

    def waiting_text(self, ticket: dict, lang: str) -> str:
        """How many are ahead and how long it may take (no figure when the centre has none yet)."""
        if not ticket:
            return ""
        ahead, wait = ticket.get("ahead", 0), ticket.get("estimated_wait_minutes")
        parts = [tr._("You are next.") if ahead == 0 else tr._("{count} ahead of you").format(count=ahead)]
        if ahead and wait is not None:
            parts.append(tr._("about {minutes} min").format(minutes=wait))
        elif ahead:
            parts.append(tr._("no wait estimate yet"))
        return " · ".join(parts)


class HelpScreen(KioskScreen):
    def help_text(self, request: dict, lang: str) -> str:
        if not request:
            return ""
        return tr.pick(request.get("message", ""), request.get("message_en", ""))


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
