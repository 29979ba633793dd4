"""A live CMS for the kiosk tests: gunicorn as `make run` starts it (tests/support/servers.py), on a free
port, with its own DATA_DIR and SQLite database (migrated, demo loaded), stoppable and restartable like a
real link, and at the test's clock (a pinned instant is handed to it).

Migrating and loading the demo takes minutes on a busy machine, so the loaded database is built once
and kept in the temp folder, under a key made from the migrations, the catalogue and the loading code;
each server starts from a copy.
"""

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from tests.support.servers import Gunicorn, free_port, manage

ROOT = Path(__file__).resolve().parents[2]
CACHE = Path(tempfile.gettempdir()) / "onetrip-kiosk-test-cms"
SOURCES = [
    "cms/*/migrations/*.py",
    "cms/*/management/commands/*.py",
    "guides/catalogue/*.yaml",
    "guides/demo/*.yaml",
]


def cms_env(data_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    return env | {
        "DJANGO_SETTINGS_MODULE": "cms.settings.test",
        "DATA_DIR": str(data_dir),
        "PYTHONUNBUFFERED": "1",
        "PERIODIC_JOBS": "0",
    }


def template_database() -> Path:
    """The migrated, demo-loaded SQLite database (built once per change of its sources)."""
    digest = hashlib.sha256()
    for pattern in SOURCES:
        for path in sorted(ROOT.glob(pattern)):
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    target = CACHE / f"{digest.hexdigest()[:16]}.sqlite3"
    if target.exists():
        return target
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="onetrip-kiosk-template-") as tmp:
        manage(cms_env(Path(tmp)), "migrate", "--no-input", "-v", "0")
        manage(cms_env(Path(tmp)), "load_demo")
        built = Path(tmp) / "onetrip.sqlite3"
        partial = CACHE / f"{target.name}.{os.getpid()}.tmp"
        shutil.copyfile(built, partial)
        os.replace(partial, target)  # another run building the same key at once: either copy is right
    return target


class CmsServer:
    """One CMS on one port for the whole session; `stop()` and `start()` cut and restore the link."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server: Gunicorn | None = None
        data_dir.mkdir(parents=True, exist_ok=True)
        database = data_dir / "onetrip.sqlite3"
        if not database.exists():
            shutil.copyfile(template_database(), database)

    def create_token(self, name: str, centre: str = "city") -> str:
        return manage(cms_env(self.data_dir), "create_kiosk_token", name, "--centre", centre).strip()

    def start(self) -> None:
        self.server = Gunicorn(cms_env(self.data_dir), self.data_dir, self.port, workers=2).__enter__()

    def stop(self) -> None:
        if self.server is not None:
            self.server.__exit__()
        self.server = None

    def shell(self, code: str) -> str:
        """Run Python in the CMS's Django (e.g. publish a change as an editor would)."""
        return manage(cms_env(self.data_dir), "shell", "-c", code)
