"""The CMS side of search: which index, what goes in it, and what happens when it is not there.

Everything else (signal handlers, commands, the API, the search page) goes through these functions.
"""

import datetime as dt
import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.db import close_old_connections
from django.db.models import Case, IntegerField, Max, Q, Value, When

from cms.changes.models import Change, ChangeKind
from cms.search.models import Synonym
from cms.services.models import ServiceGuidePage
from cms.services.standard import guide_from_page
from guides import clock
from guides.schema import Guide
from guides.search import (
    Hit,
    IndexUnavailable,
    SearchIndex,
    SearchResults,
    Suggestion,
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


def rebuild(workers: int = 1, only_if_broken: bool = False, only_if_lost: bool = False) -> int:
    """Index every live guide from scratch, with the editors' synonyms; returns how many. The index then
    follows the change feed from the last change before the rebuild read the guides. With
    `only_if_lost`, an index that knows its place in the feed once the lock is ours (another worker
    rebuilt it meanwhile) is left alone."""
    ix = index()
    ix.set_synonyms(synonym_rows())
    cursor = _last_change()
    return ix.rebuild(
        live_guides(),
        workers=workers,
        only_if_broken=only_if_broken,
        unless=_knows_its_place if only_if_lost else None,
        then=lambda: _save_cursor(cursor),
    )


def sync(codes: Iterable[str]) -> None:
    """Bring the index in line with the database for these guides: live ones in, the rest out."""
    codes = set(codes)
    guides = list(live_guides(codes))
    ix = index()
    applied = ix.update(guides, delete=codes - {g.code for g in guides})
    if not applied and not ix.exists():
        request_rebuild("the index is missing")


def differences(lag: float = 0.0) -> dict[str, list[str]]:
    """Index against database: guides missing from the index, stale in it, or in it but not live;
    guides changed less than `lag` seconds ago are not counted (a node following the change feed is
    that far behind at most). Raises IndexUnavailable if there is no readable index."""
    indexed = index().fingerprints()
    expected = {g.code: fingerprint(guide_data(g)) for g in live_guides()}
    recent = set()
    if lag:
        since = clock.now() - dt.timedelta(seconds=lag)
        recent = set(Change.objects.filter(kind=ChangeKind.GUIDE, at__gte=since).values_list("key", flat=True))
    return {
        "missing": sorted(expected.keys() - indexed.keys() - recent),
        "stale": sorted(c for c in expected.keys() & indexed.keys() - recent if expected[c] != indexed[c]),
        "extra": sorted(indexed.keys() - expected.keys() - recent),
    }


# --- following the change feed: every node keeps its own index ---------------------------------------------

FOLLOW_EVERY = 2.0  # seconds between looks at the change feed, per process
FOLLOW_AT_MOST = 1000  # changes behind; a node further behind rebuilds instead
ALLOWED_LAG = 10.0  # seconds check_search_index allows a following node to be behind
CURSOR_FILE = "followed.json"

_follow_lock = threading.Lock()
_followed_at = -FOLLOW_EVERY


def follow() -> int:
    """Apply the guide changes recorded since this node's index last looked (the same feed kiosks
    follow), and the editors' synonyms if they changed; returns how many guides it synced. A node with
    no cursor, a cursor from another database, or too far behind rebuilds (in the background). Nodes
    share nothing but the database."""
    ix = index()
    if ix.synonyms() != synonym_map(synonym_rows()):
        ix.set_synonyms(synonym_rows())
    if not ix.exists():
        return 0  # searching finds it missing and rebuilds it
    if not _knows_its_place():
        request_rebuild("the index has no place in the change feed, or is too far behind", healthy_too=True)
        return 0
    changes = Change.objects.filter(id__gt=_load_cursor(), kind=ChangeKind.GUIDE)
    rows = list(changes.order_by("id").values_list("id", "key"))
    if rows:
        sync({key for _, key in rows})
        _save_cursor(rows[-1][0])
    return len({key for _, key in rows})


def _follow_now_and_then() -> None:
    global _followed_at
    if time.monotonic() - _followed_at < FOLLOW_EVERY or not _follow_lock.acquire(blocking=False):
        return
    try:
        _followed_at = time.monotonic()
        follow()
    except Exception:  # a search answers from the index as it is; the next look tries again
        log.exception("following the change feed failed")
    finally:
        _follow_lock.release()


def _knows_its_place() -> bool:
    """A cursor from this database, at most FOLLOW_AT_MOST guide changes behind."""
    cursor = _load_cursor()
    if cursor is None or cursor > _last_change():
        return False
    return Change.objects.filter(id__gt=cursor, kind=ChangeKind.GUIDE).count() <= FOLLOW_AT_MOST


def _last_change() -> int:
    return Change.objects.aggregate(last=Max("id"))["last"] or 0


def _load_cursor() -> int | None:
    try:
        return int(json.loads((index().directory / CURSOR_FILE).read_text(encoding="utf-8"))["cursor"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _save_cursor(cursor: int) -> None:
    directory = index().directory
    directory.mkdir(parents=True, exist_ok=True)
    tmp = directory / f"{CURSOR_FILE}.{uuid.uuid4().hex}.tmp"
    tmp.write_text(json.dumps({"cursor": cursor}), encoding="utf-8")
    os.replace(tmp, directory / CURSOR_FILE)


# --- rebuilding after a failure -----------------------------------------------------------------------

_rebuilding = threading.Lock()


def request_rebuild(reason: str, *, healthy_too: bool = False) -> None:
    """Rebuild the index (a broken one only, unless `healthy_too`), once per process at a time: in a
    background thread (a request must not wait minutes), or in the caller's thread when
    SEARCH_INDEX_REBUILD_INLINE is set (tests)."""
    if not _rebuilding.acquire(blocking=False):
        return
    log.warning("rebuilding the search index: %s", reason)
    if settings.SEARCH_INDEX_REBUILD_INLINE:
        try:
            rebuild(only_if_broken=not healthy_too, only_if_lost=healthy_too)
        finally:
            _rebuilding.release()
        return
    threading.Thread(
        target=_rebuild_in_background, args=(healthy_too,), name="search-index-rebuild", daemon=True
    ).start()


def _rebuild_in_background(healthy_too: bool) -> None:
    try:
        # another process may have rebuilt it meanwhile
        count = rebuild(only_if_broken=not healthy_too, only_if_lost=healthy_too)
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
    _follow_now_and_then()
    try:
        return index().search(q, category=category, department=department, centre=centre, limit=limit, offset=offset)
    except IndexUnavailable as exc:
        log.warning("search index unavailable, answering from the database: %s", exc)
        results = database_search(
            q, category=category, department=department, centre=centre, limit=limit, offset=offset
        )
        request_rebuild(str(exc))
        return results


def suggest_guides(prefix: str, limit: int = 8) -> list[Suggestion]:
    """Search-as-you-type: guides whose name or keywords (or their pinyin, initials) start with `prefix`.
    Without an index, the database's answer for the prefix as a query, and a rebuild."""
    _follow_now_and_then()
    try:
        return index().suggest(prefix, limit=limit)
    except IndexUnavailable as exc:
        log.warning("search index unavailable, suggesting from the database: %s", exc)
        request_rebuild(str(exc))
        return [Suggestion(h.code, h.name, h.name_en) for h in database_search(prefix, limit=limit).hits]


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
