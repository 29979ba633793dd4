"""The demo identity provider's client and accounts (a few citizens and one company), for `make run` and the
tests: created by `load_demo` while no external issuer is configured, idempotent."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from oauth2_provider.models import Application

from cms.identity.models import DemoAccount
from cms.identity.oidc import client_secret
from guides.applicants import ApplicantKind

DEMO_PASSWORD = "demo-Pinghu-2026"  # noqa: S105 — the demo provider's shared password, printed by load_demo
# (account, kind, name, identifier, phone, level of assurance); the last citizen never finished real-name checks.
ACCOUNTS = [
    ("zhangming", ApplicantKind.PERSON, "张明", "330482198503120127", "13857300001", 3),
    ("lihua", ApplicantKind.PERSON, "李华", "330482199207080241", "13857300002", 3),
    ("wangfang", ApplicantKind.PERSON, "王芳", "330482197802150356", "13857300003", 1),
    ("pinghu-tech", ApplicantKind.COMPANY, "平湖示范科技有限公司", "91330482MA2B3C4D5Y", "057385000001", 3),
]
# RFC 8252: a loopback redirect URI matches on any port, so `make run` on any PORT and the tests' servers fit.
CALLBACK = "/identity/callback/"


def redirect_uris() -> str:
    uris = [f"http://127.0.0.1{CALLBACK}", f"http://[::1]{CALLBACK}"]
    if settings.SITE_URL:
        uris.append(f"{settings.SITE_URL}{CALLBACK}")
    return " ".join(uris)


@transaction.atomic
def load() -> list[str]:
    """Create or refresh the client and the accounts; the account names."""
    app = Application.objects.filter(client_id=settings.OIDC_CLIENT_ID).first() or Application(
        client_id=settings.OIDC_CLIENT_ID
    )
    app.name = "OneTrip"
    app.client_type = Application.CLIENT_CONFIDENTIAL
    app.authorization_grant_type = Application.GRANT_AUTHORIZATION_CODE
    app.algorithm = Application.RS256_ALGORITHM
    app.skip_authorization = True  # the provider asks no consent of its own demo users
    app.redirect_uris = redirect_uris()
    app.client_secret = client_secret()
    app.save()
    users = get_user_model()
    for username, kind, name, identifier, phone, loa in ACCOUNTS:
        user = users.objects.filter(username=f"idp-{username}").first() or users(username=f"idp-{username}")
        if not user.check_password(DEMO_PASSWORD):  # new, or hashed by a hasher this server lacks
            user.set_password(DEMO_PASSWORD)
            user.save()
        DemoAccount.objects.update_or_create(
            user=user, defaults={"kind": kind, "name": name, "identifier": identifier, "phone": phone, "loa": loa}
        )
    return [f"idp-{username}" for username, *_ in ACCOUNTS]
