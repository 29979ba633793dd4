"""Hours arithmetic (guides.hours): property tests over generated centres and calendars, and the demo
centres on known dates of 2026."""

import datetime as dt
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from guides.calendar import calendar_from, entries_for_year
from guides.centres import Centre, HourRule, RuleKind, load_centres
from guides.enums import WindowCategory
from guides.files import CENTRES_FILE
from guides.hours import (
    KIND_PRIORITY,
    TZ,
    Calendar,
    Closure,
    at_local,
    day_hours,
    is_open,
    local,
    next_opening,
    open_spans,
    periods_on,
    status,
    week_of,
    week_table,
)

# Per test, not a global profile: other modules keep Hypothesis' defaults.
properties = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

DEMO = {c.code: c for c in load_centres(CENTRES_FILE)}
CALENDAR_2026 = calendar_from(entries_for_year(2026))
CATEGORIES = list(WindowCategory)
MINUTE = dt.timedelta(minutes=1)
TINY = dt.timedelta(microseconds=1)


# --- strategies -------------------------------------------------------------------------------


@st.composite
def periods(draw, max_size=3):
    out = []
    for _ in range(draw(st.integers(1, max_size))):
        start = draw(st.integers(0, 23 * 60 + 58))
        end = draw(st.integers(start + 1, 23 * 60 + 59))
        out.append(f"{start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}")
    return out


sundays = st.dates(dt.date(2025, 1, 5), dt.date(2027, 12, 26)).map(lambda d: d - dt.timedelta(days=d.isoweekday() % 7))


@st.composite
def rules(draw, categories):
    kind = draw(st.sampled_from(list(RuleKind)))
    cats = draw(st.lists(st.sampled_from(categories), unique=True, max_size=len(categories)))
    if kind is RuleKind.SUNDAY_ROTA:
        return HourRule(
            kind=kind,
            categories=cats,
            weekdays=[7],
            periods=draw(periods()),
            every_weeks=draw(st.integers(1, 4)),
            rota_start=draw(sundays),
        )
    weekdays = draw(st.lists(st.integers(1, 7), min_size=1, max_size=7, unique=True))
    return HourRule(kind=kind, categories=cats, weekdays=sorted(weekdays), periods=draw(periods()))


@st.composite
def centres(draw):
    categories = draw(st.lists(st.sampled_from(CATEGORIES), min_size=1, max_size=7, unique=True))
    windows = {c: draw(st.integers(1, 9)) for c in categories}
    hours = draw(st.lists(rules(categories), min_size=1, max_size=5))
    return Centre(
        code="gen",
        name="生成中心",
        name_en="Generated centre",
        kind="town",
        town="当湖街道",
        address="地址",
        latitude=30.7,
        longitude=121.0,
        phone="0573-85100345",
        windows=windows,
        hours=hours,
    )


days = st.dates(dt.date(2025, 1, 1), dt.date(2027, 12, 31))
moments = st.datetimes(dt.datetime(2025, 1, 1), dt.datetime(2027, 12, 31), timezones=st.just(TZ))
zones = st.sampled_from(["UTC", "Asia/Shanghai", "America/New_York", "Europe/London", "Australia/Lord_Howe"])


def minutes(periods_) -> set[int]:
    return {m for p in periods_ for m in range(p.start.hour * 60 + p.start.minute, p.end.hour * 60 + p.end.minute)}


def rule_minutes(centre: Centre, day: dt.date, category, weekday: int) -> dict[int, set[RuleKind]]:
    """Minute → kinds of the rules open then, computed independently of guides.hours' merging."""
    out: dict[int, set[RuleKind]] = {}
    for rule in centre.hours:
        if rule.categories and category not in rule.categories:
            continue
        if weekday not in rule.weekdays:
            continue
        if rule.rota_start is not None and (
            day < rule.rota_start or (day - rule.rota_start).days // 7 % rule.every_weeks
        ):
            continue
        for text in rule.periods:
            a, b = text.split("-")
            start = int(a[:2]) * 60 + int(a[3:])
            end = int(b[:2]) * 60 + int(b[3:])
            for m in range(start, end):
                out.setdefault(m, set()).add(rule.kind)
    return out


# --- properties -------------------------------------------------------------------------------


@properties
@given(centres(), days)
def test_periods_are_ordered_disjoint_and_cover_exactly_the_rules(centre, day):
    for category in centre.windows:
        got = periods_on(centre, day, category)
        for p in got:
            assert p.start < p.end
        for a, b in pairwise(got):
            assert a.end <= b.start
            assert not (a.end == b.start and a.kind is b.kind and a.note == b.note), "touching twins are merged"
        expected = rule_minutes(centre, day, category, day.isoweekday())
        assert minutes(got) == set(expected)
        for p in got:  # each period is marked with the highest-priority kind open at its start
            first = p.start.hour * 60 + p.start.minute
            assert p.kind is min(expected[first], key=KIND_PRIORITY.index)


@properties
@given(centres(), days, st.sampled_from(CATEGORIES))
def test_a_category_without_windows_is_never_open(centre, day, category):
    assume(category not in centre.windows)
    assert periods_on(centre, day, category) == ()


@properties
@given(centres(), days)
def test_holidays_close_every_category_all_day(centre, day):
    calendar = Calendar(holidays={day: "节日"})
    assert all(periods_on(centre, day, c, calendar) == () for c in centre.windows)
    assert open_spans(centre, day, calendar=calendar) == []
    hours = day_hours(centre, day, calendar)
    assert hours.holiday == "节日" and not hours.is_open


@properties
@given(centres(), days, st.integers(1, 5))
def test_a_makeup_workday_keeps_the_hours_of_the_weekday_it_stands_for(centre, day, works_as):
    calendar = Calendar(makeup_workdays={day: works_as})
    # Generated weekday rules do not count weeks, so any date with that weekday is a fair reference.
    reference = day + dt.timedelta(days=works_as - day.isoweekday())
    for category in centre.windows:
        got = periods_on(centre, day, category, calendar)
        assert minutes(got) == set(rule_minutes(centre, reference, category, works_as))
        assert RuleKind.SUNDAY_ROTA not in {p.kind for p in got}, "a worked Sunday is a weekday, not a rota Sunday"


@properties
@given(sundays, st.integers(1, 4), st.integers(-20, 80))
def test_sunday_rota_opens_every_n_weeks_from_its_start(start, every, weeks):
    rota = HourRule(kind="sunday_rota", weekdays=[7], periods=["09:00-12:00"], every_weeks=every, rota_start=start)
    centre = DEMO["xindai"].model_copy(update={"hours": [rota]})
    sunday = start + dt.timedelta(weeks=weeks)
    opened = bool(periods_on(centre, sunday, WindowCategory.POLICE))
    assert opened == (weeks >= 0 and weeks % every == 0)
    for offset in range(1, 7):  # the other days of the week stay shut
        assert not periods_on(centre, sunday + dt.timedelta(days=offset), WindowCategory.POLICE)
    if opened:
        later = [sunday + dt.timedelta(weeks=k) for k in range(1, 2 * every + 1)]
        next_open = next(d for d in later if periods_on(centre, d, WindowCategory.POLICE))
        assert (next_open - sunday).days == 7 * every


@properties
@given(centres(), days)
def test_span_boundaries_open_at_the_start_and_close_at_the_end(centre, day):
    for category in [None, *centre.windows]:
        for start, end in open_spans(centre, day, category):
            assert is_open(centre, start, category)
            assert is_open(centre, end - TINY, category)
            assert not is_open(centre, end, category)
            assert not is_open(centre, start - TINY, category)


@properties
@given(centres(), moments, st.sampled_from([None, *CATEGORIES]))
def test_next_opening_is_the_first_closed_to_open_transition(centre, at, category):
    assume(category is None or category in centre.windows)
    found = next_opening(centre, at, category, search_days=21)
    spans = [s for n in range(22) for s in open_spans(centre, at.date() + dt.timedelta(days=n), category)]
    starts_after = [start for start, _ in spans if start >= at]
    if found is None:
        assert starts_after == []
        return
    assert found == min(starts_after)
    assert is_open(centre, found, category)
    assert not is_open(centre, found - TINY, category)


@properties
@given(centres(), moments, st.sampled_from([None, *CATEGORIES]))
def test_status_agrees_with_is_open(centre, at, category):
    assume(category is None or category in centre.windows)
    state = status(centre, at, category, search_days=21)
    assert state.open == is_open(centre, at, category)
    if state.open:
        assert state.closes_at > at
        assert is_open(centre, state.closes_at - TINY, category)
        assert not is_open(centre, state.closes_at, category)
        if state.next_opening is not None:
            assert state.next_opening > state.closes_at
    else:
        assert state.closes_at is None
        assert state.next_opening == next_opening(centre, at, category, search_days=21)


@properties
@given(centres(), moments, zones)
def test_asia_shanghai_has_no_daylight_saving_and_zones_do_not_matter(centre, at, zone):
    elsewhere = at.astimezone(ZoneInfo(zone))
    assert local(elsewhere).utcoffset() == dt.timedelta(hours=8)
    assert local(elsewhere) == at
    assert is_open(centre, elsewhere) == is_open(centre, at)
    assert next_opening(centre, elsewhere, search_days=14) == next_opening(centre, at, search_days=14)


@properties
@given(days, st.times())
def test_every_local_time_names_exactly_one_instant(day, time):
    moment = at_local(day, time)
    back = moment.astimezone(dt.UTC).astimezone(TZ)
    assert (back.date(), back.time()) == (day, time)
    assert moment.utcoffset() == dt.timedelta(hours=8)


def test_a_naive_datetime_is_refused():
    with pytest.raises(ValueError, match="time zone"):
        is_open(DEMO["city"], dt.datetime(2026, 1, 5, 9, 0))


@properties
@given(centres(), days, st.integers(0, 5), st.data())
def test_closures_shut_only_their_categories_and_days(centre, day, length, data):
    shut = frozenset(data.draw(st.lists(st.sampled_from(list(centre.windows)), unique=True)))
    closure = Closure(day, day + dt.timedelta(days=length), shut, "系统升级")
    for offset in range(-1, length + 2):
        d = day + dt.timedelta(days=offset)
        hours = day_hours(centre, d, closures=[closure])
        for category in centre.windows:
            covered = 0 <= offset <= length and (not shut or category in shut)
            expected = () if covered else periods_on(centre, d, category)
            assert hours.categories[category] == expected
            assert (category in hours.closed) == covered


@properties
@given(centres(), days)
def test_the_week_table_is_the_seven_days_of_the_week(centre, day):
    table = week_table(centre, day)
    monday, sunday = week_of(day)
    assert monday.isoweekday() == 1 and sunday - monday == dt.timedelta(days=6) and monday <= day <= sunday
    for category, cells in table.items():
        assert cells == [periods_on(centre, monday + dt.timedelta(days=n), category) for n in range(7)]


def test_calendar_refuses_a_day_that_is_both_holiday_and_workday():
    day = dt.date(2026, 2, 14)
    with pytest.raises(ValueError, match="both"):
        Calendar(holidays={day: "春节"}, makeup_workdays={day: 5})
    with pytest.raises(ValueError, match="weekday"):
        Calendar(makeup_workdays={day: 7})


# --- the demo centres on known dates ----------------------------------------------------------


def labels(centre, day, category, calendar=CALENDAR_2026):
    return [(p.label(), p.kind.value) for p in periods_on(DEMO[centre], day, WindowCategory(category), calendar)]


@pytest.mark.parametrize(
    ("centre", "day", "category", "expected"),
    [
        # Thursday: extended evening for real estate, none for investment
        (
            "city",
            dt.date(2026, 1, 8),
            "不动产登记",
            [("08:30-12:00", "regular"), ("13:30-17:00", "regular"), ("17:00-19:00", "extended")],
        ),
        ("city", dt.date(2026, 1, 8), "投资项目", [("08:30-12:00", "regular"), ("13:30-17:00", "regular")]),
        # lunchtime staggered hours join the two regular periods
        (
            "city",
            dt.date(2026, 1, 5),
            "医保社保",
            [("08:30-12:00", "regular"), ("12:00-13:30", "staggered"), ("13:30-17:00", "regular")],
        ),
        # 2026-01-04 is a Sunday worked for Friday 2 January: Friday's hours, no Sunday rota
        ("city", dt.date(2026, 1, 4), "商事登记", [("08:30-12:00", "regular"), ("13:30-17:00", "regular")]),
        # the rota alternates: city on 18 January, Danghu on 11 and 25 January
        ("city", dt.date(2026, 1, 18), "商事登记", [("09:00-12:00", "sunday_rota")]),
        ("city", dt.date(2026, 1, 11), "商事登记", []),
        ("danghu", dt.date(2026, 1, 11), "公安服务", [("09:00-12:00", "sunday_rota")]),
        ("danghu", dt.date(2026, 1, 25), "公安服务", [("09:00-12:00", "sunday_rota")]),
        ("danghu", dt.date(2026, 1, 11), "社会事务", []),
        # holidays: New Year's Day and the National Day week
        ("city", dt.date(2026, 1, 1), "公安服务", []),
        ("city", dt.date(2026, 10, 7), "公安服务", []),
        # Saturday 10 October 2026 is worked for Wednesday 7 October, Wednesday's evening hours included
        (
            "zhongdai",
            dt.date(2026, 10, 10),
            "医保社保",
            [("08:30-11:30", "regular"), ("13:00-17:00", "regular"), ("17:00-18:30", "extended")],
        ),
        # Dushangang's Saturday morning for investment and business only
        ("dushangang", dt.date(2026, 1, 10), "投资项目", [("09:00-12:00", "regular")]),
        ("dushangang", dt.date(2026, 1, 10), "社会事务", []),
    ],
)
def test_demo_centres_on_known_dates(centre, day, category, expected):
    assert labels(centre, day, category) == expected


def test_next_opening_skips_the_national_day_week():
    at = dt.datetime(2026, 9, 30, 17, 30, tzinfo=TZ)
    assert next_opening(DEMO["city"], at, calendar=CALENDAR_2026) == dt.datetime(2026, 10, 8, 8, 30, tzinfo=TZ)
    # Danghu's rota Sunday falls inside the holiday week and is not a holiday itself
    assert next_opening(DEMO["danghu"], at, calendar=CALENDAR_2026) == dt.datetime(2026, 10, 4, 9, 0, tzinfo=TZ)


def test_status_over_lunch_depends_on_the_category():
    at = dt.datetime(2026, 1, 5, 12, 10, tzinfo=TZ)
    city = DEMO["city"]
    assert status(city, at, calendar=CALENDAR_2026).open  # someone is on duty over lunch
    closed = status(city, at, WindowCategory.REAL_ESTATE, calendar=CALENDAR_2026)
    assert not closed.open and closed.next_opening == dt.datetime(2026, 1, 5, 13, 30, tzinfo=TZ)
    open_ = status(city, at, WindowCategory.POLICE, calendar=CALENDAR_2026)
    assert open_.open and open_.closes_at == dt.datetime(2026, 1, 5, 17, 0, tzinfo=TZ)


def test_periods_holidays_and_closures_carry_their_english():
    city = DEMO["city"]
    staggered = periods_on(city, dt.date(2026, 3, 2), WindowCategory.POLICE)[1]  # a Monday
    assert staggered.kind is RuleKind.STAGGERED
    assert (staggered.note, staggered.note_en) == (
        "午间不断档，错时窗口轮流值守",
        "Open through midday, with the staggered-hours windows taking turns",
    )
    holiday = day_hours(city, dt.date(2026, 10, 1), CALENDAR_2026)
    assert (holiday.holiday, holiday.holiday_en) == ("国庆节", "National Day")
    upgrade = Closure(
        dt.date(2026, 3, 3), dt.date(2026, 3, 3), frozenset({WindowCategory.POLICE}), "系统升级", "System upgrade"
    )
    closed = day_hours(city, dt.date(2026, 3, 3), closures=[upgrade])
    assert closed.closed == {WindowCategory.POLICE: "系统升级"}
    assert closed.closed_en == {WindowCategory.POLICE: "System upgrade"}
