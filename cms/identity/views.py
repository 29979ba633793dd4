"""Sign-in and sign-out on the website: /identity/sign-in/ sends the browser to the identity provider,
/identity/callback/ takes its answer, /identity/sign-out/ (POST) ends the session everywhere it can."""

import logging

from authlib.integrations.base_client import OAuthError
from django.contrib.auth import logout
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from requests import RequestException

from cms.identity import notice, oidc, privacy
from cms.identity.session import held, hold, signed_in
from cms.identity.session import sign_in as keep
from guides.refusal import Refusal

logger = logging.getLogger(__name__)
NEXT_KEY = "onetrip_identity_next"


def _safe_next(request, value: str) -> str:
    if value and url_has_allowed_host_and_scheme(value, {request.get_host()}, request.is_secure()):
        return value
    return "/my/bookings/"


@require_GET
def sign_in(request):
    request.session[NEXT_KEY] = _safe_next(request, request.GET.get("next", ""))
    try:
        return oidc.client(request).authorize_redirect(
            request, request.build_absolute_uri(reverse("identity:callback"))
        )
    except (OAuthError, RequestException, ValueError) as error:
        logger.warning("identity provider unreachable: %s", error.__class__.__name__)
        return _refused(request, UNREACHABLE, 503)


UNREACHABLE = Refusal(
    503,
    "unavailable",
    "实名认证平台暂时无法访问，请稍后再试",
    "the identity provider cannot be reached; please try later",
)
FAILED = Refusal(400, "sign_in_failed", "登录未完成，请重新登录", "the sign-in did not complete; please sign in again")


def _refused(request, refusal: Refusal, status: int):
    text = refusal.speak(translation.get_language() or "")
    return render(request, "identity/refused.html", {"message": text}, status=status)


@require_GET
def callback(request):
    try:
        token = oidc.client(request).authorize_access_token(request)
        identity = oidc.identity_from(token.get("userinfo") or {}, token.get("id_token", ""))
    except Refusal as refusal:
        return _refused(request, refusal, refusal.status)
    except OAuthError as error:
        logger.info("sign-in refused by the provider or invalid: %s", error.error)
        return _refused(request, FAILED, 400)
    except RequestException as error:
        logger.warning("identity provider unreachable: %s", error.__class__.__name__)
        return _refused(request, UNREACHABLE, 503)
    if not privacy.has_consented(identity):
        hold(request, identity)
        return redirect("identity:consent")
    keep(request, identity)
    return redirect(request.session.pop(NEXT_KEY, "/my/bookings/"))


@require_http_methods(["GET", "POST"])
def consent(request):
    """The personal-information notice at first sign-in: what is collected, why, for how long; agree or leave."""
    identity = held(request)
    if identity is None:
        return redirect("identity:sign_in")
    if request.method == "POST":
        if request.POST.get("agree") != "yes":
            logout(request)
            return redirect("/")
        privacy.consent(identity)
        target = request.session.pop(NEXT_KEY, "/my/bookings/")
        keep(request, identity)
        return redirect(target)
    context = {"name": identity.name, "points": notice.points(), "version": notice.NOTICE_VERSION}
    return render(request, "identity/consent.html", context)


@require_GET
def notice_page(request):
    """The personal-information notice on its own page, for everyone: the booking and application forms link
    here, and agreeing to it is ticking their box."""
    context = {"points": notice.points(), "version": notice.NOTICE_VERSION}
    return render(request, "identity/notice.html", context)


@require_POST
def sign_out(request):
    identity = signed_in(request)
    logout(request)  # flushes the whole session: the identity, remembered codes, the demo provider's login
    if identity is None or not identity.id_token:
        return redirect("/")
    client = oidc.client(request)
    try:
        metadata = client.load_server_metadata()
    except (RequestException, ValueError):
        return redirect("/")
    if not metadata.get("end_session_endpoint"):
        return redirect("/")
    return client.logout_redirect(
        request, post_logout_redirect_uri=request.build_absolute_uri("/"), id_token_hint=identity.id_token
    )
