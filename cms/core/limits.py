"""Rate limits and the slot-release throttle: the counting (docs/security.md). Which limits apply to which
operation is the service layer's decision (cms/bookings/services.py, cms/applications/services.py): they call
these with the operation's `Caller`, so the API, the website and the kiosk are held to the same.

A call is counted in its scope (`settings.API_RATE_LIMITS`) once per identity it carries:
- `device` — a kiosk, by its id (many citizens share one kiosk, so it gets a larger budget);
- `ip` — any other caller, by its address (an IPv6 caller by its /64);
- `id_number` — the ID number or credit code the call names, whoever sends it;
- `code` — the booking code or receipt the call looks up, so one code cannot be walked from many addresses.
Counters are shared by every worker and server and change atomically (cms/core/counters.py); their keys hold
keyed hashes (cms/personal), never an address, an ID number or a code in plain text. Past any limit: a
`RateLimited` refusal, 429 with the seconds until that window ends.
"""

import datetime as dt
import math

from django.conf import settings

from cms.core import counters
from cms.core.caller import Caller
from cms.personal.keys import keyed_hash
from guides import clock
from guides.refusal import Refusal


class RateLimited(Refusal):
    def __init__(
        self,
        retry_after: int,
        zh: str = "请求过于频繁，请稍后再试",
        en: str = "too many requests; please try again later",
    ):
        super().__init__(429, "rate_limited", zh, en, retry_after=retry_after)


def _canonical(value: str) -> str:
    return "".join(value.split()).upper()


def identities(caller: Caller, id_number: str = "", code: str = "", by_caller: bool = True) -> dict[str, str]:
    """{dimension: keyed hash} of what this call is counted by."""
    found = {}
    if by_caller:
        found = (
            {"device": f"device:{caller.device.pk}"} if caller.device is not None else {"ip": f"ip:{caller.address}"}
        )
    if id_number and id_number.strip():
        found["id_number"] = f"id:{_canonical(id_number)}"
    if code and code.strip():
        found["code"] = f"code:{_canonical(code)}"
    return {dimension: keyed_hash(f"ratelimit:{value}")[:32] for dimension, value in found.items()}


def _windows(scope: str, caller: Caller, id_number: str, code: str, by_caller: bool):
    """(counter key, limit, seconds to the window's end) per identity the scope limits."""
    limits = settings.API_RATE_LIMITS.get(scope, {})
    now = clock.now().timestamp()
    for dimension, hashed in identities(caller, id_number, code, by_caller).items():
        if dimension in limits:
            limit, window = limits[dimension]
            # The window's length and start in the key: no race between expiry and counting, and two window
            # lengths (a setting changed while counters live) never share a counter when their starts coincide.
            start = int(now // window) * window
            key = f"rl:{scope}:{dimension}:{hashed}:{window}:{start}"
            yield key, limit, window, math.ceil(start + window - now)


def check(scope: str, caller: Caller, id_number: str = "", code: str = "", by_caller: bool = True) -> None:
    """Count one call in `scope`; raise RateLimited if any of its identities is over its limit."""
    waits = [
        wait
        for key, limit, window, wait in _windows(scope, caller, id_number, code, by_caller)
        if counters.incr(key, window + 1) > limit
    ]
    if waits:
        raise RateLimited(max(1, max(waits)))


def refuse_if_spent(scope: str, caller: Caller) -> None:
    """Refuse a caller whose budget in `scope` is already spent, without counting this call (which `check`
    will count once the request is understood): lets an upload be refused before its body is read."""
    waits = [wait for key, limit, _, wait in _windows(scope, caller, "", "", True) if counters.value(key) >= limit]
    if waits:
        raise RateLimited(max(1, max(waits)))


def in_release_period(slot_date: dt.date, last_date: dt.date, now: dt.datetime) -> bool:
    """Whether a booking for `slot_date` is made in the release period: each midnight (Asia/Shanghai) opens
    the booking window's new last day, `last_date`, and the first minutes after it are what bots race for."""
    local = now.astimezone(clock.TZ)
    return slot_date == last_date and local.hour * 60 + local.minute < settings.API_SLOT_RELEASE["minutes"]


def check_release(
    caller: Caller, slot_date: dt.date, last_date: dt.date, now: dt.datetime, id_number: str = ""
) -> None:
    """The slot-release fairness throttle: one booking attempt per caller and per ID number per `spacing` seconds."""
    if not in_release_period(slot_date, last_date, now):
        return
    spacing = settings.API_SLOT_RELEASE["spacing"]
    for dimension, hashed in identities(caller, id_number).items():
        wait = counters.claim(f"rl:release:{dimension}:{hashed}", spacing)
        if wait:
            raise RateLimited(
                max(1, math.ceil(wait)),
                f"新放号时段每 {spacing} 秒只能提交一次预约，请稍候",
                f"while new slots open, one booking attempt per {spacing} seconds; please wait",
            )
