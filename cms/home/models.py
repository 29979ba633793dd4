from wagtail.models import Page

from cms.services.models import GuideIndexPage


class HomePage(Page):
    """The site's root: search box and the seven window categories."""

    max_count = 1
    subpage_types = ["services.GuideIndexPage", "centres.CentreIndexPage"]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["categories"] = GuideIndexPage.objects.child_of(self).live().order_by("path")
        return context
