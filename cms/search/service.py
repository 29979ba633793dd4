"""The CMS side of search: which index, what goes in it, and what happens when it is not there.

Everything else (signal handlers, commands, the API, the search page) goes through these functions.
"""

import logging
import threading
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.db import close_old_connections
from django.db.models import Case, IntegerField, Q, Value, When

from cms.search.models import Synonym
from cms.services.models import ServiceGuidePage
from cms.services.standard import guide_from_page
from guides.schema import Guide
from guides.search import (
    Hit,
    IndexUnavailable,
    SearchIndex,
    SearchResults,
    analysis,
    fingerprint,
    guide_data,
    open_index,
)
from guides.search.query import mark, snippet
from guides.search.synonyms import expand, synonym_map

log = logging.getLogger(__name__)

_PREFETCH = [
    "materials",
    "steps",
    "special_procedures",
    "faq",
    "fee_items",
    "co_department_links__department",
    "centre_links__centre",
]


def index() -> SearchIndex:
    return open_index(settings.SEARCH_INDEX_DIR, lock_timeout=settings.SEARCH_INDEX_LOCK_TIMEOUT)


def live_guides(codes: Iterable[str] | None = None) -> Iterator[Guide]:
    """Every live guide (or those with `codes`) in the standard, read in chunks."""
    pages = ServiceGuidePage.objects.live().select_related("department").prefetch_related(*_PREFETCH)
    if codes is not None:
        pages = pages.filter(code__in=list(codes))
    for page in pages.order_by("code").iterator(chunk_size=500):
        yield guide_from_page(page)


def synonym_rows() -> list[tuple[str, str]]:
    return list(Synonym.objects.values_list("term", "official"))


def rebuild(workers: int = 1, only_if_broken: bool = False) -> int:
    """Index every live guide from scratch, with the editors' synonyms; returns how many."""
    ix = index()
    ix.set_synonyms(synonym_rows())
    return ix.rebuild(live_guides(), workers=workers, only_if_broken=only_if_broken)


def sync(codes: Iterable[str]) -> None:
    """Bring the index in line with the database for these guides: live ones in, the rest out."""
    codes = set(codes)
    guides = list(live_guides(codes))
    ix = index()
    applied = ix.update(guides, delete=codes - {g.code for g in guides})
    if not applied and not ix.exists():
        request_rebuild("the index is missing")


def differences() -> dict[str, list[str]]:
    """Index against database: guides missing from the index, stale in it, or in it but not live.
    Raises IndexUnavailable if there is no readable index."""
    indexed = index().fingerprints()
    expected = {g.code: fingerprint(guide_data(g)) for g in live_guides()}
    return {
        "missing": sorted(expected.keys() - indexed.keys()),
        "stale": sorted(c for c in expected.keys() & indexed.keys() if expected[c] != indexed[c]),
        "extra": sorted(indexed.keys() - expected.keys()),
    }


# --- rebuilding after a failure -----------------------------------------------------------------------

_rebuilding = threading.Lock()


def request_rebuild(reason: str) -> None:
    """Rebuild the index, once per process at a time: in a background thread (a request must not wait
    minutes), or in the caller's thread when SEARCH_INDEX_REBUILD_INLINE is set (tests)."""
    if not _rebuilding.acquire(blocking=False):
        return
    log.warning("rebuilding the search index: %s", reason)
    if settings.SEARCH_INDEX_REBUILD_INLINE:
        try:
            rebuild(only_if_broken=True)
        finally:
            _rebuilding.release()
        return
    threading.Thread(target=_rebuild_in_background, name="search-index-rebuild", daemon=True).start()


def _rebuild_in_background() -> None:
    try:
        count = rebuild(only_if_broken=True)  # another process may have rebuilt it meanwhile
        log.warning("search index rebuilt: %d guides", count)
    except Exception:
        log.exception("search index rebuild failed")
    finally:
        close_old_connections()
        _rebuilding.release()


# --- searching ------------------------------------------------------------------------------------------


def search_guides(
    q: str,
    *,
    category: str | None = None,
    department: str | None = None,
    centre: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> SearchResults:
    """Search live guides. If the index is missing or broken: a logged warning, the database's answer
    (plain substring matching, so still useful), and a rebuild."""
    try:
        return index().search(q, category=category, department=department, centre=centre, limit=limit, offset=offset)
    except IndexUnavailable as exc:
        log.warning("search index unavailable, answering from the database: %s", exc)
        results = database_search(
            q, category=category, department=department, centre=centre, limit=limit, offset=offset
        )
        request_rebuild(str(exc))
        return results


def database_search(
    q: str,
    *,
    category: str | None = None,
    department: str | None = None,
    centre: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> SearchResults:
    """The fallback: every word of the query (or of a synonym reading) as a substring of the name,
    English name, summary, certificate or a material; matches in the name first."""
    results = SearchResults(query=q)
    norm = analysis.normalize(q)[:100]
    if not norm:
        return results
    readings, marks = Q(pk__in=[]), set()
    for reading in expand(norm, synonym_map(synonym_rows())):
        words = _words(reading)
        if not words:
            continue
        marks.update(words)
        both = Q()
        for w in words:
            both &= (
                Q(title__icontains=w)
                | Q(name_en__icontains=w)
                | Q(summary__icontains=w)
                | Q(result_certificate__icontains=w)
                | Q(materials__name__icontains=w)
            )
        readings |= both
    pages = ServiceGuidePage.objects.live().filter(readings)
    if category:
        pages = pages.filter(category=category)
    if department:
        pages = pages.filter(department__name=department)
    if centre:
        pages = pages.filter(centre_links__centre__code=centre)
    in_name = Q()
    for w in marks:
        in_name |= Q(title__icontains=w)
    pages = (
        pages.distinct()
        .select_related("department")
        .annotate(rank=Case(When(in_name, then=Value(1)), default=Value(0), output_field=IntegerField()))
        .order_by("-rank", "code")
    )
    results.total = pages.count()
    for page in pages[offset : offset + limit]:
        results.hits.append(
            Hit(
                code=page.code,
                name=page.title,
                name_en=page.name_en,
                category=page.category,
                department=page.department.name,
                summary=page.summary,
                centres=[],
                score=float(page.rank),
                name_html=mark(page.title, marks),
                name_en_html=mark(page.name_en, marks),
                snippet_html=snippet(page.summary, marks),
            )
        )
    return results


def _words(reading: str) -> list[str]:
    out = []
    for term in analysis.terms(reading):
        if analysis.has_cjk(term):
            out += [w for w in analysis.words(term) if w not in analysis.QUERY_FILLER]
        else:
            out.append(term)
    return out
