"""The city calendar's prefill from the `holidays` package (guides.calendar)."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guides.calendar import (
    DayKind,
    Source,
    add_working_days,
    calendar_from,
    entries_for_year,
    festival_en,
    is_working_day,
    last_announced_year,
    working_days_between,
)
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


def test_working_days_skip_the_spring_festival_and_count_its_makeup_saturdays():
    calendar = calendar_from(entries_for_year(2026))
    # Friday 13 Feb, Saturday 14 Feb (a makeup workday), nine days off (15–23 Feb), Tuesday 24 Feb.
    assert add_working_days(dt.date(2026, 2, 13), 1, calendar) == dt.date(2026, 2, 14)
    assert add_working_days(dt.date(2026, 2, 14), 1, calendar) == dt.date(2026, 2, 24)
    assert working_days_between(dt.date(2026, 2, 13), dt.date(2026, 2, 24), calendar) == 2


@given(
    start=st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2026, 12, 31)),
    days=st.integers(min_value=0, max_value=60),
)
def test_counting_working_days_undoes_adding_them(start, days):
    calendar = calendar_from(entries_for_year(2026) + entries_for_year(2027))
    end = add_working_days(start, days, calendar)
    assert working_days_between(start, end, calendar) == days
    assert days == 0 or is_working_day(end, calendar)


# ---- names in English, for the English site and API


@pytest.mark.parametrize(
    ("day", "name", "name_en"),
    [
        (dt.date(2026, 1, 1), "元旦", "New Year's Day"),
        (dt.date(2026, 1, 2), "调休放假（1月4日上班）", "Day off (worked instead on 4 January)"),
        (dt.date(2026, 1, 4), "调休上班（1月2日放假）", "Working day (in exchange for 2 January off)"),
        (dt.date(2026, 2, 16), "农历除夕", "Spring Festival Eve"),
        (dt.date(2026, 4, 6), "清明节（补假）", "Qingming Festival (day off in lieu)"),
        (dt.date(2026, 10, 1), "国庆节", "National Day"),
    ],
)
def test_calendar_days_have_english_names(day, name, name_en):
    entry = {e.date: e for e in entries_for_year(2026)}[day]
    assert (entry.name, entry.name_en) == (name, name_en)


def test_every_prefilled_day_has_an_english_name():
    for year in range(2020, last_announced_year() + 2):
        assert [e for e in entries_for_year(year) if not e.name_en] == [], year


@pytest.mark.parametrize(
    ("name", "english"),
    [
        ("中秋节; 国庆节", "Mid-Autumn Festival and National Day"),
        ("劳动节（补假）", "Labour Day (day off in lieu)"),
        ("建党节", ""),  # unknown to us: left for an editor, never guessed
    ],
)
def test_festival_names_in_english(name, english):
    assert festival_en(name) == english


def test_the_calendar_carries_the_english_names():
    calendar = calendar_from(entries_for_year(2026))
    assert calendar.holidays[dt.date(2026, 10, 1)] == "国庆节"
    assert calendar.holidays_en[dt.date(2026, 10, 1)] == "National Day"
