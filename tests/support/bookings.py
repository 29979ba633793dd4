"""Factories for tests and benchmarks: valid ID numbers and open slots inside the booking window.

`id_number` needs no Django, so client processes of the race test and the benchmark can use it.
"""

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

from stdnum.cn import ric

from cms.devices.tokens import hash_token, new_token, token_hint
from cms.identity.notice import NOTICE_VERSION
from guides import clock

# What a booking or application by someone not signed in adds: agreement to the current personal-information
# notice (cms/identity/privacy.py). Every test and benchmark payload takes it from here.
CONSENT = {"consent": NOTICE_VERSION}


def id_number(n: int, region: str = "330482") -> str:
    """The n-th of many distinct valid resident ID numbers (born 1960 onwards, one per n)."""
    birth = dt.date(1960, 1, 1) + dt.timedelta(days=n // 500)
    body = f"{region}{birth:%Y%m%d}{n % 500 + 100:03d}"
    return body + ric.calc_check_digit(body + "0")  # it reads the first 17 of 18 characters


def open_days(centre_code: str, category: str, skip: int = 1, kinds: tuple[str, ...] = ()) -> list[dt.date]:
    """Dates in the booking window (from `skip` days on) when the category is open at the centre, with a
    period of each of `kinds` ("regular", "staggered", "extended", "sunday_rota") if given: days chosen by
    what they are, so a test means the same day whatever the clock says."""
    from cms.bookings import services
    from cms.bookings.models import BookingSettings
    from cms.centres.models import CentrePage
    from cms.centres.sources import centre_hours

    page = CentrePage.objects.get(code=centre_code)
    now = clock.now()
    _, last = services.window(now, BookingSettings.load())
    first = now.date() + dt.timedelta(days=skip)
    hours = centre_hours(page, first, last)
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    return [
        day for day in days if (periods := hours.periods(day, category)) and set(kinds) <= {p.kind for p in periods}
    ]


def slots_on(centre_code: str, category: str, day: dt.date) -> list:
    from cms.bookings.enums import SlotState
    from cms.bookings.models import Slot
    from cms.bookings.slots import ensure_day
    from cms.centres.models import CentrePage

    page = CentrePage.objects.get(code=centre_code)
    ensure_day(page, day)
    return list(
        Slot.objects.filter(centre=page, category=category, date=day, state=SlotState.OPEN)
        .select_related("centre")
        .order_by("start")
    )


def future_slots(
    centre_code: str = "city", category: str = "公安服务", skip: int = 1, kinds: tuple[str, ...] = ("regular",)
) -> list:
    """The open slots of the first day at least `skip` days ahead that has periods of `kinds` (by default an
    ordinary working day: regular hours, whether a weekday or a 调休 makeup day)."""
    for day in open_days(centre_code, category, skip, kinds):
        slots = slots_on(centre_code, category, day)
        if slots:
            return slots
    raise LookupError(f"no open {category} slots with {kinds} at {centre_code} in the booking window")


# --- many client processes (race test, benchmark) against a server ---------------------------------

REPO = Path(__file__).resolve().parents[2]


def fresh_postgres_database(admin_url: str, name: str) -> str | None:
    """Drop and create database `name` on the server at `admin_url` and return its URL, or None (with a
    note) if PostgreSQL does not answer: the benchmarks then measure SQLite only."""
    try:
        import psycopg

        with psycopg.connect(admin_url, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {name}")
    except Exception as error:  # any failure means: no PostgreSQL here
        print(f"PostgreSQL not available ({error.__class__.__name__}); SQLite only.", flush=True)
        return None
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


def run_clients(url: str, jobs: list[list[dict]], timeout: float = 600) -> list[list[tuple[int, str, float]]]:
    """One process per job (a list of {"body", "headers"}); all start together; their results in order."""
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.support.loadclient"],
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in jobs
    ]
    for process, requests in zip(processes, jobs, strict=True):
        process.stdin.write(json.dumps({"url": f"{url}/api/v1/bookings", "requests": requests}) + "\n")
        process.stdin.flush()
    for process in processes:  # a barrier: every client is up before any sends
        if process.stdout.readline().strip() != "ready":
            raise RuntimeError("a client process did not start")
    for process in processes:
        process.stdin.write("go\n")
        process.stdin.flush()
    results = []
    try:
        for process in processes:
            out, _ = process.communicate(timeout=timeout)
            results.append([tuple(r) for r in json.loads(out.strip().splitlines()[-1])])
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
    return results


class RawDatabase:
    """The database behind a server, reached without Django (to seed a slot and to count what it did)."""

    def __init__(self, url: str):
        import dj_database_url

        config = dj_database_url.parse(url)
        self.sqlite = config["ENGINE"].endswith("sqlite3")
        if self.sqlite:
            import sqlite3

            self.connection = sqlite3.connect(config["NAME"], isolation_level=None, timeout=30)
        else:
            import psycopg

            self.connection = psycopg.connect(
                dbname=config["NAME"],
                user=config["USER"],
                password=config["PASSWORD"] or None,
                host=config["HOST"],
                port=config["PORT"] or None,
                autocommit=True,
            )

    def execute(self, sql: str, params=()):
        if self.sqlite:
            sql = sql.replace("%s", "?")
            params = [self._sqlite_value(p) for p in params]
        return self.connection.execute(sql, params)

    @staticmethod
    def _sqlite_value(value):
        # Django keeps datetimes in SQLite as naive UTC text
        if isinstance(value, dt.datetime):
            return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(sep=" ")
        if isinstance(value, dt.date):
            return value.isoformat()
        return value

    def insert_slot(self, centre_id: int, category: str, start: dt.datetime, minutes: int, capacity: int) -> int:
        from guides.hours import TZ

        row = self.execute(
            'INSERT INTO bookings_slot (centre_id, category, date, start, "end", kind, capacity, booked, state) '
            "VALUES (%s, %s, %s, %s, %s, %s, %s, 0, 'open') RETURNING id",
            [
                centre_id,
                category,
                start.astimezone(TZ).date(),
                start,
                start + dt.timedelta(minutes=minutes),
                "regular",
                capacity,
            ],
        ).fetchone()
        return row[0]

    def insert_kiosk(self, name: str) -> tuple[int, str]:
        """A kiosk device that the server will accept: (its id, its bearer token). API writes need one."""
        token = new_token()
        row = self.execute(
            "INSERT INTO devices_kioskdevice (name, token_hash, token_hint, created_at) "
            "VALUES (%s, %s, %s, %s) RETURNING id",
            [name, hash_token(token), token_hint(token), clock.now()],
        ).fetchone()
        return row[0], token

    def delete_kiosk(self, device_id: int) -> None:
        self.execute("DELETE FROM devices_kioskdevice WHERE id = %s", [device_id])

    def slot_counts(self, slot_ids: list[int]) -> list[tuple[int, int, int]]:
        """(capacity, booked, bookings rows not cancelled) per slot."""
        out = []
        for slot_id in slot_ids:
            capacity, booked = self.execute(
                "SELECT capacity, booked FROM bookings_slot WHERE id = %s", [slot_id]
            ).fetchone()
            (rows,) = self.execute(
                "SELECT COUNT(*) FROM bookings_booking WHERE slot_id = %s AND status <> 'cancelled'", [slot_id]
            ).fetchone()
            out.append((capacity, booked, rows))
        return out

    def delete_slots(self, slot_ids: list[int]) -> None:
        """Remove what a run left behind (a PostgreSQL test database outlives the test)."""
        for slot_id in slot_ids:
            booking_ids = [r[0] for r in self.execute("SELECT id FROM bookings_booking WHERE slot_id = %s", [slot_id])]
            person_ids = {
                r[0] for r in self.execute("SELECT person_id FROM bookings_booking WHERE slot_id = %s", [slot_id])
            }
            for booking_id in booking_ids:
                self.execute("DELETE FROM bookings_bookingevent WHERE booking_id = %s", [booking_id])
                self.execute("DELETE FROM identity_bookingholder WHERE booking_id = %s", [booking_id])
            self.execute("DELETE FROM bookings_booking WHERE slot_id = %s", [slot_id])
            for person_id in person_ids:
                self.execute(
                    "DELETE FROM bookings_person WHERE id = %s AND NOT EXISTS "
                    "(SELECT 1 FROM bookings_booking WHERE person_id = %s)",
                    [person_id, person_id],
                )
            self.execute("DELETE FROM bookings_slot WHERE id = %s", [slot_id])

    def close(self) -> None:
        self.connection.close()
