"""Hours changed (a holiday, a closure, a centre's new hours): bring the affected days' slots in step,
which marks bookings on closed slots for rebooking and tells their holders."""

from cms.hours.sources import hours_changed


def _resync(sender, centre_ids, first, last, **kwargs):
    from cms.bookings.slots import resync

    resync(centre_ids, first, last)


def connect():
    hours_changed.connect(_resync, dispatch_uid="bookings-resync-slots")
