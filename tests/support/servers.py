"""Real servers for tests and benchmarks: gunicorn started as `make run` starts it (cms/gunicorn.conf.py),
on a free port, with its master's pid to find, measure or kill the workers; and `manage.py` in a child.

Every child gets `server_env`, so a server started by a test that pinned the clock runs at the same instant.
"""

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.support.clock import server_env

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env: dict, *args: str, timeout: float = 900) -> str:
    """`manage.py ARGS` in a child with `env` (and the test's clock); its stdout, or an error with its output."""
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=server_env(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


class Gunicorn:
    """gunicorn on `port` with `workers` workers; `env` holds its settings (DATABASE_URL, DATA_DIR, …)."""

    def __init__(self, env: dict, data_dir: Path, port: int, workers: int):
        # The periodic jobs only when asked for: a test or benchmark measures the server alone. Typed ID numbers
        # without a texted code (the run's default asks for one) unless `env` says PHONE_CODES=1: the load,
        # fault and race clients book as many people as they like, the code step has tests of its own.
        defaults = {"PERIODIC_JOBS": "0", "PHONE_CODES": "0"}
        self.env, self.data_dir, self.port, self.workers = defaults | env, data_dir, port, workers
        self.url = f"http://127.0.0.1:{port}"

    def __enter__(self):
        self.log = (self.data_dir / f"gunicorn-{self.port}.log").open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "cms.wsgi", "-c", "cms/gunicorn.conf.py"]
            + ["--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers)],
            cwd=REPO,
            env=server_env(self.env),
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 120
        while len(self.worker_pids()) < self.workers or not self._answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.__exit__()
                raise RuntimeError(f"gunicorn did not start; see {self.log.name}")
            time.sleep(0.5)
        return self

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/api/v1/centres", timeout=5) as response:  # noqa: S310
                return response.status == 200
        except OSError:
            return False

    def worker_pids(self) -> list[int]:
        """The master's children that are gunicorn workers (not the periodic jobs it also starts)."""
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        except OSError:
            return []
        pids = []
        for pid in map(int, children):
            with contextlib.suppress(OSError):
                if b"run_periodic" not in Path(f"/proc/{pid}/cmdline").read_bytes():
                    pids.append(pid)
        return sorted(pids)

    def memory(self) -> list[tuple[int, int, int]]:
        """(pid, RSS kB, PSS kB) per worker; PSS shares the preloaded pages among the processes using them."""
        out = []
        for pid in self.worker_pids():
            fields = {}
            with contextlib.suppress(OSError):
                for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
                    name, value = line.split(":", 1)
                    fields[name] = int(value.split()[0])
            out.append((pid, fields.get("Rss", 0), fields.get("Pss", 0)))
        return out

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


@contextlib.contextmanager
def gunicorn(database_url: str, data_dir: Path, workers: int = 4, settings: str = "cms.settings.test"):
    """Serve the project with gunicorn as `make run` does, without the periodic jobs, on a free port; yields
    the base URL."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": settings,
        "PERIODIC_JOBS": "0",
    }
    with Gunicorn(env, data_dir, free_port(), workers) as server:
        yield server.url
