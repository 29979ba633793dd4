from django.db import models
from django.utils.translation import pgettext_lazy


class BookingStatus(models.TextChoices):
    BOOKED = "booked", pgettext_lazy("booking status", "Booked")
    CHECKED_IN = "checked_in", pgettext_lazy("booking status", "Checked in")
    CANCELLED = "cancelled", pgettext_lazy("booking status", "Cancelled")
    NO_SHOW = "no_show", pgettext_lazy("booking status", "No-show")
    # its slot was closed (holiday, closure, new hours)
    REBOOK = "rebook", pgettext_lazy("booking status", "To rebook: the centre is closed at that time")


LIVE = (BookingStatus.BOOKED, BookingStatus.REBOOK)  # holds a place; at most one per person and guide
COUNTED = (*LIVE, BookingStatus.CHECKED_IN, BookingStatus.NO_SHOW)  # counts towards the weekly cap


class SlotState(models.TextChoices):
    OPEN = "open", pgettext_lazy("slot state", "Open")
    # off the slot grid now, but still within hours: keeps its bookings
    RETIRED = "retired", pgettext_lazy("slot state", "Retired")
    CLOSED = "closed", pgettext_lazy("slot state", "Closed")  # no longer within opening hours


class Action(models.TextChoices):
    BOOKED = "booked", pgettext_lazy("booking event", "Booked")
    RESCHEDULED = "rescheduled", pgettext_lazy("booking event", "Rescheduled")
    CANCELLED = "cancelled", pgettext_lazy("booking event", "Cancelled")
    CHECKED_IN = "checked_in", pgettext_lazy("booking event", "Checked in")
    NO_SHOW = "no_show", pgettext_lazy("booking event", "No-show")
    REBOOK = "rebook", pgettext_lazy("booking event", "Slot closed, to rebook")
    RESTORED = "restored", pgettext_lazy("booking event", "Slot reopened")
    REMINDED = "reminded", pgettext_lazy("booking event", "Reminded")
