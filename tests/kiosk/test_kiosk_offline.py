"""The village link goes down, the kiosk does not: search works from the local index, bookings say whom
to call, an application is queued with a local receipt. Then the kiosk dies in the middle of sending
it (after the CMS has stored it, before the answer arrives), and once both run again the CMS holds
exactly one application, whose receipt the kiosk shows."""

import http.client
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

from kiosk_cms import ROOT, free_port

from tests.support.bookings import id_number

GUIDE = "330482-GA-001"


class CuttingProxy(http.server.ThreadingHTTPServer):
    """Between kiosk and CMS. Passes everything on, except that the answer to a POST of an application
    is kept from the kiosk (the CMS has stored it; the kiosk never hears so): the link dropped mid-send."""

    daemon_threads = True

    def __init__(self, target: str):
        self.target = target.removeprefix("http://")
        self.stored: list[dict] = []  # what the CMS answered to the POSTs the kiosk never saw answered
        self.release = threading.Event()
        super().__init__(("127.0.0.1", free_port()), _ProxyHandler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _ProxyHandler(http.server.BaseHTTPRequestHandler):
    def _forward(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        upstream = http.client.HTTPConnection(self.server.target, timeout=30)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
        upstream.request(self.command, self.path, body=body, headers=headers)
        answer = upstream.getresponse()
        data = answer.read()
        if self.command == "POST" and self.path.startswith("/api/v1/applications"):
            self.server.stored.append({"status": answer.status, "body": data})
            self.server.release.wait()  # hold the kiosk's connection open, answer nothing
            return
        self.send_response(answer.status)
        for key, value in answer.getheaders():
            if key.lower() not in ("connection", "transfer-encoding", "content-length"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_DELETE = _forward

    def log_message(self, *args):
        pass


def kiosk_process(cms, data_dir: Path, cms_url: str) -> subprocess.Popen:
    """`python -m kiosk` as a kiosk runs it (headless here), with its settings in the environment."""
    env = dict(os.environ) | {
        "SDL_VIDEODRIVER": "offscreen",
        "KIOSK_CMS_URL": cms_url,
        "KIOSK_DEVICE_TOKEN": cms.token,
        "KIOSK_CENTRE": "city",
        "KIOSK_DATA_DIR": str(data_dir),
        "KIOSK_SYNC_INTERVAL": "0.5",
        "KIOSK_WIDTH": "800",
        "KIOSK_HEIGHT": "600",
    }
    log = (data_dir / "kiosk-process.log").open("ab")
    return subprocess.Popen([sys.executable, "-m", "kiosk"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def outbox_rows(data_dir: Path) -> list[dict]:
    with sqlite3.connect(data_dir / "outbox" / "outbox.sqlite3") as db:
        db.row_factory = sqlite3.Row
        return [dict(r) for r in db.execute("SELECT receipt, state, server_receipt, attempts, payload FROM entries")]


def wait_for(condition, what: str, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def applications_for(cms, person: str) -> int:
    printed = cms.shell(
        "from cms.applications.models import Application; from cms.personal.keys import keyed_hash; "
        f"print(Application.objects.filter(identifier_key=keyed_hash({person!r})).count())"
    )
    return int(printed.split()[-1])


def test_offline_queue_then_kill_mid_send_then_exactly_one_application(make_kiosk, cms, tmp_path):
    person, phone = id_number(7301), "13600002222"
    k = make_kiosk()
    data_dir = k.app.settings.data_dir
    cms.stop()
    try:
        # --- offline: the header says so; search still answers from the local index ------------------
        k.until(lambda: not k.app.online, "the kiosk to notice the CMS is down")
        k.tap_id("search")
        if k.app.keyboard.mode != "abc":
            k.key("mode:abc")
        k.keys("sfz")
        k.until(lambda: any(r["code"] == GUIDE for r in k.app.vms["search"].rows), "offline search results")

        # Booking needs the server: the screen says so, with the centre's number to call.
        k.app.open_guide(GUIDE)
        k.frames()
        k.tap_id("book")
        k.until(lambda: k.app.vms["booking"].offline, "the offline notice")
        notice = k.screen.ids.message.text
        assert "0573-85100345" in notice  # the city centre's phone, from the local copy
        assert "暂时无法连接" in notice

        # --- the application: form from the guide, a scanned document, into the outbox -------------
        k.tap(k.app.root.ids.back)
        k.tap_id("apply")
        assert k.app.screen == "apply"
        apply = k.app.vms["apply"]
        k.tap(k.field("name"))
        k.until(lambda: k.app.services.ime.ready.is_set(), "the pinyin lexicon")
        if k.app.keyboard.mode != "zh":
            k.key("mode:zh")
        k.keys("wang")
        k.candidate("王")
        k.tap(k.field("id_number"))
        k.pad(person)
        k.tap(k.field("phone"))
        k.pad(phone)
        row = next(r for r in apply.materials if r["kind"] == "scan" and r["necessity"] == "required")
        row_widget = next(w for w in k.screen.ids.materials.children if w.row["index"] == row["index"])
        k.tap(row_widget.ids.scan)
        assert apply.scanning == row["index"]
        scan = k.app.settings.scans / "scan-0001.png"
        from kiosk.tour import sample_scan

        sample_scan(scan)
        k.until(lambda: apply.scanning < 0, "the scan to be taken")
        assert not scan.exists()  # taken out of the drop folder at once
        assert apply.materials[row["index"]]["state"] == "scanned"
        k.agree()
        k.tap_id("submit")
        k.until(lambda: k.app.screen == "apply_done", "the local receipt")
        receipt = apply.entry.receipt
        assert k.screen.ids.receipt.text == receipt
        assert "已保存在本机" in k.screen.ids.state.text
        assert k.app.pending == 1

        # Status lookup with the local receipt answers from the outbox.
        k.tap(k.app.root.ids.home)
        k.tap_id("my_application")
        k.type_into("code", receipt)
        k.tap(k.field("id_number"))
        k.pad(person)
        k.tap_id("look_up")
        k.until(lambda: k.app.vms["status"].kind == "local", "the local status")
        assert "等待提交" in k.screen.ids.result.text
        k.stop()  # the kiosk is switched off; its outbox stays on disk
    finally:
        cms.start()

    # --- the link returns, but drops the answer: the kiosk dies while waiting for it ------------------
    [entry] = outbox_rows(data_dir)
    assert (entry["receipt"], entry["state"]) == (receipt, "pending")
    proxy = CuttingProxy(cms.url)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    first = kiosk_process(cms, data_dir, proxy.url)
    try:
        wait_for(lambda: proxy.stored, "the CMS to store the application sent through the proxy")
        assert proxy.stored[0]["status"] == 201
        first.send_signal(signal.SIGKILL)  # a power cut mid-send
        first.wait(timeout=30)
    finally:
        proxy.release.set()
        proxy.shutdown()
    [entry] = outbox_rows(data_dir)
    assert entry["state"] == "pending"  # never acknowledged: it will be sent again
    assert entry["payload"]

    # --- both run again: the same key is sent again, the CMS answers with the first application ------
    second = kiosk_process(cms, data_dir, cms.url)
    try:
        wait_for(lambda: outbox_rows(data_dir)[0]["state"] == "sent", "the outbox entry to be acknowledged")
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=30)
    first_receipt = json.loads(proxy.stored[0]["body"])["receipt"]
    [entry] = outbox_rows(data_dir)
    assert entry["server_receipt"] == first_receipt
    assert entry["payload"] is None  # personal data gone from the kiosk once the CMS has it
    assert not any((data_dir / "outbox" / "files").iterdir())
    assert applications_for(cms, person) == 1

    # The kiosk shows the server's receipt and status for the local one.
    k = make_kiosk(synced=False, data_dir=data_dir)
    k.tap_id("my_application")
    k.type_into("code", receipt)
    k.tap(k.field("id_number"))
    k.pad(person)
    k.tap_id("look_up")
    k.until(lambda: k.app.vms["status"].kind == "local", "the status")
    k.until(lambda: k.app.vms["status"].remote, "the server's status")
    assert first_receipt in k.screen.ids.result.text
