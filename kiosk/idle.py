"""The idle reset: after `timeout` seconds without a touch or a key, a `countdown` of seconds shows;
a touch keeps the session, otherwise `on_reset` wipes it (every view-model with personal data) and
goes home. Nothing counts down while the kiosk already sits untouched at home."""

import time
from collections.abc import Callable

from kivy.clock import Clock
from kivy.core.window import Window
from kivy.event import EventDispatcher
from kivy.properties import BooleanProperty, NumericProperty

TICK = 0.25


class IdleWatcher(EventDispatcher):
    counting = BooleanProperty(False)
    remaining = NumericProperty(0)  # whole seconds left in the countdown

    def __init__(
        self,
        timeout: float,
        countdown: float,
        on_reset: Callable[[], None],
        at_rest: Callable[[], bool],
        working: Callable[[], bool] = lambda: False,
    ):
        """`working()`: the kiosk is busy for the citizen (a scan under way), who may stand there untouching."""
        super().__init__()
        self.timeout, self.countdown = timeout, countdown
        self.on_reset, self.at_rest, self.working = on_reset, at_rest, working
        self.last = time.monotonic()
        self._event = Clock.schedule_interval(self._tick, TICK)
        Window.bind(on_touch_down=self._activity, on_key_down=self._activity, on_textinput=self._activity)

    def _activity(self, *args) -> bool:
        self.touch()
        return False  # let the touch or key go on to the widgets

    def touch(self) -> None:
        self.last = time.monotonic()
        if self.counting:
            self.counting = False

    def _tick(self, dt) -> None:
        if self.working():
            self.touch()  # the time waiting for the scanner is not idle time
            return
        idle = time.monotonic() - self.last
        if idle < self.timeout or self.at_rest():
            self.counting = False
            return
        left = self.timeout + self.countdown - idle
        if left <= 0:
            self.counting = False
            self.last = time.monotonic()
            self.on_reset()
            return
        self.counting = True
        self.remaining = int(left + 0.999)

    def stop(self) -> None:
        self._event.cancel()
        Window.unbind(on_touch_down=self._activity, on_key_down=self._activity, on_textinput=self._activity)
