"""The second-generation ID card reader (二代身份证阅读器) behind one small interface, `CardReader`.

Two adapters:
- `SamReader`: the serial protocol of the 公安部 SAM module that most desk readers speak over USB-serial. A
  request is `AA AA AA 96 69`, a two-byte length, command, parameter and an XOR checksum; an answer carries
  three status bytes (SW1 SW2 SW3) and data. Find the card (20 01), select it (20 02), read it (30 01): the
  text block is 256 bytes of UCS-2LE in fixed-width fields (`TEXT_FIELDS`), followed by the photo.
- `KeyboardReader`: readers that present themselves as a USB keyboard and type the ID number and Enter. They
  give nothing else; sex and birth date are the ID number's own.

`settings.card_reader` names the one a kiosk uses: a serial device path (SamReader), "keyboard", or "" (none).
"""

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Protocol

from guides.identifiers import IdentifierError, validate_id_number

log = logging.getLogger(__name__)

PREAMBLE = b"\xaa\xaa\xaa\x96\x69"
FIND, SELECT, READ = b"\x20\x01", b"\x20\x02", b"\x30\x01"
FOUND, OK = 0x9F, 0x90  # SW3 of a found card, and of a selected or read one
NO_CARD = {0x80, 0x81}  # find: no card in the field; select: it went before it could be selected
TEXT_FIELDS = (  # (name, bytes) of the text block, in order
    ("name", 30),
    ("sex", 2),
    ("nation", 4),
    ("birth", 16),
    ("address", 70),
    ("id_number", 36),
    ("authority", 30),
    ("valid_from", 16),
    ("valid_until", 16),
)
SEXES = {"1": "male", "2": "female"}
FOR_LIFE = "长期"


class CardError(Exception):
    """A card is on the reader but cannot be read (a broken answer, a bad checksum, a reader fault)."""


@dataclass(frozen=True)
class IdCard:
    id_number: str
    name: str = ""  # "" from a keyboard reader, which types only the number
    sex: str = ""  # male or female
    birth_date: dt.date | None = None
    address: str = ""
    authority: str = ""  # 签发机关
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None  # None with for_life, or when the reader does not say
    for_life: bool = False  # 长期: a card of someone aged 46 or more never expires
    nation: str = ""  # the 民族 code, "01" is 汉


class CardReader(Protocol):
    def read(self) -> IdCard | None:
        """The card on the reader, or None when there is none. Raises CardError when it cannot be read."""

    def close(self) -> None: ...


def checksum(body: bytes) -> int:
    result = 0
    for byte in body:
        result ^= byte
    return result


def frame(command: bytes) -> bytes:
    """A request: preamble, length (command, parameter and checksum), command, parameter, checksum."""
    body = len(command + b"\0").to_bytes(2, "big") + command
    return PREAMBLE + body + bytes([checksum(body)])


def from_number(id_number: str) -> IdCard:
    """What an ID number alone says: sex (the 17th digit, odd for men) and birth date."""
    return IdCard(
        id_number=id_number,
        sex="male" if int(id_number[16]) % 2 else "female",
        birth_date=dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14])),
    )


def parse_text(text: bytes) -> IdCard:
    """The card from its text block: fixed-width UCS-2LE fields, padded with spaces."""
    values, start = {}, 0
    for name, width in TEXT_FIELDS:
        values[name] = text[start : start + width].decode("utf-16-le", errors="strict").strip(" \0")
        start += width
    try:
        id_number = validate_id_number(values["id_number"])
    except IdentifierError as exc:
        raise CardError(f"the card's ID number does not check: {exc}") from None
    until = values["valid_until"]
    return IdCard(
        id_number=id_number,
        name=values["name"],
        sex=SEXES.get(values["sex"], ""),
        birth_date=_date(values["birth"]),
        address=values["address"],
        authority=values["authority"],
        valid_from=_date(values["valid_from"]),
        valid_until=None if until == FOR_LIFE else _date(until),
        for_life=until == FOR_LIFE,
        nation=values["nation"],
    )


def _date(text: str) -> dt.date:
    try:
        return dt.datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        raise CardError(f"not a date on the card: {text!r}") from None


class SamReader:
    """A reader on a serial port (its USB-serial device, e.g. /dev/ttyUSB0). Each `read` is one find, select,
    read: the kiosk calls it when the citizen touches "Read ID card", on a worker thread (it blocks up to
    `timeout` seconds per answer)."""

    def __init__(self, port: str, baudrate: int = 115200, timeout: float = 2.0):
        import serial

        self._serial = serial.Serial(port, baudrate=baudrate, timeout=timeout)

    def close(self) -> None:
        self._serial.close()

    def read(self) -> IdCard | None:
        status, _ = self._ask(FIND)
        if status in NO_CARD:
            return None
        if status != FOUND:
            raise CardError(f"find card: status {status:#04x}")
        status, _ = self._ask(SELECT)
        if status in NO_CARD:
            return None
        if status != OK:
            raise CardError(f"select card: status {status:#04x}")
        status, data = self._ask(READ)
        if status != OK:
            raise CardError(f"read card: status {status:#04x}")
        if len(data) < 4:
            raise CardError("read card: no text in the answer")
        text_length = int.from_bytes(data[:2], "big")
        text = data[4 : 4 + text_length]  # the photo (a compressed WLT image) follows; the kiosk has no use for it
        if text_length != sum(width for _, width in TEXT_FIELDS) + 36 or len(text) != text_length:
            raise CardError(f"read card: a text block of {len(text)} bytes, said {text_length}")
        return parse_text(text)

    def _ask(self, command: bytes) -> tuple[int, bytes]:
        """Send a command; (SW3, data) of its answer."""
        self._serial.reset_input_buffer()  # a late answer to an earlier request is not this one's
        self._serial.write(frame(command))
        self._serial.flush()
        head = self._serial.read_until(PREAMBLE)
        if not head.endswith(PREAMBLE):
            raise CardError("the reader did not answer" if not head else "the reader's answer has no preamble")
        size = self._exact(2)
        body = self._exact(int.from_bytes(size, "big"))
        if len(body) < 4:
            raise CardError("the reader's answer is too short")
        if checksum(size + body[:-1]) != body[-1]:
            raise CardError("the reader's answer fails its checksum")
        return body[2], body[3:-1]

    def _exact(self, count: int) -> bytes:
        data = self._serial.read(count)
        if len(data) != count:
            raise CardError(f"the reader's answer stopped after {len(data)} of {count} bytes")
        return data


class KeyboardReader:
    """A reader that types the ID number and Enter, as a keyboard would. The kiosk passes it every key the
    window receives (`key`); a number typed faster than a hand types (each key within `max_gap` seconds of
    the one before) and checking out is the card's, until `read` takes it or `keep` seconds pass."""

    def __init__(self, max_gap: float = 0.15, keep: float = 30.0):
        self.max_gap, self.keep = max_gap, keep
        self._typed, self._last = "", None
        self._card: IdCard | None = None
        self._card_at = 0.0

    def key(self, text: str, at: float) -> bool:
        """One key (a character, or "\\r"/"\\n" for Enter) at `at` seconds (a monotonic clock); True when it was
        the Enter that ended a card's number (the kiosk then does not take it as the form's Enter)."""
        if self._last is not None and at - self._last > self.max_gap:
            self._typed = ""  # a pause: whatever came before was a hand, not the reader
        self._last = at
        if text in ("\r", "\n"):
            typed, self._typed = self._typed, ""
            try:
                number = validate_id_number(typed)
            except IdentifierError:
                return False
            self._card, self._card_at = from_number(number), at
            return True
        self._typed = (self._typed + text)[-18:]
        return False

    def read(self, at: float | None = None) -> IdCard | None:
        card, self._card = self._card, None
        if card is not None and at is not None and at - self._card_at > self.keep:
            return None  # someone else's card, long gone
        return card

    def forget(self) -> None:
        """The journey ended: a card typed and not taken is the last citizen's."""
        self._typed, self._card = "", None

    def close(self) -> None:
        self.forget()


def open_reader(setting: str) -> CardReader | None:
    """The reader `settings.card_reader` names: "" none, "keyboard", or a serial device path."""
    if not setting:
        return None
    if setting == "keyboard":
        return KeyboardReader()
    return SamReader(setting)
