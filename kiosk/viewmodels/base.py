"""What every view-model shares: background calls whose results come back on the screen's thread, the
message to show when one fails, and `wipe()`, which the end of a journey (Done, Home, the idle reset)
calls on every view-model."""

import logging
from collections.abc import Callable

from kivy.clock import Clock
from kivy.event import EventDispatcher
from kivy.properties import BooleanProperty, DictProperty, StringProperty

from kiosk.i18n import N_
from kiosk.services import Services
from kiosk.services.api import ApiError, Unreachable

log = logging.getLogger(__name__)

OFFLINE = N_("The service cannot be reached right now. Please try again later, or call {phone}.")
FAILED = N_("Something went wrong. Please try again, or ask the staff for help.")


class ViewModel(EventDispatcher):
    busy = BooleanProperty(False)
    offline = BooleanProperty(False)  # the last call could not reach the server
    error = StringProperty("")  # a msgid, formatted with error_args
    error_args = DictProperty({})
    server_error = StringProperty("")  # the server's own message ("中文 / English")

    def __init__(self, services: Services, **kwargs):
        super().__init__(**kwargs)
        self.services = services
        self._generation = 0

    def run(self, work: Callable, done: Callable, failed: Callable | None = None) -> None:
        """Run `work()` on the pool; then `done(result)` or `failed(exc)` here, unless wiped meanwhile (a
        late answer must not bring back the personal data of someone who has left)."""
        generation = self._generation
        self.busy = True
        self.clear_errors()

        def background():
            try:
                result, ok = work(), True
            except Exception as exc:
                result, ok = exc, False
            Clock.schedule_once(lambda dt: self._finish(generation, ok, result, done, failed))

        self.services.pool.submit(background)

    def _finish(self, generation, ok, result, done, failed) -> None:
        if generation != self._generation:
            return
        self.busy = False
        if ok:
            done(result)
        elif failed is None or not failed(result):
            self.fail(result)

    def fail(self, exc: Exception, guide: dict | None = None) -> None:
        if isinstance(exc, Unreachable):
            self.offline = True
            self.error_args, self.error = {"phone": self.services.phone(guide)}, OFFLINE  # arguments first
        elif isinstance(exc, ApiError):
            self.server_error = exc.message
        else:
            log.error("unexpected failure in %s", type(self).__name__, exc_info=exc)
            self.error = FAILED

    def clear_errors(self) -> None:
        self.offline = False
        self.error, self.error_args, self.server_error = "", {}, ""  # message first

    def wipe(self) -> None:
        """Forget everything about the current citizen; subclasses clear their own fields too."""
        self._generation += 1
        self.busy = False
        self.clear_errors()
