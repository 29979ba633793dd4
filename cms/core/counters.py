"""Counters every worker and every app server shares, changed atomically (never read-then-write).

With `REDIS_URL`, Redis (`INCR`, `SET NX`); otherwise the database, one `INSERT … ON CONFLICT … RETURNING`
per change (SQLite ≥ 3.35 and PostgreSQL), so `make run`'s workers count together and a killed worker
forgets nothing. Rate limits put their window in the key, so a counter never needs resetting, only removing
once expired (`purge`, run by the periodic jobs).
"""

import functools
import math

from django.conf import settings
from django.db import connection

from cms.core.models import Counter
from guides import clock

_TABLE = Counter._meta.db_table


@functools.cache
def _redis():
    import redis

    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)


def _now() -> float:
    return clock.now().timestamp()


def incr(key: str, ttl: float) -> int:
    """Add one to counter `key` (created at 0, kept `ttl` seconds) and return its new value."""
    if settings.REDIS_URL:
        pipe = _redis().pipeline()
        pipe.incr(key)
        pipe.expire(key, math.ceil(ttl))
        return int(pipe.execute()[0])
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_TABLE} (key, count, expires_at) VALUES (%s, 1, %s) "  # noqa: S608 — our table name
            f"ON CONFLICT (key) DO UPDATE SET count = {_TABLE}.count + 1 RETURNING count",
            [key, _now() + ttl],
        )
        return cursor.fetchone()[0]


def value(key: str) -> int:
    """The counter's value now, without changing it (0 if there is none)."""
    if settings.REDIS_URL:
        return int(_redis().get(key) or 0)
    row = Counter.objects.filter(key=key, expires_at__gt=_now()).values_list("count", flat=True).first()
    return row or 0


def claim(key: str, seconds: float) -> float:
    """Take `key` for `seconds` if nobody holds it: 0.0 if taken now, else the seconds until it is free."""
    now = _now()
    if settings.REDIS_URL:
        client = _redis()
        if client.set(key, 1, px=math.ceil(seconds * 1000), nx=True):
            return 0.0
        return max(client.pttl(key), 0) / 1000
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_TABLE} (key, count, expires_at) VALUES (%s, 1, %s) "  # noqa: S608 — our table name
            f"ON CONFLICT (key) DO UPDATE SET count = 1, expires_at = excluded.expires_at "
            f"WHERE {_TABLE}.expires_at <= %s RETURNING expires_at",
            [key, now + seconds, now],
        )
        if cursor.fetchone() is not None:
            return 0.0
        cursor.execute(f"SELECT expires_at FROM {_TABLE} WHERE key = %s", [key])  # noqa: S608
        row = cursor.fetchone()
    return max(row[0] - now, 0.0) if row else 0.0


def starting_with(prefix: str) -> dict[str, int]:
    """{key: value} of the live counters whose key starts with `prefix` (an admin's list of locks)."""
    if settings.REDIS_URL:
        client = _redis()
        keys = [k.decode() for k in client.scan_iter(match=f"{prefix}*")]
        return {k: int(v) for k, v in zip(keys, client.mget(keys) if keys else [], strict=True) if v is not None}
    rows = Counter.objects.filter(key__startswith=prefix, expires_at__gt=_now()).values_list("key", "count")
    return dict(rows)


def purge() -> int:
    """Remove expired counters from the database (Redis expires its own)."""
    deleted, _ = Counter.objects.filter(expires_at__lt=_now()).delete()
    return deleted


def forget(key: str) -> None:
    """Remove counter `key` (a lock lifted by hand)."""
    if settings.REDIS_URL:
        _redis().delete(key)
    else:
        Counter.objects.filter(key=key).delete()
