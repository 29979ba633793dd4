"""Slots and bookings. A slot's `booked` never exceeds its `capacity`: the database checks it, and the
only increment is a conditional UPDATE (`cms.bookings.services`)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting

from cms.bookings.enums import LIVE, Action, BookingStatus, SlotState
from cms.core.enums import Channel, Language
from cms.core.idempotency import IdempotentModel
from cms.personal.fields import EncryptedTextField
from guides.centres import RuleKind
from guides.enums import WindowCategory


def _choices(enum) -> list[tuple[str, str]]:
    return [(member.value, member.value) for member in enum]


class BookingSettings(BaseGenericSetting):
    """The booking window, slot length and per-person limits, city-wide."""

    lead_minutes = models.PositiveIntegerField(
        "最早提前（分钟）lead time, minutes", default=60, help_text="最早可预约当前时刻之后多久的时段"
    )
    days_ahead = models.PositiveIntegerField(
        "最多提前（天）days ahead", default=14, validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    slot_minutes = models.PositiveIntegerField(
        "时段长度（分钟）slot length, minutes", default=30, validators=[MinValueValidator(5), MaxValueValidator(240)]
    )
    change_cutoff_minutes = models.PositiveIntegerField(
        "改约/取消截止（开始前分钟）change cut-off, minutes before", default=120
    )
    weekly_cap = models.PositiveIntegerField("每人每周最多预约 weekly cap per person", default=3)
    no_show_limit = models.PositiveIntegerField("爽约次数上限 no-shows allowed", default=2)
    no_show_window_days = models.PositiveIntegerField("爽约统计期（天）no-show window, days", default=90)
    no_show_bar_days = models.PositiveIntegerField("限制预约（天）refused for, days", default=30)
    no_show_grace_minutes = models.PositiveIntegerField("时段结束后多久记爽约 no-show after, minutes", default=30)
    check_in_early_minutes = models.PositiveIntegerField(
        "最早提前签到（分钟）check-in opens, minutes before", default=60
    )
    reminder_hours = models.PositiveIntegerField("提前提醒（小时）remind, hours before", default=24)

    panels = [
        MultiFieldPanel(
            [FieldPanel("lead_minutes"), FieldPanel("days_ahead"), FieldPanel("slot_minutes")],
            heading="预约窗口 booking window",
        ),
        MultiFieldPanel(
            [
                FieldPanel("weekly_cap"),
                FieldPanel("no_show_limit"),
                FieldPanel("no_show_window_days"),
                FieldPanel("no_show_bar_days"),
            ],
            heading="每人限制 per-person limits",
        ),
        MultiFieldPanel(
            [
                FieldPanel("change_cutoff_minutes"),
                FieldPanel("check_in_early_minutes"),
                FieldPanel("no_show_grace_minutes"),
                FieldPanel("reminder_hours"),
            ],
            heading="改约、签到与提醒 changes, check-in and reminders",
        ),
    ]

    class Meta:
        verbose_name = "预约设置 booking settings"


class SlotPolicy(models.Model):
    """Per centre and category: whether it takes bookings, and a capacity other than its window count."""

    centre = models.ForeignKey(
        "centres.CentrePage", verbose_name="服务中心 centre", on_delete=models.CASCADE, related_name="slot_policies"
    )
    category = models.CharField("窗口类别 category", max_length=20, choices=_choices(WindowCategory))
    bookable = models.BooleanField("接受预约 takes bookings", default=True)
    capacity = models.PositiveIntegerField(
        "每时段名额 places per slot",
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="空则等于窗口数 / empty: the number of windows",
    )
    slot_minutes = models.PositiveIntegerField(
        "时段长度（分钟）slot length",
        null=True,
        blank=True,
        validators=[MinValueValidator(5), MaxValueValidator(240)],
        help_text="空则用预约设置 / empty: the booking settings' length",
    )

    panels = [
        FieldPanel("centre"),
        FieldPanel("category"),
        FieldPanel("bookable"),
        FieldPanel("capacity"),
        FieldPanel("slot_minutes"),
    ]

    class Meta:
        verbose_name = "时段规则 slot policy"
        verbose_name_plural = "时段规则 slot policies"
        constraints = [models.UniqueConstraint(fields=["centre", "category"], name="one_slot_policy_per_category")]

    def __str__(self) -> str:
        return f"{self.centre.title} · {self.category}"


class Slot(models.Model):
    """A bookable time at one centre for one window category; `capacity` places, `booked` taken."""

    centre = models.ForeignKey("centres.CentrePage", on_delete=models.CASCADE, related_name="slots")
    category = models.CharField(max_length=20, choices=_choices(WindowCategory))
    date = models.DateField()  # local (Asia/Shanghai) date of `start`
    start = models.DateTimeField()
    end = models.DateTimeField()
    kind = models.CharField(max_length=20, choices=_choices(RuleKind))
    capacity = models.PositiveIntegerField()
    booked = models.PositiveIntegerField(default=0)
    state = models.CharField(max_length=10, choices=SlotState.choices, default=SlotState.OPEN)

    class Meta:
        ordering = ["start", "category"]
        constraints = [
            models.CheckConstraint(condition=Q(booked__lte=F("capacity")), name="slot_never_overbooked"),
            models.CheckConstraint(condition=Q(booked__gte=0), name="slot_booked_not_negative"),
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="slot_ends_after_start"),
            models.UniqueConstraint(fields=["centre", "category", "start"], name="one_slot_per_start"),
        ]
        indexes = [models.Index(fields=["centre", "date"])]

    def __str__(self) -> str:
        return f"{self.centre_id} {self.category} {self.start:%Y-%m-%d %H:%M}"

    @property
    def remaining(self) -> int:
        return max(self.capacity - self.booked, 0) if self.state == SlotState.OPEN else 0


class Person(models.Model):
    """Whoever books, known only by the keyed hash of their ID number or credit code."""

    key = models.CharField(max_length=64, unique=True)
    barred_until = models.DateTimeField(null=True, blank=True)  # after too many no-shows

    def __str__(self) -> str:
        return f"person {self.key[:8]}…"


class Booking(IdempotentModel):
    """预约: one person's place in one slot for one guide."""

    code = models.CharField("预约码 code", max_length=12, unique=True)
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="bookings")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="bookings")
    guide_code = models.CharField("事项编码 guide", max_length=40)
    guide_name = models.CharField("事项 guide name", max_length=255)
    guide_name_en = models.CharField("事项英文名 guide name in English", max_length=255, blank=True)
    category = models.CharField(max_length=20, choices=_choices(WindowCategory))
    name = EncryptedTextField("姓名 name")
    phone = EncryptedTextField("电话 phone")
    id_number = EncryptedTextField("证件号 ID number")
    id_masked = models.CharField("证件号 ID number", max_length=20)
    email = EncryptedTextField("邮箱 email", null=True, blank=True)
    language = models.CharField(max_length=10, choices=Language.choices, default=Language.ZH)
    status = models.CharField(max_length=12, choices=BookingStatus.choices, default=BookingStatus.BOOKED)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    device = models.ForeignKey(
        "devices.KioskDevice", null=True, blank=True, on_delete=models.SET_NULL, related_name="bookings"
    )
    # the personal-information notice the person agreed to (cms/identity/privacy.py), and when
    consent_version = models.CharField("告知版本 notice version", max_length=20, blank=True)
    consented_at = models.DateTimeField("同意时间 consented", null=True, blank=True)
    ticket = models.CharField("排队号 ticket", max_length=8, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    sequence = models.PositiveIntegerField(default=0)  # bumped on each change, for the .ics SEQUENCE
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slot__start", "code"]
        verbose_name = "预约 booking"
        verbose_name_plural = "预约 bookings"
        constraints = [
            models.UniqueConstraint(
                fields=["person", "guide_code"],
                condition=Q(status__in=LIVE),
                name="one_live_booking_per_guide",
            )
        ]
        indexes = [models.Index(fields=["status", "slot"])]

    def __str__(self) -> str:
        return self.code

    @property
    def live(self) -> bool:
        return self.status in LIVE


class BookingEvent(models.Model):
    """What happened to a booking, when, and through which channel or user."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    action = models.CharField(max_length=12, choices=Action.choices)
    by = models.CharField(max_length=150, blank=True)  # channel, kiosk name or staff username
    detail = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.booking_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


class TicketCounter(models.Model):
    """The last queue number given at a centre for a category on a date."""

    centre = models.ForeignKey("centres.CentrePage", on_delete=models.CASCADE, related_name="+")
    category = models.CharField(max_length=20, choices=_choices(WindowCategory))
    date = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["centre", "category", "date"], name="one_counter_per_queue")]

    def __str__(self) -> str:
        return f"{self.centre_id} {self.category} {self.date}: {self.last}"
