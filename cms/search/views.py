"""The website's search page: server-rendered, works without JavaScript."""

from django.core.paginator import Paginator
from django.shortcuts import render

from cms.search.service import search_guides
from cms.services.models import ServiceGuidePage
from guides.enums import WindowCategory

PER_PAGE = 10


def _category(value: str) -> WindowCategory | None:
    if value in set(WindowCategory):
        return WindowCategory(value)
    try:
        return WindowCategory.from_slug(value)
    except KeyError:
        return None


def _page_number(value: str) -> int:
    try:
        return max(1, int(value))
    except ValueError:
        return 1


def search_page(request):
    q = request.GET.get("q", "").strip()[:100]
    category = _category(request.GET.get("category", ""))
    number = _page_number(request.GET.get("page", "1"))
    context = {"q": q, "category": category, "categories": list(WindowCategory), "results": None}
    if q:
        results = search_guides(
            q, category=category.value if category else None, limit=PER_PAGE, offset=(number - 1) * PER_PAGE
        )
        pages = {
            p.code: p
            for p in ServiceGuidePage.objects.live()
            .filter(code__in=[h.code for h in results.hits])
            .select_related("department")
        }
        # a hit the index still has but the database no longer publishes is left out
        context["items"] = [(hit, pages[hit.code]) for hit in results.hits if hit.code in pages]
        context["results"] = results
        context["page_obj"] = Paginator(range(results.total), PER_PAGE).get_page(number) if results.total else None
    return render(request, "search/search.html", context)
