"""Hours changed (a holiday, a closure, a centre's new hours): bring the affected days' slots in step,
which marks bookings on closed slots for rebooking and tells their holders."""

from cms.hours.signals import bookings_hit, hours_changed


def _resync(sender, centre_ids, first, last, **kwargs):
    from cms.bookings.slots import resync

    resync(centre_ids, first, last)


def _bookings_hit(sender, centre_ids, first, last, categories, limit, **kwargs):
    from cms.bookings.services import live_hits

    hits = live_hits(centre_ids, first, last, categories)
    rows = [
        (f"{b.slot.start:%Y-%m-%d %H:%M} {b.slot.centre.title}", b.category, b.code, b.id_masked) for b in hits[:limit]
    ]
    return hits.count(), rows


def connect():
    hours_changed.connect(_resync, dispatch_uid="bookings-resync-slots")
    bookings_hit.connect(_bookings_hit, dispatch_uid="bookings-hit")
