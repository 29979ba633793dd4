"""`Idempotency-Key` for everything that creates a record (DESIGN.md §5): a replay gets the record the first
request made, never a second one. The kiosk outbox resends after a lost answer; this makes that safe.

Keys belong to a caller (`Caller.scope`: a kiosk, a web session, or else an address), so nobody can replay,
or block, another caller's key. The record keeps a keyed digest of its scoped key under a unique constraint,
and a keyed fingerprint of the request: one record per key is the database's guarantee, and a key sent again
with another request is refused (422). A replay answers the record as it is now (a booking cancelled since
is shown cancelled), not a copy of the first answer.

    idempotency = Idempotency.of(caller, key, payload)           # 400 on a malformed key
    booking, replayed = idempotent_create(idempotency, Booking.objects, make)
    # `make()` runs in a transaction and calls `idempotency.stamp(instance)` before saving.
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, models, transaction

from cms.core.caller import Caller
from cms.personal.keys import keyed_hash
from guides.refusal import Refusal, Text

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"  # on an answer that replays an earlier request's record
_KEY = re.compile(r"^[A-Za-z0-9._:\-]{8,100}$")


class IdempotentModel(models.Model):
    """Fields a created record carries so that replays of its request find it."""

    idempotency_key = models.CharField(max_length=100, null=True, blank=True, unique=True, editable=False)
    idempotency_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        abstract = True


@dataclass(frozen=True)
class Idempotency:
    key: str | None  # the keyed digest of caller scope and key, as stored; None without a key
    fingerprint: str

    @classmethod
    def of(cls, caller: Caller, key: str | None, payload: dict) -> "Idempotency":
        """From a key the caller sent (the header, or a web form's own key) and what the request asks."""
        if key is not None and not _KEY.match(key):
            raise Refusal(
                400,
                "invalid",
                "Idempotency-Key 格式无效",
                "malformed Idempotency-Key",
                {HEADER: Text("8–100 个字母、数字或 . _ : -", "8–100 characters: letters, digits, . _ : -")},
            )
        # Keyed, because the payload may hold an ID number, whose plain hash could be guessed back.
        canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
        scoped = keyed_hash(f"idempotency:{caller.scope}:{key}") if key else None
        return cls(key=scoped, fingerprint=keyed_hash(canonical))

    def find(self, queryset):
        """The record this key made, or None; a key reused for another request is refused (422)."""
        if self.key is None:
            return None
        record = queryset.filter(idempotency_key=self.key).first()
        if record is not None and record.idempotency_fingerprint != self.fingerprint:
            raise Refusal(
                422,
                "idempotency_key_reused",
                "该 Idempotency-Key 已用于另一个请求",
                "this Idempotency-Key was used with a different request",
                {HEADER: Text("新的请求请用新的键", "use a new key for a new request")},
            )
        return record

    def stamp(self, instance: IdempotentModel) -> None:
        """Before saving the created record (nothing to keep without a key)."""
        if self.key:
            instance.idempotency_key = self.key
            instance.idempotency_fingerprint = self.fingerprint


def idempotent_create[Record: models.Model](
    idempotency: Idempotency, queryset, make: Callable[[], Record]
) -> tuple[Record, bool]:
    """(record, replayed): the record this key made before, or the one `make()` makes now, in a transaction.

    A twin request that got there first shows up inside `make` as a unique-key clash or as a refusal its
    record causes (e.g. "already booked"); either way, if the key's record exists by now, it is the answer.
    """
    first = idempotency.find(queryset)
    if first is not None:
        return first, True
    try:
        with transaction.atomic():
            return make(), False
    except (IntegrityError, Refusal):
        first = idempotency.find(queryset)
        if first is not None:
            return first, True
        raise
