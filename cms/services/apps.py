from django.apps import AppConfig


class ServicesConfig(AppConfig):
    name = "cms.services"
    label = "services"
    verbose_name = "办事指南 Service guides"
