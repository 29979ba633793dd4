"""The kiosk's settings: one TOML file, overridden by the environment (DESIGN.md §7).

    KIOSK_CONFIG=/etc/onetrip/kiosk.toml python -m kiosk      # or: python -m kiosk --config FILE

The file holds `key = value` lines with the names below; each has an environment variable
`KIOSK_<NAME>` (e.g. `KIOSK_DEVICE_TOKEN`), and `CMS_URL` is read too, as `make kiosk` passes it.
"""

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LANGUAGES = ("zh_Hans", "en")


class SettingsError(Exception):
    """A settings file or variable that cannot be used; the message says which and why."""


@dataclasses.dataclass(frozen=True)
class Settings:
    cms_url: str = "http://127.0.0.1:8000"
    device_token: str = ""  # `manage.py create_kiosk_token NAME` prints one; bookings and check-in need it
    centre: str = ""  # code of the centre the kiosk stands in: its phone and hours are shown first
    data_dir: Path = ROOT / "var" / "kiosk"  # catalogue cache, search index, outbox, tickets
    scanner_dir: Path | None = None  # where the document scanner drops its files; default data_dir/scans
    print_command: str = ""  # e.g. "lp -d ticket {file}"; empty: tickets are files in data_dir/tickets
    idle_timeout: float = 60.0  # seconds without a touch before the countdown
    idle_countdown: float = 10.0  # seconds of countdown before everything is wiped
    language: str = "zh_Hans"  # the language each new citizen starts in
    font: str = ""  # a TTF/TTC/OTF with Chinese glyphs; empty: look in the usual places
    sync_interval: float = 3.0  # seconds between polls of the change feed
    connect_timeout: float = 3.05
    read_timeout: float = 15.0
    public_url: str = ""  # the public site, for QR codes; empty: the links the CMS gives
    hotline: str = "12345"  # shown when the service is unreachable and no centre phone is known
    width: int = 1920
    height: int = 1080
    fullscreen: bool = False

    @property
    def scans(self) -> Path:
        return self.scanner_dir or self.data_dir / "scans"

    @property
    def tickets(self) -> Path:
        return self.data_dir / "tickets"


_FIELDS = {f.name: f for f in dataclasses.fields(Settings)}


def _convert(name: str, value, source: str):
    kind = _FIELDS[name].type
    try:
        if kind is bool:
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text not in {"1", "0", "true", "false", "yes", "no", "on", "off"}:
                raise ValueError(value)
            return text in {"1", "true", "yes", "on"}
        if kind is int:
            return int(value)
        if kind is float:
            number = float(value)
            if number < 0:
                raise ValueError(value)
            return number
        if kind in (Path, Path | None):
            return Path(str(value)).expanduser() if str(value) else None
        return str(value).strip()
    except (TypeError, ValueError):
        raise SettingsError(f"{source}: {name} = {value!r} is not a valid {kind}") from None


def load(path: str | os.PathLike | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """Defaults, then the file (`path`, or $KIOSK_CONFIG), then KIOSK_* variables and CMS_URL."""
    environ = os.environ if environ is None else environ
    values: dict = {}
    path = path or environ.get("KIOSK_CONFIG")
    if path:
        try:
            raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise SettingsError(f"cannot read the settings file {path}: {exc.strerror}") from None
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"{path} is not valid TOML: {exc}") from None
        unknown = sorted(set(raw) - set(_FIELDS))
        if unknown:
            raise SettingsError(f"{path}: unknown settings {', '.join(unknown)} (known: {', '.join(_FIELDS)})")
        values |= {k: _convert(k, v, str(path)) for k, v in raw.items()}
    if environ.get("CMS_URL"):
        values["cms_url"] = _convert("cms_url", environ["CMS_URL"], "CMS_URL")
    for name in _FIELDS:
        variable = f"KIOSK_{name.upper()}"
        if variable in environ:
            values[name] = _convert(name, environ[variable], variable)
    settings = Settings(**values)
    if not settings.cms_url.startswith(("http://", "https://")):
        raise SettingsError(f"cms_url must start with http:// or https://, not {settings.cms_url!r}")
    if settings.language not in LANGUAGES:
        raise SettingsError(f"language must be one of {', '.join(LANGUAGES)}, not {settings.language!r}")
    if settings.idle_timeout <= 0 or settings.idle_countdown <= 0:
        raise SettingsError("idle_timeout and idle_countdown must be more than 0 seconds")
    data_dir = settings.data_dir if settings.data_dir.is_absolute() else ROOT / settings.data_dir
    return dataclasses.replace(settings, cms_url=settings.cms_url.rstrip("/"), data_dir=data_dir)
