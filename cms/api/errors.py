"""The API's one error shape (DESIGN.md §6): `{"error": {"code", "message", "fields"}}` with a 4xx status."""

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import Http404
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError


class ErrorDetail(Schema):
    code: str
    message: str
    fields: dict[str, str] = {}


class ErrorBody(Schema):
    error: ErrorDetail


class ApiError(Exception):
    """Raise from an operation to answer with the error shape."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        fields: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(message)
        self.status, self.code, self.message, self.fields = status, code, message, fields or {}
        self.headers = headers or {}


def error_body(code: str, message: str, fields=None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def error_response(api: NinjaAPI, request, status: int, code: str, message: str, fields=None, headers=None):
    response = api.create_response(request, error_body(code, message, fields), status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


TOO_LARGE = ("too_large", "请求体过大 / the request body is too large")


def install(api: NinjaAPI) -> None:
    @api.exception_handler(ApiError)
    def _api_error(request, exc: ApiError):
        return error_response(api, request, exc.status, exc.code, exc.message, exc.fields, exc.headers)

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
