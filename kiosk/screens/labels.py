"""Text for the screens: categories, days and times in the interface language, highlighted names."""

import datetime as dt
import html
import re

from babel.dates import format_skeleton
from kivy.utils import escape_markup

from guides.enums import WindowCategory

LOCALES = {"zh_Hans": "zh_Hans_CN", "en": "en"}
_MARK = re.compile(r"<mark>(.*?)</mark>", re.S)


def listed(items, lang: str) -> str:
    """Items in a run: "窗口领取、快递送达" in Chinese (full-width enumeration comma), "a, b" in English."""
    return ("、" if lang == "zh_Hans" else ", ").join(items)


def labelled(label: str, value: str, lang: str) -> str:
    """ "今日：08:30–17:00" in Chinese (full-width colon), "Today: 08:30–17:00" in English."""
    return f"{label}：{value}" if lang == "zh_Hans" else f"{label}: {value}"


def aside(text: str, note: str, lang: str) -> str:
    """ "受理 — 窗口（当日）" in Chinese (full-width brackets), "Acceptance — window (same day)" in English."""
    return f"{text}（{note}）" if lang == "zh_Hans" else f"{text} ({note})"


def category_label(value: str, lang: str) -> str:
    """A window category in the interface language."""
    if lang == "en" and value in set(WindowCategory):
        return WindowCategory(value).label_en
    return value


def day_label(iso: str, lang: str, year: bool = False) -> str:
    """ "12月1日周二" / "Tue, Dec 1" (with the year: "2026年12月1日周二")."""
    return format_skeleton("yMMMEd" if year else "MMMEd", dt.date.fromisoformat(iso[:10]), locale=LOCALES[lang])


def slot_label(slot: dict) -> str:
    return f"{slot['start'][11:16]}–{slot['end'][11:16]}"


def marked(name_html: str, name: str, colour: str) -> str:
    """The engine's highlighted name (HTML, matches in <mark>) as Kivy markup; the plain name without one."""
    if not name_html:
        return escape_markup(name)
    out, last = [], 0
    for match in _MARK.finditer(name_html):
        out.append(escape_markup(html.unescape(name_html[last : match.start()])))
        out.append(f"[b][color={colour}]{escape_markup(html.unescape(match.group(1)))}[/color][/b]")
        last = match.end()
    out.append(escape_markup(html.unescape(name_html[last:])))
    return "".join(out)
