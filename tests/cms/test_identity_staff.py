"""Staff look up the bookings and the bar on an ID number in the Wagtail admin — each look with a reason, in the
access log — and lift a bar or cancel a booking with a reason."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from cms.bookings.models import Booking, BookingEvent, Person
from cms.bookings.services import book
from cms.core.caller import Caller
from cms.core.enums import Channel
from cms.identity.models import StaffAccess
from cms.personal.keys import keyed_hash
from guides import clock
from guides.applicants import applicant
from tests.support.bookings import CONSENT, future_slots, id_number

pytestmark = pytest.mark.django_db
URL = "/admin/identity/person/"


@pytest.fixture
def staff(client):
    client.force_login(get_user_model().objects.create_superuser("clerk", "clerk@example.com", "pw"))
    return client


@pytest.fixture
def booked():
    slot = future_slots("city", "公安服务")[0]
    person = applicant("王小明", id_number(42), "13700001234")
    return book(slot.pk, "330482-GA-001", person, Caller(Channel.WEB, address="10.0.0.1"), **CONSENT)[0]


def test_a_look_up_needs_a_reason_and_is_logged(staff, booked):
    refused = staff.post(URL, {"id_number": id_number(42), "reason": "", "action": "look_up"})
    assert refused.status_code == 200 and booked.code not in refused.content.decode()
    assert not StaffAccess.objects.exists()

    page = staff.post(URL, {"id_number": id_number(42), "reason": "窗口核实本人预约", "action": "look_up"})
    html = page.content.decode()
    assert booked.code in html and "王**" in html and "137****1234" in html and "13700001234" not in html
    entry = StaffAccess.objects.get()
    assert (entry.username, entry.action, entry.reason) == ("clerk", "look_up", "窗口核实本人预约")
    assert entry.subject_key == keyed_hash(id_number(42)) and entry.subject_masked.endswith(id_number(42)[-4:])
    assert "窗口核实本人预约" in html  # the person's access log is shown with the result


def test_lift_a_bar_with_a_reason(staff, booked):
    Person.objects.filter(key=keyed_hash(id_number(42))).update(barred_until=clock.now() + dt.timedelta(days=30))
    page = staff.post(URL, {"id_number": id_number(42), "reason": "核实为系统误记爽约", "action": "lift_bar"})
    assert "已解除预约限制" in page.content.decode()
    assert Person.objects.get(key=keyed_hash(id_number(42))).barred_until is None
    assert set(StaffAccess.objects.values_list("action", flat=True)) == {"lift_bar", "look_up"}


def test_cancel_a_booking_with_a_reason(staff, booked):
    form = {"id_number": id_number(42), "reason": "本人来电要求取消", "action": "cancel", "booking": booked.code}
    page = staff.post(URL, form)
    assert "已取消预约" in page.content.decode()
    assert Booking.objects.get(pk=booked.pk).status == "cancelled"
    event = BookingEvent.objects.filter(booking=booked, action="cancelled").get()
    assert event.by == "clerk" and "本人来电要求取消" in event.detail
    assert StaffAccess.objects.filter(action="cancel", detail=booked.code).exists()


def test_a_booking_in_another_name_cannot_be_cancelled_from_this_one(staff, booked):
    form = {"id_number": id_number(43), "reason": "试图取消他人预约", "action": "cancel", "booking": booked.code}
    staff.post(URL, form)
    assert Booking.objects.get(pk=booked.pk).status == "booked"


def test_only_staff_who_may_see_bookings_may_look(client, booked):
    user = get_user_model().objects.create_user("editor", password="pw")
    group = Group.objects.create(name="editors-only")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    user.groups.add(group)
    client.force_login(user)
    form = {"id_number": id_number(42), "reason": "好奇看看", "action": "look_up"}
    assert client.post(URL, form).status_code in (302, 403)
    assert not StaffAccess.objects.exists()
