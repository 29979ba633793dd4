"""sitemap.xml: every live guide and centre, in Chinese with its English address as an alternate, dated by
its last publication (Django's sitemaps framework; the other pages are reached from these)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap

from cms.centres.models import CentrePage
from cms.services.models import ServiceGuidePage


class _LivePages(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    languages = ["zh-hans", "en"]
    model = None

    def items(self):
        return self.model.objects.live().public().order_by("path")

    def location(self, item) -> str:
        return item.url  # in the language the framework activates for each entry: /… or /en/…

    def lastmod(self, item):
        return item.last_published_at

    def get_domain(self, site=None) -> str:
        # SITE_URL when set (behind a proxy, the public address), else the host asked (cms/core/urls.py)
        if settings.SITE_URL:
            return urlsplit(settings.SITE_URL).netloc
        return super().get_domain(site)

    def get_protocol(self, protocol=None) -> str:
        if settings.SITE_URL:
            return urlsplit(settings.SITE_URL).scheme
        return super().get_protocol(protocol)


class GuideSitemap(_LivePages):
    model = ServiceGuidePage
    changefreq = "weekly"
    priority = 0.8


class CentreSitemap(_LivePages):
    model = CentrePage
    changefreq = "weekly"
    priority = 0.6


SITEMAPS = {"guides": GuideSitemap, "centres": CentreSitemap}
