"""Faults under load, against a real gunicorn (production settings) on a copy of the run's test database:

- a worker SIGKILLed in the middle of bookings leaves no partial rows, and the server keeps answering;
- PostgreSQL restarted under load: every failure is a clean 503 in the error shape, and the service
  recovers by itself (only when DATABASE_URL is PostgreSQL; PostgreSQL is left running).
"""

import datetime as dt
import itertools
import json
import os
import secrets
import shutil
import signal
import subprocess
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from http.client import HTTPConnection, HTTPException

import dj_database_url
import pytest

from guides import clock
from guides.hours import TZ
from tests.support.bookings import CONSENT, RawDatabase, id_number
from tests.support.database import drop
from tests.support.servers import Gunicorn, free_port, manage

GUIDE, CATEGORY = "330482-GA-001", "公安服务"
DATABASE_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = dj_database_url.parse(DATABASE_URL or "sqlite://")["ENGINE"].endswith("postgresql")
CLIENTS = 8

pytestmark = pytest.mark.postgres_pass  # each pass of `make test` runs these on its own database


@pytest.fixture(scope="module")
def site(tmp_path_factory, database_template):
    """A database of its own (a copy of the run's test database: a SQLite file, or a database beside
    DATABASE_URL's) with kiosk tokens; the environment that serves it with production settings."""
    data_dir = tmp_path_factory.mktemp("faults")
    url = database_template.copy("faults", data_dir)
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "HTTPS")}
    env |= {
        "DJANGO_SETTINGS_MODULE": "cms.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "PERSONAL_DATA_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": url,
        "DATA_DIR": str(data_dir),
    }
    # several kiosks, as a centre has: the booking limit per device is not what these tests are about
    script = (
        "import io\nfrom django.core.management import call_command\n"
        f"for n in range({CLIENTS}):\n"
        "    out = io.StringIO()\n"
        "    call_command('create_kiosk_token', f'faults-{n}', stdout=out, stderr=io.StringIO())\n"
        "    print('token', out.getvalue().strip())\n"
    )
    tokens = [line.split()[1] for line in manage(env, "shell", "-c", script).splitlines() if line.startswith("token ")]
    yield {"env": env, "url": url, "data_dir": data_dir, "tokens": itertools.cycle(tokens)}
    if ON_POSTGRES:
        drop(url)


def new_slot(raw: RawDatabase, capacity: int, minute: int) -> int:
    """A slot inside the booking window at a minute no slot read re-syncs (nothing here reads that day's slots),
    made directly, so it needs no opening hours and suits any instant."""
    centre = raw.execute("SELECT page_ptr_id FROM centres_centrepage WHERE code = %s", ["city"]).fetchone()[0]
    day = clock.today() + dt.timedelta(days=4)  # any day inside the 14-day window
    start = dt.datetime.combine(day, dt.time(0, 0), tzinfo=TZ) + dt.timedelta(minutes=minute)
    return raw.insert_slot(centre, CATEGORY, start, minutes=1, capacity=capacity)


def call(port: int, method: str, path: str, body: dict | None = None, headers: dict | None = None):
    """(status, headers, parsed JSON or None); status 0 when the connection broke."""
    connection = HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        payload = json.dumps(body) if body is not None else None
        connection.request(method, path, body=payload, headers={"Content-Type": "application/json", **(headers or {})})
        response = connection.getresponse()
        content = response.read()
    except (OSError, HTTPException):  # refused, reset, or cut off mid-answer by a killed worker
        return 0, {}, None
    finally:
        connection.close()
    try:
        parsed = json.loads(content)
    except ValueError:
        parsed = None
    return response.status, dict(response.getheaders()), parsed


def booking(tokens, slot: int, person: int) -> tuple:
    body = {
        "slot": slot,
        "guide": GUIDE,
        "name": f"市民{person}",
        "phone": f"138{person:08d}",
        "id_number": id_number(person),
        **CONSENT,
    }
    headers = {"Authorization": f"Bearer {next(tokens)}", "Idempotency-Key": str(uuid.uuid4())}
    return "POST", "/api/v1/bookings", body, headers


class Load:
    """CLIENTS threads sending requests one after another until stopped; every answer kept."""

    def __init__(self, port: int, next_request):
        self.port, self.next_request = port, next_request
        self.answers: list[tuple[float, int, dict, object]] = []
        self.stop = threading.Event()
        self.pool = ThreadPoolExecutor(CLIENTS)

    def _client(self):
        while not self.stop.is_set():
            status, headers, body = call(self.port, *self.next_request())
            self.answers.append((time.monotonic(), status, headers, body))

    def __enter__(self):
        self.futures = [self.pool.submit(self._client) for _ in range(CLIENTS)]
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for future in self.futures:
            future.result()
        self.pool.shutdown()


def test_sigkill_of_a_worker_mid_booking_leaves_no_partial_rows(site, tmp_path):
    raw = RawDatabase(site["url"])
    slot = new_slot(raw, capacity=10_000, minute=0)
    people = iter(range(100_000, 200_000))
    killed = []
    with Gunicorn(site["env"], tmp_path, free_port(), workers=2) as server:
        with Load(server.port, lambda: booking(site["tokens"], slot, next(people))) as load:
            for _ in range(3):  # three kills, each while eight clients keep both workers busy
                time.sleep(2)
                victim = server.worker_pids()[0]
                os.kill(victim, signal.SIGKILL)
                killed.append(victim)
            last_kill = time.monotonic()
            deadline = time.monotonic() + 30  # the master forks a new worker in its place
            while (len(server.worker_pids()) < 2 or set(killed) & set(server.worker_pids())) and (
                time.monotonic() < deadline
            ):
                time.sleep(0.2)
            time.sleep(2)
        after_kills = call(server.port, *booking(site["tokens"], slot, next(people)))
        replacements = server.worker_pids()

    statuses = Counter(status for _, status, _, _ in load.answers)
    _, booked, rows = raw.slot_counts([slot])[0]
    (persons,) = raw.execute(
        "SELECT COUNT(*) FROM bookings_person p WHERE EXISTS (SELECT 1 FROM bookings_booking b "
        "WHERE b.person_id = p.id AND b.slot_id = %s) OR NOT EXISTS (SELECT 1 FROM bookings_booking b "
        "WHERE b.person_id = p.id)",
        [slot],
    ).fetchone()
    (events,) = raw.execute(
        "SELECT COUNT(*) FROM bookings_bookingevent e JOIN bookings_booking b ON b.id = e.booking_id "
        "WHERE b.slot_id = %s AND e.action = 'booked'",
        [slot],
    ).fetchone()
    raw.close()

    assert set(statuses) <= {201, 0}, statuses  # a killed request breaks its connection; nothing else fails
    assert statuses[0] >= 1, statuses  # the kills did cut requests off mid-way
    assert any(at > last_kill and status == 201 for at, status, _, _ in load.answers)  # bookings went on
    assert after_kills[0] == 201, after_kills
    assert len(replacements) == 2 and not set(killed) & set(replacements)
    # every row complete: the counter matches the rows, each booking has its event and its person, and
    # no person row was left behind by a killed transaction
    assert booked == rows, (booked, rows)
    assert events == rows and persons == rows, (events, persons, rows)
    # what was answered 201 is there; at most the killed requests committed without an answer
    assert statuses[201] + 1 <= rows <= statuses[201] + 1 + statuses[0], (statuses, rows)


def _postgres_ready(timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"], check=False).returncode == 0:
            return True
        time.sleep(0.5)
    return False


def _cluster_version() -> str:
    versions = sorted(os.listdir("/etc/postgresql"), key=lambda v: int(v) if v.isdigit() else 0)
    return versions[-1]


@pytest.mark.alone  # every other test's PostgreSQL connections break too
@pytest.mark.skipif(not ON_POSTGRES, reason="restarts PostgreSQL: only when DATABASE_URL is PostgreSQL")
@pytest.mark.skipif(shutil.which("pg_ctlcluster") is None, reason="needs a local cluster (pg_ctlcluster)")
def test_postgresql_restart_under_load_answers_503_and_recovers(site, tmp_path):
    raw = RawDatabase(site["url"])
    slot = new_slot(raw, capacity=10_000, minute=1)
    raw.close()
    people = iter(range(300_000, 400_000))
    reads = iter(range(10**9))

    def next_request():  # half bookings, half guide reads
        if next(reads) % 2:
            return booking(site["tokens"], slot, next(people))
        return "GET", f"/api/v1/guides/{GUIDE}", None, None

    with Gunicorn(site["env"], tmp_path, free_port(), workers=2) as server:
        with Load(server.port, next_request) as load:
            time.sleep(2)
            restarted_at = time.monotonic()
            try:
                subprocess.run(
                    ["pg_ctlcluster", "--skip-systemctl-redirect", _cluster_version(), "main", "restart"],
                    check=True,
                    capture_output=True,
                    timeout=60,
                )
            finally:
                assert _postgres_ready(60), "PostgreSQL did not come back"
            up_at = time.monotonic()
            time.sleep(8)  # recovery: the workers reconnect on their own
        recovered = [a for a in load.answers if a[0] > up_at + 3]

    statuses = Counter(status for _, status, _, _ in load.answers)
    failures = [a for a in load.answers if a[1] not in (200, 201)]
    assert failures, "the restart interrupted nothing: the test saw no fault"
    assert set(statuses) <= {200, 201, 503}, statuses
    for _, _, headers, body in failures:
        assert body["error"]["code"] == "unavailable" and body["error"]["message"], body
        assert int(headers["Retry-After"]) > 0
    assert min(at for at, *_ in failures) >= restarted_at
    assert recovered and all(status in (200, 201) for _, status, _, _ in recovered), Counter(
        status for _, status, _, _ in recovered
    )
