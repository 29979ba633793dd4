"""The city calendar and closures. A centre's regular week and rule kinds live on CentrePage."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from guides.calendar import DayKind, Source
from guides.enums import WindowCategory


def _choices(enum, labels: dict) -> list[tuple[str, str]]:
    return [(member.value, labels[member]) for member in enum]


WEEKDAYS = [(1, "周一 Monday"), (2, "周二 Tuesday"), (3, "周三 Wednesday"), (4, "周四 Thursday"), (5, "周五 Friday")]


class CalendarDay(models.Model):
    """A public holiday or a 调休 makeup workday, city-wide. Prefilled from the `holidays` package."""

    date = models.DateField("日期 date", unique=True)
    kind = models.CharField(
        "类型 kind",
        max_length=20,
        choices=_choices(DayKind, {DayKind.HOLIDAY: "放假 holiday", DayKind.MAKEUP_WORKDAY: "调休上班 makeup workday"}),
    )
    name = models.CharField("名称 name", max_length=100)
    name_en = models.CharField("英文名称 English name", max_length=200, blank=True)
    works_as = models.PositiveSmallIntegerField(
        "按星期几上班 works as",
        choices=WEEKDAYS,
        null=True,
        blank=True,
        help_text="调休上班日按哪一天的办公时间 / whose hours a makeup workday keeps",
    )
    source = models.CharField(
        "来源 source",
        max_length=10,
        choices=_choices(
            Source,
            {
                Source.OFFICIAL: "国务院通知 official notice",
                Source.ESTIMATED: "推定（未公布）estimated",
                Source.EDITOR: "编辑录入 editor",
            },
        ),
        default=Source.EDITOR,
        editable=False,
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["date"]
        verbose_name = "日历日 calendar day"
        verbose_name_plural = "放假与调休 holidays and makeup workdays"
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=DayKind.HOLIDAY, works_as__isnull=True)
                | Q(kind=DayKind.MAKEUP_WORKDAY, works_as__isnull=False),
                name="makeup_workday_says_whose_hours",
            )
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"

    def clean(self):
        if self.kind == DayKind.MAKEUP_WORKDAY and self.works_as is None:
            raise ValidationError({"works_as": "调休上班日须指定按星期几上班 / say whose hours a makeup workday keeps"})
        if self.kind == DayKind.HOLIDAY:
            self.works_as = None


class Closure(models.Model):
    """临时闭厅: a centre (or some of its categories) shut on some days, e.g. a system upgrade or a typhoon."""

    centre = models.ForeignKey(
        "centres.CentrePage", verbose_name="服务中心 centre", on_delete=models.CASCADE, related_name="closures"
    )
    categories = models.JSONField(
        "窗口类别（空为全部）categories, empty for the whole centre",
        default=list,
        blank=True,
        help_text="不选则整个中心闭厅 / leave empty to close the whole centre",
    )
    start_date = models.DateField("开始日期 first day")
    end_date = models.DateField("结束日期 last day")
    reason = models.CharField("原因 reason", max_length=200)
    reason_en = models.CharField("原因（英文）reason (English)", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start_date"]
        verbose_name = "临时闭厅 closure"
        verbose_name_plural = "临时闭厅 closures"
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="closure_ends_after_start")
        ]

    def __str__(self) -> str:
        return f"{self.centre.title} {self.start_date:%Y-%m-%d}–{self.end_date:%Y-%m-%d} {self.reason}"

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "结束日期不能早于开始日期 / the last day is before the first"})
        unknown = [c for c in self.categories if c not in set(WindowCategory)]
        if unknown:
            raise ValidationError({"categories": f"未知的窗口类别 / unknown categories: {unknown}"})
