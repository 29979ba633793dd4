"""Booking pages in the visitor's language: `{% t "中文" "English" %}` and local times."""

import datetime as dt

from django import template
from django.utils import translation

from guides.hours import TZ

register = template.Library()

WEEKDAYS = {
    "zh-hans": ["周一", "周二", "周三", "周四", "周五", "周六", "周日"],
    "en": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
}


def english() -> bool:
    return (translation.get_language() or "").startswith("en")


@register.simple_tag
def t(zh: str, en: str) -> str:
    return en if english() else zh


@register.filter
def local_time(value: dt.datetime) -> str:
    return value.astimezone(TZ).strftime("%H:%M") if value else ""


@register.filter
def local_day(value: dt.date | dt.datetime) -> str:
    if isinstance(value, dt.datetime):
        value = value.astimezone(TZ).date()
    if not value:
        return ""
    weekday = WEEKDAYS["en" if english() else "zh-hans"][value.isoweekday() - 1]
    return f"{weekday} {value:%d %b %Y}" if english() else f"{value.year}年{value.month}月{value.day}日 {weekday}"


KINDS = {
    "regular": ("", ""),
    "staggered": ("错时", "lunchtime"),
    "extended": ("延时", "evening"),
    "sunday_rota": ("周日轮值", "Sunday rota"),
}


@register.filter
def kind_label(kind: str) -> str:
    zh, en = KINDS.get(kind, ("", ""))
    return en if english() else zh


@register.filter
def status_label(status: str) -> str:
    labels = {
        "booked": ("已预约", "booked"),
        "checked_in": ("已签到", "checked in"),
        "cancelled": ("已取消", "cancelled"),
        "no_show": ("未到（爽约）", "no-show"),
        "rebook": ("需改约：原时段暂停服务", "to rebook: the centre is closed then"),
    }
    zh, en = labels.get(status, (status, status))
    return en if english() else zh
