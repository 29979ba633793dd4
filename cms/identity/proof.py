"""Levels of proof (DESIGN.md §3 实名认证, §5): what a booking's caller showed of who they are, and whose limits
the booking then counts against.

- *proven* — signed in with the real-name identity provider, or the ID card read at a kiosk: the ID number's
  own limits and bars apply;
- *claimed* — a typed ID number with the phone confirmed by a one-time code: the phone's limits and bars apply,
  never the ID number's, so typing someone's number spends or bars nothing of theirs;
- *typed* — a typed ID number, the phone unconfirmed: allowed only while `PHONE_CODES` is off (for older kiosks
  without the code step), counted on the ID number as before levels existed.
"""

from django.conf import settings

from cms.core.caller import Caller
from cms.identity.enums import Proof
from cms.personal.keys import keyed_hash
from guides.applicants import Applicant, FieldError, check_identifier, check_phone
from guides.refusal import Refusal, Text

PHONE_UNCONFIRMED = Refusal(
    400,
    "phone_unconfirmed",
    "请先用短信验证码确认手机号，或登录实名账号",
    "confirm the phone with a text-message code first, or sign in with your real-name account",
    {"phone_code": Text("请输入短信验证码", "enter the code sent to the phone")},
)


def _canonical_id(value: str) -> str:
    try:
        return check_identifier(value)[1]
    except FieldError:
        return ""


def _canonical_phone(value: str) -> str:
    try:
        return check_phone(value)
    except FieldError:
        return ""


def proof_of(caller: Caller, applicant: Applicant) -> Proof:
    """The level of the caller's claim to be `applicant`, or PHONE_UNCONFIRMED when a typed one needs a code."""
    if caller.proven and caller.id_number and _canonical_id(caller.id_number) == applicant.identifier:
        return Proof.PROVEN
    if caller.phone and _canonical_phone(caller.phone) == applicant.phone:
        return Proof.CLAIMED
    if settings.PHONE_CODES:
        raise PHONE_UNCONFIRMED
    return Proof.TYPED


def phone_key(phone: str) -> str:
    return keyed_hash(f"phone:{phone}")


def person_key(proof: Proof, identifier: str, phone: str) -> str:
    """Whose limits and bars a booking counts against: the phone's for a claimed one, else the ID number's."""
    return phone_key(phone) if proof == Proof.CLAIMED else keyed_hash(identifier)


def limited_identity(proof: Proof, identifier: str, phone: str) -> str:
    """What the per-ID-number rate limits count: for a claimed call the phone, never the number it names."""
    return f"phone:{phone}" if proof == Proof.CLAIMED else identifier
