"""`Authorization: Bearer <device token>` for kiosk writes (DESIGN.md §6)."""

import datetime as dt

from ninja.security import HttpBearer

from cms.api.errors import ApiError
from cms.devices.models import KioskDevice
from cms.devices.tokens import hash_token
from guides import clock

_TOUCH_EVERY = dt.timedelta(minutes=1)  # at most one "last used" write a minute per device


def device_for_token(token: str) -> KioskDevice | None:
    device = KioskDevice.objects.filter(token_hash=hash_token(token), revoked_at__isnull=True).first()
    if device is not None:
        now = clock.now()
        if device.last_used_at is None or now - device.last_used_at > _TOUCH_EVERY:
            KioskDevice.objects.filter(pk=device.pk).update(last_used_at=now)
            device.last_used_at = now
    return device


class DeviceTokenAuth(HttpBearer):
    """Operations that need a kiosk: `request.auth` is its KioskDevice."""

    def authenticate(self, request, token):
        return device_for_token(token)


def claimed_device(request) -> KioskDevice | None:
    """The kiosk whose valid token the request carries, or None (no token, or a wrong or revoked one)."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return device_for_token(token.strip()) if scheme.lower() == "bearer" and token.strip() else None


def optional_device(request) -> KioskDevice | None:
    """The kiosk making the request, if it says it is one; a wrong or revoked token is refused (401)."""
    if not request.headers.get("Authorization"):
        return None
    device = claimed_device(request)
    if device is None:
        raise ApiError(401, "unauthorised", "需要有效的设备令牌 / a valid device token is required")
    return device
