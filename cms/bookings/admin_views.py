"""Staff views in the Wagtail admin: a day's bookings per centre and window, check-in at the window,
and the bookings a closure or holiday left to rebook (who to call)."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from cms.bookings import services
from cms.bookings.enums import BookingStatus
from cms.bookings.models import Booking
from cms.centres.models import CentrePage
from cms.core.caller import Caller
from cms.personal.masking import mask_name, mask_phone
from guides import clock
from guides.enums import WindowCategory
from guides.refusal import Refusal

VIEW = "bookings.view_booking"
CHANGE = "bookings.change_booking"


def _require(request, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


def day_view(request):
    """Today's (or any day's) bookings at one centre, grouped by window category, with check-in state."""
    _require(request, VIEW)
    centres = list(CentrePage.objects.live().order_by("path"))
    centre = next((c for c in centres if c.code == request.GET.get("centre")), centres[0] if centres else None)
    try:
        day = dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        day = clock.today()
    groups = []
    if centre is not None:
        bookings = (
            Booking.objects.filter(slot__centre=centre, slot__date=day)
            .exclude(status=BookingStatus.CANCELLED)
            .select_related("slot")
            .order_by("slot__start", "code")
        )
        by_category: dict[str, list] = {}
        for booking in bookings:
            by_category.setdefault(booking.category, []).append(
                {"booking": booking, "name": mask_name(booking.name), "phone": mask_phone(booking.phone)}
            )
        for category in WindowCategory:
            if category.value in by_category:
                rows = by_category[category.value]
                checked = sum(1 for r in rows if r["booking"].status == BookingStatus.CHECKED_IN)
                groups.append({"category": category, "rows": rows, "checked_in": checked})
    context = {
        "centres": centres,
        "centre": centre,
        "day": day,
        "previous": day - dt.timedelta(days=1),
        "next": day + dt.timedelta(days=1),
        "groups": groups,
        "can_change": request.user.has_perm(CHANGE),
    }
    return TemplateResponse(request, "bookings/admin/day.html", context)


@require_POST
def staff_check_in(request, pk: int):
    """Check-in at the window: staff see the person, so the kiosk's time window does not apply."""
    _require(request, CHANGE)
    booking = get_object_or_404(Booking.objects.select_related("slot", "slot__centre"), pk=pk)
    try:
        booking = services.check_in(booking.code, Caller.staff(request.user, request), enforce_window=False)
        messages.success(
            request, f"{booking.code} 已签到，排队号 {booking.ticket} / checked in, ticket {booking.ticket}"
        )
    except Refusal as refusal:
        messages.error(request, f"{booking.code}: {refusal.message}")
    url = reverse("bookings_day")
    return redirect(f"{url}?centre={booking.slot.centre.code}&date={booking.slot.date:%Y-%m-%d}")


def rebook_view(request):
    """Bookings whose slot was closed: who to notify (name and phone shown to staff who may change bookings)."""
    _require(request, CHANGE)
    bookings = (
        Booking.objects.filter(status=BookingStatus.REBOOK)
        .select_related("slot", "slot__centre")
        .order_by("slot__start", "code")
    )
    centre = request.GET.get("centre")
    if centre:
        bookings = bookings.filter(slot__centre__code=centre)
    rows = [{"booking": b, "notified": bool(b.email)} for b in bookings]
    return TemplateResponse(request, "bookings/admin/rebook.html", {"rows": rows, "centre": centre})
