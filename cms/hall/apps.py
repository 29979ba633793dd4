from django.apps import AppConfig


class HallConfig(AppConfig):
    """办事大厅: walk-in tickets, the windows that call them, the calling display and the helper call."""

    name = "cms.hall"
    label = "hall"
    verbose_name = "办事大厅 service hall"

    def ready(self):
        from cms.hall import signal_handlers

        signal_handlers.connect()
