"""`ETag` / `If-None-Match` on the reads kiosks poll (guides, centres, hours, slots, changes).

The tag is a hash of the answer, so the answer is still built; what a kiosk saves is the transfer and its own
work on an unchanged list (a 304 has no body). `Cache-Control: no-cache` lets caches keep an answer but makes
them ask again each time, which the tag makes cheap.
"""

from functools import wraps

from django.utils.cache import get_conditional_response, set_response_etag
from ninja.decorators import decorate_view


def _conditional(run):
    @wraps(run)
    def wrapper(request, *args, **kwargs):
        response = run(request, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200 or response.streaming:
            return response
        set_response_etag(response)
        response["Cache-Control"] = "no-cache"
        return get_conditional_response(request, etag=response["ETag"], response=response)

    return wrapper


etag = decorate_view(_conditional)
