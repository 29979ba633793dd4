from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every channel shares: who calls (Caller), the refusal's HTTP form, counters and limits,
    idempotency, lookups that cannot be walked, and the request plumbing of the API."""

    name = "cms.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cms.core import admin_login  # noqa: F401 — connects its login signal receivers
