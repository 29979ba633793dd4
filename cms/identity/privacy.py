"""Personal information, as PIPL asks: the notice and consent at first sign-in. Retention and what a signed-in
person can download about themself are `cms/people/data.py`; the staff access log is `StaffAccess`
(cms/people/admin_views.py writes it).
"""

from cms.identity.models import Consent
from cms.identity.session import Identity
from guides import clock

NOTICE_VERSION = "2026-12"


def has_consented(identity: Identity) -> bool:
    return Consent.objects.filter(key=identity.key, version=NOTICE_VERSION).exists()


def consent(identity: Identity) -> None:
    Consent.objects.get_or_create(key=identity.key, version=NOTICE_VERSION, defaults={"at": clock.now()})
