"""Suite-wide: an optional pinned instant for the whole run, and no skip goes unnoticed.

- `ONETRIP_TEST_NOW="2026-12-04 23:30"` (Asia/Shanghai) runs the session at that instant, ticking, and every
  server a test starts follows (tests/support/clock.py). A test that pins its own instant wins.
- With `ONETRIP_STRICT_SKIPS=1` (`make test` sets it) a skip whose reason is not on `ALLOWED_SKIPS` fails the
  run: a test that exists must run somewhere in CI.
- `database_template`: the run's migrated, demo-loaded database, built once (tests/support/database.py);
  with `ONETRIP_TEST_TEMPLATE_ROOT=<folder>`, once for every run given that folder.
"""

import os
from pathlib import Path

import pytest

from tests.support.clock import at, travel
from tests.support.database import Template, run_template

# Each test here runs in the other pass of `make test` (SQLite first, then PostgreSQL), so CI runs it once.
ALLOWED_SKIPS = (
    "SQLite runs in the SQLite pass",
    "runs in the PostgreSQL pass (DATABASE_URL=postgres://…)",
    "restarts PostgreSQL: only when DATABASE_URL is PostgreSQL",
)


def pytest_configure(config):
    if instant := os.environ.get("ONETRIP_TEST_NOW"):
        config._onetrip_travel = travel(at(instant))
        config._onetrip_travel.start()


def pytest_unconfigure(config):
    if (traveller := getattr(config, "_onetrip_travel", None)) is not None:
        traveller.stop()


@pytest.fixture(scope="session")
def database_template(tmp_path_factory) -> Template:
    """Built by the first process of the run that needs it (xdist's workers share their basetemp's parent),
    or of the runs sharing the folder ONETRIP_TEST_TEMPLATE_ROOT (`make test`'s two runs of a pass)."""
    if shared := os.environ.get("ONETRIP_TEST_TEMPLATE_ROOT"):
        return run_template(Path(shared))
    root = tmp_path_factory.getbasetemp()
    return run_template(root.parent if os.environ.get("PYTEST_XDIST_WORKER") else root)


# Tests sharing a costly session fixture go to one xdist worker (`--dist loadgroup` in `make test`): one
# Kivy window and CMS, one browser and its site, one faults site.
GROUPS = {"tests/kiosk/": "kiosk", "tests/e2e/": "e2e", "tests/faults/": "faults"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        group = next((g for prefix, g in GROUPS.items() if item.nodeid.startswith(prefix)), None)
        if group:
            item.add_marker(pytest.mark.xdist_group(group))


def _skip_reason(report) -> str:
    return report.longrepr[2].removeprefix("Skipped: ") if isinstance(report.longrepr, tuple) else str(report.longrepr)


@pytest.hookimpl(trylast=True)
def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if os.environ.get("ONETRIP_STRICT_SKIPS") != "1":
        return
    unexpected = [
        (report.nodeid, _skip_reason(report))
        for report in terminalreporter.stats.get("skipped", [])
        if _skip_reason(report) not in ALLOWED_SKIPS
    ]
    if unexpected:
        terminalreporter.section("skips not on the allow-list (tests/conftest.py ALLOWED_SKIPS)", red=True)
        for nodeid, reason in unexpected:
            terminalreporter.line(f"{nodeid}: {reason}", red=True)


def pytest_sessionfinish(session, exitstatus):
    # The exit status is settled here; the summary above, printed later, names the skips.
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if os.environ.get("ONETRIP_STRICT_SKIPS") != "1" or reporter is None:
        return
    if any(_skip_reason(r) not in ALLOWED_SKIPS for r in reporter.stats.get("skipped", [])):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
