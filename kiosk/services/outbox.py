"""The durable outbox for applications: accepted at the kiosk at once, sent when the link allows.

Acknowledged-queue semantics. An entry (its form fields, its scanned files and its Idempotency-Key)
is on disk, fsynced, before the citizen sees the local receipt; it stays "pending" until the server has
answered 2xx, and only then is it marked sent with the server's receipt. A power cut at any moment
leaves it pending, and the next attempt repeats the same key, which the server answers with the first
result (DESIGN.md §5), so nothing is lost and nothing is created twice.

Personal data lives here only while it must: once sent (or refused for good) the fields and files are
deleted; what remains is the two receipts and a keyed hash of the ID number, for status lookup.
"""

import hashlib
import hmac
import json
import os
import secrets
import shutil
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from guides.codes import ALPHABET, RECEIPT_LENGTH

SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    id INTEGER PRIMARY KEY,
    receipt TEXT NOT NULL UNIQUE,
    idempotency_key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    guide TEXT NOT NULL,
    guide_name TEXT NOT NULL,
    guide_name_en TEXT NOT NULL,
    id_hash TEXT NOT NULL,
    payload TEXT,
    files TEXT,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'rejected')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt REAL NOT NULL,
    last_error TEXT NOT NULL DEFAULT '',
    server_receipt TEXT,
    server_status TEXT,
    created_at REAL NOT NULL,
    finished_at REAL
);
CREATE INDEX IF NOT EXISTS entries_due ON entries (state, next_attempt);
"""
KEEP_FINISHED = 90 * 86400  # a finished entry's receipts stay looked-up-able for 90 days


@dataclass
class Entry:
    id: int
    receipt: str
    idempotency_key: str
    kind: str
    guide: str
    guide_name: str
    guide_name_en: str
    state: str
    attempts: int
    next_attempt: float
    last_error: str
    server_receipt: str | None
    server_status: str | None
    created_at: float
    fields: dict | None
    files: list | None  # [field, name, path, content type] rows

    @property
    def shown_receipt(self) -> str:
        """The one number a citizen is given: the service's once it has the application (the same as
        this one, unless the service had to give another), this kiosk's until then."""
        return self.server_receipt or self.receipt

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> "Entry":
        data = dict(row)
        payload, files = data.pop("payload"), data.pop("files")
        data.pop("id_hash")
        data.pop("finished_at")
        return cls(**data, fields=json.loads(payload) if payload else None, files=json.loads(files) if files else None)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Outbox:
    def __init__(self, directory: Path):
        self.directory = directory
        self.files_dir = directory / "files"
        self.files_dir.mkdir(parents=True, exist_ok=True)
        os.chmod(directory, 0o700)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(directory / "outbox.sqlite3", check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")  # a committed entry survives a power cut
        self._db.executescript(SCHEMA)
        self._secret = self._hash_secret()
        self._remove_orphans()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _hash_secret(self) -> bytes:
        path = self.directory / "outbox.key"
        if not path.exists():
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(secrets.token_bytes(32))
                f.flush()
                os.fsync(f.fileno())
        return path.read_bytes()

    def id_hash(self, id_number: str) -> str:
        return hmac.new(self._secret, id_number.strip().upper().encode(), hashlib.sha256).hexdigest()

    def _remove_orphans(self) -> None:
        """Files copied for an entry that was never committed (a crash in between), or already finished."""
        with self._lock:
            live = {r["receipt"] for r in self._db.execute("SELECT receipt FROM entries WHERE files IS NOT NULL")}
        for folder in self.files_dir.iterdir():
            if folder.name not in live:
                shutil.rmtree(folder, ignore_errors=True)

    # --- the citizen's side ----------------------------------------------------------------------------

    def add(
        self, kind: str, guide: dict, fields: dict, files: list[tuple[str, Path, str, str]], id_number: str
    ) -> Entry:
        """Queue a submission; `files` are (field, source path, name, content type). Returns the entry
        with its local receipt once it is safely on disk."""
        # The server's own alphabet and length: it keeps this number as the application's receipt.
        receipt = "K" + "".join(secrets.choice(ALPHABET) for _ in range(RECEIPT_LENGTH - 1))
        folder = self.files_dir / receipt
        folder.mkdir()
        stored = []
        for n, (fieldname, source, name, content_type) in enumerate(files):
            target = folder / f"{n}{Path(name).suffix.lower()}"
            shutil.copyfile(source, target)
            with target.open("rb") as f:
                os.fsync(f.fileno())
            stored.append([fieldname, name, str(target), content_type])
        _fsync_dir(folder)
        _fsync_dir(self.files_dir)
        now = time.time()
        with self._lock:
            self._db.execute(
                "INSERT INTO entries (receipt, idempotency_key, kind, guide, guide_name, guide_name_en, id_hash,"
                " payload, files, next_attempt, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    receipt,
                    f"kiosk-{receipt}-{secrets.token_hex(8)}",
                    kind,
                    guide["code"],
                    guide["name"],
                    guide.get("name_en", ""),
                    self.id_hash(id_number),
                    json.dumps(fields, ensure_ascii=False),
                    json.dumps(stored, ensure_ascii=False),
                    now,
                    now,
                ),
            )
        return self.get(receipt)

    def get(self, receipt: str) -> Entry | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM entries WHERE receipt = ?", (receipt.strip().upper(),)).fetchone()
        return Entry.from_row(row) if row else None

    def lookup(self, receipt: str, id_number: str) -> Entry | None:
        """The entry for a local receipt, only with the ID number it was made with."""
        with self._lock:
            row = self._db.execute("SELECT * FROM entries WHERE receipt = ?", (receipt.strip().upper(),)).fetchone()
        if row is None or not hmac.compare_digest(row["id_hash"], self.id_hash(id_number)):
            return None
        return Entry.from_row(row)

    def pending_count(self) -> int:
        with self._lock:
            return self._db.execute("SELECT count(*) FROM entries WHERE state = 'pending'").fetchone()[0]

    # --- the sender's side -----------------------------------------------------------------------------

    def next_due(self, now: float | None = None) -> tuple[Entry | None, float | None]:
        """The oldest pending entry due now, else None and when the next one is due (None: none pending)."""
        now = time.time() if now is None else now
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM entries WHERE state = 'pending' ORDER BY next_attempt, id LIMIT 1"
            ).fetchone()
        if row is None:
            return None, None
        if row["next_attempt"] > now:
            return None, row["next_attempt"]
        return Entry.from_row(row), None

    def attempted(self, entry: Entry) -> None:
        """Counted before the request goes out, so a crash mid-send still shows as an attempt."""
        with self._lock:
            self._db.execute("UPDATE entries SET attempts = attempts + 1 WHERE id = ?", (entry.id,))

    def retry_later(self, entry: Entry, delay: float, error: str) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE entries SET next_attempt = ?, last_error = ? WHERE id = ? AND state = 'pending'",
                (time.time() + delay, error[:500], entry.id),
            )

    def all_due_now(self) -> None:
        with self._lock:
            self._db.execute("UPDATE entries SET next_attempt = ? WHERE state = 'pending'", (time.time(),))

    def acknowledge(self, entry: Entry, server_receipt: str, server_status: str) -> None:
        """The server has it: record its receipt, then drop the personal data."""
        self._finish(entry, "sent", server_receipt=server_receipt, server_status=server_status, error="")

    def reject(self, entry: Entry, error: str) -> None:
        """The server refused it for good (invalid, not an error of the link): nothing to resend."""
        self._finish(entry, "rejected", server_receipt=None, server_status=None, error=error)

    def _finish(self, entry: Entry, state: str, *, server_receipt, server_status, error: str) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE entries SET state = ?, server_receipt = ?, server_status = ?, last_error = ?, finished_at = ?,"
                " payload = NULL, files = NULL WHERE id = ? AND state = 'pending'",
                (state, server_receipt, server_status, error[:500], time.time(), entry.id),
            )
        shutil.rmtree(self.files_dir / entry.receipt, ignore_errors=True)

    def purge(self, now: float | None = None) -> int:
        """Forget finished entries after KEEP_FINISHED seconds."""
        now = time.time() if now is None else now
        with self._lock:
            return self._db.execute(
                "DELETE FROM entries WHERE state != 'pending' AND finished_at < ?", (now - KEEP_FINISHED,)
            ).rowcount
