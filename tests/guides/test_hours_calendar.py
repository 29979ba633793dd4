"""The city calendar's prefill from the `holidays` package (guides.calendar)."""

import datetime as dt

import pytest

from guides.calendar import DayKind, Source, calendar_from, entries_for_year, last_announced_year
from guides.hours import Calendar


def test_the_package_knows_2026_officially():
    assert last_announced_year() >= 2026


@pytest.mark.parametrize(
    ("day", "kind", "works_as"),
    [
        (dt.date(2026, 1, 1), DayKind.HOLIDAY, None),  # 元旦
        (dt.date(2026, 1, 2), DayKind.HOLIDAY, None),  # off in exchange for Sunday 4 January
        (dt.date(2026, 1, 4), DayKind.MAKEUP_WORKDAY, 5),  # worked as the Friday it replaced
        (dt.date(2026, 2, 14), DayKind.MAKEUP_WORKDAY, 5),  # Spring Festival: Saturday for Friday 20 Feb
        (dt.date(2026, 2, 28), DayKind.MAKEUP_WORKDAY, 1),  # and Saturday 28 Feb for Monday 23 Feb
        (dt.date(2026, 2, 17), DayKind.HOLIDAY, None),  # 春节
        (dt.date(2026, 9, 20), DayKind.MAKEUP_WORKDAY, 2),
        (dt.date(2026, 10, 7), DayKind.HOLIDAY, None),
        (dt.date(2026, 10, 10), DayKind.MAKEUP_WORKDAY, 3),
    ],
)
def test_official_2026_days(day, kind, works_as):
    entries = {e.date: e for e in entries_for_year(2026)}
    entry = entries[day]
    assert (entry.kind, entry.works_as, entry.source) == (kind, works_as, Source.OFFICIAL)
    if kind is DayKind.MAKEUP_WORKDAY:
        assert day.isoweekday() in (6, 7), "a makeup workday is a weekend day"


def test_every_official_makeup_workday_pairs_with_a_day_off():
    for year in range(2020, last_announced_year() + 1):
        entries = entries_for_year(year)
        holidays = {e.date for e in entries if e.kind is DayKind.HOLIDAY}
        for entry in entries:
            if entry.kind is DayKind.MAKEUP_WORKDAY:
                assert entry.date not in holidays
                assert 1 <= entry.works_as <= 5


def test_a_year_not_yet_announced_is_estimated_and_has_no_makeup_workdays():
    year = last_announced_year() + 1
    entries = entries_for_year(year)
    assert entries, "the statutory festivals are still known"
    assert {e.source for e in entries} == {Source.ESTIMATED}
    assert {e.kind for e in entries} == {DayKind.HOLIDAY}
    assert dt.date(year, 1, 1) in {e.date for e in entries}
    assert dt.date(year, 10, 1) in {e.date for e in entries}


def test_calendar_from_entries():
    calendar = calendar_from(entries_for_year(2026))
    assert isinstance(calendar, Calendar)
    assert calendar.holidays[dt.date(2026, 10, 1)] == "国庆节"
    assert calendar.makeup_workdays[dt.date(2026, 1, 4)] == 5
    assert dt.date(2026, 1, 5) not in calendar.holidays
