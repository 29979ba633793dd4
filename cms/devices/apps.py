from django.apps import AppConfig


class DevicesConfig(AppConfig):
    """Self-service kiosks and their API tokens."""

    name = "cms.devices"
    label = "devices"
    verbose_name = "自助终端 kiosks"
