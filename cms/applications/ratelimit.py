"""A fixed-window counter in the Django cache (Redis when REDIS_URL is set, shared by every app server).

Keys name the client address (hashed), never an ID number.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache

from cms.applications.services import Refusal


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def check_lookup_rate(request, scope: str = "lookup") -> None:
    """Count one status lookup from this client; past the limit, refuse with 429 until the window ends."""
    limit, window = settings.APPLICATION_LOOKUP_LIMIT
    key = f"applications:rl:{scope}:{hashlib.sha256(client_address(request).encode()).hexdigest()[:32]}"
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        count = 1
    if count > limit:
        raise Refusal(429, "rate_limited", "查询过于频繁，请稍后再试", "too many lookups; please try again later")
