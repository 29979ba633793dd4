"""Applications: the form a guide asks for, submission, 容缺 supplements, the staff's actions, the due date.

The form is the guide's own materials (GuideMaterial rows), never one written per guide: one upload
slot per material the applicant provides; e-licence materials are fetched, never asked. Files are
written before the transaction and removed again if it does not commit, so no record points at a
missing file and no file outlives a failed submission.
"""

import datetime as dt
import logging
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from cms.applications import uploads
from cms.applications.enums import (
    AWAITING_SUPPLEMENT,
    IN_PROGRESS,
    ApplicantKind,
    ApplicationStatus,
    DeliveryMethod,
    MaterialState,
)
from cms.applications.models import Application, ApplicationMaterial, StatusChange
from cms.applications.signals import status_changed
from cms.centres.models import CentrePage
from cms.centres.sources import calendar_between
from cms.core import limits, lookups
from cms.core.caller import SYSTEM, Caller
from cms.core.enums import Channel, Language
from cms.core.i18n import in_language
from cms.core.idempotency import Idempotency, idempotent_create
from cms.identity.privacy import consented
from cms.personal.keys import keyed_hash
from cms.personal.masking import mask_identifier
from cms.services.models import ServiceGuidePage
from guides import applicants, clock
from guides.calendar import add_working_days, working_days_between
from guides.codes import RECEIPT_LENGTH, new_code, normalise, well_formed
from guides.enums import MaterialSource, Necessity, ServiceObject
from guides.refusal import Refusal, Text

logger = logging.getLogger(__name__)

_TRACKING = re.compile(r"^[A-Za-z0-9-]{6,40}$")
S = ApplicationStatus
NOT_FOUND = Text("未找到该申请（请核对回执号和证件号）", "no application with this receipt and ID number")


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
    notes_en: str
    not_needed_when: str = ""  # a case in which a required material cannot be had ("丢失补领")
    not_needed_when_en: str = ""

    @property
    def field(self) -> str:
        return f"material_{self.position}"

    @property
    def not_needed_field(self) -> str:
        """The form field by which an applicant says the case applies: `material_<n>_not_needed`."""
        return f"{self.field}_not_needed"

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


def material_rows(form: ApplicationForm, values, errors: dict[str, str], kept: dict | None = None) -> list[dict]:
    """What the form's template shows for each material: the slot, the file kept for it (the website keeps
    accepted files while the rest is corrected), its error, and whether the applicant said it is not needed."""
    kept = kept or {}
    return [
        {
            "slot": slot,
            "kept": kept.get(slot.field),
            "error": errors.get(slot.field, ""),
            "not_needed": bool(values.get(slot.not_needed_field)),
        }
        for slot in form.materials
    ]


def _live_guide(code: str) -> ServiceGuidePage:
    guide = (
        ServiceGuidePage.objects.live().filter(code=(code or "").strip().upper()).select_related("department").first()
    )
    if guide is None:
        raise Refusal(
            404, "not_found", "未找到该事项", "no such guide", {"guide": Text("事项编码有误", "unknown guide code")}
        )
    return guide


def online_guide(code: str) -> ServiceGuidePage:
    guide = _live_guide(code)
    if not guide.channels_online or guide.status != "active":
        raise Refusal(
            400,
            "not_online",
            "该事项暂不支持网上申请",
            "this item cannot be applied for online",
            {"guide": Text("该事项暂不支持网上申请", "not offered online")},
        )
    return guide


def window_guide(code: str) -> ServiceGuidePage:
    """A guide a window of the hall accepts (前台综合受理): any live, active one, offered online or not."""
    guide = _live_guide(code)
    if guide.status != "active":
        raise Refusal(
            400,
            "not_active",
            "该事项已暂停或取消，不能受理",
            "this item is suspended or abolished",
            {"guide": Text("该事项当前不受理", "not accepted now")},
        )
    return guide


def at_window(caller: Caller) -> bool:
    """A clerk of the hall accepting an application for the citizen at their window (Channel.STAFF, "窗口")."""
    return caller.channel == Channel.STAFF and caller.user is not None


CARD_NEEDED = Refusal(
    400,
    "card_needed",
    "请核验申请人（或经办人）的身份证",
    "check the ID card of the applicant (or of the person acting for a company)",
    {"card_checked": Text("窗口须核验身份证原件", "the window checks the ID card itself")},
)


def check_card(caller: Caller, applicant: applicants.Applicant) -> None:
    """At a window the clerk checks the ID card of the person in front of them: that card proves who applies.
    A person's application must be that card's holder's; a company's is made by someone holding a valid card.
    (Online and at a kiosk nothing to check here.)"""
    if not at_window(caller):
        return
    if not caller.proven or not caller.id_number:
        raise CARD_NEEDED
    try:
        _, card = applicants.check_identifier(caller.id_number, applicants.ApplicantKind.PERSON)
    except applicants.FieldError:
        raise CARD_NEEDED from None
    if applicant.kind == ApplicantKind.PERSON and card != applicant.identifier:
        raise Refusal(
            400,
            "card_mismatch",
            "证件号与核验的身份证不一致",
            "the ID number is not the one on the card checked",
            {"id_number": Text("与核验的身份证不一致", "not the ID card checked")},
        )


def form_for(guide: ServiceGuidePage) -> ApplicationForm:
    materials = [
        MaterialSlot(
            n,
            m.name,
            m.name_en,
            m.necessity,
            m.from_licence_library,
            m.source,
            m.notes,
            m.notes_en,
            m.not_needed_when,
            m.not_needed_when_en,
        )
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
class Delivery:
    """How the result reaches the applicant: pickup at a centre, express to an address, or electronic."""

    method: str
    centre: CentrePage | None = None
    address: str = ""


def _delivery(form: ApplicationForm, data, fields: dict[str, Text]) -> Delivery:
    method = applicants.clean_text(data.get("delivery")) or form.deliveries[0]
    if method not in form.deliveries:
        fields["delivery"] = Text("该事项不提供此送达方式", "this item does not offer that delivery")
        return Delivery(method)
    if method == DeliveryMethod.PICKUP:
        code = applicants.clean_text(data.get("centre")).lower()
        centre = next((c for c in form.centres if c.code == code), None)
        if centre is None and len(form.centres) == 1 and not code:
            centre = form.centres[0]
        if centre is None:
            fields["centre"] = Text("请选择办理此事项的服务中心", "choose a centre that handles this item")
        return Delivery(method, centre=centre)
    if method == DeliveryMethod.EXPRESS:
        address = applicants.clean_text(data.get("address"))
        if not 8 <= len(address) <= 200:
            fields["address"] = Text("快递送达须填写详细地址", "express delivery needs a full address")
        return Delivery(method, address=address)
    return Delivery(method)


def validate_applicant(form: ApplicationForm, data) -> tuple[applicants.Applicant, Delivery]:
    """The applicant and delivery from form fields; every problem named on its field, in both languages."""
    fields: dict[str, Text] = {}
    kind = applicants.clean_text(data.get("applicant_kind")) or form.applicant_kinds[0]
    if kind not in form.applicant_kinds:
        fields["applicant_kind"] = (
            Text("该事项只受理个人申请", "this item is for citizens")
            if form.applicant_kinds == [ApplicantKind.PERSON]
            else Text("该事项只受理企业申请", "this item is for companies")
        )
        kind = form.applicant_kinds[0]
    company = kind == ApplicantKind.COMPANY
    applicant = None
    try:
        applicant = applicants.applicant(
            data.get("name"),
            (data.get("uscc") or data.get("id_number")) if company else data.get("id_number"),
            data.get("phone"),
            data.get("email"),
            kind=applicants.ApplicantKind(kind),
            contact_name=data.get("contact_name") or "" if company else None,
            identifier_field="uscc" if company else "id_number",
        )
    except Refusal as refusal:
        fields.update(refusal.fields)
    delivery = _delivery(form, data, fields)
    if fields:
        raise applicants.invalid(fields)
    return applicant, delivery


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


def _record(application: Application, to: str, caller: Caller, reason: str = "", from_status: str | None = None):
    change = StatusChange.objects.create(
        application=application,
        from_status=application.status if from_status is None else from_status,
        to_status=to,
        by=caller.label[:150],
        user=caller.user if getattr(caller.user, "pk", None) else None,
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


def receipt_for(proposed: str, caller: Caller) -> str:
    """The application's receipt number. A kiosk gives the citizen its own receipt at once, online or
    not, and proposes it with the application: kept when well formed and free, the citizen has one number
    that works everywhere. Any other caller, or a number already in use, gets a new one (the kiosk then
    shows the server's for its own in lookups)."""

    def taken(code: str) -> bool:
        return Application.objects.filter(receipt=code).exists()

    proposed = normalise(proposed)
    kiosk = caller.channel == Channel.KIOSK and caller.device is not None
    if kiosk and well_formed(proposed, RECEIPT_LENGTH) and not taken(proposed):
        return proposed
    return new_code(RECEIPT_LENGTH, taken)


def not_needed_in_case(form: ApplicationForm, data) -> set[str]:
    """The required materials the applicant says they cannot have, in the case the guide names (a lost
    card is not handed in): `material_<n>_not_needed` set. Said of any other material, it changes nothing."""
    said = {
        s.field
        for s in form.asked
        if str(data.get(s.not_needed_field, "")).strip().lower() in ("1", "true", "on", "yes")
    }
    return {s.field for s in form.asked if s.required and s.not_needed_when and s.field in said}


def missing_materials(form: ApplicationForm, data, provided: set[str]) -> dict[str, Text]:
    """The required materials neither provided (`provided`: their fields) nor not needed in the guide's case."""
    not_needed = not_needed_in_case(form, data)
    return {
        s.field: Text("此项为必交材料，请上传", "this material is required")
        for s in form.asked
        if s.required and s.field not in provided and s.field not in not_needed
    }


def _form_counted(guide_code: str, caller: Caller) -> ApplicationForm:
    """The guide's form for this caller, the attempt counted against the caller: a window accepts any active
    guide and is not counted as one caller (it serves everyone); anyone else, online guides, every attempt."""
    if at_window(caller):
        return form_for(window_guide(guide_code))
    limits.check("application", caller)  # every attempt, a refused one too
    return form_for(online_guide(guide_code))


def submit(
    guide_code: str,
    data,
    files: dict[str, list],
    caller: Caller,
    idempotency: Idempotency | None = None,
    note: str = "",
    kept: dict[str, uploads.CheckedFile] | None = None,
) -> tuple[Application, bool]:
    """Check everything, store the files, then create the application in one transaction: (application,
    whether it replays an earlier request with the same key), or a Refusal. Counted per caller and per
    identifier (`refuse_spent_caller` lets an entry point refuse a spent caller before reading the files).

    At a hall window (`at_window`: the clerk, for the citizen in front of them) any active guide is accepted,
    offered online or not; the clerk checks the ID card (`check_card`); the window's own calls are not
    counted as one caller's (a window serves everyone), the identifier's are. `note` goes on the first entry
    of the history (which window received it). `kept`: files checked earlier (the website's form keeps them
    while the applicant corrects other fields). `data["consent"]`: the version of the personal-information
    notice agreed to (cms/identity/privacy.py)."""
    idempotency = idempotency or Idempotency(None, "")
    if (first := idempotency.find(Application.objects)) is not None:
        return first, True
    form = _form_counted(guide_code, caller)
    applicant, delivery = validate_applicant(form, data)
    check_card(caller, applicant)
    notice_version, consented_at = consented(caller, applicant.identifier, data.get("consent", ""))
    limits.check("application", caller, id_number=applicant.identifier, by_caller=False)
    checked = {f: c for f, c in (kept or {}).items() if f in form.fields} | uploads.check_batch(files, form.fields)
    not_needed = not_needed_in_case(form, data)
    if missing := missing_materials(form, data, set(checked)):
        raise Refusal(400, "material_missing", "缺少必交材料", "a required material is missing", missing)
    deferred = [s for s in form.asked if s.deferrable and s.field not in checked]
    stored = {field: uploads.store(c) for field, c in checked.items()}
    guide, now = form.guide, clock.now()

    def make() -> Application:
        application = Application(
            receipt=receipt_for(data.get("receipt", ""), caller),
            guide=guide,
            guide_code=guide.code,
            guide_name=guide.title,
            guide_name_en=guide.name_en,
            department=guide.department,
            applicant_kind=applicant.kind,
            name=applicant.name,
            identifier=applicant.identifier,
            identifier_key=keyed_hash(applicant.identifier),
            identifier_masked=mask_identifier(applicant.identifier),
            contact_name=applicant.contact_name,
            phone=applicant.phone,
            email=applicant.email,
            language=Language.of(data.get("language") or ""),
            delivery=delivery.method,
            centre=delivery.centre,
            address=delivery.address,
            committed_days=guide.committed_days,
            channel=caller.channel,
            device=caller.device,
            consent_version=notice_version,
            consented_at=consented_at,
        )
        idempotency.stamp(application)
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
            elif slot.field in not_needed:
                row.state = MaterialState.NOT_NEEDED  # the window checks the case (a lost card: its report)
            else:
                row.state = MaterialState.NOT_GIVEN
            row.save()
        _record(application, S.SUBMITTED, caller, note, from_status="")
        if deferred:
            # 容缺受理: a missing deferrable material never blocks acceptance; it is supplied by a deadline.
            today = now.astimezone(clock.TZ).date()
            application.supplement_deadline = working_days_after(today, settings.APPLICATION_SUPPLEMENT_DAYS)
            _accept(application, today)
            # no reason text: the page, the mail and the API name the materials to supply, each in its language
            _record(application, S.PENDING_SUPPLEMENT, SYSTEM)
        application.save()
        return application

    try:
        application, replayed = idempotent_create(idempotency, Application.objects, make)
    except BaseException:
        uploads.discard(list(stored.values()))
        raise
    if replayed:
        uploads.discard(list(stored.values()))  # the twin that got there first kept its own copies
    else:
        logger.info("application %s submitted for %s via %s", application.receipt, guide.code, application.channel)
    return application, replayed


def refuse_spent_caller(caller: Caller) -> None:
    """Before an upload is read: refuse a caller who has already spent their application budget."""
    limits.refuse_if_spent("application", caller)


def _attach(row: ApplicationMaterial, checked: uploads.CheckedFile, path: str, now: dt.datetime) -> None:
    row.state = MaterialState.PROVIDED
    row.file, row.file_name, row.content_type = path, checked.name, checked.content_type
    row.size, row.sha256, row.uploaded_at = checked.size, checked.sha256, now


# ---- looking up -------------------------------------------------------------------------------------


def find(receipt: str, caller: Caller) -> Application:
    """The application with this receipt, if the caller's ID number (or credit code) made it; the same 404
    either way, and a receipt that sees a few wrong ID numbers locks (cms/core/lookups.py)."""
    queryset = Application.objects.select_related("centre", "department")
    return lookups.find_held("application", queryset, "receipt", "identifier_key", receipt, caller, NOT_FOUND)


def normalise_receipt(receipt: str) -> str:
    return normalise(receipt)


# ---- the applicant's supplement ---------------------------------------------------------------------


def supplement(application: Application, files: dict[str, list], caller: Caller) -> Application:
    """Upload missing or requested materials; once none is outstanding the application is accepted."""
    limits.check("application", caller, id_number=application.identifier)
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
        raise Refusal(
            400,
            "material_missing",
            "请上传需补交的材料",
            "upload the material to supply",
            {"files": Text("未选择文件", "no file chosen")},
        )
    checked = uploads.check_batch(files, set(outstanding))
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
                _record(application, application.status, caller, f"已补交 / supplied: {names}")
            else:
                _resume(application, clock.today())
                _accept(application, clock.today())
                application.supplement_deadline = None
                application.reason = ""
                _record(application, S.ACCEPTED, caller, f"补交完成 / supplement complete: {names}")
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
    caller: Caller,
    reason: str = "",
    materials: list[int] | None = None,
    deadline_days: int | None = None,
    tracking_number: str = "",
) -> Application:
    """One staff action, checked against the status (under a row lock) and written to the audit trail."""
    action = ACTIONS.get(name)
    if action is None:
        raise Refusal(400, "invalid", "未知操作", "unknown action", {"action": Text("未知操作", "unknown action")})
    reason = (reason or "").strip()
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if application.status not in action.sources:
            status = ApplicationStatus(application.status).label
            raise Refusal(
                409,
                "wrong_status",
                f"当前状态为“{in_language(status, 'zh-hans')}”，不能{action.zh}",
                f"cannot {action.en} an application whose status is “{in_language(status, 'en')}”",
            )
        if name == "reject" and not reason:
            raise Refusal(400, "invalid", "请填写理由", "a reason is needed", {"reason": Text("必填", "required")})
        if name == "request_supplement":
            rows = list(application.materials.filter(position__in=materials or [], from_licence_library=False))
            if not rows or not reason:
                raise Refusal(
                    400,
                    "invalid",
                    "请选择需补正的材料并填写理由",
                    "choose the materials to supply again and give a reason",
                    {"materials": Text("至少选择一项", "at least one"), "reason": Text("必填", "required")},
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
                    {"tracking_number": Text("6至40位字母、数字或 -", "6–40 letters, digits or -")},
                )
            application.tracking_number = tracking_number
        if name in ("reject", "request_supplement"):
            application.reason = reason
        _record(application, action.target, caller, reason)
        application.save()
    logger.info("application %s: %s by %s", application.receipt, name, caller.label)
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
