"""A live CMS for the kiosk tests: `manage.py runserver` in a subprocess, on a free port, with its own
DATA_DIR and SQLite database (migrated, demo loaded), stoppable and restartable like a real link.

Migrating and loading the demo takes minutes on a busy machine, so the loaded database is built once
and kept in the temp folder, under a key made from the migrations, the catalogue and the loading code;
each server starts from a copy.
"""

import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CACHE = Path(tempfile.gettempdir()) / "onetrip-kiosk-test-cms"
SOURCES = [
    "cms/*/migrations/*.py",
    "cms/*/management/commands/*.py",
    "guides/catalogue/*.yaml",
    "guides/demo/*.yaml",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(data_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    return env | {"DJANGO_SETTINGS_MODULE": "cms.settings.test", "DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1"}


def manage(data_dir: Path, *args: str, timeout: float = 900) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=server_env(data_dir),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


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
        manage(Path(tmp), "migrate", "--no-input", "-v", "0")
        manage(Path(tmp), "load_demo")
        built = Path(tmp) / "onetrip.sqlite3"
        partial = CACHE / f"{target.name}.{os.getpid()}.tmp"
        shutil.copyfile(built, partial)
        os.replace(partial, target)  # another run building the same key at once: either copy is right
    return target


class CmsServer:
    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        data_dir.mkdir(parents=True, exist_ok=True)
        database = data_dir / "onetrip.sqlite3"
        if not database.exists():
            shutil.copyfile(template_database(), database)

    def create_token(self, name: str, centre: str = "city") -> str:
        return manage(self.data_dir, "create_kiosk_token", name, "--centre", centre).strip()

    def start(self, timeout: float = 120) -> None:
        log = (self.data_dir / "server.log").open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{self.port}", "--noreload"],
            cwd=ROOT,
            env=server_env(self.data_dir),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/api/v1/centres", timeout=5) as answer:  # noqa: S310
                    if answer.status == 200:
                        return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the CMS did not start; see {self.data_dir / 'server.log'}") from None
                time.sleep(0.3)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def shell(self, code: str) -> str:
        """Run Python in the CMS's Django (e.g. publish a change as an editor would)."""
        return manage(self.data_dir, "shell", "-c", code)
