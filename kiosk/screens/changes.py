"""Changes to what was booked or applied for, reached from the status screen: cancel a booking (a screen that
asks first), move it to another time (the booking screen's slot grid), supply a 容缺 material (scanned)."""

from pathlib import Path

from kivy.lang import Builder

from kiosk.i18n import tr
from kiosk.screens import apply  # noqa: F401 — its kv rules: the material rows the supplement screen shows
from kiosk.screens.apply import ApplyScreen, MaterialRow
from kiosk.screens.base import KioskScreen
from kiosk.screens.booking import SlotGrid
from kiosk.screens.labels import day_label, slot_label
from kiosk.screens.status import booking_details


class CancelScreen(KioskScreen):
    """The booking, and a question: cancel it, or keep it."""

    def details(self, booking: dict, lang: str) -> str:
        return booking_details(booking) if booking else ""


class RescheduleScreen(SlotGrid, KioskScreen):
    """The booking's time now; centre, day and a new time; then the one button that moves it."""

    mark_chosen = True

    def pick_slot(self, slot: dict) -> None:
        self.vm.choose_slot(slot)

    def booked(self, booking: dict, lang: str) -> str:
        if not booking:
            return ""
        when = f"{day_label(booking['slot']['start'], lang, year=True)} {slot_label(booking['slot'])}"
        where = tr.pick(booking["centre"]["name"], booking["centre"].get("name_en", ""))
        return tr._("Booked now: {when} · {where}").format(when=when, where=where)

    def chosen(self, slot: dict, lang: str) -> str:
        if not slot:
            return tr._("Choose a new time")
        when = f"{day_label(slot['start'], lang)} {slot_label(slot)}"
        return tr._("Move my booking to {when}").format(when=when)


class SupplementScreen(KioskScreen):
    """The materials the application still waits for, each with its scan button, and Send."""

    badge = ApplyScreen.badge  # the material rows' line under the name: the same as on the application form

    def on_kv_post(self, base_widget):
        self.vm.bind(materials=self._materials)
        self._materials()

    def _materials(self, *args) -> None:
        box = self.ids.materials
        box.clear_widgets()
        for row in self.vm.materials:
            box.add_widget(MaterialRow(row=row, screen=self))

    def summary(self, application: dict, lang: str) -> str:
        if not application:
            return ""
        guide = application.get("guide") or {}
        lines = [f"{tr._('Application')} {application.get('receipt', '')}"]
        lines.append(tr.pick(guide.get("name", ""), guide.get("name_en", "")))
        if application.get("supplement_deadline"):
            lines.append(f"{tr._('Supply the missing documents by')} {application['supplement_deadline']}")
        return "\n".join(lines)


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
