"""`POST /api/v1/bookings/{code}/check-in`: a booked citizen arrives, and joins the hall's queue. Wired here, above
both, because the booking's check-in (cms/bookings) answers the ticket's place in the queue (cms/hall)."""

import datetime as dt

from ninja import Router, Schema

from cms.bookings import services
from cms.bookings.api import BookingOut, booking_body, optional_id_number
from cms.core.caller import ID_HEADER
from cms.core.errors import ErrorBody
from cms.devices.auth import DeviceTokenAuth, api_caller
from cms.hall import services as hall

router = Router(tags=["bookings"])


class CheckInOut(Schema):
    code: str
    ticket: str
    category: str
    centre: str
    checked_in_at: dt.datetime
    ahead: int  # waiting tickets of the queue called before this one
    estimated_wait_minutes: int | None  # null until the centre has served the category lately
    booking: BookingOut


@router.post(
    "/{code}/check-in",
    auth=DeviceTokenAuth(),
    response={
        200: CheckInOut,
        400: ErrorBody,
        401: ErrorBody,
        403: ErrorBody,
        404: ErrorBody,
        409: ErrorBody,
        429: ErrorBody,
    },
)
def check_in_booking(request, code: str):
    """Arrival at the centre (kiosks of that centre only): a queue ticket for the booking's window category.
    An optional JSON body `{"id_number"}` (or the `X-Id-Number` header) must match the booking; send
    `X-Id-Number-Source: card` when the kiosk read it from the ID card. Rate-limited per kiosk and code.
    `ahead` and `estimated_wait_minutes` are the ticket's place in the hall's queue, as a walk-in's ticket."""
    caller = api_caller(request, optional_id_number(request) or request.headers.get(ID_HEADER, ""))
    booking = services.check_in(code, caller)
    ticket = hall.enqueue_booking(booking, booking.checked_in_at)  # the queue's ticket (made at check-in)
    ahead = hall.ahead_of(ticket)
    return {
        "code": booking.code,
        "ticket": booking.ticket,
        "category": booking.category,
        "centre": booking.slot.centre.code,
        "checked_in_at": booking.checked_in_at,
        "ahead": ahead,
        "estimated_wait_minutes": hall.estimated_wait_minutes(ticket, ahead),
        "booking": booking_body(booking),
    }
