"""The search index in a directory: one writer at a time, any number of readers.

Layout of the directory:

    write.lock            held by the one writer (a file lock: works across processes and threads)
    pending/*.json        changes a writer could not apply in time; the next writer applies them first
    synonyms.json         the editors' synonyms (absent: the default list)
    whoosh-<version>/     the Whoosh index; a new analysis version means a new (missing) index

A writer that cannot get the lock within `lock_timeout` seconds queues its change in pending/ and
returns: a busy index never surfaces as an error. Readers never lock; a rebuild of a healthy index is
one atomic commit, so searches in other processes keep answering from the old generation until then.
"""

import contextlib
import json
import logging
import multiprocessing
import os
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh import writing
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC, clean_files
from whoosh.query import And, Term
from whoosh.util.filelock import FileLock, try_for

from guides.search import analysis, query
from guides.search.documents import SCHEMA, document, guide_data
from guides.search.query import Or
from guides.search.synonyms import STARTING_SYNONYMS, Synonyms, expand, synonym_map
from guides.search.synonyms import asked_for as synonyms_asked_for

log = logging.getLogger(__name__)

INDEX_NAME = "MAIN"  # Whoosh's default index name inside the storage directory
PARALLEL_FROM = 1000  # guides; below this, starting worker processes costs more than it saves


class IndexUnavailable(Exception):
    """The index is missing or cannot be read; callers fall back and rebuild."""


@dataclass
class Hit:
    code: str
    name: str
    name_en: str
    category: str
    department: str
    summary: str
    centres: list[str]
    score: float
    name_html: str  # the name with matched words in <mark>, HTML-escaped
    name_en_html: str
    snippet_html: str  # the passage of the guide with the most matched words


@dataclass
class SearchResults:
    query: str
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    suggestion: str | None = None  # "did you mean": the corrected query the hits are for

    def __len__(self) -> int:
        return len(self.hits)


@dataclass
class Suggestion:
    code: str
    name: str
    name_en: str


class SearchIndex:
    """Build, update and search the guide index kept in `directory`."""

    def __init__(self, directory: str | os.PathLike, *, lock_timeout: float = 10.0):
        self.directory = Path(directory)
        self.lock_timeout = lock_timeout
        self.storage = self.directory / f"whoosh-{analysis.ANALYSIS_VERSION}"
        self._mutex = threading.RLock()
        self._searcher = None
        self._lexicon: tuple[int, query.Lexicon] | None = None
        self._synonyms: tuple[int, dict] | None = None

    # --- state -----------------------------------------------------------------------------------------

    def exists(self) -> bool:
        return whoosh_index.exists_in(str(self.storage))

    def fingerprints(self) -> dict[str, str]:
        """code → fingerprint of every indexed guide (compare with `documents.fingerprint` of the source)."""
        with self._reading() as searcher:
            return {f["code"]: f["fingerprint"] for f in searcher.all_stored_fields()}

    def doc_count(self) -> int:
        with self._reading() as searcher:
            return searcher.doc_count()

    def knows(self, word: str) -> bool:
        """Whether `word` is a word of some guide (the search log masks names, never these)."""
        with self._reading() as searcher:
            return self._lexicon_for(searcher).known(word)

    def pending(self) -> list[Path]:
        return sorted((self.directory / "pending").glob("*.json"))

    # --- writing ---------------------------------------------------------------------------------------

    def rebuild(
        self,
        guides: Iterable[Any],
        *,
        workers: int = 1,
        only_if_broken: bool = False,
        unless: Callable[[], bool] | None = None,
        then: Callable[[], None] | None = None,
    ) -> int:
        """Index exactly `guides` (read while holding the lock, so no change in between is lost); returns
        how many. Waits for the lock as long as it takes: a rebuild must not be skipped. With
        `only_if_broken`, a healthy index found once the lock is ours (someone rebuilt it meanwhile)
        is left alone and 0 returned; so is a healthy one when `unless()` says so then. `then` runs once
        the new index is committed, the lock still held (what the next writer must find done).

        A healthy index is replaced by one new commit (readers switch over atomically); a missing or
        broken one is built beside it and swapped in. Large rebuilds split the guides between `workers`
        processes, each analysing and writing its own segments, which are then committed together."""
        self.directory.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.directory / "write.lock"))
        lock.acquire(blocking=True)
        try:
            healthy = self._healthy()
            if healthy and (only_if_broken or (unless is not None and unless())):
                self._apply_pending()
                return 0
            data = [guide_data(g) for g in guides]
            if healthy:
                count = self._replace_segments(self.storage, data, workers)
            else:
                fresh = self.directory / f"{self.storage.name}.new-{os.getpid()}"
                shutil.rmtree(fresh, ignore_errors=True)
                fresh.mkdir()
                whoosh_index.create_in(str(fresh), SCHEMA)
                count = self._replace_segments(fresh, data, workers)
                old = self.directory / f"{self.storage.name}.old-{os.getpid()}"
                if self.storage.exists():
                    os.replace(self.storage, old)
                os.replace(fresh, self.storage)
                shutil.rmtree(old, ignore_errors=True)
            self._apply_pending()
            self._remove_old_versions()
            if then is not None:
                then()
            return count
        finally:
            lock.release()
            self._drop_searcher()

    def _replace_segments(self, target: Path, data: list[dict], workers: int) -> int:
        """Write `data` as new segments and commit them as the whole of the index in `target`."""
        if workers <= 1 or len(data) < PARALLEL_FROM:
            w = whoosh_index.open_dir(str(target)).writer(limitmb=256)
            for d in data:
                w.add_document(**document(d))
            w.commit(mergetype=writing.CLEAR)
            return len(data)
        parts_dir = self.directory / f"parts-{os.getpid()}"
        shutil.rmtree(parts_dir, ignore_errors=True)
        size = -(-len(data) // workers)
        jobs = [(data[i : i + size], str(parts_dir / str(n))) for n, i in enumerate(range(0, len(data), size))]
        # spawn, not fork: the caller may be a threaded web worker; each child loads jieba once.
        with multiprocessing.get_context("spawn").Pool(len(jobs)) as pool:
            parts = pool.map(_write_part, jobs)
        storage = FileStorage(str(target))
        segments = []
        for part in parts:
            segments += TOC.read(FileStorage(part), INDEX_NAME).segments
            for name in os.listdir(part):
                if TOC._segment_pattern(INDEX_NAME).match(name):
                    os.replace(os.path.join(part, name), target / name)
        generation = TOC._latest_generation(storage, INDEX_NAME) + 1
        TOC(SCHEMA, segments, generation).write(storage, INDEX_NAME)
        clean_files(storage, INDEX_NAME, generation, segments)
        shutil.rmtree(parts_dir, ignore_errors=True)
        return len(data)

    def update(self, guides: Iterable[Any] = (), delete: Iterable[str] = ()) -> bool:
        """Add or replace `guides` by code and remove the codes in `delete`, in one commit. False if the
        change was queued instead (index busy past the lock timeout, or missing: a rebuild applies it)."""
        return self._write([document(g) for g in guides], list(delete))

    def delete(self, codes: Iterable[str]) -> bool:
        """Remove guides by code. False if the change was queued."""
        return self._write([], list(codes))

    def apply_pending(self) -> int:
        """Apply queued changes now, if the index exists and the lock is free; returns how many."""
        if not self.pending() or not self._healthy():
            return 0
        lock = FileLock(str(self.directory / "write.lock"))
        if not try_for(lock.acquire, timeout=self.lock_timeout, delay=0.05):
            return 0
        try:
            return self._apply_pending()
        finally:
            lock.release()

    def set_synonyms(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Replace the synonym list (term, official) rows; takes effect on the next search everywhere."""
        self.directory.mkdir(parents=True, exist_ok=True)
        data = synonym_map(pairs)
        tmp = self.directory / f"synonyms.{uuid.uuid4().hex}.tmp"
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, self.directory / "synonyms.json")

    def synonyms(self) -> Synonyms:
        path = self.directory / "synonyms.json"
        try:
            mtime = path.stat().st_mtime_ns
        except FileNotFoundError:
            return synonym_map(STARTING_SYNONYMS)
        if self._synonyms is None or self._synonyms[0] != mtime:
            try:
                loaded = {k: tuple(v) for k, v in json.loads(path.read_text(encoding="utf-8")).items()}
            except (OSError, ValueError, AttributeError):
                log.warning("search synonyms file %s is unreadable; using the default list", path)
                return synonym_map(STARTING_SYNONYMS)
            self._synonyms = (mtime, loaded)
        return self._synonyms[1]

    def _write(self, docs: list[dict], deletes: list[str]) -> bool:
        if not docs and not deletes:
            return True
        self.directory.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.directory / "write.lock"))
        if not self._healthy() or not try_for(lock.acquire, timeout=self.lock_timeout, delay=0.05):
            self._enqueue(docs, deletes)
            return False
        try:
            self._apply_pending(docs, deletes)
        finally:
            lock.release()
        if self.pending():  # queued by someone while we held the lock
            self.apply_pending()
        return True

    def _apply_pending(self, docs: list[dict] = (), deletes: list[str] = ()) -> int:
        """With the lock held: queued changes in order, then this one, in one commit."""
        files = self.pending()
        ix = whoosh_index.open_dir(str(self.storage))
        w = ix.writer(timeout=self.lock_timeout)
        try:
            for path in files:
                try:
                    change = json.loads(path.read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    log.warning("skipping unreadable queued search change %s", path)
                    continue
                _apply(w, change.get("upsert", []), change.get("delete", []))
            _apply(w, docs, deletes)
        except BaseException:
            w.cancel()
            raise
        w.commit()
        for path in files:
            path.unlink(missing_ok=True)
        self._drop_searcher()
        return len(files)

    def _enqueue(self, docs: list[dict], deletes: list[str]) -> None:
        pending = self.directory / "pending"
        pending.mkdir(parents=True, exist_ok=True)
        name = f"{time.time_ns():020d}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        tmp = pending / f"{name}.tmp"
        tmp.write_text(json.dumps({"upsert": docs, "delete": deletes}, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, pending / f"{name}.json")
        log.info("search index busy or missing: queued %d updates and %d deletions", len(docs), len(deletes))

    def _healthy(self) -> bool:
        try:
            whoosh_index.open_dir(str(self.storage)).doc_count()
        except Exception:
            return False
        return True

    def _remove_old_versions(self) -> None:
        """With the lock held: indexes of other analysis versions, and leftovers of interrupted rebuilds."""
        for path in [*self.directory.glob("whoosh-*"), *self.directory.glob("parts-*")]:
            if path != self.storage and path.is_dir():
                shutil.rmtree(path, ignore_errors=True)

    # --- reading ---------------------------------------------------------------------------------------

    def search(
        self,
        text: str,
        *,
        category: str | None = None,
        department: str | None = None,
        centre: str | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> SearchResults:
        """Guides matching `text`, best first; raises IndexUnavailable if the index is missing or broken."""
        q = analysis.normalize(text)[: query.MAX_QUERY]
        results = SearchResults(query=text)
        if not q:
            return results
        filters = [
            Term(f, v) for f, v in (("category", category), ("department", department), ("centres", centre)) if v
        ]
        with self._reading() as searcher:
            lexicon = self._lexicon_for(searcher)
            synonyms = self.synonyms()

            def run(reading):
                if reading is None:
                    return None
                # Every match scored in one pass (limit=None): the count is then exact, which a limited
                # search in Whoosh does not promise, and block skipping saved little here anyway
                # (name matches are spread over every block).
                found = searcher.search(reading.query, limit=None, filter=And(filters) if filters else None)
                return found if found.scored_length() else None

            def answer(text):
                """Names and keywords; then names and keywords with one word of the query left out; then
                materials too; then the body: the first that finds anything. (身份证过期: the card's
                name outranks every guide whose body happens to hold both words.)"""
                for tier, texts in (
                    (query.TIERS[0], [text]),
                    (query.TIERS[0], query.leave_one_out(text)),
                    *((t, [text]) for t in query.TIERS[1:]),
                ):
                    readings = [r for t in texts for r in expand(t, synonyms)]
                    reading = query.combine([query.read(r, lexicon, tier) for r in readings])
                    found = run(reading)
                    if found is not None:
                        return reading, found
                return reading, None

            reading, found = answer(q)
            # A word the index lacks is corrected even when the rest of the query matched something
            # (营业职照 finds 营业 alone): the corrected query answers, and is offered as "did you mean".
            fixed = query.correct(q, lexicon, _corrector(searcher))
            if fixed:
                fixed_reading, fixed_found = answer(fixed)
                if fixed_found is not None:
                    reading, found, results.suggestion = fixed_reading, fixed_found, fixed
            if found is None:
                reading = query.relaxed(q, lexicon, synonyms)
                found = run(reading)
            if found is None:
                return results
            results.total = len(found)
            asked = synonyms_asked_for(reading.marks, reading.en_stems)
            page = [
                (score, searcher.stored_fields(docnum))
                for score, docnum in lexicon.rank(found.top_n, asked)[offset : offset + limit]
            ]
            names = {stored["title"] for _, stored in page}
            for score, stored in page:
                # a snippet is the guide's own words, not its answer about another guide listed here
                results.hits.append(_hit(stored, score, reading, names - {stored["title"]}))
        return results

    def suggest(self, prefix: str, limit: int = 8) -> list[Suggestion]:
        """Guides whose name, keywords, their pinyin or initials start with `prefix` (search-as-you-type)."""
        p = analysis.normalize(prefix).replace(" ", "")
        if not p:
            return []
        with self._reading() as searcher:
            words = self._lexicon_for(searcher).completions(p)
            out = []
            if words:
                clauses = [Term(f, w, boost=query.COMPLETION_BOOSTS[f]) for f, w in words]
                out = [
                    Suggestion(h["code"], h["title"], h["title_en"]) for h in searcher.search(Or(clauses), limit=limit)
                ]
        if not out:
            out = [Suggestion(h.code, h.name, h.name_en) for h in self.search(prefix, limit=limit).hits]
        return out

    def _reading(self):
        return _Reading(self)

    def _open_searcher(self):
        with self._mutex:
            try:
                # A new searcher once another process committed, never Searcher.refresh(): it reuses the
                # old segment readers with their old deletions, so a replaced guide counted twice.
                if self._searcher is not None and not self._searcher.up_to_date():
                    self._drop_searcher()
                if self._searcher is None:
                    self._searcher = whoosh_index.open_dir(str(self.storage)).searcher()
            except Exception as exc:
                self._drop_searcher()
                raise IndexUnavailable(f"search index {self.storage} unreadable: {exc!r}") from exc
            return self._searcher

    def _drop_searcher(self) -> None:
        with self._mutex:
            if self._searcher is not None:
                with contextlib.suppress(Exception):  # closing a broken searcher may fail; it is dropped anyway
                    self._searcher.close()
            self._searcher = None
            self._lexicon = None

    def _lexicon_for(self, searcher) -> query.Lexicon:
        generation = searcher.reader().generation()
        if self._lexicon is None or self._lexicon[0] != generation:
            self._lexicon = (generation, query.Lexicon(searcher.reader()))
        return self._lexicon[1]


class _Reading:
    """Holds the index's mutex around one search; turns any read failure into IndexUnavailable."""

    def __init__(self, index: SearchIndex):
        self.index = index

    def __enter__(self):
        self.index._mutex.acquire()
        try:
            return self.index._open_searcher()
        except BaseException:
            self.index._mutex.release()
            raise

    def __exit__(self, exc_type, exc, tb):
        try:
            if exc is not None and not isinstance(exc, IndexUnavailable) and isinstance(exc, Exception):
                self.index._drop_searcher()
                raise IndexUnavailable(f"search index {self.index.storage} failed: {exc!r}") from exc
        finally:
            self.index._mutex.release()


def _corrector(searcher):
    reader = searcher.reader()

    def within(fieldname: str, text: str, maxdist: int) -> list[str]:
        return [
            t.decode() if isinstance(t, bytes) else t for t in reader.terms_within(fieldname, text, maxdist, prefix=1)
        ]

    return within


def _hit(stored: Mapping, score: float, reading: query.Reading, avoid: set[str]) -> Hit:

    text = query.passage(stored.get("passages") or [stored.get("summary") or ""], reading.marks, avoid)
    return Hit(
        code=stored["code"],
        name=stored["title"],
        name_en=stored.get("title_en", ""),
        category=stored.get("category", ""),
        department=stored.get("department", ""),
        summary=stored.get("summary", ""),
        centres=(stored.get("centres") or "").split(),
        score=score,
        name_html=query.mark(stored["title"], reading.marks),
        name_en_html=query.mark_english(stored.get("title_en", ""), reading.en_stems),
        snippet_html=query.snippet(text, reading.marks),
    )


def _apply(writer, docs: list[dict], deletes: list[str]) -> None:
    for code in deletes:
        writer.delete_by_term("code", code)
    for doc in docs:
        writer.update_document(**doc)


def _write_part(job: tuple[list[dict], str]) -> str:
    """In a worker process: analyse a share of the guides and write them as an index of their own.
    (Whoosh's multiprocess writer pickles every analysed document across; this sends guides once.)"""
    data, directory = job
    Path(directory).mkdir(parents=True)
    w = whoosh_index.create_in(directory, SCHEMA).writer(limitmb=256)
    for d in data:
        w.add_document(**document(d))
    w.commit()
    return directory


_open: dict[Path, SearchIndex] = {}
_open_lock = threading.Lock()


def open_index(directory: str | os.PathLike, **options) -> SearchIndex:
    """The process's one `SearchIndex` for `directory` (searchers and caches are kept between calls)."""
    path = Path(directory).resolve()
    with _open_lock:
        if path not in _open:
            _open[path] = SearchIndex(path, **options)
        return _open[path]
