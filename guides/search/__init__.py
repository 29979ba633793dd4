"""Chinese search over service guides: Whoosh + jieba + pinyin + synonyms. No Django: the CMS and the
kiosk (offline) both use it.

    from guides.search import open_index
    index = open_index("var/search-index")
    index.rebuild(load_catalogue())            # or index.update([guide]), index.delete([code])
    index.search("身份证丢了", category="公安服务").hits
    index.suggest("sfz")                       # search-as-you-type

What it does: `analysis` (jieba search-mode words, pinyin full and initials, English stems, prefixes;
the jieba dictionary loads once per process), `documents` (schema, a guide → an index document),
`query` (readings, boosts name > keywords > materials > body, corrections, highlighting), `synonyms`,
`index` (one writer behind a file lock with a timeout, a queue for changes that could not wait).

Why whoosh3 (3.54.0) and not Whoosh 2.7.4: both install the same `whoosh` package with the same API,
and this code uses only what 2.7.4 already had, so either runs it. 2.7.4 has had no release since 2016:
on Python 3.12 it compiles with SyntaxWarnings (invalid escape sequences, which a future Python turns
into errors, and `is 0` comparisons) and keeps its known bugs (e.g. in-memory spill files of large
writers). whoosh3 is the maintained fork: clean on 3.10–3.14, typed, with those bugs fixed and a test
suite in CI. Its risk is the maintainer: one, an AI agent by its own statement, releasing often (54
minor versions so far). So requirements/base.in pins it exactly (releases carry PEP 740 provenance
attestations, each upgrade is a reviewed diff), and falling back to 2.7.4 or whoosh-reloaded is a
one-line change there.
"""

from guides.search.documents import document, fingerprint, guide_data
from guides.search.index import Hit, IndexUnavailable, SearchIndex, SearchResults, Suggestion, open_index
from guides.search.synonyms import DEFAULT_SYNONYMS

__all__ = [
    "DEFAULT_SYNONYMS",
    "Hit",
    "IndexUnavailable",
    "SearchIndex",
    "SearchResults",
    "Suggestion",
    "document",
    "fingerprint",
    "guide_data",
    "open_index",
]
