"""`Idempotency-Key` for POSTs that create something (DESIGN.md §5): a replay returns the first response
and never makes a second record. The kiosk outbox resends after a lost answer; this makes that safe.

The key is stored on the created record itself (`IdempotentModel`), under a unique constraint, with
a keyed fingerprint of the request and the response first given. So "one record per key" is the
database's guarantee, and the record and its key are written in one transaction:

    idem = Idempotency.from_request(request, payload)         # 400 on a malformed key
    if (first := idem.replay(Booking.objects)) is not None:   # 422 if the key came with another request
        return idem.respond(*first)
    … inside the creating transaction, after taking the locks that serialise competing requests:
    idem.check_inside(Booking.objects)                        # raises Replay if a twin got there first
    idem.stamp(instance, 201, body)                           # (both do nothing without a key)
    instance.save()
    … and around the transaction, `except IntegrityError` → `idem.replay(...)` (the twin committed first).
"""

import json
import re
from dataclasses import dataclass

from django.db import models
from django.http import JsonResponse
from ninja.responses import NinjaJSONEncoder

from cms.api.errors import ApiError
from cms.personal.keys import keyed_hash

HEADER = "Idempotency-Key"
_KEY = re.compile(r"^[A-Za-z0-9._:\-]{8,100}$")


class IdempotentModel(models.Model):
    """Fields a created record carries so that replays of its POST find it and answer as the first time."""

    idempotency_key = models.CharField(max_length=100, null=True, blank=True, unique=True, editable=False)
    idempotency_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    idempotency_status = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    idempotency_response = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True


class Replay(Exception):
    """Raised inside a creating transaction when the key's record already exists."""

    def __init__(self, status: int, body: dict):
        super().__init__(status)
        self.status, self.body = status, body


@dataclass(frozen=True)
class Idempotency:
    key: str | None
    fingerprint: str

    @classmethod
    def from_request(cls, request, payload: dict) -> "Idempotency":
        key = request.headers.get(HEADER)
        if key is not None and not _KEY.match(key):
            raise ApiError(
                400,
                "invalid",
                "Idempotency-Key 格式无效 / malformed Idempotency-Key",
                {HEADER: "8–100 characters: letters, digits, . _ : -"},
            )
        # Keyed, because the payload may hold an ID number, whose plain hash could be guessed back.
        canonical = json.dumps([request.method, request.path, payload], sort_keys=True, ensure_ascii=False, default=str)
        return cls(key=key, fingerprint=keyed_hash(canonical))

    def _answer(self, record) -> tuple[int, dict]:
        if record.idempotency_fingerprint != self.fingerprint:
            raise ApiError(
                422,
                "idempotency_key_reused",
                "该 Idempotency-Key 已用于另一个请求 / this Idempotency-Key was used with a different request",
                {HEADER: "use a new key for a new request"},
            )
        return record.idempotency_status, record.idempotency_response

    def replay(self, queryset) -> tuple[int, dict] | None:
        """The first (status, body) given for this key, or None if the key is new or absent."""
        if self.key is None:
            return None
        record = queryset.filter(idempotency_key=self.key).first()
        return None if record is None else self._answer(record)

    def check_inside(self, queryset) -> None:
        """Inside the creating transaction: raise Replay if the key's record exists by now."""
        first = self.replay(queryset)
        if first is not None:
            raise Replay(*first)

    def stamp(self, instance: IdempotentModel, status: int, body: dict) -> None:
        """Before saving the created record: what a replay will answer (nothing to keep without a key)."""
        if not self.key:
            return
        instance.idempotency_key = self.key
        instance.idempotency_fingerprint = self.fingerprint
        instance.idempotency_status = status
        instance.idempotency_response = body

    @staticmethod
    def respond(status: int, body: dict) -> JsonResponse:
        """The replayed answer, marked as such."""
        response = JsonResponse(body, status=status, encoder=NinjaJSONEncoder, safe=False)
        response["Idempotent-Replayed"] = "true"
        return response
