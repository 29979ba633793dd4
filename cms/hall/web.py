"""The website's ticket for today (网上取号): a walk-in takes a place in a centre's queue from their phone and is
texted when three are ahead. Plain form, POST for every change; the rules are the service layer's."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from cms.centres.models import CentrePage
from cms.core.caller import Caller
from cms.core.enums import Channel
from cms.core.errors import limit_page
from cms.hall import services
from cms.hall.enums import PICKUP, queue_of
from cms.identity import codes
from guides.enums import WindowCategory
from guides.refusal import Refusal


class WebTicketForm(forms.Form):
    category = forms.ChoiceField(label=gettext_lazy("Window"), choices=())
    phone = forms.CharField(label=gettext_lazy("Mobile phone"), max_length=20)
    phone_code = forms.CharField(
        label=gettext_lazy("Text-message code (press “Send code” to get one)"),
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    receipt = forms.CharField(
        label=gettext_lazy("Receipt (only to collect a finished result)"), max_length=24, required=False
    )
    id_number = forms.CharField(
        label=gettext_lazy("ID number of the applicant (only to collect a finished result)"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        english = translation.get_language() == "en"
        self.fields["category"].choices = [
            *((c.slug, c.label_en if english else c.value) for c in WindowCategory),
            (
                PICKUP.slug,
                _("Collect a finished result") if english else f"{PICKUP}（{_('Collect a finished result')}）",
            ),
        ]


def _put_on_form(form, refusal: Refusal) -> None:
    language = translation.get_language() or ""
    for field, text in refusal.field_messages(language).items():
        form.add_error(field if field in form.fields else None, text)
    if not refusal.fields:
        form.add_error(None, refusal.speak(language))


@never_cache
@require_http_methods(["GET", "POST"])
def web_ticket(request, centre: str):
    page = get_object_or_404(CentrePage.objects.live(), code=centre)
    form = WebTicketForm(request.POST or None, initial={"category": request.GET.get("category", "")})
    caller = Caller.of(request, Channel.WEB, id_number=request.POST.get("id_number", ""))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if request.POST.get("action") == "send-code":
                minutes = codes.send(data["phone"], caller)
                sent = _("A code was sent to the phone; it is valid for %(minutes)d minutes.")
                messages.info(request, sent % {"minutes": minutes})
            else:
                ticket = services.take_web_ticket(
                    page.code, data["category"], data["phone"], data["phone_code"], caller, receipt=data["receipt"]
                )
                ahead = services.ahead_of(ticket)
                context = {
                    "centre": page,
                    "ticket": ticket,
                    "category": queue_of(ticket.category),
                    "ahead": ahead,
                    "wait": services.estimated_wait_minutes(ticket, ahead),
                    "notify_ahead": services.NOTIFY_AHEAD,
                }
                return render(request, "hall/web_ticket_done.html", context, status=201)
        except Refusal as refusal:
            if refusal.status == 429:
                return limit_page(request, refusal)
            _put_on_form(form, refusal)
    status = 400 if form.errors else 200
    return render(request, "hall/web_ticket.html", {"centre": page, "form": form}, status=status)
