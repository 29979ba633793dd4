"""Dates, times and weekday names in the visitor's language, formatted by Babel from CLDR data."""

import datetime as dt

from babel.dates import format_date, format_time, get_day_names
from django.conf import settings
from django.utils.translation import get_language, override

# Django language code → Babel locale, and the date patterns a reader of each language expects.
BABEL_LOCALES = {"zh-hans": "zh_Hans_CN", "en": "en"}
LONG_DATE = {"zh-hans": "y年M月d日 EEEE", "en": "EEEE d MMMM y"}  # 2026年10月1日 星期四 · Thursday 1 October 2026
SHORT_DATE = {"zh-hans": "M月d日 EEE", "en": "EEE d MMM"}


def language() -> str:
    code = (get_language() or settings.LANGUAGE_CODE).lower()
    return code if code in BABEL_LOCALES else settings.LANGUAGE_CODE


def pick(zh: str, en: str) -> str:
    """One text of a pair of content fields (`name` / `name_en`) for the active language: the English
    when the visitor reads English and there is some, else the Chinese."""
    return en if language() == "en" and en else zh


def in_language(text, code: str) -> str:
    """A translatable text (a `TextChoices` label, a `gettext_lazy` msgid) in one language, whatever the
    request's: the Chinese and the English of a refusal, a mail in the language of its booking."""
    with override(code):
        return str(text)


def long_date(day: dt.date) -> str:
    return format_date(day, LONG_DATE[language()], locale=BABEL_LOCALES[language()])


def short_date(day: dt.date) -> str:
    return format_date(day, SHORT_DATE[language()], locale=BABEL_LOCALES[language()])


def clock(time: dt.time) -> str:
    return format_time(time, "HH:mm", locale=BABEL_LOCALES[language()])


def weekday_name(weekday: int, width: str = "wide") -> str:
    """ISO weekday (1 = Monday) by name: 星期一 / Monday."""
    return get_day_names(width, locale=BABEL_LOCALES[language()])[weekday - 1]
