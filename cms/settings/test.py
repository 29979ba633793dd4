"""The test suite: SQLite by default, or the database in DATABASE_URL (the PostgreSQL pass of `make test`)."""

import atexit
import os
import shutil
import tempfile

from cms.settings.base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-not-secret"  # noqa: S105
PERSONAL_DATA_KEY = "test-only-personal-data-key-0123456789abcdef"
ALLOWED_HOSTS = ["*"]
if "SEARCH_INDEX_DIR" in os.environ:  # a test's servers and commands sharing one index (tests/support/servers.py)
    SEARCH_INDEX_DIR = Path(os.environ["SEARCH_INDEX_DIR"])  # noqa: F405
else:  # never the real var/
    SEARCH_INDEX_DIR = Path(tempfile.mkdtemp(prefix="onetrip-test-search-"))  # noqa: F405
    atexit.register(shutil.rmtree, SEARCH_INDEX_DIR, ignore_errors=True)
SEARCH_INDEX_REBUILD_INLINE = True  # tests see a rebuild finished when the call returns
# The suite's booking tests type ID numbers without a texted code; the tests of codes and of the griefing case
# run with the run settings' default (on, tests/cms/test_identity_proof.py), and served tests say what they need.
PHONE_CODES = os.environ.get("PHONE_CODES") == "1"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast user creation in tests
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
if "DATA_DIR" not in os.environ:  # texts of one-time codes: a test's server keeps them in its DATA_DIR, never var/
    SMS_OPTIONS = {"path": tempfile.mkdtemp(prefix="onetrip-test-sms-")}
    atexit.register(shutil.rmtree, SMS_OPTIONS["path"], ignore_errors=True)
