"""Settings shared by every environment. Secrets and locations come from the environment (DESIGN.md §7)."""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE

from cms.identity.signing_key import local_signing_key

BASE_DIR = Path(__file__).resolve().parents[2]
DATA_DIR = Path(os.environ.get("DATA_DIR", BASE_DIR / "var")).resolve()
# SQLite, media, the search index, keys and uploaded files live here, for this service's user alone: all it
# creates is 0700/0600 (the umask), and a DATA_DIR or database left readable by an older version is tightened
# (a 0644 database let any local user read django_session, and so take over an admin session).
os.umask(0o077)
DATA_DIR.mkdir(parents=True, exist_ok=True, mode=0o700)
DATA_DIR.chmod(0o700)
for _stored in DATA_DIR.glob("*.sqlite3*"):
    _stored.chmod(0o600)

INSTALLED_APPS = [
    "cms.home",
    "cms.core",
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
    "cms.hall",
    "cms.identity",
    "cms.people",
    "oauth2_provider",  # the demo identity provider (cms/identity/provider.py), mounted only without OIDC_ISSUER
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
    "ninja",  # the API docs' Swagger UI from our static files, not a CDN (the CSP allows no other origin)
    "csp",
    "modelcluster",
    "taggit",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",  # sitemap.xml of guides and centres (cms/home/sitemaps.py)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "cms.core.request_size.ApiBodySizeLimit",  # 413 before an oversized API body is read
    "cms.core.request_size.FormUploadSizeLimit",  # 413 before an oversized upload form is read
    "cms.core.request_text.NulCharacterRefusal",  # 400 for U+0000, which PostgreSQL cannot take
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "cms.core.admin_login.AdminLoginGuard",  # 429 for a locked account or address, before its password is checked
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "cms.security.SiteCSPMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "cms.database.DatabaseUnavailableMiddleware",
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
    else:
        # A pooled connection is checked before each request, so a restarted PostgreSQL costs one
        # failed request per worker (a 503, cms/database.py), not a restart of the service.
        config["CONN_HEALTH_CHECKS"] = True
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
# The hall display's spoken calls, made by an offline engine (cms/hall/speech.py) and kept as WAV files.
HALL_SPEECH_DIR = Path(os.environ.get("HALL_SPEECH_DIR", DATA_DIR / "hall-speech"))
HALL_SPEECH_COMMAND = os.environ.get("HALL_SPEECH_COMMAND", "espeak-ng")
APPLICATION_UPLOAD_MAX_BYTES = 10 * 1024 * 1024
APPLICATION_UPLOAD_TOTAL_BYTES = 40 * 1024 * 1024
APPLICATION_UPLOAD_MAX_FILES = 20
# Pixels, checked from each image's header before anything is decoded: a 300 dpi scan of an A4 page is ~9 MP
# and a 12 MP phone photo fits; decoding one costs ~3 bytes a pixel, so a request's budget bounds its memory
# and time (eight 40 MP PNGs of 130 KB each took a worker 15 s and 580 MB before these caps).
APPLICATION_IMAGE_MAX_PIXELS = 16_000_000
APPLICATION_IMAGE_TOTAL_PIXELS = 64_000_000
APPLICATION_SUPPLEMENT_DAYS = 5  # working days to supply a 容缺 material
# A website form's kept files (cms/applications/drafts.py) not touched for this long are removed: the session
# that kept them has ended (it ends with the browser) or been left.
APPLICATION_DRAFT_HOURS = 24

# API abuse limits (cms/core/limits.py, docs/security.md): (requests, seconds) per scope and identity.
# Kiosks count per device (many citizens share one), other callers per IP address, and every request
# naming an ID number also per ID number. Per-IP budgets leave room for carrier-grade NAT, under which
# many mobile users share one address; the per-ID limits are the tight ones.
API_RATE_LIMITS = {
    "booking": {"ip": (60, 600), "device": (300, 600), "id_number": (10, 3600)},  # book, reschedule, cancel
    "application": {"ip": (30, 600), "device": (100, 600), "id_number": (10, 3600)},  # submit, supplement
    # a booking's or application's status; per code too, so one code cannot be walked from many addresses
    "lookup": {"ip": (60, 600), "device": (300, 600), "id_number": (30, 600), "code": (20, 3600)},
    "check_in": {"device": (120, 600), "code": (10, 600)},  # staff at a window count per code only
    "slots": {"ip": (120, 60), "device": (240, 60)},  # slot lists, which slot-grabbing bots poll
}
# A booking code or receipt given with this many wrong ID numbers locks for `minutes`, doubling with each further
# wrong one, until the holder's ID card is read at a kiosk or staff unlock it (cms/core/lookups.py).
LOOKUP_LOCK = {"failures": 3, "minutes": 15}
# The slot-release fairness throttle: for `minutes` after midnight opens a new day of slots, one booking
# attempt per caller and per ID number every `spacing` seconds for that day's slots.
API_SLOT_RELEASE = {"minutes": 15, "spacing": 20}
API_TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))  # proxies that append X-Forwarded-For
API_MAX_BODY_BYTES = 64 * 1024  # a JSON body to the API; uploads have the APPLICATION_UPLOAD_* caps
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024  # any other non-file body (Django's default is 2.5 MB)

REDIS_URL = os.environ.get("REDIS_URL", "")  # shared cache and counters for several app servers (cms/core/counters.py)
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}

# The session remembers the booking codes and receipts a citizen looked up: on a shared computer it must end
# when the browser closes, not two weeks later (staff sessions too).
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Admin password guessing (cms/core/admin_login.py): failures per account and per address before a lock that
# lasts the rest of the window; an office behind one address gets more room than one account.
LOGIN_LOCK = {"account": 5, "address": 20, "minutes": 15}

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
# Where the site is really served: every link in the API, a QR code or a mail starts with it (cms/core/urls.py).
# Unset, a page answers with the host it was asked on; mails and jobs (no request) use 127.0.0.1 and PORT.
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")
WAGTAILADMIN_BASE_URL = SITE_URL or f"http://127.0.0.1:{os.environ.get('PORT', '8000')}"
WAGTAIL_I18N_ENABLED = False
# The database backend, plus guides found by code and by our Chinese search in page searches (cms/search/backend.py)
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "cms.search.backend"}}
# Our Chinese search (guides/search, cms/search): each app server keeps its own Whoosh index here.
SEARCH_INDEX_DIR = Path(os.environ.get("SEARCH_INDEX_DIR", DATA_DIR / "search-index"))
SEARCH_INDEX_LOCK_TIMEOUT = 5.0  # seconds a writer waits for the index before queueing its change
SEARCH_INDEX_REBUILD_INLINE = False  # a broken index is rebuilt in a background thread

# Content-Security-Policy (django-csp, cms/security.py): our origin only; Wagtail's admin has its allowances.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],  # an inline script needs nonce="{{ request.csp_nonce }}"
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [NONE],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],  # the admin's preview panel frames live pages; nobody else may
    }
}
WAGTAIL_ENABLE_UPDATE_CHECK = False  # no calls out from editors' browsers; upgrades per docs/deploy.md
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # editors' e-mail hashes stay here; the CSP would block the images anyway

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"django_tasks": {"level": "WARNING"}},
}

# Sign-in (cms/identity, README "Sign-in and SMS"): a real-name OpenID Connect provider named by the environment.
# Unset OIDC_ISSUER, the demo provider under /idp/ stands in for it (its demo citizens and company come with
# `load_demo`); the client code is the same either way.
OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "").rstrip("/")
LOCAL_IDENTITY_PROVIDER = not OIDC_ISSUER
OIDC_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "onetrip")
OIDC_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")  # the demo provider's: derived from the data key
OIDC_SCOPES = os.environ.get("OIDC_SCOPES", "openid profile phone")
# Which claims carry what: providers name their real-name claims differently.
OIDC_CLAIMS = {
    "name": os.environ.get("OIDC_CLAIM_NAME", "name"),
    "phone": os.environ.get("OIDC_CLAIM_PHONE", "phone_number"),
    "id_number": os.environ.get("OIDC_CLAIM_ID_NUMBER", "id_number"),
    "uscc": os.environ.get("OIDC_CLAIM_USCC", "uscc"),
    "loa": os.environ.get("OIDC_CLAIM_LOA", "loa"),
}
OIDC_MIN_LOA = int(os.environ.get("OIDC_MIN_LOA", "2"))  # a lower level of assurance is not a real-name identity
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "PKCE_REQUIRED": True,
    "OAUTH2_VALIDATOR_CLASS": "cms.identity.provider.DemoClaims",
    "SCOPES": {"openid": "OpenID Connect", "profile": "name and ID number", "phone": "phone number"},
    "ACCESS_TOKEN_EXPIRE_SECONDS": 300,
    # RFC 9700 (OAuth 2.0 Security BCP) throughout; behind TLS only https callbacks (loopback http is for `make run`)
    **{
        f"COMPLIANT_BCP_RFC9700_{part}": True
        for part in (
            "IMPLICIT_GRANT",
            "PASSWORD_GRANT",
            "PKCE_METHOD",
            "ACCESS_TOKEN_TRANSPORT",
            "AUTHZ_RESPONSE_ISS",
            "TOKEN_STORAGE",
            "REFRESH_TOKEN",
            "REDIRECT_URI_SCHEME",
        )
    },
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"] if os.environ.get("HTTPS") == "1" else ["http", "https"],
}
if LOCAL_IDENTITY_PROVIDER:
    OAUTH2_PROVIDER["OIDC_RSA_PRIVATE_KEY"] = local_signing_key(DATA_DIR)
else:  # sign-out is a form whose answer redirects to the provider's end-session endpoint
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append("/".join(OIDC_ISSUER.split("/")[:3]))
# Typed ID numbers need the phone confirmed by a one-time code (a *claimed* identity, cms/identity/proof.py), so
# nobody spends or bars another's quota by typing their number. On unless PHONE_CODES=0, which makes typed
# bookings count on the ID number again (only for older kiosks without the code step).
PHONE_CODES = os.environ.get("PHONE_CODES", "1") != "0"
# One-time codes by text message (cms/identity/codes.py, sms.py): a file per message under DATA_DIR/sms unless
# SMS_BACKEND=tencent (Tencent Cloud SMS; its keys, app, signature and template from the environment).
if os.environ.get("SMS_BACKEND") == "tencent":
    SMS_BACKEND = "cms.identity.sms.TencentCloudBackend"
    SMS_OPTIONS = {
        "secret_id": os.environ.get("TENCENTCLOUD_SECRET_ID", ""),
        "secret_key": os.environ.get("TENCENTCLOUD_SECRET_KEY", ""),
        "app_id": os.environ.get("SMS_APP_ID", ""),
        "sign_name": os.environ.get("SMS_SIGN_NAME", ""),
        "template_id": os.environ.get("SMS_TEMPLATE_ID", ""),
        "region": os.environ.get("SMS_REGION", "ap-guangzhou"),
        # the hall's "three ahead" text (cms/identity/sms.py NOTICES); without one it is not sent
        "notice_templates": {"near_turn": os.environ.get("SMS_TEMPLATE_NEAR_TURN", "")},
    }
else:
    SMS_BACKEND = "cms.identity.sms.FileBackend"
    SMS_OPTIONS = {"path": str(DATA_DIR / "sms")}
# A code: valid `minutes`, `attempts` wrong tries; sends per phone (`id_number` dimension), per address, per kiosk
# and day in API_RATE_LIMITS["phone_code"]; at least `spacing` seconds between two sends to one phone.
PHONE_CODE = {"minutes": 5, "attempts": 5, "spacing": 60}
API_RATE_LIMITS["phone_code"] = {"ip": (20, 86400), "device": (300, 86400), "id_number": (5, 86400)}
# Personal data kept only so long (cms/people/data.py, run by the periodic jobs): a booking's name, phone,
# e-mail and ID number, days after its visit.
# Personal data kept: a booking's for `booking_days` after the visit; an ended application's for its department's
# archive period (Department.archive_days, editable in the admin), else `application_days`.
RETENTION = {"booking_days": 180, "application_days": 3 * 365}
