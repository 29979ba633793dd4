"""The OpenID Connect client (Authlib): the one code that talks to the real-name identity provider.

The provider is the environment's `OIDC_ISSUER` (its discovery document gives every endpoint), or, without
one, the demo provider this site serves under /idp/ (cms/identity/provider.py), found at the host the request
came to. The ID token's claims (signature, issuer, audience, nonce and expiry checked by Authlib; PKCE on the
code) become an `Identity`; an account below `OIDC_MIN_LOA` is no real-name identity and is refused.
"""

from functools import cache

from authlib.integrations.django_client import OAuth
from django.conf import settings

from cms.identity.session import Identity
from cms.personal.keys import keyed_hash
from guides.applicants import ApplicantKind, FieldError, check_identifier, check_phone, clean_text
from guides.refusal import Refusal

LOCAL_ISSUER_PATH = "/idp/o"


def issuer(request) -> str:
    if settings.OIDC_ISSUER:
        return settings.OIDC_ISSUER
    return request.build_absolute_uri(LOCAL_ISSUER_PATH)


def client_secret() -> str:
    """The configured secret, or the demo provider's: derived from the personal-data key, so every worker
    and `load_demo` agree on it without a file."""
    return settings.OIDC_CLIENT_SECRET or keyed_hash("local identity provider client secret")[:48]


@cache
def _client(issuer_url: str):
    oauth = OAuth()
    return oauth.register(
        name="idp",
        client_id=settings.OIDC_CLIENT_ID,
        client_secret=client_secret(),
        server_metadata_url=f"{issuer_url}/.well-known/openid-configuration",
        client_kwargs={"scope": settings.OIDC_SCOPES, "code_challenge_method": "S256", "timeout": 10},
    )


def client(request):
    return _client(issuer(request))


NOT_REAL_NAME = Refusal(
    403,
    "not_real_name",
    "该账号未完成实名认证，请先在认证平台完成实名认证",
    "this account has not completed real-name verification with the identity provider",
)


def identity_from(claims: dict, id_token: str = "") -> Identity:
    """The identity the provider vouches for, or NOT_REAL_NAME if its claims do not make one."""
    names = settings.OIDC_CLAIMS
    try:
        loa = int(claims.get(names["loa"]) or 0)
    except (TypeError, ValueError):
        loa = 0
    uscc, id_number = claims.get(names["uscc"]), claims.get(names["id_number"])
    try:
        if uscc:
            kind, identifier = check_identifier(uscc, ApplicantKind.COMPANY)
        else:
            kind, identifier = check_identifier(id_number, ApplicantKind.PERSON)
        phone = check_phone(claims.get(names["phone"]))
    except FieldError:
        raise NOT_REAL_NAME from None
    name = clean_text(claims.get(names["name"]))
    if loa < settings.OIDC_MIN_LOA or not name:
        raise NOT_REAL_NAME
    return Identity(kind.value, name, identifier, phone, loa, str(claims.get("sub", "")), id_token)
