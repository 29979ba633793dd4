from django.apps import AppConfig


class BookingsConfig(AppConfig):
    """预约: slots from hours × windows, bookings that never overbook, check-in tickets."""

    name = "cms.bookings"
    label = "bookings"
    verbose_name = "预约 bookings"

    def ready(self):
        from cms.bookings import signal_handlers

        signal_handlers.connect()
