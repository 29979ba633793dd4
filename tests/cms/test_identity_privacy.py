"""Retention: a booking's personal data is erased a set time after its visit by the periodic jobs; what stays
is what the statistics need."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db.models import Count

from cms.bookings import services
from cms.bookings.models import Booking
from cms.core.caller import Caller
from cms.core.enums import Channel
from cms.identity.models import BookingHolder
from cms.personal.keys import keyed_hash
from guides.applicants import applicant
from tests.support.bookings import CONSENT, id_number
from tests.support.clock import travel

pytestmark = pytest.mark.django_db


def test_a_booking_s_personal_data_is_erased_after_the_retention_time(settings, slots):
    settings.RETENTION = {**settings.RETENTION, "booking_days": 30}
    caller = Caller(Channel.WEB, address="10.0.0.2")
    old, _ = services.book(
        slots[0].pk, "330482-GA-001", applicant("赵六", id_number(61), "13700006161"), caller, **CONSENT
    )
    live, _ = services.book(
        slots[1].pk, "330482-GA-002", applicant("钱七", id_number(62), "13700006262"), caller, **CONSENT
    )
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


# ---- applications: kept per the department's archive rule ----------------------------------------------

SUBMITTED_AT = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)  # a Monday; the application is refused the same day


def _refused_application(client, settings, tmp_path, code: str, n: int):
    from cms.applications import services as applications
    from cms.applications.models import Application
    from tests.cms.test_applications import delivery_for, files_for, form_of, person, staff_of

    settings.APPLICATION_FILES_DIR = tmp_path / "application-files"
    form = form_of(code)
    data = {"guide": code, **person(id_number=id_number(n)), **delivery_for(form), **files_for(form)}
    with travel(SUBMITTED_AT):
        response = client.post("/api/v1/applications", data=data)
        assert response.status_code == 201, response.content
        application = Application.objects.get(receipt=response.json()["receipt"])
        applications.act(
            application, "reject", Caller.staff(staff_of(application.department, f"handler-{n}")), "不符合条件"
        )
    return Application.objects.get(pk=application.pk)


def test_an_ended_application_keeps_personal_data_for_its_department_s_archive_period(client, settings, tmp_path):
    from cms.applications.models import Application
    from cms.applications.uploads import stored_path

    settings.RETENTION = {"booking_days": 180, "application_days": 365}
    police = _refused_application(client, settings, tmp_path, "330482-GA-008", 71)  # the platform default
    social = _refused_application(client, settings, tmp_path, "330482-SS-001", 72)
    assert police.department != social.department
    social.department.archive_days = 30  # edited in the admin
    social.department.save()
    files = [stored_path(f) for f in social.materials.exclude(file="").values_list("file", flat=True)]
    assert files and all(f.exists() for f in files)
    counts = dict(Application.objects.values_list("department__name").annotate(n=Count("pk")))

    with travel(SUBMITTED_AT + dt.timedelta(days=29)):
        call_command("erase_personal_data")
    assert Application.objects.get(pk=social.pk).name == "张三"  # not yet

    with travel(SUBMITTED_AT + dt.timedelta(days=31)):
        call_command("erase_personal_data")
    erased = Application.objects.get(pk=social.pk)
    assert (erased.name, erased.identifier, erased.identifier_key, erased.identifier_masked, erased.phone) == (
        "",
        "",
        "",
        "",
        "",
    )
    assert (erased.email, erased.address, erased.contact_name) == ("", "", "")
    assert not erased.materials.exclude(file="").exists() and not any(f.exists() for f in files)
    assert not Application.objects.filter(identifier_key=keyed_hash(id_number(72))).exists()
    # What the statistics need stays: receipt, item, department, status, dates and history.
    assert (erased.receipt, erased.guide_code, erased.status) == (social.receipt, "330482-SS-001", "rejected")
    assert list(erased.history.values_list("to_status", flat=True)) == ["submitted", "rejected"]
    assert dict(Application.objects.values_list("department__name").annotate(n=Count("pk"))) == counts
    assert Application.objects.get(pk=police.pk).name == "张三"  # its department keeps the default, a year

    with travel(SUBMITTED_AT + dt.timedelta(days=366)):
        call_command("erase_personal_data")
    assert Application.objects.get(pk=police.pk).name == ""


def test_an_application_being_worked_is_never_erased(client, settings, tmp_path):
    from cms.applications.models import Application

    settings.RETENTION = {"booking_days": 180, "application_days": 1}
    refused = _refused_application(client, settings, tmp_path, "330482-GA-008", 73)
    Application.objects.filter(pk=refused.pk).update(status="accepted")  # reopened: still being worked
    with travel(SUBMITTED_AT + dt.timedelta(days=400)):
        call_command("erase_personal_data")
    assert Application.objects.get(pk=refused.pk).name == "张三"


def test_an_administrator_sets_a_department_s_archive_period_in_the_admin(client, django_user_model):
    from django.urls import reverse

    from cms.services.models import Department

    department = Department.objects.order_by("pk").first()
    client.force_login(django_user_model.objects.create_superuser("archivist", password="x"))
    url = reverse("wagtailsnippets_services_department:edit", args=[department.pk])
    form = {"name": department.name, "name_en": department.name_en, "archive_days": "3650", "editors": ""}
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Department.objects.get(pk=department.pk).archive_days == 3650
    refused = client.post(url, {**form, "archive_days": "-1"})
    assert refused.status_code == 200 and Department.objects.get(pk=department.pk).archive_days == 3650
