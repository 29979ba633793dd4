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


def _template_root(tmp_path_factory) -> Path:
    """The folder the run's processes share: xdist's workers share their basetemp's parent, and the runs given
    ONETRIP_TEST_TEMPLATE_ROOT (`make test`'s two runs of a pass) that folder."""
    if shared := os.environ.get("ONETRIP_TEST_TEMPLATE_ROOT"):
        return Path(shared)
    root = tmp_path_factory.getbasetemp()
    return root.parent if os.environ.get("PYTEST_XDIST_WORKER") else root


def _needs_template(item) -> bool:
    # pytest-django asks for the database of a `django_db` test at setup, so it is not among its fixture names.
    return "database_template" in item.fixturenames or item.get_closest_marker("django_db") is not None


@pytest.hookimpl(tryfirst=True)
def pytest_runtestloop(session):
    """Build the template before the first test when any test needs it: inside a test's fixture it counts
    against that test's pytest-timeout (600 s), which migrating and loading the demo can exceed on a busy
    machine. The fixture then finds it built."""
    if session.config.option.collectonly or not any(map(_needs_template, session.items)):
        return
    run_template(_template_root(session.config._tmp_path_factory))


@pytest.fixture(scope="session")
def database_template(tmp_path_factory) -> Template:
    """Built once for the run (see `pytest_runtestloop`) by whichever of its processes gets there first."""
    return run_template(_template_root(tmp_path_factory))


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
