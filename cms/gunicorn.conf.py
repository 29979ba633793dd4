"""gunicorn settings for `make run`: also starts the periodic jobs beside the workers, and stops them."""

import subprocess
import sys

accesslog = "-"
timeout = 30
graceful_timeout = 20

_jobs: list[subprocess.Popen] = []


def on_starting(server):
    _jobs.append(subprocess.Popen([sys.executable, "manage.py", "run_periodic"]))


def on_exit(server):
    for job in _jobs:
        job.terminate()
        job.wait(timeout=10)
