"""The workbench's rows colour each case in Python from its timer's stored columns (`warning_from`), which
must say what the database's `annotate_warning` says (R-CLK-6) for every timer the table may hold."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from cases.selectors.clock import warning_from
from workdays.models import Timer, TimerKind, TimerState
from workdays.timers import colour_expression

TODAY = date(2026, 10, 13)
DAY = timedelta(days=1)


def test_r_clk_6_the_rows_colour_is_the_databases(hall: Any) -> None:
    shapes: list[dict[str, Any]] = [
        {"state": TimerState.STOPPED, "deadline": None, "warn_from": None},
        {"state": TimerState.FINISHED, "deadline": TODAY - DAY, "warn_from": TODAY - 3 * DAY},
        {"state": TimerState.FINISHED, "deadline": None, "warn_from": None},
    ]
    for deadline in (TODAY - DAY, TODAY, TODAY + DAY, TODAY + 5 * DAY):
        for warn_from in (TODAY - 2 * DAY, TODAY, TODAY + DAY):
            shapes.append({"state": TimerState.RUNNING, "deadline": deadline, "warn_from": warn_from})
    for n, shape in enumerate(shapes, start=1):
        Timer.objects.create(
            center=hall.center,
            kind=TimerKind.CASE,
            subject_id=10_000 + n,
            started_on=TODAY - 10 * DAY,
            budget_days=10,
            yellow_days=2,
            finished_on=TODAY if shape["state"] == TimerState.FINISHED else None,
            **shape,
        )
    rows = Timer.objects.filter(center=hall.center).annotate(colour=colour_expression(TODAY))
    seen = set()
    for timer in rows:
        assert warning_from(timer.state, timer.deadline, timer.warn_from, TODAY) == timer.colour, (
            timer.__dict__
        )
        seen.add(timer.colour)
    assert seen == {"", "suspended", "red", "yellow", "green"}
    assert warning_from(None, None, None, TODAY) == ""  # a case without a timer (not accepted yet)
