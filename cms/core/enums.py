"""Choices every app shares."""

from django.db import models


class Channel(models.TextChoices):
    """Where a request comes from."""

    WEB = "web", "网站 website"
    API = "api", "接口 API"
    KIOSK = "kiosk", "自助终端 kiosk"
    STAFF = "staff", "窗口 staff"
    SYSTEM = "system", "系统 system"


class Language(models.TextChoices):
    """The language a citizen reads their notices in."""

    ZH = "zh-hans", "简体中文"
    EN = "en", "English"

    @classmethod
    def of(cls, code: str) -> "Language":
        """The notice language for a request's language code ("en-gb" → EN, anything else ZH)."""
        return cls.EN if (code or "").lower().startswith("en") else cls.ZH
