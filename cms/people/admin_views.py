"""Staff look-up of a person (Wagtail admin): the bookings in the name of an ID number and the bar on it, with a
reason given for each look; lift a bar or cancel a booking with a reason. Every look and change goes into the
access log (`StaffAccess`). The ID number travels only in POST bodies, never in a URL."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from cms.bookings import services as bookings
from cms.bookings.models import Person
from cms.core.caller import Caller
from cms.identity.models import StaffAccess
from cms.identity.proof import phone_key
from cms.personal.keys import keyed_hash
from cms.personal.masking import mask_identifier, mask_name, mask_phone
from guides import clock
from guides.applicants import FieldError, check_identifier
from guides.refusal import Refusal

VIEW = "bookings.view_booking"
CHANGE = "bookings.change_booking"


class LookUpForm(forms.Form):
    id_number = forms.CharField(label="证件号 ID number or credit code", max_length=30)
    reason = forms.CharField(
        label="事由 reason (logged)",
        min_length=4,
        max_length=200,
        help_text="例如：窗口核实本人预约 / e.g. at the window",
    )
    action = forms.ChoiceField(
        choices=[(StaffAccess.LOOK_UP, ""), (StaffAccess.LIFT_BAR, ""), (StaffAccess.CANCEL, "")],
        initial=StaffAccess.LOOK_UP,
        widget=forms.HiddenInput,
    )
    booking = forms.CharField(required=False, max_length=12, widget=forms.HiddenInput)

    def clean_id_number(self):
        try:
            return check_identifier(self.cleaned_data["id_number"])[1]
        except FieldError as error:
            raise forms.ValidationError(f"{error.text.zh} / {error.text.en}") from None


def _log(request, identifier: str, action: str, reason: str, detail: str = "") -> None:
    StaffAccess.objects.create(
        at=clock.now(),
        user=request.user,
        username=request.user.get_username(),
        subject_key=keyed_hash(identifier),
        subject_masked=mask_identifier(identifier),
        action=action,
        reason=reason,
        detail=detail,
    )


def _act(request, identifier: str, data: dict) -> None:
    action, reason = data["action"], data["reason"]
    if action == StaffAccess.LOOK_UP:
        return
    if not request.user.has_perm(CHANGE):
        raise PermissionDenied
    if action == StaffAccess.LIFT_BAR:
        lifted = Person.objects.filter(key=keyed_hash(identifier), barred_until__isnull=False).update(barred_until=None)
        _log(request, identifier, action, reason)
        messages.success(request, "已解除预约限制 / the bar is lifted" if lifted else "没有预约限制 / no bar to lift")
        return
    booking = bookings.in_name_of(keyed_hash(identifier)).filter(code=(data["booking"] or "").upper()).first()
    if booking is None:
        messages.error(request, "该证件号名下无此预约 / no such booking in this name")
        return
    try:
        bookings.cancel(booking, Caller.staff(request.user, request), reason=f"{request.user.get_username()}: {reason}")
    except Refusal as refusal:
        messages.error(request, refusal.message)
        return
    _log(request, identifier, action, reason, detail=booking.code)
    messages.success(request, f"已取消预约 {booking.code} / booking cancelled")


@require_http_methods(["GET", "POST"])
def person_view(request):
    if not request.user.has_perm(VIEW):
        raise PermissionDenied
    form = LookUpForm(request.POST or None)
    context = {"form": form, "can_change": request.user.has_perm(CHANGE)}
    if request.method == "POST" and form.is_valid():
        identifier, data = form.cleaned_data["id_number"], form.cleaned_data
        _act(request, identifier, data)
        _log(request, identifier, StaffAccess.LOOK_UP, data["reason"])
        key = keyed_hash(identifier)
        person = Person.objects.filter(key=key).first()
        rows = []
        for booking in bookings.in_name_of(key).order_by("-slot__start"):
            phone_barred = Person.objects.filter(
                key=phone_key(booking.phone), barred_until__gt=clock.now()
            ).values_list("barred_until", flat=True)
            rows.append(
                {
                    "booking": booking,
                    "name": mask_name(booking.name),
                    "phone": mask_phone(booking.phone),
                    "phone_barred_until": phone_barred.first() if booking.holder.proof == "claimed" else None,
                }
            )
        context |= {
            "identifier": identifier,
            "masked": mask_identifier(identifier),
            "barred_until": person.barred_until
            if person and person.barred_until and person.barred_until > clock.now()
            else None,
            "rows": rows,
            "reason": data["reason"],
            "log": StaffAccess.objects.filter(subject_key=key)[:20],
        }
    return TemplateResponse(request, "people/admin/person.html", context)
