"""The website's booking pages under /booking/ — plain forms, POST for every change, no JavaScript.

Choose a guide, a centre and a date with GET (nothing personal in the URL), then POST the slot and
personal details. After booking, or after giving code + ID number on the manage page, the booking
code is remembered in the session, so its pages and .ics file can be reached without the ID number.
"""

import datetime as dt
import json
import secrets

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cms.api.errors import ApiError
from cms.api.idempotency import Idempotency, Replay
from cms.bookings import services
from cms.bookings.calendar_file import booking_ics
from cms.bookings.enums import Channel, Language, SlotState
from cms.bookings.forms import BookForm, LookupForm, RescheduleForm
from cms.bookings.models import Booking, Slot
from cms.bookings.qr import qr_svg
from cms.bookings.services import Actor, Refusal
from cms.bookings.slots import ensure_day
from cms.centres.models import CentrePage
from cms.hours.sources import centre_hours
from cms.personal.keys import keyed_hash
from cms.personal.masking import mask_name, mask_phone
from cms.services.models import ServiceGuidePage
from guides import clock
from guides.enums import WindowCategory
from guides.hours import TZ

SESSION_KEY = "onetrip_bookings"
REMEMBERED = 20


def _remember(request, code: str) -> None:
    codes = [c for c in request.session.get(SESSION_KEY, []) if c != code]
    request.session[SESSION_KEY] = [*codes, code][-REMEMBERED:]


def _remembered(request, code: str) -> Booking:
    code = services.normalise_code(code)
    if code not in request.session.get(SESSION_KEY, []):
        raise Http404
    return Booking.objects.select_related("slot", "slot__centre").get(code=code)


def _language(request) -> str:
    return Language.EN if (request.LANGUAGE_CODE or "").startswith("en") else Language.ZH


def _centres_for(guide: ServiceGuidePage) -> list[CentrePage]:
    return list(CentrePage.objects.live().filter(guide_links__page=guide).distinct().order_by("path"))


def _open_dates(centre: CentrePage, category: str) -> list[dt.date]:
    """Dates inside the booking window on which the category is open at the centre."""
    now = clock.now()
    _, last = services.window(now, services.settings())
    today = now.astimezone(TZ).date()
    hours = centre_hours(centre, today, last)
    days = [today + dt.timedelta(days=n) for n in range((last - today).days + 1)]
    return [d for d in days if hours.periods(d, WindowCategory(category))]


def _slots(centre: CentrePage, category: str, day: dt.date) -> list[Slot]:
    earliest, _ = services.window(clock.now(), services.settings())
    ensure_day(centre, day)
    return list(
        Slot.objects.filter(centre=centre, category=category, date=day, state=SlotState.OPEN, start__gte=earliest)
        .select_related("centre")
        .order_by("start")
    )


def _pick(options, value, key):
    return next((o for o in options if key(o) == value), None)


@require_http_methods(["GET", "POST"])
def book(request):
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
    if request.method == "POST":
        form = BookForm(request.POST)
        slot = Slot.objects.select_related("centre").filter(pk=request.POST.get("slot") or 0).first()
        centre, day = (slot.centre, slot.date) if slot else (None, None)
        if form.is_valid():
            booking = _book(request, guide, form)
            if booking is not None:
                _remember(request, booking.code)
                return redirect("bookings:done", code=booking.code)
    else:
        centre = _pick(centres, request.GET.get("centre"), lambda c: c.code) or (
            centres[0] if len(centres) == 1 else None
        )
        day = None
        if request.GET.get("date"):
            try:
                day = dt.date.fromisoformat(request.GET["date"])
            except ValueError:
                day = None
    dates = _open_dates(centre, guide.category) if centre else []
    day = day if day in dates else None
    slots = _slots(centre, guide.category, day) if day else []
    if form is None:
        form = BookForm(
            initial={"guide": guide.code, "language": _language(request), "form_key": secrets.token_urlsafe(24)}
        )
    context = {
        "guide": guide,
        "category": WindowCategory(guide.category),
        "centres": centres,
        "centre": centre,
        "dates": dates,
        "day": day,
        "slots": slots,
        "form": form,
    }
    return render(request, "bookings/book.html", context)


def _book(request, guide: ServiceGuidePage, form: BookForm) -> Booking | None:
    """Book from a valid form; on refusal, put the reason on the form and return None."""
    data = form.cleaned_data
    payload = {k: data[k] for k in ("slot", "guide", "name", "phone", "id_number", "email", "language")}
    idempotency = Idempotency(data["form_key"], keyed_hash(json.dumps(payload, sort_keys=True, ensure_ascii=False)))
    try:
        first = idempotency.replay(Booking.objects)
        if first is not None:
            return Booking.objects.get(idempotency_key=idempotency.key)
        applicant = services.validate_applicant(
            data["name"], data["phone"], data["id_number"], data["email"], data["language"]
        )
        return services.book(
            data["slot"],
            guide.code,
            applicant,
            Actor(Channel.WEB),
            idempotency=idempotency,
            respond=lambda b: {"code": b.code},
        )
    except Replay:
        return Booking.objects.get(idempotency_key=idempotency.key)
    except ApiError:
        form.add_error(None, "此表单已提交过，请到“我的预约”查看 / this form was already sent; see “My booking”")
    except Refusal as refusal:
        for field, text in refusal.fields.items():
            form.add_error(field if field in form.fields else None, text)
        if not refusal.fields:
            form.add_error(None, refusal.message)
    return None


def _booking_context(booking: Booking) -> dict:
    return {
        "booking": booking,
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
            booking = services.find(form.cleaned_data["code"], form.cleaned_data["id_number"])
        except Refusal as refusal:
            form.add_error(None, refusal.message)
        else:
            _remember(request, booking.code)
            return redirect("bookings:detail", code=booking.code)
    return render(request, "bookings/manage.html", {"form": form})


@require_GET
def detail(request, code: str):
    booking = _remembered(request, code)
    context = _booking_context(booking)
    if booking.live:
        guide = ServiceGuidePage.objects.live().filter(code=booking.guide_code).first()
        centres = _centres_for(guide) if guide else []
        centre = _pick(centres, request.GET.get("centre"), lambda c: c.code) or booking.slot.centre
        dates = _open_dates(centre, booking.category)
        day = None
        if request.GET.get("date"):
            try:
                day = dt.date.fromisoformat(request.GET["date"])
            except ValueError:
                day = None
        day = day if day in dates else None
        slots = [s for s in _slots(centre, booking.category, day) if s.pk != booking.slot_id] if day else []
        context.update({"centres": centres, "centre": centre, "dates": dates, "day": day, "slots": slots})
    return render(request, "bookings/detail.html", context)


@require_POST
def cancel(request, code: str):
    booking = _remembered(request, code)
    try:
        services.cancel(booking, Actor(Channel.WEB))
        messages.success(request, "预约已取消 / the booking is cancelled")
    except Refusal as refusal:
        messages.error(request, refusal.message)
    return redirect("bookings:detail", code=booking.code)


@require_POST
def reschedule(request, code: str):
    booking = _remembered(request, code)
    form = RescheduleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择新的时段 / choose a new slot")
        return redirect("bookings:detail", code=booking.code)
    try:
        services.reschedule(booking, form.cleaned_data["slot"], Actor(Channel.WEB))
        messages.success(request, "已改约，预约码不变 / rescheduled; the booking code stays the same")
    except Refusal as refusal:
        messages.error(request, refusal.message)
    return redirect("bookings:detail", code=booking.code)


@require_GET
def calendar_file(request, code: str):
    booking = _remembered(request, code)
    response = HttpResponse(booking_ics(booking, request.get_host()), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{booking.code}.ics"'
    return response
