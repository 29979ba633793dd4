"""A real gunicorn for the load benchmark and the fault tests: started as `make run` starts it
(cms/gunicorn.conf.py), on a given port, with its master's pid to find, measure or kill the workers."""

import contextlib
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


class Gunicorn:
    """gunicorn on `port` with `workers` workers; `env` holds its settings (DATABASE_URL, DATA_DIR, …)."""

    def __init__(self, env: dict, data_dir: Path, port: int, workers: int):
        self.env, self.data_dir, self.port, self.workers = env, data_dir, port, workers
        self.url = f"http://127.0.0.1:{port}"

    def __enter__(self):
        self.log = (self.data_dir / f"gunicorn-{self.port}.log").open("w")
        self.process = subprocess.Popen(  # noqa: S603 — our own interpreter and arguments
            [sys.executable, "-m", "gunicorn", "cms.wsgi", "-c", "cms/gunicorn.conf.py"]
            + ["--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers)],
            cwd=REPO,
            env=self.env,
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
