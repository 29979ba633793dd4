"""The hall's calling display in a real browser against a real server: a window's call shows within two
seconds without a reload, and is announced with a chime and spoken in Mandarin and English; a recall is
announced again; the sound switch is remembered."""

import json
import time
import urllib.request

from playwright.sync_api import expect

from tests.support.servers import manage

WAITING_TICKET = """
from cms.centres.models import CentrePage
from cms.hall.models import Ticket
from cms.hall.services import next_number
from guides import clock
from guides.enums import WindowCategory
from guides.hours import TZ
now = clock.now()
centre = CentrePage.objects.get(code="city")
today = now.astimezone(TZ).date()
ticket = Ticket.objects.create(centre=centre, category=WindowCategory.POLICE.value, date=today,
    number=next_number(centre.pk, WindowCategory.POLICE, today), issued_at=now, queue_at=now)
print(ticket.number)
"""

# What the page asks the browser to say, recorded on the way to the browser's own speech engine; the voice
# list is empty, as on a display PC whose voices have not loaded, so the utterances carry only their language.
RECORD_SPEECH = """
window.spoken = [];
const speak = window.speechSynthesis.speak.bind(window.speechSynthesis);
window.speechSynthesis.getVoices = () => [];
window.speechSynthesis.speak = (u) => { window.spoken.push([u.lang, u.text]); speak(u); };
"""


def window_call(site_url: str, token: str, action: str) -> dict:
    request = urllib.request.Request(  # noqa: S310 — our own loopback server
        f"{site_url}/api/v1/counters/me/{action}",
        method="POST",
        data=b"{}",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 — our own loopback server
        return json.loads(answer.read())


def spoken(page, count: int, timeout: float = 3.0) -> list:
    """What the page has asked the browser to say, once it has asked `count` times (the page's CSP forbids
    the string evaluation Playwright's wait_for_function uses)."""
    deadline = time.monotonic() + timeout
    while len(said := page.evaluate("() => window.spoken")) < count:
        assert time.monotonic() < deadline, f"spoken {said!r}, waiting for {count}"
        page.wait_for_timeout(100)
    return said


def test_the_display_shows_and_speaks_a_call_within_two_seconds(page, site_url, site_env, screenshot):
    token = manage(
        site_env, "create_counter_token", "e2e-window-3", "--centre", "city", "--window", "3", "--category", "police"
    ).strip()
    number = manage(site_env, "shell", "-c", WAITING_TICKET).strip().splitlines()[-1]
    page.add_init_script(RECORD_SPEECH)
    page.goto(site_url + "/hall/city/?sound=on")
    expect(page.locator("#waiting")).to_contain_text("公安服务")
    assert page.locator("#sound").get_attribute("aria-pressed") == "true"

    called = window_call(site_url, token, "call-next")
    assert called["ticket"] == number and called["window"] == 3
    expect(page.locator("#now-ticket")).to_have_text(number, timeout=2000)
    assert "3 号窗口" in page.locator("#now-window").inner_text()
    spelled = " ".join(number)
    zh, en = f"请 {spelled} 号到 3 号窗口", f"Number {spelled}, please go to window 3"
    assert spoken(page, 2) == [["zh-CN", zh], ["en-US", en]]
    assert page.locator("#announce").inner_text() == f"{zh} / {en}"
    assert number in page.locator("#calls").inner_text()
    screenshot(page, "hall-display", docs=True)

    # A recall is a new call: announced again.
    window_call(site_url, token, "recall")
    assert spoken(page, 4)[2:] == [["zh-CN", zh], ["en-US", en]]

    # The sound switch, remembered by the display PC (the page opened without `?sound=on`).
    page.locator("#sound").click()
    assert page.locator("#sound").get_attribute("aria-pressed") == "false"
    page.locator("#sound").click()
    page.goto(site_url + "/hall/city/")
    assert page.locator("#sound").get_attribute("aria-pressed") == "true"
    window_call(site_url, token, "done")
