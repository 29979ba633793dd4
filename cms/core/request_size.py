"""Refuse an oversized API request body before anything reads it: 413 in the API's error shape."""

from django.conf import settings
from django.http import JsonResponse

from cms.core.errors import TOO_LARGE, error_body


class ApiBodySizeLimit:
    """JSON bodies under /api/ are small (a booking is a few hundred bytes); uploads are capped by their
    own rules (cms/applications/uploads.py), so multipart bodies pass through to them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/") and not (request.content_type or "").startswith("multipart/"):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > settings.API_MAX_BODY_BYTES:
                return JsonResponse(error_body(*TOO_LARGE), status=413)
        return self.get_response(request)
