"""Where one booking's time goes: `POST /api/v1/bookings` in process, under cProfile, on a fresh SQLite
database with the demo centres and one guide (the production settings, as `booking_bench.py` serves).

The server's CPU per booking is what caps throughput (two cores at ~50 bookings/s is ~40 ms each), so this
counts the request's own work, not the network: per booking the mean wall and CPU time, the Python function
calls and the SQL statements (the last two do not depend on how busy the machine is), then the functions
with the most cumulative time.

    .venv/bin/python benchmarks/booking_profile.py [--bookings 300] [--top 25]
"""

import argparse
import cProfile
import datetime as dt
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.booking_bench import CATEGORY, ENV, SETTINGS, People, centre_id, prepare  # noqa: E402
from guides.hours import TZ  # noqa: E402
from tests.support.bookings import RawDatabase  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bookings", type=int, default=300)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sql", action="store_true", help="print the SQL of one booking")
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="onetrip-profile-"))
    url = f"sqlite:///{data_dir / 'db.sqlite3'}"
    prepare(url, data_dir)
    raw = RawDatabase(url)
    day = dt.datetime.now(TZ).date() + dt.timedelta(days=3)
    slot = raw.insert_slot(centre_id(raw), CATEGORY, dt.datetime.combine(day, dt.time(0, 0), tzinfo=TZ), 1, 10**6)
    people = People(raw)
    requests = [people.request(slot) for _ in range(args.bookings + 20)]

    os.environ.update(
        {
            **ENV,
            "LOG_LEVEL": "WARNING",
            # as booking_bench.py's servers (tests/support/servers.py): bookings without a texted code
            "PHONE_CODES": "0",
            "DATABASE_URL": url,
            "DATA_DIR": str(data_dir),
            "DJANGO_SETTINGS_MODULE": SETTINGS,
        }
    )
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    client = Client(SERVER_NAME="localhost", HTTP_HOST="localhost")

    def book(request: dict) -> None:
        headers = {"HTTP_AUTHORIZATION": request["headers"]["Authorization"]}
        response = client.post("/api/v1/bookings", request["body"], content_type="application/json", **headers)
        assert response.status_code == 201, (response.status_code, response.content[:300])

    for request in requests[:19]:  # warm: imports, caches, the first query plans
        book(request)
    queries = []

    def counted(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counted):
        book(requests[19])
    profile = cProfile.Profile()
    started, cpu = time.perf_counter(), time.process_time()
    profile.enable()
    for request in requests[20:]:
        book(request)
    profile.disable()
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    each = args.bookings / 1000
    if args.sql:
        print("\n".join(f"{n:3} {sql[:150]}" for n, sql in enumerate(queries, 1)))
    calls = pstats.Stats(profile).total_calls
    print(
        f"{args.bookings} bookings: {wall / each:.1f} ms wall, {cpu / each:.1f} ms CPU, "
        f"{calls / args.bookings:,.0f} Python calls, {len(queries)} SQL statements each"
    )
    stats = pstats.Stats(profile)
    # Our own functions first (where a change can cut), then everything.
    stats.sort_stats("cumulative").print_stats(str(REPO / "cms"), args.top)
    stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
