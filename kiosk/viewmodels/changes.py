"""Changing at the kiosk what was booked or applied for, starting from what the status screen found with its
code and the holder's ID number (typed, or read from the card):

- cancel a live booking, after the citizen confirms (`DELETE /bookings/{code}`);
- move it to another time: the booking screen's centres, days and free times (`POST …/reschedule`, same code);
- supply a material that a 容缺 application was accepted without: picked from those outstanding, scanned with
  the kiosk's scanner as on the application form (`POST /applications/{receipt}/supplement`).

All three need the server; offline, the screens say so with the number to call. The ID number goes in a header
(never a URL), with `X-Id-Number-Source: card` when it was read from the card.
"""

import uuid

from kivy.properties import BooleanProperty, DictProperty, StringProperty

from kiosk.i18n import N_
from kiosk.viewmodels.apply import ApplyViewModel
from kiosk.viewmodels.base import ViewModel
from kiosk.viewmodels.booking import BookingViewModel
from kiosk.viewmodels.forms import error

CHANGEABLE = ("booked", "needs_rebooking")  # a booking that may still be cancelled or moved
AWAITING_SUPPLEMENT = ("accepted_pending_supplement", "supplement_overdue")
OUTSTANDING = ("missing", "requested")  # a material the application still waits for
CANCELLED = N_("Your booking is cancelled.")
MOVED = N_("Your booking is moved to the new time. The booking code stays the same.")
SUPPLIED = N_("The documents were received.")
NOTHING_SCANNED = N_("Please scan at least one of the documents first.")
CHOOSE_TIME = N_("Please choose a new time.")


def awaiting_supplement(kind: str, result: dict, remote: dict) -> dict:
    """The application found, if it waits for a material the citizen may supply here; else {}."""
    application = result if kind == "application" else remote if kind == "local" else {}
    if application.get("status") not in AWAITING_SUPPLEMENT:
        return {}
    outstanding = [m for m in application.get("materials") or [] if m.get("state") in OUTSTANDING]
    return application if outstanding else {}


class CancelViewModel(ViewModel):
    """Cancel one booking, once the citizen has said yes."""

    booking = DictProperty({}, rebind=True)  # as found (masked by the server)
    id_number = StringProperty("")
    card = BooleanProperty(False)  # the ID number was read from the card

    def open(self, booking: dict, id_number: str, from_card: bool) -> None:
        self.wipe()
        self.booking, self.id_number, self.card = booking, id_number, from_card

    def cancel(self, done=lambda booking: None) -> None:
        code, id_number, card = self.booking["code"], self.id_number, self.card
        self.run(lambda: self.services.api.cancel_booking(code, id_number, card), done)

    def fail(self, exc: Exception, guide: dict | None = None) -> None:
        super().fail(exc, guide or self.services.catalogue.guide(self.booking.get("guide", {}).get("code", "")))

    def wipe(self) -> None:
        super().wipe()
        self.booking, self.id_number, self.card = {}, "", False


class RescheduleViewModel(BookingViewModel):
    """The booking's centre, day and time chooser (BookingViewModel's), moving a booking instead of making one;
    `booking` is the answer once moved."""

    current = DictProperty({}, rebind=True)  # the booking as found: its guide, centre and slot

    def open(self, booking: dict, id_number: str, from_card: bool) -> None:
        self.wipe()
        code = booking["guide"]["code"]
        guide = self.services.catalogue.guide(code) or {
            "code": code,
            "name": booking["guide"]["name"],
            "name_en": booking["guide"].get("name_en", ""),
            "centres": [booking["centre"]["id"]],
        }
        self.current, self.guide = booking, guide
        self.id_number, self.card_number = id_number, id_number if from_card else ""
        catalogue = self.services.catalogue
        self.centres = [c for c in (catalogue.centre(c) for c in guide.get("centres") or []) if c]
        codes = [c["id"] for c in self.centres]
        # Where it was booked, else this kiosk's centre, else the first.
        preferred = [booking["centre"]["id"], self.services.settings.centre]
        self.choose_centre(next((c for c in preferred if c in codes), codes[0] if codes else ""))

    def _slots_loaded(self, slots: list[dict]) -> None:
        mine = self.current.get("slot", {}).get("id")
        super()._slots_loaded([s for s in slots if s["id"] != mine])

    def choose_day(self, date: str) -> None:
        super().choose_day(date)
        self._key = None

    def choose_slot(self, slot: dict) -> None:
        super().choose_slot(slot)
        self.errors = {}

    def reschedule(self, done=lambda booking: None) -> None:
        if not self.slot:
            self.errors = {"slot": error(CHOOSE_TIME)}
            return
        code, slot, id_number = self.current["code"], self.slot["id"], self.id_number
        card = self.from_card(id_number)
        self._key = self._key or f"kiosk-reschedule-{uuid.uuid4()}"
        key = self._key

        def moved(body: dict) -> None:
            centre = body.get("centre") or {}
            self.booked_centre = {**(self.services.catalogue.centre(centre.get("id", "")) or {}), **centre}
            self.booking, self._key = body, None
            done(body)

        self.run(lambda: self.services.api.reschedule_booking(code, id_number, slot, key, card), moved)

    def from_card(self, identifier: str) -> bool:
        return bool(self.card_number) and identifier == self.card_number

    def wipe(self) -> None:
        super().wipe()
        self.current = {}


class SupplementViewModel(ApplyViewModel):
    """The materials a 容缺 application still waits for, each scanned as on the application form (the scanning
    is ApplyViewModel's), then sent together."""

    application = DictProperty({}, rebind=True)  # as found (masked by the server)
    holder_id = StringProperty("")
    card = BooleanProperty(False)

    def open(self, application: dict, id_number: str, from_card: bool) -> None:
        self.wipe()
        self.application, self.holder_id, self.card = application, id_number, from_card
        self.guide = application.get("guide") or {}
        outstanding = [m for m in application.get("materials") or [] if m.get("state") in OUTSTANDING]
        self.materials = [
            {
                "index": n,
                "field": m["field"],
                "name": m["name"],
                "name_en": m.get("name_en", ""),
                "necessity": m.get("necessity", "deferrable"),
                "notes": "",
                "notes_en": "",
                "kind": "scan",
                "state": "missing",
                "file": "",
                "thumbnails": [],
                "not_needed_when": "",
                "not_needed_when_en": "",
            }
            for n, m in enumerate(outstanding)
        ]

    def send(self, done=lambda application: None) -> None:
        files = [
            (row["field"], (scan.name, str(scan.path), scan.content_type))
            for row in self.materials
            if (scan := self._scans.get(row["index"])) is not None
        ]
        if not files:
            self.error_args, self.error = {}, NOTHING_SCANNED
            return
        self.stop_scan()
        receipt, id_number, card = self.application["receipt"], self.holder_id, self.card
        key = f"kiosk-supplement-{uuid.uuid4()}"

        def supplied(body: dict) -> None:
            for scan in self._scans.values():  # the service has them now
                self.services.scanner.discard(scan)
            self._scans.clear()
            done(body)

        self.run(lambda: self.services.api.supplement(receipt, id_number, files, key, card), supplied)

    def wipe(self) -> None:
        super().wipe()
        self.application, self.holder_id, self.card = {}, "", False
