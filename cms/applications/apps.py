from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    """办件: online applications, 容缺 supplements, the back office's actions and the audit trail."""

    name = "cms.applications"
    label = "applications"
    verbose_name = "办件 applications"

    def ready(self):
        from cms.applications import signal_handlers

        signal_handlers.connect()
