"""The one link from bookings: a check-in (its `checked_in` event, written in the check-in's transaction)
puts the citizen in the hall's queue under the ticket number check-in gave."""

from django.db.models.signals import post_save

from cms.bookings.enums import Action
from cms.bookings.models import BookingEvent


def _enqueue(sender, instance: BookingEvent, created: bool, **kwargs):
    if created and instance.action == Action.CHECKED_IN:
        from cms.hall.services import enqueue_booking

        booking = instance.booking
        enqueue_booking(booking, booking.checked_in_at)


def connect():
    post_save.connect(_enqueue, sender=BookingEvent, dispatch_uid="hall-enqueue-checked-in")
