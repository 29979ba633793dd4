"""Two windows never call the same ticket: 40 waiting tickets, 6 windows' devices calling and finishing as fast
as they can at the same moment, through the real API served by gunicorn with several worker processes.

SQLite runs in the normal pass, on a file copy of the test database; PostgreSQL runs in the PostgreSQL pass of
`make test` (DATABASE_URL=postgres://…), against its test database.
"""

import datetime as dt
import json
import os
import subprocess
import sys
from collections import Counter

import dj_database_url
import pytest
from django.db import connection

from cms.centres.models import CentrePage
from cms.devices.tokens import hash_token, new_token, token_hint
from guides import clock
from tests.support.bookings import REPO, RawDatabase
from tests.support.servers import gunicorn

pytestmark = pytest.mark.django_db

TICKETS = 40
WINDOWS = 6
CATEGORY = "公安服务"
ON_POSTGRES = (
    dj_database_url.parse(os.environ.get("DATABASE_URL") or "sqlite://").get("ENGINE", "").endswith("postgresql")
)

# One window's device: wait for "go", then call-next and done until nobody waits; print what it called.
CLIENT = """
import json, sys, urllib.error, urllib.request
url, token = sys.argv[1], sys.argv[2]
def post(action):
    request = urllib.request.Request(f"{url}/api/v1/counters/me/{action}", data=b"", method="POST",
                                     headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
print("ready", flush=True)
sys.stdin.readline()
called, errors = [], []
while True:
    status, body = post("call-next")
    if status == 204:
        break
    if status != 200:
        errors.append([status, body.decode()])
        break
    called.append(json.loads(body)["ticket"])
    status, body = post("done")
    if status != 200:
        errors.append([status, body.decode()])
        break
print(json.dumps({"called": called, "errors": errors}), flush=True)
"""


def _seed(raw: RawDatabase, centre_id: int) -> list[str]:
    """WINDOWS police windows with tokens and TICKETS waiting police tickets today; the windows' tokens."""
    now = clock.now()
    columns = "name, centre_id, number, categories, token_hash, token_hint, created_at, pickup"
    insert = f"INSERT INTO hall_counter ({columns}) " + (
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)" if raw.sqlite else "VALUES (%s, %s, %s, %s::jsonb, %s, %s, %s, %s)"
    )
    tokens = []
    for n in range(WINDOWS):
        token = new_token()
        raw.execute(
            insert,
            [
                f"race-window-{n}",
                centre_id,
                900 + n,
                json.dumps([CATEGORY]),
                hash_token(token),
                token_hint(token),
                now,
                False,
            ],
        )
        tokens.append(token)
    for n in range(TICKETS):
        at = now - dt.timedelta(minutes=TICKETS - n)
        raw.execute(
            "INSERT INTO hall_ticket (centre_id, category, date, number, priority, status, issued_at, queue_at, "
            "recalls, transfers, idempotency_fingerprint, phone) "
            "VALUES (%s, %s, %s, %s, '', 'waiting', %s, %s, 0, 0, '', '')",
            [centre_id, CATEGORY, now.date(), f"R{n:03d}", at, at],
        )
    return tokens


def _clean(raw: RawDatabase) -> None:
    """A PostgreSQL test database outlives the test: remove what the run added."""
    raw.execute("DELETE FROM hall_ticket WHERE number LIKE 'R%%'")
    raw.execute("DELETE FROM hall_counter WHERE name LIKE 'race-window-%%'")


def _windows_call(url: str, tokens: list[str]) -> list[dict]:
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", CLIENT, url, token],
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for token in tokens
    ]
    try:
        for process in processes:  # a barrier: every window is up before any calls
            assert process.stdout.readline().strip() == "ready"
        for process in processes:
            process.stdin.write("go\n")
            process.stdin.flush()
        return [json.loads(process.communicate(timeout=300)[0].strip().splitlines()[-1]) for process in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()


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
def test_six_windows_forty_tickets_each_called_exactly_once(backend, database_url, tmp_path):
    assert connection.vendor == backend
    raw = RawDatabase(database_url)
    try:
        tokens = _seed(raw, CentrePage.objects.get(code="city").pk)
        with gunicorn(database_url, tmp_path, workers=4) as server:
            results = _windows_call(server, tokens)
        assert [r["errors"] for r in results] == [[]] * WINDOWS
        called = Counter(ticket for r in results for ticket in r["called"])
        assert sorted(called) == [f"R{n:03d}" for n in range(TICKETS)]  # every ticket called…
        assert set(called.values()) == {1}  # …exactly once
        assert sum(1 for r in results if r["called"]) > 1  # the windows really raced
        rows = raw.execute(
            "SELECT status, COUNT(*) FROM hall_ticket WHERE number LIKE 'R%%' GROUP BY status"
        ).fetchall()
        assert [tuple(row) for row in rows] == [("done", TICKETS)]
    finally:
        _clean(raw)
        raw.close()
