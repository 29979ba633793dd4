"""Kiosk bearer tokens, without Django: the models use them, and so do the benchmarks' raw inserts."""

import hashlib
import secrets

TOKEN_PREFIX = "otk_"  # noqa: S105 — a marker that makes leaked tokens easy to find, not a secret


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    # Tokens are 256 random bits, so a fast hash is enough; a slow one would only slow every request.
    return hashlib.sha256(token.encode()).hexdigest()


def token_hint(token: str) -> str:
    """What the admin lists to recognise a kiosk's token: its first ten characters."""
    return token[:10]
