"""网上取号: a walk-in's ticket for today from the website, the phone confirmed by a texted code, one live ticket
per phone, centre and day, and one text when three are ahead (sent at the call that makes it so)."""

import datetime as dt
import json

import pytest

from cms.hall import services
from cms.hall.models import Ticket
from tests.cms import test_hall
from tests.cms.test_hall import make_counter, make_kiosk, take, window
from tests.support.clock import travel

pytestmark = pytest.mark.django_db
PHONE = "13900000011"
hall_day = test_hall.hall_day  # an hour into a working day of the city's police windows; yields its close


@pytest.fixture(autouse=True)
def outbox(settings, tmp_path):
    settings.SMS_BACKEND = "cms.identity.sms.FileBackend"
    settings.SMS_OPTIONS = {"path": str(tmp_path / "sms")}
    return tmp_path / "sms"


def texts(outbox, phone=PHONE) -> list[dict]:
    found = [json.loads(p.read_text()) for p in sorted(outbox.glob("*.json"), key=lambda p: p.stat().st_mtime_ns)]
    return [t for t in found if t["phone"] == phone]


def code_for(client, outbox, phone=PHONE, prefix="") -> str:
    response = client.post(f"{prefix}/queue/city/", {"action": "send-code", "category": "police", "phone": phone})
    assert response.status_code == 200
    return [t for t in texts(outbox, phone) if "code" in t][-1]["code"]


def test_the_page_takes_a_ticket_keeps_what_was_typed_and_speaks_both_languages(client, hall_day, outbox):
    page = client.get("/queue/city/")
    assert page.status_code == 200 and "今日取号" in page.content.decode()
    assert "Take a ticket for today" in client.get("/en/queue/city/").content.decode()

    typed = {"action": "take", "category": "police", "phone": PHONE, "phone_code": "000000"}
    wrong = client.post("/queue/city/", typed)
    body = wrong.content.decode()
    assert wrong.status_code == 400 and "验证码不正确或已过期" in body
    assert f'value="{PHONE}"' in body and 'value="police" selected' in body  # nothing typed is lost
    english = client.post("/en/queue/city/", typed)
    assert english.status_code == 400 and "the code is wrong or has expired" in english.content.decode()
    assert client.post("/en/queue/city/", {"action": "take", "category": "police", "phone": ""}).status_code == 400

    code = code_for(client, outbox)
    taken = client.post("/queue/city/", {"action": "take", "category": "police", "phone": PHONE, "phone_code": code})
    assert taken.status_code == 201
    ticket = Ticket.objects.get(phone=PHONE)
    assert ticket.number in taken.content.decode() and ticket.category == "公安服务" and ticket.device is None


def test_one_live_web_ticket_per_phone_centre_and_day_in_the_service(client, hall_day, outbox):
    code = code_for(client, outbox)
    first = services.take_web_ticket("city", "police", PHONE, code, services.Caller("web"))
    with pytest.raises(services.Refusal) as refused:
        services.take_web_ticket("city", "social", PHONE, code, services.Caller("web"))
    assert refused.value.code == "ticket_held" and first.number in refused.value.message
    page = client.post("/queue/city/", {"action": "take", "category": "police", "phone": PHONE, "phone_code": code})
    assert page.status_code == 400 and f"已有排队号 {first.number}" in page.content.decode()
    Ticket.objects.filter(pk=first.pk).update(status="done")  # served: the phone may queue again
    assert services.take_web_ticket("city", "police", PHONE, code, services.Caller("web")).number != first.number


def test_tickets_from_the_web_stop_when_the_hours_end(client, hall_day, outbox):
    with travel(hall_day - dt.timedelta(minutes=2)):
        code = code_for(client, outbox)
    with travel(hall_day + dt.timedelta(seconds=1)):
        page = client.post("/queue/city/", {"action": "take", "category": "police", "phone": PHONE, "phone_code": code})
    assert page.status_code == 400 and "公安服务窗口今日已停止取号" in page.content.decode()
    assert not Ticket.objects.exists()


def test_the_phone_is_texted_once_when_the_call_leaves_three_ahead(
    client, hall_day, outbox, django_capture_on_commit_callbacks
):
    kiosk = {"Authorization": f"Bearer {make_kiosk()}"}
    for _ in range(4):
        assert take(client, kiosk).status_code == 201
    code = code_for(client, outbox)
    client.post("/queue/city/", {"action": "take", "category": "police", "phone": PHONE, "phone_code": code})
    mine = Ticket.objects.get(phone=PHONE)
    assert services.ahead_of(mine) == 4
    _, token = make_counter(1)
    notices = lambda: [t for t in texts(outbox) if "code" not in t]  # noqa: E731
    assert notices() == []  # four ahead: nothing yet
    with django_capture_on_commit_callbacks() as after_commit:
        assert window(client, token, "call-next").status_code == 200  # this call leaves three ahead
    assert notices() == [] and len(after_commit) == 1  # not inside the call's transaction: after it commits
    after_commit[0]()
    assert len(notices()) == 1
    assert f"排队号 {mine.number}" in notices()[0]["text"] and "前面还有 3 人" in notices()[0]["text"]
    with django_capture_on_commit_callbacks(execute=True) as later:
        for _ in range(3):  # the next calls leave two, one, none ahead: no second text
            assert window(client, token, "done").status_code == 200
            assert window(client, token, "call-next").status_code == 200
        assert window(client, token, "done").status_code == 200
        assert window(client, token, "call-next").json()["ticket"] == mine.number
    assert len(later) == 4  # each call looked, once it had committed
    assert len(notices()) == 1
    mine.refresh_from_db()
    assert mine.notified_at is not None and mine.notified_at < mine.first_called_at


def test_a_web_ticket_s_phone_is_erased_when_its_day_is_over(client, hall_day, outbox):
    code = code_for(client, outbox)
    ticket = services.take_web_ticket("city", "police", PHONE, code, services.Caller("web"))
    services.close_queues(hall_day)  # the same day: the phone may still be texted
    ticket.refresh_from_db()
    assert ticket.phone == PHONE
    services.close_queues(hall_day + dt.timedelta(days=1))
    ticket.refresh_from_db()
    assert ticket.phone == "" and ticket.status == "unserved"
