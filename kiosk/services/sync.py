"""Keeps the local catalogue and search index up to date from the CMS's change feed.

A background thread polls `GET /api/v1/changes?since=<cursor>` every few seconds (a published guide
reaches a running kiosk within one interval plus one fetch). The first sync, and any after the server
forgets our cursor (409), copies everything: the feed's end is read first, so nothing published while
copying is missed; it is fetched again by the next poll.
"""

import datetime as dt
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from kiosk.services.api import ApiClient, ApiError, Unreachable
from kiosk.services.catalogue import Catalogue
from kiosk.services.search import LocalSearch

log = logging.getLogger(__name__)

TZ = ZoneInfo("Asia/Shanghai")
HOURS_DAYS = 14  # opening hours kept for today and the next 13 days
FETCH_THREADS = 4


@dataclass
class Changed:
    """What one sync changed, for the screens that show it."""

    guides: set[str] = field(default_factory=set)
    centres: bool = False
    full: bool = False

    def __bool__(self) -> bool:
        return bool(self.guides or self.centres or self.full)


def today() -> dt.date:
    return dt.datetime.now(TZ).date()


class Syncer:
    def __init__(
        self,
        api: ApiClient,
        catalogue: Catalogue,
        search: LocalSearch,
        *,
        interval: float = 3.0,
        on_change: Callable[[Changed], None] = lambda changed: None,
        on_online: Callable[[bool], None] = lambda online: None,
    ):
        self.api, self.catalogue, self.search = api, catalogue, search
        self.interval = interval
        self.on_change, self.on_online = on_change, on_online
        self.online: bool | None = None
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    # --- the thread ------------------------------------------------------------------------------------

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="kiosk-sync", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def wake(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        try:
            self.search.reconcile()  # loads jieba and checks the index here, not on the screen's thread
        except Exception:
            log.exception("checking the local search index failed; searches fall back to name matching")
        while not self._stop.is_set():
            self.sync_once()
            self._wake.wait(self.interval)
            self._wake.clear()

    def _set_online(self, online: bool) -> None:
        if online != self.online:
            self.online = online
            log.info("CMS %s", "reachable" if online else "unreachable")
            self.on_online(online)

    # --- one round -------------------------------------------------------------------------------------

    def sync_once(self) -> Changed:
        """Apply everything the feed has after our cursor (or copy everything); never raises."""
        try:
            changed = self._full() if not self.catalogue.synced else self._incremental()
            if self._hours_stale():
                self._refresh_hours()
                changed.centres = True
            if self._notice_stale():
                self.refresh_notice()
        except Unreachable as exc:
            log.debug("sync: %s", exc)
            self._set_online(False)
            return Changed()
        except ApiError as exc:
            if exc.status == 409 and exc.code == "cursor_unknown":
                log.warning("the CMS does not know our cursor (its database was replaced): copying everything")
                self.catalogue.forget_cursor()
                self._wake.set()
            else:
                log.error("sync refused by the CMS: %s", exc)
            self._set_online(True)
            return Changed()
        except Exception:
            log.exception("sync failed; the local catalogue stays as it was")
            return Changed()
        self._set_online(True)
        if changed:
            self.on_change(changed)
        return changed

    def _feed_end(self) -> str:
        cursor = ""
        while True:
            page = self.api.changes(since=cursor, limit=1000)
            cursor = page["cursor"]
            if not page["more"]:
                return cursor

    def _fetch_guides(self, codes: list[str]) -> tuple[list[dict], list[str]]:
        """Each guide's detail; codes the server no longer has are returned as gone."""

        def fetch(code: str) -> dict | str:
            try:
                return self.api.guide(code)
            except ApiError as exc:
                if exc.status == 404:
                    return code
                raise

        with ThreadPoolExecutor(FETCH_THREADS) as pool:
            results = list(pool.map(fetch, codes))
        return [r for r in results if isinstance(r, dict)], [r for r in results if isinstance(r, str)]

    def _full(self) -> Changed:
        cursor = self._feed_end()
        codes, offset = [], 0
        while True:
            page = self.api.guides(limit=100, offset=offset)
            codes += [item["code"] for item in page["items"]]
            offset += len(page["items"])
            if not page["items"] or offset >= page["count"]:
                break
        guides, _gone = self._fetch_guides(codes)
        centres = self.api.centres()["items"]
        hours = self._hours_for([c["id"] for c in centres])
        self.catalogue.apply(upsert=guides, centres=centres, hours=hours, cursor=cursor, replace=True)
        self.search.rebuild()
        log.info("copied the catalogue: %d guides, %d centres", len(guides), len(centres))
        return Changed(guides={g["code"] for g in guides}, centres=True, full=True)

    def _incremental(self) -> Changed:
        changed = Changed()
        while True:
            page = self.api.changes(since=self.catalogue.cursor, limit=500)
            if not page["items"]:
                return changed
            latest: dict[tuple[str, str], str] = {}
            for item in page["items"]:
                latest[item["kind"], item["key"]] = item["action"]
            published = [key for (kind, key), action in latest.items() if kind == "guide" and action == "published"]
            removed = [key for (kind, key), action in latest.items() if kind == "guide" and action != "published"]
            upsert, gone = self._fetch_guides(published)
            centres = hours = None
            if any(kind in ("centre", "hours") for kind, _key in latest):
                centres = self.api.centres()["items"]
                hours = self._hours_for([c["id"] for c in centres])
                changed.centres = True
            self.catalogue.apply(
                upsert=upsert, delete=removed + gone, centres=centres, hours=hours, cursor=page["cursor"]
            )
            self.search.update(upsert, removed + gone)
            changed.guides |= set(published) | set(removed)
            if not page["more"]:
                return changed

    def _hours_for(self, centres: list[str]) -> dict[str, dict]:
        first = today()
        last = first + dt.timedelta(days=HOURS_DAYS - 1)
        return {code: self.api.centre_hours(code, first.isoformat(), last.isoformat()) for code in centres}

    def _hours_stale(self) -> bool:
        return any(
            (self.catalogue.hours(c["id"]) or {}).get("from") != today().isoformat() for c in self.catalogue.centres()
        )

    def _notice_stale(self) -> bool:
        """The notice is fetched once a day (it changes rarely; a booking refused as agreeing to an older one
        fetches it at once)."""
        return (self.catalogue.notice() or {}).get("fetched_on") != today().isoformat()

    def refresh_notice(self) -> dict:
        """The server's personal-information notice, kept with the catalogue for offline use."""
        notice = {**self.api.privacy_notice(), "fetched_on": today().isoformat()}
        self.catalogue.keep_notice(notice)
        return notice

    def _refresh_hours(self) -> None:
        self.catalogue.apply(hours=self._hours_for([c["id"] for c in self.catalogue.centres()]))
