"""Abuse limits for the API and the public site (DESIGN.md §5, docs/security.md): fixed-window counters in
the Django cache (Redis when REDIS_URL is set, so every app server counts together).

A request is counted in its scope (`settings.API_RATE_LIMITS`) once per identity it carries:
- `device` — a kiosk, by its id (many citizens share one kiosk, so it gets a larger budget);
- `ip` — any other caller, by its address (an IPv6 caller by its /64, which one machine usually holds whole);
- `id_number` — the ID number or credit code the request names, whoever sends it.
Past any limit the answer is 429 with `Retry-After` (seconds to the end of that window) and the error shape.
Cache keys hold keyed hashes (cms/personal), never an address or an ID number in plain text.

`check_release` is the slot-release fairness throttle: in the minutes after a new day of slots opens for
booking, each caller may try to book at most once per `spacing` seconds, so volume buys no advantage.
"""

import datetime as dt
import ipaddress
import math
import time

from django.conf import settings
from django.core.cache import cache

from cms.api.errors import ApiError
from cms.personal.keys import keyed_hash
from guides.hours import TZ


class RateLimited(ApiError):
    """429 with the seconds to wait, which the error handler sends as `Retry-After`."""

    def __init__(self, retry_after: int, zh: str, en: str):
        super().__init__(429, "rate_limited", f"{zh} / {en}", headers={"Retry-After": str(retry_after)})
        self.retry_after = retry_after


def client_address(request) -> str:
    """The caller's address: REMOTE_ADDR, or the entry added by our own proxies to X-Forwarded-For."""
    address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.API_TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        # Our proxies append, so only the entry the outermost of them wrote can be trusted.
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _canonical_identifier(value: str) -> str:
    return "".join(value.split()).upper()


def identities(request, device=None, id_number: str = "", by_caller: bool = True) -> dict[str, str]:
    """{dimension: keyed hash} for what this request is counted by (the ID number alone if not `by_caller`)."""
    found = {}
    if by_caller:
        found = {"device": f"device:{device.pk}"} if device is not None else {"ip": f"ip:{client_address(request)}"}
    if id_number and id_number.strip():
        found["id_number"] = f"id:{_canonical_identifier(id_number)}"
    return {dimension: keyed_hash(f"ratelimit:{value}")[:32] for dimension, value in found.items()}


def _count(key: str, window: int) -> int:
    cache.add(key, 0, window + 1)
    try:
        return cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, window + 1)
        return 1


def check(scope: str, request, device=None, id_number: str = "", by_caller: bool = True) -> None:
    """Count one request in `scope`; raise RateLimited (429) if any of its identities is over its limit."""
    limits = settings.API_RATE_LIMITS.get(scope, {})
    now = time.time()
    waits = []
    for dimension, hashed in identities(request, device, id_number, by_caller).items():
        if dimension not in limits:
            continue
        limit, window = limits[dimension]
        start = int(now // window) * window  # the window in the key: no race between expiry and counting
        if _count(f"rl:{scope}:{dimension}:{hashed}:{start}", window) > limit:
            waits.append(math.ceil(start + window - now))
    if waits:
        raise RateLimited(max(1, max(waits)), "请求过于频繁，请稍后再试", "too many requests; please try again later")


def in_release_period(slot_date: dt.date, last_date: dt.date, now: dt.datetime) -> bool:
    """Whether a booking for `slot_date` is made in the release period: each midnight (Asia/Shanghai) opens
    the booking window's new last day, `last_date`, and the first minutes after it are what bots race for."""
    local = now.astimezone(TZ)
    return slot_date == last_date and local.hour * 60 + local.minute < settings.API_SLOT_RELEASE["minutes"]


def check_release(request, slot_date, last_date, now, device=None, id_number: str = "") -> None:
    """The slot-release fairness throttle: one booking attempt per caller and ID number per `spacing` seconds."""
    if not in_release_period(slot_date, last_date, now):
        return
    spacing = settings.API_SLOT_RELEASE["spacing"]
    for dimension, hashed in identities(request, device, id_number).items():
        key = f"rl:release:{dimension}:{hashed}"
        if not cache.add(key, time.time() + spacing, spacing):
            free_at = cache.get(key) or time.time() + spacing
            raise RateLimited(
                max(1, math.ceil(free_at - time.time())),
                f"新放号时段每 {spacing} 秒只能提交一次预约，请稍候",
                f"while new slots open, one booking attempt per {spacing} seconds; please wait",
            )
