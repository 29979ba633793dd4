"""A database that is restarting or unreachable answers 503 with Retry-After, never a 500.

The API gets the error shape of DESIGN.md §6; pages get a short plain page. Django drops the broken
connection at the end of the request and CONN_HEALTH_CHECKS makes the next request reconnect, so the
service recovers without a restart.
"""

import logging

from django.db import DataError, InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
API_PREFIX = "/api/"


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DataError):
            return _bad_value(request, exception)
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.warning("database unavailable: %s %s: %s", request.method, request.path, exception)
        if request.path.startswith(API_PREFIX):
            response = JsonResponse(
                {
                    "error": {
                        "code": "unavailable",
                        "message": "服务暂时不可用，请稍后重试 / the service is briefly unavailable; please retry",
                        "fields": {},
                    }
                },
                status=503,
            )
        else:
            response = HttpResponse(
                "<!doctype html><meta charset=utf-8><title>503</title>"
                "<p>服务暂时不可用，请稍后重试。</p><p>The service is briefly unavailable; please retry.</p>",
                status=503,
            )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response


def _bad_value(request, exception):
    """A value the database cannot hold (a number out of range, a character it refuses) came from the
    request and slipped past validation: the caller's mistake, so a 400, logged for us to tighten."""
    logger.warning("value refused by the database: %s %s: %s", request.method, request.path, exception)
    message = "请求中的某个值无法处理 / a value in the request cannot be processed"
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"error": {"code": "invalid", "message": message, "fields": {}}}, status=400)
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
