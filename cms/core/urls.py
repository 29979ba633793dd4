"""Absolute links to our own pages: in API answers, QR codes and mails (DESIGN.md §6).

`SITE_URL` when set (behind a proxy, the public address); else the host the request came in on; else, with no
request (mails sent by jobs), `WAGTAILADMIN_BASE_URL`. Never Wagtail's Site record, whose "localhost:80"
default names a host nobody can reach.
"""

from urllib.parse import urlsplit

from django.conf import settings


def absolute(path: str, request=None) -> str:
    if settings.SITE_URL:
        return settings.SITE_URL + path
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def site_domain() -> str:
    """The host name that names our calendar events (`UID:<code>@<domain>`): the same from every channel."""
    return urlsplit(settings.WAGTAILADMIN_BASE_URL).hostname or "onetrip"
