from django.apps import AppConfig


class ServicesConfig(AppConfig):
    name = "cms.services"
    label = "services"
    verbose_name = "办事指南 Service guides"

    def ready(self):
        from cms.services import signal_handlers

        signal_handlers.connect()
