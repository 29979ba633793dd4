"""Who may write through the API (DESIGN.md §6, docs/security.md).

Reads are public. Writes need one of:
- a kiosk: `Authorization: Bearer <device token>` (a wrong or revoked token is 401, whatever else comes);
- the public website's own pages: a browser holding our CSRF cookie that sends the matching token
  (`X-CSRFToken`), checked by Django's CSRF middleware exactly as for a form post (origin included).
A request with neither is 401; a browser request whose CSRF check fails is 403.
"""

from dataclasses import dataclass

from django.http import QueryDict
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.datastructures import MultiValueDict
from ninja.security import HttpBearer

from cms.devices.auth import optional_device
from cms.devices.models import KioskDevice
from guides.refusal import Refusal, Text


@dataclass(frozen=True)
class Writer:
    """`request.auth` of a write: the kiosk, or None for the website."""

    device: KioskDevice | None


class _CsrfCheck(CsrfViewMiddleware):
    """Django's CSRF check, answering the reason for a refusal instead of a 403 page."""

    def _accept(self, request):
        return None

    def _reject(self, request, reason):
        return reason


def _not_a_view(request):  # process_view looks for `csrf_exempt` on the view; this one has none
    raise NotImplementedError


def csrf_refusal(request) -> str | None:
    """Why Django's CSRF check refuses this request, or None if it passes."""
    check = _CsrfCheck(lambda request: None)
    request.csrf_processing_done = False  # the middleware skipped the API's (csrf-exempt) views
    if (request.content_type or "").startswith("multipart/") and not hasattr(request, "_post"):
        # Django would parse the upload to look for a token field; the operation's own checking parser
        # reads it instead (cms/applications/uploads.py), so the token must come in the header.
        request._post, request._files = QueryDict(), MultiValueDict()
    check.process_request(request)
    return check.process_view(request, _not_a_view, (), {})


class WriteAccess(HttpBearer):
    """A kiosk's device token, or a same-site web session with its CSRF token."""

    openapi_description = "Kiosks: `Bearer <device token>`. The website: its session with the `X-CSRFToken` header."

    def __call__(self, request):
        if request.headers.get("Authorization"):
            return Writer(optional_device(request))
        reason = csrf_refusal(request)
        if reason is None:
            return Writer(None)
        if not request.META.get("CSRF_COOKIE"):
            raise Refusal(
                401,
                "unauthorised",
                "需要设备令牌，或带 CSRF 令牌的本站会话",
                "a device token, or this site's session with its CSRF token, is required",
            )
        raise Refusal(403, "csrf_failed", "CSRF 校验失败", "CSRF check failed", {"X-CSRFToken": Text(reason, reason)})

    def authenticate(self, request, token):  # __call__ above decides; HttpBearer requires the method
        return None
