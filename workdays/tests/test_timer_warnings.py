"""Warnings as supervision records (R-DATA-3): each time a timer turns yellow or red, the daily sweep stores a
record with the rule, the type, the day it turned, the deadline then and who answered for it (asked of the
timer's owner); the result is filled in once, when the timer finishes or the warning clears."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from org.tests import factories as f
from workdays import hooks
from workdays.models import Timer, TimerKind, TimerWarning
from workdays.timers import timer_finish, timer_set_budget, timer_start, timer_stop, timers_sweep

pytestmark = pytest.mark.usefixtures("national_calendar")

ACCEPTED = date(
    2026, 9, 30
)  # 5 working days over the National Day holiday: due 2026-10-13, yellow from 10-12
KIND = TimerKind.REVIEW  # a kind whose owner the test names


@pytest.fixture
def owner(db: Any) -> Any:
    center = f.make_center()
    department = f.make_department(center)
    clerk = f.make_staff(center, name="王受理")
    asked: list[tuple[int, date]] = []

    def responsible(timer: Timer, *, on: date) -> hooks.Responsible:
        asked.append((timer.subject_id, on))
        return hooks.Responsible(
            label=f"对象{timer.subject_id}", department_id=department.pk, staff_id=clerk.pk
        )

    hooks.register_timer_owner(KIND, responsible=responsible)
    yield type("Owner", (), {"center": center, "department": department, "clerk": clerk, "asked": asked})
    hooks.register_timer_owner(KIND)


def _timer(center: Any, subject_id: int, **fields: Any) -> Timer:
    return timer_start(
        center=center,
        kind=KIND,
        subject_id=subject_id,
        started_on=fields.pop("started_on", ACCEPTED),
        budget_days=fields.pop("budget_days", 5),
        yellow_days=1,
    )


def _records(timer: Timer) -> list[tuple[str, str, date, date, str, date | None]]:
    return list(
        TimerWarning.objects.filter(timer=timer)
        .order_by("pk")
        .values_list("colour", "rule", "turned_on", "deadline", "result", "result_on")
    )


def test_r_data_3_yellow_then_red_each_recorded_once_with_who_answered(owner: Any) -> None:
    timer = _timer(owner.center, 1)
    timers_sweep(today=date(2026, 10, 9))
    assert _records(timer) == []  # still green
    timers_sweep(today=date(2026, 10, 12))
    timers_sweep(today=date(2026, 10, 13))  # still yellow: nothing new
    timers_sweep(today=date(2026, 10, 14))
    timers_sweep(today=date(2026, 10, 15))  # still red: nothing new
    assert _records(timer) == [
        ("yellow", "R-CLK-6", date(2026, 10, 12), date(2026, 10, 13), "", None),
        ("red", "R-CLK-9", date(2026, 10, 14), date(2026, 10, 13), "", None),
    ]
    record = TimerWarning.objects.filter(timer=timer).first()
    assert record is not None
    assert (record.center, record.kind, record.subject_label, record.department, record.responsible) == (
        owner.center,
        KIND,
        "对象1",
        owner.department,
        owner.clerk,
    )
    assert owner.asked == [(1, date(2026, 10, 12)), (1, date(2026, 10, 14))]
    # Finished late: both records get their result, once.
    timer_finish(timer=timer, on=date(2026, 10, 16))
    timers_sweep(today=date(2026, 10, 19))
    assert [(r[4], r[5]) for r in _records(timer)] == [("late", date(2026, 10, 16))] * 2


def test_r_data_3_a_warning_cleared_by_an_extension_and_a_new_yellow_is_a_new_record(owner: Any) -> None:
    timer = _timer(owner.center, 2)
    timers_sweep(today=date(2026, 10, 12))
    timer_set_budget(timer=timer, budget_days=10)  # an extension: due 10-20, yellow from 10-19
    timers_sweep(today=date(2026, 10, 13))
    assert _records(timer) == [
        ("yellow", "R-CLK-6", date(2026, 10, 12), date(2026, 10, 13), "cleared", date(2026, 10, 13))
    ]
    timers_sweep(today=date(2026, 10, 19))
    timer.refresh_from_db()  # the finishing service reads the timer with its subject, under the subject's lock
    timer_finish(timer=timer, on=date(2026, 10, 20))
    assert _records(timer)[1] == (
        "yellow",
        "R-CLK-6",
        date(2026, 10, 19),
        date(2026, 10, 20),
        "in_time",
        date(2026, 10, 20),
    )


def test_r_data_3_a_stopped_timer_clears_and_a_kind_without_owner_names_nobody(db: Any) -> None:
    center = f.make_center()
    timer = timer_start(
        center=center,
        kind=TimerKind.ACTION_ITEM,
        subject_id=3,
        started_on=ACCEPTED,
        budget_days=5,
        yellow_days=1,
    )
    timers_sweep(today=date(2026, 10, 12))
    record = TimerWarning.objects.get(timer=timer)
    assert (record.department, record.responsible, record.subject_label) == (None, None, "")
    timer_stop(timer=timer, on=date(2026, 10, 12), reason="特别程序")
    timers_sweep(today=date(2026, 10, 13))
    record.refresh_from_db()
    assert (record.result, record.result_on) == ("cleared", date(2026, 10, 13))
    timer.refresh_from_db()
    assert timer.warned == ""


def test_r_data_3_a_finish_closes_its_warnings_and_one_it_did_not_see_is_closed_by_the_next_sweep(
    owner: Any,
) -> None:
    seen, unseen = _timer(owner.center, 1), _timer(owner.center, 2)
    timers_sweep(today=date(2026, 10, 12))  # both yellow, recorded; `unseen` is an instance read before that
    seen.refresh_from_db()
    timer_finish(timer=seen, on=date(2026, 10, 12))
    timer_finish(
        timer=unseen, on=date(2026, 10, 12)
    )  # finished on an instance that does not know its warning
    assert [r[4:] for r in _records(seen)] == [("in_time", date(2026, 10, 12))]  # closed with the finish
    assert [r[4:] for r in _records(unseen)] == [("", None)]
    timers_sweep(today=date(2026, 10, 13))
    assert [r[4:] for r in _records(unseen)] == [
        ("in_time", date(2026, 10, 12))
    ]  # the finish's day and result
    assert [r[4:] for r in _records(seen)] == [("in_time", date(2026, 10, 12))]  # never rewritten
