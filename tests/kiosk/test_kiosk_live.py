"""The kiosk and the CMS while both run: check-in gives a queue ticket and the people ahead, status lookup
shows the booking, and a guide published in the CMS appears on the open screen without a restart."""

import datetime as dt
import json
import urllib.request
import uuid

from guides import clock
from tests.support.bookings import CONSENT, id_number

GUIDE = "330482-GA-001"


def call(cms, method: str, path: str, body: dict | None = None, headers: dict | None = None) -> dict:
    request = urllib.request.Request(  # noqa: S310 — our own loopback server
        f"{cms.url}/api/v1{path}",
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 — our own loopback server
        return json.loads(answer.read())


def book_by_api(cms, person: str) -> dict:
    """A booking at the city centre on the first day of the booking window with free times, made as another
    kiosk would."""
    for n in range(1, 15):
        day = (clock.today() + dt.timedelta(days=n)).isoformat()
        slots = call(cms, "GET", f"/slots?guide={GUIDE}&centre=city&date={day}")["items"]
        if slots:
            payload = {
                "slot": slots[-1]["id"],
                "guide": GUIDE,
                "name": "赵六",
                "phone": "13500003333",
                "id_number": person,
                **CONSENT,
            }
            headers = {"Authorization": f"Bearer {cms.token}", "Idempotency-Key": f"test-{uuid.uuid4()}"}
            return call(cms, "POST", "/bookings", payload, headers)
    raise AssertionError("no free times in the booking window")


def test_check_in_gives_a_queue_ticket_and_status_shows_it(make_kiosk, cms):
    person = id_number(7401)
    booking = book_by_api(cms, person)
    code = booking["code"]
    # The booking's time comes to now (a test cannot wait for it): check-in opens.
    cms.shell(
        "import datetime as dt; from guides import clock; from cms.bookings.models import Slot; "
        "start = clock.now() + dt.timedelta(minutes=20); "
        f"Slot.objects.filter(pk={booking['slot']['id']}).update(start=start, end=start + dt.timedelta(minutes=30))"
    )
    k = make_kiosk()
    k.tap_id("check_in")
    assert k.app.screen == "checkin"
    k.type_into("code", code)
    k.tap_id("check_in")
    checkin = k.app.vms["checkin"]
    k.until(lambda: checkin.ticket, "the queue ticket")
    ticket = checkin.ticket["ticket"]
    assert ticket.startswith("F")  # 公安服务's letter
    assert k.screen.ids.ticket.text == ticket
    # The place in the queue, from the service (the hall's count of waiting tickets before this one).
    assert isinstance(checkin.ticket["ahead"], int)
    assert k.screen.ids.place.text.startswith(f"您前面还有 {checkin.ticket['ahead']} 人")
    printed = k.app.settings.tickets / f"queue-{ticket}.png"
    k.until(printed.exists, "the printed queue ticket")

    # My booking: the code and the ID number → the booking, checked in, with its number.
    k.tap(k.app.root.ids.home)
    k.tap_id("my_booking")
    k.type_into("code", code)
    k.tap(k.field("id_number"))
    k.pad(person)
    k.tap_id("look_up")
    status = k.app.vms["status"]
    k.until(lambda: status.kind, "the lookup")
    assert status.kind == "booking"
    text = k.screen.ids.result.text
    assert "已签到" in text and ticket in text
    assert person not in text  # the ID number is never shown back

    # A wrong ID number finds nothing (and says so).
    k.tap(k.field("id_number"))
    k.tap(_pad_key(k, "清空"))
    k.pad(id_number(7402))
    k.tap_id("look_up")
    k.until(lambda: not status.busy and status.error, "the refusal")
    assert "未找到" in k.screen.ids.message.text


def test_a_guide_published_in_the_cms_appears_on_the_open_screen(make_kiosk, cms):
    k = make_kiosk()
    k.app.open_guide(GUIDE)
    k.frames()
    title = k.screen.ids.title
    original = title.text
    changed = original + "（新）"
    publish = (
        "from cms.services.models import ServiceGuidePage; "
        f"page = ServiceGuidePage.objects.get(code={GUIDE!r}); page.title = {{title!r}}; "
        "page.save_revision().publish()"
    )
    cms.shell(publish.format(title=changed))
    try:
        k.until(lambda: title.text == changed, "the published change on the open guide", timeout=60)
        k.app.open_search()
        k.app.vms["search"].query = "身份证"
        k.until(lambda: any(r["name"] == changed for r in k.app.vms["search"].rows), "the change in search")
    finally:
        cms.shell(publish.format(title=original))
    k.until(lambda: k.app.services.catalogue.guide(GUIDE)["name"] == original, "the change undone")


def _pad_key(k, caption: str):
    return next(w for w in k.app.numpad.walk(restrict=True) if getattr(w, "text", None) == caption)
