"""The signed-in identity, kept in the web session (encrypted: the session table holds no ID number in clear).

A session ends when the browser closes (SESSION_EXPIRE_AT_BROWSER_CLOSE) and on sign-out.
"""

import json
from dataclasses import asdict, dataclass

from cryptography.fernet import InvalidToken

from cms.personal.keys import fernet, keyed_hash
from guides.applicants import ApplicantKind

SESSION_KEY = "onetrip_identity"
PENDING_KEY = "onetrip_identity_pending"  # signed in at the provider, consent to the notice not yet given


@dataclass(frozen=True)
class Identity:
    """A real-name identity vouched for by the identity provider: a citizen or a company."""

    kind: str  # ApplicantKind
    name: str
    identifier: str  # ID number or unified social credit code, canonical
    phone: str
    loa: int
    subject: str  # the provider's `sub`
    id_token: str = ""  # for the provider's sign-out (id_token_hint)

    @property
    def key(self) -> str:
        """The keyed hash bookings and applications are matched on (cms/bookings: Person.key)."""
        return keyed_hash(self.identifier)

    @property
    def is_company(self) -> bool:
        return self.kind == ApplicantKind.COMPANY


def _sealed(identity: Identity) -> str:
    return fernet().encrypt(json.dumps(asdict(identity)).encode()).decode()


def sign_in(request, identity: Identity) -> None:
    """A new session (no fixation) holding the identity."""
    request.session.pop(PENDING_KEY, None)
    request.session.cycle_key()
    request.session[SESSION_KEY] = _sealed(identity)


def hold(request, identity: Identity) -> None:
    """Keep a provider's answer until the person consents to the notice (not signed in meanwhile)."""
    request.session[PENDING_KEY] = _sealed(identity)


def held(request) -> Identity | None:
    return signed_in(request, PENDING_KEY)


def signed_in(request, key: str = SESSION_KEY) -> Identity | None:
    token = getattr(request, "session", {}).get(key)
    if not token:
        return None
    try:
        return Identity(**json.loads(fernet().decrypt(token.encode())))
    except (InvalidToken, TypeError, ValueError):
        return None
