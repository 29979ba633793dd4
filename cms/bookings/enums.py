from django.db import models


class BookingStatus(models.TextChoices):
    BOOKED = "booked", "已预约 booked"
    CHECKED_IN = "checked_in", "已签到 checked in"
    CANCELLED = "cancelled", "已取消 cancelled"
    NO_SHOW = "no_show", "爽约 no-show"
    REBOOK = "rebook", "需改约 to rebook"  # its slot was closed (holiday, closure, new hours)


LIVE = (BookingStatus.BOOKED, BookingStatus.REBOOK)  # holds a place; at most one per person and guide
COUNTED = (*LIVE, BookingStatus.CHECKED_IN, BookingStatus.NO_SHOW)  # counts towards the weekly cap


class SlotState(models.TextChoices):
    OPEN = "open", "可预约 open"
    RETIRED = "retired", "停止预约 retired"  # off the slot grid now, but still within hours: keeps its bookings
    CLOSED = "closed", "关闭 closed"  # no longer within opening hours


class Action(models.TextChoices):
    BOOKED = "booked", "预约 booked"
    RESCHEDULED = "rescheduled", "改约 rescheduled"
    CANCELLED = "cancelled", "取消 cancelled"
    CHECKED_IN = "checked_in", "签到 checked in"
    NO_SHOW = "no_show", "爽约 no-show"
    REBOOK = "rebook", "时段关闭，需改约 slot closed"
    RESTORED = "restored", "时段恢复 slot reopened"
    REMINDED = "reminded", "提醒 reminded"
