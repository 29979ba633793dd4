from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms.api.api import api
from cms.home import views as site_views
from cms.home.sitemaps import SITEMAPS
from cms.identity.views import notice_page

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v1/", api.urls),
    path("hall/", include("cms.hall.urls")),  # the hall display speaks both languages on one page
    path("identity/", include("cms.identity.urls")),  # sign-in: its callback URL is registered with the provider
    path("robots.txt", site_views.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("favicon.ico", site_views.favicon, name="favicon"),
    path("text-size/<str:size>/", site_views.text_size, name="text_size"),  # 长辈版 on and off, remembered
]

if settings.LOCAL_IDENTITY_PROVIDER:  # the demo identity provider, standing in for a real one (cms/identity)
    urlpatterns.append(path("idp/", include("cms.identity.provider")))

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# The public site in both languages: Chinese at /…, English at /en/… (LocaleMiddleware reads the prefix).
# Public pages belong in here, before Wagtail's catch-all.
urlpatterns += i18n_patterns(
    path("dashboard/", include("cms.services.urls")),
    path("booking/", include("cms.bookings.urls")),
    path("apply/", include("cms.applications.urls")),
    path("queue/", include("cms.hall.web_urls")),  # 网上取号: a ticket for today from the website
    path("search/", include("cms.search.urls")),
    path("my/", include("cms.people.urls")),  # 我的预约 · 我的办件, signed in
    path("privacy-notice/", notice_page, name="privacy_notice"),  # what booking and apply forms agree to
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
