"""`make dev`: Django's autoreloading server, debug on, a fixed throwaway secret."""

from cms.settings.base import *  # noqa: F403

DEBUG = True
SECRET_KEY = "dev-only-not-secret"  # noqa: S105 — development server on loopback only
PERSONAL_DATA_KEY = "dev-only-personal-data-key-0123456789abcdef"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
