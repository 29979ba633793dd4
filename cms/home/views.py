"""The site's small fixed addresses: robots.txt, /favicon.ico, the large-text switch (长辈版)."""

from django.contrib.staticfiles import finders
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from cms.core.urls import absolute

# The large-text mode is a cookie the server reads (so it works without JavaScript): a year, the whole site.
TEXT_SIZE_COOKIE = "text_size"
TEXT_SIZES = ("large", "standard")
TEXT_SIZE_MAX_AGE = 365 * 24 * 3600

# Pages of one person's business (bookings, applications, sign-in) and the machinery stay out of search engines.
ROBOTS_DISALLOW = ["/admin/", "/api/", "/identity/", "/idp/", "/hall/", "/text-size/"]
ROBOTS_DISALLOW_BOTH_LANGUAGES = ["/booking/", "/apply/", "/queue/", "/my/", "/search/"]


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request):
    lines = ["User-agent: *"]
    lines += [f"Disallow: {path}" for path in ROBOTS_DISALLOW]
    lines += [f"Disallow: {prefix}{path}" for path in ROBOTS_DISALLOW_BOTH_LANGUAGES for prefix in ("", "/en")]
    lines += ["", f"Sitemap: {absolute('/sitemap.xml', request)}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@require_GET
@cache_control(max_age=86400, public=True)
def favicon(request):
    """/favicon.ico, which browsers and bookmarks ask for whatever the page links; the file in cms/static."""
    found = finders.find("favicon.ico")
    if not found:
        raise Http404("favicon.ico is missing from the static files")
    return FileResponse(open(found, "rb"), content_type="image/x-icon")  # FileResponse closes it


@require_GET
def text_size(request, size: str):
    """Switch the large-text mode on or off and go back to the page the link was on (a plain link: no JavaScript)."""
    if size not in TEXT_SIZES:
        raise Http404("no such text size")
    back = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = "/"
    response = HttpResponseRedirect(back)
    if size == "large":
        response.set_cookie(TEXT_SIZE_COOKIE, "large", max_age=TEXT_SIZE_MAX_AGE, samesite="Lax", httponly=True)
    else:
        response.delete_cookie(TEXT_SIZE_COOKIE, samesite="Lax")
    return response
