"""Refuse text containing NUL (U+0000) before anything uses it: a 400, never a 500.

PostgreSQL cannot store or even compare a NUL in a text value, so `?guide=%00` would otherwise fail
deep in the database layer (schemathesis found it on the slots endpoint). No citizen types one, so
it is refused in every path and query string and in JSON and form bodies. Multipart bodies are left to
the upload parser (cms/applications/uploads.py), which must be the first to read them.
"""

from django.http import HttpResponseBadRequest, JsonResponse

from cms.core.errors import error_body

MESSAGE = "请求含有不允许的空字符 (U+0000) / the request contains a NUL character (U+0000), which is not allowed"


def _nul_field(request) -> str | None:
    if "\x00" in request.path:
        return "path"
    for name, values in request.GET.lists():
        if "\x00" in name or any("\x00" in v for v in values):
            return name.replace("\x00", "")
    content_type = request.content_type or ""
    if content_type == "application/json" and (b"\\u0000" in request.body or b"\x00" in request.body):
        return "body"
    if content_type == "application/x-www-form-urlencoded":
        for name, values in request.POST.lists():
            if "\x00" in name or any("\x00" in v for v in values):
                return name.replace("\x00", "")
    return None


class NulCharacterRefusal:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        field = _nul_field(request)
        if field is None:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse(error_body("invalid", MESSAGE, {field or "query": "contains U+0000"}), status=400)
        return HttpResponseBadRequest(MESSAGE, content_type="text/plain; charset=utf-8")
