"""The kiosk application: services, view-models and screens wired together, navigation, the idle reset."""

import fcntl
import importlib
import logging
import time
from pathlib import Path

from kivy.app import App
from kivy.clock import Clock, mainthread
from kivy.core.window import Window
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty

from kiosk.i18n import tr
from kiosk.idle import IdleWatcher
from kiosk.services import Services, open_services
from kiosk.services.idcard import KeyboardReader
from kiosk.services.speech import EspeakSpeaker
from kiosk.services.sync import Changed
from kiosk.settings import Settings
from kiosk.theme import Theme
from kiosk.viewmodels.changes import CANCELLED, MOVED, SUPPLIED, awaiting_supplement
from kiosk.viewmodels.spoken import spoken_text

log = logging.getLogger(__name__)

# name → (module in kiosk.screens, class, view-model)
SCREENS = {
    "home": ("home", "HomeScreen", None),
    "search": ("search", "SearchScreen", "search"),
    "guide": ("guide", "GuideScreen", "guide"),
    "booking": ("booking", "BookingScreen", "booking"),
    "booking_form": ("booking", "BookingFormScreen", "booking"),
    "booking_done": ("booking", "BookingDoneScreen", "booking"),
    "apply": ("apply", "ApplyScreen", "apply"),
    "apply_done": ("apply", "ApplyDoneScreen", "apply"),
    "status": ("status", "StatusScreen", "status"),
    "checkin": ("checkin", "CheckInScreen", "checkin"),
    "cancel": ("changes", "CancelScreen", "cancel"),
    "reschedule": ("changes", "RescheduleScreen", "reschedule"),
    "supplement": ("changes", "SupplementScreen", "supplement"),
    "ticket": ("hall", "TicketScreen", "ticket"),
    "help": ("hall", "HelpScreen", "help"),
}
START_SERVICES_AFTER = 0.3  # seconds after start-up: first draw home and let it take touches
BUILD_SCREENS_AFTER = 1.0
# The screens with a "Read ID card" button → their view-model, which takes a keyboard-type reader's card too.
CARD_FORMS = {"booking_form": "booking", "status": "status"}
# Back from a confirmation must not lead into the filled-in form: it goes home.
DONE_SCREENS = {"booking_done", "apply_done"}


class AlreadyRunning(Exception):
    """Another kiosk process uses the same data folder (and so the same outbox)."""


class KioskApp(App):
    theme = ObjectProperty(None)
    services = ObjectProperty(None, allownone=True)
    screen = StringProperty("home")
    pad = StringProperty("")  # the input the current field needs: "keyboard", "numpad" or ""
    can_go_back = BooleanProperty(False)
    online = BooleanProperty(True)
    pending = NumericProperty(0)  # applications waiting in the outbox
    centre_name = StringProperty("")
    centre_name_en = StringProperty("")
    idle_counting = BooleanProperty(False)
    speaking = BooleanProperty(False)
    spoken = StringProperty("")  # what was last read aloud
    idle_remaining = NumericProperty(0)

    def __init__(self, settings: Settings, font: Path, background: bool = True, **kwargs):
        """`background` False: no sync and no outbox sending (the screenshot tour)."""
        super().__init__(**kwargs)
        self.settings, self.font, self.background = settings, font, background
        self.title = "OneTrip kiosk · 最多跑一次"
        self.history: list[str] = []
        self.vms: dict = {}
        self._lock_file = None
        self.speaker = EspeakSpeaker(wav=settings.speech_wav)

    # --- building --------------------------------------------------------------------------------------

    def build(self):
        self._lock_data_dir()
        self.theme = Theme()
        # The background is the window's clear colour, not a rectangle drawn over it on every frame.
        Window.clearcolor = self.theme.bg
        self.theme.bind(bg=lambda theme, bg: setattr(Window, "clearcolor", bg))
        tr.lang = self.settings.language
        self.services = open_services(
            self.settings,
            self.font,
            on_change=mainthread(self._catalogue_changed),
            on_online=mainthread(self._online_changed),
            on_sent=mainthread(self._outbox_changed),
        )
        from kiosk.shell import Shell
        from kiosk.viewmodels.apply import ApplyViewModel
        from kiosk.viewmodels.booking import BookingViewModel
        from kiosk.viewmodels.changes import CancelViewModel, RescheduleViewModel, SupplementViewModel
        from kiosk.viewmodels.checkin import CheckInViewModel
        from kiosk.viewmodels.guide import GuideViewModel
        from kiosk.viewmodels.hall import HelpViewModel, TicketViewModel
        from kiosk.viewmodels.search import SearchViewModel
        from kiosk.viewmodels.status import StatusViewModel
        from kiosk.widgets import numpad  # noqa: F401 — importing registers the widget and its kv rules
        from kiosk.widgets.keyboard import route_physical_keys

        s = self.services
        self.vms = {
            "search": SearchViewModel(s),
            "guide": GuideViewModel(s),
            "booking": BookingViewModel(s),
            "apply": ApplyViewModel(s),
            "status": StatusViewModel(s),
            "checkin": CheckInViewModel(s),
            "cancel": CancelViewModel(s),
            "reschedule": RescheduleViewModel(s),
            "supplement": SupplementViewModel(s),
            "ticket": TicketViewModel(s),
            "help": HelpViewModel(s),
        }
        root = Shell()
        self.manager = root.ids.screens
        self.keyboard, self.numpad = root.ids.keyboard, root.ids.numpad
        self.screen_named("home")
        self.manager.current = "home"
        route_physical_keys(self._typed_field, self.pad_enter)
        if isinstance(s.card_reader, KeyboardReader):
            self._watch_keyboard_reader(s.card_reader)  # bound after the keys' route, so it hears them first
        self.idle = IdleWatcher(
            self.settings.idle_timeout,
            self.settings.idle_countdown,
            on_reset=self.reset_session,
            at_rest=self.at_rest,
            working=lambda: self.vms["apply"].scanning >= 0 or self.vms["supplement"].scanning >= 0,
        )
        self.idle.bind(counting=self.setter("idle_counting"), remaining=self.setter("idle_remaining"))
        return root

    def _lock_data_dir(self) -> None:
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        self._lock_file = (self.settings.data_dir / "kiosk.lock").open("w")
        try:
            fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock_file.close()
            self._lock_file = None
            raise AlreadyRunning(f"another kiosk is running with the data folder {self.settings.data_dir}") from None

    def on_start(self) -> None:
        services: Services = self.services
        centre = services.catalogue.centre(self.settings.centre) if self.settings.centre else None
        self.centre_name = (centre or {}).get("name", "")
        self.centre_name_en = (centre or {}).get("name_en", "")
        self.pending = services.outbox.pending_count()
        self.screen_named("home").refresh()
        if self.background:
            # After the first frames: the sync's first round loads the search engine, which would delay them.
            Clock.schedule_once(lambda dt: services.start(), START_SERVICES_AFTER)
        Clock.schedule_once(self._build_next_screen, BUILD_SCREENS_AFTER)

    def _build_next_screen(self, *args) -> None:
        """The other screens are built after home is up, one per frame, so start-up stays short."""
        missing = [name for name in SCREENS if not self.manager.has_screen(name)]
        if missing and self.services is not None:
            self.screen_named(missing[0])
            Clock.schedule_once(self._build_next_screen, 0)

    def on_stop(self) -> None:
        self.shutdown()

    def shutdown(self) -> None:
        """Stop the threads and close the stores (also used by tests, which keep the window)."""
        if self.services is None:
            return
        self.idle.stop()
        self.speaker.stop()
        self.vms["search"].close()
        self.vms["help"].wipe()  # stops following a help request
        self.services.stop()
        self.services = None
        if self._lock_file is not None:
            self._lock_file.close()
            self._lock_file = None

    # --- what the services report (on the screen's thread) ---------------------------------------------

    def _catalogue_changed(self, changed: Changed) -> None:
        if self.services is None:
            return
        self.screen_named("home").refresh()
        self.vms["search"].refresh()
        self.vms["guide"].changed(changed.guides, changed.centres)
        if changed.centres and self.settings.centre:
            centre = self.services.catalogue.centre(self.settings.centre) or {}
            self.centre_name, self.centre_name_en = centre.get("name", ""), centre.get("name_en", "")
        services = self.services
        services.pool.submit(lambda: services.ime.add_catalogue(services.catalogue_words()))

    def _online_changed(self, online: bool) -> None:
        self.online = online
        if online and self.services is not None:
            self.services.sender.resume()

    def _outbox_changed(self, entry) -> None:
        if self.services is None:
            return
        self.pending = self.services.outbox.pending_count()
        self.vms["apply"].refresh_entry()

    def status_text(self, lang: str, online: bool, pending: int, centre: str, centre_en: str) -> str:
        parts = [tr.pick(centre, centre_en)] if centre else []
        parts.append(tr._("Online") if online else tr._("Offline: search works, applications are kept and sent later"))
        if pending:
            parts.append(tr._("{count} applications waiting to be sent").format(count=pending))
        return " · ".join(parts)

    # --- navigation ------------------------------------------------------------------------------------

    def screen_named(self, name: str):
        """The screen (built on first use: its module loads its kv rules)."""
        if not self.manager.has_screen(name):
            module_name, class_name, vm = SCREENS[name]
            cls = getattr(importlib.import_module(f"kiosk.screens.{module_name}"), class_name)
            self.manager.add_widget(cls(vm=self.vms[vm]) if vm else cls())
        return self.manager.get_screen(name)

    def connect_pads(self, field) -> None:
        """The shell's keyboard or number pad types into `field` (None: both put away)."""
        self.pad = field.pad if field is not None else ""
        self.numpad.target = field if self.pad == "numpad" else None
        if self.pad == "keyboard":
            self.keyboard.serve(field)
        else:
            self.keyboard.target = None
        if self.pad == "numpad":
            self.numpad.allow_x = "X" in field.allowed

    def _typed_field(self):
        """Where a physical keyboard or scanner types: the open screen's field (none once switched off)."""
        if self.services is None or self.manager is None:
            return None
        return self.manager.current_screen.active_field

    def _watch_keyboard_reader(self, reader: KeyboardReader) -> None:
        """A keyboard-type card reader types the number and Enter: on that Enter a form with the card button takes
        the card."""

        def textinput(window, text):
            reader.key(text, time.monotonic())
            return False  # the characters still go where typing goes

        def key_down(window, key, scancode, codepoint, modifiers):
            if key in (13, 271) and reader.key("\r", time.monotonic()):
                vm = CARD_FORMS.get(self.manager.current)
                if vm:
                    self.vms[vm].read_card()
                return True
            return False

        Window.bind(on_textinput=textinput, on_key_down=key_down)

    def pad_enter(self) -> None:
        self.manager.current_screen.pad_enter()

    def show(self, name: str) -> None:
        if name == self.manager.current:
            return
        if name in DONE_SCREENS or self.manager.current in DONE_SCREENS:
            self.history = ["home"]
        else:
            self.history.append(self.manager.current)
        self._go(name)

    def _go(self, name: str) -> None:
        self.speaker.stop()  # the words were for the screen being left
        screen = self.screen_named(name)
        self.manager.current = name
        self.screen = name
        self.can_go_back = bool(self.history) and name != "home"
        self.connect_pads(screen.active_field)

    def back(self) -> None:
        if not self.history:
            return
        target = self.history.pop()
        if target == "home":
            self.go_home()
        else:
            self._go(target)

    def go_home(self) -> None:
        """Done, Home, or back to home: the journey ends, and with it everything the citizen entered or was
        shown (the next one at the kiosk must find nothing). Language and look stay for the citizen still
        standing here; the idle reset puts those back too."""
        for vm in self.vms.values():
            vm.wipe()
        for screen in self.manager.screens:
            screen.reset()
        self.keyboard.reset()
        if isinstance(self.services.card_reader, KeyboardReader):
            self.services.card_reader.forget()
        self.history = []
        self._go("home")

    def next_field(self, screen) -> None:
        """Enter on a pad: on to the next empty field of the form."""
        fields = [f for f in _fields(screen) if f.opacity > 0]
        current = screen.active_field
        later = fields[fields.index(current) + 1 :] if current in fields else fields
        target = next((f for f in later if not f.text), None)
        screen.activate(target)

    # --- the flows -------------------------------------------------------------------------------------

    def open_search(self) -> None:
        self.vms["search"].category = ""
        self.show("search")

    def browse(self, category: str) -> None:
        self.vms["search"].browse(category)
        self.show("search")

    def open_guide(self, code: str) -> None:
        self.vms["guide"].open(code)
        self.show("guide")
        self.screen_named("guide").ids.scroll.scroll_y = 1

    def start_booking(self) -> None:
        self.vms["booking"].start(self.vms["guide"].guide)
        self.show("booking")

    def choose_slot(self, slot: dict) -> None:
        self.vms["booking"].choose_slot(slot)
        self.show("booking_form")

    def submit_booking(self) -> None:
        self.vms["booking"].submit(done=lambda booking: self.show("booking_done"))

    def start_application(self) -> None:
        self.vms["apply"].start(self.vms["guide"].guide)
        self.show("apply")
        self.screen_named("apply").ids.scroll.scroll_y = 1

    def submit_application(self) -> None:
        def queued(entry) -> None:
            self.pending = self.services.outbox.pending_count()
            self.show("apply_done")

        self.vms["apply"].submit(done=queued)

    # --- changes to what was found on the status screen ------------------------------------------------

    def manage_booking(self) -> None:
        """From check-in: find the booking (its code carried over) to change or cancel it."""
        self.vms["status"].code = self.vms["checkin"].code
        self.show("status")

    def start_cancel(self) -> None:
        status = self.vms["status"]
        self.vms["cancel"].open(status.result, status.found_with, status.found_by_card)
        self.show("cancel")

    def confirm_cancel(self) -> None:
        self.vms["cancel"].cancel(done=lambda booking: self._changed("booking", booking, CANCELLED))

    def start_reschedule(self) -> None:
        status = self.vms["status"]
        self.vms["reschedule"].open(status.result, status.found_with, status.found_by_card)
        self.show("reschedule")

    def confirm_reschedule(self) -> None:
        self.vms["reschedule"].reschedule(done=lambda booking: self._changed("booking", booking, MOVED))

    def start_supplement(self) -> None:
        status = self.vms["status"]
        application = awaiting_supplement(status.kind, status.result, status.remote)
        self.vms["supplement"].open(application, status.found_with, status.found_by_card)
        self.show("supplement")
        self.screen_named("supplement").ids.scroll.scroll_y = 1

    def send_supplement(self) -> None:
        self.vms["supplement"].send(done=lambda application: self._changed("application", application, SUPPLIED))

    def _changed(self, kind: str, result: dict, notice: str) -> None:
        """Done: the status screen shows the booking or application as it is now; back from there goes home."""
        self.vms["status"].changed(kind, result, notice)
        for name in ("cancel", "reschedule", "supplement"):
            self.vms[name].wipe()
        self.history = ["home"]
        self._go("status")

    def open_ticket(self, category: str = "") -> None:
        """A walk-in's queue number: by the guide's window category if given, else the citizen picks one."""
        vm = self.vms["ticket"]
        vm.wipe()  # each visit starts afresh: no number of the last citizen
        self.show("ticket")
        if category:
            vm.take(category)

    def call_help(self) -> None:
        """呼叫帮办 from any screen: the centre's volunteers are told which kiosk and screen."""
        self.vms["help"].ask(self.manager.current)
        self.show("help")

    def switch_language(self) -> None:
        tr.lang = "en" if tr.lang == "zh_Hans" else "zh_Hans"

    # --- the idle reset --------------------------------------------------------------------------------

    def idle_touch(self) -> None:
        self.idle.touch()

    def at_rest(self) -> bool:
        """Nothing to clear: home, the default language and look, no search typed."""
        return (
            self.manager.current == "home"
            and tr.lang == self.settings.language
            and not self.theme.large
            and not self.theme.contrast
            and not self.vms["search"].query
        )

    def read_aloud(self) -> None:
        """Read the current screen's safe parts aloud, or stop reading."""
        if self.speaking:
            self.speaker.stop()
            return
        self.spoken = spoken_text(self.screen, self.vms)
        self.speaking = True
        self.speaker.say(self.spoken, tr.lang, done=mainthread(lambda: setattr(self, "speaking", False)))

    def reset_session(self) -> None:
        """The citizen has gone: the journey ends, and language and look go back to the defaults."""
        self.speaker.stop()
        tr.lang = self.settings.language
        self.theme.reset()
        self.go_home()
        log.info("idle: session cleared")


def _fields(screen) -> list:
    from kiosk.widgets import KField

    found = [w for w in screen.walk(restrict=True) if isinstance(w, KField)]
    return found
