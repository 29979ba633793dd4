"""The kiosk's local copy of the guides, centres and opening hours (SQLite), so browsing works offline.

Written only by the sync service, in one transaction per batch of changes together with the feed
cursor, so the copy and the cursor never disagree after a power cut.
"""

import json
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS guides (
    code TEXT PRIMARY KEY, name TEXT NOT NULL, name_en TEXT NOT NULL, category TEXT NOT NULL, data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS guides_category ON guides (category, code);
CREATE TABLE IF NOT EXISTS centres (code TEXT PRIMARY KEY, position INTEGER NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS hours (centre TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def summary(row: sqlite3.Row | dict) -> dict:
    return {"code": row["code"], "name": row["name"], "name_en": row["name_en"], "category": row["category"]}


class Catalogue:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _all(self, sql: str, *args) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    # --- reading ---------------------------------------------------------------------------------------

    def guide(self, code: str) -> dict | None:
        rows = self._all("SELECT data FROM guides WHERE code = ?", code.upper())
        return json.loads(rows[0]["data"]) if rows else None

    def guides(self, category: str | None = None) -> list[dict]:
        """Summaries (code, name, name_en, category), by code; of one window category if given."""
        if category:
            rows = self._all(
                "SELECT code, name, name_en, category FROM guides WHERE category = ? ORDER BY code", category
            )
        else:
            rows = self._all("SELECT code, name, name_en, category FROM guides ORDER BY code")
        return [summary(r) for r in rows]

    def summaries(self, codes: Iterable[str]) -> dict[str, dict]:
        codes = list(codes)
        if not codes:
            return {}
        marks = ",".join("?" * len(codes))
        rows = self._all(f"SELECT code, name, name_en, category FROM guides WHERE code IN ({marks})", *codes)  # noqa: S608
        return {r["code"]: summary(r) for r in rows}

    def all_guides(self) -> Iterator[dict]:
        for row in self._all("SELECT data FROM guides ORDER BY code"):
            yield json.loads(row["data"])

    def guide_count(self) -> int:
        return self._all("SELECT count(*) AS n FROM guides")[0]["n"]

    def category_counts(self) -> dict[str, int]:
        return {
            r["category"]: r["n"] for r in self._all("SELECT category, count(*) AS n FROM guides GROUP BY category")
        }

    def centres(self) -> list[dict]:
        return [json.loads(r["data"]) for r in self._all("SELECT data FROM centres ORDER BY position")]

    def centre(self, code: str) -> dict | None:
        rows = self._all("SELECT data FROM centres WHERE code = ?", code)
        return json.loads(rows[0]["data"]) if rows else None

    def hours(self, centre: str) -> dict | None:
        rows = self._all("SELECT data FROM hours WHERE centre = ?", centre)
        return json.loads(rows[0]["data"]) if rows else None

    def meta(self, key: str, default: str = "") -> str:
        rows = self._all("SELECT value FROM meta WHERE key = ?", key)
        return rows[0]["value"] if rows else default

    def notice(self) -> dict | None:
        """The personal-information notice as last fetched: {version, text_zh, text_en, fetched_on}."""
        value = self.meta("privacy_notice")
        return json.loads(value) if value else None

    def keep_notice(self, notice: dict) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('privacy_notice', ?)",
                (json.dumps(notice, ensure_ascii=False),),
            )

    @property
    def cursor(self) -> str:
        return self.meta("cursor")

    @property
    def synced(self) -> bool:
        """True once a full copy has been taken (an empty catalogue can be a real one)."""
        return bool(self.meta("synced_at"))

    # --- writing (the sync service) --------------------------------------------------------------------

    def apply(
        self,
        *,
        upsert: Iterable[dict] = (),
        delete: Iterable[str] = (),
        centres: list[dict] | None = None,
        hours: dict[str, dict] | None = None,
        cursor: str | None = None,
        replace: bool = False,
    ) -> None:
        """One transaction: guides added or replaced and removed, centres (the whole list) and hours
        replaced, the cursor moved. `replace` empties the guides first (a full sync)."""
        with self._lock:
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                if replace:
                    db.execute("DELETE FROM guides")
                    db.execute("DELETE FROM hours")
                db.executemany(
                    "INSERT OR REPLACE INTO guides (code, name, name_en, category, data) VALUES (?, ?, ?, ?, ?)",
                    [
                        (g["code"], g["name"], g.get("name_en", ""), g["category"], json.dumps(g, ensure_ascii=False))
                        for g in upsert
                    ],
                )
                db.executemany("DELETE FROM guides WHERE code = ?", [(c,) for c in delete])
                if centres is not None:
                    db.execute("DELETE FROM centres")
                    db.executemany(
                        "INSERT INTO centres (code, position, data) VALUES (?, ?, ?)",
                        [(c["id"], i, json.dumps(c, ensure_ascii=False)) for i, c in enumerate(centres)],
                    )
                    db.execute("DELETE FROM hours WHERE centre NOT IN (SELECT code FROM centres)")
                db.executemany(
                    "INSERT OR REPLACE INTO hours (centre, data) VALUES (?, ?)",
                    [(code, json.dumps(h, ensure_ascii=False)) for code, h in (hours or {}).items()],
                )
                if cursor is not None:
                    db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('cursor', ?)", (cursor,))
                db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('synced_at', ?)", (str(time.time()),))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def forget_cursor(self) -> None:
        """The server does not know our cursor (its database was reset): the next sync is a full one."""
        with self._lock:
            self._db.execute("DELETE FROM meta WHERE key IN ('cursor', 'synced_at')")
