"""The pure working-day timer (workdays.timer) against a naive day-by-day simulation; no database."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workdays.clock import WorkCalendar
from workdays.timer import (
    TimerView,
    colour_on,
    derive,
    merge_spans,
    overdue_working_days,
    remaining_working_days,
    subtract_working_days,
    yellow_threshold,
)

ONE = timedelta(days=1)


def _national_2026() -> WorkCalendar:
    """The official 2025–2026 schedule, from the same package the national fixture seeds from."""
    holidays = [d for d in chinese_calendar.holidays if d.year in (2025, 2026)]
    workdays = [d for d in chinese_calendar.workdays if d.year in (2025, 2026)]
    return WorkCalendar(holidays, workdays, {2025, 2026})


CAL = _national_2026()


def _derive(
    accepted_on: date, budget: int, spans: list[tuple[date, date | None]], limit: int = 5
) -> TimerView:
    yellow = yellow_threshold(limit_days=limit, yellow_min_days=1, yellow_ratio_percent=20)
    return derive(CAL, started_on=accepted_on, budget_days=budget, spans=spans, yellow_days=yellow)


# --- examples on the 2026 calendar ---------------------------------------------------------------------


def test_r_clk_2_acceptance_day_not_counted_over_national_day() -> None:
    view = _derive(date(2026, 9, 30), 5, [])
    assert view.deadline == date(2026, 10, 13)
    assert (view.stopped, view.provisional, view.stopped_working_days) == (False, False, 0)


def test_r_clk_2_zero_days_is_the_acceptance_day() -> None:
    assert _derive(date(2026, 10, 9), 0, [], limit=0).deadline == date(2026, 10, 9)
    # Accepted on a rest day (duty roster): due the next working day, never on a rest day (R-CLK-1).
    assert _derive(date(2026, 10, 11), 0, [], limit=0).deadline == date(2026, 10, 12)


def test_r_clk_4_suspension_moves_deadline_by_suspended_working_days() -> None:
    # Suspended Fri 10-09, resumed Wed 10-14: 10-09, 10-10 (a Saturday worked for the holiday), 10-12, 10-13.
    view = _derive(date(2026, 9, 30), 5, [(date(2026, 10, 9), date(2026, 10, 14))])
    assert view.stopped_working_days == 4
    assert view.deadline == date(2026, 10, 19)


def test_r_clk_4_running_suspension_freezes_remaining_days() -> None:
    view = _derive(date(2026, 9, 30), 5, [(date(2026, 10, 9), None)])
    assert view.stopped is True
    assert view.deadline is None and view.warn_from is None
    assert view.remaining_at_stop == 4  # 10-08 was used; 10-09, 10-10, 10-12, 10-13 remain
    assert colour_on(view, date(2026, 12, 31)) == "suspended"


def test_r_clk_4_suspension_on_acceptance_day_counts_from_the_next_day() -> None:
    view = _derive(date(2026, 10, 12), 3, [(date(2026, 10, 12), date(2026, 10, 14))])
    # 10-13 suspended only (the acceptance day never counts): 10-15 is the deadline moved by one day.
    assert view.stopped_working_days == 1
    assert view.deadline == date(2026, 10, 16)


def test_r_clk_4_suspension_after_the_deadline_neither_moves_it_nor_stops_the_timer() -> None:
    view = _derive(date(2026, 9, 30), 5, [(date(2026, 10, 15), date(2026, 10, 20))])
    assert view.deadline == date(2026, 10, 13)
    assert view.stopped_working_days == 0
    # The time had run out: a procedure started on an overdue case leaves it red (docs/decisions.md).
    running = _derive(date(2026, 9, 30), 5, [(date(2026, 10, 15), None)])
    assert (running.stopped, running.deadline, running.remaining_at_stop) == (False, date(2026, 10, 13), None)
    assert colour_on(running, date(2026, 10, 16)) == "red"


def test_r_clk_6_yellow_threshold_and_warn_from() -> None:
    assert yellow_threshold(limit_days=5, yellow_min_days=1, yellow_ratio_percent=20) == 1
    assert yellow_threshold(limit_days=10, yellow_min_days=1, yellow_ratio_percent=20) == 2
    assert yellow_threshold(limit_days=11, yellow_min_days=1, yellow_ratio_percent=20) == 3  # ceil(2.2)
    view = _derive(date(2026, 9, 30), 10, [], limit=10)
    assert view.deadline == date(2026, 10, 20)
    assert view.warn_from == date(2026, 10, 16)  # two working days left after it: 10-19, 10-20
    assert colour_on(view, date(2026, 10, 15)) == "green"
    assert colour_on(view, date(2026, 10, 16)) == "yellow"
    assert colour_on(view, date(2026, 10, 20)) == "yellow"
    assert colour_on(view, date(2026, 10, 21)) == "red"
    assert remaining_working_days(CAL, view, date(2026, 10, 16)) == 2
    assert overdue_working_days(CAL, date(2026, 10, 19), date(2026, 10, 26)) == 5


def test_r_clk_3_deadline_past_loaded_years_is_provisional() -> None:
    view = _derive(date(2026, 12, 28), 5, [])
    assert view.deadline == date(2027, 1, 4)
    assert view.provisional is True


def test_subtract_working_days_skips_holidays_and_counts_make_up_days() -> None:
    assert subtract_working_days(CAL, date(2026, 10, 8), 1) == date(2026, 9, 30)
    assert subtract_working_days(CAL, date(2026, 10, 12), 1) == date(2026, 10, 10)
    assert subtract_working_days(CAL, date(2026, 10, 12), 0) == date(2026, 10, 12)
    with pytest.raises(ValueError):
        subtract_working_days(CAL, date(2026, 10, 12), -1)


def test_merge_spans() -> None:
    d = date(2026, 3, 1)
    assert merge_spans([(d + 5 * ONE, d + 7 * ONE), (d, d + 2 * ONE), (d + 2 * ONE, d + 3 * ONE)]) == [
        (d, d + 3 * ONE),
        (d + 5 * ONE, d + 7 * ONE),
    ]
    assert merge_spans([(d, None), (d + 3 * ONE, d + 4 * ONE)]) == [(d, None)]
    with pytest.raises(ValueError):
        merge_spans([(d, d - ONE)])


# --- the naive simulation ------------------------------------------------------------------------------


def _suspended_days(accepted_on: date, spans: list[tuple[date, date | None]], horizon: date) -> set[date]:
    days: set[date] = set()
    for start, end in spans:
        d = max(start, accepted_on + ONE)
        stop = end or horizon
        while d < stop:
            days.add(d)
            d += ONE
    return days


def _simulate(
    cal: WorkCalendar, accepted_on: date, budget: int, spans: list[tuple[date, date | None]]
) -> tuple[date | None, int | None]:
    """Tick the clock one day at a time: each working day after acceptance that is not suspended uses one
    day of the budget. Returns (deadline, remaining when stopped) — deadline None while a span runs."""
    horizon = accepted_on + timedelta(days=2000)
    closed: list[tuple[date, date | None]] = [(s, e) for s, e in spans if e is not None]
    running = [s for s, e in spans if e is None]
    off = _suspended_days(accepted_on, closed, horizon)
    # The deadline with the closed spans: the first working, not suspended day >= acceptance at which the
    # budget is used up.
    used, d = 0, accepted_on
    while True:
        if d > accepted_on and cal.is_working_day(d) and d not in off:
            used += 1
        if used >= budget and cal.is_working_day(d) and d not in off:
            break
        d += ONE
    deadline = d
    if not running:
        return deadline, None
    first = max(running[0], accepted_on + ONE)
    if first > deadline:
        return deadline, None  # the time had run out before the span: it stays overdue, not stopped
    remaining, d = 0, first
    while d <= deadline:
        if cal.is_working_day(d):
            remaining += 1
        d += ONE
    return None, remaining


@st.composite
def calendars(draw: st.DrawFn) -> WorkCalendar:
    base = date(2026, 1, 1)
    offsets = st.integers(min_value=0, max_value=420)
    holidays = [base + timedelta(days=o) for o in draw(st.lists(offsets, max_size=60))]
    workdays = [base + timedelta(days=o) for o in draw(st.lists(offsets, max_size=15))]
    holidays = [d for d in holidays if d not in set(workdays)]
    return WorkCalendar(holidays, workdays, {2026})


@st.composite
def ledgers(draw: st.DrawFn, accepted_on: date) -> list[tuple[date, date | None]]:
    spans: list[tuple[date, date | None]] = []
    cursor = accepted_on
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        start = cursor + timedelta(days=draw(st.integers(min_value=0, max_value=20)))
        end = start + timedelta(days=draw(st.integers(min_value=0, max_value=20)))
        spans.append((start, end))
        cursor = end
    if draw(st.booleans()):
        spans.append((cursor + timedelta(days=draw(st.integers(min_value=0, max_value=30))), None))
    return spans


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_r_clk_4_r_clk_6_derive_matches_day_by_day_simulation(data: st.DataObject) -> None:
    cal = data.draw(calendars())
    accepted_on = date(2026, 1, 1) + timedelta(days=data.draw(st.integers(min_value=0, max_value=330)))
    budget = data.draw(st.integers(min_value=0, max_value=25))
    limit = data.draw(st.integers(min_value=0, max_value=25))
    spans = data.draw(ledgers(accepted_on))
    threshold = max(1, -(-limit * 20 // 100))
    view = derive(cal, started_on=accepted_on, budget_days=budget, spans=spans, yellow_days=threshold)
    deadline, remaining = _simulate(cal, accepted_on, budget, spans)
    assert view.deadline == deadline
    assert view.remaining_at_stop == remaining
    assert view.stopped is (deadline is None)
    if deadline is None:
        return
    assert cal.is_working_day(deadline)
    assert view.provisional is any(
        (accepted_on + timedelta(days=i)).year not in cal.loaded_years
        for i in range((deadline - accepted_on).days + 1)
    )
    # R-CLK-6: yellow exactly when the working days left after today are at most the threshold.
    day = accepted_on
    while day <= deadline + timedelta(days=5):
        left = sum(
            1 for i in range(1, (deadline - day).days + 1) if cal.is_working_day(day + timedelta(days=i))
        )
        expected = "red" if day > deadline else "yellow" if left <= threshold else "green"
        assert colour_on(view, day) == expected, day
        day += ONE
