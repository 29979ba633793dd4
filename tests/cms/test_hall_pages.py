"""The hall's pages: the clerk's desk and the volunteers' list need a signed-in user with the permission at
their own centre; the display is public and shows numbers only; the roles and demo windows are set up."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from cms.centres.models import CentrePage
from cms.hall import roles
from cms.hall.enums import TicketStatus
from cms.hall.models import Counter, HelpRequest, Ticket
from tests.cms.test_hall import finished_application, hall_day, make_counter, make_kiosk, take  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("hall_day")]  # an hour into a working day


@pytest.fixture
def groups():
    return {group.name: group for group in roles.ensure_hall_groups()}


def staff(django_user_model, name, group, centre="city"):
    user = django_user_model.objects.create_user(name, password="x")
    user.groups.add(group)
    user.hall_posts.create(centre=CentrePage.objects.get(code=centre))
    return user


def test_the_desk_needs_sign_in_permission_and_the_centre(client, django_user_model, groups):
    counter, _ = make_counter(1)
    url = f"/hall/desk/{counter.pk}/"
    assert client.get(url).status_code == 302 and "/admin/login/" in client.get(url)["Location"]
    client.force_login(staff(django_user_model, "volunteer", groups[roles.VOLUNTEERS]))
    assert client.get(url).status_code == 403  # no clerk's permission
    client.force_login(staff(django_user_model, "elsewhere", groups[roles.CLERKS], centre="zhapu"))
    assert client.get(url).status_code == 403  # a clerk of another centre
    assert client.post(url, {"action": "call-next"}).status_code == 403
    client.force_login(staff(django_user_model, "clerk", groups[roles.CLERKS]))
    assert client.get(url).status_code == 200


def test_a_clerk_calls_and_serves_at_the_desk_and_is_recorded(client, django_user_model, groups):
    counter, _ = make_counter(2)
    kiosk = {"Authorization": f"Bearer {make_kiosk()}"}
    number = take(client, kiosk).json()["ticket"]
    clerk = staff(django_user_model, "clerk", groups[roles.CLERKS])
    client.force_login(clerk)
    url = f"/hall/desk/{counter.pk}/"
    assert client.post(url, {"action": "call-next"}).status_code == 302
    page = client.get(url).content.decode()
    assert number in page and "重呼 Recall" in page
    assert client.post(url, {"action": "recall"}).status_code == 302
    busy = client.post(url, {"action": "call-next"})
    assert busy.status_code == 409 and "window_busy" not in busy.content.decode() and number in busy.content.decode()
    assert client.post(url, {"action": "done"}).status_code == 302
    ticket = Ticket.objects.get(number=number)
    assert ticket.status == TicketStatus.DONE and ticket.clerk == clerk and ticket.recalls == 1
    assert Counter.objects.get(pk=counter.pk).clerk == clerk  # signed in at the window by acting there
    nobody = client.post(url, {"action": "call-next"})
    assert nobody.status_code == 409 and "nobody is waiting" in nobody.content.decode()


def test_the_pickup_windows_desk_links_and_hands_a_result_over(client, django_user_model, groups):
    counter, _ = make_counter(4, categories=("其他综合事务",))
    counter.pickup = True
    counter.save()
    ready = finished_application("R20261211")
    take(client, {"Authorization": f"Bearer {make_kiosk()}"}, category="general")
    client.force_login(staff(django_user_model, "clerk", groups[roles.CLERKS]))
    url = f"/hall/desk/{counter.pk}/"
    client.post(url, {"action": "call-next"})
    assert "出件 Hand the result over" in client.get(url).content.decode()
    unknown = client.post(url, {"action": "hand-over", "receipt": "R0000"})
    assert unknown.status_code == 409 and "没有这个受理回执号" in unknown.content.decode()
    assert client.post(url, {"action": "hand-over", "receipt": ready.receipt}).status_code == 302
    ready.refresh_from_db()
    assert ready.status == "delivered"
    assert "R20261211" in client.get(url).content.decode()  # the ticket shows its application


def test_the_windows_device_records_the_clerk_signed_in_there(client, django_user_model, groups):
    counter, token = make_counter(3)
    kiosk = {"Authorization": f"Bearer {make_kiosk()}"}
    number = take(client, kiosk).json()["ticket"]
    clerk = staff(django_user_model, "clerk", groups[roles.CLERKS])
    client.force_login(clerk)
    client.post(f"/hall/desk/{counter.pk}/", {"action": "sign-in"})
    client.logout()
    auth = {"Authorization": f"Bearer {token}"}
    client.post("/api/v1/counters/me/call-next", headers=auth)
    client.post("/api/v1/counters/me/done", headers=auth)
    assert Ticket.objects.get(number=number).clerk == clerk


def test_a_clerk_transfers_at_the_desk(client, django_user_model, groups):
    counter, _ = make_counter(4)
    kiosk = {"Authorization": f"Bearer {make_kiosk()}"}
    number = take(client, kiosk).json()["ticket"]
    client.force_login(staff(django_user_model, "clerk", groups[roles.CLERKS]))
    url = f"/hall/desk/{counter.pk}/"
    client.post(url, {"action": "call-next"})
    assert client.post(url, {"action": "transfer", "category": "社会事务"}).status_code == 302
    ticket = Ticket.objects.get(number=number)
    assert ticket.category == "社会事务" and ticket.status == TicketStatus.WAITING and ticket.counter is None


def test_the_desks_list_shows_the_clerks_centre_only(client, django_user_model, groups):
    make_counter(1)
    make_counter(1, centre="zhapu")
    client.force_login(staff(django_user_model, "clerk", groups[roles.CLERKS]))
    page = client.get("/hall/desk/").content.decode()
    assert "平湖市行政服务中心" in page and "乍浦镇便民服务中心" not in page


def test_volunteers_take_and_close_their_centres_requests(client, django_user_model, groups):
    kiosk = {"Authorization": f"Bearer {make_kiosk()}"}
    asked = client.post("/api/v1/help-requests", {"screen": "tickets"}, content_type="application/json", headers=kiosk)
    url = "/hall/help/city/"
    assert client.get(url).status_code == 302
    client.force_login(staff(django_user_model, "other", groups[roles.VOLUNTEERS], centre="zhapu"))
    assert client.get(url).status_code == 403
    client.force_login(staff(django_user_model, "volunteer", groups[roles.VOLUNTEERS]))
    page = client.get(url).content.decode()
    assert "city-1" in page and "tickets" in page and "0 分钟" in page
    request_id = asked.json()["id"]
    assert client.post(url, {"action": "take", "request": request_id}).status_code == 302
    taken = client.post(url, {"action": "take", "request": request_id})
    assert taken.status_code == 409  # taken already
    assert client.post(url, {"action": "close", "request": request_id}).status_code == 302
    assert HelpRequest.objects.get(pk=request_id).status == "closed"
    assert "暂无请求" in client.get(url).content.decode()


def test_the_display_page_names_nobody(client):
    _, token = make_counter(5)
    kiosk = {"Authorization": f"Bearer {make_kiosk()}"}
    take(client, kiosk)
    client.post("/api/v1/counters/me/call-next", headers={"Authorization": f"Bearer {token}"})
    page = client.get("/hall/city/")
    assert page.status_code == 200 and "hall/display.js" in page.content.decode()
    state = client.get("/hall/city/state.json")
    assert state["Cache-Control"].startswith("max-age=0") and set(state.json()) == {"centre", "calls", "waiting"}
    assert set(state.json()["calls"][0]) == {"ticket", "window", "category", "at", "current", "audio"}


def test_setup_hall_makes_the_groups_and_demo_windows_once(groups):
    out = io.StringIO()
    call_command("setup_hall", "--demo", stdout=out, stderr=io.StringIO())
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 7 and all(line.split("\t")[3].startswith("otk_") for line in lines)
    again = io.StringIO()
    call_command("setup_hall", "--demo", stdout=again, stderr=io.StringIO())
    assert again.getvalue() == ""  # the windows keep their tokens
    clerks = Group.objects.get(name=roles.CLERKS)
    assert set(clerks.permissions.values_list("codename", flat=True)) == {"serve_counter", "view_ticket"}
    assert Counter.objects.filter(centre__code="city").count() == 7
