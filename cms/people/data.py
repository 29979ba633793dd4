"""What is held about a person, and for how long (PIPL): a booking's personal data erased a set time after its
visit, an application's after its department's archive period (both run by the periodic jobs), and everything
held about a signed-in person, for them to download."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Max

from cms.applications import uploads
from cms.applications.enums import IN_PROGRESS
from cms.applications.models import Application, ApplicationMaterial
from cms.bookings import services as bookings
from cms.bookings.enums import LIVE
from cms.bookings.models import Booking
from cms.identity.models import BookingHolder, Consent, StaffAccess
from cms.identity.privacy import NOTICE_VERSION
from cms.identity.session import Identity
from cms.services.models import Department
from guides import clock


def erase_applications(now: dt.datetime | None = None) -> int:
    """Applications ended (approved, refused, delivered) longer ago than their department's archive period
    lose the applicant's name, identifier and its hash, contact, phone, e-mail, address and uploaded files;
    receipt, item, department, status, dates and history stay for the statistics."""
    now = now or clock.now()
    erased = 0
    for department in Department.objects.all():
        days = department.archive_days or settings.RETENTION["application_days"]
        due = (
            Application.objects.filter(department=department, identifier_key__gt="")
            .exclude(status__in=IN_PROGRESS)
            .annotate(ended=Max("history__at"))
            .filter(ended__lt=now - dt.timedelta(days=days))
            .values_list("pk", flat=True)
        )
        for pk in list(due):
            erased += _erase_application(pk)
    return erased


def _erase_application(pk: int) -> int:
    with transaction.atomic():
        files = list(
            ApplicationMaterial.objects.filter(application_id=pk).exclude(file="").values_list("file", flat=True)
        )
        ApplicationMaterial.objects.filter(application_id=pk).update(file="", file_name="")
        done = Application.objects.filter(pk=pk).update(
            name="",
            identifier="",
            identifier_key="",
            identifier_masked="",
            contact_name="",
            phone="",
            email="",
            address="",
        )
    uploads.discard(files)  # once the rows no longer point at them
    return done


def erase_bookings(now: dt.datetime | None = None) -> int:
    """Bookings whose visit ended more than `RETENTION["booking_days"]` ago lose their name, phone, e-mail, ID
    number and the hash that finds them by it; code, item, time and status stay for the statistics."""
    cutoff = (now or clock.now()) - dt.timedelta(days=settings.RETENTION["booking_days"])
    due = (
        Booking.objects.filter(slot__end__lt=cutoff, holder__key__gt="")
        .exclude(status__in=LIVE)
        .values_list("pk", flat=True)
    )
    erased = 0
    for pk in list(due):
        with transaction.atomic():
            Booking.objects.filter(pk=pk).update(name="", phone="", id_number="", email=None, id_masked="")
            erased += BookingHolder.objects.filter(booking_id=pk).update(key="")
    return erased


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def held_about(identity: Identity) -> dict:
    """Everything held about the signed-in person, for them to download (JSON)."""
    rows = bookings.in_name_of(identity.key).order_by("slot__start")
    return {
        "notice_version": NOTICE_VERSION,
        "generated_at": clock.now().isoformat(),
        "identity": {
            "kind": identity.kind,
            "name": identity.name,
            "identifier": identity.identifier,
            "phone": identity.phone,
            "level_of_assurance": identity.loa,
        },
        "consents": [
            {"version": c.version, "at": _iso(c.at)} for c in Consent.objects.filter(key=identity.key).order_by("at")
        ],
        "bookings": [
            {
                "code": b.code,
                "guide": b.guide_code,
                "guide_name": b.guide_name,
                "guide_name_en": b.guide_name_en,
                "centre": b.slot.centre.title,
                "centre_en": b.slot.centre.name_en,
                "start": _iso(b.slot.start),
                "status": b.status,
                "proof": b.holder.proof,
                "name": b.name,
                "phone": b.phone,
                "email": b.email or "",
                "channel": b.channel,
                "made_at": _iso(b.created_at),
                "consent_version": b.consent_version,
                "consented_at": _iso(b.consented_at),
            }
            for b in rows
        ],
        "applications": [
            {
                "receipt": a.receipt,
                "guide": a.guide_code,
                "guide_name": a.guide_name,
                "guide_name_en": a.guide_name_en,
                "status": a.status,
                "name": a.name,
                "phone": a.phone,
                "submitted_at": _iso(a.created_at),
                "consent_version": a.consent_version,
                "consented_at": _iso(a.consented_at),
            }
            for a in Application.objects.filter(identifier_key=identity.key).order_by("created_at")
        ],
        "staff_access": [
            {"at": _iso(s.at), "staff": s.username, "action": s.action, "reason": s.reason}
            for s in StaffAccess.objects.filter(subject_key=identity.key)
        ],
    }
