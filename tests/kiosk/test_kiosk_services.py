"""The kiosk's services without the screens: the API client's timeouts, retries and idempotency keys, the
durable outbox and its sender, the scanner folder, tickets, pinyin input, settings, fonts, the sync."""

import http.server
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from kiosk_cms import free_port

from kiosk import fonts, settings
from kiosk.services.api import ApiClient, ApiError, Unreachable
from kiosk.services.outbox import Outbox
from kiosk.services.scanner import MAX_BYTES, Scanner, ScanRefused
from kiosk.services.sender import Sender
from kiosk.services.tickets import PrintFailed, Ticket, TicketPrinter
from tests.support.bookings import id_number

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
PDF = b"%PDF-1.7\n" + b"\0" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\0" * 64


# --- a scripted HTTP server: the network, misbehaving on purpose ----------------------------------------


class Scripted(http.server.ThreadingHTTPServer):
    """Answers each request with the next (status, body, headers, delay) of `script`, and records it."""

    daemon_threads = True

    def __init__(self, script: list[tuple]):
        self.script = list(script)
        self.seen: list[dict] = []
        super().__init__(("127.0.0.1", free_port()), _ScriptedHandler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _ScriptedHandler(http.server.BaseHTTPRequestHandler):
    def _answer(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.seen.append(
            {"method": self.command, "path": self.path, "headers": dict(self.headers), "body": body}
        )
        step = list(self.server.script.pop(0))
        status, payload, headers, delay = step + [{}, 0][len(step) - 2 :]
        time.sleep(delay)
        data = json.dumps(payload).encode()
        try:
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (a timeout test)

    do_GET = do_POST = _answer

    def log_message(self, *args):
        pass


REFUSED = {"error": {"code": "invalid", "message": "请检查 / please check", "fields": {"phone": "手机号 / phone"}}}


@pytest.mark.parametrize(
    ("method", "script", "attempts", "outcome"),
    [
        ("GET", [(503, {}), (503, {}), (200, {"ok": 1})], 3, {"ok": 1}),  # transient, then fine
        ("GET", [(503, {}), (502, {}), (504, {})], 3, Unreachable),  # transient every time: give up
        ("GET", [(429, {}, {"Retry-After": "0"}), (200, {"ok": 2})], 2, {"ok": 2}),  # rate-limited, then fine
        ("GET", [(404, {"error": {"code": "not_found", "message": "未找到 / not found"}})], 1, ApiError),
        ("GET", [(500, {})], 1, Unreachable),  # a server bug: repeating it would not help
        ("POST", [(502, {}), (201, {"code": "X"})], 2, {"code": "X"}),
        ("POST", [(400, REFUSED)], 1, ApiError),  # refused: never repeated
    ],
)
def test_api_client_retries_only_transient_failures(method, script, attempts, outcome):
    server = Scripted(script)
    client = ApiClient(server.url, "otk_test", retries=2, backoff=0.01, backoff_cap=0.05)
    call = lambda: client.request(method, "/things", json_body={"a": 1} if method == "POST" else None).body  # noqa: E731
    if isinstance(outcome, type):
        with pytest.raises(outcome) as raised:
            call()
        if outcome is ApiError:
            assert raised.value.code in ("not_found", "invalid")
            assert raised.value.status == script[0][0]
            if raised.value.status == 400:
                assert raised.value.fields == {"phone": "手机号 / phone"}
    else:
        assert call() == outcome
    assert len(server.seen) == attempts
    assert all(r["headers"]["Authorization"] == "Bearer otk_test" for r in server.seen)
    if method == "POST":
        keys = {r["headers"]["Idempotency-Key"] for r in server.seen}
        assert len(keys) == 1 and keys.pop().startswith("kiosk-")  # one key, the same on every retry
    server.shutdown()


def test_api_client_times_out_and_reports_unreachable():
    server = Scripted([(200, {}, {}, 2.0), (200, {}, {}, 2.0)])
    client = ApiClient(server.url, read_timeout=0.2, retries=1, backoff=0.01, backoff_cap=0.01)
    with pytest.raises(Unreachable):
        client.get("/slow")
    assert len(server.seen) == 2
    server.shutdown()
    with pytest.raises(Unreachable):  # nobody listening
        ApiClient(f"http://127.0.0.1:{free_port()}", retries=0).get("/nothing")


@pytest.mark.parametrize("attempt", range(12))
def test_backoff_is_jittered_exponential_and_capped(attempt):
    client = ApiClient("http://127.0.0.1:1", backoff=0.5, backoff_cap=8.0)
    ceiling = min(8.0, 0.5 * 2**attempt)
    delays = {client.delay(attempt) for _ in range(50)}
    assert all(ceiling / 2 <= d <= ceiling for d in delays)
    assert len(delays) > 1  # jittered, so kiosks that lost the link together do not return together
    assert client.delay(attempt, retry_after="3") == 3.0
    assert client.delay(attempt, retry_after="600") == 8.0


# --- the outbox ------------------------------------------------------------------------------------------


def scan_file(tmp_path: Path, name: str = "page.png", data: bytes = PNG) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


GUIDE = {"code": "330482-GA-001", "name": "居民身份证申领/换领/补领", "name_en": "ID card"}


def test_outbox_keeps_an_entry_until_acknowledged_then_forgets_the_personal_data(tmp_path):
    outbox = Outbox(tmp_path / "outbox")
    person = id_number(7501)
    entry = outbox.add(
        "application",
        GUIDE,
        {"name": "王五", "id_number": person},
        [("material_2", scan_file(tmp_path), "page.png", "image/png")],
        person,
    )
    assert entry.state == "pending" and entry.receipt.startswith("K")
    assert outbox.lookup(entry.receipt, person).receipt == entry.receipt
    assert outbox.lookup(entry.receipt, id_number(7502)) is None  # the ID number must match
    assert outbox.lookup(entry.receipt.lower(), person) is not None  # typed in lower case
    stored = Path(entry.files[0][2])
    assert stored.read_bytes() == PNG and stored.is_relative_to(tmp_path / "outbox")
    due, _ = outbox.next_due()
    assert due.receipt == entry.receipt
    outbox.retry_later(entry, 60, "no connection")
    assert outbox.next_due() == (None, pytest.approx(time.time() + 60, abs=5))
    outbox.all_due_now()
    assert outbox.next_due()[0].receipt == entry.receipt

    outbox.acknowledge(entry, "RCPT0001", "submitted")
    done = outbox.get(entry.receipt)
    assert (done.state, done.server_receipt, done.fields, done.files) == ("sent", "RCPT0001", None, None)
    assert not stored.exists()
    assert outbox.next_due() == (None, None)
    raw = (tmp_path / "outbox" / "outbox.sqlite3").read_bytes()
    assert person.encode() not in raw and "王五".encode() not in raw
    assert outbox.purge(now=time.time() + 91 * 86400) == 1


def test_outbox_entry_survives_a_kill_right_after_it_was_accepted(tmp_path):
    """The citizen saw the receipt; the power goes: the entry and its file are there on restart."""
    script = (
        "import os, signal, sys; from pathlib import Path; from kiosk.services.outbox import Outbox; "
        f"o = Outbox(Path({str(tmp_path / 'outbox')!r})); "
        f"files = [('material_1', Path({str(scan_file(tmp_path))!r}), 'p.png', 'image/png')]; "
        f"e = o.add('application', {GUIDE!r}, {{'name': 'x'}}, files, '1'); "
        "print(e.receipt, flush=True); os.kill(os.getpid(), signal.SIGKILL)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, cwd=Path(__file__).parents[2]
    )
    assert done.returncode == -signal.SIGKILL
    receipt = done.stdout.strip()
    entry = Outbox(tmp_path / "outbox").get(receipt)
    assert entry.state == "pending"
    assert Path(entry.files[0][2]).read_bytes() == PNG


def test_outbox_removes_files_of_entries_never_committed(tmp_path):
    orphan = tmp_path / "outbox" / "files" / "KORPHAN000"
    orphan.mkdir(parents=True)
    (orphan / "0.png").write_bytes(PNG)
    Outbox(tmp_path / "outbox")
    assert not orphan.exists()


@pytest.mark.parametrize(
    ("answer", "state"),
    [
        ((201, {"receipt": "SRV12345", "status": "submitted"}), "sent"),
        ((400, REFUSED), "rejected"),  # the application itself is refused: final
        (
            (401, {"error": {"code": "unauthorised", "message": "令牌 / token"}}),
            "pending",
        ),  # fix the token, then it goes
        (
            (404, {"error": {"code": "not_found", "message": "未找到 / not found"}}),
            "pending",
        ),  # a CMS without the endpoint
        ((503, {}), "pending"),
    ],
)
def test_sender_acknowledges_retries_or_rejects(tmp_path, answer, state):
    server = Scripted([answer, answer, answer])
    outbox = Outbox(tmp_path / "outbox")
    entry = outbox.add(
        "application", GUIDE, {"name": "王五"}, [("material_2", scan_file(tmp_path), "page.png", "image/png")], "1"
    )
    sent = []
    sender = Sender(ApiClient(server.url, retries=0), outbox, on_sent=sent.append)
    sender.send(outbox.next_due()[0])
    after = outbox.get(entry.receipt)
    assert after.state == state
    assert after.attempts == 1
    request = server.seen[0]
    assert request["path"] == "/api/v1/applications"
    assert request["headers"]["Idempotency-Key"] == entry.idempotency_key
    assert request["headers"]["Content-Type"].startswith("multipart/form-data")
    assert b'name="material_2"; filename="page.png"' in request["body"] and PNG in request["body"]
    if state == "sent":
        assert after.server_receipt == "SRV12345" and sent
    elif state == "rejected":
        assert after.last_error == "请检查 / please check" and after.fields is None
    else:
        assert after.next_attempt > time.time() and after.fields is not None and not sent
    server.shutdown()


# --- the scanner's drop folder ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "taken"),
    [
        (PDF, "application/pdf"),
        (JPEG, "image/jpeg"),
        (PNG, "image/png"),
        (b"GIF89a" + b"\0" * 64, "not_a_document"),
        (b"MZ\x90\0" + b"\0" * 64, "not_a_document"),  # a program named .pdf
        (b"%PDF-" + b"\0" * (MAX_BYTES + 1), "too_large"),
    ],
    ids=["pdf", "jpeg", "png", "gif", "program", "oversize"],
)
def test_scanner_takes_only_documents(tmp_path, data, taken):
    scanner = Scanner(tmp_path / "drop", tmp_path / "staging")
    scanner.begin()
    (tmp_path / "drop" / "scan.pdf").write_bytes(data)
    assert scanner.poll() is None  # seen once: maybe still being written
    if taken in ("not_a_document", "too_large"):
        with pytest.raises(ScanRefused) as refused:
            scanner.poll()
        assert refused.value.reason == taken
        assert not any((tmp_path / "drop").iterdir())
    else:
        scan = scanner.poll()
        assert scan.content_type == taken and scan.path.read_bytes() == data
        assert scan.path.parent == tmp_path / "staging"
        assert not any((tmp_path / "drop").iterdir())


def test_scanner_waits_for_a_file_being_written_and_clears_leftovers(tmp_path):
    scanner = Scanner(tmp_path / "drop", tmp_path / "staging")
    (tmp_path / "drop" / "someone-elses.pdf").write_bytes(PDF)
    scanner.begin()
    assert not any((tmp_path / "drop").iterdir())
    growing = tmp_path / "drop" / "new.jpg"
    growing.write_bytes(JPEG[:10])
    assert scanner.poll() is None
    growing.write_bytes(JPEG)
    assert scanner.poll() is None  # grew since the last look
    scan = scanner.poll()
    assert scan is not None and scan.size == len(JPEG)
    scanner.wipe()
    assert not scan.path.exists()


def _picture(size=(1200, 1600), colour="white"):
    from PIL import Image

    return Image.new("RGB", size, colour)


@pytest.mark.parametrize(
    ("name", "make", "pages"),
    [
        ("page.jpg", lambda path: _picture().save(path, "JPEG"), 1),
        ("page.png", lambda path: _picture((800, 600)).save(path, "PNG"), 1),
        ("pages.pdf", lambda path: _picture().save(path, "PDF", save_all=True, append_images=[_picture()]), 2),
        ("broken.jpg", lambda path: path.write_bytes(JPEG), 0),  # a JPEG's first bytes, then nothing
        ("broken.pdf", lambda path: path.write_bytes(PDF), 0),
    ],
)
def test_each_scanned_page_gets_a_thumbnail(tmp_path, name, make, pages):
    from PIL import Image

    scanner = Scanner(tmp_path / "drop", tmp_path / "staging")
    scanner.begin()
    make(tmp_path / "drop" / name)
    assert scanner.poll() is None
    scan = scanner.poll()
    assert scan is not None and len(scan.thumbnails) == pages  # a page it cannot read: the scan stands, no picture
    for thumbnail in scan.thumbnails:
        assert thumbnail.parent == tmp_path / "staging"
        with Image.open(thumbnail) as image:
            assert max(image.size) == 240
    scanner.discard(scan)
    assert not any((tmp_path / "staging").iterdir())  # the pictures go with the scan


# --- tickets ------------------------------------------------------------------------------------------------


def test_ticket_is_a_png_file_or_goes_to_the_print_command(tmp_path):
    font = fonts.find_cjk_font()
    ticket = Ticket(
        kind="booking",
        title="预约凭证 Booking",
        code="ABCD2345",
        lines=["居民身份证", "张* · **************1234"],
        qr="ABCD2345",
    )
    path = TicketPrinter(tmp_path / "tickets", "", font).print(ticket)
    assert path.read_bytes().startswith(b"\x89PNG")
    from PIL import Image

    assert Image.open(path).size[0] == 576
    spool = tmp_path / "spool"
    spool.mkdir()
    printed = TicketPrinter(tmp_path / "tickets2", f"cp {{file}} {spool}", font).print(ticket)
    assert (spool / printed.name).read_bytes().startswith(b"\x89PNG")
    assert not printed.exists()  # printed, so no copy stays on the kiosk
    with pytest.raises(PrintFailed):
        TicketPrinter(tmp_path / "tickets3", "false", font).print(ticket)


# --- pinyin input -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ime(tmp_path_factory):
    from kiosk.services.ime import PinyinInput

    ime = PinyinInput(tmp_path_factory.mktemp("ime") / "lexicon.json")
    ime.load(["居民身份证", "身份证", "营业执照", "公积金"])
    return ime


@pytest.mark.parametrize(
    ("letters", "first", "consumed"),
    [
        ("shenfenzheng", "身份证", 12),  # full pinyin of a word
        ("sfz", "身份证", 3),  # initials
        ("yyzz", "营业执照", 4),
        ("gongjijin", "公积金", 9),
        ("zhang", "长", 5),  # one syllable: its characters, most used first
        ("zhangsan", None, None),  # a name: 张 for "zhang", "san" stays to be typed
    ],
)
def test_pinyin_candidates(ime, letters, first, consumed):
    candidates = ime.candidates(letters)
    if first is not None:
        assert candidates[0].text == first and candidates[0].consumed == consumed
    else:
        zhang = next(c for c in candidates if c.text == "张")
        assert zhang.consumed == len("zhang")
    assert "张" in [c.text for c in ime.candidates("zhang")[:8]]


def test_pinyin_lexicon_is_cached(ime):
    from kiosk.services.ime import PinyinInput

    again = PinyinInput(ime.cache)
    assert again._read_cache() is not None
    again.load([])
    assert again.candidates("sfz")[0].text == "身份证"


# --- settings and fonts -------------------------------------------------------------------------------------


def test_settings_from_file_then_environment(tmp_path):
    config = tmp_path / "kiosk.toml"
    config.write_text('cms_url = "http://cms.example:8000/"\ncentre = "zhapu"\nidle_timeout = 90\nfullscreen = true\n')
    loaded = settings.load(config, {"KIOSK_CENTRE": "danghu", "KIOSK_PRINT_COMMAND": "lp -d t {file}"})
    assert loaded.cms_url == "http://cms.example:8000"
    assert (loaded.centre, loaded.idle_timeout, loaded.fullscreen, loaded.print_command) == (
        "danghu",
        90.0,
        True,
        "lp -d t {file}",
    )
    assert settings.load(None, {"CMS_URL": "https://x.example"}).cms_url == "https://x.example"
    assert settings.load(None, {"KIOSK_DATA_DIR": "var/k2"}).data_dir == settings.ROOT / "var" / "k2"
    # no antialiasing unless asked: without a GPU it doubles each frame's cost
    assert (loaded.multisamples, settings.load(None, {"KIOSK_MULTISAMPLES": "4"}).multisamples) == (0, 4)


@pytest.mark.parametrize(
    ("text", "environ", "complaint"),
    [
        ("colour = 'red'\n", {}, "unknown settings colour"),
        ("idle_timeout = 'soon'\n", {}, "idle_timeout"),
        ("cms_url = [\n", {}, "not valid TOML"),
        ("", {"KIOSK_FULLSCREEN": "maybe"}, "KIOSK_FULLSCREEN"),
        ("", {"KIOSK_CMS_URL": "cms.example"}, "KIOSK_CMS_URL: cms_url = 'cms.example': .*must start with http"),
        ("", {"KIOSK_LANGUAGE": "fr"}, "KIOSK_LANGUAGE: language = 'fr': Input should be 'zh_Hans' or 'en'"),
        ("", {"KIOSK_IDLE_TIMEOUT": "0"}, "KIOSK_IDLE_TIMEOUT: idle_timeout = '0': Input should be greater than 0"),
        ("width = 'wide'\n", {}, "kiosk.toml: width = 'wide'"),
        ("", {"KIOSK_MULTISAMPLES": "-2"}, "KIOSK_MULTISAMPLES: multisamples = '-2': Input should be greater"),
    ],
)
def test_settings_errors_name_the_problem(tmp_path, text, environ, complaint):
    config = tmp_path / "kiosk.toml"
    config.write_text(text)
    with pytest.raises(settings.SettingsError, match=complaint):
        settings.load(config, environ)


def test_every_symbol_of_the_interface_is_checked_in_the_font_at_start_up():
    """A character the interface shows that is neither ASCII nor a Chinese ideograph must be in SYMBOLS, so
    start-up refuses a font that would draw it as a box (as the close mark ✕ once was)."""
    root = Path(__file__).parents[2]
    sources = [*(root / "kiosk").rglob("*.kv"), *(root / "kiosk").rglob("*.py")]
    sources += [root / "locale" / lang / "LC_MESSAGES" / "kiosk.po" for lang in ("zh_Hans", "en")]
    used = {ch for path in sources for ch in path.read_text() if ord(ch) > 127 and not "\u4e00" <= ch <= "\u9fff"}
    assert used <= set(fonts.SYMBOLS), f"add to kiosk.fonts.SYMBOLS: {''.join(sorted(used - set(fonts.SYMBOLS)))}"
    found = fonts.find_cjk_font()
    assert not fonts.missing_glyphs(found, fonts.SYMBOLS)
    # A font with Chinese that lacks one symbol is refused, naming it: configured, or the only one found.
    for configured in (str(found), ""):
        with pytest.raises(fonts.FontMissing, match=r"cannot draw \U0001f9fe \(U\+1F9FE\)"):
            fonts.find_cjk_font(configured, symbols="✕\U0001f9fe")


def test_cjk_font_is_found_or_the_kiosk_refuses_to_start(tmp_path):
    found = fonts.find_cjk_font()
    assert found.is_file() and fonts._covers_chinese(found)
    with pytest.raises(fonts.FontMissing, match="does not exist"):
        fonts.find_cjk_font(str(tmp_path / "none.ttf"))
    import kivy

    roboto = Path(kivy.__file__).parent / "data" / "fonts" / "Roboto-Regular.ttf"
    with pytest.raises(fonts.FontMissing, match="no Chinese glyphs"):
        fonts.find_cjk_font(str(roboto))
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "--check"],
        env=dict(os.environ) | {"KIOSK_FONT": str(roboto), "SDL_VIDEODRIVER": "offscreen"},
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).parents[2],
    )
    assert done.returncode == 3  # refused before any window opens
    assert "no Chinese glyphs" in done.stderr


# --- the sync, against the live CMS -------------------------------------------------------------------------


def test_first_sync_copies_everything_and_a_reset_server_means_copying_again(cms, tmp_path):
    from kiosk.services import open_services

    services = open_services(settings.Settings(cms_url=cms.url, data_dir=tmp_path / "k"), font=None)
    try:
        changed = services.syncer.sync_once()
        listed = ApiClient(cms.url).guides(limit=100)
        assert changed.full and services.catalogue.guide_count() == listed["count"]
        assert {c["id"] for c in services.catalogue.centres()} >= {"city", "shantang"}
        assert services.catalogue.hours("city")["items"]
        assert services.search.search("sfz").rows  # indexed for offline search
        assert services.syncer.sync_once().guides == set()  # nothing new since
        cursor = services.catalogue.cursor
        services.catalogue.apply(cursor=str(int(cursor) + 10_000))  # a cursor this server never gave
        services.syncer.sync_once()  # 409: the kiosk forgets its cursor…
        assert services.syncer.sync_once().full  # …and copies everything again
        assert services.catalogue.cursor == cursor
    finally:
        services.stop()
    with sqlite3.connect(tmp_path / "k" / "catalogue.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM guides").fetchone()[0] == listed["count"]
