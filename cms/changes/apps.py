from django.apps import AppConfig


class ChangesConfig(AppConfig):
    name = "cms.changes"
    label = "changes"
    verbose_name = "变更记录 Change feed"

    def ready(self):
        from cms.changes import signal_handlers

        signal_handlers.connect()
