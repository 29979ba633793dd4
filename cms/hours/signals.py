"""What the hours app tells others: that hours may have changed on some dates, and the question it asks
before a change (how many live bookings it hits), answered by whoever holds bookings."""

from django.dispatch import Signal

# Sent when hours may have changed on some dates: `centre_ids` (None: every centre), `first`, `last`.
# Bookings listen, to close slots that are no longer open and mark their bookings for rebooking.
hours_changed = Signal()

# Asked before a change is saved, with `centre_ids` (None: every centre), `first`, `last`, `categories` (None: all)
# and `limit`: whoever holds bookings answers (how many live bookings the change would hit, the first `limit` of
# them as rows of display text), so the admin can ask its editor to confirm without knowing what a booking is.
bookings_hit = Signal()
