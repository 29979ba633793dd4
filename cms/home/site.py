"""The page tree every OneTrip site has: home → one index per window category, and the centre index."""

from django.db import transaction
from wagtail.models import Page, Site

from cms.centres.models import CentreIndexPage
from cms.home.models import HomePage
from cms.services.models import GuideIndexPage
from guides.enums import WindowCategory


@transaction.atomic
def ensure_site_tree() -> HomePage:
    """Create what is missing (idempotent) and return the home page."""
    home = HomePage.objects.first()
    if home is None:
        # Wagtail's migration leaves a placeholder "Welcome" page (slug "home") under the root.
        Page.objects.filter(depth=2, content_type__model="page", content_type__app_label="wagtailcore").delete()
        home = Page.get_first_root_node().add_child(instance=HomePage(title="最多跑一次 · 平湖市政务服务", slug="home"))
        Site.objects.update_or_create(
            is_default_site=True,
            defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": "OneTrip"},
        )
    for category in WindowCategory:
        if not GuideIndexPage.objects.filter(category=category.value).exists():
            home.add_child(instance=GuideIndexPage(title=category.value, slug=category.slug, category=category.value))
    if not CentreIndexPage.objects.exists():
        home.add_child(instance=CentreIndexPage(title="服务中心", slug="centres"))
    return home
