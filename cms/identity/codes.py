"""One-time codes that confirm a phone (a *claimed* identity, cms/identity/proof.py).

A code is six digits, kept only as a keyed hash, valid `PHONE_CODE["minutes"]`, and dies after
`PHONE_CODE["attempts"]` wrong tries. Sends are capped per phone, per address and per kiosk a day
(`phone_code` limits) with a pause between two sends to one phone, so nobody can bomb a phone with texts;
and every send also counts toward the caller's booking budget (`booking` limits, by address or kiosk).
"""

import dataclasses
import datetime as dt
import hmac
import math
import secrets

from django.conf import settings
from django.db import transaction
from django.db.models import F

from cms.core import counters, limits
from cms.core.caller import Caller
from cms.core.limits import RateLimited
from cms.identity.models import PhoneCode
from cms.identity.proof import phone_key
from cms.identity.sms import SmsError, backend
from cms.personal.keys import keyed_hash
from guides import clock
from guides.applicants import FieldError, check_phone
from guides.refusal import Refusal, Text


def _phone(value: str) -> str:
    try:
        phone = check_phone(value)
    except FieldError as error:
        raise Refusal(400, "invalid", error.text.zh, error.text.en, {"phone": error.text}) from None
    if not phone.startswith("1"):
        text = Text("验证码只能发送到手机号", "codes are sent to mobile numbers only")
        raise Refusal(400, "invalid", text.zh, text.en, {"phone": text})
    return phone


def _hash(phone: str, code: str) -> str:
    return keyed_hash(f"phone-code:{phone}:{code}")


def send(phone: str, caller: Caller, now: dt.datetime | None = None) -> int:
    """Text a new code to `phone`; the minutes it stays valid. A Refusal past a cap or if the text fails."""
    now = now or clock.now()
    phone = _phone(phone)
    # The pause first: a resend within it is refused without spending the day's sends.
    wait = counters.claim(f"phone-code-spacing:{phone_key(phone)[:32]}", settings.PHONE_CODE["spacing"])
    if wait:
        raise RateLimited(
            max(1, math.ceil(wait)),
            "验证码已发送，请稍候再重新获取",
            "a code was just sent to this phone; please wait before asking for another",
        )
    limits.check("booking", caller)
    limits.check("phone_code", caller, id_number=f"phone:{phone}")
    code = f"{secrets.randbelow(10**6):06d}"
    minutes = settings.PHONE_CODE["minutes"]
    with transaction.atomic():
        PhoneCode.objects.filter(phone_key=phone_key(phone)).delete()  # only the newest code counts
        PhoneCode.objects.create(
            phone_key=phone_key(phone),
            code_hash=_hash(phone, code),
            created_at=now,
            expires_at=now + dt.timedelta(minutes=minutes),
        )
    try:
        backend().send_code(phone, code, minutes)
    except SmsError as error:
        PhoneCode.objects.filter(phone_key=phone_key(phone)).delete()
        raise Refusal(
            503, "sms_unavailable", "短信暂时无法发送，请稍后再试", "the text could not be sent; please try later"
        ) from error
    return minutes


UNSENT = Refusal(503, "sms_unavailable", "短信暂时无法发送，请稍后再试", "the text could not be sent; please try later")
WRONG = Text("验证码不正确或已过期", "the code is wrong or has expired")


def confirm(phone: str, code: str, now: dt.datetime | None = None) -> str:
    """The canonical phone if `code` is its live code; else a Refusal on the `phone_code` field."""
    now = now or clock.now()
    phone = _phone(phone)
    code = "".join((code or "").split())
    row = PhoneCode.objects.filter(phone_key=phone_key(phone), expires_at__gt=now).order_by("-created_at").first()
    if row is None:
        raise Refusal(400, "invalid", WRONG.zh, WRONG.en, {"phone_code": WRONG})
    # Count the try first, atomically: of many tries at once no more than `attempts` are ever compared.
    tried = PhoneCode.objects.filter(pk=row.pk, attempts__lt=settings.PHONE_CODE["attempts"]).update(
        attempts=F("attempts") + 1
    )
    if not tried or not hmac.compare_digest(row.code_hash, _hash(phone, code)):
        raise Refusal(400, "invalid", WRONG.zh, WRONG.en, {"phone_code": WRONG})
    PhoneCode.objects.filter(pk=row.pk).update(attempts=F("attempts") - 1)  # a right code costs no try
    return phone


def confirmed(caller: Caller, phone: str, code: str) -> Caller:
    """The caller with `phone` confirmed if `code` is right (a Refusal if wrong); unchanged without a code."""
    if not (code or "").strip():
        return caller
    return dataclasses.replace(caller, phone=confirm(phone, code))


def purge(now: dt.datetime | None = None) -> int:
    """Expired codes removed (the periodic jobs)."""
    return PhoneCode.objects.filter(expires_at__lte=now or clock.now()).delete()[0]
