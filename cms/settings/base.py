"""Settings shared by every environment. Secrets and locations come from the environment (DESIGN.md §7)."""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parents[2]
DATA_DIR = Path(os.environ.get("DATA_DIR", BASE_DIR / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)  # SQLite, media and the search index live here

INSTALLED_APPS = [
    "cms.home",
    "cms.services",
    "cms.centres",
    "cms.personal",
    "cms.devices",
    "cms.hours",
    "cms.bookings",
    "cms.applications",
    "cms.api",
    "cms.search",
    "cms.changes",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "cms" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]


def database_config(url: str | None) -> dict:
    """SQLite under DATA_DIR by default; any dj-database-url URL (PostgreSQL at scale) otherwise."""
    config = dj_database_url.parse(url or f"sqlite:///{DATA_DIR / 'onetrip.sqlite3'}", conn_max_age=60)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        # WAL lets gunicorn workers read while one writes; IMMEDIATE takes the write lock at BEGIN,
        # so concurrent writers queue on the busy timeout instead of failing mid-transaction.
        config["OPTIONS"] = {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    return config


DATABASES = {"default": database_config(os.environ.get("DATABASE_URL"))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    INSTALLED_APPS.append("django.contrib.postgres")  # wagtailsearch's index fields need it on PostgreSQL

# Keyed hashes and encryption at rest of names, phones and ID numbers (cms/personal). Every app server
# sharing a database needs the same key; unset, `make run` generates one into DATA_DIR.
PERSONAL_DATA_KEY = os.environ.get("PERSONAL_DATA_KEY", "")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Online applications (cms/applications): uploaded materials live outside MEDIA_ROOT, served only by
# views that check the receipt + ID number or the department; caps per file, per request and in pixels.
APPLICATION_FILES_DIR = Path(os.environ.get("APPLICATION_FILES_DIR", DATA_DIR / "application-files"))
APPLICATION_UPLOAD_MAX_BYTES = 10 * 1024 * 1024
APPLICATION_UPLOAD_TOTAL_BYTES = 40 * 1024 * 1024
APPLICATION_UPLOAD_MAX_FILES = 20
APPLICATION_IMAGE_MAX_PIXELS = 40_000_000
APPLICATION_SUPPLEMENT_DAYS = 5  # working days to supply a 容缺 material
APPLICATION_LOOKUP_LIMIT = (20, 600)  # status lookups per client address per 600 seconds

if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "cms" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

WAGTAIL_SITE_NAME = "最多跑一次 · 平湖市政务服务"
WAGTAILADMIN_BASE_URL = os.environ.get("SITE_URL", f"http://127.0.0.1:{os.environ.get('PORT', '8000')}")
WAGTAIL_I18N_ENABLED = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# Our Chinese search (guides/search, cms/search): each app server keeps its own Whoosh index here.
SEARCH_INDEX_DIR = Path(os.environ.get("SEARCH_INDEX_DIR", DATA_DIR / "search-index"))
SEARCH_INDEX_LOCK_TIMEOUT = 5.0  # seconds a writer waits for the index before queueing its change
SEARCH_INDEX_REBUILD_INLINE = False  # a broken index is rebuilt in a background thread


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"django_tasks": {"level": "WARNING"}},
}
