"""Load on the whole API over loopback: a mix of search, guide reads, slot reads and bookings.

For each database (SQLite, then PostgreSQL if it answers) a fresh database is made as `make run` makes
it (`manage.py prepare`, `load_demo`, `collectstatic`, `rebuild_search_index`) with kiosk device tokens
(`create_kiosk_token`), then, for 2 and 4 gunicorn workers (`make run`'s gunicorn.conf.py, production
settings, its own DATA_DIR under /tmp and its own port from 8300):

1. the mix: `--concurrency` bounded asyncio clients, each sending one request after another for
   `--seconds`: throughput and p50/p95/p99 per kind of request, and every status seen;
2. at 4 workers, a burst at slot release: 10× a new slot's capacity in booking attempts, all at once:
   the answers (the overflow must get 409 or 429, fast), 5xx, and oversells counted in the database.

Then a soak: the mix for `--soak-minutes` on `--soak-on` with 4 workers, and memory (RSS and PSS) of
each worker before and after.

    .venv/bin/python benchmarks/load.py              # the full run, ~25 minutes
    .venv/bin/python benchmarks/load.py --quick      # a short run of everything, ~5 minutes
PostgreSQL: $BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres), database onetrip_load.
"""

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from guides.hours import TZ  # noqa: E402
from tests.support.bookings import CONSENT, RawDatabase, fresh_postgres_database, id_number  # noqa: E402
from tests.support.servers import Gunicorn  # noqa: E402

SETTINGS = "cms.settings.production"
GUIDE, CATEGORY, CENTRE = "330482-GA-001", "公安服务", "city"  # bookings: the resident ID card
QUERIES = [
    "身份证",
    "营业执照",
    "护照",
    "结婚登记",
    "社保",
    "不动产",
    "sfz",
    "shenfenzheng",
    "passport",
    "business licence",
]
MIX = {"search": 30, "guide": 30, "slots": 25, "booking": 15}  # per cent of requests
SLOT_READ_DAYS, MIX_SLOT_DAY = 7, 10  # slot reads ask for days 1–7 ahead; bookings go to day 10 (burst: 11)
DEVICES = 40  # kiosks: rate limits count per device, and a real city has dozens
REQUEST_TIMEOUT = 60
ENV = {"SECRET_KEY": secrets.token_urlsafe(50), "PERSONAL_DATA_KEY": secrets.token_urlsafe(48)}


# --- the server ---------------------------------------------------------------------------------------


def server_env(database_url: str, data_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "HTTPS")}
    return {
        **env,
        **ENV,
        "DATABASE_URL": database_url,
        "DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": SETTINGS,
    }


def manage(env: dict, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=REPO, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout


def prepare(env: dict) -> list[str]:
    """A fresh database as `make run` sets it up; the device tokens of DEVICES kiosks."""
    manage(env, "prepare")
    manage(env, "load_demo")
    manage(env, "collectstatic", "--no-input", "-v", "0")
    manage(env, "rebuild_search_index")
    script = (
        "import io\nfrom django.core.management import call_command\n"
        f"for n in range({DEVICES}):\n"
        "    out = io.StringIO()\n"
        "    call_command('create_kiosk_token', f'load-{n}', stdout=out, stderr=io.StringIO())\n"
        "    print('token', out.getvalue().strip())\n"
    )
    # the shell prints its own notices on stdout too
    return [line.split()[1] for line in manage(env, "shell", "-c", script).splitlines() if line.startswith("token ")]


def get_json(url: str):
    with urllib.request.urlopen(url, timeout=REQUEST_TIMEOUT) as response:  # noqa: S310 — our server
        return json.loads(response.read())


# --- the client: plain asyncio streams, one connection per request (gunicorn's sync workers close it) ---


async def request(port: int, method: str, path: str, body: dict | None = None, headers: dict | None = None):
    """(status, body bytes, seconds); status 0 when the connection failed or timed out."""
    payload = json.dumps(body).encode() if body is not None else b""
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close", "Accept: application/json"]
    if body is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {len(payload)}"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    started = time.perf_counter()
    writer = None
    try:
        async with asyncio.timeout(REQUEST_TIMEOUT):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + payload)
            await writer.drain()
            data = await reader.read()
        status = int(data.split(b" ", 2)[1])
        content = data.partition(b"\r\n\r\n")[2]
    except (OSError, TimeoutError, ValueError, IndexError):
        status, content = 0, b""
    finally:
        if writer is not None:
            writer.close()
    return status, content, time.perf_counter() - started


class Workload:
    """What the clients send: the mix of DESIGN.md §6 calls a kiosk and the website make."""

    def __init__(
        self, port: int, tokens: list[str], guides: list[str], slot_paths: list[str], booking_slots: list[int]
    ):
        self.port, self.tokens, self.guides = port, tokens, guides
        self.slot_paths, self.booking_slots = slot_paths, booking_slots
        self.kinds, self.weights = list(MIX), list(MIX.values())
        self.random = random.Random(8)

    def device(self) -> dict:
        return {"Authorization": f"Bearer {self.random.choice(self.tokens)}"}

    def booking(self, slot: int, person: int) -> tuple[str, str, dict, dict]:
        body = {
            "slot": slot,
            "guide": GUIDE,
            "name": f"测试{person}",
            "phone": f"139{person % 10**8:08d}",
            "id_number": id_number(person),
            **CONSENT,
        }
        return "POST", "/api/v1/bookings", body, {**self.device(), "Idempotency-Key": str(uuid.uuid4())}

    def next(self, person: int) -> tuple[str, tuple]:
        kind = self.random.choices(self.kinds, self.weights)[0]
        if kind == "search":
            query = urllib.parse.quote(self.random.choice(QUERIES))
            return kind, ("GET", f"/api/v1/guides?q={query}&limit=10", None, None)
        if kind == "guide":
            return kind, ("GET", f"/api/v1/guides/{self.random.choice(self.guides)}", None, None)
        if kind == "slots":
            return kind, ("GET", self.random.choice(self.slot_paths), None, self.device())
        return kind, self.booking(self.random.choice(self.booking_slots), person)


class People:
    """Distinct applicants across the whole run (one booking per person and guide is the rule)."""

    def __init__(self):
        self.n = 0

    def next(self) -> int:
        self.n += 1
        return self.n


async def run_mix(work: Workload, people: People, concurrency: int, seconds: float, kinds=None) -> dict:
    """`concurrency` clients, each sending its next request as soon as the last is answered, for `seconds`."""
    results = []
    deadline = time.perf_counter() + seconds

    async def client():
        while time.perf_counter() < deadline:
            kind, call = kinds() if kinds else work.next(people.next())
            status, content, elapsed = await request(work.port, *call)
            results.append((kind, outcome(status, content), elapsed))

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    return summarise(results, time.perf_counter() - started)


def percentiles(values: list[float]) -> tuple[float, float, float]:
    if len(values) < 2:
        return (values[0] * 1000,) * 3 if values else (0.0, 0.0, 0.0)
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49] * 1000, cuts[94] * 1000, cuts[98] * 1000


def outcome(status: int, content: bytes) -> str | int:
    """The status, with the error code of the §6 error shape for a refusal: "409 slot_full"."""
    if status < 400:
        return status
    try:
        return f"{status} {json.loads(content)['error']['code']}"
    except (ValueError, KeyError, TypeError):
        return status


def summarise(results: list[tuple[str, int | str, float]], seconds: float) -> dict:
    by_kind = defaultdict(list)
    for kind, status, elapsed in results:
        by_kind[kind].append((status, elapsed))
    kinds = {}
    for kind, rows in by_kind.items():
        kinds[kind] = {
            "requests": len(rows),
            "rps": len(rows) / seconds,
            "statuses": dict(sorted(Counter(s for s, _ in rows).items(), key=str)),
            "ms": percentiles([e for _, e in rows]),
        }
    statuses = Counter(status for _, status, _ in results)
    codes = Counter(int(str(status).split()[0]) for status in statuses.elements())
    return {
        "requests": len(results),
        "seconds": seconds,
        "rps": len(results) / seconds,
        "ms": percentiles([e for _, _, e in results]),
        "statuses": dict(sorted(statuses.items(), key=str)),
        "server_errors": sum(n for s, n in codes.items() if s >= 500 or s == 0),
        "kinds": kinds,
    }


# --- the pieces of one database's run -----------------------------------------------------------------


class Slots:
    """Bookable slots made straight in the database, at distinct minutes of a day that no slot read touches
    (a slot read re-syncs its day with the opening hours, closing slots outside them)."""

    def __init__(self, raw: RawDatabase, day_offset: int):
        self.raw = raw
        self.centre = raw.execute("SELECT page_ptr_id FROM centres_centrepage WHERE code = %s", [CENTRE]).fetchone()[0]
        day = dt.datetime.now(TZ).date() + dt.timedelta(days=day_offset)
        self.next = dt.datetime.combine(day, dt.time(0, 0), tzinfo=TZ)

    def make(self, count: int, capacity: int) -> list[int]:
        ids = []
        for _ in range(count):
            ids.append(self.raw.insert_slot(self.centre, CATEGORY, self.next, minutes=1, capacity=capacity))
            self.next += dt.timedelta(minutes=1)
        return ids


def slot_paths(url: str, guides: list[str]) -> list[str]:
    """Slot lists that answer 200: each bookable guide at each of its centres, on the next SLOT_READ_DAYS days."""
    today = dt.datetime.now(TZ).date()
    paths = []
    for code in guides:
        for centre in get_json(f"{url}/api/v1/guides/{code}").get("centres", []):
            path = f"/api/v1/slots?guide={code}&centre={centre}&date={today + dt.timedelta(days=1)}"
            try:
                get_json(url + path)
            except OSError:  # not bookable, or not at this centre
                continue
            paths += [path.rsplit("=", 1)[0] + f"={today + dt.timedelta(days=d)}" for d in range(1, SLOT_READ_DAYS + 1)]
    return paths


async def burst(work: Workload, slots: Slots, people: People, rounds: int, capacity: int, factor: int) -> dict:
    """Per round a new slot of `capacity`, and capacity × factor booking attempts by distinct people at once."""
    results, ids = [], []
    started = time.perf_counter()
    for _ in range(rounds):
        (slot,) = slots.make(1, capacity)
        ids.append(slot)
        calls = [work.booking(slot, people.next()) for _ in range(capacity * factor)]
        answers = await asyncio.gather(*(request(work.port, *call) for call in calls))
        results += [("booked" if s == 201 else "overflow", outcome(s, c), e) for s, c, e in answers]
    summary = summarise(results, time.perf_counter() - started)
    counts = slots.raw.slot_counts(ids)
    summary["places"] = capacity * rounds
    summary["rows"] = sum(rows for _, _, rows in counts)
    summary["oversold"] = sum(max(rows - cap, 0) + (booked != rows) for cap, booked, rows in counts)
    return summary


def bench_database(name: str, database_url: str, data_dir: Path, args, port: int, soak: bool) -> dict:
    env = server_env(database_url, data_dir)
    print(f"\n== {name}: a fresh database, as `make run` prepares it", flush=True)
    started = time.perf_counter()
    tokens = prepare(env)
    print(f"   prepared in {time.perf_counter() - started:.0f} s; {len(tokens)} kiosk tokens", flush=True)
    raw = RawDatabase(database_url)
    mix_slots, burst_slots, people = Slots(raw, MIX_SLOT_DAY), Slots(raw, MIX_SLOT_DAY + 1), People()
    out = {"workers": {}}
    for workers in args.workers:
        print(f"   gunicorn, {workers} workers, port {port}", flush=True)
        with Gunicorn(env, data_dir, port, workers) as server:
            guides = [g["code"] for g in get_json(f"{server.url}/api/v1/guides?limit=100")["items"]]
            work = Workload(port, tokens, guides, slot_paths(server.url, guides), mix_slots.make(20, 100_000))
            asyncio.run(run_mix(work, people, args.concurrency, args.warmup))
            result = {"mix": asyncio.run(run_mix(work, people, args.concurrency, args.seconds))}
            if workers == max(args.workers):
                result["burst"] = asyncio.run(burst(work, burst_slots, people, args.burst_rounds, args.capacity, 10))
            if soak and workers == max(args.workers):
                result["memory_before"] = server.memory()
                result["soak"] = asyncio.run(run_mix(work, people, args.concurrency, args.soak_minutes * 60))
                result["memory_after"] = server.memory()
        out["workers"][workers] = result
        port += 1
    raw.close()
    return out


# --- the report ---------------------------------------------------------------------------------------


def line(label: str, s: dict) -> str:
    p50, p95, p99 = s["ms"]
    return f"{label:<18} {s['rps']:7.1f} req/s  p50 {p50:6.0f}  p95 {p95:6.0f}  p99 {p99:6.0f} ms  {s['statuses']}"


def report(name: str, result: dict, args) -> None:
    print(f"\n{name}")
    for workers, r in result["workers"].items():
        mix = r["mix"]
        print(f"  {workers} workers, {args.concurrency} clients, {mix['requests']} requests in {mix['seconds']:.0f} s")
        print("    " + line("mix", mix) + f"  5xx/failed: {mix['server_errors']}")
        for kind in MIX:
            if kind in mix["kinds"]:
                print("    " + line(f"  {kind}", mix["kinds"][kind]))
        if "burst" in r:
            b = r["burst"]
            print(
                f"    burst at slot release: {args.burst_rounds} new slots of {args.capacity}, "
                f"{args.capacity * 10} attempts each at once; {b['requests']} answers {b['statuses']}"
            )
            for kind in ("booked", "overflow"):
                if kind in b["kinds"]:
                    print("    " + line(f"  {kind}", b["kinds"][kind]))
            print(
                f"      rows {b['rows']} for {b['places']} places, oversells {b['oversold']}, "
                f"5xx/failed {b['server_errors']}"
            )
        if "soak" in r:
            s = r["soak"]
            print(f"    soak {args.soak_minutes:g} min: {s['requests']} requests, 5xx/failed {s['server_errors']}")
            print("    " + line("soak", s))
            before = {pid: (rss, pss) for pid, rss, pss in r["memory_before"]}
            for pid, rss, pss in r["memory_after"]:
                was = before.get(pid, (0, 0))
                print(
                    f"      worker {pid}: RSS {was[0] / 1024:.0f} → {rss / 1024:.0f} MB, "
                    f"PSS {was[1] / 1024:.0f} → {pss / 1024:.0f} MB"
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short runs of everything, to try the script")
    parser.add_argument("--only", choices=["sqlite", "postgresql"], help="run one database only")
    parser.add_argument("--workers", type=lambda s: [int(w) for w in s.split(",")], default=[2, 4])
    parser.add_argument("--concurrency", type=int, default=16, help="clients, each with one request in flight")
    parser.add_argument("--seconds", type=float, default=60, help="length of each mix run")
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument("--burst-rounds", type=int, default=5)
    parser.add_argument("--capacity", type=int, default=20, help="places in each burst slot")
    parser.add_argument("--soak-minutes", type=float, default=10)
    parser.add_argument("--soak-on", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--port", type=int, default=8300, help="first port; each server takes the next")
    args = parser.parse_args()
    if args.quick:
        args.seconds, args.warmup, args.burst_rounds = 8, 2, 2
        args.soak_minutes = min(args.soak_minutes, 0.5)
    load_before = os.getloadavg()
    results = {}
    with tempfile.TemporaryDirectory(prefix="onetrip-load-") as tmp:
        tmp = Path(tmp)
        runs = []
        if args.only != "postgresql":
            runs.append(("SQLite (WAL)", "sqlite", f"sqlite:///{tmp / 'sqlite' / 'onetrip.sqlite3'}"))
        if args.only != "sqlite":
            url = fresh_postgres_database(
                os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"), "onetrip_load"
            )
            if url:
                runs.append(("PostgreSQL", "postgresql", url))
        port = args.port
        for name, key, url in runs:
            (tmp / key).mkdir()
            results[name] = bench_database(name, url, tmp / key, args, port, soak=args.soak_on == key)
            port += len(args.workers)
    print(f"\nLoad benchmark ({os.cpu_count()} CPUs, Python {sys.version.split()[0]}); client and server share them")
    print(f"load average before {load_before[0]:.1f}, after {os.getloadavg()[0]:.1f}")
    for name, result in results.items():
        report(name, result, args)


if __name__ == "__main__":
    main()
