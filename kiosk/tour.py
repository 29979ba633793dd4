"""`python -m kiosk --screenshot-tour DIR`: every screen, in Chinese and in English, as PNG files.

The tour runs the real app on a scratch copy of the kiosk's data folder (catalogue and index; a fresh,
empty outbox), so it never touches the kiosk's own outbox and never writes to the CMS: slots are read
live when the CMS is reachable, the booking confirmation shows a sample booking, the application goes
into the scratch outbox (and stays there: nothing is sent). With an empty catalogue it syncs first.
"""

import datetime as dt
import logging
import shutil
import tempfile
from pathlib import Path

from kiosk.settings import LANGUAGES

log = logging.getLogger(__name__)

SAMPLE = {"name": "张三", "name_en": "Zhang San", "phone": "13800000000", "company": "平湖示范科技有限公司"}
SAMPLE_USCC = "91330482MA2B3C4D5Y"
SAMPLE_TICKET = {
    "ticket": "F012",
    "category": "公安服务",
    "centre": "city",
    "priority": "",
    "ahead": 3,
    "estimated_wait_minutes": 12,
}
SAMPLE_HELP = {
    "id": 0,
    "status": "waiting",
    "message": "已通知工作人员，请稍候",
    "message_en": "staff have been told; please wait",
}
SEARCHES = {"zh_Hans": "身份证", "en": "passport"}
TIMEOUT = 20.0  # seconds a step may wait for the CMS or the index


def sample_id_number() -> str:
    """A valid-looking resident ID number that belongs to nobody real enough to matter (born 1990-01-01)."""
    from stdnum.cn import ric

    body = "33048219900101123"
    return body + ric.calc_check_digit(body + "0")


def sample_scan(path: Path) -> None:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (400, 560), "white")
    ImageDraw.Draw(image).rectangle((30, 30, 370, 530), outline="black", width=4)
    image.save(path, format="PNG")


def _scratch(settings, directory: Path):
    for name in ("catalogue.sqlite3", "pinyin-lexicon.json"):
        if (settings.data_dir / name).exists():
            shutil.copy2(settings.data_dir / name, directory / name)
    if (settings.data_dir / "search-index").is_dir():
        shutil.copytree(
            settings.data_dir / "search-index", directory / "search-index", ignore=shutil.ignore_patterns("*.lock")
        )
    return settings.model_copy(
        update={
            "data_dir": directory,
            "scanner_dir": directory / "scans",
            "print_command": "",
            "idle_timeout": 3600.0,
            "fullscreen": False,  # a window of the settings' size (a kiosk's screen: 1920×1080 by default)
        }
    )


def run_tour(settings, font: Path, out: str) -> int:
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kiosk-tour-") as scratch:
        tour_settings = _scratch(settings, Path(scratch))
        from kiosk import fonts
        from kiosk.__main__ import configure_kivy

        configure_kivy(tour_settings)
        fonts.register(font)
        from kivy.clock import Clock

        from kiosk.app import KioskApp

        app = KioskApp(tour_settings, font, background=False)
        tour = Tour(app, out_dir)
        Clock.schedule_once(lambda dt: tour.start(), 0)
        app.run()
        if tour.failure:
            print(f"kiosk: screenshot tour failed: {tour.failure}")
            return 1
        print(f"kiosk: {len(tour.shots)} screenshots in {out_dir}")
        for shot in tour.shots:
            print(f"  {shot}")
        return 0


class Tour:
    """Drives the app screen by screen; each step is a generator that yields until its screen is ready."""

    def __init__(self, app, out_dir: Path):
        self.app, self.out_dir = app, out_dir
        self.shots: list[str] = []
        self.failure = ""
        self._steps = None
        self._wait = None

    def start(self) -> None:
        from kivy.clock import Clock

        self._steps = self.steps()
        self._event = Clock.schedule_interval(self._advance, 0)

    def _advance(self, dt) -> None:
        if self._wait is not None:
            condition, deadline = self._wait
            if not condition() and _now() < deadline:
                return
            self._wait = None
        try:
            self._wait = next(self._steps)
        except StopIteration:
            self._event.cancel()
            self.app.stop()
        except Exception as exc:
            log.exception("screenshot tour")
            self.failure = repr(exc)
            self._event.cancel()
            self.app.stop()

    def until(self, condition, timeout: float = TIMEOUT):
        return condition, _now() + timeout

    def frames(self, n: int = 8):
        # Nested wrapping labels settle their heights over several frames (more after a language switch).
        counter = iter(range(n))
        return (lambda: next(counter, None) is None), _now() + TIMEOUT

    def shot(self, lang: str, name: str) -> None:
        from PIL import Image

        path = self.out_dir / f"{name}-{'zh' if lang == 'zh_Hans' else 'en'}.png"
        self.app.root.export_to_png(str(path))
        # The background is the window's clear colour, which an exported widget does not have.
        drawn = Image.open(path).convert("RGBA")
        background = Image.new("RGBA", drawn.size, tuple(round(c * 255) for c in self.app.theme.bg))
        Image.alpha_composite(background, drawn).convert("RGB").save(path, optimize=True)
        self.shots.append(path.name)

    def steps(self):
        from kiosk.i18n import tr

        app = self.app
        services = app.services
        if not services.catalogue.synced:
            services.syncer.sync_once()
            if not services.catalogue.synced:
                raise RuntimeError(
                    "the catalogue is empty and the CMS unreachable: start the CMS, or run the kiosk once"
                )
        services.search.reconcile()
        services.ime.load(services.catalogue_words())
        search, booking, apply, status = (app.vms[k] for k in ("search", "booking", "apply", "status"))
        code = self._guide_code()
        for lang in LANGUAGES:
            app.reset_session()
            tr.lang = lang
            yield self.frames()
            self.shot(lang, "01-home")

            app.open_search()
            search.query = SEARCHES[lang]
            yield self.until(lambda: search.rows)
            yield self.frames()
            self.shot(lang, "02-search")

            app.keyboard.mode = "zh"
            app.keyboard.set_composing("shenfenzheng")
            search.query = ""
            yield self.frames()
            self.shot(lang, "03-search-pinyin-keyboard")
            app.keyboard.set_composing("")

            app.browse("公安服务")
            yield self.until(lambda: search.rows)
            yield self.frames()
            self.shot(lang, "04-category")

            app.open_guide(code)
            yield self.frames()
            self.shot(lang, "05-guide")

            app.start_booking()
            yield self.until(lambda: not booking.busy)
            yield self.frames()
            self.shot(lang, "06-booking-slots")

            slot = booking.slots[0] if booking.slots else _slot_shape(booking)
            app.choose_slot(slot)
            booking.id_number, booking.name, booking.phone = sample_id_number(), SAMPLE["name"], SAMPLE["phone"]
            yield self.frames()
            self.shot(lang, "07-booking-details")

            app.theme.large = True
            app.screen_named("booking_form").activate(app.screen_named("booking_form").ids.name)
            yield self.frames()
            self.shot(lang, "07b-booking-details-large-keyboard")
            app.theme.reset()

            form = app.screen_named("booking_form")
            form.set_holder("company")
            booking.id_number = SAMPLE_USCC
            booking.name = SAMPLE["company"]
            yield self.frames()
            self.shot(lang, "07c-company-booking")
            form.set_holder("person")
            booking.id_number, booking.name = sample_id_number(), SAMPLE["name"]

            booking.booked_centre = next((c for c in booking.centres if c["id"] == booking.centre), {})
            booking.booking = _sample_booking(booking, slot)
            app.show("booking_done")
            yield self.frames()
            self.shot(lang, "08-booking-confirmation")

            app.open_guide(code)
            app.start_application()
            apply.name, apply.id_number, apply.phone = SAMPLE["name"], sample_id_number(), SAMPLE["phone"]
            first = next((r for r in apply.materials if r["kind"] == "scan"), None)
            if first is not None:
                apply.scan(first["index"])
                sample_scan(services.settings.scans / "page.png")
                yield self.until(lambda: apply.scanning < 0)
            app.screen_named("apply").activate(None)
            yield self.frames()
            self.shot(lang, "09-apply")

            apply.submit()
            yield self.until(lambda: apply.entry is not None or apply.errors)
            if apply.entry is not None:
                app.show("apply_done")
            yield self.frames()
            self.shot(lang, "10-apply-receipt")

            receipt = apply.entry.receipt if apply.entry is not None else ""
            app.show("status")
            status.code, status.id_number = receipt, sample_id_number()
            status.lookup()
            yield self.until(lambda: not status.busy)
            yield self.frames()
            self.shot(lang, "11-status")

            app.show("checkin")
            app.vms["checkin"].code = "SAMPLE01"
            yield self.frames()
            self.shot(lang, "12-check-in")

            # The hall: a walk-in's queue number and the help call, with sample answers (the tour takes no
            # number and calls nobody).
            app.open_ticket()
            yield self.frames()
            self.shot(lang, "12c-queue-number-windows")
            app.vms["ticket"].ticket = SAMPLE_TICKET
            yield self.frames()
            self.shot(lang, "12d-queue-number")
            app.show("help")
            app.vms["help"].request = SAMPLE_HELP
            yield self.frames()
            self.shot(lang, "12e-call-for-help")

            app.go_home()  # Done: the journey ends; the next citizen's status screen is empty
            app.show("status")
            yield self.frames()
            self.shot(lang, "12b-status-after-done")

            app.open_guide(code)
            app.theme.large = True
            app.theme.contrast = True
            yield self.frames()
            self.shot(lang, "13-guide-large-contrast")
            app.theme.reset()

            app.idle.counting, app.idle.remaining = True, 7
            yield self.frames()
            self.shot(lang, "14-idle-countdown")
            app.idle.counting = False

    def _guide_code(self) -> str:
        """A guide with materials to scan, appointments and online application (the demo's ID card guide)."""
        catalogue = self.app.services.catalogue
        preferred = catalogue.guide("330482-GA-001")
        if preferred is not None:
            return preferred["code"]
        for summary in catalogue.guides():
            guide = catalogue.guide(summary["code"])
            channels = guide.get("channels") or {}
            if channels.get("appointment") and channels.get("online") and guide.get("materials"):
                return guide["code"]
        return catalogue.guides()[0]["code"]


def _now() -> float:
    import time

    return time.monotonic()


def _slot_shape(booking) -> dict:
    """A slot for the details screen when the CMS is unreachable (the screen shows its time only)."""
    day = booking.day or (dt.date.today() + dt.timedelta(days=1)).isoformat()
    return {
        "id": 0,
        "centre": booking.centre,
        "start": f"{day}T09:00:00+08:00",
        "end": f"{day}T09:30:00+08:00",
        "remaining": 1,
    }


def _sample_booking(booking, slot: dict) -> dict:
    """The confirmation's data in the API's shape, with a sample code: the tour books nothing."""
    centre = next(
        (c for c in booking.centres if c["id"] == booking.centre), {"id": "", "name": "", "name_en": "", "address": ""}
    )
    return {
        "code": "SAMPLE01",
        "status": "booked",
        "slot": slot,
        "guide": {"code": booking.guide["code"], "name": booking.guide["name"]},
        "centre": {k: centre.get(k, "") for k in ("id", "name", "name_en", "address")},
        "name": SAMPLE["name"][0] + "*",
        "phone": "138****0000",
        "id_number": "330482********" + sample_id_number()[-4:],
    }
