"""The test suite: SQLite by default, or the database in DATABASE_URL (the PostgreSQL pass of `make test`)."""

import atexit
import shutil
import tempfile

from cms.settings.base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-not-secret"  # noqa: S105
PERSONAL_DATA_KEY = "test-only-personal-data-key-0123456789abcdef"
ALLOWED_HOSTS = ["*"]
SEARCH_INDEX_DIR = Path(tempfile.mkdtemp(prefix="onetrip-test-search-"))  # noqa: F405 — never the real var/
SEARCH_INDEX_REBUILD_INLINE = True  # tests see a rebuild finished when the call returns
atexit.register(shutil.rmtree, SEARCH_INDEX_DIR, ignore_errors=True)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast user creation in tests
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
