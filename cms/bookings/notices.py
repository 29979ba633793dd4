"""Notices to the citizen, in their language, through Django's mail backend (console by default).

Sent after the transaction that caused them commits; a failing mail server is logged and never undoes
a booking. Bookings without an e-mail address get no notice (the kiosk prints its own slip).
"""

import functools
import logging

from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from cms.bookings.calendar_file import booking_ics
from cms.bookings.qr import qr_png
from cms.core.urls import absolute
from guides.enums import WindowCategory
from guides.hours import TZ

logger = logging.getLogger(__name__)

KINDS = ("confirmation", "reminder", "rescheduled", "cancelled", "rebook", "restored")
_WITH_ICS = {"confirmation", "reminder", "rescheduled", "cancelled", "restored"}
_WITH_QR = {"confirmation", "rescheduled", "restored"}


def notify_later(booking_id: int, kind: str) -> None:
    transaction.on_commit(functools.partial(send_notice, booking_id, kind), robust=True)


def manage_url() -> str:
    return absolute("/booking/manage/")


def send_notice(booking_id: int, kind: str) -> bool:
    from cms.bookings.models import Booking

    if kind not in KINDS:
        raise ValueError(f"unknown notice {kind!r}")
    booking = Booking.objects.select_related("slot", "slot__centre").get(pk=booking_id)
    if not booking.email:
        return False
    english = booking.language == "en"
    centre = booking.slot.centre
    context = {
        "booking": booking,
        "centre_name": centre.name_en if english else centre.title,
        "address": (centre.address_en or centre.address) if english else centre.address,
        "phone": centre.phone,
        "category": WindowCategory(booking.category).label_en if english else booking.category,
        "start": booking.slot.start.astimezone(TZ),
        "end": booking.slot.end.astimezone(TZ),
        "manage_url": manage_url(),
    }
    with translation.override(booking.language):
        text = render_to_string(f"bookings/mail/{kind}.{booking.language}.txt", context)
    subject, _, body = text.strip().partition("\n")
    message = EmailMessage(subject.strip(), body.strip() + "\n", to=[booking.email])
    if kind in _WITH_ICS:
        message.attach(f"{booking.code}.ics", booking_ics(booking), "text/calendar")
    if kind in _WITH_QR:
        message.attach(f"{booking.code}.png", qr_png(booking.code), "image/png")
    message.send()
    logger.info("booking notice %s sent for %s", kind, booking.code)
    return True
