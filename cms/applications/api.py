"""`/api/v1/applications` (DESIGN.md §6): submit (multipart), status and history, supplements, files.

The ID number travels in the `X-Id-Number` header (or a form field), never in a URL; answers show it
masked. Kiosks send their device token; every POST that creates something takes an `Idempotency-Key`.
"""

import hashlib

from django.http import FileResponse, HttpResponse
from ninja import Router, Schema, Status

from cms.applications import services, uploads
from cms.applications.enums import ApplicationStatus
from cms.applications.models import Application, ApplicationMaterial
from cms.core.caller import ID_HEADER
from cms.core.errors import ErrorBody
from cms.core.i18n import in_language
from cms.core.idempotency import HEADER, REPLAYED_HEADER, Idempotency
from cms.devices.access import WriteAccess
from cms.devices.auth import api_caller
from cms.personal.masking import mask_name, mask_phone
from guides.hours import TZ
from guides.refusal import Refusal, Text

router = Router(tags=["applications"])


def _iso(value):
    return value.astimezone(TZ).isoformat() if value else None


def _day(value):
    # Plain strings: the body is also kept in a JSONField for Idempotency-Key replays.
    return value.isoformat() if value else None


def material_body(row: ApplicationMaterial) -> dict:
    return {
        "position": row.position,
        "field": f"material_{row.position}",
        "name": row.name,
        "name_en": row.name_en,
        "necessity": row.necessity,
        "state": row.state,
        "file": {"name": row.file_name, "content_type": row.content_type, "size": row.size} if row.file else None,
    }


def application_body(application: Application) -> dict:
    """The application as the applicant may see it: status, history, materials; personal data masked."""
    centre = application.centre
    return {
        "receipt": application.receipt,
        "status": application.status,
        # both languages, as every text the API gives (the caller picks one)
        "status_label": in_language(ApplicationStatus(application.status).label, "zh-hans"),
        "status_label_en": in_language(ApplicationStatus(application.status).label, "en"),
        "guide": {"code": application.guide_code, "name": application.guide_name, "name_en": application.guide_name_en},
        "department": application.department.name,
        "department_en": application.department.name_en,
        "applicant": {
            "kind": application.applicant_kind,
            "name": mask_name(application.name),
            "id_number": application.identifier_masked,
            "phone": mask_phone(application.phone),
        },
        "delivery": {
            "method": application.delivery,
            "centre": {"id": centre.code, "name": centre.title, "name_en": centre.name_en} if centre else None,
            "address": "已填写 / given" if application.address else "",
            "tracking_number": application.tracking_number,
        },
        "reason": application.reason,
        "supplement_deadline": _day(application.supplement_deadline),
        "accepted_on": _day(application.accepted_on),
        "due_date": _day(application.due_date),
        "submitted_at": _iso(application.created_at),
        "materials": [material_body(m) for m in application.materials.all()],
        "history": [
            {
                "at": _iso(c.at),
                "from": c.from_status or None,
                "to": c.to_status,
                "by": "staff" if c.user_id else c.by,
                "reason": c.reason,
            }
            for c in application.history.all()
        ],
    }


class FormMaterial(Schema):
    field: str | None
    position: int
    name: str
    name_en: str
    necessity: str
    asked: bool
    from_licence_library: bool
    notes: str
    not_needed_when: str
    not_needed_when_en: str
    not_needed_field: str | None


class FormCentre(Schema):
    id: str
    name: str
    name_en: str


class FormOut(Schema):
    guide: str
    name: str
    name_en: str
    applicant_kinds: list[str]
    deliveries: list[str]
    centres: list[FormCentre]
    materials: list[FormMaterial]
    max_file_bytes: int
    max_total_bytes: int
    content_types: list[str]


@router.get("/forms/{code}", response={200: FormOut, 400: ErrorBody, 404: ErrorBody})
def application_form(request, code: str):
    """What the guide's application form asks for: one upload field per material the applicant provides
    (e-licence materials are fetched and not asked), applicant kinds, delivery options and centres."""
    from django.conf import settings

    form = services.form_for(services.online_guide(code))
    return {
        "guide": form.guide.code,
        "name": form.guide.title,
        "name_en": form.guide.name_en,
        "applicant_kinds": form.applicant_kinds,
        "deliveries": form.deliveries,
        "centres": [{"id": c.code, "name": c.title, "name_en": c.name_en} for c in form.centres],
        "materials": [
            {
                "field": m.field if m.asked else None,
                "position": m.position,
                "name": m.name,
                "name_en": m.name_en,
                "necessity": m.necessity,
                "asked": m.asked,
                "from_licence_library": m.from_licence_library,
                "notes": m.notes,
                # a required material the applicant may say they cannot have, in this case: send
                # `not_needed_field` = 1 instead of the file
                "not_needed_when": m.not_needed_when,
                "not_needed_when_en": m.not_needed_when_en,
                "not_needed_field": m.not_needed_field if m.required and m.not_needed_when else None,
            }
            for m in form.materials
        ],
        "max_file_bytes": settings.APPLICATION_UPLOAD_MAX_BYTES,
        "max_total_bytes": settings.APPLICATION_UPLOAD_TOTAL_BYTES,
        "content_types": list(uploads.EXTENSIONS),
    }


def _multipart(request):
    if not (request.content_type or "").startswith("multipart/form-data"):
        raise Refusal(400, "invalid", "请以 multipart/form-data 提交", "send multipart/form-data")
    data, files = uploads.parse_multipart(request)
    return data, {field: files.getlist(field) for field in files}


def _fingerprint_payload(data, files) -> dict:
    payload = {k: data.getlist(k) for k in sorted(data)}
    payload["files"] = {
        field: [hashlib.sha256(_read(f)).hexdigest() for f in group] for field, group in sorted(files.items())
    }
    return payload


def _read(upload) -> bytes:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data


WRITE_ERRORS = {400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 429: ErrorBody}


@router.post("", auth=WriteAccess(), response={201: dict, 422: ErrorBody, **WRITE_ERRORS})
def submit_application(request, response: HttpResponse):
    """Apply online (multipart/form-data): `guide`, `applicant_kind` (person|company), `name`,
    `id_number` (person) or `uscc` and `contact_name` (company), `phone`, optional `email` and `language`,
    `delivery` (pickup|express|electronic), `centre` (pickup) or `address` (express), and one file
    `material_<n>` per material of `GET /applications/forms/{code}` (or, for a required material with a
    `not_needed_when` case such as a lost card, `material_<n>_not_needed=1`: the window checks the case), and
    `consent`: the `version` of `GET /api/v1/privacy-notice` the applicant agreed to (400 on `consent` when
    missing or outdated).
    Answers 201 with the receipt (a replay of an `Idempotency-Key` answers the application as it is now,
    with `Idempotent-Replayed: true`).
    Rate-limited per caller and per identifier (429 with `Retry-After`)."""
    caller = api_caller(request)
    services.refuse_spent_caller(caller)  # before the upload is read
    data, files = _multipart(request)
    caller = caller.presenting(data.get("id_number") or data.get("uscc", ""))
    idempotency = Idempotency.of(caller, request.headers.get(HEADER), _fingerprint_payload(data, files))
    application, replayed = services.submit(data.get("guide", ""), data, files, caller, idempotency)
    if replayed:
        response[REPLAYED_HEADER] = "true"
    return Status(201, application_body(application))


def _id_number(request, given: str = "") -> str:
    value = given or request.headers.get(ID_HEADER, "")
    if not value:
        raise Refusal(
            400,
            "invalid",
            "请提供证件号",
            "the ID number is needed",
            {"id_number": Text(f"请在 {ID_HEADER} 头中提供", f"in the {ID_HEADER} header")},
        )
    return value


@router.get("/{receipt}", response={200: dict, 400: ErrorBody, 404: ErrorBody, 429: ErrorBody})
def get_application(request, receipt: str):
    """Status and history: the ID number (or credit code) goes in the `X-Id-Number` header. Rate-limited per
    caller, ID number and receipt; a receipt that sees a few wrong ID numbers locks (429, `Retry-After`)."""
    return application_body(services.find(receipt, api_caller(request, _id_number(request))))


@router.post("/{receipt}/supplement", auth=WriteAccess(), response={200: dict, **WRITE_ERRORS})
def supplement_application(request, receipt: str):
    """补交: upload missing or requested materials (`material_<n>` files; `id_number` as a form field or
    the `X-Id-Number` header). Once nothing is outstanding the application is accepted."""
    caller = api_caller(request)
    services.refuse_spent_caller(caller)  # before the upload is read
    data, files = _multipart(request)
    caller = caller.presenting(_id_number(request, data.get("id_number", "")))
    return application_body(services.supplement(services.find(receipt, caller), files, caller))


@router.get("/{receipt}/files/{position}", response={400: ErrorBody, 404: ErrorBody, 429: ErrorBody})
def application_file(request, receipt: str, position: int):
    """The file the applicant gave for one material (receipt + `X-Id-Number`)."""
    application = services.find(receipt, api_caller(request, _id_number(request)))
    row = application.materials.filter(position=position).exclude(file="").first()
    if row is None:
        raise Refusal(404, "not_found", "没有该材料的文件", "no file for this material")
    return file_response(row)


def file_response(row: ApplicationMaterial) -> FileResponse:
    response = FileResponse(
        uploads.stored_path(row.file).open("rb"),
        as_attachment=True,
        filename=row.file_name,
        content_type=row.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
