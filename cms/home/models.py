from django.db.models import Count
from wagtail.models import Page

from cms.services.models import GuideIndexPage, ServiceGuidePage


class HomePage(Page):
    """The site's root: search box, the seven window categories, and the reform in figures."""

    max_count = 1
    subpage_types = ["services.GuideIndexPage", "centres.CentreIndexPage"]

    def get_context(self, request, *args, **kwargs):
        from cms.services.dashboard import current_report

        context = super().get_context(request, *args, **kwargs)
        live = ServiceGuidePage.objects.live()
        counts = dict(live.order_by().values_list("category").annotate(n=Count("id")).values_list("category", "n"))
        categories = list(GuideIndexPage.objects.child_of(self).live().order_by("path"))
        for index in categories:
            index.guide_count = counts.get(index.category, 0)
        context["categories"] = categories
        total = current_report().total
        context["total"] = total
        context["headline"] = [total.figure(key) for key in ("one_visit", "immediate", "time_cut", "multi_centre")]
        return context
