"""One receipt number: a kiosk's own receipt, given to the citizen before it could reach the server, is
kept as the application's, so the website, the API and the kiosk all know the same number."""

import pytest
from django.core.cache import cache

from cms.applications.models import Application
from cms.devices.models import KioskDevice
from tests.cms.test_applications import IMMEDIATE, delivery_for, files_for, form_of, person, post_api

pytestmark = pytest.mark.django_db
KIOSK_RECEIPT = "K4W5UE8RHW"


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    settings.APPLICATION_FILES_DIR = tmp_path / "application-files"
    cache.clear()
    yield
    cache.clear()


def kiosk_token() -> str:
    device = KioskDevice(name="当湖街道自助终端")
    token = device.issue_token()
    device.save()
    return token


def application_data(receipt: str) -> dict:
    form = form_of(IMMEDIATE)
    return {"guide": IMMEDIATE, **person(), **delivery_for(form), **files_for(form), "receipt": receipt}


def test_a_kiosk_receipt_becomes_the_applications(client):
    response = post_api(client, application_data(KIOSK_RECEIPT.lower()), Authorization=f"Bearer {kiosk_token()}")
    assert response.status_code == 201
    assert response.json()["receipt"] == KIOSK_RECEIPT
    assert Application.objects.get().receipt == KIOSK_RECEIPT


def test_a_taken_malformed_or_non_kiosk_receipt_is_replaced(client):
    token = kiosk_token()
    assert post_api(client, application_data(KIOSK_RECEIPT), Authorization=f"Bearer {token}").status_code == 201
    again = post_api(client, application_data(KIOSK_RECEIPT), Authorization=f"Bearer {token}")
    assert again.status_code == 201 and again.json()["receipt"] != KIOSK_RECEIPT  # taken
    malformed = post_api(client, application_data("KIL0"), Authorization=f"Bearer {token}")
    assert malformed.status_code == 201 and malformed.json()["receipt"] != "KIL0"
    web = post_api(client, application_data("K22222222Z"))  # only a kiosk proposes its own
    assert web.status_code == 201 and web.json()["receipt"] != "K22222222Z"
    assert Application.objects.count() == 4
