"""What a citizen reads is right: an application kept on the kiosk is not called received, material notes
show where they matter, the booking confirmation says what, where, when and what to bring, printing says
to take the slip (never a file name), slips wrap words and carry the centre's time, and check-in ends
with a Done button and takes a scanner's Enter."""

import datetime as dt
from pathlib import Path

import time_machine
from kiosk_cms import free_port
from test_kiosk_journey import book

from tests.support.bookings import id_number

GUIDE = "330482-GA-001"
TAKE_SLIP = "请取走凭条"


def capture_prints(k) -> list:
    """The slips the kiosk prints, as it hands them to the printer."""
    printed = []

    def print_(ticket):
        printed.append(ticket)
        return Path("/nonexistent") / f"{ticket.kind}-{ticket.code}.png"

    k.app.services.printer.print = print_
    return printed


def test_slips_wrap_between_words_and_carry_the_centres_time(font):
    from PIL import Image, ImageDraw, ImageFont

    from kiosk.services.tickets import _wrap, printed_at

    body = ImageFont.truetype(str(font), 24)
    draw = ImageDraw.Draw(Image.new("L", (1, 1)))
    text = "请凭预约码到窗口或自助终端签到 / Check in with this code at the kiosk or window · Service"
    words = set(text.split())
    for width in (200, 300, 528):
        lines = _wrap(draw, text, body, width)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        for line in lines:
            assert draw.textlength(line, font=body) <= width
            latin = [w for w in line.split() if w.isascii()]
            assert all(w in words for w in latin), f"a word broken at width {width}: {line!r}"
    # 20:30 in London is 04:30 the next morning at the centre.
    with time_machine.travel(dt.datetime(2026, 12, 1, 20, 30, tzinfo=dt.UTC), tick=False):
        assert printed_at() == "2026-12-02 04:30"


def test_booking_confirmation_says_what_where_when_and_what_to_bring(make_kiosk):
    k = make_kiosk()
    person = id_number(7401)
    code = book(k, person, "13700004444")
    ids = k.screen.ids
    guide = k.app.vms["booking"].guide
    assert ids.service.text == guide["name"]
    assert "周" in ids.when.text  # the weekday
    assert "新华中路318号" in ids.where.text
    assert "原居民身份证" in ids.bring.text
    assert "居民户口簿" not in ids.bring.text  # fetched by the government: nothing to bring
    assert "人像照片" not in ids.bring.text  # taken at the window

    printed = capture_prints(k)
    k.tap_id("print_ticket")
    k.until(lambda: printed and ids.notice.text, "the slip printed")
    assert TAKE_SLIP in ids.notice.text
    assert not k.shows(".png")
    [slip] = printed
    lines = "\n".join(slip.lines)
    assert "周" in lines and any(day in lines for day in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"))
    assert "Please bring" in lines and "原居民身份证" in lines

    k.tap(k.app.root.ids.language)
    assert "318 Xinhua Middle Road" in ids.where.text
    assert "The current identity card" in ids.bring.text
    assert ids.service.text == guide["name_en"]
    k.tap(k.app.root.ids.language)

    # Check-in: a scanner types the code and presses Enter; the answer ends with a Done button.
    from kivy.core.window import Window

    k.tap_id("done")
    k.tap_id("check_in")
    done = k.screen.ids.done
    assert done.opacity == 0
    for ch in code:
        Window.dispatch("on_textinput", ch)
    Window.dispatch("on_key_down", 13, 40, "\r", [])
    checkin = k.app.vms["checkin"]
    k.until(lambda: checkin.ticket or checkin.server_error or checkin.error, "the check-in answer")
    assert done.opacity == 1
    k.tap(done)
    assert k.app.screen == "home"
    assert checkin.code == ""


def test_an_application_kept_on_the_kiosk_is_not_called_received(make_kiosk):
    k = make_kiosk(cms_url=f"http://127.0.0.1:{free_port()}")  # no service there: the outbox keeps it
    k.app.open_guide(GUIDE)
    k.frames()
    assert "丢失补领的无需提供" in k.screen.ids.materials.body  # a material's note, on the guide

    k.tap_id("apply")
    assert k.shows("窗口现场免费采集")  # and on the form
    apply = k.app.vms["apply"]
    k.type_into("name", "wang")
    k.tap(k.field("id_number"))
    k.pad(id_number(7402))
    k.tap(k.field("phone"))
    k.pad("13700005555")
    from kiosk.tour import sample_scan

    for row in [r for r in apply.materials if r["kind"] == "scan" and r["necessity"] == "required"]:
        widget = next(w for w in k.screen.ids.materials.children if w.row["index"] == row["index"])
        k.tap(widget.ids.scan)
        sample_scan(k.app.settings.scans / f"scan-{row['index']}.png")
        k.until(lambda: apply.scanning < 0, "the scan")
        k.frames()
        shown = next(w for w in k.screen.ids.materials.children if w.row["index"] == row["index"])
        pages = shown.ids.thumbnails.children  # a thumbnail of the scanned page, beside its row
        assert len(pages) == 1 and pages[0].texture is not None and pages[0].texture.width <= 240
    k.agree()
    k.tap_id("submit")
    k.until(lambda: k.app.screen == "apply_done", "the local receipt")
    assert apply.entry.state == "pending"
    heading = k.screen.ids.heading.text
    assert "待发送" in heading
    assert not k.shows("申请已受理")

    printed = capture_prints(k)
    k.tap_id("print_receipt")
    k.until(lambda: printed and k.screen.ids.notice.text, "the receipt printed")
    assert TAKE_SLIP in k.screen.ids.notice.text


def test_one_receipt_number_on_the_kiosk_and_the_service(make_kiosk, cms):
    """Sent at once: the service keeps the kiosk's receipt, so the screen, the slip and the website all
    know one number."""
    import json
    import urllib.request

    k = make_kiosk()
    person = id_number(7403)
    k.app.open_guide(GUIDE)
    k.frames()
    k.tap_id("apply")
    apply = k.app.vms["apply"]
    k.type_into("name", "zhao")
    k.tap(k.field("id_number"))
    k.pad(person)
    k.tap(k.field("phone"))
    k.pad("13700007777")
    from kiosk.tour import sample_scan

    for row in [r for r in apply.materials if r["kind"] == "scan" and r["necessity"] == "required"]:
        widget = next(w for w in k.screen.ids.materials.children if w.row["index"] == row["index"])
        k.tap(widget.ids.scan)
        sample_scan(k.app.settings.scans / f"scan-{row['index']}.png")
        k.until(lambda: apply.scanning < 0, "the scan")
    k.agree()
    k.tap_id("submit")
    k.until(lambda: k.app.screen == "apply_done", "the receipt")
    local = apply.entry.receipt
    k.until(lambda: apply.entry.state == "sent", "the application sent")
    assert apply.entry.server_receipt == local
    assert k.screen.ids.receipt.text == local
    assert k.screen.ids.heading.text == "申请已受理"
    assert not [t for t in k.texts() if local not in t and "回执号为" in t]  # no second number

    request = urllib.request.Request(f"{cms.url}/api/v1/applications/{local}", headers={"X-Id-Number": person})  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 — our own loopback server
        assert json.loads(answer.read())["receipt"] == local


def test_a_lost_card_does_not_block_the_application(make_kiosk, cms):
    """原居民身份证 is required, but not when replacing a lost card: the citizen says so instead of scanning,
    and the service accepts the application without it (its rule), marking the card not needed."""
    import json
    import urllib.request

    k = make_kiosk()
    person = id_number(7404)
    k.app.open_guide(GUIDE)
    k.frames()
    k.tap_id("apply")
    apply = k.app.vms["apply"]
    k.type_into("name", "qian")
    k.tap(k.field("id_number"))
    k.pad(person)
    k.tap(k.field("phone"))
    k.pad("13700008888")
    card = next(r for r in apply.materials if r["necessity"] == "required" and r["kind"] == "scan")
    widget = next(w for w in k.screen.ids.materials.children if w.row["index"] == card["index"])
    assert widget.ids.not_needed.text == "无法提供，无需提供（丢失补领）"
    k.tap(widget.ids.not_needed)
    assert apply.materials[card["index"]]["state"] == "not_needed"
    k.agree()
    k.tap_id("submit")
    k.until(lambda: k.app.screen == "apply_done", "the receipt")
    k.until(lambda: apply.entry.state == "sent", "the application sent")
    receipt = apply.entry.server_receipt
    request = urllib.request.Request(f"{cms.url}/api/v1/applications/{receipt}", headers={"X-Id-Number": person})  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 — our own loopback server
        materials = json.loads(answer.read())["materials"]
    assert next(m for m in materials if m["field"] == card["field"])["state"] == "not_needed"


def test_offline_is_a_banner_on_every_screen(make_kiosk):
    """Not only a line in the header: a strip across the screen, before anything is filled in."""
    k = make_kiosk(cms_url=f"http://127.0.0.1:{free_port()}")
    k.until(lambda: not k.app.online, "the kiosk to notice it is offline")
    banner = k.app.root.ids.offline
    k.tap_id("check_in")
    k.frames(4)
    assert banner.opacity == 1 and banner.height >= 40
    assert banner.text.startswith("离线")
    heading_top = k.screen.to_window(0, k.screen.top)[1]
    assert banner.to_window(0, banner.y)[1] >= heading_top - 1  # above the form, not over it
