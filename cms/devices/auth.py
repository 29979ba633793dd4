"""`Authorization: Bearer <device token>` for kiosk writes (DESIGN.md §6)."""

import datetime as dt

from ninja.security import HttpBearer

from cms.core.caller import ID_SOURCE_HEADER, Caller
from cms.core.enums import Channel
from cms.devices.models import KioskDevice
from cms.devices.tokens import hash_token
from guides import clock
from guides.refusal import Refusal

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


def api_caller(request, id_number: str = "") -> Caller:
    """The caller of an API operation: a kiosk (its token), else a program or the website's own pages.
    A kiosk that read the ID number from the card says so (`X-Id-Number-Source: card`): that proves it."""
    auth = getattr(request, "auth", None)
    device = getattr(auth, "device", auth) if auth is not None else claimed_device(request)
    channel = Channel.KIOSK if device is not None else Channel.API
    proven = device is not None and request.headers.get(ID_SOURCE_HEADER, "").lower() == "card"
    return Caller.of(request, channel, device, id_number, proven)


def optional_device(request) -> KioskDevice | None:
    """The kiosk making the request, if it says it is one; a wrong or revoked token is refused (401)."""
    if not request.headers.get("Authorization"):
        return None
    device = claimed_device(request)
    if device is None:
        raise Refusal(401, "unauthorised", "需要有效的设备令牌", "a valid device token is required")
    return device
