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

from cms.applications import drafts, services, uploads
from cms.applications.api import file_response
from cms.applications.enums import AWAITING_SUPPLEMENT, ApplicantKind, DeliveryMethod, MaterialState
from cms.applications.models import Application
from cms.core.caller import Caller
from cms.core.enums import Channel, Language
from cms.core.errors import limit_page
from cms.core.idempotency import Idempotency
from cms.identity.privacy import NOTICE_VERSION, has_consented, refusal_for
from cms.identity.session import signed_in
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


# Where the error summary's links lead: each field's own control (a choice of radios: its first).
ANCHORS = {
    "applicant_kind": "f-applicant_kind",
    "name": "f-name",
    "id_number": "f-id",
    "uscc": "f-uscc",
    "contact_name": "f-contact",
    "phone": "f-phone",
    "email": "f-email",
    "delivery": "f-delivery",
    "centre": "f-centre",
    "address": "f-address",
    "consent": "consent",  # forms/_consent.html
}
TYPED = ("applicant_kind", *PERSONAL_FIELDS, "delivery", "centre", "language", "form_key", "consent")
LAST_KEY = "onetrip_apply_submitted"  # {guide code: receipt}: a second click on "submit" finds the first's


def _online_form(code: str) -> services.ApplicationForm:
    try:
        return services.form_for(services.online_guide(code))
    except Refusal:
        raise Http404 from None


def _anchor(field: str) -> str:
    return ANCHORS.get(field, f"f-{field}")


def _asks_consent(request) -> bool:
    """The notice's box is on the form unless the applicant signed in and agreed to this notice then."""
    identity = signed_in(request)
    return identity is None or not has_consented(identity)


def _problems(request, form, draft: drafts.Draft) -> dict[str, str]:
    """Every field that is wrong or missing in the draft, with its message in the page's language."""
    language = translation.get_language() or ""
    errors: dict[str, str] = {}
    try:
        services.validate_applicant(form, draft.values)
    except Refusal as refusal:
        errors.update(refusal.field_messages(language))
    if _asks_consent(request) and (refusal := refusal_for(draft.values.get("consent", ""))):
        errors.update(refusal.field_messages(language))
    missing = services.missing_materials(form, draft.values, set(draft.files))
    errors.update({f: text.speak(language) for f, text in missing.items()})
    return errors


def _keep_posted_files(request, form, draft: drafts.Draft) -> dict[str, str]:
    """Check the files chosen this time and keep those that pass (replacing the one kept before for the same
    material); drop the kept ones the applicant removed. Each refused file's message, by field."""
    language = translation.get_language() or ""
    for slot in form.asked:
        if request.POST.get(f"{slot.field}_remove"):
            drafts.forget_file(draft, slot.field)
    files = {f: group for f, group in _files(request).items() if any(u.size or u.name for u in group)}
    if not files:
        return {}
    try:
        checked, refused = uploads.check_each(files, form.fields)
    except uploads.UploadError as refusal:  # the request's own caps: nothing of it kept
        return refusal.field_messages(language)
    for field, file in checked.items():
        drafts.keep(request, draft, field, file)
    return {field: error.speak(language) for field, error in refused.items()}


def _form_page(request, form, draft: drafts.Draft, errors: dict[str, str], status: int = 200):
    values = {
        "applicant_kind": form.applicant_kinds[0],
        "delivery": form.deliveries[0],
        "language": _language(request),
        **draft.values,
    }
    if not values.get("form_key"):
        values["form_key"] = secrets.token_urlsafe(24)
    context = {
        "form": form,
        "guide": form.guide,
        "values": values,
        "errors": errors,
        "summary": [(_anchor(field), message) for field, message in errors.items()],
        "rows": services.material_rows(form, values, errors, draft.files),
        "keep_id": True,  # typed in this session, kept sealed (drafts.py)
        "kinds": ApplicantKind,
        "methods": DeliveryMethod,
        "notice_version": NOTICE_VERSION if _asks_consent(request) else "",
    }
    return render(request, "applications/apply.html", context, status=status)


@require_http_methods(["GET", "POST"])
def apply(request, code: str):
    """The form. Sent with every field right, the answers are kept and the applicant checks them before
    submitting (`check`); sent with errors, it comes back with every answer and every accepted file kept."""
    form = _online_form(code)
    draft = drafts.load(request, form.guide.code)
    if request.method != "POST":
        return _form_page(request, form, draft, {})
    try:
        services.refuse_spent_caller(_caller(request))  # before the upload is read
    except Refusal as refusal:
        return limit_page(request, refusal)
    draft.values = {k: request.POST.get(k, "") for k in TYPED if k in request.POST} | {
        s.not_needed_field: request.POST.get(s.not_needed_field, "") for s in form.asked if s.not_needed_when
    }
    refused = _keep_posted_files(request, form, draft)
    errors = _problems(request, form, draft) | refused
    drafts.save(request, draft)
    if errors:
        return _form_page(request, form, draft, errors, status=400)
    return redirect("applications:check", code=form.guide.code)


def _answers(form, draft: drafts.Draft) -> dict:
    """What the check page lists: the applicant, each material and the delivery, as given."""
    values = draft.values
    not_needed = services.not_needed_in_case(form, values)
    materials = []
    for slot in form.materials:
        kept = draft.files.get(slot.field)
        materials.append({"slot": slot, "kept": kept, "not_needed": slot.field in not_needed})
    centre = next((c for c in form.centres if c.code == (values.get("centre") or "").strip().lower()), None)
    if centre is None and len(form.centres) == 1 and values.get("delivery") == DeliveryMethod.PICKUP:
        centre = form.centres[0]
    return {"values": values, "materials": materials, "centre": centre}


@require_http_methods(["GET", "POST"])
def check(request, code: str):
    """Check your answers: every answer and file with a link back to change it, then submit."""
    form = _online_form(code)
    draft = drafts.load(request, form.guide.code)
    if not draft.values:
        receipt = request.session.get(LAST_KEY, {}).get(form.guide.code)
        if receipt and receipt in request.session.get(SESSION_KEY, []):  # submitted already (a second click)
            return redirect("applications:done", receipt=receipt)
        return redirect("applications:apply", code=form.guide.code)
    if errors := _problems(request, form, draft):
        return _form_page(request, form, draft, errors, status=400)
    if request.method == "POST":
        try:
            application, error, errors = _submit(request, form, draft)
        except Refusal as refusal:  # a limit: the same 429 the API answers
            return limit_page(request, refusal)
        if application is None:
            return _form_page(request, form, draft, errors or {"form": error}, status=400)
        drafts.clear(request, form.guide.code)
        _remember(request, application.receipt)
        request.session[LAST_KEY] = {**request.session.get(LAST_KEY, {}), form.guide.code: application.receipt}
        return redirect("applications:done", receipt=application.receipt)
    context = {"form": form, "guide": form.guide, "kinds": ApplicantKind, **_answers(form, draft)}
    return render(request, "applications/check.html", context)


def _submit(request, form, draft: drafts.Draft) -> tuple[Application | None, str, dict]:
    """Submit the checked draft: (application, "", {}) or (None, message, field errors); a limit raises.
    One key per form: a second submit (double click, back button) gives the same receipt."""
    data = draft.values
    payload = {k: data.get(k, "") for k in ("applicant_kind", *PERSONAL_FIELDS, "delivery", "centre", "consent")}
    payload["files"] = sorted(f"{field}:{f.name}:{f.size}:{f.sha256}" for field, f in draft.files.items())
    caller = _caller(request, data.get("id_number") or data.get("uscc", ""))
    key = data.get("form_key", "")
    try:
        idempotency = Idempotency.of(caller, key if 8 <= len(key) <= 100 else None, payload)
        application, _ = services.submit(form.guide.code, data, {}, caller, idempotency, kept=draft.loaded_files())
        return application, "", {}
    except Refusal as refusal:
        if refusal.status == 429:
            raise
        return None, *_speak(refusal)


@require_GET
def done(request, receipt: str):
    """The confirmation: the receipt, what happens next and by when, and where to follow it."""
    application = _remembered(request, receipt)
    context = _detail_context(application)
    context["signed_in"] = signed_in(request) is not None
    return render(request, "applications/done.html", context)


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
