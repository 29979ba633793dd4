"""Who is who: the demo identity provider's accounts (cms/identity/provider.py)."""

from django.conf import settings
from django.db import models

from cms.identity.enums import Proof
from cms.personal.fields import EncryptedTextField
from guides.applicants import ApplicantKind


class DemoAccount(models.Model):
    """A person or company known to the demo identity provider, with the real-name claims it vouches for."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="demo_account")
    kind = models.CharField(max_length=10, choices=[(k.value, k.value) for k in ApplicantKind])
    name = EncryptedTextField("姓名或企业名称 name")
    identifier = EncryptedTextField("证件号或统一社会信用代码 identifier")
    phone = EncryptedTextField("手机 phone")
    loa = models.PositiveSmallIntegerField("认证等级 level of assurance", default=3)

    class Meta:
        verbose_name = "演示账号 demo account"

    def __str__(self) -> str:
        return self.user.get_username()

    def claims(self) -> dict:
        """The ID token's real-name claims, under the names the client reads (settings.OIDC_CLAIMS)."""
        names = settings.OIDC_CLAIMS
        key = "uscc" if self.kind == ApplicantKind.COMPANY else "id_number"
        return {
            names["name"]: self.name,
            names["phone"]: self.phone,
            names[key]: self.identifier,
            names["loa"]: self.loa,
        }


class BookingHolder(models.Model):
    """Whose name a booking is in (the keyed hash of its ID number) and how that was shown.

    A claimed booking's limits and no-shows fall on its phone (`Booking.person`), never on the ID number it names,
    so nobody can spend or bar another's quota by typing their number; this row still lets the person it names
    find it (我的预约) and cancel it once signed in."""

    booking = models.OneToOneField(
        "bookings.Booking", on_delete=models.CASCADE, primary_key=True, related_name="holder"
    )
    key = models.CharField(max_length=64, db_index=True)
    proof = models.CharField(max_length=10, choices=Proof.choices)

    class Meta:
        verbose_name = "预约人 booking holder"

    def __str__(self) -> str:
        return f"{self.booking_id} {self.proof}"

    @property
    def verified(self) -> bool:
        return self.proof == Proof.PROVEN


class PhoneCode(models.Model):
    """A one-time code sent to a phone: only its keyed hash is kept, with the phone's, for a few minutes."""

    phone_key = models.CharField(max_length=64, db_index=True)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "短信验证码 phone code"

    def __str__(self) -> str:
        return f"code for {self.phone_key[:8]}… until {self.expires_at:%H:%M}"


class StaffAccess(models.Model):
    """Who of the staff read or changed whose personal data, when and why (PIPL: a log of access)."""

    LOOK_UP, LIFT_BAR, CANCEL = "look_up", "lift_bar", "cancel"
    ACTIONS = [(LOOK_UP, "查询 look-up"), (LIFT_BAR, "解除限制 lift bar"), (CANCEL, "取消预约 cancel")]

    at = models.DateTimeField("时间 when", db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    username = models.CharField("工作人员 staff", max_length=150)
    subject_key = models.CharField(max_length=64, db_index=True)  # keyed hash of the ID number looked up
    subject_masked = models.CharField("证件号 ID number", max_length=20)
    action = models.CharField("操作 action", max_length=10, choices=ACTIONS)
    reason = models.CharField("事由 reason", max_length=255)
    detail = models.CharField("内容 detail", max_length=255, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "个人信息访问记录 staff access"
        verbose_name_plural = "个人信息访问记录 staff access log"

    def __str__(self) -> str:
        return f"{self.username} {self.action} {self.subject_masked} {self.at:%Y-%m-%d %H:%M}"


class Consent(models.Model):
    """A signed-in person's consent to the personal-information notice (PIPL), by version of the notice."""

    key = models.CharField(max_length=64, db_index=True)  # keyed hash of the ID number or credit code
    version = models.CharField(max_length=20)
    at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "version"], name="one_consent_per_notice")]
        verbose_name = "个人信息同意 consent"

    def __str__(self) -> str:
        return f"{self.key[:8]}… {self.version}"
