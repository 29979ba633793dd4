"""The kiosk's settings: one TOML file, overridden by the environment (DESIGN.md §7).

    KIOSK_CONFIG=/etc/onetrip/kiosk.toml python -m kiosk      # or: python -m kiosk --config FILE

The file holds `key = value` lines with the names below; each has an environment variable
`KIOSK_<NAME>` (e.g. `KIOSK_DEVICE_TOKEN`), and `CMS_URL` is read too, as `make kiosk` passes it.
"""

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, NonNegativeFloat, PositiveFloat, ValidationError, field_validator

ROOT = Path(__file__).resolve().parents[1]
LANGUAGES = ("zh_Hans", "en")


class SettingsError(Exception):
    """A settings file or variable that cannot be used; the message says which and why."""


class Settings(BaseModel):
    # Values from a file or the environment are text: pydantic reads "90", "true", "on" as numbers and flags.
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    cms_url: str = "http://127.0.0.1:8000"
    device_token: str = ""  # `manage.py create_kiosk_token NAME` prints one; bookings and check-in need it
    centre: str = ""  # code of the centre the kiosk stands in: its phone and hours are shown first
    data_dir: Path = ROOT / "var" / "kiosk"  # catalogue cache, search index, outbox, tickets
    scanner_dir: Path | None = None  # where the document scanner drops its files; default data_dir/scans
    card_reader: str = ""  # the ID card reader: its serial device (e.g. /dev/ttyUSB0), "keyboard", or "" (none)
    print_command: str = ""  # e.g. "lp -d ticket {file}"; empty: tickets are files in data_dir/tickets
    idle_timeout: PositiveFloat = 60.0  # seconds without a touch before the countdown
    idle_countdown: PositiveFloat = 10.0  # seconds of countdown before everything is wiped
    language: Literal["zh_Hans", "en"] = "zh_Hans"  # the language each new citizen starts in
    font: str = ""  # a TTF/TTC/OTF with Chinese glyphs; empty: look in the usual places
    sync_interval: NonNegativeFloat = 3.0  # seconds between polls of the change feed
    connect_timeout: NonNegativeFloat = 3.05
    read_timeout: NonNegativeFloat = 15.0
    public_url: str = ""  # the public site, for QR codes; empty: the links the CMS gives
    hotline: str = "12345"  # shown when the service is unreachable and no centre phone is known
    width: int = 1920
    height: int = 1080
    fullscreen: bool = False
    # Antialiasing samples per pixel. 0 by default: with software OpenGL (no GPU) 2 samples doubled the cost of
    # every frame (benchmarks/README.md, kiosk); on a kiosk with a GPU, 2 or 4 smooth the rounded corners.
    multisamples: Annotated[int, Field(ge=0, le=16)] = 0
    speech: bool = True  # the header's "Read aloud" button (espeak-ng); off: no button
    speech_wav: Path | None = None  # write speech to this WAV file instead of the sound card

    @field_validator("cms_url")
    @classmethod
    def _http(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("data_dir", "scanner_dir", "speech_wav", mode="before")
    @classmethod
    def _path(cls, value):
        if value is None or not str(value):
            return None
        path = Path(str(value)).expanduser()
        return path if path.is_absolute() else ROOT / path

    @property
    def scans(self) -> Path:
        return self.scanner_dir or self.data_dir / "scans"

    @property
    def tickets(self) -> Path:
        return self.data_dir / "tickets"


def load(path: str | os.PathLike | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """Defaults, then the file (`path`, or $KIOSK_CONFIG), then KIOSK_* variables and CMS_URL."""
    environ = os.environ if environ is None else environ
    values: dict = {}
    sources: dict[str, str] = {}  # where each value came from, for the error message
    path = path or environ.get("KIOSK_CONFIG")
    if path:
        try:
            raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise SettingsError(f"cannot read the settings file {path}: {exc.strerror}") from None
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"{path} is not valid TOML: {exc}") from None
        known = Settings.model_fields
        if unknown := sorted(set(raw) - set(known)):
            raise SettingsError(f"{path}: unknown settings {', '.join(unknown)} (known: {', '.join(known)})")
        values |= raw
        sources |= dict.fromkeys(raw, str(path))
    if environ.get("CMS_URL"):
        values["cms_url"], sources["cms_url"] = environ["CMS_URL"], "CMS_URL"
    for name in Settings.model_fields:
        if (variable := f"KIOSK_{name.upper()}") in environ:
            values[name], sources[name] = environ[variable], variable
    try:
        return Settings(**values)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            name = str(error["loc"][0])
            problems.append(f"{sources.get(name, 'settings')}: {name} = {values.get(name)!r}: {error['msg']}")
        raise SettingsError("; ".join(problems)) from None
