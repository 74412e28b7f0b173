"""Working-day timers in the database (workdays.timers) on the 2026 national calendar: what is stored follows the
ledger, the colours are read in SQL across every kind of timer, the daily sweep records an overdue timer once and
asks its owner who answered for it."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from org.tests import factories as f
from workdays import hooks
from workdays.models import Timer, TimerKind, TimerSpan, TimerState
from workdays.services import calendar_day_set
from workdays.timers import (
    timer_finish,
    timer_resume,
    timer_set_budget,
    timer_start,
    timer_stop,
    timers_in_warning,
    timers_sweep,
)

pytestmark = pytest.mark.usefixtures("national_calendar")

ACCEPTED = date(2026, 9, 30)  # 5 working days over the National Day holiday: 2026-10-13


def _timer(center: Any, subject_id: int, *, kind: str = TimerKind.COMPLAINT, **fields: Any) -> Timer:
    fields.setdefault("started_on", ACCEPTED)
    fields.setdefault("budget_days", 5)
    fields.setdefault("yellow_days", 1)
    return timer_start(center=center, kind=kind, subject_id=subject_id, **fields)


def _stored(timer: Timer) -> tuple[Any, ...]:
    timer.refresh_from_db()
    return (timer.state, timer.deadline, timer.warn_from, timer.provisional)


def test_r_clk_2_a_timer_stores_its_deadline_and_first_yellow_day(db: Any) -> None:
    center = f.make_center()
    timer = _timer(center, 1)
    assert _stored(timer) == (TimerState.RUNNING, date(2026, 10, 13), date(2026, 10, 12), False)


def test_r_clk_4_stop_and_resume_move_the_deadline_by_the_working_days_stopped(db: Any) -> None:
    center = f.make_center()
    timer = _timer(center, 1)
    view = timer_stop(timer=timer, on=date(2026, 10, 9), reason="testing")
    assert (view.stopped, view.remaining_at_stop) == (True, 4)
    assert _stored(timer) == (TimerState.STOPPED, None, None, False)
    # 10-09, 10-10 (a make-up Saturday), 10-12 and 10-13 stopped: 4 working days later.
    view, moved = timer_resume(timer=timer, on=date(2026, 10, 14))
    assert moved == 4
    assert _stored(timer) == (TimerState.RUNNING, date(2026, 10, 19), date(2026, 10, 16), False)
    assert list(TimerSpan.objects.filter(timer=timer).values_list("stopped_on", "resumed_on", "reason")) == [
        (date(2026, 10, 9), date(2026, 10, 14), "testing")
    ]
    with pytest.raises(ValueError):
        timer_resume(timer=timer, on=date(2026, 10, 15))  # nothing is stopped


def test_r_clk_4_a_timer_past_its_deadline_cannot_be_stopped_and_stays_red(db: Any) -> None:
    center = f.make_center()
    timer = _timer(center, 1)
    view = timer_stop(timer=timer, on=date(2026, 10, 15), reason="expert_review")
    assert (view.stopped, view.deadline) == (False, date(2026, 10, 13))
    assert _stored(timer) == (TimerState.RUNNING, date(2026, 10, 13), date(2026, 10, 12), False)
    assert [t.colour for t in timers_in_warning(center, date(2026, 10, 16))] == ["red"]
    timer_resume(timer=timer, on=date(2026, 10, 20))
    assert _stored(timer) == (TimerState.RUNNING, date(2026, 10, 13), date(2026, 10, 12), False)


def test_r_clk_5_a_new_budget_moves_the_deadline(db: Any) -> None:
    center = f.make_center()
    timer = _timer(center, 1)
    timer_set_budget(timer=timer, budget_days=8)
    assert _stored(timer)[1] == date(2026, 10, 16)


def test_r_clk_1_a_calendar_change_moves_every_unfinished_timer_and_tells_its_owner(db: Any) -> None:
    center = f.make_center()
    heard: list[tuple[int, Any, Any]] = []
    hooks.register_timer_owner(
        TimerKind.REVIEW,
        recomputed=lambda timer, *, old, reason: heard.append(
            (timer.subject_id, old["deadline"], timer.deadline)
        ),
    )
    try:
        running = _timer(center, 1, kind=TimerKind.REVIEW)
        finished = _timer(center, 2, kind=TimerKind.REVIEW)
        timer_finish(timer=finished, on=date(2026, 10, 9))
        calendar_day_set(actor=None, center=center, day=date(2026, 10, 12), kind="holiday", name="县庆")
    finally:
        hooks.register_timer_owner(TimerKind.REVIEW)
    assert _stored(running)[1] == date(2026, 10, 14)
    assert _stored(finished)[1] == date(2026, 10, 13)  # a finished timer keeps the deadline it had
    assert heard == [(1, date(2026, 10, 13), date(2026, 10, 14))]


def test_r_clk_6_one_query_lists_the_yellow_and_red_timers_of_every_kind(
    db: Any, django_assert_num_queries: Any
) -> None:
    center = f.make_center()
    red = _timer(center, 1, kind=TimerKind.CASE)  # due 10-13
    yellow = _timer(center, 2, kind=TimerKind.COMPLAINT, started_on=date(2026, 10, 9), budget_days=3)  # 10-13
    _timer(center, 3, kind=TimerKind.ACTION_ITEM, started_on=date(2026, 10, 12), budget_days=10)  # green
    stopped = _timer(center, 4, kind=TimerKind.REVIEW)
    timer_stop(timer=stopped, on=date(2026, 10, 9), reason="x")
    done = _timer(center, 5, kind=TimerKind.JOINT_LANE)
    timer_finish(timer=done, on=date(2026, 10, 9))
    _timer(f.make_center(), 6)  # another centre's

    with django_assert_num_queries(1):
        found = [(t.kind, t.subject_id, t.colour) for t in timers_in_warning(center, date(2026, 10, 14))]
    assert found == [("case", red.subject_id, "red"), ("complaint", yellow.subject_id, "red")]
    with django_assert_num_queries(1):
        found = [(t.kind, t.colour) for t in timers_in_warning(center, date(2026, 10, 12))]
    assert found == [("case", "yellow"), ("complaint", "yellow")]


def test_r_clk_9_the_sweep_records_an_overdue_timer_once_and_asks_its_owner(db: Any) -> None:
    center = f.make_center()
    told: list[tuple[int, date | None]] = []
    # A kind no app owns, so that the test names its owner and takes it back after.
    hooks.register_timer_owner(
        TimerKind.REVIEW, overdue=lambda timer: told.append((timer.subject_id, timer.red_since))
    )
    try:
        _timer(center, 1, kind=TimerKind.REVIEW)  # due 10-13
        _timer(center, 2, kind=TimerKind.REVIEW, started_on=date(2026, 10, 12))  # due 10-19
        stopped = _timer(center, 3, kind=TimerKind.REVIEW)
        timer_stop(timer=stopped, on=date(2026, 10, 9), reason="x")
        # Finished after its deadline before any sweep saw it: recorded when it finishes.
        timer_finish(timer=_timer(center, 4, kind=TimerKind.REVIEW), on=date(2026, 10, 15))
        assert told == [(4, date(2026, 10, 14))]
        assert timers_sweep(today=date(2026, 10, 13)) == 0  # the last day is not over yet
        assert timers_sweep(today=date(2026, 10, 14)) == 1
        assert timers_sweep(today=date(2026, 10, 20)) == 1  # subject 2, due 10-19
        assert timers_sweep(today=date(2026, 10, 20)) == 0
    finally:
        hooks.register_timer_owner(TimerKind.REVIEW)
    assert told == [(4, date(2026, 10, 14)), (1, date(2026, 10, 14)), (2, date(2026, 10, 20))]
    assert Timer.objects.get(center=center, subject_id=3).red_since is None
