from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "cms.search"
    label = "search"
    verbose_name = "搜索 Search"

    def ready(self):
        from cms.search import signal_handlers

        signal_handlers.connect()
