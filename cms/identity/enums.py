from django.db import models


class Proof(models.TextChoices):
    """How well a booking's holder was shown to be who the ID number names (DESIGN.md §3, 实名认证)."""

    PROVEN = "proven", "已实名 proven"  # signed in with the real-name provider, or the ID card read at a kiosk
    CLAIMED = "claimed", "未核验 claimed"  # a typed ID number; the phone confirmed by a one-time code
    TYPED = "typed", "未核验 typed"  # a typed ID number, phone not confirmed (before PHONE_CODES is on)
