"""The date-sensitive rules at awkward instants (tests/support/clock.py INSTANTS), with the machine's own time
zone set far from Asia/Shanghai (Honolulu: at a Shanghai morning it is still the day before there).

At each instant, through the API and against an oracle computed here from the hours API and the settings
(not from the code under test): the slots offered, booking and the slot-release throttle, check-in's window,
no-shows, "open now" and the next opening, and an application's due date in working days.
"""

import datetime as dt
import time

import pytest
import time_machine

from cms.applications.models import Application
from cms.bookings import services as booking_services
from cms.bookings.models import Booking, BookingSettings
from cms.centres.models import CentrePage
from cms.devices.models import KioskDevice
from guides import clock
from guides.hours import TZ
from tests.cms.test_applications import delivery_for, files_for, form_of, person
from tests.support.bookings import CONSENT, id_number
from tests.support.clock import INSTANTS

pytestmark = pytest.mark.django_db

GUIDE, CENTRE = "330482-GA-001", "city"
DEFERRABLE = "330482-GA-004"  # accepted at once with a deferrable material missing: due date set on submission
instants = pytest.mark.parametrize("instant", list(INSTANTS.values()), ids=list(INSTANTS))


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.APPLICATION_FILES_DIR = tmp_path / "application-files"


@pytest.fixture
def machine_zone(monkeypatch):
    """The machine's zone as Honolulu (UTC-10), as a server in another region would have it."""
    monkeypatch.setenv("TZ", "Pacific/Honolulu")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def at(machine_zone):
    """Travel to an instant (frozen) for the rest of the test."""
    traveller = None

    def go(instant: dt.datetime):
        nonlocal traveller
        if traveller is not None:
            traveller.stop()
        traveller = time_machine.travel(instant, tick=False)
        traveller.start()
        assert clock.now() == instant and clock.today() == instant.astimezone(TZ).date()

    yield go
    if traveller is not None:
        traveller.stop()


def hours_between(client, first: dt.date, last: dt.date) -> dict[dt.date, dict]:
    body = client.get(f"/api/v1/centres/{CENTRE}/hours", {"from": first.isoformat(), "to": last.isoformat()}).json()
    return {dt.date.fromisoformat(day["date"]): day for day in body["items"]}


def police_periods(day: dict) -> list[tuple[dt.datetime, dt.datetime, str]]:
    for category in day["categories"]:
        if category["category"] == "公安服务":
            return [
                (dt.datetime.fromisoformat(p["start"]), dt.datetime.fromisoformat(p["end"]), p["kind"])
                for p in category["periods"]
            ]
    return []


def slots_on(client, day: dt.date) -> list[dict]:
    return client.get("/api/v1/slots", {"guide": GUIDE, "centre": CENTRE, "date": day.isoformat()}).json()["items"]


def is_working_day(day: dict) -> bool:
    """The city calendar's answer, as the hours API states it: a weekday that is no holiday, or a 调休 day."""
    return day["makeup_workday"] or (day["weekday"] <= 5 and not day["holiday"])


@instants
def test_slots_offered_lie_in_the_hours_and_the_booking_window(client, at, instant):
    at(instant)
    conf = BookingSettings.load()
    today = instant.date()
    last = today + dt.timedelta(days=conf.days_ahead)
    hours = hours_between(client, today - dt.timedelta(days=1), last + dt.timedelta(days=1))
    offered_days = 0
    for day, info in hours.items():
        slots = slots_on(client, day)
        if day < today or day > last:
            assert slots == [], f"{day} is outside the booking window at {instant}"
            continue
        periods = police_periods(info)
        if not periods:
            assert slots == [], f"slots on {day}, when the police windows are closed"
            continue
        offered_days += bool(slots)
        for slot in slots:
            start, end = dt.datetime.fromisoformat(slot["start"]), dt.datetime.fromisoformat(slot["end"])
            assert start >= instant + dt.timedelta(minutes=conf.lead_minutes), slot
            assert start.utcoffset() == dt.timedelta(hours=8) and start.date() == day
            assert any(s <= start and end <= e and slot["kind"] == kind for s, e, kind in periods), slot
    # Fourteen days ahead always hold working days, even from inside the Spring Festival holiday.
    assert offered_days >= 5


@instants
def test_booking_check_in_and_no_show_keep_their_times(client, at, instant, settings):
    at(instant)
    conf = BookingSettings.load()
    day = next(
        d for d in (instant.date() + dt.timedelta(days=n) for n in range(conf.days_ahead + 1)) if slots_on(client, d)
    )
    slot = slots_on(client, day)[0]
    answer = client.post(
        "/api/v1/bookings",
        {
            "slot": slot["id"],
            "guide": GUIDE,
            "name": "张三",
            "phone": "13812345678",
            "id_number": id_number(1),
            **CONSENT,
        },
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    code = answer.json()["code"]

    device = KioskDevice(name="instants", centre=CentrePage.objects.get(code=CENTRE))
    token = device.issue_token()
    device.save()
    start = dt.datetime.fromisoformat(slot["start"])
    opens = start - dt.timedelta(minutes=conf.check_in_early_minutes)
    check_in = client.post(f"/api/v1/bookings/{code}/check-in", headers={"Authorization": f"Bearer {token}"})
    if instant < opens:
        assert check_in.status_code == 409 and check_in.json()["error"]["code"] == "too_early"
        at(opens)  # the citizen arrives in time
        check_in = client.post(f"/api/v1/bookings/{code}/check-in", headers={"Authorization": f"Bearer {token}"})
    assert check_in.status_code == 200, check_in.content

    # Another booking of the same slot, never attended: a no-show only once the grace period has passed.
    answer = client.post(
        "/api/v1/bookings",
        {
            "slot": slot["id"],
            "guide": GUIDE,
            "name": "李四",
            "phone": "13812345679",
            "id_number": id_number(2),
            **CONSENT,
        },
        content_type="application/json",
        REMOTE_ADDR="10.9.9.9",
    )
    absent = answer.json()["code"]
    end = dt.datetime.fromisoformat(slot["end"])
    grace = dt.timedelta(minutes=conf.no_show_grace_minutes)
    assert booking_services.mark_no_shows(end + grace - dt.timedelta(minutes=1)) == 0
    assert booking_services.mark_no_shows(end + grace + dt.timedelta(minutes=1)) == 1
    assert Booking.objects.get(code=absent).status == "no_show"


@instants
def test_the_slot_release_throttle_holds_only_after_midnight(client, at, instant, settings):
    at(instant)
    conf = BookingSettings.load()
    last = instant.date() + dt.timedelta(days=conf.days_ahead)
    newest = slots_on(client, last)
    if not newest:
        # The newest day is closed (a weekend or a holiday): nothing is released, nothing to throttle.
        assert police_periods(hours_between(client, last, last)[last]) == []
        return
    in_release = instant.hour * 60 + instant.minute < settings.API_SLOT_RELEASE["minutes"]
    attempts = [
        client.post(
            "/api/v1/bookings",
            {
                "slot": s["id"],
                "guide": GUIDE,
                "name": "王五",
                "phone": "13812345670",
                "id_number": id_number(10 + n),
                **CONSENT,
            },
            content_type="application/json",
        )
        for n, s in enumerate(newest[:2])
    ]
    assert attempts[0].status_code == 201
    assert attempts[1].status_code == (429 if in_release else 201), attempts[1].content


@instants
def test_open_now_and_the_next_opening_follow_the_hours(client, at, instant):
    at(instant)
    centre = client.get(f"/api/v1/centres/{CENTRE}").json()
    today = instant.date()
    hours = hours_between(client, today, today + dt.timedelta(days=30))
    periods = sorted(
        (dt.datetime.fromisoformat(p["start"]), dt.datetime.fromisoformat(p["end"]))
        for day in hours.values()
        for category in day["categories"]
        for p in category["periods"]
    )
    open_now = any(start <= instant < end for start, end in periods)
    assert centre["open_now"] is open_now
    if not open_now:
        assert dt.datetime.fromisoformat(centre["next_opening"]) == min(s for s, _ in periods if s > instant)


@instants
def test_an_application_is_due_after_its_committed_working_days(client, at, instant):
    at(instant)
    form = form_of(DEFERRABLE)
    data = {"guide": DEFERRABLE, **person(), **delivery_for(form), **files_for(form, deferrable=False)}
    answer = client.post("/api/v1/applications", data=data)
    assert answer.status_code == 201, answer.content
    application = Application.objects.get(receipt=answer.json()["receipt"])
    assert application.accepted_on == instant.date()
    hours = hours_between(client, instant.date(), application.due_date)
    counted = [d for d, info in hours.items() if d > instant.date() and is_working_day(info)]
    assert len(counted) == application.committed_days
    assert counted[-1] == application.due_date
