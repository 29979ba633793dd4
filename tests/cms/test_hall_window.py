"""前台综合受理 and 统一窗口出件 (docs/hall.md): a window accepts a new application for the citizen it called — the
guide's generated form, files from the scanner, the ID card checked — on its desk page and through the counter
API; the back office works it as an online one; a ready result is handed over at the centre's pickup window."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.cache import cache

from cms.applications import services as applications
from cms.applications.enums import ApplicationStatus, MaterialState
from cms.applications.models import Application, StatusChange
from cms.core.caller import Caller
from cms.hall.enums import TicketStatus
from cms.hall.models import StaffPost, Ticket
from cms.services.models import ServiceGuidePage
from tests.cms import test_hall
from tests.cms.test_applications import files_for
from tests.cms.test_hall import GUIDE, POLICE, make_counter, take, window
from tests.support.api import assert_error
from tests.support.bookings import CONSENT, id_number

pytestmark = pytest.mark.django_db
hall_day = test_hall.hall_day  # an hour into a working day of the city's police windows; yields its close
kiosk = test_hall.kiosk  # a kiosk of the city centre

ID_NUMBER = "330482199003071239"
PHONE = "13912345678"


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    settings.APPLICATION_FILES_DIR = tmp_path / "application-files"
    cache.clear()


def form_of(code: str = GUIDE):
    return applications.form_for(ServiceGuidePage.objects.get(code=code))


def person(**extra) -> dict:
    return {"applicant_kind": "person", "name": "张三", "id_number": ID_NUMBER, "phone": PHONE, **extra}


def fields_for(code: str = GUIDE, **extra) -> dict:
    form = form_of(code)
    delivery = {"delivery": "pickup", "centre": "city"} if "pickup" in form.deliveries else {}
    # the citizen at the window agrees to the notice as one online does
    return {"guide": code, **person(), **delivery, **files_for(form), **CONSENT, **extra}


def at_window(client, token, data: dict, **headers):
    """The window's device posts the form, multipart, as the applications API takes it."""
    return client.post(
        "/api/v1/counters/me/applications", data=data, headers={"Authorization": f"Bearer {token}", **headers}
    )


CARD = {"X-Id-Number": ID_NUMBER, "X-Id-Number-Source": "card"}


@pytest.fixture
def clerk(django_user_model):
    user = django_user_model.objects.create_user("clerk-wang")
    group, _ = Group.objects.get_or_create(name="窗口人员-test")
    group.permissions.add(Permission.objects.get(codename="serve_counter"))
    user.groups.add(group)
    return user


def test_the_window_accepts_an_application_through_the_counter_api(client, hall_day, kiosk, clerk):
    counter, token = make_counter(3)
    form = form_of()
    assert form.guide.category == POLICE

    # Nothing to accept for without a called ticket, nor without a clerk signed in at the window.
    assert_error(at_window(client, token, fields_for(), **CARD), 409, "no_ticket")
    take(client, kiosk)
    assert window(client, token, "call-next").status_code == 200
    assert_error(at_window(client, token, fields_for(), **CARD), 409, "no_clerk")
    counter.clerk = clerk
    counter.save()

    # The card: read by the window's reader, or ticked by the clerk; another person's card is refused.
    assert_error(at_window(client, token, fields_for()), 400, "card_needed", "card_checked")
    other = {**CARD, "X-Id-Number": id_number(8802)}
    assert_error(at_window(client, token, fields_for(), **other), 400, "card_mismatch", "id_number")
    # A bad field is named, nothing is made.
    assert_error(at_window(client, token, fields_for(phone="12345"), **CARD), 400, "invalid", "phone")
    assert not Application.objects.exists()

    accepted = at_window(client, token, fields_for(), **CARD, **{"Idempotency-Key": "window-3-apply-0001"})
    assert accepted.status_code == 201, accepted.content
    body = accepted.json()
    application = Application.objects.get(receipt=body["application"]["receipt"])
    assert body["ticket"] == "F001" and body["application"]["status"] == ApplicationStatus.SUBMITTED
    assert application.channel == "staff"  # 窗口: received at a window
    assert application.department == form.guide.department and application.guide == form.guide
    assert application.identifier == ID_NUMBER and application.centre.code == "city"
    assert all(
        m.state == MaterialState.PROVIDED
        for m in application.materials.all()
        if form.materials[m.position - 1].required
    )
    first = application.history.get()
    assert first.user == clerk and first.by == "clerk-wang" and "window 3" in first.reason
    assert Ticket.objects.get(number="F001").application == application

    # A retry after a lost answer (same key, same body) answers the same application.
    again = at_window(client, token, fields_for(), **CARD, **{"Idempotency-Key": "window-3-apply-0001"})
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["application"]["receipt"] == application.receipt
    assert Application.objects.count() == 1

    # The clerk ticking "card checked" is a check too.
    ticked = at_window(client, token, fields_for(card_checked="1"))
    assert ticked.status_code == 201, ticked.content
    assert Application.objects.count() == 2


def test_the_desk_page_accepts_with_the_generated_form_and_keeps_values_on_a_refusal(client, hall_day, kiosk, clerk):
    counter, _ = make_counter(3)
    StaffPost.objects.create(user=clerk, centre=counter.centre)
    client.force_login(clerk)
    desk = f"/hall/desk/{counter.pk}/"

    page = client.get(desk, {"guide": GUIDE.lower()})
    assert page.status_code == 200
    html = page.content.decode()
    form = form_of()
    for m in form.asked:  # the same generated form as online: one upload field per material asked
        assert f'name="{m.field}"' in html
    assert 'name="card_checked"' in html and GUIDE in html

    # No ticket held: refused, the values typed stay on the form.
    refused = client.post(desk, {"action": "accept", **fields_for(card_checked="1", name="李四")})
    assert refused.status_code == 409
    assert "本窗口当前没有可操作的号" in refused.content.decode()
    assert 'value="李四"' in refused.content.decode() and f'value="{ID_NUMBER}"' in refused.content.decode()

    take(client, kiosk)
    assert client.post(desk, {"action": "call-next"}).status_code == 302
    # A bad field: named, values kept; no card ticked: named.
    bad = client.post(desk, {"action": "accept", **fields_for(phone="12345", card_checked="1", name="李四")})
    assert bad.status_code == 400
    assert "phone" in bad.context["apply"]["errors"] and 'value="李四"' in bad.content.decode()
    unchecked = client.post(desk, {"action": "accept", **fields_for()})
    assert unchecked.status_code == 400 and "card_checked" in unchecked.context["apply"]["errors"]
    assert not Application.objects.exists()

    done = client.post(desk, {"action": "accept", **fields_for(card_checked="1")})
    assert done.status_code == 302, done.content.decode()[:2000]
    application = Application.objects.get()
    assert application.channel == "staff" and application.history.get().user == clerk
    shown = client.get(desk).content.decode()
    assert application.receipt in shown  # the desk shows the ticket's new application

    # A guide not offered online is still accepted at the window; an unknown one is named.
    offline = ServiceGuidePage.objects.live().filter(channels_online=False, status="active").first()
    assert client.get(f"/apply/{offline.code}/").status_code == 404
    opened = client.get(desk, {"guide": offline.code})
    assert opened.context["apply"]["form"].guide == offline and not opened.context["apply"]["errors"]
    assert client.get(desk, {"guide": "NOPE-1"}).context["apply"]["errors"].keys() == {"guide"}


def test_a_window_application_reaches_the_back_office_as_an_online_one(
    client, hall_day, kiosk, clerk, django_capture_on_commit_callbacks
):
    counter, token = make_counter(3)
    counter.clerk = clerk
    counter.save()
    take(client, kiosk)
    window(client, token, "call-next")
    with django_capture_on_commit_callbacks(execute=True):
        accepted = at_window(client, token, fields_for(email="zhang@example.com"), **CARD)
    assert accepted.status_code == 201, accepted.content
    application = Application.objects.get()
    # The same notice as online, on submission.
    assert [m.to for m in mail.outbox] == [["zhang@example.com"]]
    assert application.receipt in mail.outbox[0].subject
    officer = type(clerk).objects.create_superuser("officer", "officer@example.com", "pw")
    applications.act(application, "accept", Caller.staff(officer))
    assert Application.objects.get().status == ApplicationStatus.ACCEPTED
    assert StatusChange.objects.filter(application=application).count() == 2
    assert Ticket.objects.get().status == TicketStatus.CALLED


# --- 统一窗口出件: the pickup queue ------------------------------------------------------------------------


def pickup_ticket(client, kiosk, receipt, id_number_=None, **headers):
    """A kiosk's pickup ticket: the receipt in the body, the ID number as the card reader read it."""
    card = {"X-Id-Number": id_number_, "X-Id-Number-Source": "card"} if id_number_ else {}
    return take(client, kiosk | card | headers, category="pickup", receipt=receipt)


def test_a_pickup_ticket_needs_a_ready_result_here_and_only_the_pickup_window_calls_it(client, hall_day, kiosk, clerk):
    ready = test_hall.finished_application("R20261211")
    waiting = test_hall.finished_application("R20261212", status="accepted")
    elsewhere = test_hall.finished_application("R20261213", centre="zhapu")
    owner = ready.identifier

    assert_error(pickup_ticket(client, kiosk, ""), 400, "invalid", "receipt")
    assert pickup_ticket(client, kiosk, ready.receipt, id_number(8802)).status_code == 404  # not theirs
    assert_error(pickup_ticket(client, kiosk, waiting.receipt, owner), 409, "not_ready")
    assert_error(pickup_ticket(client, kiosk, elsewhere.receipt, owner), 409, "not_here")
    taken = pickup_ticket(client, kiosk, ready.receipt.lower(), owner)
    assert taken.status_code == 201, taken.content
    body = taken.json()
    assert body["ticket"] == "Q001" and body["category"] == "统一出件" and body["category_slug"] == "pickup"
    assert Ticket.objects.get(number="Q001").application == ready
    assert_error(pickup_ticket(client, kiosk, ready.receipt, owner), 409, "ticket_held")

    # An ordinary window never calls it, even one listing the queue; the pickup window does.
    _, police = make_counter(1, categories=(POLICE, "统一出件"))
    assert window(client, police, "call-next").status_code == 204
    pickup, token = make_counter(2, categories=("其他综合事务",))
    pickup.pickup, pickup.clerk = True, clerk
    pickup.save()
    state = client.get("/hall/city/state.json").json()
    assert {"category": "统一出件", "category_en": "Collecting results", "count": 1} in state["waiting"]
    called = window(client, token, "call-next")
    assert called.status_code == 200 and called.json()["ticket"] == "Q001"
    assert called.json()["application"]["receipt"] == ready.receipt  # the clerk sees which result
    assert_error(window(client, token, "transfer", category="pickup"), 400, "invalid", "category")
    handed = window(client, token, "hand-over")  # no receipt typed: the ticket's own
    assert handed.status_code == 200, handed.content
    ready.refresh_from_db()
    assert ready.status == ApplicationStatus.DELIVERED
    assert ready.history.filter(to_status="delivered", user=clerk).exists()


def test_the_web_ticket_page_takes_a_pickup_ticket_with_the_receipt(client, hall_day, settings, tmp_path):
    from tests.cms.test_hall_web import code_for

    settings.SMS_BACKEND = "cms.identity.sms.FileBackend"
    settings.SMS_OPTIONS = {"path": str(tmp_path / "sms")}
    ready = test_hall.finished_application("R20261221")
    phone = "13900000021"
    code = code_for(client, tmp_path / "sms", phone)
    asked = {"action": "take", "category": "pickup", "phone": phone, "phone_code": code, "receipt": ready.receipt}
    page = client.get("/queue/city/").content.decode()
    assert 'value="pickup"' in page and 'name="receipt"' in page and "受理回执号（仅领取办件结果时填写）" in page
    assert "Collect a finished result" in client.get("/en/queue/city/").content.decode()
    wrong = client.post("/queue/city/", {**asked, "id_number": id_number(8802)})
    assert wrong.status_code == 400 and f'value="{ready.receipt}"' in wrong.content.decode()  # kept
    taken = client.post("/queue/city/", {**asked, "id_number": ready.identifier})
    assert taken.status_code == 201, taken.content.decode()[:2000]
    ticket = Ticket.objects.get(phone=phone)
    assert ticket.number == "Q001" and ticket.application == ready and ticket.number in taken.content.decode()


# --- the whole way: 前台综合受理 → 后台分类审批 → 统一窗口出件 -------------------------------------------------------


def test_a_window_application_end_to_end_from_ticket_to_handover(
    client, hall_day, kiosk, clerk, django_user_model, django_capture_on_commit_callbacks
):
    """Ticket → call → accept at the window → the back office accepts and approves → the citizen is told it is
    ready → a pickup ticket → called at the pickup window → handed over: delivered, the clerk recorded."""
    counter, token = make_counter(3)
    counter.clerk = clerk
    counter.save()
    pickup, pickup_token = make_counter(9, categories=("其他综合事务",))
    pickup.pickup = True
    pickup.clerk = django_user_model.objects.create_user("clerk-zhao")
    pickup.save()

    # A walk-in takes a ticket; window 3 calls it and accepts a new application, the card read at the window.
    walk_in = take(client, kiosk).json()["ticket"]
    assert window(client, token, "call-next").json()["ticket"] == walk_in
    accepted = at_window(client, token, fields_for(email="zhang@example.com"), **CARD)
    assert accepted.status_code == 201, accepted.content
    receipt = accepted.json()["application"]["receipt"]
    assert window(client, token, "done").json()["status"] == TicketStatus.DONE
    application = Application.objects.get(receipt=receipt)
    assert application.channel == "staff" and application.delivery == "pickup" and application.centre.code == "city"
    assert Ticket.objects.get(number=walk_in).application == application

    # 后台分类审批: the department's back office works it through the service layer, as an online one.
    officer = django_user_model.objects.create_user("officer-gong", is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        applications.act(application, "accept", Caller.staff(officer))
        applications.act(application, "approve", Caller.staff(officer))
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    ready_mail = mail.outbox[-1]
    assert receipt in ready_mail.subject and application.centre.title in ready_mail.body  # told where to collect

    # 统一窗口出件: the citizen takes a pickup ticket with the receipt and their card; only the pickup window calls.
    ticket = pickup_ticket(client, kiosk, receipt, ID_NUMBER)
    assert ticket.status_code == 201, ticket.content
    number = ticket.json()["ticket"]
    assert number.startswith("Q")
    assert window(client, token, "call-next").status_code == 204  # window 3 does not call pickups
    called = window(client, pickup_token, "call-next").json()
    assert called["ticket"] == number and called["window"] == 9 and called["application"]["receipt"] == receipt
    handed = window(client, pickup_token, "hand-over", receipt=receipt)
    assert handed.status_code == 200, handed.content
    assert window(client, pickup_token, "done").json()["status"] == TicketStatus.DONE

    application.refresh_from_db()
    assert application.status == ApplicationStatus.DELIVERED
    trail = list(application.history.values_list("to_status", "by"))
    assert trail == [
        ("submitted", "clerk-wang"),
        ("accepted", "officer-gong"),
        ("approved", "officer-gong"),
        ("delivered", "clerk-zhao"),
    ]
    served = Ticket.objects.get(number=number)
    assert served.application == application and served.clerk.username == "clerk-zhao"
    assert served.counter == pickup and served.status == TicketStatus.DONE


def test_centre_and_guide_pages_link_to_a_ticket_for_today(client, hall_day):
    from django.utils import translation

    from cms.centres.models import CentrePage

    centre = client.get(CentrePage.objects.get(code="city").url).content.decode()
    assert 'href="/queue/city/"' in centre and "今日取号" in centre
    guide = ServiceGuidePage.objects.get(code=GUIDE)
    page = client.get(guide.url).content.decode()  # the city's police windows are open now
    assert 'href="/queue/city/?category=police"' in page
    assert client.get("/queue/city/?category=police").status_code == 200
    with translation.override("en"):
        english = client.get(guide.url).content.decode()
    assert 'href="/en/queue/city/?category=police"' in english and "Take a ticket for today" in english


def test_the_website_takes_a_ticket_through_the_api_with_a_confirmed_phone(hall_day, settings, tmp_path):
    from django.test import Client

    from tests.cms.test_hall_web import code_for

    settings.SMS_BACKEND = "cms.identity.sms.FileBackend"
    settings.SMS_OPTIONS = {"path": str(tmp_path / "sms")}
    browser = Client(enforce_csrf_checks=True)
    assert browser.get("/queue/city/").status_code == 200  # a page of ours gives the CSRF cookie
    csrf = {"X-CSRFToken": browser.cookies["csrftoken"].value}
    phone = "13900000031"
    body = {"centre": "city", "category": "police", "phone": phone, "phone_code": "000000"}
    ask = lambda **extra: browser.post(  # noqa: E731
        "/api/v1/tickets", {**body, **extra}, content_type="application/json", headers=csrf
    )
    assert_error(
        Client(enforce_csrf_checks=True).post("/api/v1/tickets", body, content_type="application/json"),
        401,
        "unauthorised",
    )
    assert_error(ask(), 400, "invalid", "phone_code")
    code = code_for(Client(), tmp_path / "sms", phone)
    taken = ask(phone_code=code)
    assert taken.status_code == 201, taken.content
    assert taken.json()["ticket"] == "F001" and taken.json()["category_slug"] == "police"
    assert Ticket.objects.get(number="F001").phone == phone
    assert_error(ask(phone_code=code), 409, "ticket_held", "phone")
