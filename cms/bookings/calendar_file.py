"""The booking as an iCalendar (.ics) event (RFC 5545, built by `icalendar`), to add to a phone's calendar.

The website, the API and the mails give the same `UID` (`<code>@<our domain>`), and `SEQUENCE` grows with each
change, so a calendar that has the event replaces it; a cancelled booking is an iTIP `CANCEL` (RFC 5546),
which needs the `ORGANIZER` a calendar matches it by.
"""

import datetime as dt

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event, vCalAddress, vText

from cms.bookings.enums import BookingStatus
from cms.bookings.models import Booking
from cms.core import i18n
from cms.core.urls import site_domain
from cms.services.models import ServiceGuidePage
from guides import clock

_HOUR = dt.timedelta(hours=1)


def booking_ics(booking: Booking) -> str:
    slot, centre = booking.slot, booking.slot.centre
    cancelled = booking.status == BookingStatus.CANCELLED
    with translation.override(booking.language):  # the language it was booked in, as its mails
        guide = ServiceGuidePage.objects.filter(code=booking.guide_code).only("name_en").first()
        name = i18n.pick(booking.guide_name, guide.name_en if guide else "")
        summary = _("Appointment: %(guide)s") % {"guide": name}
        place = i18n.pick(centre.title, centre.name_en)
        address = i18n.pick(centre.address, centre.address_en)
        description = _(
            "Booking code %(code)s. %(place)s. Please bring your ID and check in at the kiosk or the window."
        ) % {"code": booking.code, "place": place}
    calendar = Calendar()
    calendar.add("prodid", "-//OneTrip//Bookings//ZH")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = Event()
    event.add("uid", f"{booking.code}@{site_domain()}")
    event.add("sequence", booking.sequence)
    event.add("dtstamp", clock.now())
    event.add("dtstart", slot.start)
    event.add("dtend", slot.end)
    event.add("summary", summary)
    event.add("location", address)
    event.add("description", description)
    event.add("geo", (centre.latitude, centre.longitude))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL}")
    organizer.params["cn"] = vText(place)
    event["organizer"] = organizer
    if not cancelled:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("trigger", -_HOUR)
        alarm.add("description", summary)
        event.add_component(alarm)
    calendar.add_component(event)
    return calendar.to_ical().decode()
