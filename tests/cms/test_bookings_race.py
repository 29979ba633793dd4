"""Never overbook: 50 client processes book one slot of capacity 5 at the same moment, through the
real HTTP API served by gunicorn with several worker processes.

SQLite runs in the normal pass, on a file copy of the test database; PostgreSQL runs in the
PostgreSQL pass of `make test` (DATABASE_URL=postgres://…), against its test database.
"""

import datetime as dt
import os
from collections import Counter

import dj_database_url
import pytest
from django.db import connection

from cms.centres.models import CentrePage
from cms.centres.sources import centre_hours
from guides.hours import at_local
from tests.support.bookings import CONSENT, RawDatabase, id_number, open_days, run_clients
from tests.support.servers import gunicorn

pytestmark = pytest.mark.django_db

CLIENTS = 50
CAPACITY = 5
GUIDE = "330482-GA-001"
CATEGORY = "公安服务"
ON_POSTGRES = (
    dj_database_url.parse(os.environ.get("DATABASE_URL") or "sqlite://").get("ENGINE", "").endswith("postgresql")
)


def _slot_start() -> dt.datetime:
    """The first period start of the first open police day in the booking window, two days on."""
    city = CentrePage.objects.get(code="city")
    day = open_days("city", CATEGORY, skip=2)[0]
    period = centre_hours(city, day, day).periods(day, CATEGORY)[0]
    return at_local(day, period.start)


@pytest.mark.parametrize(
    "backend",
    [
        pytest.param("sqlite", marks=pytest.mark.skipif(ON_POSTGRES, reason="SQLite runs in the SQLite pass")),
        pytest.param(
            "postgresql",
            marks=pytest.mark.skipif(not ON_POSTGRES, reason="runs in the PostgreSQL pass (DATABASE_URL=postgres://…)"),
        ),
    ],
)
def test_fifty_processes_one_slot_of_five(backend, database_url, tmp_path):
    assert connection.vendor == backend
    raw = RawDatabase(database_url)
    city_id = CentrePage.objects.get(code="city").pk
    slot_id = raw.insert_slot(city_id, CATEGORY, _slot_start(), minutes=30, capacity=CAPACITY)
    kiosk_id, token = raw.insert_kiosk("race-kiosk")  # API writes need a device token
    try:
        jobs = [
            [
                {
                    "body": {
                        "slot": slot_id,
                        "guide": GUIDE,
                        "name": f"市民{n}",
                        "phone": f"138{n:08d}",
                        "id_number": id_number(5000 + n),
                        **CONSENT,
                    },
                    "headers": {"Authorization": f"Bearer {token}"},
                }
            ]
            for n in range(CLIENTS)
        ]
        with gunicorn(database_url, tmp_path, workers=4) as server:
            results = [r for job in run_clients(server, jobs) for r in job]

        statuses = Counter((status, code if status != 201 else "created") for status, code, _ in results)
        assert statuses == {(201, "created"): CAPACITY, (409, "slot_full"): CLIENTS - CAPACITY}, statuses
        codes = {code for status, code, _ in results if status == 201}
        assert len(codes) == CAPACITY
        [(capacity, booked, rows)] = raw.slot_counts([slot_id])
        assert capacity == booked == rows == CAPACITY
    finally:
        if backend == "postgresql":
            raw.delete_slots([slot_id])
            raw.delete_kiosk(kiosk_id)
        raw.close()
