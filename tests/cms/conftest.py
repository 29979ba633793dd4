"""Django fixtures: one test database per process, a copy of the run's template (page tree, demo centres,
catalogue, search index: tests/support/database.py), so no process migrates or loads the demo itself.

Each test runs in a transaction that is rolled back, so tests may change the loaded data freely.
"""

import itertools
import os

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.utils import translation

from tests.support.api import kiosk_token
from tests.support.bookings import future_slots
from tests.support.database import copy_sqlite, drop

_served = itertools.count(1)


@pytest.fixture(scope="session")
def django_db_setup(django_test_environment, django_db_blocker, django_db_modify_db_settings, database_template):
    """pytest-django's test database, as Django names it (in memory for SQLite; `test_NAME[_gwN]` on
    PostgreSQL), filled from the template instead of by migrations."""
    connection = connections["default"]
    original = connection.settings_dict["NAME"]
    name = connection.creation._get_test_db_name()
    with django_db_blocker.unblock():
        connection.close()
        if database_template.postgres:
            clone = database_template.clone(name)
        settings.DATABASES["default"]["NAME"] = connection.settings_dict["NAME"] = name
        connection.ensure_connection()
        if not database_template.postgres:
            copy_sqlite(database_template.url, connection.connection)
        database_template.copy_index(settings.SEARCH_INDEX_DIR)
    yield
    with django_db_blocker.unblock():
        connection.close()
        settings.DATABASES["default"]["NAME"] = connection.settings_dict["NAME"] = original
        if database_template.postgres:
            drop(clone)


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's default language: a page's `url` follows the active language, which a
    test run before it on the same worker may have left switched."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters and the metrics report live in the cache, which outlives a test's rolled-back
    transaction."""
    cache.clear()


@pytest.fixture(scope="module")
def database_url(database_template, tmp_path_factory):
    """A URL another process (a server a test starts) can open: a copy of the template, the same content
    as the test database before any test changed it. Dropped after the module on PostgreSQL."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    url = database_template.copy(f"served_{worker}_{next(_served)}", tmp_path_factory.mktemp("served"))
    yield url
    if database_template.postgres:
        drop(url)


@pytest.fixture
def slots():
    """Open 公安服务 slots at the city centre, in the booking window."""
    return future_slots("city", "公安服务")


@pytest.fixture
def kiosk():
    """A kiosk device token at the city centre."""
    return kiosk_token("city-1")
