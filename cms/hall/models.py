"""The service hall (办事大厅): windows (`Counter`), queue tickets (`Ticket`), helper calls (`HelpRequest`)
and which centre a hall worker serves (`StaffPost`)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from cms.core.idempotency import IdempotentModel
from cms.devices.tokens import hash_token, new_token, token_hint
from cms.hall.enums import CURRENT, QUEUE_CHOICES, HelpStatus, Priority, TicketStatus
from guides import clock


class Counter(models.Model):
    """窗口 (柜台): one window at a centre, the categories it serves, its device's token and its clerk."""

    name = models.CharField("名称 name", max_length=100, unique=True)
    centre = models.ForeignKey("centres.CentrePage", on_delete=models.CASCADE, related_name="counters")
    number = models.PositiveIntegerField("窗口号 window number")
    categories = models.JSONField("服务类别 categories", default=list)  # WindowCategory values
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="当前窗口人员 clerk signed in",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    pickup = models.BooleanField(
        "统一出件窗口 pickup window", default=False, help_text="hands finished results over to citizens"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_hint = models.CharField("令牌前缀 token starts", max_length=12, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField("吊销时间 revoked", null=True, blank=True, editable=False)

    class Meta:
        ordering = ["centre_id", "number"]
        verbose_name = "窗口 window"
        verbose_name_plural = "窗口 windows"
        constraints = [models.UniqueConstraint(fields=["centre", "number"], name="one_counter_per_window_number")]
        permissions = [("serve_counter", "在窗口叫号办件 serve at a window")]

    def __str__(self) -> str:
        return f"{self.name} ({self.number})"

    def issue_token(self) -> str:
        """Set a new token (replacing any old one) and return it; it is shown once and never stored."""
        token = new_token()
        self.token_hash = hash_token(token)
        self.token_hint = token_hint(token)
        return token

    def revoke(self) -> None:
        self.revoked_at = self.revoked_at or clock.now()


class Ticket(IdempotentModel):
    """现场取号: a walk-in's or a checked-in booking's place in a centre's queue for one category and day.
    A kiosk's request carries an `Idempotency-Key`: a retry after a lost answer gets the same ticket.

    Called in order of (priority first, then `queue_at`): a walk-in queues from when they took the ticket,
    a booking from its slot's start, or from arrival if they came late (docs/hall.md)."""

    centre = models.ForeignKey("centres.CentrePage", on_delete=models.CASCADE, related_name="+")
    category = models.CharField("窗口类别 category", max_length=20, choices=QUEUE_CHOICES)  # or the pickup queue
    date = models.DateField()  # local date it was issued on
    number = models.CharField("排队号 ticket", max_length=8)  # "F012": the letter of its first category
    booking = models.OneToOneField(
        "bookings.Booking", null=True, blank=True, on_delete=models.SET_NULL, related_name="hall_ticket"
    )
    device = models.ForeignKey(
        "devices.KioskDevice", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    application = models.ForeignKey(  # the application received or handed over for this ticket at a window
        "applications.Application", null=True, blank=True, on_delete=models.SET_NULL, related_name="hall_tickets"
    )
    priority = models.CharField(max_length=12, choices=Priority.choices, blank=True, default="")
    phone = models.CharField("手机 phone", max_length=20, blank=True)  # a web ticket's confirmed phone, for its SMS
    notified_at = models.DateTimeField(null=True, blank=True)  # when the "three ahead" SMS went out (once)
    status = models.CharField(max_length=10, choices=TicketStatus.choices, default=TicketStatus.WAITING)
    issued_at = models.DateTimeField()
    queue_at = models.DateTimeField()
    counter = models.ForeignKey(Counter, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets")
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    called_at = models.DateTimeField(null=True, blank=True)
    first_called_at = models.DateTimeField(null=True, blank=True)  # the wait ends here, whatever recalls follow
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    recalls = models.PositiveSmallIntegerField(default=0)
    transfers = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["date", "queue_at", "pk"]
        verbose_name = "排队号 ticket"
        verbose_name_plural = "排队号 tickets"
        constraints = [
            models.UniqueConstraint(fields=["centre", "date", "number"], name="one_ticket_per_number_and_day"),
            models.UniqueConstraint(
                fields=["counter"], condition=Q(status__in=CURRENT), name="one_current_ticket_per_counter"
            ),
        ]
        indexes = [models.Index(fields=["centre", "date", "status", "category"])]

    def __str__(self) -> str:
        return f"{self.number} {self.date}"


class HelpRequest(models.Model):
    """义工 / 帮办: a citizen at a kiosk asks for someone to come and help."""

    centre = models.ForeignKey("centres.CentrePage", on_delete=models.CASCADE, related_name="+")
    device = models.ForeignKey("devices.KioskDevice", on_delete=models.CASCADE, related_name="+")
    screen = models.CharField("终端页面 kiosk screen", max_length=60, blank=True)
    status = models.CharField(max_length=10, choices=HelpStatus.choices, default=HelpStatus.WAITING)
    created_at = models.DateTimeField()
    taken_at = models.DateTimeField(null=True, blank=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "帮办请求 help request"
        verbose_name_plural = "帮办请求 help requests"
        permissions = [("help_visitors", "处理帮办请求 answer help requests")]

    def __str__(self) -> str:
        return f"{self.device_id} {self.created_at:%H:%M}"


class StaffPost(models.Model):
    """A hall worker's centre: clerks, volunteers and centre leads act at theirs only."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hall_posts")
    centre = models.ForeignKey("centres.CentrePage", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "centre"], name="one_post_per_user_and_centre")]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.centre_id}"
