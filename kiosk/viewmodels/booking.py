"""Booking: centre → day → slot, then ID number, name and phone, then the confirmation and its ticket.

A typed ID number is only a claim: when the server answers `phone_unconfirmed` (PHONE_CODES, cms/identity/
proof.py) the form offers a texted code (`POST /phone-codes`), and the booking goes again with it.

The citizen agrees to the personal-information notice on the form (kiosk/viewmodels/consent.py) before it goes.

Slots and bookings need the server; offline, the screens say so with the number to call. One
Idempotency-Key per filled-in form, kept until it succeeds, so a second tap or a retry after a lost
answer never books twice.
"""

import datetime as dt
import uuid

from kivy.properties import BooleanProperty, DictProperty, ListProperty, ObjectProperty, StringProperty

from kiosk.i18n import N_, tr
from kiosk.screens.labels import day_label, slot_label
from kiosk.services.api import ApiError
from kiosk.services.idcard import CardError
from kiosk.services.sync import today
from kiosk.services.tickets import Ticket
from kiosk.viewmodels.consent import ConsentViewModel
from kiosk.viewmodels.forms import check_identifier, check_name, check_phone, error

DAYS_SHOWN = 7
HOLDERS = {"citizen": ["person"], "company": ["company"]}  # by the guide's service object; else both
NO_SLOTS = N_("No free times on this day. Please choose another day.")
PRINTED = N_("Please take your slip.")
PRINT_FAILED = N_("The ticket could not be printed. Please note the booking code.")
NO_CARD = N_("No ID card on the reader. Place it on the reader and touch the button again.")
CARD_UNREADABLE = N_("The ID card could not be read. Place it again, or type the ID number.")
CODE_SENT = N_("A code was sent to {phone}. Type it below; it is valid for {minutes} minutes.")


class BookingViewModel(ConsentViewModel):
    guide = DictProperty({}, rebind=True)  # rebind: kv reads guide.get(…)
    centres = ListProperty([])
    centre = StringProperty("")
    days = ListProperty([])  # {"date": iso, "open": bool}
    day = StringProperty("")
    slots = ListProperty([])
    slot = DictProperty({})
    holders = ListProperty([])  # who may book the item: person, company
    holder = StringProperty("person")  # whose identifier the form takes: an ID number or a USCC
    id_number = StringProperty("")
    name = StringProperty("")
    phone = StringProperty("")
    phone_code = StringProperty("")  # the texted one-time code that confirms the phone of a typed ID number
    code_needed = BooleanProperty(False)  # the server asked for it: show the code step
    errors = DictProperty({})
    booking = DictProperty({}, rebind=True)  # the server's answer: code, slot, centre, masked fields
    booked_centre = DictProperty({})  # its centre, with the English address
    notice = StringProperty("")  # msgid: printed, saved, no slots
    notice_args = DictProperty({})
    card_number = StringProperty("")  # the ID number as read from the card: sent as proven while unchanged
    _key = ObjectProperty(None, allownone=True)

    def start(self, guide: dict) -> None:
        self.wipe()
        self.guide = guide
        self.load_notice()
        self.holders = HOLDERS.get(guide.get("service_object"), ["person", "company"])
        self.holder = self.holders[0]
        catalogue = self.services.catalogue
        self.centres = [c for c in (catalogue.centre(code) for code in guide.get("centres") or []) if c]
        codes = [c["id"] for c in self.centres]
        own = self.services.settings.centre
        self.choose_centre(own if own in codes else (codes[0] if codes else ""))

    def choose_centre(self, code: str) -> None:
        self.centre = code
        self.days = self._days(code)
        first_open = next((d["date"] for d in self.days if d["open"]), self.days[0]["date"] if self.days else "")
        self.choose_day(first_open)

    def _days(self, centre: str) -> list[dict]:
        """The next days, each marked open or not for the item's window category (from cached hours;
        unknown days count as open and the server decides)."""
        hours = {d["date"]: d for d in (self.services.catalogue.hours(centre) or {}).get("items", [])}
        category = self.guide.get("category", "")
        days = []
        for n in range(1, DAYS_SHOWN + 1):
            date = (today() + dt.timedelta(days=n)).isoformat()
            day = hours.get(date)
            is_open = True
            if day is not None:
                is_open = any(c["open"] for c in day["categories"] if c["category"] == category)
            days.append({"date": date, "open": is_open})
        return days

    def choose_day(self, date: str) -> None:
        self.day = date
        self.slots, self.slot, self.notice = [], {}, ""
        if not date or not self.centre:
            return
        guide, centre = self.guide["code"], self.centre
        self.run(lambda: self.services.api.slots(guide, centre, date)["items"], self._slots_loaded)

    def _slots_loaded(self, slots: list[dict]) -> None:
        self.slots = [s for s in slots if s["remaining"] > 0]
        self.notice = "" if self.slots else NO_SLOTS

    def fail(self, exc: Exception, guide: dict | None = None) -> None:
        super().fail(exc, guide or self.guide)

    def choose_slot(self, slot: dict) -> None:
        self.slot = slot
        self._key = None  # a new booking: a new Idempotency-Key

    # --- the form --------------------------------------------------------------------------------------

    def validate(self) -> dict | None:
        errors = {}
        canonical, problem = check_identifier(self.id_number, self.holder)
        if problem:
            errors["id_number"] = problem
        for field, problem in (("name", check_name(self.name)), ("phone", check_phone(self.phone))):
            if problem:
                errors[field] = problem
        consent = self.consent_version(errors)
        self.errors = errors
        if errors:
            return None
        return {
            "slot": self.slot["id"],
            "guide": self.guide["code"],
            "name": self.name.strip(),
            "phone": self.phone.strip(),
            "id_number": canonical,
            "phone_code": self.phone_code.strip(),
            "language": "en" if tr.lang == "en" else "zh-hans",
            "consent": consent,
        }

    def send_code(self) -> None:
        """Text a one-time code to the phone typed in the form."""
        problem = check_phone(self.phone)
        if problem:
            self.errors = {"phone": problem}
            return
        self.errors, self.notice = {}, ""
        phone = self.phone.strip()

        def sent(body: dict) -> None:
            self.notice_args = {"phone": body.get("phone", ""), "minutes": body.get("valid_minutes", "")}
            self.notice = CODE_SENT

        self.run(lambda: self.services.api.send_phone_code(phone), sent, self._refused)

    def read_card(self) -> None:
        """One touch: the card on the reader fills the ID number and name."""
        reader = self.services.card_reader
        if reader is not None:
            self.run(reader.read, self._card_read, self._card_failed)

    def _card_read(self, card) -> None:
        if card is None:
            self.error_args, self.error = {}, NO_CARD
            return
        self.holder = "person"
        self.id_number, self.card_number = card.id_number, card.id_number
        self.name = card.name or self.name  # a keyboard-type reader gives only the number

    def _card_failed(self, exc: Exception) -> bool:
        if isinstance(exc, CardError):
            self.error_args, self.error = {}, CARD_UNREADABLE
            return True
        return False

    def submit(self, done=lambda booking: None) -> None:
        payload = self.validate()
        if payload is None:
            return
        from_card = bool(self.card_number) and payload["id_number"] == self.card_number
        self.notice, self.notice_args = "", {}  # "code sent" is said; the confirmation's notice is its own
        self._key = self._key or f"kiosk-booking-{uuid.uuid4()}"
        key = self._key

        def booked(body: dict) -> None:
            # The server's centre, with the English address from the local catalogue (read now, once).
            centre = body.get("centre") or {}
            self.booked_centre = {**(self.services.catalogue.centre(centre.get("id", "")) or {}), **centre}
            self.booking = body
            self._key = None
            done(body)

        self.run(lambda: self.services.api.book(payload, key, from_card), booked, self._refused)

    def _refused(self, exc: Exception) -> bool:
        """Field errors go next to their fields; the message itself is shown by `fail`. (A refused
        request stored nothing under its key, so the same key may be used again.)"""
        if self.consent_refused(exc):
            return True
        if isinstance(exc, ApiError):
            shown = ("id_number", "name", "phone", "phone_code")
            self.errors = {k: error(text=v) for k, v in exc.fields.items() if k in shown}
            if exc.code == "phone_unconfirmed":
                self.code_needed = True
        return False

    # --- the confirmation ------------------------------------------------------------------------------

    def print_ticket(self) -> None:
        booking, centre = self.booking, self.booked_centre
        slot, guide = booking["slot"], self.guide
        bring = to_bring(guide)
        ticket = Ticket(
            kind="booking",
            title="预约凭证 Booking confirmation",
            code=booking["code"],
            lines=[
                " / ".join(filter(None, [booking["guide"]["name"], guide.get("name_en", "")])),
                f"{day_label(slot['start'], 'zh_Hans', year=True)} / {day_label(slot['start'], 'en', year=True)}",
                slot_label(slot),
                " / ".join(filter(None, [centre["name"], centre.get("name_en", "")])),
                centre.get("address", ""),
                centre.get("address_en", ""),
                f"{booking['name']} · {booking['id_number']}",
                *(["请携带 / Please bring:"] if bring else []),
                *(f"• {m['name']} / {m.get('name_en', '')}" for m in bring),
                "请凭预约码到窗口或自助终端签到 / Check in with this code at the kiosk or window",
            ],
            qr=booking["code"],
        )
        self.run(lambda: self.services.printer.print(ticket), self._printed, self._print_failed)

    def _printed(self, path) -> None:
        self.notice_args, self.notice = {}, PRINTED

    def _print_failed(self, exc: Exception) -> bool:
        self.notice_args, self.notice = {}, PRINT_FAILED
        return True

    def wipe(self) -> None:
        super().wipe()
        self.guide, self.centres, self.centre, self.days, self.day = {}, [], "", [], ""
        self.slots, self.slot, self.holders, self.holder = [], {}, [], "person"
        self.id_number = self.name = self.phone = self.phone_code = self.card_number = ""
        self.code_needed = False
        self.errors, self.booking, self.notice, self.notice_args = {}, {}, "", {}
        self.booked_centre = {}
        self._key = None


def to_bring(guide: dict) -> list[dict]:
    """The materials a citizen brings to the window: not those the government fetches or provides."""
    return [
        m
        for m in guide.get("materials") or []
        if not m.get("from_licence_library") and m.get("source", "applicant") != "government"
    ]
