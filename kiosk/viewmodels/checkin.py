"""Check-in: the booking code (typed, or read by a barcode scanner from the booking's QR code) → a
queue ticket for the booking's window. Needs the server; offline, the screen says whom to call."""

import uuid

from kivy.properties import DictProperty, StringProperty

from kiosk.i18n import N_
from kiosk.services.tickets import Ticket
from kiosk.viewmodels.base import ViewModel
from kiosk.viewmodels.forms import check_required

PRINT_FAILED = N_("The ticket could not be printed. Please note your number.")
PRINTED = N_("Please take your slip.")


class CheckInViewModel(ViewModel):
    code = StringProperty("")
    errors = DictProperty({})
    ticket = DictProperty({}, rebind=True)  # code, ticket, category, centre, booking
    notice = StringProperty("")

    def check_in(self) -> None:
        code = self.code.strip().upper()
        problem = check_required(code, N_("Please enter the booking code."))
        self.errors = {"code": problem} if problem else {}
        if problem:
            return
        key = f"kiosk-checkin-{uuid.uuid4()}"
        self.run(lambda: self.services.api.check_in(code, key), self._checked_in)

    def _checked_in(self, ticket: dict) -> None:
        self.ticket = ticket
        self.print_ticket()

    def print_ticket(self) -> None:
        ticket, booking = self.ticket, self.ticket["booking"]
        printed = Ticket(
            kind="queue",
            title="排队号 Queue number",
            code=ticket["ticket"],
            lines=[
                f"{ticket['category']} · {booking['guide']['name']}",
                f"{booking['centre']['name']}",
                f"预约码 Booking {ticket['code']}",
                f"前面还有 {ticket['ahead']} 人 / {ticket['ahead']} ahead of you",
                "请留意叫号屏 / Please watch the display for your number",
            ],
        )

        def failed(exc) -> bool:
            self.notice = PRINT_FAILED
            return True

        self.run(lambda: self.services.printer.print(printed), lambda path: setattr(self, "notice", PRINTED), failed)

    def wipe(self) -> None:
        super().wipe()
        self.code, self.errors, self.ticket, self.notice = "", {}, {}, ""
