"""Finding a booking or an application by its code and its holder's ID number, in a way that cannot be walked.

Counted per caller, per ID number and per code (`lookup` limits); and each wrong ID number given with a code
that exists counts against that code: after `LOOKUP_LOCK["failures"]` of them the code locks for
`LOOKUP_LOCK["minutes"]`, doubling with each further failure, until its holder proves who they are — their
ID card read at a kiosk (`Caller.proven`), or staff at a window removing the lock. A correct lookup does not
reset the count, or an attacker would only need the holder to look once. A wrong ID number and an unknown code
get the same 404, so codes cannot be told from the answer.
"""

import datetime as dt
import math

from django.conf import settings
from django.db import transaction
from django.db.models import F

from cms.core import limits
from cms.core.caller import Caller
from cms.core.models import LookupLock
from cms.personal.keys import keyed_hash
from guides import clock
from guides.applicants import FieldError, check_identifier
from guides.codes import normalise
from guides.refusal import Refusal, Text


def _lock_key(kind: str, code: str) -> str:
    return keyed_hash(f"lookup-lock:{kind}:{code}")


def id_number_of(caller: Caller) -> str:
    """The canonical ID number (or credit code) the caller gives, or a 400 saying it is missing or wrong."""
    if not caller.id_number:
        raise Refusal(
            400, "invalid", "请提供证件号", "the ID number is needed", {"id_number": Text("必填", "required")}
        )
    try:
        return check_identifier(caller.id_number)[1]
    except FieldError as error:
        raise Refusal(400, "invalid", error.text.zh, error.text.en, {"id_number": error.text}) from None


def _locked(lock: LookupLock | None, now: dt.datetime) -> Refusal | None:
    if lock is None or lock.locked_until is None or lock.locked_until <= now:
        return None
    until = lock.locked_until.astimezone(clock.TZ)
    return Refusal(
        429,
        "locked",
        f"此号码的证件号多次填写有误，已锁定至 {until:%H:%M}；也可携带身份证到自助终端或窗口查询",
        f"too many wrong ID numbers for this code: locked until {until:%H:%M}; or bring your ID card to a kiosk "
        "or a window",
        retry_after=math.ceil((lock.locked_until - now).total_seconds()),
    )


def _count_failure(kind: str, code: str, now: dt.datetime) -> None:
    policy = settings.LOOKUP_LOCK
    with transaction.atomic():
        lock, _ = LookupLock.objects.select_for_update().get_or_create(
            key=_lock_key(kind, code), defaults={"kind": kind, "code_hint": code[-4:]}
        )
        LookupLock.objects.filter(pk=lock.pk).update(failures=F("failures") + 1)
        lock.refresh_from_db(fields=["failures"])
        beyond = lock.failures - policy["failures"]
        if beyond >= 0:
            lock.locked_until = now + dt.timedelta(minutes=policy["minutes"] * 2**beyond)
            lock.save(update_fields=["locked_until", "updated_at"])


def find_held(kind: str, queryset, code_field: str, holder_field: str, code: str, caller: Caller, not_found: Text):
    """The record whose `code_field` is `code` and whose holder is the caller's ID number, else a refusal."""
    identifier = id_number_of(caller)
    code = normalise(code)
    limits.check("lookup", caller, id_number=identifier, code=code)
    now = clock.now()
    lock = LookupLock.objects.filter(key=_lock_key(kind, code)).first()
    if not caller.proven and (refusal := _locked(lock, now)) is not None:
        raise refusal
    record = queryset.filter(**{code_field: code, holder_field: keyed_hash(identifier)}).first()
    if record is None:
        if queryset.filter(**{code_field: code}).exists():
            _count_failure(kind, code, now)
        raise Refusal(404, "not_found", not_found.zh, not_found.en)
    if caller.proven and lock is not None:
        lock.delete()  # the holder's own card: whatever guessing went on before, the code is theirs again
    return record
