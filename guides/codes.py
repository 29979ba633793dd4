"""Booking codes and receipt numbers: what a citizen reads out over the phone or types at a kiosk.

No 0/O and no 1/I/L, so nothing read aloud or copied by hand is mistaken; random, so a code cannot be
guessed from another.
"""

import re
import secrets
from collections.abc import Callable

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
BOOKING_CODE_LENGTH = 8
RECEIPT_LENGTH = 10


def normalise(code: str) -> str:
    """As typed ("k4w5-ue8r hw") → as stored ("K4W5UE8RHW")."""
    return re.sub(r"[\s-]", "", code or "").upper()


def well_formed(code: str, length: int) -> bool:
    return len(code) == length and all(c in ALPHABET for c in code)


def new_code(length: int, taken: Callable[[str], bool]) -> str:
    """A fresh random code of `length` that `taken` says is not in use."""
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(length))
        if not taken(code):
            return code
