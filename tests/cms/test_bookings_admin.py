"""The Wagtail admin side of bookings: the staff's day view and check-in, closures and holidays that
warn the editor before taking booked places, and the list of people to notify."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from cms.bookings.models import Booking, BookingSettings
from cms.bookings.services import book
from cms.centres.models import CentrePage
from cms.core.caller import Caller
from cms.core.enums import Channel
from cms.hours.models import CalendarDay, Closure
from guides.applicants import applicant
from guides.calendar import Source
from tests.support.bookings import CONSENT, future_slots, id_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(get_user_model().objects.create_superuser("root", "root@example.com", "pw"))
    return client


@pytest.fixture
def booked():
    slot = future_slots("city", "公安服务")[0]
    person = applicant("王小明", id_number(42), "13700001234")
    return book(slot.pk, "330482-GA-001", person, Caller(Channel.WEB, address="10.0.0.1"), **CONSENT)[0]


def test_day_view_lists_bookings_masked_per_window(admin_client, booked):
    html = admin_client.get(
        "/admin/bookings/day/", {"centre": "city", "date": booked.slot.date.isoformat()}
    ).content.decode()
    assert booked.code in html and "公安服务" in html
    assert "王**" in html and booked.id_masked in html and "137****1234" in html
    assert id_number(42) not in html and "王小明" not in html


def test_staff_check_in_from_the_day_view(admin_client, booked):
    response = admin_client.post(f"/admin/bookings/{booked.pk}/check-in/")
    assert response.status_code == 302
    booked.refresh_from_db()
    assert booked.status == "checked_in" and booked.ticket == "F001"
    assert booked.events.last().by == "root"


def test_staff_without_the_permission_cannot_see_bookings(client, booked):
    user = get_user_model().objects.create_user("clerk", password="pw")
    group = Group.objects.create(name="clerks")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    user.groups.add(group)
    client.force_login(user)
    assert client.get("/admin/bookings/day/").status_code in (302, 403)
    group.permissions.add(Permission.objects.get(codename="view_booking", content_type__app_label="bookings"))
    assert client.get("/admin/bookings/day/").status_code == 200
    assert client.post(f"/admin/bookings/{booked.pk}/check-in/").status_code in (302, 403)
    booked.refresh_from_db()
    assert booked.status == "booked"  # viewing is not changing


def closure_form(booked, **extra):
    day = booked.slot.date.isoformat()
    return {
        "centre": CentrePage.objects.get(code="city").pk,
        "categories": ["公安服务"],
        "start_date": day,
        "end_date": day,
        "reason": "系统升级",
        **extra,
    }


def test_a_closure_hitting_bookings_asks_for_confirmation_first(admin_client, booked):
    response = admin_client.post("/admin/closures/new/", closure_form(booked))
    html = response.content.decode()
    assert response.status_code == 200 and not Closure.objects.exists()
    assert booked.code in html and booked.id_masked in html and "1 个" in html
    booked.refresh_from_db()
    assert booked.status == "booked"

    response = admin_client.post("/admin/closures/new/", closure_form(booked, confirm="on"))
    assert response.status_code == 302 and Closure.objects.count() == 1
    booked.refresh_from_db()
    assert booked.status == "rebook"
    rebook = admin_client.get("/admin/bookings/rebook/").content.decode()
    assert booked.code in rebook and "王小明" in rebook and "13700001234" in rebook and id_number(42) not in rebook


def test_a_closure_of_other_categories_needs_no_confirmation(admin_client, booked):
    response = admin_client.post("/admin/closures/new/", closure_form(booked, categories=["商事登记"]))
    assert response.status_code == 302
    booked.refresh_from_db()
    assert booked.status == "booked"


def test_a_holiday_entered_in_the_admin_warns_and_becomes_an_editor_day(admin_client, booked):
    day = booked.slot.date
    CalendarDay.objects.filter(date=day).delete()
    form = {"date": day.isoformat(), "kind": "holiday", "name": "台风停工", "works_as": ""}
    assert admin_client.post("/admin/calendar_days/new/", form).status_code == 200
    assert not CalendarDay.objects.filter(date=day).exists()
    assert admin_client.post("/admin/calendar_days/new/", {**form, "confirm": "on"}).status_code == 302
    assert CalendarDay.objects.get(date=day).source == Source.EDITOR
    assert Booking.objects.get(pk=booked.pk).status == "rebook"


def test_editing_an_official_day_makes_it_the_editors(admin_client):
    day = CalendarDay.objects.get(date=dt.date(2026, 10, 1))
    form = {"date": "2026-10-01", "kind": "holiday", "name": "国庆节（全天闭厅）", "works_as": ""}
    assert admin_client.post(f"/admin/calendar_days/edit/{day.pk}/", form).status_code == 302
    day.refresh_from_db()
    assert day.source == Source.EDITOR and day.name == "国庆节（全天闭厅）"


def test_a_makeup_workday_must_say_whose_hours(admin_client):
    form = {"date": "2027-02-20", "kind": "makeup_workday", "name": "调休上班", "works_as": ""}
    response = admin_client.post("/admin/calendar_days/new/", form)
    assert response.status_code == 200 and not CalendarDay.objects.filter(date=dt.date(2027, 2, 20)).exists()


def test_booking_settings_are_editable(admin_client):
    page = admin_client.get("/admin/settings/bookings/bookingsettings/", follow=True)
    assert page.status_code == 200 and "lead_minutes" in page.content.decode()
    response = admin_client.post(
        page.redirect_chain[-1][0],
        {
            "lead_minutes": 30,
            "days_ahead": 21,
            "slot_minutes": 20,
            "change_cutoff_minutes": 60,
            "weekly_cap": 4,
            "no_show_limit": 2,
            "no_show_window_days": 90,
            "no_show_bar_days": 30,
            "no_show_grace_minutes": 30,
            "check_in_early_minutes": 60,
            "reminder_hours": 24,
        },
    )
    assert response.status_code == 302 and BookingSettings.load().days_ahead == 21


def test_the_admin_menu_and_slot_policies_render(admin_client):
    home = admin_client.get("/admin/").content.decode()
    for name in ["bookings", "bookings-day", "bookings-rebook", "slot-policies", "hours", "closures", "kiosks"]:
        assert f'"name": "{name}"' in home, name
    assert admin_client.get("/admin/slot_policies/").status_code == 200
    assert admin_client.get("/admin/closures/").status_code == 200
    assert admin_client.get("/admin/calendar_days/").status_code == 200
