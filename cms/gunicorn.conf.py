"""gunicorn settings for `make run`: also starts the periodic jobs beside the workers, and stops them."""

import os
import subprocess
import sys

accesslog = "-"
preload_app = True  # import Django once in the master, so forked workers answer at once
timeout = 30
graceful_timeout = 20

_jobs: list[subprocess.Popen] = []


def when_ready(server):
    # In a multi-server set-up exactly one node runs them (PERIODIC_JOBS=0 elsewhere; docs/deploy.md).
    if os.environ.get("PERIODIC_JOBS", "1") != "0":
        _jobs.append(subprocess.Popen([sys.executable, "manage.py", "run_periodic"]))


def on_exit(server):
    for job in _jobs:
        job.terminate()
        job.wait(timeout=10)
