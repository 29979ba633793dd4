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
