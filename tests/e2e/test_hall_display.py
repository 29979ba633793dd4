"""The hall's calling display in a real browser against a real server: a window's call shows within two
seconds without a reload, and is announced with a chime and the server's spoken clip (Mandarin, then English;
cms/hall/speech.py with the real espeak-ng); a recall is announced again; the browser's own speech as the
other mode; the sound switch is remembered."""

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
window.played = [];
const play = HTMLMediaElement.prototype.play;
HTMLMediaElement.prototype.play = function () {
  const started = play.call(this);
  window.played.push(this.src);
  return started;
};
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


def spoken(page, count: int, timeout: float = 3.0, what: str = "spoken") -> list:
    """What the page has asked the browser to say (or `played`: the clips it played), once it has asked `count`
    times (the page's CSP forbids the string evaluation Playwright's wait_for_function uses)."""
    deadline = time.monotonic() + timeout
    while len(said := page.evaluate(f"() => window.{what}")) < count:
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
    clip = f"{site_url}/hall/city/calls/{number}-3.wav"
    assert spoken(page, 1, what="played") == [clip]  # the server's voice
    with urllib.request.urlopen(clip, timeout=30) as answer:  # noqa: S310 — our own loopback server
        wav = answer.read()
    assert wav[:4] == b"RIFF" and wav[8:12] == b"WAVE" and len(wav) > 50_000
    page.wait_for_timeout(500)
    assert page.evaluate("() => window.spoken") == []  # played, so the browser's speech was not needed
    assert page.locator("#announce").inner_text() == f"{zh} / {en}"
    assert number in page.locator("#calls").inner_text()
    screenshot(page, "hall-display", docs=True)

    # A recall is a new call: announced again.
    window_call(site_url, token, "recall")
    assert spoken(page, 2, what="played") == [clip, clip]

    # The browser's own speech, the other mode.
    page.goto(site_url + "/hall/city/?sound=browser")
    expect(page.locator("#now-ticket")).to_have_text(number)
    window_call(site_url, token, "recall")
    assert spoken(page, 2) == [["zh-CN", zh], ["en-US", en]]
    assert page.evaluate("() => window.played") == []

    # The sound switch (server → browser → off), remembered by the display PC (opened without `?sound=`).
    page.locator("#sound").click()
    assert page.locator("#sound").get_attribute("aria-pressed") == "false"
    page.locator("#sound").click()
    assert page.locator("#sound").inner_text() == "声音 开 · Sound on"
    page.goto(site_url + "/hall/city/")
    assert page.locator("#sound").get_attribute("aria-pressed") == "true"
    assert page.locator("#sound").inner_text() == "声音 开 · Sound on"
    window_call(site_url, token, "done")
