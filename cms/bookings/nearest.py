"""就近跑一次: the centres that handle a guide, nearest first, each with its next opening and first free slot.

The origin is a point (WGS-84): a town's seat from `guides/towns.yaml`, the browser's position, or a kiosk's
own centre. The same answer serves the API, the guide page and the kiosk.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import F

from cms.bookings.models import BookingSettings, Slot, SlotState
from cms.bookings.services import window
from cms.bookings.slots import ensure_day
from cms.centres.models import CentrePage
from cms.centres.sources import centre_hours
from cms.services.models import ServiceGuidePage
from guides import clock, geo
from guides.enums import WindowCategory
from guides.hours import TZ

LOOK_AHEAD_DAYS = 31  # how far "opens next" looks


@dataclass(frozen=True)
class Nearby:
    centre: CentrePage
    distance_km: float
    open_now: bool
    next_opening: dt.datetime | None
    first_free_slot: Slot | None


def first_free_slot(guide: ServiceGuidePage, centre: CentrePage, now: dt.datetime) -> Slot | None:
    """The earliest slot with a place left inside the booking window (None for items taking no appointments)."""
    if not guide.channels_appointment:
        return None
    earliest, last_date = window(now, BookingSettings.load())
    category = WindowCategory(guide.category)
    today = now.astimezone(TZ).date()
    hours = centre_hours(centre, today, last_date)
    for n in range((last_date - today).days + 1):
        day = today + dt.timedelta(days=n)
        if not hours.periods(day, category):
            continue
        ensure_day(centre, day)
        slot = (
            Slot.objects.filter(centre=centre, date=day, category=category, state=SlotState.OPEN, start__gte=earliest)
            .filter(booked__lt=F("capacity"))
            .order_by("start")
            .first()
        )
        if slot is not None:
            return slot
    return None


def nearest_centres(guide: ServiceGuidePage, lat: float, lng: float, now: dt.datetime | None = None) -> list[Nearby]:
    """The live centres handling `guide`, nearest to (lat, lng) first."""
    now = now or clock.now()
    category = WindowCategory(guide.category)
    today = now.astimezone(TZ).date()
    centres = {link.centre_id: link.centre for link in guide.centre_links.select_related("centre")}
    found = []
    for centre in centres.values():
        if not centre.live:
            continue
        status = centre_hours(centre, today, today + dt.timedelta(days=LOOK_AHEAD_DAYS)).status(
            now, category, search_days=LOOK_AHEAD_DAYS
        )
        found.append(
            Nearby(
                centre=centre,
                distance_km=round(geo.haversine_km(lat, lng, centre.latitude, centre.longitude), 1),
                open_now=status.open,
                next_opening=None if status.open else status.next_opening,
                first_free_slot=first_free_slot(guide, centre, now),
            )
        )
    return sorted(found, key=lambda n: (n.distance_km, n.centre.path))
