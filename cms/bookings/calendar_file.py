"""The booking as an iCalendar (.ics) event (RFC 5545), to add to a phone's calendar."""

import datetime as dt

from cms.bookings.enums import BookingStatus
from cms.bookings.models import Booking
from guides import clock


def _text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 §3.1)."""
    out, current = [], b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > 75:
            out.append(current.decode())
            current = b" "
        current += encoded
    out.append(current.decode())
    return "\r\n".join(out)


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def booking_ics(booking: Booking, domain: str = "onetrip") -> str:
    slot, centre = booking.slot, booking.slot.centre
    cancelled = booking.status == BookingStatus.CANCELLED
    english = booking.language == "en"
    summary = f"Appointment: {booking.guide_name}" if english else f"预约办事：{booking.guide_name}"
    location = (centre.address_en or centre.address) if english else centre.address
    place = centre.name_en if english else centre.title
    description = (
        f"Booking code {booking.code}. {place}. Please bring your ID and check in at the kiosk or the window."
        if english
        else f"预约码 {booking.code}。{place}。请携带身份证件，到自助终端或窗口签到。"
    )
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//OneTrip//Bookings//ZH",
        "CALSCALE:GREGORIAN",
        f"METHOD:{'CANCEL' if cancelled else 'PUBLISH'}",
        "BEGIN:VEVENT",
        f"UID:{booking.code}@{domain}",
        f"SEQUENCE:{booking.sequence}",
        f"DTSTAMP:{_utc(clock.now())}",
        f"DTSTART:{_utc(slot.start)}",
        f"DTEND:{_utc(slot.end)}",
        f"SUMMARY:{_text(summary)}",
        f"LOCATION:{_text(location)}",
        f"DESCRIPTION:{_text(description)}",
        f"GEO:{centre.latitude:.6f};{centre.longitude:.6f}",
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
    ]
    if not cancelled:
        lines += ["BEGIN:VALARM", "ACTION:DISPLAY", "TRIGGER:-PT1H", f"DESCRIPTION:{_text(summary)}", "END:VALARM"]
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
