"""The one clock (DESIGN.md §5): every "now" and "today" in guides/, cms/ and kiosk/ comes from here.

Asia/Shanghai, whatever the machine's own time zone. Functions that decide by time take a `now`/`today`
argument defaulting to these, so callers can pass an instant; tests pin the instant with time-machine, which
moves this clock (and every server a test starts through `tests/support/servers.py`) together.
"""

import datetime as dt
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Shanghai")


def now() -> dt.datetime:
    """The current instant, aware, in Asia/Shanghai."""
    return dt.datetime.now(TZ)


def today() -> dt.date:
    """Today's date in Asia/Shanghai (not the machine's zone: a server in UTC is eight hours behind at dawn)."""
    return now().date()
