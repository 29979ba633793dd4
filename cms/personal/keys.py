"""Keys for personal data, derived from one master key: `PERSONAL_DATA_KEY` from the environment.

Without it (a single-machine `make run`) a key is generated once into `DATA_DIR/personal_data_key`,
like the secret key. Losing the key makes stored names, phones and ID numbers unreadable and every
keyed hash unmatchable, so it is never derived from SECRET_KEY (which may be rotated freely).
"""

import base64
import hashlib
import hmac
import os
import secrets
from functools import cache
from pathlib import Path

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

KEY_FILE_NAME = "personal_data_key"


def key_file() -> Path:
    return Path(settings.DATA_DIR) / KEY_FILE_NAME


def _generated_key() -> str:
    path = key_file()
    if not path.exists():
        # Write aside, then link into place: of several workers starting at once exactly one key wins,
        # and nobody reads a half-written file.
        tmp = path.with_name(f".{KEY_FILE_NAME}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(48))
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text().strip()


@cache
def master_key() -> bytes:
    configured = getattr(settings, "PERSONAL_DATA_KEY", "")
    return (configured or _generated_key()).encode()


def _derive(purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"onetrip " + purpose).derive(master_key())


@cache
def hash_key() -> bytes:
    return _derive(b"keyed hash")


@cache
def fernet() -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_derive(b"fernet")))


def keyed_hash(value: str) -> str:
    """HMAC-SHA256 of a canonical identifier: stable lookups without storing or logging the value."""
    return hmac.new(hash_key(), value.encode(), hashlib.sha256).hexdigest()


def clear_caches() -> None:
    """Forget derived keys (tests that change PERSONAL_DATA_KEY)."""
    for fn in (master_key, hash_key, fernet):
        fn.cache_clear()
