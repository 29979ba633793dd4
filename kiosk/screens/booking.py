"""Booking, in three screens: choose centre, day and time; enter ID number, name and phone; see the
confirmation with its code, QR code and a printable ticket."""

from pathlib import Path

from kivy.lang import Builder
from kivy.metrics import dp

from kiosk.i18n import tr
from kiosk.screens.base import KioskScreen
from kiosk.screens.consent import ConsentBox  # noqa: F401 — its kv rule, used by this screen's kv
from kiosk.screens.labels import day_label, slot_label
from kiosk.viewmodels.booking import to_bring
from kiosk.widgets import KButton


class SlotGrid:
    """Centre, day, time, as buttons in the screen's `centres`, `days` and `slots` boxes (a mixin: the booking
    screen's, and the reschedule screen's, whose `pick_slot` moves a booking instead)."""

    mark_chosen = False  # the chosen time stays marked (it is confirmed on the same screen)

    def pick_slot(self, slot: dict) -> None:
        self.app.choose_slot(slot)

    def on_kv_post(self, base_widget):
        self.vm.bind(centres=self._centres, centre=self._centres, days=self._days, day=self._days, slots=self._slots)
        if self.mark_chosen:
            self.vm.bind(slot=self._slots)
        tr.bind(lang=self._relabel)
        self._relabel()  # built on first use, after the view-model was started: show what it holds

    def _relabel(self, *args) -> None:
        self._centres()
        self._days()
        self._slots()

    def _centres(self, *args) -> None:
        box = self.ids.centres
        box.clear_widgets()
        for centre in self.vm.centres:
            box.add_widget(
                KButton(
                    text=tr.pick(centre["name"], centre.get("name_en", "")),
                    role="choice",
                    selected=centre["id"] == self.vm.centre,
                    size_hint_x=None,
                    width=dp(340),
                    on_release=lambda b, code=centre["id"]: self.vm.choose_centre(code),
                )
            )

    def _days(self, *args) -> None:
        box = self.ids.days
        box.clear_widgets()
        for day in self.vm.days:
            box.add_widget(
                KButton(
                    text=day_label(day["date"], tr.lang) + ("" if day["open"] else "\n" + tr._("closed")),
                    role="choice",
                    selected=day["date"] == self.vm.day,
                    enabled=day["open"],
                    size_hint_x=None,
                    width=dp(200),
                    on_release=lambda b, date=day["date"]: self.vm.choose_day(date),
                )
            )

    def _slots(self, *args) -> None:
        box = self.ids.slots
        box.clear_widgets()
        for slot in self.vm.slots:
            box.add_widget(
                KButton(
                    text=f"{slot_label(slot)}\n" + tr._("{remaining} places left").format(remaining=slot["remaining"]),
                    role="choice" if self.mark_chosen else "secondary",
                    selected=self.mark_chosen and slot["id"] == self.vm.slot.get("id"),
                    on_release=lambda b, s=slot: self.pick_slot(s),
                )
            )


class BookingScreen(SlotGrid, KioskScreen):
    """Centre, day, time."""


class BookingFormScreen(KioskScreen):
    """ID number (number pad), name (keyboard, Chinese mode) and phone (number pad)."""

    def on_pre_enter(self, *args) -> None:
        self.activate(self.ids.id_number)

    def chosen(self, slot: dict, centre: str, lang: str) -> str:
        if not slot:
            return ""
        names = {c["id"]: tr.pick(c["name"], c.get("name_en", "")) for c in self.vm.centres}
        return f"{day_label(slot['start'], lang, year=True)} {slot_label(slot)} · {names.get(centre, centre)}"


class BookingDoneScreen(KioskScreen):
    """The confirmation: code, QR, when and where, and the ticket."""

    def when(self, booking: dict, lang: str) -> str:
        if not booking:
            return ""
        return f"{day_label(booking['slot']['start'], lang, year=True)} {slot_label(booking['slot'])}"

    def where(self, booking: dict, lang: str) -> str:
        if not booking:
            return ""
        centre = self.vm.booked_centre
        if not centre:
            return ""
        address = tr.pick(centre.get("address", ""), centre.get("address_en", ""))
        return f"{tr.pick(centre['name'], centre.get('name_en', ''))}\n{address}"

    def bring(self, guide: dict, lang: str) -> str:
        materials = to_bring(guide)
        if not materials:
            return ""
        names = [f"•\u00a0{tr.pick(m['name'], m.get('name_en', ''))}" for m in materials]
        return "\n".join([tr._("Please bring:"), *names])


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
