"""Notices to the citizen, in their language, through Django's mail backend (console by default).

Sent after the transaction that caused them commits; a failing mail server is logged and never undoes
a booking. Bookings without an e-mail address get no notice (the kiosk prints its own slip).
"""

import functools
import logging

from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from cms.bookings.calendar_file import booking_ics
from cms.bookings.qr import qr_png
from cms.core import i18n
from cms.core.urls import absolute
from cms.services.labels import label
from cms.services.models import ServiceGuidePage

logger = logging.getLogger(__name__)

KINDS = ("confirmation", "reminder", "rescheduled", "cancelled", "rebook", "restored")
_WITH_ICS = {"confirmation", "reminder", "rescheduled", "cancelled", "restored"}
_WITH_QR = {"confirmation", "rescheduled", "restored"}


def notify_later(booking_id: int, kind: str) -> None:
    transaction.on_commit(functools.partial(send_notice, booking_id, kind), robust=True)


def manage_url() -> str:
    return absolute("/booking/manage/")


def _context(booking) -> dict:
    """What a notice says, in the active language (the one the booking was made in)."""
    centre = booking.slot.centre
    guide = ServiceGuidePage.objects.filter(code=booking.guide_code).only("name_en").first()
    guide_name = i18n.pick(booking.guide_name, guide.name_en if guide else "")
    start, end = timezone.localtime(booking.slot.start), timezone.localtime(booking.slot.end)
    return {
        "booking": booking,
        "guide": guide_name,
        # the Chinese name the window knows the service by, when the notice names it in English
        "guide_zh": booking.guide_name if guide_name != booking.guide_name else "",
        "centre_name": i18n.pick(centre.title, centre.name_en),
        "address": i18n.pick(centre.address, centre.address_en),
        "phone": centre.phone,
        "category": label(booking.category, "WindowCategory"),
        "day": i18n.long_date(start.date()),
        "short_day": i18n.short_date(start.date()),
        "start_time": i18n.clock(start.time()),
        "end_time": i18n.clock(end.time()),
        "manage_url": manage_url(),
    }


def send_notice(booking_id: int, kind: str) -> bool:
    from cms.bookings.models import Booking

    if kind not in KINDS:
        raise ValueError(f"unknown notice {kind!r}")
    booking = Booking.objects.select_related("slot", "slot__centre").get(pk=booking_id)
    if not booking.email:
        return False
    with translation.override(booking.language):
        text = render_to_string(f"bookings/mail/{kind}.txt", _context(booking))
    subject, _, body = text.strip().partition("\n")
    message = EmailMessage(subject.strip(), body.strip() + "\n", to=[booking.email])
    if kind in _WITH_ICS:
        message.attach(f"{booking.code}.ics", booking_ics(booking), "text/calendar")
    if kind in _WITH_QR:
        message.attach(f"{booking.code}.png", qr_png(booking.code), "image/png")
    message.send()
    logger.info("booking notice %s sent for %s", kind, booking.code)
    return True
