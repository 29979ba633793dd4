"""Refuse an oversized request body before anything reads it: 413 in the API's error shape, or a short page for
the website's upload forms."""

from django.conf import settings
from django.http import HttpResponse, JsonResponse

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


class FormUploadSizeLimit:
    """The website's upload forms (/apply/…): Django reads a whole multipart body into temporary files before
    any view runs (the CSRF check reads the form), so a body larger than all files together may be is refused
    here, from its Content-Length, without reading it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and (request.content_type or "").startswith("multipart/"):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            total = settings.APPLICATION_UPLOAD_TOTAL_BYTES
            if not request.path.startswith("/api/") and length > total + 1024 * 1024:
                mb = f"{total / 1024 / 1024:g}"
                text = f"文件合计超过 {mb} MB，请缩小后重新提交 / the files together exceed {mb} MB: send smaller ones"
                page = f"<!doctype html><meta charset=utf-8><title>413</title><p>{text}</p><p><a href=''>←</a></p>"
                return HttpResponse(page, status=413)
        return self.get_response(request)
