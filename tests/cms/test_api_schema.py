"""schemathesis against /api/v1/openapi.json (issue 8): every operation, every check, through the WSGI app.

Writes carry a kiosk's device token, so they are exercised, not only refused. Bounded: a few examples per
operation, so the whole file runs in well under two minutes.
"""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from cms.wsgi import application
from tests.support.api import kiosk_token

pytestmark = pytest.mark.django_db

# A schema-valid request may still be refused by a rule the schema cannot state (an ID number's check
# digit, a full slot, a limit): those answers are 4xx with the error shape, never a 5xx.
CONFIG = SchemathesisConfig.from_dict(
    {
        "generation": {"mode": "all"},  # schema-valid and schema-invalid requests
        "checks": {
            "positive_data_acceptance": {"expected-statuses": ["2xx", "400", "401", "403", "404", "409", "422", "429"]}
        },
    }
)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=CONFIG)


@pytest.fixture(autouse=True)
def _keep_the_test_transaction():
    """The WSGI app closes "old" database connections around each request, which would end the test's
    transaction on PostgreSQL; Django's own test client holds the same signal back."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def token():
    return kiosk_token("schemathesis")


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_conforms_to_its_schema(case, token):
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"})
