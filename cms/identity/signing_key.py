"""The demo identity provider's RSA signing key (ID tokens, RS256): generated once into DATA_DIR, like the
secret key. Plain Python (no Django): the settings read it before Django is set up."""

import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

FILE_NAME = "oidc_signing_key.pem"


def local_signing_key(data_dir: Path) -> str:
    """The PEM in `data_dir`, written first if missing (of several processes starting at once, one key wins)."""
    path = Path(data_dir) / FILE_NAME
    if not path.exists():
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        tmp = path.with_name(f".{FILE_NAME}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(pem)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text()
