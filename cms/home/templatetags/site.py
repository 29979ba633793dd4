"""Template helpers of the public site: both languages, Babel dates, QR codes."""

import datetime as dt

import segno
from django import template
from django.urls import Resolver404, resolve, translate_url
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from cms.core import i18n
from cms.services.labels import SHORT_KIND
from cms.services.labels import label as vocabulary_label

register = template.Library()


@register.filter
def long_date(value: dt.date) -> str:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return i18n.long_date(value) if value else ""


@register.filter
def short_date(value: dt.date) -> str:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return i18n.short_date(value) if value else ""


@register.filter
def clock(value: dt.time | dt.datetime) -> str:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).time()
    return i18n.clock(value) if value else ""


@register.filter
def weekday(value: int, width: str = "wide") -> str:
    return i18n.weekday_name(int(value), width)


@register.filter
def weekdays(values: list[int]) -> str:
    """ISO weekdays as runs: [1, 2, 3, 4, 5] → 星期一至星期五 / Monday to Friday; [4, 7] → Thursday, Sunday."""
    runs: list[list[int]] = []
    for day in sorted(set(values)):
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    names = []
    for run in runs:
        if len(run) >= 3:
            first, last = i18n.weekday_name(run[0]), i18n.weekday_name(run[-1])
            names.append(gettext("%(first)s to %(last)s") % {"first": first, "last": last})
        else:
            names += [i18n.weekday_name(d) for d in run]
    return gettext(", ").join(names)


@register.filter
def label(value, vocabulary: str = "") -> str:
    return vocabulary_label(value, vocabulary)


@register.filter
def short_kind(value) -> str:
    """错时 / 延时 / 轮值 marks for hour periods; regular hours need none."""
    return str(SHORT_KIND.get(value, ""))


@register.simple_tag
def bilingual(zh: str, en: str = "") -> SafeString:
    """One text of a pair of fields in the page's language: the English on the English site when there
    is some; otherwise the Chinese, marked as Chinese so that screen readers switch voice (WCAG 3.1.2)."""
    if i18n.language() == "en":
        if en:
            return format_html("{}", en)
        if zh:
            return format_html('<span lang="zh-Hans">{}</span>', zh)
    return format_html("{}", zh)


@register.simple_tag
def localized(obj, field: str) -> SafeString:
    """`obj.<field>` in the page's language, from the pair `<field>` / `<field>_en` (see `bilingual`)."""
    return bilingual(getattr(obj, field, "") or "", getattr(obj, f"{field}_en", "") or "")


@register.simple_tag
def localized_items(obj, field: str) -> list[SafeString]:
    """The items of a list field (a StreamField of sentences) in the page's language: item N of
    `<field>_en` stands for item N of `<field>`."""
    english = [block.value for block in getattr(obj, f"{field}_en", None) or []]
    items = [block.value for block in getattr(obj, field)]
    return [bilingual(zh, english[i] if i < len(english) else "") for i, zh in enumerate(items)]


@register.simple_tag
def plain(zh: str, en: str = "") -> str:
    """The same choice as `bilingual`, as plain text, for attributes and the document title."""
    return i18n.pick(zh, en)


@register.simple_tag(takes_context=True)
def switch_language(context, code: str) -> str:
    """This page's address in the other language (the same address when the page has no translation)."""
    request = context.get("request")
    return translate_url(request.get_full_path(), code) if request else "/"


@register.simple_tag
def qr_code(url: str, title: str = "") -> SafeString:
    """The page's address as an inline SVG QR code, to scan from a screen or a printout."""
    svg = segno.make(url, error="m").svg_inline(scale=3, title=title or url)
    return mark_safe(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S308 — segno's own markup, URL escaped


@register.simple_tag
def html_lang() -> str:
    """BCP 47 for the lang attribute: zh-Hans / en."""
    return "en" if i18n.language() == "en" else "zh-Hans"


@register.simple_tag
def site_path(path: str) -> str:
    """A path of the site in the visitor's language: /en/… when English and that route exists
    (routes outside i18n_patterns, and paths no view claims, stay as they are)."""
    if i18n.language() != "en":
        return path
    candidate = "/en" + path
    try:
        match = resolve(candidate)
    except Resolver404:
        return path
    return path if match.url_name == "wagtail_serve" else candidate
