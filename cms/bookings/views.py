"""The website's booking pages under /booking/ — plain forms, POST for every change, no JavaScript.

Choose a guide, a centre and a date with GET (nothing personal in the URL), then POST the slot and
personal details. After booking, or after giving code + ID number on the manage page, the booking
code is remembered in the session, so its pages and .ics file can be reached without the ID number.
"""

import datetime as dt
import secrets

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cms.bookings import services
from cms.bookings.calendar_file import booking_ics
from cms.bookings.forms import BookForm, LookupForm, RescheduleForm, SignedInBookForm
from cms.bookings.models import Booking, Slot
from cms.bookings.qr import qr_svg
from cms.centres.models import CentrePage
from cms.core.caller import Caller
from cms.core.enums import Channel, Language
from cms.core.errors import limit_page
from cms.core.idempotency import Idempotency
from cms.identity import codes
from cms.identity.privacy import NOTICE_VERSION
from cms.identity.session import signed_in
from cms.personal.masking import mask_name, mask_phone
from cms.services.models import ServiceGuidePage
from guides import applicants
from guides.codes import normalise
from guides.enums import WindowCategory
from guides.refusal import Refusal

SESSION_KEY = "onetrip_bookings"
REMEMBERED = 20


def _remember(request, code: str) -> None:
    codes = [c for c in request.session.get(SESSION_KEY, []) if c != code]
    request.session[SESSION_KEY] = [*codes, code][-REMEMBERED:]


def _remembered(request, code: str) -> Booking:
    code = normalise(code)
    if code not in request.session.get(SESSION_KEY, []):
        raise Http404
    return Booking.objects.select_related("slot", "slot__centre").get(code=code)


def _language(request) -> str:
    return Language.of(request.LANGUAGE_CODE)


def _caller(request, id_number: str = "") -> Caller:
    return Caller.of(request, Channel.WEB, id_number=id_number)


def _signed_in_caller(request, identity) -> Caller:
    """A signed-in person: their identity provider vouched for the ID number (proven)."""
    return Caller.of(request, Channel.WEB, id_number=identity.identifier, proven=True)


def _speak(refusal: Refusal) -> str:
    return refusal.speak(translation.get_language() or "")


def _put_on_form(form, refusal: Refusal) -> None:
    """A refusal's messages on the fields they concern, in the page's language; the rest above the form."""
    for field, text in refusal.field_messages(translation.get_language() or "").items():
        form.add_error(field if field in form.fields else None, text)
    if not refusal.fields:
        form.add_error(None, _speak(refusal))


def _centres_for(guide: ServiceGuidePage) -> list[CentrePage]:
    return list(CentrePage.objects.live().filter(guide_links__page=guide).distinct().order_by("path"))


def _posted_slot(request) -> Slot | None:
    """The slot the form names (to show the same centre and day again), or None if it names none."""
    try:
        return services.get_slot(int(request.POST.get("slot", "")))
    except (ValueError, Refusal):
        return None


def _pick(options, value, key):
    return next((o for o in options if key(o) == value), None)


@require_http_methods(["GET", "POST"])
def book(request):
    try:
        return _book_page(request)
    except Refusal as refusal:  # a limit or the slot-release throttle: the same 429 the API answers
        if refusal.status == 429:
            return limit_page(request, refusal)
        raise


def _chosen(request, centres):
    return _chosen_from(request.GET, centres)


def _chosen_from(source, centres):
    """The centre and day a link or form chose (the only centre, if there is one); a malformed date is none."""
    centre = _pick(centres, source.get("centre"), lambda c: c.code) or (centres[0] if len(centres) == 1 else None)
    try:
        day = dt.date.fromisoformat(source.get("date") or "")
    except ValueError:
        day = None
    return centre, day


# Day parts of the slot grid: before noon, the midday break (错时), afternoon, after work (延时).
DAY_PARTS = (
    (dt.time(11, 30), gettext_lazy("Morning")),
    (dt.time(13, 30), gettext_lazy("Midday")),
    (dt.time(17, 30), gettext_lazy("Afternoon")),
    (dt.time(23, 59, 59), gettext_lazy("Evening")),
)


def _day_parts(slots) -> list[tuple[str, list]]:
    """The slots grouped by part of the day, in order, empty parts left out."""
    groups: dict[int, list] = {}
    for slot in slots:
        start = timezone.localtime(slot.start).time()
        part = next(i for i, (end, _label) in enumerate(DAY_PARTS) if start < end)
        groups.setdefault(part, []).append(slot)
    return [(DAY_PARTS[part][1], group) for part, group in sorted(groups.items())]


def _book_page(request):
    source = request.POST if request.method == "POST" else request.GET
    guide_code = (source.get("guide") or "").upper()
    if not guide_code:
        # From a centre page ("book here"): only that centre's bookable guides, and the centre stays chosen.
        guides = ServiceGuidePage.objects.live().filter(channels_appointment=True).order_by("category", "code")
        centre = CentrePage.objects.live().filter(code=source.get("centre") or "").first()
        if centre is not None:
            guides = guides.filter(centre_links__centre=centre).distinct()
        return render(request, "bookings/choose_guide.html", {"guides": guides, "centre": centre})
    try:
        guide = services.bookable_guide(guide_code)
    except Refusal:
        raise Http404 from None
    centres = _centres_for(guide)
    form = None
    identity = signed_in(request)
    form_class = SignedInBookForm if identity else BookForm
    if request.method == "POST":
        form = form_class(request.POST)
        slot = _posted_slot(request)
        # No slot chosen: the same centre and day again (hidden on the form), so nothing typed is lost.
        centre, day = (slot.centre, slot.date) if slot else _chosen_from(request.POST, centres)
        if "send_code" in request.POST and identity is None:
            if _send_code(request, form):  # sent: the form again as filled, without other fields' errors yet
                form = form_class(initial=request.POST.dict())
        elif form.is_valid():
            booking = _book(request, guide, form, identity)
            if booking is not None:
                _remember(request, booking.code)
                return redirect("bookings:done", code=booking.code)
    else:
        centre, day = _chosen(request, centres)
    dates = services.open_dates(centre, guide.category) if centre else []
    day = day if day in dates else None
    slots = services.open_slots(guide, centre, day, _caller(request)) if day else []
    if form is None:
        form = form_class(initial={"guide": guide.code, "form_key": secrets.token_urlsafe(24)})
    _describe_errors(form)
    if not settings.PHONE_CODES:  # typed ID numbers need no texted code yet (cms/identity/proof.py)
        form.fields.pop("phone_code", None)
    context = {
        "guide": guide,
        "category": WindowCategory(guide.category),
        "centres": centres,
        "centre": centre,
        "dates": dates,
        "day": day,
        "slots": slots,
        "day_parts": _day_parts(slots),
        "form": form,
        "identity": identity,
        "phone_codes": settings.PHONE_CODES,
        "chosen": (form.data or form.initial).get("slot"),
        "notice_version": NOTICE_VERSION,
    }
    return render(request, "bookings/book.html", context, status=400 if form.errors else 200)


def _describe_errors(form) -> None:
    """Each message next to its field is read out with the field."""
    for name in form.errors:
        if name in form.fields and not form.fields[name].widget.is_hidden:
            form.fields[name].widget.attrs |= {"aria-describedby": f"id_{name}-error", "aria-invalid": "true"}


def _send_code(request, form) -> bool:
    """Text a code to the phone on the form (a limit: raise it, the 429 page); whether it was sent."""
    try:
        minutes = codes.send(request.POST.get("phone", ""), _caller(request))
    except Refusal as refusal:
        if refusal.status == 429:
            raise
        form.errors.clear()  # only why no code was sent
        _put_on_form(form, refusal)
        return False
    sent = _("A code was sent to the phone; it is valid for %(minutes)d minutes.") % {"minutes": minutes}
    messages.info(request, sent)
    return True


def _book(request, guide: ServiceGuidePage, form, identity=None) -> Booking | None:
    """Book from a valid form; on refusal, put the reason on the form and return None (a limit: raise it).
    One key per rendered form: a second submit (double click, back button) gives the same booking.
    A signed-in person books as who their identity provider says they are."""
    data = dict(form.cleaned_data)
    if identity is not None:
        data |= {"name": identity.name, "phone": identity.phone, "id_number": identity.identifier}
    payload = {k: data[k] for k in ("slot", "guide", "name", "phone", "id_number", "email")}
    language = _language(request)  # the page's: its mails speak the language it was booked in
    caller = _signed_in_caller(request, identity) if identity else _caller(request, data["id_number"])
    try:
        if identity is None:
            caller = codes.confirmed(caller, data["phone"], data.get("phone_code", ""))
        idempotency = Idempotency.of(caller, data["form_key"], payload)
        applicant = applicants.applicant(data["name"], data["id_number"], data["phone"], data["email"])
        consent = data.get("consent", "")
        booking, _ = services.book(data["slot"], guide.code, applicant, caller, language, idempotency, consent=consent)
        return booking
    except Refusal as refusal:
        if refusal.status == 429:
            raise
        _put_on_form(form, refusal)
    return None


def _booking_context(booking: Booking) -> dict:
    guide = ServiceGuidePage.objects.filter(code=booking.guide_code).only("name_en").first()
    return {
        "booking": booking,
        "guide_name_en": guide.name_en if guide else "",  # the booking keeps the Chinese name it was made for
        "masked_name": mask_name(booking.name),
        "masked_phone": mask_phone(booking.phone),
        "qr": qr_svg(booking.code),
        "category": WindowCategory(booking.category),
    }


@require_GET
def done(request, code: str):
    return render(request, "bookings/done.html", _booking_context(_remembered(request, code)))


@require_http_methods(["GET", "POST"])
def manage(request):
    form = LookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            booking = services.find(form.cleaned_data["code"], _caller(request, form.cleaned_data["id_number"]))
        except Refusal as refusal:
            if refusal.status == 429:
                return limit_page(request, refusal)
            _put_on_form(form, refusal)
        else:
            _remember(request, booking.code)
            return redirect("bookings:detail", code=booking.code)
    return render(request, "bookings/manage.html", {"form": form}, status=400 if form.errors else 200)


@require_GET
def detail(request, code: str):
    booking = _remembered(request, code)
    context = _booking_context(booking)
    if booking.live:
        guide = ServiceGuidePage.objects.live().filter(code=booking.guide_code).first()
        centres = _centres_for(guide) if guide else []
        centre = _pick(centres, request.GET.get("centre"), lambda c: c.code) or booking.slot.centre
        dates = services.open_dates(centre, booking.category)
        day = None
        if request.GET.get("date"):
            try:
                day = dt.date.fromisoformat(request.GET["date"])
            except ValueError:
                day = None
        day = day if day in dates else None
        slots = []
        if day and guide is not None:
            try:
                slots = [
                    s for s in services.open_slots(guide, centre, day, _caller(request)) if s.pk != booking.slot_id
                ]
            except Refusal as refusal:
                return limit_page(request, refusal)
        context.update({"centres": centres, "centre": centre, "dates": dates, "day": day, "slots": slots})
    return render(request, "bookings/detail.html", context)


def _change(request, booking: Booking, change, done: str):
    """Apply a change for the holder of a remembered booking: a limit answers 429, other refusals a message."""
    try:
        change()
    except Refusal as refusal:
        if refusal.status == 429:
            return limit_page(request, refusal)
        messages.error(request, _speak(refusal))
    else:
        messages.success(request, done)
    return redirect("bookings:detail", code=booking.code)


def confirm_cancel(request, booking: Booking, action: str, back: str):
    """Cancelling asks once more (a page, no script): the booking and a button that cancels it for real."""
    context = _booking_context(booking) | {"action": action, "back": back}
    return render(request, "bookings/cancel_confirm.html", context)


@require_POST
def cancel(request, code: str):
    booking = _remembered(request, code)
    if request.POST.get("confirm") != "1" and booking.live:
        return confirm_cancel(request, booking, request.path, reverse("bookings:detail", args=[booking.code]))
    caller = _caller(request, booking.id_number)
    return _change(request, booking, lambda: services.cancel(booking, caller), _("The booking is cancelled."))


@require_POST
def reschedule(request, code: str):
    booking = _remembered(request, code)
    form = RescheduleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a new time."))
        return redirect("bookings:detail", code=booking.code)
    caller = _caller(request, booking.id_number)
    return _change(
        request,
        booking,
        lambda: services.reschedule(booking, form.cleaned_data["slot"], caller),
        _("Rescheduled: the booking code stays the same."),
    )


@require_GET
def calendar_file(request, code: str):
    booking = _remembered(request, code)
    response = HttpResponse(booking_ics(booking), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{booking.code}.ics"'
    return response
