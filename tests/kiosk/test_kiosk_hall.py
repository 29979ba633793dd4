"""The service hall at the kiosk, against a live CMS over real HTTP: a walk-in takes a queue number by one of
the seven windows or from a guide, sees who is ahead and the estimated wait, and gets a slip; a declared
priority card goes first; "Call for help" tells the centre's volunteers and shows when someone is coming.

Tickets are only given while the centre is open, so these tests run against their own CMS started at an
hour into an ordinary working day of the city centre's police windows (the clock handed to the server)."""

import datetime as dt
import json
import urllib.error
import urllib.request
import uuid

import pytest
from kiosk_cms import CmsServer

from tests.support.clock import travel
from tests.support.database import drop
from tests.support.servers import manage

POLICE = "公安服务"
GUIDE = "330482-GA-001"  # a police guide at the city centre

OPEN_INSTANT = """
import datetime as dt
from cms.centres.models import CentrePage
from cms.centres.sources import centre_hours
from guides.hours import at_local
from tests.support.bookings import open_days
day = open_days("city", "公安服务", skip=1, kinds=("regular",))[0]
periods = centre_hours(CentrePage.objects.get(code="city"), day, day).periods(day, "公安服务")
print((at_local(day, periods[0].start) + dt.timedelta(hours=1)).isoformat())
"""


@pytest.fixture(scope="module")
def hall(cms, database_template, tmp_path_factory):
    """A CMS of its own, an hour into an ordinary working day, with a kiosk token and window 1 (police)."""
    instant = dt.datetime.fromisoformat(cms.shell(OPEN_INSTANT).strip().splitlines()[-1])
    data_dir = tmp_path_factory.mktemp("hall-cms")
    with travel(instant):
        server = CmsServer(data_dir, database_template.copy("hall_kiosk", data_dir))
        server.token = server.create_token("hall-kiosk", centre="city")
        server.other_kiosk = server.create_token("hall-kiosk-2", centre="city")
        server.window = server_manage(
            server, "create_counter_token", "city-w1", "--centre", "city", "--window", "1", "--category", "police"
        ).strip()
        server.start()
    yield server
    server.stop()
    if database_template.postgres:
        drop(server.database_url)


def server_manage(server, *args) -> str:
    return manage(server.env(), *args)


def call(server, path: str, token: str, body: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(  # noqa: S310 — our own loopback server
        f"{server.url}/api/v1{path}",
        method="POST",
        data=json.dumps(body or {}).encode(),
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Bearer {token}",
            "Idempotency-Key": f"test-{uuid.uuid4()}",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 — our own loopback server
            return answer.status, json.loads(answer.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def hall_kiosk(make_kiosk, hall):
    return make_kiosk(cms_url=hall.url, device_token=hall.token)


def tile(k, category: str):
    return next(t for t in k.screen.ids.windows.children if t.category == category)


def test_a_walk_in_takes_a_number_by_window_or_guide_and_priority_goes_first(make_kiosk, hall):
    # Window 1 has served one citizen, so the centre has a service time; one more waits.
    status, _ = call(hall, "/tickets", hall.other_kiosk, {"centre": "city", "category": "police"})
    assert status == 201
    assert call(hall, "/counters/me/call-next", hall.window)[0] == 200
    assert call(hall, "/counters/me/done", hall.window)[0] == 200
    assert call(hall, "/tickets", hall.other_kiosk, {"centre": "city", "category": "police"})[1]["ticket"] == "F002"

    k = hall_kiosk(make_kiosk, hall)
    k.tap_id("take_ticket")
    assert k.app.screen == "ticket"
    vm = k.app.vms["ticket"]
    k.tap(tile(k, POLICE))
    k.until(lambda: vm.ticket, "the queue number")
    assert vm.ticket["ticket"] == "F003" and vm.ticket["ahead"] == 1
    assert vm.ticket["estimated_wait_minutes"] == 1  # one ahead × a service of moments, one window
    assert k.screen.ids.ticket.text == "F003"
    assert k.screen.ids.waiting.text == "公安服务 · 前面还有 1 人 · 预计等候约 1 分钟"
    k.until((k.app.settings.tickets / "queue-F003.png").exists, "the printed slip")
    k.until(lambda: k.screen.ids.message.text == "请取走凭条。", "the printing notice")
    k.tap(k.app.root.ids.language)
    assert k.screen.ids.waiting.text == "Public security services · 1 ahead of you · about 1 min"
    k.tap(k.app.root.ids.language)
    k.tap_id("done")
    assert k.app.screen == "home" and not vm.ticket

    # From a guide: its window's queue, at once.
    k.app.open_guide(GUIDE)
    k.tap_id("take_ticket")
    assert k.app.screen == "ticket"
    k.until(lambda: vm.ticket, "the number from the guide")
    assert vm.ticket["ticket"] == "F004" and vm.ticket["category"] == POLICE and vm.ticket["ahead"] == 2
    k.tap(k.app.root.ids.home)

    # A declared military card: nobody is ahead, and the window calls it first.
    k.tap_id("take_ticket")
    assert not vm.ticket  # the last citizen's number is gone
    k.tap_id("military")
    k.tap(tile(k, POLICE))
    k.until(lambda: vm.ticket, "the priority number")
    assert vm.ticket["ticket"] == "F005" and vm.ticket["priority"] == "military" and vm.ticket["ahead"] == 0
    assert k.screen.ids.waiting.text == "公安服务 · 下一位就是您。"
    status, called = call(hall, "/counters/me/call-next", hall.window)
    assert status == 200 and called["ticket"] == "F005" and called["priority"] == "military"


def test_a_refused_ticket_says_why_in_the_interface_language(make_kiosk, hall):
    """A kiosk set up for another centre than its token's: the server's refusal, in the citizen's language."""
    k = make_kiosk(cms_url=hall.url, device_token=hall.token, centre="zhapu")
    k.tap_id("take_ticket")
    vm = k.app.vms["ticket"]
    k.tap(tile(k, POLICE))
    k.until(lambda: vm.server_error or vm.ticket, "the answer")
    assert not vm.ticket
    assert k.screen.ids.message.text == "本终端属于平湖市行政服务中心，只能取本中心的号"
    k.tap(k.app.root.ids.language)
    assert k.screen.ids.message.text == "this kiosk issues tickets for Pinghu Administrative Service Centre only"
    k.tap(k.app.root.ids.language)
    assert k.screen.ids.done.opacity == 1


TAKE_HELP = """
from django.contrib.auth import get_user_model
from cms.core.caller import Caller
from cms.hall import services
from cms.hall.models import HelpRequest
user, _ = get_user_model().objects.get_or_create(username="hall-volunteer", defaults={{"is_superuser": True}})
found = HelpRequest.objects.get(pk={pk})
print(found.screen, found.device.name)
services.take_help(found.pk, Caller.staff(user))
"""


def test_call_for_help_from_any_screen_shows_when_someone_is_coming(make_kiosk, hall):
    k = hall_kiosk(make_kiosk, hall)
    k.app.open_guide(GUIDE)
    k.tap(k.app.root.ids.help)
    assert k.app.screen == "help"
    vm = k.app.vms["help"]
    k.until(lambda: vm.request, "the help request")
    assert k.screen.ids.state.text == "已通知工作人员，请稍候"
    assert not k.app.root.ids.help.enabled  # one call is enough

    # A volunteer takes it on their page: the kiosk sees it within its next poll.
    taken = server_manage(hall, "shell", "-c", TAKE_HELP.format(pk=vm.request["id"]))
    assert taken.splitlines()[-1].split() == ["guide", "hall-kiosk"]  # which screen, which kiosk
    k.until(lambda: vm.request["status"] == "taken", "someone on the way", timeout=15)
    assert k.screen.ids.state.text == "工作人员正在赶来"
    k.tap(k.app.root.ids.language)
    assert k.screen.ids.state.text == "someone is on the way"
    k.tap(k.app.root.ids.language)

    # Back to the guide the citizen was reading.
    k.tap(k.app.root.ids.back)
    assert k.app.screen == "guide"
