from django.apps import AppConfig


class CentresConfig(AppConfig):
    name = "cms.centres"
    label = "centres"
    verbose_name = "服务中心 Centres"

    def ready(self):
        from cms.centres import signal_handlers

        signal_handlers.connect()
