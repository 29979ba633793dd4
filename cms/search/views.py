"""The website's search page (server-rendered, works without JavaScript) and the search log in the admin."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from cms.core import i18n
from cms.search import log as search_log
from cms.search.models import Synonym
from cms.search.service import search_guides, suggest_guides
from cms.services.models import ServiceGuidePage
from guides.enums import WindowCategory

PER_PAGE = 10
SUGGESTIONS = 8


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
        # counted once per search, not per page of it; result links count an opened result for the
        # masked query (never the typed one: it may hold an ID number, and links end up in logs)
        context["logged"] = search_log.record_search(q, results.total) if number == 1 else search_log.masked(q)
        context["page_obj"] = Paginator(range(results.total), PER_PAGE).get_page(number) if results.total else None
    return render(request, "search/search.html", context)


@require_GET
def suggest(request):
    """Suggestions for the site's search boxes as the visitor types (cms/static/js/suggest.js): live guides
    only, each with its name and address in the page's language. Not logged: half-typed words are no searches."""
    q = request.GET.get("q", "").strip()[:100]
    hits = suggest_guides(q, limit=SUGGESTIONS) if q else []
    pages = {p.code: p for p in ServiceGuidePage.objects.live().filter(code__in=[h.code for h in hits])}
    items = [
        {"code": h.code, "name": i18n.pick(h.name, h.name_en), "url": pages[h.code].get_url(request)}
        for h in hits
        if h.code in pages
    ]
    response = JsonResponse({"items": items, "count": len(items)}, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "public, max-age=60"
    return response


@require_GET
def open_result(request):
    """A result opened from the search page: counted for its (masked) query, then the guide."""
    page = ServiceGuidePage.objects.live().filter(code=request.GET.get("guide", "")).first()
    if page is None:
        raise Http404("no such guide")
    search_log.record_open(request.GET.get("q", "")[:100])
    return redirect(page.get_url(request))


def admin_search_log(request):
    """The search log in the admin: a week's queries that found nothing or whose results were seldom
    opened, each with a form adding it as a synonym of an official name (a guide's name), and one adding
    it as a keyword of a guide, in one click."""
    if request.method == "POST":
        return _add_keyword(request) if request.POST.get("add") == "keyword" else _add_synonym(request)
    weeks = search_log.weeks()
    chosen = _week(request.GET.get("week", ""), weeks)
    guides = list(ServiceGuidePage.objects.live().order_by("code").values_list("code", "title"))
    names = sorted({title for _, title in guides})
    context = {
        "weeks": weeks,
        "week": chosen,
        "not_found": list(search_log.not_found(chosen)) if chosen else [],
        "few_opened": list(search_log.few_opened(chosen)) if chosen else [],
        "names": names,
        "guides": guides,
        "can_add": request.user.has_perm("search.add_synonym"),
        "kept_days": search_log.KEPT.days,
    }
    return render(request, "search/admin/search_log.html", context)


def _week(value: str, weeks: list[dt.date]) -> dt.date | None:
    try:
        week = dt.date.fromisoformat(value)
    except ValueError:
        return weeks[0] if weeks else None
    return week if week in weeks else (weeks[0] if weeks else None)


def _add_synonym(request):
    if not request.user.has_perm("search.add_synonym"):
        raise PermissionDenied
    term, official = request.POST.get("term", "").strip(), request.POST.get("official", "").strip()
    synonym = Synonym(term=term, official=official)
    try:
        synonym.full_clean()
    except ValidationError as exc:
        messages.error(request, "；".join(m for ms in exc.message_dict.values() for m in ms))
    else:
        synonym.save()
        messages.success(request, f"已添加同义词 Synonym added: {term} → {official}")
    return redirect(f"{reverse('search_log')}?week={request.POST.get('week', '')}")


def _add_keyword(request):
    """Add the query to a guide's keywords and publish that at once, as the editor could in the page editor:
    only for who may publish the guide, and not over a draft someone is still working on."""
    term, code = request.POST.get("term", "").strip()[:100], request.POST.get("guide", "").strip()
    back = redirect(f"{reverse('search_log')}?week={request.POST.get('week', '')}")
    page = ServiceGuidePage.objects.live().filter(code__iexact=code).first()
    if page is None or not term:
        messages.error(request, f"没有编码为 {code} 的已发布事项 / No published guide has the code {code!r}.")
        return back
    if not page.permissions_for_user(request.user).can_publish():
        raise PermissionDenied
    if page.has_unpublished_changes:
        messages.error(
            request,
            f"{page.title} 有未发布的修改，请在编辑页添加关键词 / {page.title} has unpublished changes: "
            "add the keyword in its editor.",
        )
        return back
    page = page.specific.get_latest_revision_as_object()
    if term in [block.value for block in page.keywords]:
        messages.info(request, f"{page.title} 已有关键词 already has the keyword {term}")
        return back
    page.keywords.append(("item", term))
    page.save_revision(user=request.user, log_action=True).publish(user=request.user)
    messages.success(request, f"已添加关键词并发布 Keyword added and published: {term} → {page.title}")
    return back
