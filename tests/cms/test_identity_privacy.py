"""Retention: a booking's personal data is erased a set time after its visit by the periodic jobs; what stays
is what the statistics need."""

import datetime as dt

import pytest
from django.core.management import call_command

from cms.bookings import services
from cms.bookings.models import Booking
from cms.core.caller import Caller
from cms.core.enums import Channel
from cms.identity.models import BookingHolder
from cms.personal.keys import keyed_hash
from guides.applicants import applicant
from tests.support.bookings import id_number
from tests.support.clock import travel

pytestmark = pytest.mark.django_db


def test_a_booking_s_personal_data_is_erased_after_the_retention_time(settings, slots):
    settings.RETENTION = {"booking_days": 30}
    caller = Caller(Channel.WEB, address="10.0.0.2")
    old, _ = services.book(slots[0].pk, "330482-GA-001", applicant("赵六", id_number(61), "13700006161"), caller)
    live, _ = services.book(slots[1].pk, "330482-GA-002", applicant("钱七", id_number(62), "13700006262"), caller)
    services.mark_no_shows(now=slots[1].end + dt.timedelta(hours=1))
    Booking.objects.filter(pk=live.pk).update(status="booked")  # still live: never erased

    with travel(slots[0].end + dt.timedelta(days=29)):
        call_command("erase_personal_data")
    assert Booking.objects.get(pk=old.pk).name == "赵六"  # not yet

    with travel(slots[0].end + dt.timedelta(days=31)):
        call_command("erase_personal_data")
    erased = Booking.objects.get(pk=old.pk)
    assert (erased.name, erased.phone, erased.id_number, erased.email, erased.id_masked) == ("", "", "", None, "")
    assert (erased.code, erased.guide_code, erased.status) == (old.code, "330482-GA-001", "no_show")
    assert BookingHolder.objects.get(booking=erased).key == ""
    assert not services.in_name_of(keyed_hash(id_number(61))).exists()
    assert Booking.objects.get(pk=live.pk).name == "钱七"
