"""Search as you type over the local index, and browsing a window category."""

import logging
import threading
from concurrent.futures import ThreadPoolExecutor, TimeoutError

from kivy.clock import Clock
from kivy.properties import ListProperty, NumericProperty, StringProperty

from kiosk.viewmodels.base import ViewModel

log = logging.getLogger(__name__)

INLINE_WAIT = 0.05  # seconds a keystroke waits for its results before drawing without them


class SearchViewModel(ViewModel):
    query = StringProperty("")
    category = StringProperty("")  # a window category (its Chinese name), or "" for all
    rows = ListProperty([])  # code, name, name_en, category, name_html
    total = NumericProperty(0)
    suggestion = StringProperty("")  # "did you mean"
    shown_query = StringProperty("")  # the query the rows are for

    def __init__(self, services, **kwargs):
        super().__init__(services, **kwargs)
        # One thread of its own, so typing never waits behind a slow network call; only the latest
        # keystroke's search runs, older ones still queued are skipped.
        self._searcher = ThreadPoolExecutor(1, thread_name_prefix="kiosk-search")
        self._latest = 0
        self._lock = threading.Lock()
        self.bind(query=self._changed, category=self._changed)

    def _changed(self, *args) -> None:
        self.refresh()

    def refresh(self) -> None:
        with self._lock:
            self._latest += 1
            ticket = self._latest
        text, category = self.query, self.category or None
        if not text.strip() and not category:
            self.rows, self.total, self.suggestion, self.shown_query = [], 0, "", ""
            return

        def search():
            if ticket != self._latest:
                return None  # typed on since: skip it
            return self.services.search.search(text, category)

        future = self._searcher.submit(search)
        try:
            # Most searches take a few milliseconds: waiting that long here puts the results on the
            # same frame as the keystroke, one frame sooner. A slow one arrives on a later frame.
            found = future.result(timeout=INLINE_WAIT)
        except TimeoutError:
            future.add_done_callback(lambda done: self._arrived(ticket, done))
        else:
            self._show(ticket, found)

    def _arrived(self, ticket: int, done) -> None:
        if done.cancelled():
            return
        error = done.exception()
        if error is not None:
            log.error("search failed", exc_info=error)
            return
        Clock.schedule_once(lambda dt: self._show(ticket, done.result()))

    def _show(self, ticket: int, found) -> None:
        if found is None or ticket != self._latest:
            return
        self.rows = found.rows
        self.total = found.total
        self.suggestion = found.suggestion or ""
        self.shown_query = found.query

    def browse(self, category: str) -> None:
        self.query = ""
        self.category = category

    def wipe(self) -> None:
        super().wipe()
        self.query, self.category = "", ""
        self.rows, self.total, self.suggestion, self.shown_query = [], 0, "", ""

    def close(self) -> None:
        self._searcher.shutdown(wait=False, cancel_futures=True)
