"""Imported by every Python process started with this folder on PYTHONPATH (tests/support/clock.py):
travel to the instant the starting test was at, plus the real time since, and keep ticking."""

import os

if spec := os.environ.get("ONETRIP_TEST_CLOCK"):
    import datetime as dt
    import time

    import time_machine

    instant, origin = spec.rsplit("@", 1)
    destination = dt.datetime.fromisoformat(instant) + dt.timedelta(seconds=time.time() - float(origin))
    time_machine.travel(destination, tick=True).start()
