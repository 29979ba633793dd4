"""Django fixtures: one test database per run, with the page tree, demo centres and catalogue loaded once.

Each test runs in a transaction that is rolled back, so tests may change the loaded data freely.
"""

import io
import sqlite3

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_demo", stdout=io.StringIO())


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters live in the cache, which outlives a test's rolled-back transaction."""
    cache.clear()


@pytest.fixture(scope="module")
def database_url(django_db_setup, django_db_blocker, tmp_path_factory) -> str:
    """A URL another process can open that holds the test database's tables and demo data.

    Taken before any test's transaction begins: SQLite's test database lives in memory, and a copy
    made from inside the transaction that wraps each test would wait for it to end.
    """
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        copy = tmp_path_factory.mktemp("served") / "served.sqlite3"
        with django_db_blocker.unblock():
            connection.ensure_connection()
            target = sqlite3.connect(copy)
            connection.connection.backup(target)
            target.close()
        return f"sqlite:///{copy}"
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    return f"postgres://{settings['USER']}{password}@{settings['HOST']}:{settings['PORT'] or 5432}/{settings['NAME']}"
