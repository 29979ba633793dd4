from django.apps import AppConfig


class HoursConfig(AppConfig):
    """Opening hours: the city calendar (holidays, 调休) and ad-hoc closures of centres."""

    name = "cms.hours"
    label = "hours"
    verbose_name = "办公时间 hours"

    def ready(self):
        from cms.hours import signal_handlers

        signal_handlers.connect()
