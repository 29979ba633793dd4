"""Search over the local catalogue with the same engine as the CMS (guides/search: jieba, pinyin,
initials, synonyms), in an index kept beside the catalogue cache, so search needs no network.

The engine is imported on first use (by the sync thread, soon after start-up): its dictionaries take a
second or more to load, which the home screen should not wait for.
"""

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.services.catalogue import Catalogue

log = logging.getLogger(__name__)


@dataclass
class Found:
    query: str
    rows: list[dict] = field(default_factory=list)  # code, name, name_en, category, name_html
    total: int = 0
    suggestion: str | None = None  # "did you mean"


class LocalSearch:
    def __init__(self, directory: Path, catalogue: Catalogue):
        self.catalogue = catalogue
        self.directory = directory
        self._index = None
        self._lock = threading.Lock()

    @property
    def index(self):
        with self._lock:
            if self._index is None:
                from guides.search import open_index

                self._index = open_index(self.directory)
            return self._index

    # --- keeping the index up to date (the sync thread) -------------------------------------------------

    def rebuild(self) -> int:
        return self.index.rebuild(self.catalogue.all_guides())

    def update(self, upsert: list[dict], delete: list[str]) -> None:
        self.index.update(upsert, delete=delete)

    def reconcile(self) -> int:
        """Bring the index in line with the catalogue (after a crash between the two, or a new engine
        version); returns how many guides it changed. A missing index is rebuilt."""
        from guides.search import IndexUnavailable, fingerprint, guide_data

        if not self.index.exists():
            return self.rebuild()
        try:
            indexed = self.index.fingerprints()
        except IndexUnavailable:
            return self.rebuild()
        guides = {g["code"]: g for g in self.catalogue.all_guides()}
        stale = [g for code, g in guides.items() if indexed.get(code) != fingerprint(guide_data(g))]
        gone = [code for code in indexed if code not in guides]
        if stale or gone:
            self.update(stale, gone)
        return len(stale) + len(gone)

    # --- searching (any thread) ------------------------------------------------------------------------

    def search(self, text: str, category: str | None = None, limit: int = 30) -> Found:
        from guides.search import IndexUnavailable

        text = text.strip()
        if not text:
            rows = self.catalogue.guides(category) if category else []
            return Found(text, [{**r, "name_html": ""} for r in rows], len(rows))
        try:
            results = self.index.search(text, category=category, limit=limit)
            rows = [
                {"code": h.code, "name": h.name, "name_en": h.name_en, "category": h.category, "name_html": h.name_html}
                for h in results.hits
            ]
            found = Found(text, rows, results.total, results.suggestion)
            if not rows:
                # Half a word typed so far ("shenf", "身份"): complete it from names and keywords.
                codes = [s.code for s in self.index.suggest(text, limit=limit)]
                known = self.catalogue.summaries(codes)
                found.rows = [
                    {**known[c], "name_html": ""}
                    for c in codes
                    if c in known and (not category or known[c]["category"] == category)
                ]
                found.total = len(found.rows)
            return found
        except IndexUnavailable:
            log.warning("local search index unavailable; matching names in the catalogue instead")
            return self._scan(text, category, limit)

    def _scan(self, text: str, category: str | None, limit: int) -> Found:
        needle = text.lower()
        rows = [
            {**r, "name_html": ""}
            for r in self.catalogue.guides(category)
            if needle in r["name"].lower() or needle in r["name_en"].lower() or needle in r["code"].lower()
        ]
        return Found(text, rows[:limit], len(rows))
