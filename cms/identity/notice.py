"""The personal-information notice (PIPL): its version and what it says — what is collected, why, for how long.

One notice for everyone: shown at first sign-in (cms/identity/views.py), on its own page for the booking and
application forms to link to, and by `GET /api/v1/privacy-notice` for the kiosk. Change what it says and the
version changes too, so everyone is asked again. No models here: programs without Django's apps (load
clients, benchmarks) read the version.
"""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

NOTICE_VERSION = "2026-12-2"


def points() -> list[str]:
    """What the notice says, a point a line, in the active language."""
    return [
        _(
            "What we collect: your name, ID number or unified social credit code, mobile number and e-mail; for an "
            "application also the contact person, the delivery address and the files you upload; when you sign in, "
            "the level of real-name verification the identity provider reports."
        ),
        _(
            "Why: to book appointments and handle applications in your name, to keep each person's booking limits, "
            "and to send you notices."
        ),
        _(
            "How long: a booking's personal details are erased %(booking_days)d days after the visit; an "
            "application's when its department's archive period after it ends is over (%(application_days)d days "
            "unless the department sets another)."
        )
        % settings.RETENTION,
        _(
            "Every look-up of your data by staff is logged with who, when and why; signed in, you can download "
            "what we hold about you at any time."
        ),
    ]


def text(language: str) -> str:
    """The whole notice in `language` (zh-hans or en), a point a line."""
    with translation.override(language):
        return "\n".join(points())
