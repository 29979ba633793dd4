"""The instants tests pin, and handing a pinned instant to the servers a test starts.

- `INSTANTS`: the table of awkward instants (Asia/Shanghai) that tests/cms/test_instants.py runs the
  date-sensitive checks at.
- `travel(instant)`: time-machine travel that keeps ticking, so sleeps, timeouts and cache expiry behave.
- `server_env(env)`: the environment for a child process (gunicorn, manage.py) that must share the test's
  clock: when the test process is travelling, `clock_site/sitecustomize.py` makes the child travel to the
  same instant, so a kiosk in the test and the CMS it calls agree on "now".
- `ONETRIP_TEST_NOW=<ISO instant>` runs a whole pytest session at that instant (tests/conftest.py), to show
  that nothing in the suite depends on the wall clock.
"""

import datetime as dt
import os
from pathlib import Path

import time_machine

from guides.clock import TZ

CLOCK_SITE = Path(__file__).parent / "clock_site"
ENV = "ONETRIP_TEST_CLOCK"


def at(text: str) -> dt.datetime:
    """'2026-12-04 23:30' as an aware Asia/Shanghai instant."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=TZ)


# Each is a day the booking window, the hours or the due dates turn on (2026's calendar is official in
# `holidays`; 2027's festivals are the calendar's estimates until the State Council's notice).
INSTANTS = {
    "friday-23:30": at("2026-12-04 23:30"),  # the next open day is a Sunday-rota Sunday
    "new-day-00:05": at("2026-12-08 00:05"),  # minutes after midnight opened the window's last day
    "rota-sunday-10:00": at("2026-12-06 10:00"),  # a Sunday the city centre's rota opens
    "makeup-saturday-09:30": at("2026-10-10 09:30"),  # 调休: a Saturday that works as a weekday after Golden Week
    "spring-festival-eve-16:00": at("2026-02-16 16:00"),  # 除夕, inside the nine-day holiday
    "spring-festival-eve-2027-16:00": at("2027-02-05 16:00"),  # 除夕 of a year whose 调休 is still an estimate
    "national-day-eve-17:30": at("2026-09-30 17:30"),  # the last hour before the Golden Week
    "new-years-eve-23:59": at("2026-12-31 23:59"),  # the year, and the calendar year, turn over
}


def travel(instant: dt.datetime):
    return time_machine.travel(instant, tick=True)


def server_env(env: dict) -> dict:
    """`env` for a child process, plus what makes it share a travelling test's clock."""
    env = {k: v for k, v in env.items() if k != ENV}
    if not time_machine.escape_hatch.is_travelling():
        return env
    from guides import clock

    real = time_machine.escape_hatch.time.time()
    path = os.pathsep.join(p for p in (str(CLOCK_SITE), env.get("PYTHONPATH", "")) if p)
    return env | {"PYTHONPATH": path, ENV: f"{clock.now().isoformat()}@{real}"}
