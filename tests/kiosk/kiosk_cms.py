"""A live CMS for the kiosk tests: gunicorn as `make run` starts it (tests/support/servers.py), on a free
port, with its own DATA_DIR, on a copy of the run's test database (tests/support/database.py), stoppable and
restartable like a real link, and at the test's clock (a pinned instant is handed to it).
"""

import os
from pathlib import Path

from tests.support.database import build
from tests.support.servers import Gunicorn, free_port, manage

ROOT = Path(__file__).resolve().parents[2]


def cms_env(data_dir: Path, database_url: str, phone_codes: bool = False) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    return env | {
        "DJANGO_SETTINGS_MODULE": "cms.settings.test",
        "DATABASE_URL": database_url,
        "DATA_DIR": str(data_dir),
        "PYTHONUNBUFFERED": "1",
        "PERIODIC_JOBS": "0",
        # off, typed bookings count on the ID number and need no texted code (the flows tests type many);
        # on, as `make run` has it, for the test of the kiosk's code step
        "PHONE_CODES": "1" if phone_codes else "0",
    }


class CmsServer:
    """One CMS on one port for the whole session; `stop()` and `start()` cut and restore the link."""

    def __init__(self, data_dir: Path, database_url: str | None = None, phone_codes: bool = False):
        """On `database_url` (a copy of the run's test database), or else (benchmarks) on a SQLite database
        in `data_dir`, migrated and with the demo loaded here; `phone_codes`: typed ID numbers need a texted
        code (written as files to `data_dir`/sms)."""
        self.data_dir = data_dir
        self.phone_codes = phone_codes
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server: Gunicorn | None = None
        data_dir.mkdir(parents=True, exist_ok=True)
        if database_url is None:
            database_url = f"sqlite:///{data_dir / 'onetrip.sqlite3'}"
            build(database_url, data_dir / "search-index")
        self.database_url = database_url

    def env(self) -> dict:
        return cms_env(self.data_dir, self.database_url, self.phone_codes)

    def create_token(self, name: str, centre: str = "city") -> str:
        return manage(self.env(), "create_kiosk_token", name, "--centre", centre).strip()

    def start(self) -> None:
        self.server = Gunicorn(self.env(), self.data_dir, self.port, workers=2).__enter__()

    def stop(self) -> None:
        if self.server is not None:
            self.server.__exit__()
        self.server = None

    def shell(self, code: str) -> str:
        """Run Python in the CMS's Django (e.g. publish a change as an editor would)."""
        return manage(self.env(), "shell", "-c", code)
