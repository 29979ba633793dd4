"""The service hall through its API (docs/hall.md): walk-in tickets, a window calling, recalling, no-shows
and transfers, a checked-in booking in the same queue, priority, estimates, closing time and the helper call."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from stdnum.cn import ric

from cms.bookings.models import Slot
from cms.centres.models import CentrePage
from cms.centres.sources import centre_hours
from cms.devices.models import KioskDevice
from cms.hall import services
from cms.hall.enums import TicketStatus
from cms.hall.models import Counter, HelpRequest, Ticket
from guides import clock
from guides.hours import at_local
from tests.support.api import assert_error
from tests.support.bookings import CONSENT, future_slots, id_number, open_days
from tests.support.clock import travel

pytestmark = pytest.mark.django_db

POLICE = "公安服务"
GUIDE = "330482-GA-001"  # a police guide at the city centre


def open_instant(centre: str = "city", category: str = POLICE) -> tuple[dt.datetime, dt.datetime]:
    """An hour into the first period of the next ordinary working day of the category, and that day's close."""
    day = open_days(centre, category, skip=1, kinds=("regular",))[0]
    periods = centre_hours(CentrePage.objects.get(code=centre), day, day).periods(day, category)
    return at_local(day, periods[0].start) + dt.timedelta(hours=1), at_local(day, periods[-1].end)


@pytest.fixture
def hall_day():
    """The test runs an hour into an ordinary working day of the city centre's police windows."""
    instant, closing = open_instant()
    with travel(instant):
        yield closing


def make_kiosk(name="city-1", centre="city") -> str:
    device = KioskDevice(name=name, centre=CentrePage.objects.get(code=centre))
    token = device.issue_token()
    device.save()
    return token


def make_counter(number: int, categories=(POLICE,), centre="city") -> tuple[Counter, str]:
    counter = Counter(name=f"{centre}-window-{number}", centre=CentrePage.objects.get(code=centre), number=number)
    counter.categories = list(categories)
    token = counter.issue_token()
    counter.save()
    return counter, token


@pytest.fixture
def kiosk():
    return {"Authorization": f"Bearer {make_kiosk()}"}


def take(client, kiosk, category="police", centre="city", **extra):
    return client.post(
        "/api/v1/tickets",
        {"centre": centre, "category": category, **extra},
        content_type="application/json",
        headers=kiosk,
    )


def window(client, token, action, **body):
    return client.post(
        f"/api/v1/counters/me/{action}",
        body or None,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


# --- tickets -----------------------------------------------------------------------------------------------


def test_walk_in_tickets_are_numbered_per_centre_category_and_day(client, hall_day, kiosk):
    first = take(client, kiosk)
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["ticket"] == "F001" and body["category"] == POLICE and body["centre"] == "city"
    assert body["ahead"] == 0 and body["estimated_wait_minutes"] is None  # nothing served yet: no made-up figure
    assert abs(dt.datetime.fromisoformat(body["issued_at"]) - clock.now()) < dt.timedelta(seconds=5)
    assert take(client, kiosk, category=POLICE).json() | {"issued_at": None} == body | {
        "ticket": "F002",
        "ahead": 1,
        "issued_at": None,
    }
    assert take(client, kiosk, category="social").json()["ticket"] == "D001"  # its own queue
    other = {"Authorization": f"Bearer {make_kiosk('zhapu-1', 'zhapu')}"}
    if open_days("zhapu", POLICE, skip=0)[:1] == [clock.today()]:
        assert take(client, other, centre="zhapu").json()["ticket"] == "F001"  # and another centre's


def test_a_retried_ticket_request_answers_the_same_ticket(client, hall_day, kiosk):
    """The kiosk resends a POST whose answer was lost (same Idempotency-Key): one ticket, not two."""
    keyed = kiosk | {"Idempotency-Key": "kiosk-ticket-0001"}
    first = take(client, keyed)
    again = take(client, keyed)
    assert first.status_code == again.status_code == 201
    assert again.json()["ticket"] == first.json()["ticket"] and again.json()["ahead"] == 0
    assert Ticket.objects.count() == 1
    assert take(client, kiosk | {"Idempotency-Key": "kiosk-ticket-0002"}).json()["ticket"] == "F002"
    assert_error(take(client, keyed, category="social"), 422, "idempotency_key_reused")


def test_a_ticket_needs_a_kiosk_of_that_centre_and_a_category(client, hall_day, kiosk):
    # neither a kiosk nor the website's session with its CSRF token (the test client skips CSRF unless told)
    assert_error(take(Client(enforce_csrf_checks=True), {}), 401, "unauthorised")
    assert_error(take(client, kiosk, centre="zhapu"), 409, "wrong_centre")
    assert_error(take(client, kiosk, category="nothing"), 400, "invalid", "category")
    KioskDevice.objects.update(centre=None)
    assert_error(take(client, kiosk), 403, "kiosk_without_centre")


def test_tickets_stop_when_the_hours_end_and_the_uncalled_are_marked(client, hall_day, kiosk):
    waiting = take(client, kiosk).json()["ticket"]
    with travel(hall_day + dt.timedelta(minutes=1)):
        assert_error(take(client, kiosk), 409, "closed")
        out = io.StringIO()
        call_command("close_queues", stdout=out)
        assert "1 tickets" in out.getvalue()
    ticket = Ticket.objects.get(number=waiting)
    assert ticket.status == TicketStatus.UNSERVED and ticket.finished_at is not None


def test_a_midday_break_is_not_closing_and_the_periodic_jobs_mark_the_uncalled(client, kiosk):
    """错时: police windows stay open through midday, investment windows break; a ticket taken in the break
    waits for the afternoon, and only after the day's last period does `run_periodic` mark it unserved."""
    day = open_days("city", POLICE, skip=1, kinds=("regular", "staggered"))[0]
    page = CentrePage.objects.get(code="city")
    investment = centre_hours(page, day, day).periods(day, "投资项目")
    assert len(investment) == 2 and investment[0].end < investment[1].start  # a break between
    with travel(at_local(day, investment[0].end) + dt.timedelta(minutes=30)):
        taken = [take(client, kiosk, category=c).json()["ticket"] for c in ("investment", "police")]
        call_command("run_periodic", "--once", stdout=io.StringIO())
    assert list(Ticket.objects.filter(number__in=taken).values_list("status", flat=True)) == ["waiting"] * 2
    with travel(at_local(day, investment[-1].end) + dt.timedelta(minutes=1)):
        assert_error(take(client, kiosk, category="investment"), 409, "closed")
        call_command("run_periodic", "--once", stdout=io.StringIO())
    assert Ticket.objects.get(number=taken[0]).status == TicketStatus.UNSERVED
    police_close = centre_hours(page, day, day).periods(day, POLICE)[-1].end
    police = Ticket.objects.get(number=taken[1]).status
    assert police == (TicketStatus.UNSERVED if police_close <= investment[-1].end else TicketStatus.WAITING)


# --- a window calls ----------------------------------------------------------------------------------------


def test_a_window_calls_in_order_and_only_its_categories(client, hall_day, kiosk):
    _, police = make_counter(1)
    _, social = make_counter(2, categories=("社会事务",))
    numbers = [take(client, kiosk).json()["ticket"] for _ in range(2)]
    assert window(client, social, "call-next").status_code == 204  # nobody waits for its category
    called = window(client, police, "call-next")
    assert called.status_code == 200, called.content
    assert called.json() | {"booking": None} == {
        "ticket": numbers[0],
        "category": POLICE,
        "status": "called",
        "window": 1,
        "priority": "",
        "recalls": 0,
        "booking": None,
        "application": None,
    }
    assert_error(window(client, police, "call-next"), 409, "window_busy")  # finish the first one first
    assert window(client, police, "done").json()["status"] == "done"  # right after the call: start is optional
    assert window(client, police, "call-next").json()["ticket"] == numbers[1]
    assert window(client, police, "start").json()["status"] == "serving"
    assert window(client, police, "done").status_code == 200
    assert window(client, police, "call-next").status_code == 204
    assert_error(window(client, police, "done"), 409, "no_ticket")


def test_a_window_needs_a_valid_counter_token(client, hall_day):
    counter, token = make_counter(1)
    assert_error(window(client, "nope", "call-next"), 401, "unauthorised")
    counter.revoke()
    counter.save()
    assert_error(window(client, token, "call-next"), 401, "unauthorised")


def test_recall_is_limited_and_a_no_show_frees_the_window(client, hall_day, kiosk):
    _, token = make_counter(3)
    number = take(client, kiosk).json()["ticket"]
    first = Ticket.objects.get(number=number)
    window(client, token, "call-next")
    for n in range(1, services.MAX_RECALLS + 1):
        with travel(clock.now() + dt.timedelta(seconds=30)):
            assert window(client, token, "recall").json()["recalls"] == n
    assert_error(window(client, token, "recall"), 409, "too_many_recalls")
    ticket = Ticket.objects.get(pk=first.pk)
    assert ticket.called_at > ticket.first_called_at  # each recall is a new call for the display
    assert window(client, token, "no-show").json()["status"] == "no_show"
    assert window(client, token, "call-next").status_code == 204


def test_a_transfer_keeps_the_tickets_place_by_time(client, hall_day, kiosk):
    _, police = make_counter(1)
    _, social = make_counter(2, categories=("社会事务",))
    early = take(client, kiosk).json()["ticket"]
    with travel(clock.now() + dt.timedelta(minutes=5)):
        later_social = take(client, kiosk, category="social").json()["ticket"]
    window(client, police, "call-next")
    assert_error(window(client, police, "transfer", category="police"), 400, "invalid", "category")
    moved = window(client, police, "transfer", category="社会事务")
    assert moved.json()["status"] == "waiting" and moved.json()["category"] == "社会事务"
    assert window(client, social, "call-next").json()["ticket"] == early  # ahead of the later social ticket
    window(client, social, "done")
    assert window(client, social, "call-next").json()["ticket"] == later_social
    assert Ticket.objects.get(number=early).transfers == 1


def test_priority_by_age_from_the_card_or_a_declared_card(client, hall_day, kiosk):
    _, token = make_counter(1)
    ordinary = take(client, kiosk).json()["ticket"]
    elderly = "33048219500101123"
    elderly += ric.calc_check_digit(elderly + "0")  # born 1950: over 70
    typed = take(client, kiosk, id_number=elderly)
    assert typed.json()["priority"] == ""  # a typed number proves nothing
    card = take(client, kiosk | {"X-Id-Number-Source": "card"}, id_number=elderly)
    assert card.json()["priority"] == "age" and card.json()["ahead"] == 0
    military = take(client, kiosk, priority="military")
    assert military.json()["priority"] == "military" and military.json()["ahead"] == 1
    assert_error(take(client, kiosk, priority="vip"), 400, "invalid", "priority")
    called = []
    for _ in range(3):
        called.append(window(client, token, "call-next").json()["ticket"])
        window(client, token, "done")
    assert called == [card.json()["ticket"], military.json()["ticket"], ordinary]


def test_the_estimate_comes_from_recent_service_times_and_windows(client, hall_day, kiosk):
    _, one = make_counter(1)
    make_counter(2)
    for _ in range(2):  # two services of 6 and 10 minutes
        take(client, kiosk)
    start = clock.now()
    for minutes in (6, 10):
        with travel(start):
            window(client, one, "call-next")
        with travel(start + dt.timedelta(minutes=minutes)):
            window(client, one, "done")
    for _ in range(3):
        last = take(client, kiosk).json()
    # two ahead × 8 minutes ÷ two police windows
    assert last["ahead"] == 2 and last["estimated_wait_minutes"] == 8


# --- bookings join the queue -------------------------------------------------------------------------------


def test_the_metrics_carry_the_halls_counts_and_durations_only(client, hall_day, kiosk):
    _, token = make_counter(1)
    start = clock.now()
    for _ in range(3):
        take(client, kiosk)
    with travel(start + dt.timedelta(minutes=2)):
        window(client, token, "call-next")  # waited 2 minutes
    with travel(start + dt.timedelta(minutes=5)):
        window(client, token, "done")  # served in 3
    with travel(start + dt.timedelta(minutes=6)):
        window(client, token, "call-next")  # waited 6 minutes
        window(client, token, "no-show")
    answer = client.get("/api/v1/metrics")
    assert answer.status_code == 200
    hall = answer.json()["hall"]
    assert hall["days"] == services.RECENT_DAYS
    [police] = [q for q in hall["queues"] if q["centre"] == "city" and q["category"] == POLICE]
    assert police | {"wait_minutes": None} == {
        "centre": "city",
        "category": POLICE,
        "category_en": "Public security services",
        "issued": 3,
        "served": 1,
        "no_shows": 1,
        "unserved": 0,
        "wait_minutes": None,
        "service_minutes": {"mean": 3.0, "p90": 3.0},
        "applications": {"decided": 0, "on_time": 0, "on_time_share": None},
    }
    assert police["wait_minutes"]["p90"] == pytest.approx(6.0, abs=0.1)
    assert police["wait_minutes"]["mean"] == pytest.approx(4.0, abs=0.1)
    assert "F00" not in answer.content.decode()  # counts and durations, never a ticket
    pages = (("/dashboard/", ["办事大厅", "公安服务", "4.0 / 6.0"]), ("/en/dashboard/", ["The service hall"]))
    for path, words in pages:
        page = client.get(path).content.decode()
        row = page[page.index('class="hall-figures') :]
        assert all(word in page for word in words) and "<td>3</td><td>1</td><td>1</td><td>0</td>" in row
        assert "3.0 / 3.0" in row and "F00" not in page


def test_a_checked_in_booking_is_called_before_walk_ins_who_came_after_its_slot_began(client, hall_day, kiosk):
    _, token = make_counter(1)
    slot = future_slots("city", POLICE)[0]
    answer = client.post(
        "/api/v1/bookings",
        {"slot": slot.pk, "guide": GUIDE, "name": "张三", "phone": "13812345678", "id_number": id_number(7), **CONSENT},
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    code = answer.json()["code"]
    start = clock.now() + dt.timedelta(minutes=10)  # the slot begins in ten minutes, today
    Slot.objects.filter(pk=slot.pk).update(start=start, end=start + dt.timedelta(minutes=30), date=clock.today())
    before = take(client, kiosk).json()["ticket"]  # came before the slot began
    checked = client.post(f"/api/v1/bookings/{code}/check-in", headers=kiosk).json()["ticket"]
    # The check-in screen asks the hall where the booking's ticket stands: the walk-in before it is ahead.
    state = client.get(f"/api/v1/tickets/{checked.lower()}", headers=kiosk)
    assert state.status_code == 200, state.content
    assert state.json() | {"issued_at": None} == {
        "ticket": checked,
        "category": POLICE,
        "category_slug": "police",
        "centre": "city",
        "priority": "",
        "status": "waiting",
        "ahead": 1,
        "estimated_wait_minutes": None,
        "issued_at": None,
    }
    assert_error(client.get("/api/v1/tickets/F999", headers=kiosk), 404, "not_found")
    zhapu = {"Authorization": f"Bearer {make_kiosk('zhapu-1', 'zhapu')}"}
    assert_error(client.get(f"/api/v1/tickets/{checked}", headers=zhapu), 404, "not_found")  # another centre's
    with travel(start + dt.timedelta(minutes=1)):
        after = take(client, kiosk).json()["ticket"]  # came after
        ticket = Ticket.objects.get(booking__code=code)
        assert ticket.number == checked and ticket.queue_at == start
        first = window(client, token, "call-next").json()
        assert first["ticket"] == before
        window(client, token, "done")
        second = window(client, token, "call-next").json()
        assert second["ticket"] == checked and second["booking"]["code"] == code
        assert second["booking"]["name"] == "张*" and "张三" not in str(second)
        window(client, token, "done")
        assert window(client, token, "call-next").json()["ticket"] == after
    assert len({before, checked, after}) == 3  # one numbering for walk-ins and check-ins


def test_check_in_answers_the_place_in_the_queue_and_the_estimate(client, hall_day, kiosk):
    _, token = make_counter(1)
    for minutes in (6, 10):  # two services of 6 and 10 minutes, so the centre has an estimate
        take(client, kiosk)
        start = clock.now()
        with travel(start):
            window(client, token, "call-next")
        with travel(start + dt.timedelta(minutes=minutes)):
            window(client, token, "done")
    slot = future_slots("city", POLICE)[0]
    answer = client.post(
        "/api/v1/bookings",
        {"slot": slot.pk, "guide": GUIDE, "name": "张三", "phone": "13812345678", "id_number": id_number(8), **CONSENT},
        content_type="application/json",
    )
    code = answer.json()["code"]
    start = clock.now() + dt.timedelta(minutes=10)
    Slot.objects.filter(pk=slot.pk).update(start=start, end=start + dt.timedelta(minutes=30), date=clock.today())
    take(client, kiosk)
    take(client, kiosk)  # two walk-ins came before the slot began
    checked = client.post(f"/api/v1/bookings/{code}/check-in", headers=kiosk)
    assert checked.status_code == 200, checked.content
    body = checked.json()
    assert body["ahead"] == 2 and body["estimated_wait_minutes"] == 16  # two ahead × 8 minutes, one window
    again = client.post(f"/api/v1/bookings/{code}/check-in", headers=kiosk).json()  # a repeat: the same place
    assert (again["ticket"], again["ahead"]) == (body["ticket"], 2)


def finished_application(receipt: str, centre="city", delivery="pickup", status="approved"):
    from cms.applications.models import Application
    from cms.personal.keys import keyed_hash
    from cms.services.models import Department

    person = id_number(8801)
    return Application.objects.create(
        receipt=receipt,
        guide_code=GUIDE,
        guide_name="居民身份证申领",
        guide_name_en="Applying for a resident ID card",
        department=Department.objects.first(),
        applicant_kind="person",
        name="王五",
        identifier=person,
        identifier_key=keyed_hash(person),
        identifier_masked="3304**********1234",
        phone="13900001111",
        delivery=delivery,
        centre=CentrePage.objects.get(code=centre),
        status=status,
        committed_days=5,
        channel="web",
    )


def test_the_window_links_an_application_and_the_pickup_window_hands_a_result_over(
    client, hall_day, kiosk, django_user_model
):
    from cms.applications.models import StatusChange

    _, token = make_counter(1)
    pickup, pickup_token = make_counter(2, categories=("其他综合事务",))
    ready = finished_application("R20261201")
    waiting = finished_application("R20261202", status="accepted")
    elsewhere = finished_application("R20261203", centre="zhapu")

    # 前台综合受理: the called ticket records the application received at the window.
    take(client, kiosk)
    window(client, token, "call-next")
    linked = window(client, token, "application", receipt="r20261202")
    assert linked.status_code == 200, linked.content
    assert linked.json()["application"] == {
        "receipt": "R20261202",
        "guide_name": "居民身份证申领",
        "guide_name_en": "Applying for a resident ID card",
        "status": "accepted",
        "delivery": "pickup",
        "id_number": "3304**********1234",
    }
    assert_error(window(client, token, "application", receipt="NOPE"), 404, "not_found", "receipt")
    assert_error(window(client, token, "hand-over", receipt=ready.receipt), 409, "not_pickup_window")

    # 统一窗口出件: only at the pickup window, with a clerk signed in, a ready result of this centre.
    take(client, kiosk, category="general")
    window(client, pickup_token, "call-next")
    assert_error(window(client, pickup_token, "hand-over", receipt=ready.receipt), 409, "not_pickup_window")
    pickup.pickup = True
    pickup.save()
    assert_error(window(client, pickup_token, "hand-over", receipt=ready.receipt), 409, "no_clerk")
    pickup.clerk = django_user_model.objects.create_user("clerk-li")
    pickup.save()
    assert_error(window(client, pickup_token, "hand-over", receipt=waiting.receipt), 409, "not_ready")
    assert_error(window(client, pickup_token, "hand-over", receipt=elsewhere.receipt), 409, "not_here")
    handed = window(client, pickup_token, "hand-over", receipt=ready.receipt)
    assert handed.status_code == 200, handed.content
    assert handed.json()["application"]["status"] == "delivered"
    ready.refresh_from_db()
    assert ready.status == "delivered"
    assert StatusChange.objects.filter(application=ready, to_status="delivered", by="clerk-li").exists()
    assert window(client, pickup_token, "done").json()["status"] == TicketStatus.DONE
    assert Ticket.objects.get(application=ready).clerk.username == "clerk-li"


# --- the display -------------------------------------------------------------------------------------------


def test_the_display_shows_numbers_and_windows_never_names(client, hall_day, kiosk):
    _, token = make_counter(4)
    take(client, kiosk)
    take(client, kiosk, category="social")
    window(client, token, "call-next")
    state = client.get("/hall/city/state.json")
    assert state.status_code == 200
    body = state.json()
    assert [(c["ticket"], c["window"], c["current"]) for c in body["calls"]] == [("F001", 4, True)]
    assert body["waiting"] == [{"category": "社会事务", "category_en": "Social affairs", "count": 1}]
    page = client.get("/hall/city/")
    assert page.status_code == 200 and "state.json" in page.content.decode()
    assert client.get("/hall/nowhere/").status_code == 404


# --- the helper call ---------------------------------------------------------------------------------------


def test_a_kiosk_asks_for_help_and_sees_someone_coming(client, hall_day, kiosk, django_user_model):
    asked = client.post("/api/v1/help-requests", {"screen": "guide"}, content_type="application/json", headers=kiosk)
    assert asked.status_code == 201, asked.content
    body = asked.json()
    assert body["status"] == "waiting" and body["message"] == "已通知工作人员，请稍候" and body["phone"] == ""
    again = client.post("/api/v1/help-requests", {"screen": "home"}, content_type="application/json", headers=kiosk)
    assert again.json()["id"] == body["id"]  # one open request per kiosk
    volunteer = django_user_model.objects.create_user("volunteer")
    from django.contrib.auth.models import Permission

    volunteer.user_permissions.add(Permission.objects.get(codename="help_visitors"))
    caller = services.Caller.staff(volunteer)
    with pytest.raises(services.Refusal) as refused:  # not posted at this centre
        services.take_help(body["id"], caller)
    assert refused.value.status == 403
    volunteer.hall_posts.create(centre=CentrePage.objects.get(code="city"))
    volunteer = django_user_model.objects.get(pk=volunteer.pk)  # a fresh permission cache
    services.take_help(body["id"], services.Caller.staff(volunteer))
    seen = client.get(f"/api/v1/help-requests/{body['id']}", headers=kiosk).json()
    assert seen["status"] == "taken" and seen["message"] == "工作人员正在赶来"
    other = {"Authorization": f"Bearer {make_kiosk('city-2')}"}
    assert client.get(f"/api/v1/help-requests/{body['id']}", headers=other).status_code == 404


def test_a_village_station_shows_its_phone_when_nobody_answers(client, kiosk):
    village = CentrePage.objects.filter(kind="village").first()
    KioskDevice.objects.update(centre=village)
    asked = client.post(
        "/api/v1/help-requests", {"screen": "home"}, content_type="application/json", headers=kiosk
    ).json()
    assert client.get(f"/api/v1/help-requests/{asked['id']}", headers=kiosk).json()["phone"] == ""
    with travel(clock.now() + services.HELP_PHONE_AFTER):
        late = client.get(f"/api/v1/help-requests/{asked['id']}", headers=kiosk).json()
    assert late["phone"] == village.phone and village.phone in late["message"]
    assert HelpRequest.objects.get(pk=asked["id"]).status == "waiting"


# --- the window's device -----------------------------------------------------------------------------------


def test_create_counter_token_prints_a_token_that_calls(client, hall_day, kiosk):
    out = io.StringIO()
    call_command(
        "create_counter_token",
        "city-w7",
        "--centre",
        "city",
        "--window",
        "7",
        "--category",
        "police",
        "社会事务",
        "--pickup",
        stdout=out,
        stderr=io.StringIO(),
    )
    token = out.getvalue().strip()
    counter = Counter.objects.get(name="city-w7")
    assert counter.number == 7 and counter.categories == [POLICE, "社会事务"] and token.startswith("otk_")
    assert counter.pickup  # the centre's pickup window (统一出件)
    take(client, kiosk)
    assert window(client, token, "call-next").json()["window"] == 7
    me = client.get("/api/v1/counters/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert me["current"]["ticket"] == "F001" and me["centre"] == "city"
    with pytest.raises(CommandError):
        call_command(
            "create_counter_token",
            "other",
            "--centre",
            "city",
            "--window",
            "7",
            "--category",
            "police",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    with pytest.raises(CommandError):
        call_command(
            "create_counter_token",
            "x",
            "--centre",
            "city",
            "--window",
            "8",
            "--category",
            "nope",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
