"""Status lookup: a booking code, a server receipt or this kiosk's local receipt, with the ID number.

A local receipt is answered from the outbox (waiting / sent, with the server's receipt / refused); once
sent, the server's status is fetched too when the link allows. The ID number may be typed or read from the
card (then, with a code typed, the look-up goes at once). What was found may be changed from here
(kiosk/viewmodels/changes.py): a live booking cancelled or moved, a 容缺 application's material supplied.
"""

from kivy.properties import BooleanProperty, DictProperty, StringProperty

from kiosk.i18n import N_
from kiosk.services.api import ApiError, Unreachable
from kiosk.viewmodels.base import ViewModel
from kiosk.viewmodels.card import CardReading
from kiosk.viewmodels.forms import check_identifier, check_required

NOT_FOUND = N_("Nothing was found for this code and ID number. Please check both.")


class StatusViewModel(CardReading, ViewModel):
    code = StringProperty("")
    holder = StringProperty("person")  # whose identifier is typed: an ID number or a USCC
    id_number = StringProperty("")
    errors = DictProperty({})
    kind = StringProperty("")  # booking, application, local
    result = DictProperty({})  # the booking, the application, or the local entry (as a dict)
    remote = DictProperty({})  # for a sent local entry: the server's application, when reachable
    card_number = StringProperty("")  # the ID number as read from the card
    found_with = StringProperty("")  # the identifier the result was found with: a change sends it again
    found_by_card = BooleanProperty(False)
    notice = StringProperty("")  # msgid: what a change did (cancelled, moved, supplied)

    def lookup(self) -> None:
        code = self.code.strip().upper()
        identifier, problem = check_identifier(self.id_number, self.holder)
        errors = {"code": check_required(code, N_("Please enter the code.")), "id_number": problem}
        self.errors = {k: v for k, v in errors.items() if v}
        if self.errors:
            return
        self.kind = self.notice = ""
        self.result, self.remote = {}, {}
        self.found_with, self.found_by_card = identifier, self.from_card(identifier)
        services = self.services

        def find():
            entry = services.outbox.lookup(code, identifier)
            if entry is not None:
                remote = {}
                if entry.server_receipt:
                    try:
                        remote = services.api.application(entry.server_receipt, identifier)
                    except (Unreachable, ApiError):
                        remote = {}  # the local answer stands on its own
                return "local", _entry(entry), remote
            try:
                return "booking", services.api.booking(code, identifier), {}
            except ApiError as exc:
                if exc.status not in (400, 404):
                    raise
            try:
                return "application", services.api.application(code, identifier), {}
            except ApiError as exc:
                if exc.status in (400, 404, 405):
                    return "", {}, {}
                raise

        self.run(find, self._found)

    def took_card(self, card) -> None:
        self.holder = "person"
        if self.code.strip():
            self.lookup()

    def changed(self, kind: str, result: dict, notice: str) -> None:
        """A change went through: show the booking or application as it is now, and what was done."""
        self.kind, self.remote = "", {}
        self.result, self.notice = result, notice
        self.kind = kind

    def _found(self, found) -> None:
        kind, result, remote = found
        if not kind:
            self.error = NOT_FOUND
            return
        self.result, self.remote = result, remote
        self.kind = kind  # last: the screen renders when the kind is set

    def wipe(self) -> None:
        super().wipe()
        self.code = self.id_number = self.kind = self.card_number = self.found_with = self.notice = ""
        self.found_by_card = False
        self.holder = "person"
        self.errors, self.result, self.remote = {}, {}, {}


def _entry(entry) -> dict:
    return {
        "receipt": entry.receipt,
        "state": entry.state,
        "guide": entry.guide,
        "guide_name": entry.guide_name,
        "guide_name_en": entry.guide_name_en,
        "server_receipt": entry.server_receipt or "",
        "server_status": entry.server_status or "",
        "error": entry.last_error if entry.state == "rejected" else "",
        "created_at": entry.created_at,
    }
