"""The working-day clock against a naive day-by-day reference, and the exact 2026 schedule. No database."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workdays.clock import (
    Deadline,
    WorkCalendar,
    WorkingHours,
    in_summer,
    parse_hhmm,
    parse_month_day,
    within_working_hours,
    working_hours_on,
)

ONE = timedelta(days=1)

# The State Council's 2026 schedule, written out by hand (not read from the package it is checked against).
OFF_2026 = [
    (date(2026, 1, 1), date(2026, 1, 3)),
    (date(2026, 2, 15), date(2026, 2, 23)),
    (date(2026, 4, 4), date(2026, 4, 6)),
    (date(2026, 5, 1), date(2026, 5, 5)),
    (date(2026, 6, 19), date(2026, 6, 21)),
    (date(2026, 9, 25), date(2026, 9, 27)),
    (date(2026, 10, 1), date(2026, 10, 7)),
]
MAKE_UP_2026 = [
    date(2026, 1, 4),
    date(2026, 2, 14),
    date(2026, 2, 28),
    date(2026, 5, 9),
    date(2026, 9, 20),
    date(2026, 10, 10),
]


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


OFF_2026_DAYS = [d for first, last in OFF_2026 for d in _days(first, last)]
CAL_2026 = WorkCalendar(OFF_2026_DAYS, MAKE_UP_2026, [2026])
PACKAGE = WorkCalendar(chinese_calendar.holidays, chinese_calendar.workdays, range(2004, 2027))


# --- the naive reference: one day at a time ---------------------------------------------------------------


class Naive:
    def __init__(self, holidays: set[date], workdays: set[date], loaded: set[int]):
        self.holidays, self.workdays, self.loaded = holidays, workdays, loaded

    def is_working(self, d: date) -> bool:
        if d.weekday() < 5:
            return d not in self.holidays
        return d in self.workdays

    def add(self, start: date, days: int) -> Deadline:
        d, seen = start, [start] if days == 0 else []
        if days == 0:
            while not self.is_working(d):
                d += ONE
                seen.append(d)
        else:
            counted = 0
            while counted < days:
                d += ONE
                seen.append(d)
                counted += self.is_working(d)
        return Deadline(d, any(x.year not in self.loaded for x in seen))

    def count(self, start: date, end: date) -> int:
        return sum(self.is_working(start + timedelta(days=i)) for i in range(1, (end - start).days + 1))


SPAN = (date(2023, 1, 1), date(2028, 12, 31))
dates = st.dates(min_value=SPAN[0], max_value=SPAN[1])
exceptions = st.sets(dates, max_size=80)
years = st.sets(st.integers(2022, 2029), max_size=8)


@st.composite
def calendars(draw: st.DrawFn) -> tuple[WorkCalendar, Naive]:
    holidays, workdays, loaded = draw(exceptions), draw(exceptions), draw(years)
    # The reference keeps the same reading: a weekday can only be a holiday, a weekend only a working day.
    naive = Naive({d for d in holidays if d.weekday() < 5}, {d for d in workdays if d.weekday() >= 5}, loaded)
    return WorkCalendar(holidays, workdays, loaded), naive


@settings(max_examples=300, deadline=None)
@given(calendars(), dates, st.integers(0, 400))
def test_r_clk_1_add_working_days_matches_the_naive_reference(pair, start, days):
    calendar, naive = pair
    assert calendar.add_working_days(start, days) == naive.add(start, days)


@settings(max_examples=300, deadline=None)
@given(calendars(), dates, dates)
def test_r_clk_1_count_working_days_matches_the_naive_reference(pair, start, end):
    calendar, naive = pair
    assert calendar.count_working_days(start, end) == (naive.count(start, end) if end > start else 0)


@settings(max_examples=200, deadline=None)
@given(calendars(), dates)
def test_r_clk_1_is_working_day_and_next_working_day_match_the_reference(pair, day):
    calendar, naive = pair
    assert calendar.is_working_day(day) == naive.is_working(day)
    expected = day
    while not naive.is_working(expected):
        expected += ONE
    assert calendar.next_working_day(day) == expected


@settings(max_examples=200, deadline=None)
@given(calendars(), dates, st.integers(0, 400))
def test_r_clk_1_deadline_never_falls_on_a_non_working_day(pair, start, days):
    calendar, _naive = pair
    assert calendar.is_working_day(calendar.add_working_days(start, days).date)


@settings(max_examples=200, deadline=None)
@given(calendars(), dates, st.integers(1, 400))
def test_r_clk_2_acceptance_day_is_not_counted(pair, start, days):
    calendar, _naive = pair
    end = calendar.add_working_days(start, days).date
    assert calendar.count_working_days(start, end) == days
    assert calendar.count_working_days(start, end - ONE) == days - 1


@settings(max_examples=100, deadline=None)
@given(st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 6, 30)), st.integers(0, 250))
def test_r_clk_1_package_calendar_matches_the_reference(start, days):
    naive = Naive(set(chinese_calendar.holidays), set(chinese_calendar.workdays), set(range(2004, 2027)))
    naive.holidays = {d for d in naive.holidays if d.weekday() < 5}
    naive.workdays = {d for d in naive.workdays if d.weekday() >= 5}
    assert PACKAGE.add_working_days(start, days) == naive.add(start, days)


def test_r_clk_1_negative_days_are_refused():
    with pytest.raises(ValueError):
        CAL_2026.add_working_days(date(2026, 3, 2), -1)


# --- the 2026 schedule, exactly --------------------------------------------------------------------------


@pytest.mark.parametrize("calendar", [CAL_2026, PACKAGE], ids=["by-hand", "package"])
def test_r_clk_1_five_working_days_from_30_september_2026_is_13_october(calendar):
    # 09-30 Wed (not counted), 10-01..07 holidays, 10-08 Thu 1, 10-09 Fri 2, 10-10 Sat (make-up) 3,
    # 10-12 Mon 4, 10-13 Tue 5.
    assert calendar.add_working_days(date(2026, 9, 30), 5) == Deadline(date(2026, 10, 13), provisional=False)


@pytest.mark.parametrize("calendar", [CAL_2026, PACKAGE], ids=["by-hand", "package"])
def test_r_clk_1_saturday_10_october_2026_is_a_working_day(calendar):
    assert date(2026, 10, 10).weekday() == 5
    assert calendar.is_working_day(date(2026, 10, 10))
    assert not calendar.is_working_day(date(2026, 10, 11))


@pytest.mark.parametrize("calendar", [CAL_2026, PACKAGE], ids=["by-hand", "package"])
def test_r_clk_1_national_day_2026_is_off_from_1_to_7_october(calendar):
    assert [calendar.is_working_day(d) for d in _days(date(2026, 9, 30), date(2026, 10, 8))] == [
        True,
        False,
        False,
        False,
        False,
        False,
        False,
        False,
        True,
    ]


@pytest.mark.parametrize("calendar", [CAL_2026, PACKAGE], ids=["by-hand", "package"])
def test_r_clk_1_2026_has_248_working_days(calendar):
    assert calendar.count_working_days(date(2025, 12, 31), date(2026, 12, 31)) == 248


def test_r_clk_1_package_2026_schedule_equals_the_published_one():
    year = _days(date(2026, 1, 1), date(2026, 12, 31))
    assert [d for d in year if not PACKAGE.is_working_day(d) and d.weekday() < 5] == sorted(
        d for d in OFF_2026_DAYS if d.weekday() < 5
    )
    assert [d for d in year if PACKAGE.is_working_day(d) and d.weekday() >= 5] == MAKE_UP_2026


def test_r_clk_1_deadline_on_a_holiday_moves_to_the_next_working_day():
    # Accepted Thursday 2026-09-24 with 1 day: 09-25 is a holiday (Fri), 09-26/27 weekend -> Monday 09-28.
    assert CAL_2026.add_working_days(date(2026, 9, 24), 1).date == date(2026, 9, 28)


def test_r_clk_2_zero_days_is_the_acceptance_day_or_the_next_working_day():
    assert CAL_2026.add_working_days(date(2026, 3, 3), 0) == Deadline(date(2026, 3, 3), False)
    assert CAL_2026.add_working_days(date(2026, 10, 1), 0) == Deadline(date(2026, 10, 8), False)
    assert CAL_2026.add_working_days(date(2026, 10, 10), 0) == Deadline(date(2026, 10, 10), False)


def test_r_clk_2_acceptance_on_a_holiday_counts_from_the_next_working_day():
    # Accepted on 2026-10-03 (holiday): 10-08 is day 1, 10-09 day 2.
    assert CAL_2026.add_working_days(date(2026, 10, 3), 2).date == date(2026, 10, 9)


def test_r_clk_1_count_is_zero_for_an_empty_or_reversed_span():
    assert CAL_2026.count_working_days(date(2026, 3, 3), date(2026, 3, 3)) == 0
    assert CAL_2026.count_working_days(date(2026, 3, 3), date(2026, 3, 1)) == 0
    assert CAL_2026.count_working_days(date(2026, 9, 30), date(2026, 10, 13)) == 5


# --- R-CLK-3: past the loaded years --------------------------------------------------------------------


def test_r_clk_3_past_the_last_loaded_year_counts_weekends_only_and_is_provisional():
    # 2027 is not loaded: 2027-01-01 (a Friday, New Year's Day in reality) counts as a working day.
    deadline = CAL_2026.add_working_days(date(2026, 12, 30), 2)
    assert deadline == Deadline(date(2027, 1, 1), provisional=True)
    assert CAL_2026.add_working_days(date(2026, 12, 30), 1) == Deadline(date(2026, 12, 31), provisional=False)
    assert CAL_2026.add_working_days(date(2027, 3, 5), 1) == Deadline(date(2027, 3, 8), provisional=True)


def test_r_clk_3_is_provisional_outside_the_loaded_years():
    assert not CAL_2026.is_provisional(date(2026, 12, 31))
    assert CAL_2026.is_provisional(date(2027, 1, 1))
    assert CAL_2026.is_provisional(date(2025, 12, 31))
    assert CAL_2026.loaded_years == frozenset({2026})


def test_r_clk_3_span_across_an_unloaded_year_is_provisional():
    calendar = WorkCalendar([], [], [2025, 2027])
    assert calendar.add_working_days(date(2025, 12, 1), 300).provisional is True
    assert calendar.add_working_days(date(2025, 12, 1), 5).provisional is False


# --- R-CLK-7: working hours ----------------------------------------------------------------------------

DEFAULT_HOURS = {
    "morning_start": time(8, 0),
    "morning_end": time(11, 30),
    "afternoon_start": time(14, 0),
    "afternoon_end": time(17, 0),
    "summer_shift_minutes": 30,
    "summer_start": (5, 1),
    "summer_end": (9, 30),
}


def _at(day: date, hhmm: str) -> datetime:
    return datetime.combine(day, parse_hhmm(hhmm))


def _within(day: date, hhmm: str, working: bool = True) -> bool:
    return within_working_hours(_at(day, hhmm), working_hours_on(day, **DEFAULT_HOURS), working)


def test_r_clk_7_winter_hours_are_8_to_11_30_and_14_to_17():
    monday = date(2026, 3, 2)
    assert working_hours_on(monday, **DEFAULT_HOURS) == WorkingHours(
        time(8, 0), time(11, 30), time(14, 0), time(17, 0), summer=False
    )
    inside = ["08:00", "11:29", "14:00", "16:59"]
    outside = ["07:59", "11:30", "12:00", "13:59", "17:00", "20:00"]
    assert [_within(monday, t) for t in inside] == [True] * 4
    assert [_within(monday, t) for t in outside] == [False] * 6


def test_r_clk_7_summer_afternoon_is_14_30_to_17_30():
    monday = date(2026, 6, 1)
    assert working_hours_on(monday, **DEFAULT_HOURS) == WorkingHours(
        time(8, 0), time(11, 30), time(14, 30), time(17, 30), summer=True
    )
    assert [_within(monday, t) for t in ["08:00", "14:29", "14:30", "17:29", "17:30"]] == [
        True,
        False,
        True,
        True,
        False,
    ]


def test_r_clk_7_summer_runs_from_1_may_to_30_september_inclusive():
    assert [
        working_hours_on(d, **DEFAULT_HOURS).summer
        for d in [date(2026, 4, 30), date(2026, 5, 1), date(2026, 9, 30), date(2026, 10, 1)]
    ] == [False, True, True, False]


def test_r_clk_7_no_working_hours_on_a_non_working_day():
    assert _within(date(2026, 10, 5), "09:00", working=False) is False


def test_r_clk_7_a_summer_range_may_run_over_new_year():
    assert in_summer(date(2026, 1, 10), (11, 1), (2, 28))
    assert in_summer(date(2026, 11, 1), (11, 1), (2, 28))
    assert not in_summer(date(2026, 6, 1), (11, 1), (2, 28))


def test_r_clk_7_parsing_of_times_and_month_days():
    assert parse_hhmm("08:30") == time(8, 30)
    assert parse_month_day("02-29") == (2, 29)
    for bad in ["8:30", "08-30", "24:00", "ab:cd", ""]:
        with pytest.raises(ValueError):
            parse_hhmm(bad)
    for bad in ["5-1", "13-01", "02-30", "0501"]:
        with pytest.raises(ValueError):
            parse_month_day(bad)


def test_r_clk_3_span_provisional():
    assert not CAL_2026.is_span_provisional(date(2026, 1, 1), date(2026, 12, 31))
    assert CAL_2026.is_span_provisional(date(2026, 12, 31), date(2027, 1, 1))
    assert CAL_2026.is_span_provisional(date(2025, 12, 31), date(2026, 1, 5))


def test_r_clk_1_a_very_long_run_of_holidays_is_crossed():
    run = [date(2030, 1, 1) + timedelta(days=i) for i in range(3000)]
    calendar = WorkCalendar(run, [date(2031, 6, 7)], [2030])
    naive = Naive({d for d in run if d.weekday() < 5}, {date(2031, 6, 7)}, {2030})
    for start, days in [
        (date(2029, 12, 31), 1),
        (date(2029, 12, 31), 2),
        (date(2030, 5, 5), 3),
        (date(2028, 1, 1), 600),
    ]:
        assert calendar.add_working_days(start, days) == naive.add(start, days)
