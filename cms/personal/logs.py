"""Structured logs free of personal data: JSON lines, with ID numbers, credit codes and phones masked.

The filter rewrites every record before any handler formats it (message, arguments, traceback), so
a number that reaches a log through an exception text or a query string is masked all the same.
Imports nothing from Django: gunicorn's own loggers use it too.
"""

import datetime as dt
import json
import logging
import re

# 18 characters: a resident ID number (17 digits and a check digit or X) or a unified social credit
# code (its alphabet has no I, O, S, V, Z; digits 3–8 are a region code). Not inside a longer token.
_IDENTIFIER = re.compile(
    r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|[0-9A-HJ-NP-RTUWXY]{2}\d{6}[0-9A-HJ-NP-RTUWXY]{10})(?![0-9A-Za-z])"
)
# Mainland mobiles (optionally +86, in groups 3-4-4) and landlines with an area code and a separator.
_PHONE = re.compile(r"(?<![\dA-Za-z])(?:(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}|0\d{2,3}[- ]\d{7,8})(?![\dA-Za-z])")
IDENTIFIER_MASK = "[id-number]"
PHONE_MASK = "[phone]"


def mask_personal_data(text: str) -> str:
    return _PHONE.sub(PHONE_MASK, _IDENTIFIER.sub(IDENTIFIER_MASK, text))


class PersonalDataFilter(logging.Filter):
    """Masks ID numbers, credit codes and phone numbers in a record's message and traceback."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # arguments that do not fit the format: keep both, masked
            message = f"{record.msg} {record.args}"
        record.msg, record.args = mask_personal_data(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_personal_data(record.exc_text)
            record.exc_info = None  # the formatter prints exc_text; the raw exception would leak again
        if record.stack_info:
            record.stack_info = mask_personal_data(record.stack_info)
        return True


class JsonLinesFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, pid, message, and exc if any."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "pid": record.process,
            "message": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exc"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds")
