"""Applications: the form a guide asks for, submission, 容缺 supplements, the staff's actions, the due date.

The form is the guide's own materials (GuideMaterial rows), never one written per guide: one upload
slot per material the applicant provides; e-licence materials are fetched, never asked. Files are
written before the transaction and removed again if it does not commit, so no record points at a
missing file and no file outlives a failed submission.
"""

import datetime as dt
import logging
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction

from cms.api.errors import ApiError
from cms.api.idempotency import Idempotency, Replay
from cms.applications import uploads
from cms.applications.enums import (
    AWAITING_SUPPLEMENT,
    IN_PROGRESS,
    ApplicantKind,
    ApplicationStatus,
    Channel,
    DeliveryMethod,
    Language,
    MaterialState,
)
from cms.applications.models import Application, ApplicationMaterial, StatusChange
from cms.applications.signals import status_changed
from cms.centres.models import CentrePage
from cms.devices.models import KioskDevice
from cms.hours.sources import calendar_between
from cms.personal.keys import keyed_hash
from cms.personal.masking import mask_identifier
from cms.services.models import ServiceGuidePage
from guides import clock
from guides.calendar import add_working_days, working_days_between
from guides.enums import MaterialSource, Necessity, ServiceObject
from guides.identifiers import IdentifierError, validate_id_number, validate_uscc

logger = logging.getLogger(__name__)

RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read out over the phone
RECEIPT_LENGTH = 10
_PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_TRACKING = re.compile(r"^[A-Za-z0-9-]{6,40}$")
S = ApplicationStatus


class Refusal(ApiError):
    """Why an application operation cannot be done, in both languages (the API answers it as is)."""

    def __init__(self, status: int, code: str, zh: str, en: str, fields: dict[str, str] | None = None):
        super().__init__(status, code, f"{zh} / {en}", fields)


def upload_refusal(error: uploads.UploadError) -> Refusal:
    fields = error.fields if isinstance(error, uploads.UploadErrors) else {error.field: error.message}
    return Refusal(400, error.code, error.zh, error.en, fields)


@dataclass(frozen=True)
class Actor:
    """Who acts: a channel and kiosk, the applicant, a staff user, or the system (for the audit trail)."""

    label: str
    user: object = None
    channel: str = ""
    device: KioskDevice | None = None

    @classmethod
    def submitter(cls, channel: str, device: KioskDevice | None = None) -> "Actor":
        return cls(device.name if device else "applicant", channel=channel, device=device)

    @classmethod
    def staff(cls, user) -> "Actor":
        return cls(user.get_username(), user=user)


APPLICANT = Actor("applicant")
SYSTEM = Actor("system")


# ---- the form ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MaterialSlot:
    """One of the guide's materials, as the form shows it."""

    position: int
    name: str
    name_en: str
    necessity: str
    from_licence_library: bool
    source: str
    notes: str

    @property
    def field(self) -> str:
        return f"material_{self.position}"

    @property
    def asked(self) -> bool:
        """Whether the applicant uploads it: not fetched from the e-licence library, not the government's own."""
        return not self.from_licence_library and self.source == MaterialSource.APPLICANT

    @property
    def required(self) -> bool:
        return self.asked and self.necessity == Necessity.REQUIRED

    @property
    def deferrable(self) -> bool:
        return self.asked and self.necessity == Necessity.DEFERRABLE


@dataclass(frozen=True)
class ApplicationForm:
    """What a guide's application form asks: applicant kinds, one slot per material, delivery options."""

    guide: ServiceGuidePage
    materials: list[MaterialSlot]
    applicant_kinds: list[str]
    deliveries: list[str]
    centres: list[CentrePage]

    @property
    def asked(self) -> list[MaterialSlot]:
        return [m for m in self.materials if m.asked]

    @property
    def fetched(self) -> list[MaterialSlot]:
        return [m for m in self.materials if m.from_licence_library]

    @property
    def fields(self) -> set[str]:
        return {m.field for m in self.asked}


def online_guide(code: str) -> ServiceGuidePage:
    guide = (
        ServiceGuidePage.objects.live().filter(code=(code or "").strip().upper()).select_related("department").first()
    )
    if guide is None:
        raise Refusal(404, "not_found", "未找到该事项", "no such guide", {"guide": "unknown guide code"})
    if not guide.channels_online or guide.status != "active":
        raise Refusal(
            400, "not_online", "该事项暂不支持网上申请", "this item cannot be applied for online", {"guide": "offline"}
        )
    return guide


def form_for(guide: ServiceGuidePage) -> ApplicationForm:
    materials = [
        MaterialSlot(n, m.name, m.name_en, m.necessity, m.from_licence_library, m.source, m.notes)
        for n, m in enumerate(guide.materials.all().order_by("sort_order", "pk"), start=1)
    ]
    kinds = {
        ServiceObject.CITIZEN: [ApplicantKind.PERSON],
        ServiceObject.COMPANY: [ApplicantKind.COMPANY],
    }.get(guide.service_object, [ApplicantKind.PERSON, ApplicantKind.COMPANY])
    offered = set(guide.result_delivery or [])
    deliveries = [d.value for d in DeliveryMethod if d.value in offered]
    if DeliveryMethod.EXPRESS in deliveries and not guide.channels_express:
        deliveries.remove(DeliveryMethod.EXPRESS)
    centres = list(CentrePage.objects.live().filter(guide_links__page=guide).distinct().order_by("path"))
    if not deliveries:
        deliveries = [DeliveryMethod.PICKUP.value]
    return ApplicationForm(guide, materials, [k.value for k in kinds], deliveries, centres)


# ---- the applicant ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Applicant:
    kind: str
    name: str
    identifier: str
    contact_name: str
    phone: str
    email: str
    language: str
    delivery: str
    centre: CentrePage | None
    address: str


def _text(value) -> str:
    return " ".join(str(value or "").split())


def validate_applicant(form: ApplicationForm, data) -> Applicant:
    """The applicant and delivery from form fields; every problem named on its field, in both languages."""
    fields = {}
    kind = _text(data.get("applicant_kind")) or form.applicant_kinds[0]
    if kind not in form.applicant_kinds:
        fields["applicant_kind"] = (
            "该事项只受理个人申请 / this item is for citizens"
            if form.applicant_kinds == [ApplicantKind.PERSON]
            else "该事项只受理企业申请 / this item is for companies"
        )
    name, contact_name, identifier = _text(data.get("name")), _text(data.get("contact_name")), ""
    if kind == ApplicantKind.COMPANY:
        if not 2 <= len(name) <= 100:
            fields["name"] = "企业名称为2至100个字 / a company name of 2 to 100 characters"
        if not 1 <= len(contact_name) <= 50:
            fields["contact_name"] = "请填写联系人 / the contact person is needed"
        try:
            identifier = validate_uscc(data.get("uscc") or data.get("id_number") or "")
        except IdentifierError as error:
            fields["uscc"] = str(error)
    else:
        if not 1 <= len(name) <= 50:
            fields["name"] = "姓名为1至50个字 / a name of 1 to 50 characters"
        try:
            identifier = validate_id_number(data.get("id_number") or "")
        except IdentifierError as error:
            fields["id_number"] = str(error)
        contact_name = ""
    phone = re.sub(r"[\s()]", "", data.get("phone") or "").removeprefix("+86")
    if not _PHONE.match(phone):
        fields["phone"] = "请填写11位手机号或带区号的固定电话 / an 11-digit mobile or a landline with area code"
    email = (data.get("email") or "").strip()
    if email and (len(email) > 254 or not _EMAIL.match(email)):
        fields["email"] = "邮箱格式不正确 / not an e-mail address"
    language = data.get("language") if data.get("language") in Language.values else Language.ZH
    delivery = _text(data.get("delivery")) or form.deliveries[0]
    centre, address = None, ""
    if delivery not in form.deliveries:
        fields["delivery"] = "该事项不提供此送达方式 / this item does not offer that delivery"
    elif delivery == DeliveryMethod.PICKUP:
        code = _text(data.get("centre")).lower()
        centre = next((c for c in form.centres if c.code == code), None)
        if centre is None and len(form.centres) == 1 and not code:
            centre = form.centres[0]
        if centre is None:
            fields["centre"] = "请选择办理此事项的服务中心 / choose a centre that handles this item"
    elif delivery == DeliveryMethod.EXPRESS:
        address = _text(data.get("address"))
        if not 8 <= len(address) <= 200:
            fields["address"] = "快递送达须填写详细地址 / express delivery needs a full address"
    if fields:
        raise Refusal(400, "invalid", "请检查填写的信息", "please check the details given", fields)
    return Applicant(kind, name, identifier, contact_name, phone, email, language, delivery, centre, address)


# ---- dates ------------------------------------------------------------------------------------------


def working_days_after(start: dt.date, days: int) -> dt.date:
    """`days` working days after `start` in the city calendar (holidays and 调休 from cms.hours)."""
    # Wide enough for the longest run of days off (Spring Festival) between working days.
    return add_working_days(start, days, calendar_between(start, start + dt.timedelta(days=days * 2 + 40)))


def is_overdue(application: Application, on: dt.date | None = None) -> bool:
    return (
        bool(application.due_date)
        and application.paused_on is None
        and application.status in IN_PROGRESS
        and application.due_date < (on or clock.today())
    )


def _pause(application: Application, on: dt.date) -> None:
    """Staff asked for a supplement (补正) after acceptance: the days the applicant takes to supply it do
    not count toward the committed time limit, so the clock stops until the last material arrives."""
    if application.accepted_on is not None and application.paused_on is None:
        application.paused_on = on


def _resume(application: Application, on: dt.date) -> None:
    """The supplement is complete: the due date moves on by the working days the clock stood still."""
    if application.paused_on is None:
        return
    waited = working_days_between(application.paused_on, on, calendar_between(application.paused_on, on))
    if waited and application.due_date:
        application.due_date = working_days_after(application.due_date, waited)
    application.paused_on = None


# ---- submission -------------------------------------------------------------------------------------


def normalise_receipt(receipt: str) -> str:
    return re.sub(r"[\s-]", "", receipt or "").upper()


def _new_receipt() -> str:
    while True:
        receipt = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))
        if not Application.objects.filter(receipt=receipt).exists():
            return receipt


def _record(application: Application, to: str, actor: Actor, reason: str = "", from_status: str | None = None):
    change = StatusChange.objects.create(
        application=application,
        from_status=application.status if from_status is None else from_status,
        to_status=to,
        by=actor.label[:150],
        user=actor.user if getattr(actor.user, "pk", None) else None,
        reason=reason,
    )
    application.status = to
    status_changed.send(sender=Application, application=application, change=change)
    return change


def _accept(application: Application, on: dt.date) -> None:
    """The committed time limit runs from acceptance (a 容缺 acceptance included)."""
    if application.accepted_on is None:
        application.accepted_on = on
        application.due_date = working_days_after(on, application.committed_days)


def _missing_names(slots) -> str:
    return "、".join(s.name for s in slots)


def submit(
    guide_code: str,
    data,
    files: dict[str, list],
    actor: Actor,
    idempotency: Idempotency | None = None,
    respond: Callable[[Application], dict] | None = None,
) -> Application:
    """Check everything, store the files, then create the application in one transaction, or raise Refusal
    (or Replay for a repeated Idempotency-Key)."""
    form = form_for(online_guide(guide_code))
    applicant = validate_applicant(form, data)
    try:
        checked = uploads.check_batch(files, form.fields)
    except uploads.UploadError as error:
        raise upload_refusal(error) from None
    missing = {s.field: "此项为必交材料，请上传 / this material is required" for s in form.asked if s.required}
    missing = {f: m for f, m in missing.items() if f not in checked}
    if missing:
        raise Refusal(400, "material_missing", "缺少必交材料", "a required material is missing", missing)
    deferred = [s for s in form.asked if s.deferrable and s.field not in checked]
    stored = {field: uploads.store(c) for field, c in checked.items()}
    guide, now = form.guide, clock.now()
    try:
        with transaction.atomic():
            if idempotency is not None and idempotency.key:
                idempotency.check_inside(Application.objects)
            application = Application(
                receipt=_new_receipt(),
                guide=guide,
                guide_code=guide.code,
                guide_name=guide.title,
                department=guide.department,
                applicant_kind=applicant.kind,
                name=applicant.name,
                identifier=applicant.identifier,
                identifier_key=keyed_hash(applicant.identifier),
                identifier_masked=mask_identifier(applicant.identifier),
                contact_name=applicant.contact_name,
                phone=applicant.phone,
                email=applicant.email,
                language=applicant.language,
                delivery=applicant.delivery,
                centre=applicant.centre,
                address=applicant.address,
                committed_days=guide.committed_days,
                channel=actor.channel or Channel.API,
                device=actor.device,
            )
            application.save()
            for slot in form.materials:
                row = ApplicationMaterial(
                    application=application,
                    position=slot.position,
                    name=slot.name,
                    name_en=slot.name_en,
                    necessity=slot.necessity,
                    from_licence_library=slot.from_licence_library,
                )
                if slot.field in checked:
                    _attach(row, checked[slot.field], stored[slot.field], now)
                elif slot.from_licence_library:
                    row.state = MaterialState.FROM_LICENCE_LIBRARY
                elif slot in deferred:
                    row.state = MaterialState.MISSING
                else:
                    row.state = MaterialState.NOT_GIVEN
                row.save()
            _record(application, S.SUBMITTED, actor, from_status="")
            if deferred:
                # 容缺受理: a missing deferrable material never blocks acceptance; it is supplied by a deadline.
                application.supplement_deadline = working_days_after(
                    clock.today(), settings.APPLICATION_SUPPLEMENT_DAYS
                )
                _accept(application, clock.today())
                application.reason = f"容缺材料待补交 / deferred materials to supply: {_missing_names(deferred)}"
                _record(application, S.PENDING_SUPPLEMENT, SYSTEM, application.reason)
            if idempotency is not None and respond is not None:
                idempotency.stamp(application, 201, respond(application))
            application.save()
    except Replay:
        uploads.discard(list(stored.values()))
        raise
    except IntegrityError:
        uploads.discard(list(stored.values()))
        if idempotency is not None and (first := idempotency.replay(Application.objects)) is not None:
            raise Replay(*first) from None
        raise
    except BaseException:
        uploads.discard(list(stored.values()))
        raise
    logger.info("application %s submitted for %s via %s", application.receipt, guide.code, application.channel)
    return application


def _attach(row: ApplicationMaterial, checked: uploads.CheckedFile, path: str, now: dt.datetime) -> None:
    row.state = MaterialState.PROVIDED
    row.file, row.file_name, row.content_type = path, checked.name, checked.content_type
    row.size, row.sha256, row.uploaded_at = checked.size, checked.sha256, now


# ---- looking up -------------------------------------------------------------------------------------


def find(receipt: str, id_number: str) -> Application:
    """The application with this receipt, if this identifier made it; the same 404 either way."""
    raw = "".join((id_number or "").split()).upper()
    try:
        identifier = validate_uscc(raw) if raw[:1].isalpha() else validate_id_number(raw)
    except IdentifierError:
        try:
            identifier = validate_uscc(raw)
        except IdentifierError as error:
            raise Refusal(400, "invalid", error.zh, error.en, {"id_number": str(error)}) from None
    application = (
        Application.objects.select_related("centre", "department")
        .filter(receipt=normalise_receipt(receipt), identifier_key=keyed_hash(identifier))
        .first()
    )
    if application is None:
        raise Refusal(
            404, "not_found", "未找到该申请（请核对回执号和证件号）", "no application with this receipt and ID number"
        )
    return application


# ---- the applicant's supplement ---------------------------------------------------------------------


def supplement(application: Application, files: dict[str, list], actor: Actor = APPLICANT) -> Application:
    """Upload missing or requested materials; once none is outstanding the application is accepted."""
    if application.status not in AWAITING_SUPPLEMENT:
        raise Refusal(
            409,
            "no_supplement_needed",
            "该申请当前无需补交材料",
            "this application is not waiting for a supplement",
        )
    outstanding = {
        f"material_{m.position}": m
        for m in application.materials.filter(state__in=[MaterialState.MISSING, MaterialState.REQUESTED])
    }
    if not files:
        raise Refusal(400, "material_missing", "请上传需补交的材料", "upload the material to supply", {"files": "none"})
    try:
        checked = uploads.check_batch(files, set(outstanding))
    except uploads.UploadError as error:
        raise upload_refusal(error) from None
    stored = {field: uploads.store(c) for field, c in checked.items()}
    old_files, now = [], clock.now()
    try:
        with transaction.atomic():
            application = Application.objects.select_for_update().get(pk=application.pk)
            if application.status not in AWAITING_SUPPLEMENT:
                raise Refusal(409, "no_supplement_needed", "该申请当前无需补交材料", "no supplement is awaited")
            for field, c in checked.items():
                row = application.materials.get(pk=outstanding[field].pk)
                if row.file:
                    old_files.append(row.file)
                _attach(row, c, stored[field], now)
                row.save()
            names = _missing_names(outstanding[f] for f in checked)
            left = application.materials.filter(state__in=[MaterialState.MISSING, MaterialState.REQUESTED])
            if left.exists():
                _record(application, application.status, actor, f"已补交 / supplied: {names}")
            else:
                _resume(application, clock.today())
                _accept(application, clock.today())
                application.supplement_deadline = None
                application.reason = ""
                _record(application, S.ACCEPTED, actor, f"补交完成 / supplement complete: {names}")
            application.save()
    except BaseException:
        uploads.discard(list(stored.values()))
        raise
    transaction.on_commit(lambda: uploads.discard(old_files))
    return application


# ---- staff actions ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    name: str
    zh: str
    en: str
    sources: tuple[str, ...]
    target: str


ACTIONS = {
    a.name: a
    for a in (
        Action("accept", "受理", "accept", (S.SUBMITTED,), S.ACCEPTED),
        Action(
            "request_supplement", "要求补正", "request a supplement", (S.SUBMITTED, S.ACCEPTED), S.PENDING_SUPPLEMENT
        ),
        Action("approve", "办结（准予）", "approve", (S.ACCEPTED,), S.APPROVED),
        Action(
            "reject",
            "不予受理/不予许可",
            "reject",
            (S.SUBMITTED, S.ACCEPTED, S.PENDING_SUPPLEMENT, S.SUPPLEMENT_OVERDUE),
            S.REJECTED,
        ),
        Action("deliver", "标记已送达", "mark delivered", (S.APPROVED,), S.DELIVERED),
    )
}


def actions_for(application: Application) -> list[Action]:
    return [a for a in ACTIONS.values() if application.status in a.sources]


def act(
    application: Application,
    name: str,
    actor: Actor,
    reason: str = "",
    materials: list[int] | None = None,
    deadline_days: int | None = None,
    tracking_number: str = "",
) -> Application:
    """One staff action, checked against the status (under a row lock) and written to the audit trail."""
    action = ACTIONS.get(name)
    if action is None:
        raise Refusal(400, "invalid", "未知操作", "unknown action", {"action": name})
    reason = (reason or "").strip()
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if application.status not in action.sources:
            raise Refusal(
                409,
                "wrong_status",
                f"当前状态为“{application.get_status_display()}”，不能{action.zh}",
                f"cannot {action.en} an application that is {application.status}",
            )
        if name == "reject" and not reason:
            raise Refusal(400, "invalid", "请填写理由", "a reason is needed", {"reason": "required"})
        if name == "request_supplement":
            rows = list(application.materials.filter(position__in=materials or [], from_licence_library=False))
            if not rows or not reason:
                raise Refusal(
                    400,
                    "invalid",
                    "请选择需补正的材料并填写理由",
                    "choose the materials to supply again and give a reason",
                    {"materials": "at least one", "reason": "required"},
                )
            for row in rows:
                row.state = MaterialState.REQUESTED
                row.save(update_fields=["state"])
            days = deadline_days if deadline_days and deadline_days > 0 else settings.APPLICATION_SUPPLEMENT_DAYS
            application.supplement_deadline = working_days_after(clock.today(), days)
            _pause(application, clock.today())
            reason = f"{reason}（{_missing_names(rows)}）"
        if name == "accept":
            _accept(application, clock.today())
        if name == "deliver" and application.delivery == DeliveryMethod.EXPRESS:
            tracking_number = tracking_number.strip()
            if not _TRACKING.match(tracking_number):
                raise Refusal(
                    400,
                    "invalid",
                    "快递送达须填写快递单号",
                    "express delivery needs the tracking number",
                    {"tracking_number": "6–40 letters, digits or -"},
                )
            application.tracking_number = tracking_number
            reason = reason or f"快递单号 / tracking number {tracking_number}"
        if name in ("reject", "request_supplement"):
            application.reason = reason
        _record(application, action.target, actor, reason)
        application.save()
    logger.info("application %s: %s by %s", application.receipt, name, actor.label)
    return application


def mark_supplements_overdue(on: dt.date | None = None) -> int:
    """Applications whose supplement deadline has passed become "supplement overdue"; returns how many."""
    on = on or clock.today()
    marked = 0
    due = Application.objects.filter(status=S.PENDING_SUPPLEMENT, supplement_deadline__lt=on)
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            application = Application.objects.select_for_update().get(pk=pk)
            if application.status == S.PENDING_SUPPLEMENT and application.supplement_deadline < on:
                _record(application, S.SUPPLEMENT_OVERDUE, SYSTEM, f"补正期限 {application.supplement_deadline} 已过")
                application.save()
                marked += 1
    return marked
