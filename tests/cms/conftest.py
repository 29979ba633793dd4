"""Django fixtures: one test database per run, with the page tree, demo centres and catalogue loaded once.

Each test runs in a transaction that is rolled back, so tests may change the loaded data freely.
"""

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_demo", stdout=io.StringIO())


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters live in the cache, which outlives a test's rolled-back transaction."""
    cache.clear()
