"""`python -m kiosk`: run the kiosk.

python -m kiosk [--config FILE]                   # settings: the file, then KIOSK_* variables, CMS_URL
python -m kiosk --screenshot-tour DIR             # every screen in both languages, as PNG files
python -m kiosk --check                           # start, print the time to an interactive home, exit
"""

import argparse
import logging
import sys
import time

STARTED = time.perf_counter()


def configure_kivy(settings) -> None:
    """Window and input settings; must run before Kivy's window exists."""
    from kivy.config import Config

    Config.set("graphics", "width", str(settings.width))
    Config.set("graphics", "height", str(settings.height))
    Config.set("graphics", "fullscreen", "auto" if settings.fullscreen else "0")
    Config.set("graphics", "resizable", "0" if settings.fullscreen else "1")
    Config.set("graphics", "multisamples", str(settings.multisamples))
    Config.set("kivy", "exit_on_escape", "0")  # a citizen must not be able to close the kiosk
    Config.set("kivy", "keyboard_mode", "system")  # our own keyboard, never Kivy's virtual one
    # Touch comes through SDL2 (finger events): no probing of /dev/input, which needs libmtdev.
    if Config.has_option("input", "%(name)s"):
        Config.remove_option("input", "%(name)s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kiosk", description="The OneTrip self-service kiosk.")
    parser.add_argument("--config", help="settings file (TOML); default $KIOSK_CONFIG, then the environment only")
    parser.add_argument("--screenshot-tour", metavar="DIR", help="render every screen in both languages to DIR")
    parser.add_argument("--check", action="store_true", help="start, report the time to an interactive home, exit")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("kivy").setLevel(logging.WARNING)

    from kiosk import fonts
    from kiosk.settings import SettingsError, load

    try:
        settings = load(args.config)
    except SettingsError as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return 2
    try:
        font = fonts.find_cjk_font(settings.font)
    except fonts.FontMissing as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return 3

    if args.screenshot_tour:
        from kiosk.tour import run_tour

        return run_tour(settings, font, args.screenshot_tour)

    configure_kivy(settings)
    fonts.register(font)
    from kiosk.app import AlreadyRunning, KioskApp

    app = KioskApp(settings, font)
    if args.check:
        from kivy.clock import Clock

        def ready(dt):
            print(f"kiosk: interactive home after {time.perf_counter() - STARTED:.2f} s", flush=True)
            app.stop()

        # The first frame with the home screen drawn and the event loop turning.
        Clock.schedule_once(lambda dt: Clock.schedule_once(ready, 0), 0)
    try:
        app.run()
    except AlreadyRunning as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return 4
    return 0


if __name__ == "__main__":
    sys.exit(main())
