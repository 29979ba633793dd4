"""Booking throughput, latency and oversells through the real HTTP API, on SQLite and on PostgreSQL.

For each database: a fresh, migrated database with the demo centres and one guide; gunicorn with
several worker processes; client processes that POST /api/v1/bookings at the same moment.

1. throughput: each client books its own slot (room for all its requests): bookings/s, p50, p95;
2. contention: 10,000 attempts on slots of capacity 5, every client hitting the same slot at once:
   successes, 409s, and oversells (rows beyond capacity, or a counter that disagrees with the rows);
3. the raw limit: the same conditional UPDATE + INSERT in a plain loop without Django, with as many
   processes, in the same run; the API's throughput as a share of it.

With --counters, instead: what the shared atomic counters (cms/core/counters.py) add to a booking. The
throughput run three times on the same database: without rate limits (no counter is touched), with the
counters in the database (the default), and with them in Redis ($BENCH_REDIS_URL, default database 15, which
it empties; if it answers); and the
time of one `counters.incr` alone in one process, on each store.

    .venv/bin/python benchmarks/booking_bench.py [--workers 4] [--clients 8] [--attempts 10000]
    .venv/bin/python benchmarks/booking_bench.py --counters [--only sqlite]
PostgreSQL is used when it answers at $BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres).
"""

import argparse
import datetime as dt
import multiprocessing
import os
import secrets
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from guides.hours import TZ  # noqa: E402
from tests.support.bookings import CONSENT, RawDatabase, fresh_postgres_database, id_number, run_clients  # noqa: E402
from tests.support.servers import gunicorn  # noqa: E402

GUIDE = "330482-GA-001"
GUIDE_FILE = REPO / "guides" / "catalogue" / f"{GUIDE}.yaml"
CATEGORY = "公安服务"
SETTINGS = "cms.settings.production"
NO_LIMITS = "benchmarks.settings_no_limits"  # production without rate limits: no counter is touched
CLIENT_TIMEOUT = 3 * 3600  # a loaded machine can take long over 10,000 requests; never cut a run short
ENV = {"SECRET_KEY": secrets.token_urlsafe(40), "PERSONAL_DATA_KEY": secrets.token_urlsafe(40)}


def manage(database_url: str, data_dir: Path, *args: str) -> None:
    env = {
        **os.environ,
        **ENV,
        "DATABASE_URL": database_url,
        "DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": SETTINGS,
    }
    # --skip-checks: with PostgreSQL, Django's checks stop on wagtailsearch's SearchVectorField unless
    # django.contrib.postgres is installed; the booking tables need neither.
    subprocess.run(
        [sys.executable, "manage.py", *args, "--skip-checks"], cwd=REPO, env=env, check=True, stdout=subprocess.DEVNULL
    )


def prepare(database_url: str, data_dir: Path) -> None:
    manage(database_url, data_dir, "migrate", "--no-input", "-v", "0")
    manage(database_url, data_dir, "import_centres", str(REPO / "guides" / "demo" / "centres.yaml"))
    manage(database_url, data_dir, "import_guides", str(GUIDE_FILE))


def centre_id(raw: RawDatabase) -> int:
    return raw.execute("SELECT page_ptr_id FROM centres_centrepage WHERE code = %s", ["city"]).fetchone()[0]


class Slots:
    """Slots at distinct minutes of a day inside the booking window (times need not follow the hours grid)."""

    def __init__(self, raw: RawDatabase, day_offset: int):
        self.raw, self.centre = raw, centre_id(raw)
        day = dt.datetime.now(TZ).date() + dt.timedelta(days=day_offset)
        self.next = dt.datetime.combine(day, dt.time(0, 0), tzinfo=TZ)

    def make(self, count: int, capacity: int) -> list[int]:
        ids = []
        for _ in range(count):
            ids.append(self.raw.insert_slot(self.centre, CATEGORY, self.next, minutes=1, capacity=capacity))
            self.next += dt.timedelta(minutes=1)
        return ids


class People:
    """A new citizen per request, sent through kiosks: API writes need a device token, and each device
    stays under its rate limit (settings.API_RATE_LIMITS["booking"]["device"]), so the bench measures
    booking, not the limiter."""

    PER_DEVICE = 200

    def __init__(self, raw: RawDatabase):
        self.raw, self.n, self.tokens = raw, 0, []

    def request(self, slot: int) -> dict:
        self.n += 1
        if self.n > len(self.tokens) * self.PER_DEVICE:
            self.tokens.append(self.raw.insert_kiosk(f"bench-kiosk-{len(self.tokens) + 1}")[1])
        return {
            "body": {
                "slot": slot,
                "guide": GUIDE,
                "name": f"测试{self.n}",
                "phone": f"139{self.n:08d}",
                "id_number": id_number(self.n),
                **CONSENT,
            },
            "headers": {"Authorization": f"Bearer {self.tokens[-1]}"},
        }


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def summarise(results, seconds: float) -> dict:
    flat = [r for job in results for r in job]
    latencies = [r[2] for r in flat]
    outcome = Counter(r[0] for r in flat)
    return {
        "requests": len(flat),
        "created": outcome[201],
        "conflicts": outcome[409],
        "other": {k: v for k, v in outcome.items() if k not in (201, 409)},
        "seconds": seconds,
        "rps": len(flat) / seconds,
        "bookings_per_s": outcome[201] / seconds,
        "p50_ms": percentile(latencies, 50) * 1000,
        "p95_ms": percentile(latencies, 95) * 1000,
    }


def throughput(url: str, slots: Slots, people: People, clients: int, per_client: int) -> dict:
    own = slots.make(clients, capacity=per_client)
    jobs = [[people.request(slot) for _ in range(per_client)] for slot in own]
    started = time.perf_counter()
    results = run_clients(url, jobs, timeout=CLIENT_TIMEOUT)
    return summarise(results, time.perf_counter() - started)


def contention(url: str, raw: RawDatabase, slots: Slots, people: People, clients: int, attempts: int) -> dict:
    capacity = 5
    per_slot = clients * 5  # every client tries each slot five times: 8× the capacity at once
    ids = slots.make(attempts // per_slot, capacity=capacity)
    jobs = [[people.request(slot) for slot in ids for _ in range(per_slot // clients)] for _ in range(clients)]
    started = time.perf_counter()
    results = run_clients(url, jobs, timeout=CLIENT_TIMEOUT)
    summary = summarise(results, time.perf_counter() - started)
    counts = raw.slot_counts(ids)
    summary["slots"] = len(ids)
    summary["oversold"] = sum(max(rows - cap, 0) + (booked != rows) for cap, booked, rows in counts)
    summary["rows"] = sum(rows for _, _, rows in counts)
    summary["expected"] = len(ids) * capacity
    return summary


# --- the raw limit: conditional UPDATE + INSERT, no Django -------------------------------------------------

RAW_TABLE = "CREATE TABLE IF NOT EXISTS bench_raw_booking (id {pk}, slot_id bigint NOT NULL, code varchar(12) NOT NULL)"


def _raw_worker(url: str, slot: int, count: int, queue) -> None:
    raw = RawDatabase(url)
    if raw.sqlite:
        raw.execute("PRAGMA synchronous=NORMAL")  # as Django's connections have it (cms/settings/base.py)
    begin = "BEGIN IMMEDIATE" if raw.sqlite else "BEGIN"
    made = 0
    started = time.perf_counter()
    for n in range(count):
        raw.execute(begin)
        cursor = raw.execute("UPDATE bookings_slot SET booked = booked + 1 WHERE id = %s AND booked < capacity", [slot])
        if cursor.rowcount == 1:
            raw.execute("INSERT INTO bench_raw_booking (slot_id, code) VALUES (%s, %s)", [slot, f"R{n:07d}"])
            made += 1
        raw.execute("COMMIT")
    queue.put((made, time.perf_counter() - started))
    raw.close()


def raw_loop(url: str, raw: RawDatabase, slots: Slots, clients: int, per_client: int) -> dict:
    pk = "INTEGER PRIMARY KEY AUTOINCREMENT" if raw.sqlite else "bigserial PRIMARY KEY"
    raw.execute(RAW_TABLE.format(pk=pk))
    own = slots.make(clients, capacity=per_client)
    queue = multiprocessing.get_context("fork").Queue()
    workers = [
        multiprocessing.get_context("fork").Process(target=_raw_worker, args=(url, slot, per_client, queue))
        for slot in own
    ]
    started = time.perf_counter()
    for w in workers:
        w.start()
    done = [queue.get() for _ in workers]
    for w in workers:
        w.join()
    seconds = time.perf_counter() - started
    return {
        "bookings": sum(m for m, _ in done),
        "seconds": seconds,
        "bookings_per_s": sum(m for m, _ in done) / seconds,
    }


def bench(name: str, url: str, data_dir: Path, args) -> dict:
    print(f"\n== {name}: preparing a fresh database", flush=True)
    prepare(url, data_dir)
    raw = RawDatabase(url)
    slots, people = Slots(raw, day_offset=2), People(raw)
    with gunicorn(url, data_dir, workers=args.workers, settings=SETTINGS) as server:
        run_clients(server, [[people.request(s)] for s in slots.make(args.clients, capacity=1)])  # warm the workers
        steady = throughput(server, slots, people, args.clients, args.per_client)
        contended = contention(server, raw, slots, people, args.clients, args.attempts)
    limit = raw_loop(url, raw, slots, args.clients, args.per_client)
    raw.close()
    return {"steady": steady, "contended": contended, "raw": limit}


# --- what the shared counters add --------------------------------------------------------------------------

# One process, one counter store: the time of `counters.incr` (what `limits.check` does per limited identity).
INCR_TIMER = """
import time
from cms.core import counters
n = {n}
started = time.perf_counter()
for i in range(n):
    counters.incr(f"bench:{{i % 50}}", 60)
print((time.perf_counter() - started) / n * 1000)
"""


def incr_ms(database_url: str, data_dir: Path, redis_url: str = "", n: int = 2000) -> float:
    env = {
        **os.environ,
        **ENV,
        "DATABASE_URL": database_url,
        "DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "REDIS_URL": redis_url,
    }
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", INCR_TIMER.format(n=n)],
        cwd=REPO,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return float(out.split()[-1])


def empty_redis(url: str) -> bool:
    """Empty the bench's Redis database (each database's run numbers its kiosks from 1 again, so their rate-limit
    counters would carry over); False if Redis does not answer."""
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).flushdb()
    except redis.RedisError:
        return False
    return True


def counter_cost(name: str, url: str, data_dir: Path, args) -> dict:
    """Throughput without rate limits, with database counters and with Redis counters, on one database."""
    print(f"\n== {name}: preparing a fresh database", flush=True)
    prepare(url, data_dir)
    raw = RawDatabase(url)
    slots, people = Slots(raw, day_offset=2), People(raw)
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
    configs = [("no rate limits", NO_LIMITS, ""), ("counters in the database", SETTINGS, "")]
    if empty_redis(redis_url):
        configs.append(("counters in Redis", SETTINGS, redis_url))
    runs = {label: [] for label, _, _ in configs}
    for round_ in range(args.rounds):  # interleaved, so a change in the machine's load hits every setting alike
        for label, settings, redis in configs:
            os.environ["REDIS_URL"] = redis
            try:
                with gunicorn(url, data_dir, workers=args.workers, settings=settings) as server:
                    run_clients(server, [[people.request(s)] for s in slots.make(args.clients, capacity=1)])  # warm
                    runs[label].append(throughput(server, slots, people, args.clients, args.per_client))
            finally:
                os.environ.pop("REDIS_URL", None)
            print(f"   round {round_ + 1}, {label}: {runs[label][-1]['bookings_per_s']:.1f} bookings/s", flush=True)
    # each setting's median round by throughput
    runs = {label: sorted(r, key=lambda x: x["bookings_per_s"])[len(r) // 2] for label, r in runs.items()}
    incr = {"database": incr_ms(url, data_dir)}
    if len(configs) == 3:
        incr["Redis"] = incr_ms(url, data_dir, redis_url)
    raw.close()
    return {"runs": runs, "incr": incr}


def report_counters(name: str, r: dict, args) -> None:
    print(
        f"\n{name}: gunicorn {args.workers} workers, {args.clients} client processes, {args.per_client} bookings each;"
        f" the median of {args.rounds} rounds"
    )
    base = r["runs"]["no rate limits"]
    for label, s in r["runs"].items():
        extra = 1000 / s["bookings_per_s"] - 1000 / base["bookings_per_s"]
        print(
            f"  {label:26} {s['bookings_per_s']:6.1f} bookings/s, p50 {s['p50_ms']:.0f} ms, p95 {s['p95_ms']:.0f} ms"
            f" (other answers: {s['other'] or 'none'}); {extra:+.2f} ms of the server's time per booking"
        )
    for store, ms in r["incr"].items():
        print(f"  one counters.incr, {store}: {ms:.3f} ms (a booking makes 2: its device or address, its ID number)")


def report(name: str, r: dict, args) -> None:
    s, c, raw = r["steady"], r["contended"], r["raw"]
    print(f"\n{name}: gunicorn {args.workers} workers, {args.clients} client processes")
    print(
        f"  throughput   {s['requests']} bookings in {s['seconds']:.1f} s: {s['bookings_per_s']:.0f} bookings/s, "
        f"p50 {s['p50_ms']:.0f} ms, p95 {s['p95_ms']:.0f} ms (other answers: {s['other'] or 'none'})"
    )
    print(
        f"  contention   {c['requests']} attempts on {c['slots']} slots of 5: {c['created']} booked, "
        f"{c['conflicts']} × 409, other {c['other'] or 'none'}; {c['rps']:.0f} requests/s, "
        f"p50 {c['p50_ms']:.0f} ms, p95 {c['p95_ms']:.0f} ms"
    )
    print(f"               rows {c['rows']} (capacity {c['expected']}), oversells: {c['oversold']}")
    share = 100 * s["bookings_per_s"] / raw["bookings_per_s"]
    print(
        f"  raw limit    conditional UPDATE + INSERT, {args.clients} processes, no Django: "
        f"{raw['bookings_per_s']:.0f} bookings/s; the API reaches {share:.1f}% of it"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--clients", type=int, default=8, help="client processes")
    parser.add_argument("--per-client", type=int, default=100, help="bookings per client in the throughput run")
    parser.add_argument("--attempts", type=int, default=10_000, help="attempts in the contention run")
    parser.add_argument("--only", choices=["sqlite", "postgresql"], help="run one database only")
    parser.add_argument("--counters", action="store_true", help="measure what the shared counters add instead")
    parser.add_argument("--rounds", type=int, default=3, help="with --counters: rounds of the three settings")
    args = parser.parse_args()
    run, show = (counter_cost, report_counters) if args.counters else (bench, report)
    os.environ.update(ENV)  # production settings for the servers: a secret key and a personal-data key
    load_before = os.getloadavg()
    results = {}
    with tempfile.TemporaryDirectory(prefix="booking-bench-") as tmp:
        tmp = Path(tmp)
        if args.only != "postgresql":
            (tmp / "sqlite").mkdir()
            results["SQLite (WAL, BEGIN IMMEDIATE)"] = run(
                "SQLite", f"sqlite:///{tmp / 'sqlite' / 'bench.sqlite3'}", tmp / "sqlite", args
            )
        if args.only != "sqlite":
            url = fresh_postgres_database(
                os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
                "onetrip_booking_bench",
            )
            if url:
                (tmp / "pg").mkdir()
                results["PostgreSQL"] = run("PostgreSQL", url, tmp / "pg", args)
    print(
        f"\nBooking benchmark ({os.cpu_count()} CPUs, SQLite {sqlite3.sqlite_version}, Python {sys.version.split()[0]})"
    )
    after = os.getloadavg()[0]
    print(f"load average before {load_before[0]:.1f}, after {after:.1f}: figures compare only on a quiet machine")
    for name, result in results.items():
        show(name, result, args)


if __name__ == "__main__":
    main()
