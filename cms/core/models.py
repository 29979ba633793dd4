"""Shared counters (rate limits, throttles) and lookup locks, kept where every app server sees them."""

from django.db import models


class Counter(models.Model):
    """One fixed-window counter or claim, when no Redis is configured (cms/core/counters.py)."""

    key = models.CharField(max_length=120, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.FloatField(db_index=True)  # seconds since the epoch: the periodic job removes old rows

    class Meta:
        verbose_name = "计数器 counter"

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"


class LookupLock(models.Model):
    """Wrong ID numbers given with one booking code or receipt: after a few, the code locks, for longer
    with each further failure, until its holder proves who they are (cms/core/lookups.py)."""

    key = models.CharField(max_length=64, unique=True)  # keyed hash of kind and code: codes are not stored here
    kind = models.CharField(max_length=20)
    code_hint = models.CharField(max_length=4)  # the code's last four characters, so staff can find the lock
    failures = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "查询锁定 lookup lock"
        verbose_name_plural = "查询锁定 lookup locks"

    def __str__(self) -> str:
        return f"{self.kind} …{self.code_hint}"
