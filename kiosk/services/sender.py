"""Sends the outbox's applications to `POST /api/v1/applications`, one at a time, oldest first.

Link failures, server errors, rate limits and a missing or refused device token leave the entry
pending and try again later (capped, jittered backoff; at once when the link comes back). A refusal
of the application itself (4xx with the error shape, e.g. an invalid field) is final: the entry is
marked rejected with the server's message, which status lookup shows.
"""

import logging
import random
import threading
import time
from collections.abc import Callable

from kiosk.services.api import ApiClient, ApiError, Unreachable
from kiosk.services.outbox import Entry, Outbox

log = logging.getLogger(__name__)

FIRST_RETRY = 5.0
MAX_RETRY = 300.0
# Not the application's fault: a wrong or revoked token (401/403), a server without the endpoint yet
# (404/405), too many requests (429). Someone fixes these; then the same entry goes through.
RETRY_STATUS = frozenset({401, 403, 404, 405, 429})


def retry_delay(attempts: int) -> float:
    ceiling = min(MAX_RETRY, FIRST_RETRY * 2 ** max(0, attempts - 1))
    return ceiling / 2 + random.uniform(0, ceiling / 2)  # noqa: S311 — jitter, not a secret


class Sender:
    def __init__(self, api: ApiClient, outbox: Outbox, on_sent: Callable[[Entry], None] = lambda entry: None):
        self.api, self.outbox, self.on_sent = api, outbox, on_sent
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="kiosk-outbox", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def wake(self) -> None:
        self._wake.set()

    def resume(self) -> None:
        """The link is back: everything pending is due now, not at its backed-off time."""
        self.outbox.all_due_now()
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                wait = self.send_due()
            except Exception:
                log.exception("outbox: unexpected failure; trying again in a minute")
                wait = 60.0
            self._wake.wait(wait)
            self._wake.clear()

    def send_due(self) -> float | None:
        """Send every entry that is due; returns seconds until the next one is (None: wait for a wake)."""
        while not self._stop.is_set():
            entry, due_at = self.outbox.next_due()
            if entry is None:
                return None if due_at is None else max(0.0, due_at - time.time())
            self.send(entry)
        return None

    def send(self, entry: Entry) -> None:
        self.outbox.attempted(entry)
        files = [(field, (name, path, kind)) for field, name, path, kind in entry.files or []]
        try:
            # The local receipt is proposed as the application's, so the citizen keeps one number.
            fields = {**(entry.fields or {}), "receipt": entry.receipt}
            answer = self.api.submit_application(fields, files, entry.idempotency_key)
        except Unreachable as exc:
            self._later(entry, str(exc))
            return
        except ApiError as exc:
            if exc.status in RETRY_STATUS or exc.status >= 500:
                self._later(entry, str(exc))
            else:
                log.warning("outbox: %s refused by the server: %s", entry.receipt, exc)
                self.outbox.reject(entry, exc.message)
                self.on_sent(entry)
            return
        receipt = str(answer.body.get("receipt") or answer.body.get("code") or "")
        self.outbox.acknowledge(entry, receipt, str(answer.body.get("status") or ""))
        log.info(
            "outbox: %s sent, server receipt %s%s", entry.receipt, receipt, " (replayed)" if answer.replayed else ""
        )
        self.on_sent(entry)

    def _later(self, entry: Entry, error: str) -> None:
        delay = retry_delay(entry.attempts + 1)
        log.info("outbox: %s not sent (%s); next try in %.0f s", entry.receipt, error, delay)
        self.outbox.retry_later(entry, delay, error)
