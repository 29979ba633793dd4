"""Online applications (办件): the applicant's file, one upload per material, and every status change.

Names, phones, identifiers, addresses and e-mails are stored encrypted (cms.personal); an applicant is
found by the keyed hash of their identifier, and lists show only the masked form.
"""

from django.conf import settings
from django.db import models

from cms.applications.enums import (
    AWAITING_SUPPLEMENT,
    ApplicantKind,
    ApplicationStatus,
    DeliveryMethod,
    MaterialState,
)
from cms.core.enums import Channel, Language
from cms.core.idempotency import IdempotentModel
from cms.personal.fields import EncryptedTextField


class Application(IdempotentModel):
    """办件: one submitted application for one guide, known to the applicant by its receipt code."""

    receipt = models.CharField("受理回执号 receipt", max_length=16, unique=True)
    guide = models.ForeignKey(
        "services.ServiceGuidePage", null=True, on_delete=models.SET_NULL, related_name="applications"
    )
    guide_code = models.CharField("事项编码 guide", max_length=40)
    guide_name = models.CharField("事项 guide name", max_length=255)
    guide_name_en = models.CharField("事项英文名 guide name in English", max_length=255, blank=True)
    department = models.ForeignKey(
        "services.Department", on_delete=models.PROTECT, related_name="applications", verbose_name="实施机构"
    )
    applicant_kind = models.CharField("申请人类型 applicant", max_length=10, choices=ApplicantKind.choices)
    name = EncryptedTextField("申请人 name")  # a person's name or a company's name
    identifier = EncryptedTextField("证件号 ID number or USCC")
    identifier_key = models.CharField(max_length=64, db_index=True, editable=False)
    identifier_masked = models.CharField("证件号 ID number", max_length=20)
    contact_name = EncryptedTextField("联系人 contact", blank=True)  # companies
    phone = EncryptedTextField("电话 phone")
    email = EncryptedTextField("邮箱 email", blank=True)
    language = models.CharField(max_length=10, choices=Language.choices, default=Language.ZH)
    delivery = models.CharField("送达方式 delivery", max_length=12, choices=DeliveryMethod.choices)
    centre = models.ForeignKey(
        "centres.CentrePage", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )  # pickup
    address = EncryptedTextField("快递地址 address", blank=True)  # express
    tracking_number = models.CharField("快递单号 tracking number", max_length=40, blank=True)
    status = models.CharField(
        "状态 status", max_length=30, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED
    )
    reason = models.TextField("不予受理/补正理由 reason", blank=True)  # of the last rejection or supplement request
    supplement_deadline = models.DateField("补正期限 supplement by", null=True, blank=True)
    committed_days = models.PositiveIntegerField("承诺时限（工作日）committed days")
    accepted_on = models.DateField("受理日期 accepted on", null=True, blank=True)
    due_date = models.DateField("办结期限 due", null=True, blank=True)
    # Set while staff wait for a requested supplement: the applicant's time does not count (see services).
    paused_on = models.DateField("计时暂停 clock paused since", null=True, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    device = models.ForeignKey(
        "devices.KioskDevice", null=True, blank=True, on_delete=models.SET_NULL, related_name="applications"
    )
    # the personal-information notice the person agreed to (cms/identity/privacy.py), and when
    consent_version = models.CharField("告知版本 notice version", max_length=20, blank=True)
    consented_at = models.DateTimeField("同意时间 consented", null=True, blank=True)
    created_at = models.DateTimeField("提交时间 submitted", auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "办件 application"
        verbose_name_plural = "办件 applications"
        indexes = [models.Index(fields=["department", "status"]), models.Index(fields=["status", "due_date"])]

    def __str__(self) -> str:
        return self.receipt

    @property
    def awaiting_supplement(self) -> bool:
        return self.status in AWAITING_SUPPLEMENT


class ApplicationMaterial(models.Model):
    """One material of the guide as it stood at submission, and the one file given for it (if any)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="materials")
    position = models.PositiveSmallIntegerField()  # 1-based, in the guide's order: the form field `material_<n>`
    name = models.CharField(max_length=255)
    name_en = models.CharField(max_length=255, blank=True)
    necessity = models.CharField(max_length=20)
    from_licence_library = models.BooleanField(default=False)
    state = models.CharField(max_length=24, choices=MaterialState.choices)
    file = models.CharField(max_length=255, blank=True)  # path inside APPLICATION_FILES_DIR, never a public URL
    file_name = models.CharField(max_length=150, blank=True)  # the sender's name, made safe
    content_type = models.CharField(max_length=40, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    uploaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["application", "position"], name="one_row_per_material")]

    def __str__(self) -> str:
        return f"{self.application_id} #{self.position} {self.name}"


class StatusChange(models.Model):
    """Audit trail: who moved the application from which status to which, when and why."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="history")
    at = models.DateTimeField(auto_now_add=True)
    from_status = models.CharField(max_length=30, choices=ApplicationStatus.choices, blank=True)
    to_status = models.CharField(max_length=30, choices=ApplicationStatus.choices)
    by = models.CharField(max_length=150)  # staff username, "applicant", a kiosk's name or "system"
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.from_status or '—'} → {self.to_status}"
