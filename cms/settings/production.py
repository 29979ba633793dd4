"""`make run` and real deployments: gunicorn, whitenoise, secrets from the environment (docs/deploy.md)."""

import os

from cms.settings.base import *  # noqa: F403

DEBUG = False
SECRET_KEY = os.environ["SECRET_KEY"]
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

# Behind TLS (HTTPS=1, a real deployment) cookies are secure, plain HTTP is redirected and mail goes
# out over SMTP; a loopback `make run` has no TLS and writes mail to files under DATA_DIR/mail (cms/core/mail.py).
HTTPS = os.environ.get("HTTPS") == "1"
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")  # nginx sets it (docs/deploy.md)
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True  # sending it commits to nothing; submitting the domain to the list does
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("EMAIL_HOST", "localhost"),
                "port": int(os.environ.get("EMAIL_PORT", "25")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": os.environ.get("EMAIL_USE_TLS") == "1",
                "timeout": 10,
            },
        }
    }
else:
    MAILERS = {
        "default": {"BACKEND": "cms.core.mail.PrivateFileBackend", "OPTIONS": {"file_path": str(DATA_DIR / "mail")}}  # noqa: F405
    }
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@localhost")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Browsers that know CSP follow its frame-ancestors 'self' (the admin's preview panel frames live pages)
# and ignore this; older ones get no framing at all.
X_FRAME_OPTIONS = "DENY"

# JSON lines on stderr (journald or the container collects them), personal data masked in every
# record: Django's, ours and gunicorn's (its access log carries query strings).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"personal_data": {"()": "cms.personal.logs.PersonalDataFilter"}},
    "formatters": {"json": {"()": "cms.personal.logs.JsonLinesFormatter"}},
    "handlers": {
        "json": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["personal_data"]},
    },
    "root": {"handlers": ["json"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django_tasks": {"level": "WARNING"},
        "gunicorn.error": {"handlers": ["json"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["json"], "level": "INFO", "propagate": False},
    },
}
