"""Kiosk device tokens: printed once, stored hashed, managed and revoked in the admin."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from cms.devices.auth import device_for_token
from cms.devices.models import KioskDevice
from cms.devices.tokens import hash_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(user)
    return client


def test_create_kiosk_token_prints_a_token_once_and_stores_only_its_hash():
    out, err = io.StringIO(), io.StringIO()
    call_command("create_kiosk_token", "city-hall-1", "--centre", "city", stdout=out, stderr=err)
    token = out.getvalue().strip()
    assert token.startswith("otk_") and len(token) > 40 and "shown only once" in err.getvalue()
    device = KioskDevice.objects.get(name="city-hall-1")
    assert device.centre.code == "city"
    assert device.token_hash == hash_token(token) and token not in device.token_hash
    assert device_for_token(token) == device and device.token_hint == token[:10]


def test_a_second_call_replaces_the_token():
    first, second = io.StringIO(), io.StringIO()
    call_command("create_kiosk_token", "k", stdout=first, stderr=io.StringIO())
    call_command("create_kiosk_token", "k", stdout=second, stderr=io.StringIO())
    assert device_for_token(first.getvalue().strip()) is None
    assert device_for_token(second.getvalue().strip()).name == "k"
    assert KioskDevice.objects.filter(name="k").count() == 1


def test_unknown_centre_is_an_error():
    with pytest.raises(CommandError, match="no centre"):
        call_command("create_kiosk_token", "k", "--centre", "atlantis", stdout=io.StringIO())


def test_admin_creates_a_kiosk_and_shows_the_token_once(admin_client):
    response = admin_client.post("/admin/kiosks/new/", {"name": "zhapu-1", "centre": ""})
    assert response.status_code == 200
    device = KioskDevice.objects.get(name="zhapu-1")
    token = response.context["token"]
    assert token in response.content.decode() and device.token_hash == hash_token(token)
    listing = admin_client.get("/admin/kiosks/").content.decode()
    assert "zhapu-1" in listing and token not in listing and device.token_hint in listing


def test_admin_revokes_and_reissues(admin_client):
    device = KioskDevice(name="xindai-1")
    token = device.issue_token()
    device.save()
    admin_client.post(f"/admin/kiosks/edit/{device.pk}/", {"name": "xindai-1", "centre": "", "revoked": "on"})
    device.refresh_from_db()
    assert device.revoked_at is not None and device_for_token(token) is None
    response = admin_client.post(
        f"/admin/kiosks/edit/{device.pk}/", {"name": "xindai-1", "centre": "", "new_token": "on"}
    )
    new = response.context["token"]
    device.refresh_from_db()
    assert device.revoked_at is None and device_for_token(new) == device and device_for_token(token) is None
