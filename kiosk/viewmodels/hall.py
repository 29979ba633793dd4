"""The service hall at the kiosk (docs/hall.md): a walk-in's queue ticket (取号), by the guide chosen or by
one of the seven window categories, with how many are ahead and the estimated wait, printed; and the helper
call (呼叫帮办), whose state the kiosk follows until someone has come. Both need the server."""

import uuid

from kivy.clock import Clock
from kivy.properties import DictProperty, StringProperty

from kiosk.i18n import N_
from kiosk.services.tickets import Ticket
from kiosk.viewmodels.base import ViewModel
from kiosk.viewmodels.checkin import PRINT_FAILED, PRINTED

NO_CENTRE = N_("This kiosk is not set up for a service centre, so it cannot give queue numbers.")
HELP_POLL_SECONDS = 3.0  # how often the kiosk asks whether someone is on the way


class TicketViewModel(ViewModel):
    category = StringProperty("")  # the window category (its Chinese name, as the catalogue has it)
    priority = StringProperty("")  # "", "disability" or "military": declared here, checked at the window
    ticket = DictProperty({}, rebind=True)  # the server's answer: ticket, category, ahead, estimated wait…
    notice = StringProperty("")

    def toggle_priority(self, value: str) -> None:
        self.priority = "" if self.priority == value else value

    def take(self, category: str) -> None:
        """Take a ticket in `category`'s queue at this kiosk's centre (once per journey)."""
        if self.busy or self.ticket:
            return
        self.category = category
        centre = self.services.settings.centre
        if not centre:
            self.error = NO_CENTRE
            return
        key = f"kiosk-ticket-{uuid.uuid4()}"  # one key for this request and each retry of it
        priority = self.priority
        self.run(lambda: self.services.api.take_ticket(centre, category, priority, key), self._taken)

    def _taken(self, ticket: dict) -> None:
        self.ticket = ticket
        self.print_ticket()

    def print_ticket(self) -> None:
        ticket = self.ticket
        centre = self.services.catalogue.centre(ticket["centre"]) or {}
        wait = ticket.get("estimated_wait_minutes")
        lines = [
            ticket["category"],
            centre.get("name", ticket["centre"]),
            f"前面还有 {ticket['ahead']} 人 / {ticket['ahead']} ahead of you",
        ]
        if wait is not None:
            lines.append(f"预计等候约 {wait} 分钟 / about {wait} min")
        lines.append("请留意叫号屏 / Please watch the display for your number")
        printed = Ticket(kind="queue", title="排队号 Queue number", code=ticket["ticket"], lines=lines)

        def failed(exc) -> bool:
            self.notice = PRINT_FAILED
            return True

        self.run(lambda: self.services.printer.print(printed), lambda path: setattr(self, "notice", PRINTED), failed)

    def wipe(self) -> None:
        super().wipe()
        self.category, self.priority, self.ticket, self.notice = "", "", {}, ""


class HelpViewModel(ViewModel):
    """One help request per journey: asked from whichever screen the citizen was on, then followed."""

    request = DictProperty({}, rebind=True)  # id, status, message, message_en, phone

    def __init__(self, services, **kwargs):
        super().__init__(services, **kwargs)
        self._poll = None

    def ask(self, screen: str) -> None:
        if self.busy:
            return
        if self.request and self.request.get("status") != "closed":
            self.refresh()
            return
        key = f"kiosk-help-{uuid.uuid4()}"
        self.run(lambda: self.services.api.ask_help(screen, key), self._answered)

    def _answered(self, request: dict) -> None:
        self.request = request
        if request.get("status") == "closed":
            self._stop()
        elif self._poll is None:
            self._poll = Clock.schedule_interval(lambda dt: self.refresh(), HELP_POLL_SECONDS)

    def refresh(self) -> None:
        """Ask the server how the request stands (quietly: a lost poll is tried again next time)."""
        if not self.request or self.busy:
            return
        request_id = self.request["id"]
        self.run(lambda: self.services.api.help_request(request_id), self._answered, lambda exc: True)

    def _stop(self) -> None:
        if self._poll is not None:
            self._poll.cancel()
            self._poll = None

    def wipe(self) -> None:
        super().wipe()
        self._stop()
        self.request = {}
