"""The search log: what citizens searched for on the website and through the API, week by week, so
editors see what they could not find (nothing found, or results nobody opened) and add a synonym.

A query is masked before it is stored (`guides.search.masking`: ID numbers, phone numbers, other codes,
names); a row holds the masked text and counts for one week, nothing about who searched. A row is
deleted once its week began `KEPT` ago: nothing is kept longer. Logging never fails a search: a busy
database delays the counts to the next write.
"""

import datetime as dt
import logging
import threading
import time

from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F, QuerySet

from cms.search import service
from cms.search.models import SearchLog
from guides import clock
from guides.search import IndexUnavailable
from guides.search.masking import mask

log = logging.getLogger(__name__)

KEPT = dt.timedelta(days=90)
FEW_OPENED_FROM = 3  # searches in a week before a query's share of opened results means something
FEW_OPENED_SHARE = 0.2  # below this share of searches followed by an opened result: "few opened"

FLUSH_EVERY = 30.0  # seconds between writes of the counts kept in memory

_lock = threading.Lock()
_searched: dict[tuple[dt.date, str], list[int]] = {}  # (week, query) → [searches, found nothing, results]
_opened: dict[tuple[dt.date, str], int] = {}
_flushed_at = time.monotonic()
_purged_on: dt.date | None = None


def week_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def masked(text: str) -> str:
    """What the log stores for `text`."""

    def known(word: str) -> bool:
        try:
            return service.index().knows(word)
        except IndexUnavailable:
            return False

    return mask(text, known)[: SearchLog._meta.get_field("query").max_length].strip()


def record_search(text: str, results: int) -> str:
    """Count one search for `text` that found `results` guides; returns the masked query ("" if
    nothing was left to log). Counted in memory and written every `FLUSH_EVERY` seconds: a search
    costs no database write of its own."""
    query = masked(text)
    if query:
        with _lock:
            counts = _searched.setdefault((week_of(clock.today()), query), [0, 0, 0])
            counts[0] += 1
            counts[1] += not results
            counts[2] = results
        _flush_now_and_then()
    return query


def record_open(query: str) -> None:
    """Count a result opened after searching for the masked `query` this week. Only queries logged
    as searched are counted: a link cannot add queries to the log."""
    query = masked(query)
    if query:
        with _lock:
            key = (week_of(clock.today()), query)
            _opened[key] = _opened.get(key, 0) + 1
        _flush_now_and_then()


def flush() -> None:
    """Write the counts kept in memory, in one transaction. On a busy database they are kept for the
    next flush."""
    global _flushed_at
    with _lock:
        searched, opened = dict(_searched), dict(_opened)
        _searched.clear()
        _opened.clear()
        _flushed_at = time.monotonic()
    if not searched and not opened:
        return
    try:
        with transaction.atomic():
            for (week, query), (searches, empty, results) in searched.items():
                add = {"searches": F("searches") + searches, "empty": F("empty") + empty, "results": results}
                if not SearchLog.objects.filter(week=week, query=query).update(**add):
                    try:
                        with transaction.atomic():
                            SearchLog.objects.create(
                                week=week, query=query, searches=searches, empty=empty, results=results
                            )
                    except IntegrityError:  # created meanwhile by another process
                        SearchLog.objects.filter(week=week, query=query).update(**add)
            for (week, query), n in opened.items():
                SearchLog.objects.filter(week=week, query=query).update(opened=F("opened") + n)
            _purge_daily()
    except DatabaseError:
        log.warning("search log: counts kept for the next flush (database busy)", exc_info=True)
        with _lock:
            for key, (searches, empty, results) in searched.items():
                counts = _searched.setdefault(key, [0, 0, results])
                counts[0] += searches
                counts[1] += empty
            for key, n in opened.items():
                _opened[key] = _opened.get(key, 0) + n


def _flush_now_and_then() -> None:
    if time.monotonic() - _flushed_at >= FLUSH_EVERY:
        flush()


def weeks() -> list[dt.date]:
    return list(SearchLog.objects.order_by("-week").values_list("week", flat=True).distinct())


def not_found(week: dt.date) -> QuerySet[SearchLog]:
    """The week's queries that found nothing, the most searched first."""
    return SearchLog.objects.filter(week=week, empty__gt=0).order_by("-empty", "-searches", "query")


def few_opened(week: dt.date) -> QuerySet[SearchLog]:
    """The week's queries that found guides but whose results were seldom opened."""
    rows = SearchLog.objects.filter(week=week, searches__gte=FEW_OPENED_FROM, results__gt=0)
    return rows.filter(opened__lt=F("searches") * FEW_OPENED_SHARE).order_by("-searches", "query")


def purge() -> int:
    """Delete the weeks that began `KEPT` ago or earlier; returns how many rows."""
    return SearchLog.objects.filter(week__lte=clock.today() - KEPT).delete()[0]


def _purge_daily() -> None:
    global _purged_on
    today = clock.today()
    if _purged_on != today:
        purge()
        _purged_on = today
