"""The change feed behind `/api/v1/changes`: one row per publish, unpublish or deletion of a guide or centre.

Kiosks and app servers keep local replicas (cache, search index) and bring them up to date by reading
the rows after the last id they saw; the id is the cursor.
"""

from django.db import models


class ChangeKind(models.TextChoices):
    GUIDE = "guide", "办事指南 guide"
    CENTRE = "centre", "服务中心 centre"
    HOURS = "hours", "办公时间 hours"


class ChangeAction(models.TextChoices):
    PUBLISHED = "published", "发布 published"
    UNPUBLISHED = "unpublished", "撤销发布 unpublished"
    DELETED = "deleted", "删除 deleted"


class Change(models.Model):
    """One change a replica must apply: fetch `key` again (published) or drop it (unpublished, deleted)."""

    kind = models.CharField("类型 kind", max_length=10, choices=ChangeKind.choices)
    key = models.CharField("代码 key", max_length=60, help_text="guide code, centre code or calendar key")
    action = models.CharField("动作 action", max_length=12, choices=ChangeAction.choices)
    at = models.DateTimeField("时间 at", auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "变更 change"
        indexes = [models.Index(fields=["kind", "key"])]

    def __str__(self) -> str:
        return f"{self.id}: {self.kind} {self.key} {self.action}"
