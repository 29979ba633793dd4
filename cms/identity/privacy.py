"""Personal information, as PIPL asks: the notice and consent at first sign-in, and at first use for people not
signed in (`consented`: one rule for bookings and applications on every channel). Retention and what a signed-in
person can download about themself are `cms/people/data.py`; the staff access log is `StaffAccess`
(cms/people/admin_views.py writes it).
"""

import datetime as dt

from cms.core.caller import Caller
from cms.identity.models import Consent
from cms.identity.notice import NOTICE_VERSION
from cms.identity.session import Identity
from cms.personal.keys import keyed_hash
from guides import clock
from guides.applicants import FieldError, check_identifier
from guides.refusal import Refusal, Text

__all__ = ["NOTICE_VERSION", "consent", "consented", "has_consented", "refusal_for"]

CONSENT_NEEDED = Refusal(
    400,
    "consent_needed",
    "请阅读并同意《个人信息处理告知》",
    "please read and agree to the personal information notice",
    {"consent": Text("请勾选同意《个人信息处理告知》", "tick to agree to the personal information notice")},
)
CONSENT_OUTDATED = Refusal(
    400,
    "consent_outdated",
    "《个人信息处理告知》已更新，请阅读新版本后再同意",
    "the personal information notice has changed; please read the new one and agree again",
    {
        "consent": Text(
            f"告知已更新为 {NOTICE_VERSION} 版，请重新阅读并同意",
            f"the notice is now version {NOTICE_VERSION}; read it and agree again",
        )
    },
)


def has_consented(identity: Identity) -> bool:
    return Consent.objects.filter(key=identity.key, version=NOTICE_VERSION).exists()


def consent(identity: Identity) -> None:
    Consent.objects.get_or_create(key=identity.key, version=NOTICE_VERSION, defaults={"at": clock.now()})


def _canonical(identifier: str) -> str:
    try:
        return check_identifier(identifier)[1]
    except FieldError:
        return ""


def refusal_for(given: str) -> Refusal | None:
    """Why `given` (a form's or request's `consent`) is not agreement to the current notice, or None."""
    given = (given or "").strip()
    if given == NOTICE_VERSION:
        return None
    return CONSENT_OUTDATED if given else CONSENT_NEEDED


def consented(caller: Caller, identifier: str, given: str) -> tuple[str, dt.datetime]:
    """The notice version a booking or application for `identifier` records, and when it was agreed to.

    `given` is the version the caller agreed to with this request (the API's and the forms' `consent`): it
    must be the current one. A caller proven to be `identifier` (signed in, or the ID card read) who agreed
    at sign-in needs to give none. Otherwise a refusal on the `consent` field: missing, or outdated."""
    given = (given or "").strip()
    if given == NOTICE_VERSION:
        return NOTICE_VERSION, clock.now()
    if caller.proven and caller.id_number and _canonical(caller.id_number) == identifier:
        agreed = Consent.objects.filter(key=keyed_hash(identifier), version=NOTICE_VERSION).first()
        if agreed is not None:
            return NOTICE_VERSION, agreed.at
    raise refusal_for(given)
