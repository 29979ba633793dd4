"""我的预约 · 我的办件: a signed-in citizen's or company's bookings and applications, acted on without codes.

Bookings are every one in the identity's name, including those a *claimed* caller made by typing its ID number
(shown as unverified): the person can cancel them here. Opening one remembers its code in the session, so the
booking's and application's own pages (reschedule, calendar file, supplement) work as after a lookup.
"""

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cms.applications import services as application_services
from cms.applications import views as application_pages
from cms.applications.models import Application
from cms.bookings import services as bookings
from cms.bookings import views as booking_pages
from cms.core.caller import Caller
from cms.core.enums import Channel
from cms.core.errors import limit_page
from cms.identity.session import signed_in
from cms.people import data
from guides.codes import normalise
from guides.refusal import Refusal


def _identity_or_sign_in(request):
    identity = signed_in(request)
    if identity is None:
        return None, redirect(f"{reverse('identity:sign_in')}?{urlencode({'next': request.path})}")
    return identity, None


def caller_of(request, identity) -> Caller:
    return Caller.of(request, Channel.WEB, id_number=identity.identifier, proven=True)


@require_GET
def my_bookings(request):
    identity, elsewhere = _identity_or_sign_in(request)
    if elsewhere:
        return elsewhere
    rows = bookings.in_name_of(identity.key).order_by("-slot__start")
    return render(request, "people/my_bookings.html", {"identity": identity, "bookings": rows})


def _mine(identity, code: str):
    booking = bookings.in_name_of(identity.key).filter(code=normalise(code)).first()
    if booking is None:
        raise Http404
    return booking


@require_POST
def open_booking(request, code: str):
    identity, elsewhere = _identity_or_sign_in(request)
    if elsewhere:
        return elsewhere
    booking = _mine(identity, code)
    booking_pages._remember(request, booking.code)
    return redirect("bookings:detail", code=booking.code)


@require_POST
def cancel_booking(request, code: str):
    identity, elsewhere = _identity_or_sign_in(request)
    if elsewhere:
        return elsewhere
    booking = _mine(identity, code)
    if request.POST.get("confirm") != "1" and booking.live:
        return booking_pages.confirm_cancel(request, booking, request.path, reverse("identity_my:bookings"))
    try:
        bookings.cancel(booking, caller_of(request, identity))
    except Refusal as refusal:
        if refusal.status == 429:
            return limit_page(request, refusal)
        messages.error(request, refusal.speak(translation.get_language() or ""))
    else:
        messages.success(request, _("The booking is cancelled."))
    return redirect("identity_my:bookings")


@require_GET
def my_applications(request):
    identity, elsewhere = _identity_or_sign_in(request)
    if elsewhere:
        return elsewhere
    rows = Application.objects.filter(identifier_key=identity.key).order_by("-created_at")
    return render(request, "people/my_applications.html", {"identity": identity, "applications": rows})


@require_POST
def open_application(request, receipt: str):
    identity, elsewhere = _identity_or_sign_in(request)
    if elsewhere:
        return elsewhere
    receipt = application_services.normalise_receipt(receipt)
    application = Application.objects.filter(identifier_key=identity.key, receipt=receipt).first()
    if application is None:
        raise Http404
    application_pages._remember(request, application.receipt)
    return redirect("applications:detail", receipt=application.receipt)


@require_GET
def my_data(request):
    """What is held about the signed-in person, as a JSON download."""
    identity = signed_in(request)
    if identity is None:
        return redirect(f"{reverse('identity:sign_in')}?next={reverse('identity_my:data')}")
    response = JsonResponse(data.held_about(identity), json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = 'attachment; filename="onetrip-my-data.json"'
    return response
