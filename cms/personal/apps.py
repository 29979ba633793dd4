from django.apps import AppConfig
from django.core import checks


class PersonalConfig(AppConfig):
    """Personal data: keyed hashes of identifiers, encryption at rest, masking."""

    name = "cms.personal"
    label = "personal"

    def ready(self):
        checks.register(check_key, checks.Tags.security)


def check_key(app_configs, **kwargs):
    from django.conf import settings

    if getattr(settings, "PERSONAL_DATA_KEY", ""):
        if len(settings.PERSONAL_DATA_KEY) < 32:
            return [checks.Warning("PERSONAL_DATA_KEY is shorter than 32 characters", id="personal.W002")]
        return []
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        return [
            checks.Warning(
                "PERSONAL_DATA_KEY is not set: each app server generates its own key in DATA_DIR, "
                "and servers sharing one database will not read each other's personal data",
                hint="set the same PERSONAL_DATA_KEY (48 random characters) on every app server",
                id="personal.W001",
            )
        ]
    return []
