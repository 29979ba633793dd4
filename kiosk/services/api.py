"""The CMS's HTTP API (DESIGN.md §6) on `requests` (DESIGN.md §8.8, after stripe-python's HTTP client):

- a (connect, read) timeout on every call;
- retries only for transient failures (no connection, a timeout where repeating is safe, 429/502/503/504),
  at most `retries` times, with capped, jittered exponential backoff (Retry-After is honoured up to the cap);
- an `Idempotency-Key` on every POST, the same on each retry, so a repeat never creates a second record;
- `Authorization: Bearer <device token>` on every call once the kiosk has a token.

Failures become `Unreachable` (the kiosk is offline for this call) or `ApiError` (the server answered no).
"""

import json
import logging
import random
import threading
import time
import uuid
from dataclasses import dataclass, field

import requests

log = logging.getLogger(__name__)

TRANSIENT_STATUS = frozenset({408, 429, 502, 503, 504})
ID_HEADER = "X-Id-Number"
SOURCE_HEADER = "X-Id-Number-Source"  # "card": the ID number was read from the card, which proves it


@dataclass
class ApiError(Exception):
    """The server refused: its error shape `{"error": {code, message, fields}}` and the HTTP status."""

    status: int
    code: str
    message: str
    fields: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.status} {self.code}: {self.message}"


class Unreachable(Exception):
    """No answer from the server (down, link lost, or still failing after the retries)."""


@dataclass
class Response:
    status: int
    body: dict
    replayed: bool = False  # the server answered a repeated Idempotency-Key with the first result


class ApiClient:
    def __init__(
        self,
        base_url: str,
        token: str = "",
        *,
        connect_timeout: float = 3.05,
        read_timeout: float = 15.0,
        retries: int = 2,
        backoff: float = 0.5,
        backoff_cap: float = 8.0,
        language: str = "zh-hans",
    ):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = (connect_timeout, read_timeout)
        self.retries = retries
        self.backoff = backoff
        self.backoff_cap = backoff_cap
        self.language = language
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._sessions_lock = threading.Lock()

    @property
    def session(self) -> requests.Session:
        """One session (connection pool) per thread: requests does not promise a shared one is safe."""
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
            session.headers["User-Agent"] = "OneTrip-kiosk/1"
            with self._sessions_lock:
                self._sessions.append(session)
        return session

    def close(self) -> None:
        with self._sessions_lock:
            for session in self._sessions:
                session.close()
            self._sessions.clear()

    # --- the transport ----------------------------------------------------------------------------------

    def delay(self, attempt: int, retry_after: str | None = None) -> float:
        """Seconds to wait before retry number `attempt` (0-based): full jitter under a capped exponential."""
        if retry_after and retry_after.strip().isdigit():
            return min(float(retry_after), self.backoff_cap)
        ceiling = min(self.backoff_cap, self.backoff * 2**attempt)
        return ceiling / 2 + random.uniform(0, ceiling / 2)  # noqa: S311 — jitter, not a secret

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict | None = None,
        json_body: dict | None = None,
        data: dict | None = None,
        files: list | None = None,
        headers: dict | None = None,
        idempotency_key: str | None = None,
        retries: int | None = None,
    ) -> Response:
        url = f"{self.base_url}/api/v1{path}"
        headers = {"Accept": "application/json", "Accept-Language": self.language, **(headers or {})}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if method == "POST":
            headers["Idempotency-Key"] = idempotency_key or f"kiosk-{uuid.uuid4()}"
        # Every call may be repeated: reads are safe, and every POST carries its Idempotency-Key.
        retries = self.retries if retries is None else retries
        attempt = 0
        while True:
            opened = _open_files(files)
            try:
                answer = self.session.request(
                    method,
                    url,
                    params=params,
                    json=json_body,
                    data=data,
                    files=opened,
                    headers=headers,
                    timeout=self.timeout,
                    allow_redirects=method == "GET",
                )
            except requests.ConnectionError as exc:
                # ConnectTimeout is a ConnectionError: the request never reached the server.
                failure, retry_after = Unreachable(f"{method} {path}: no connection ({type(exc).__name__})"), None
            except requests.Timeout:
                failure, retry_after = Unreachable(f"{method} {path}: no answer in {self.timeout[1]} s"), None
            else:
                if answer.status_code not in TRANSIENT_STATUS:
                    return _answer(method, path, answer)
                failure = (
                    _error(answer)
                    if answer.status_code == 429
                    else Unreachable(f"{method} {path}: {answer.status_code}")
                )
                retry_after = answer.headers.get("Retry-After")
            finally:
                for _field, spec in opened or ():
                    if len(spec) == 3:  # an opened file, not a plain field
                        spec[1].close()
            if attempt >= retries:
                raise failure
            pause = self.delay(attempt, retry_after)
            log.info("%s %s failed (%s); retry %d in %.1f s", method, path, failure, attempt + 1, pause)
            time.sleep(pause)
            attempt += 1

    def get(self, path: str, **kwargs) -> dict:
        return self.request("GET", path, **kwargs).body

    # --- the operations the kiosk uses ------------------------------------------------------------------

    def changes(self, since: str = "", limit: int = 500) -> dict:
        return self.get("/changes", params={"since": since, "limit": limit}, retries=0)

    def guides(self, limit: int = 100, offset: int = 0) -> dict:
        return self.get("/guides", params={"limit": limit, "offset": offset})

    def guide(self, code: str) -> dict:
        return self.get(f"/guides/{code}")

    def centres(self) -> dict:
        return self.get("/centres")

    def centre_hours(self, centre: str, first: str, last: str) -> dict:
        return self.get(f"/centres/{centre}/hours", params={"from": first, "to": last})

    def slots(self, guide: str, centre: str, date: str) -> dict:
        return self.get("/slots", params={"guide": guide, "centre": centre, "date": date})

    def book(self, payload: dict, idempotency_key: str, from_card: bool = False) -> dict:
        headers = {SOURCE_HEADER: "card"} if from_card else None
        return self.request(
            "POST", "/bookings", json_body=payload, headers=headers, idempotency_key=idempotency_key
        ).body

    def privacy_notice(self) -> dict:
        """The personal-information notice: {version, text_zh, text_en}; a booking or application sends the
        version as `consent` once the citizen has agreed."""
        return self.get("/privacy-notice")

    def send_phone_code(self, phone: str) -> dict:
        # No retry: a second send within the minute is refused (429), and each one texts the citizen.
        return self.request("POST", "/phone-codes", json_body={"phone": phone}, retries=0).body

    def booking(self, code: str, id_number: str) -> dict:
        # The ID number goes in a header, never in the URL (DESIGN.md §5).
        return self.get(f"/bookings/{code}", headers={ID_HEADER: id_number})

    def cancel_booking(self, code: str, id_number: str, from_card: bool = False) -> dict:
        # No retry: a repeat after a lost answer would be refused as already cancelled.
        return self.request("DELETE", f"/bookings/{code}", headers=_id_headers(id_number, from_card), retries=0).body

    def reschedule_booking(
        self, code: str, id_number: str, slot: int, idempotency_key: str, from_card: bool = False
    ) -> dict:
        # No retry: a repeat after a lost answer would be refused as the booking's own slot.
        return self.request(
            "POST",
            f"/bookings/{code}/reschedule",
            json_body={"slot": slot},
            headers=_id_headers(id_number, from_card),
            idempotency_key=idempotency_key,
            retries=0,
        ).body

    def check_in(self, code: str, idempotency_key: str) -> dict:
        return self.request("POST", f"/bookings/{code}/check-in", json_body={}, idempotency_key=idempotency_key).body

    def submit_application(
        self, fields: dict, files: list, idempotency_key: str, retries: int = 0, from_card: bool = False
    ) -> Response:
        """POST /applications as multipart: `fields` as form fields, `files` as (field, (name, path, type)).
        Without files (a lost card said instead of scanned, 容缺 ones left out) the fields go as multipart
        parts of their own: given no files, requests would send them url-encoded, which the service refuses.
        `from_card`: the ID number was read from the card (`X-Id-Number-Source: card`)."""
        if not files:
            fields, files = None, [(name, (None, str(value))) for name, value in fields.items()]
        headers = {SOURCE_HEADER: "card"} if from_card else None
        return self.request(
            "POST",
            "/applications",
            data=fields,
            files=files,
            headers=headers,
            idempotency_key=idempotency_key,
            retries=retries,
        )

    def application(self, receipt: str, id_number: str) -> dict:
        return self.get(f"/applications/{receipt}", headers={ID_HEADER: id_number})

    def supplement(
        self, receipt: str, id_number: str, files: list, idempotency_key: str, from_card: bool = False
    ) -> dict:
        """补交: POST /applications/{receipt}/supplement, `files` as (field, (name, path, type)) rows."""
        return self.request(
            "POST",
            f"/applications/{receipt}/supplement",
            files=files,
            headers=_id_headers(id_number, from_card),
            idempotency_key=idempotency_key,
            retries=0,
        ).body

    # --- the service hall (docs/hall.md) -----------------------------------------------------------------

    def take_ticket(self, centre: str, category: str, priority: str, idempotency_key: str) -> dict:
        body = {"centre": centre, "category": category, "priority": priority}
        return self.request("POST", "/tickets", json_body=body, idempotency_key=idempotency_key).body

    def ask_help(self, screen: str, idempotency_key: str) -> dict:
        return self.request(
            "POST", "/help-requests", json_body={"screen": screen}, idempotency_key=idempotency_key
        ).body

    def help_request(self, request_id: int) -> dict:
        return self.get(f"/help-requests/{request_id}", retries=0)


def _id_headers(id_number: str, from_card: bool) -> dict:
    """The ID number in its header (never in the URL, DESIGN.md §5), and whether it was read from the card."""
    return {ID_HEADER: id_number, **({SOURCE_HEADER: "card"} if from_card else {})}


def _open_files(files: list | None):
    """Multipart parts from (field, (name, path, type)) rows, each file opened afresh for this attempt; a
    (field, (None, text)) row is a plain form field."""
    if not files:
        return None
    return [
        (fieldname, (spec[0], open(spec[1], "rb"), spec[2]) if len(spec) == 3 else spec) for fieldname, spec in files
    ]


def _error(answer: requests.Response) -> ApiError:
    try:
        detail = answer.json()["error"]
        return ApiError(
            answer.status_code, str(detail["code"]), str(detail["message"]), dict(detail.get("fields") or {})
        )
    except (ValueError, KeyError, TypeError):
        return ApiError(
            answer.status_code,
            "http_error",
            f"服务器返回 {answer.status_code} / the server answered {answer.status_code}",
        )


def _answer(method: str, path: str, answer: requests.Response) -> Response:
    if answer.status_code >= 500:
        # Not transient (a server bug): a retry would not help, but the kiosk still cannot go on.
        raise Unreachable(f"{method} {path}: server error {answer.status_code}")
    if answer.status_code >= 400:
        raise _error(answer)
    if answer.status_code >= 300:
        raise Unreachable(f"{method} {path}: unexpected redirect to {answer.headers.get('Location')}")
    try:
        body = answer.json() if answer.content else {}
    except json.JSONDecodeError:
        raise Unreachable(f"{method} {path}: the answer is not JSON (a proxy or captive portal?)") from None
    return Response(answer.status_code, body, answer.headers.get("Idempotent-Replayed") == "true")
