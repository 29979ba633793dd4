"""The one place a `Refusal` becomes HTTP: the API's error shape (DESIGN.md §6),
`{"error": {"code", "message", "fields"}}` with its 4xx status, `Retry-After` when waiting helps; and the
website's answer to a limit, a page in the site's style with the same status and header.
"""

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import Http404
from django.shortcuts import render
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from guides.refusal import Refusal


class ErrorDetail(Schema):
    code: str
    message: str
    fields: dict[str, str] = {}


class ErrorBody(Schema):
    error: ErrorDetail


def error_body(code: str, message: str, fields=None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def refusal_body(refusal: Refusal) -> dict:
    """Both languages: kiosks and other programs show the half they need."""
    return error_body(refusal.code, refusal.message, refusal.field_messages())


def _with_retry_after(response, refusal: Refusal):
    if refusal.retry_after is not None:
        response["Retry-After"] = str(max(1, refusal.retry_after))
    return response


def error_response(api: NinjaAPI, request, status: int, code: str, message: str, fields=None):
    return api.create_response(request, error_body(code, message, fields), status=status)


def limit_page(request, refusal: Refusal):
    """The website's answer to a rate limit or a locked code: when to try again, in the page's language."""
    response = render(request, "core/limited.html", {"refusal": refusal}, status=refusal.status)
    return _with_retry_after(response, refusal)


TOO_LARGE = ("too_large", "请求体过大 / the request body is too large")


def install(api: NinjaAPI) -> None:
    @api.exception_handler(Refusal)
    def _refused(request, exc: Refusal):
        return _with_retry_after(api.create_response(request, refusal_body(exc), status=exc.status), exc)

    @api.exception_handler(RequestDataTooBig)
    def _too_large(request, exc):
        # A body without Content-Length that outgrows DATA_UPLOAD_MAX_MEMORY_SIZE while being read.
        return error_response(api, request, 413, *TOO_LARGE)

    @api.exception_handler(TooManyFieldsSent)
    def _too_many_fields(request, exc):
        return error_response(api, request, 413, "too_many_fields", "表单字段过多 / too many form fields")

    @api.exception_handler(ValidationError)
    def _invalid(request, exc: ValidationError):
        fields = {}
        for err in exc.errors:
            # ninja prefixes the location with where the value came from (query, body, path)
            loc = [str(part) for part in err.get("loc", ())[1:]] or ["request"]
            fields[".".join(loc)] = err.get("msg", "invalid")
        return error_response(api, request, 400, "invalid", "请求参数无效 / invalid request", fields)

    @api.exception_handler(Http404)
    def _not_found(request, exc):
        return error_response(api, request, 404, "not_found", "未找到 / not found")

    @api.exception_handler(AuthenticationError)
    def _unauthorised(request, exc):
        return error_response(
            api, request, 401, "unauthorised", "需要有效的设备令牌 / a valid device token is required"
        )

    @api.exception_handler(HttpError)
    def _http_error(request, exc: HttpError):
        return error_response(api, request, exc.status_code, "error", str(exc))
