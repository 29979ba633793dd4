"""The city calendar's starting point: China's public holidays and 调休 makeup workdays from the
`holidays` package, for the years it knows.

The State Council announces each year's arrangement (放假安排) in November or December. For years up
to the last announced one the package holds the official days off and the weekend days worked in
exchange (`source="official"`). For later years it can only compute the statutory festivals, so those
are given as `source="estimated"`, without 调休; editors replace them when the notice comes out.
Everything here is a prefill: the CMS keeps the calendar editable.
"""

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

import holidays
from holidays.countries.china import ChinaStaticHolidays

from guides.hours import Calendar


class DayKind(StrEnum):
    HOLIDAY = "holiday"
    MAKEUP_WORKDAY = "makeup_workday"  # 调休: a weekend day that is a working day


class Source(StrEnum):
    OFFICIAL = "official"  # the State Council notice, as the package records it
    ESTIMATED = "estimated"  # statutory festivals of a year not yet announced
    EDITOR = "editor"  # entered or changed by hand; never overwritten by a prefill


@dataclass(frozen=True, order=True)
class CalendarEntry:
    date: dt.date
    kind: DayKind
    name: str
    works_as: int | None = None  # makeup workdays: the weekday whose hours apply (1 = Monday)
    source: Source = Source.OFFICIAL
    name_en: str = ""


# The festivals as the package names them in Chinese, and as they are known in English.
FESTIVALS_EN = {
    "元旦": "New Year's Day",
    "农历除夕": "Spring Festival Eve",
    "春节": "Spring Festival",
    "清明节": "Qingming Festival",
    "劳动节": "Labour Day",
    "端午节": "Dragon Boat Festival",
    "中秋节": "Mid-Autumn Festival",
    "国庆节": "National Day",
    "春节延长假期": "Spring Festival (extended holiday)",  # 2020, during the epidemic
    "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日": (
        "70th Anniversary of the Victory of the Chinese People's War of Resistance against Japanese Aggression "
        "and the World Anti-Fascist War"
    ),
}
IN_LIEU = "（补假）"  # a day off in place of a festival that fell on a weekend


def festival_en(name: str) -> str:
    """The English name of a holiday named by the package ("中秋节; 国庆节" when two fall on one day),
    or "" when a part is unknown, so that an editor sees it is missing."""
    parts = []
    for part in name.split("; "):
        base, in_lieu = (part.removesuffix(IN_LIEU), True) if part.endswith(IN_LIEU) else (part, False)
        if base not in FESTIVALS_EN:
            return ""
        parts.append(FESTIVALS_EN[base] + (" (day off in lieu)" if in_lieu else ""))
    return " and ".join(parts)


def _swaps() -> list[tuple[dt.date, dt.date]]:
    """(day off, weekend day worked instead) for every announced year, as the package records the notices.

    Rows of its table are (month, day, worked month, worked day[, worked year]); rows of three are
    one-off holidays without an exchange.
    """
    swaps = []
    for year, rows in ChinaStaticHolidays.special_public_holidays.items():
        for row in rows if isinstance(rows[0], tuple) else (rows,):
            if len(row) >= 4:
                month, day, work_month, work_day, *work_year = row
                swaps.append((dt.date(year, month, day), dt.date(*(work_year or [year]), work_month, work_day)))
    return swaps


def last_announced_year() -> int:
    """The last year whose official arrangement (with 调休) the installed package knows."""
    return max(off.year for off, _ in _swaps())


def entries_for_year(year: int) -> list[CalendarEntry]:
    """Holidays and makeup workdays of one year: official where announced, estimated after."""
    if year > last_announced_year():
        days = holidays.China(years=year, observed=False, language="zh_CN")
        return sorted(
            CalendarEntry(d, DayKind.HOLIDAY, name, source=Source.ESTIMATED, name_en=festival_en(name))
            for d, name in days.items()
        )
    swaps = _swaps()
    worked_for = {off: work for off, work in swaps}
    entries = []
    for day, name in holidays.China(years=year, language="zh_CN").items():
        if day in worked_for:
            work = worked_for[day]
            entries.append(
                CalendarEntry(
                    day,
                    DayKind.HOLIDAY,
                    f"调休放假（{_md(work)}上班）",
                    name_en=f"Day off (worked instead on {_md_en(work)})",
                )
            )
        else:
            entries.append(CalendarEntry(day, DayKind.HOLIDAY, name, name_en=festival_en(name)))
    for off, work in swaps:
        if work.year == year:
            entries.append(
                CalendarEntry(
                    work,
                    DayKind.MAKEUP_WORKDAY,
                    f"调休上班（{_md(off)}放假）",
                    off.isoweekday(),
                    name_en=f"Working day (in exchange for {_md_en(off)} off)",
                )
            )
    return sorted(entries)


def _md(day: dt.date) -> str:
    return f"{day.month}月{day.day}日"


_MONTHS_EN = (
    "January February March April May June July August September October November December".split()  # noqa: SIM905
)


def _md_en(day: dt.date) -> str:
    return f"{day.day} {_MONTHS_EN[day.month - 1]}"  # not %B, which follows the process's locale


def calendar_from(entries: list[CalendarEntry]) -> Calendar:
    return Calendar(
        holidays={e.date: e.name for e in entries if e.kind is DayKind.HOLIDAY},
        makeup_workdays={e.date: e.works_as or 1 for e in entries if e.kind is DayKind.MAKEUP_WORKDAY},
        holidays_en={e.date: e.name_en for e in entries if e.kind is DayKind.HOLIDAY and e.name_en},
    )


def is_working_day(day: dt.date, calendar: Calendar) -> bool:
    """Monday to Friday unless a public holiday, plus 调休 makeup workdays (time limits count these)."""
    if day in calendar.makeup_workdays:
        return True
    return day.isoweekday() <= 5 and day not in calendar.holidays


def working_days_between(first: dt.date, last: dt.date, calendar: Calendar) -> int:
    """How many working days lie after `first` up to and including `last` (0 if `last` is not later)."""
    return sum(is_working_day(first + dt.timedelta(days=n), calendar) for n in range(1, (last - first).days + 1))


def add_working_days(start: dt.date, days: int, calendar: Calendar) -> dt.date:
    """The `days`-th working day after `start` (a limit of 0 working days ends on `start` itself)."""
    if days < 0:
        raise ValueError("a time limit is zero or more working days")
    day = start
    while days:
        day += dt.timedelta(days=1)
        if is_working_day(day, calendar):
            days -= 1
    return day
