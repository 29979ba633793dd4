"""The website's application pages under /apply/ — plain forms, POST for every change, no JavaScript.

After submitting, or after giving receipt + ID number on the status page, the receipt is remembered in
the session, so the status page, supplement form and files can be reached without the ID number (which
never appears in a URL).
"""

import json
import secrets

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cms.api import ratelimit
from cms.api.errors import ApiError
from cms.api.idempotency import Idempotency, Replay
from cms.applications import services
from cms.applications.api import file_response
from cms.applications.enums import AWAITING_SUPPLEMENT, ApplicantKind, Channel, DeliveryMethod, MaterialState
from cms.applications.models import Application
from cms.applications.services import Actor, Refusal
from cms.personal.keys import keyed_hash
from cms.personal.masking import mask_name, mask_phone
from cms.services.models import ServiceGuidePage

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
    return Application.objects.select_related("centre", "department").get(receipt=receipt)


def _language(request) -> str:
    return "en" if (request.LANGUAGE_CODE or "").startswith("en") else "zh-hans"


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
        application, error, errors = _submit(request, form)
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
    }
    return render(request, "applications/apply.html", context, status=400 if error else 200)


def _submit(request, form) -> tuple[Application | None, str, dict]:
    """Submit from the posted form: (application, "", {}) or (None, message, field errors)."""
    data = request.POST
    files = _files(request)
    # One key per rendered form: a second submit (double click, back button) gives the same receipt.
    payload = {k: data.get(k, "") for k in ("applicant_kind", *PERSONAL_FIELDS, "delivery", "centre")}
    payload["files"] = sorted(f"{field}:{f.name}:{f.size}" for field, group in files.items() for f in group)
    key = data.get("form_key", "")
    idempotency = Idempotency(
        key if 8 <= len(key) <= 100 else None, keyed_hash(json.dumps(payload, sort_keys=True, ensure_ascii=False))
    )
    try:
        if idempotency.key and idempotency.replay(Application.objects) is not None:
            return Application.objects.get(idempotency_key=idempotency.key), "", {}
        application = services.submit(
            form.guide.code,
            data,
            files,
            Actor.submitter(Channel.WEB),
            idempotency=idempotency,
            respond=lambda a: {"receipt": a.receipt},
        )
        return application, "", {}
    except Replay:
        return Application.objects.get(idempotency_key=idempotency.key), "", {}
    except Refusal as refusal:
        return None, refusal.message, refusal.fields
    except ApiError:
        return None, "此表单已提交过，请到“查询办件”查看 / this form was already sent; look it up by receipt", {}


def _detail_context(application: Application) -> dict:
    materials = list(application.materials.all())
    return {
        "application": application,
        "masked_name": mask_name(application.name),
        "masked_phone": mask_phone(application.phone),
        "materials": materials,
        "outstanding": [m for m in materials if m.state in (MaterialState.MISSING, MaterialState.REQUESTED)],
        "awaiting": application.status in AWAITING_SUPPLEMENT,
        "history": application.history.all(),
    }


@require_http_methods(["GET", "POST"])
def lookup(request):
    error = ""
    receipt = ""
    if request.method == "POST":
        receipt = request.POST.get("receipt", "")
        try:
            ratelimit.check("lookup", request, id_number=request.POST.get("id_number", ""))
            application = services.find(receipt, request.POST.get("id_number", ""))
        except ApiError as refusal:  # a Refusal, or the rate limit
            error = refusal.message
            status = refusal.status
        else:
            _remember(request, application.receipt)
            return redirect("applications:detail", receipt=application.receipt)
        return render(request, "applications/lookup.html", {"error": error, "receipt": receipt}, status=status)
    return render(request, "applications/lookup.html", {"error": "", "receipt": ""})


@require_GET
def detail(request, receipt: str):
    return render(request, "applications/detail.html", _detail_context(_remembered(request, receipt)))


@require_POST
def supplement(request, receipt: str):
    application = _remembered(request, receipt)
    try:
        services.supplement(application, _files(request), Actor.submitter(Channel.WEB))
    except Refusal as refusal:
        context = _detail_context(application)
        context.update({"error": refusal.message, "errors": refusal.fields})
        return render(request, "applications/detail.html", context, status=refusal.status)
    messages.success(request, "材料已补交 / the material has been supplied")
    return redirect("applications:detail", receipt=application.receipt)


@require_GET
def download(request, receipt: str, position: int):
    application = _remembered(request, receipt)
    row = application.materials.filter(position=position).exclude(file="").first()
    if row is None:
        raise Http404
    return file_response(row)
