"""Kiosk devices (自助终端): each holds one bearer token for API writes; only its hash is stored."""

from django.db import models

from cms.devices.tokens import hash_token, new_token, token_hint
from guides import clock


class KioskDevice(models.Model):
    """A kiosk in a service centre, town hall or village station, known by its token."""

    name = models.CharField("名称 name", max_length=100, unique=True)
    centre = models.ForeignKey(
        "centres.CentrePage",
        verbose_name="所在服务中心 centre",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="kiosks",
        help_text="签到只接受本中心的预约 / check-ins are accepted for this centre's bookings only",
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_hint = models.CharField("令牌前缀 token starts", max_length=12, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用 last used", null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField("吊销时间 revoked", null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = "自助终端 kiosk"
        verbose_name_plural = "自助终端 kiosks"

    def __str__(self) -> str:
        return self.name

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def issue_token(self) -> str:
        """Set a new token (replacing any old one) and return it; it is shown once and never stored."""
        token = new_token()
        self.token_hash = hash_token(token)
        self.token_hint = token_hint(token)
        return token

    def revoke(self) -> None:
        self.revoked_at = self.revoked_at or clock.now()
