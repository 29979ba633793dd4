"""The website's application pages under /apply/ — plain forms, POST for every change, no JavaScript.

After submitting, or after giving receipt + ID number on the status page, the receipt is remembered in
the session, so the status page, supplement form and files can be reached without the ID number (which
never appears in a URL).
"""

import secrets

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cms.applications import services
from cms.applications.api import file_response
from cms.applications.enums import AWAITING_SUPPLEMENT, ApplicantKind, DeliveryMethod, MaterialState
from cms.applications.models import Application
from cms.core.caller import Caller
from cms.core.enums import Channel, Language
from cms.core.errors import limit_page
from cms.core.idempotency import Idempotency
from cms.identity.privacy import NOTICE_VERSION
from cms.personal.masking import mask_name, mask_phone
from cms.services.models import ServiceGuidePage
from guides.refusal import Refusal

SESSION_KEY = "onetrip_applications"
REMEMBERED = 20
PERSONAL_FIELDS = ("name", "id_number", "uscc", "contact_name", "phone", "email", "address")


def _remember(request, receipt: str) -> None:
    receipts = [r for r in request.session.get(SESSION_KEY, []) if r != receipt]
    request.session[SESSION_KEY] = [*receipts, receipt][-REMEMBERED:]


def _remembered(request, receipt: str) -> Application:
    receipt = services.normalise_receipt(receipt)
    if receipt not in request.session.get(SESSION_KEY, []):
        raise Http404
    return Application.objects.select_related("centre", "department", "guide").get(receipt=receipt)


def _language(request) -> str:
    return Language.of(request.LANGUAGE_CODE)


def _caller(request, id_number: str = "") -> Caller:
    return Caller.of(request, Channel.WEB, id_number=id_number)


def _speak(refusal: Refusal) -> tuple[str, dict[str, str]]:
    """A refusal's message and field messages in the page's language."""
    language = translation.get_language() or ""
    return refusal.speak(language), refusal.field_messages(language)


@require_GET
def choose_guide(request):
    guides = (
        ServiceGuidePage.objects.live()
        .filter(channels_online=True, status="active")
        .select_related("department")
        .order_by("category", "code")
    )
    return render(request, "applications/choose_guide.html", {"guides": guides})


def _files(request) -> dict[str, list]:
    return {field: request.FILES.getlist(field) for field in request.FILES}


@require_http_methods(["GET", "POST"])
def apply(request, code: str):
    try:
        form = services.form_for(services.online_guide(code))
    except Refusal:
        raise Http404 from None
    values = {"applicant_kind": form.applicant_kinds[0], "delivery": form.deliveries[0], "language": _language(request)}
    errors: dict[str, str] = {}
    error = ""
    if request.method == "POST":
        values.update({k: request.POST.get(k, "") for k in request.POST if k != "csrfmiddlewaretoken"})
        try:
            application, error, errors = _submit(request, form)
        except Refusal as refusal:  # a limit: the same 429 the API answers
            return limit_page(request, refusal)
        if application is not None:
            _remember(request, application.receipt)
            return redirect("applications:detail", receipt=application.receipt)
    if not values.get("form_key"):
        values["form_key"] = secrets.token_urlsafe(24)
    context = {
        "form": form,
        "guide": form.guide,
        "values": values,
        "errors": errors,
        "error": error,
        "kinds": ApplicantKind,
        "methods": DeliveryMethod,
        "notice_version": NOTICE_VERSION,
    }
    return render(request, "applications/apply.html", context, status=400 if error else 200)


def _submit(request, form) -> tuple[Application | None, str, dict]:
    """Submit from the posted form: (application, "", {}) or (None, message, field errors); a limit raises.
    One key per rendered form: a second submit (double click, back button) gives the same receipt."""
    data = request.POST
    files = _files(request)
    payload = {k: data.get(k, "") for k in ("applicant_kind", *PERSONAL_FIELDS, "delivery", "centre", "consent")}
    payload["files"] = sorted(f"{field}:{f.name}:{f.size}" for field, group in files.items() for f in group)
    caller = _caller(request, data.get("id_number") or data.get("uscc", ""))
    key = data.get("form_key", "")
    try:
        idempotency = Idempotency.of(caller, key if 8 <= len(key) <= 100 else None, payload)
        application, _ = services.submit(form.guide.code, data, files, caller, idempotency)
        return application, "", {}
    except Refusal as refusal:
        if refusal.status == 429:
            raise
        return None, *_speak(refusal)


def _detail_context(application: Application) -> dict:
    materials = list(application.materials.all())
    return {
        "application": application,
        # the application keeps the Chinese name it was made for; the guide may since have gone
        "guide_name_en": application.guide.name_en if application.guide else "",
        "masked_name": mask_name(application.name),
        "masked_phone": mask_phone(application.phone),
        "materials": materials,
        "outstanding": [m for m in materials if m.state in (MaterialState.MISSING, MaterialState.REQUESTED)],
        "awaiting": application.status in AWAITING_SUPPLEMENT,
        "history": application.history.all(),
    }


@require_http_methods(["GET", "POST"])
def lookup(request):
    if request.method != "POST":
        return render(request, "applications/lookup.html", {"error": "", "receipt": ""})
    receipt = request.POST.get("receipt", "")
    try:
        application = services.find(receipt, _caller(request, request.POST.get("id_number", "")))
    except Refusal as refusal:
        if refusal.status == 429:
            return limit_page(request, refusal)
        error, _ = _speak(refusal)
        return render(request, "applications/lookup.html", {"error": error, "receipt": receipt}, status=refusal.status)
    _remember(request, application.receipt)
    return redirect("applications:detail", receipt=application.receipt)


@require_GET
def detail(request, receipt: str):
    return render(request, "applications/detail.html", _detail_context(_remembered(request, receipt)))


@require_POST
def supplement(request, receipt: str):
    application = _remembered(request, receipt)
    try:
        services.supplement(application, _files(request), _caller(request, application.identifier))
    except Refusal as refusal:
        if refusal.status == 429:
            return limit_page(request, refusal)
        context = _detail_context(application)
        context["error"], context["errors"] = _speak(refusal)
        return render(request, "applications/detail.html", context, status=refusal.status)
    messages.success(request, _("The material has been supplied."))
    return redirect("applications:detail", receipt=application.receipt)


@require_GET
def download(request, receipt: str, position: int):
    application = _remembered(request, receipt)
    row = application.materials.filter(position=position).exclude(file="").first()
    if row is None:
        raise Http404
    return file_response(row)
