"""Status lookup: a booking code, a server receipt or this kiosk's local receipt, with the ID number.

A local receipt is answered from the outbox (waiting / sent, with the server's receipt / refused); once
sent, the server's status is fetched too when the link allows.
"""

from kivy.properties import DictProperty, StringProperty

from kiosk.i18n import N_
from kiosk.services.api import ApiError, Unreachable
from kiosk.viewmodels.base import ViewModel
from kiosk.viewmodels.forms import check_identifier, check_required

NOT_FOUND = N_("Nothing was found for this code and ID number. Please check both.")


class StatusViewModel(ViewModel):
    code = StringProperty("")
    holder = StringProperty("person")  # whose identifier is typed: an ID number or a USCC
    id_number = StringProperty("")
    errors = DictProperty({})
    kind = StringProperty("")  # booking, application, local
    result = DictProperty({})  # the booking, the application, or the local entry (as a dict)
    remote = DictProperty({})  # for a sent local entry: the server's application, when reachable

    def lookup(self) -> None:
        code = self.code.strip().upper()
        identifier, problem = check_identifier(self.id_number, self.holder)
        errors = {"code": check_required(code, N_("Please enter the code.")), "id_number": problem}
        self.errors = {k: v for k, v in errors.items() if v}
        if self.errors:
            return
        self.kind = ""
        self.result, self.remote = {}, {}
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

    def _found(self, found) -> None:
        kind, result, remote = found
        if not kind:
            self.error = NOT_FOUND
            return
        self.result, self.remote = result, remote
        self.kind = kind  # last: the screen renders when the kind is set

    def wipe(self) -> None:
        super().wipe()
        self.code = self.id_number = self.kind = ""
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
