"""Wagtail's search backend (WAGTAILSEARCH_BACKENDS) for Chinese editors: the database backend, plus guides
found by their code and by our Chinese search (guides/search: jieba words, pinyin, synonyms).

The database backend's full-text index splits text on spaces, and Chinese has none: a title is one "word", so
the admin's page search found 居民身份证 for "居民身份证" but nothing for "身份证", "护照" or "GA-001". Page
searches (the admin's page search and choosers ask `autocomplete`/`search` on a page queryset) get, in order:
guides whose code contains the query, guides our index finds for it, pages whose title contains it, then the
database backend's own answer — each only if the queryset (the editor's permissions, filters) holds it.
Everything else (indexing, other models) is the database backend's.
"""

from collections import OrderedDict

from django.db.models import Count, QuerySet
from modelsearch.backends import database
from modelsearch.backends.base import BaseSearchResults
from modelsearch.query import PlainText
from wagtail.models import Page

GUIDE_HITS = 20  # guides taken from our index: the best; a common word (身份证) is a material of most guides
NATIVE_HITS = 500  # the database backend's answer, as far as an editor pages through it


class PageList(BaseSearchResults):
    """Search results that are a fixed list of page ids over a queryset (its annotations and filters kept)."""

    supports_facet = True

    def __init__(self, backend, queryset: QuerySet, pks: list[int], prefetch_related=None):
        super().__init__(backend, None, prefetch_related)
        self.model = queryset.model
        self.queryset = queryset
        self.pks = pks

    def _clone(self):
        new = self.__class__(self.backend, self.queryset, self.pks, self.prefetch_related)
        new.start, new.stop, new._score_field = self.start, self.stop, self._score_field
        return new

    def _do_search(self):
        window = self.pks[self.start : self.stop]
        found = self.queryset.order_by().in_bulk(window)
        return [found[pk] for pk in window if pk in found]

    def _do_count(self) -> int:
        return len(self.pks[self.start : self.stop])

    def facet(self, field_name: str) -> OrderedDict:
        rows = (
            self.model._default_manager.filter(pk__in=self.pks)
            .values(field_name)
            .annotate(n=Count("pk"))
            .order_by("-n", field_name)
        )
        return OrderedDict((row[field_name], row["n"]) for row in rows)


class ChineseSearch:
    """The database backend, wrapped: page searches get the guides our Chinese search finds."""

    def __init__(self, native):
        self.native = native

    def __getattr__(self, name):
        return getattr(self.native, name)

    def search(self, query, model_or_queryset, **kwargs):
        return self._with_guides(
            query, model_or_queryset, self.native.search(query, model_or_queryset, **kwargs), kwargs
        )

    def autocomplete(self, query, model_or_queryset, **kwargs):
        native = self.native.autocomplete(query, model_or_queryset, **kwargs)
        return self._with_guides(query, model_or_queryset, native, kwargs)

    def _with_guides(self, query, model_or_queryset, native, kwargs):
        text = query.query_string if isinstance(query, PlainText) else query
        queryset = model_or_queryset
        if not isinstance(queryset, QuerySet):
            queryset = model_or_queryset._default_manager.all()
        if (
            not isinstance(text, str)
            or not text.strip()
            or kwargs.get("fields")
            or not issubclass(queryset.model, Page)
        ):
            return native
        text = text.strip()[:100]
        ranked = [*_guides(text), *queryset.filter(title__icontains=text).values_list("pk", flat=True)]
        ranked += [page.pk for page in native[:NATIVE_HITS]]
        allowed = set(queryset.filter(pk__in=ranked).values_list("pk", flat=True))
        if kwargs.get("order_by_relevance", True):
            pks = list(OrderedDict.fromkeys(pk for pk in ranked if pk in allowed))
        else:  # the queryset's own order (the listing's column sort)
            pks = [pk for pk in queryset.filter(pk__in=allowed).values_list("pk", flat=True)]
        return PageList(self.native, queryset, pks)


def _guides(text: str) -> list[int]:
    """Page ids of guides whose code contains `text`, then of those our index finds for it, best first."""
    from cms.search.service import search_guides
    from cms.services.models import ServiceGuidePage

    by_code = list(ServiceGuidePage.objects.filter(code__icontains=text).order_by("code").values_list("pk", flat=True))
    codes = [hit.code for hit in search_guides(text, limit=GUIDE_HITS).hits]
    pages = dict(ServiceGuidePage.objects.filter(code__in=codes).values_list("code", "pk"))
    return by_code + [pages[code] for code in codes if code in pages]


def SearchBackend(params):
    return ChineseSearch(database.SearchBackend(params))
