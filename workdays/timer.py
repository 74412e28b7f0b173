"""A working-day timer (R-CLK-2, R-CLK-4, R-CLK-6, R-CLK-8): pure arithmetic on a `WorkCalendar`, no ORM.

Every limit the rulebook counts in working days is a timer: a case's promised limit, and later one department's
part of a joint case, a complaint's answer, a bad review's follow-up, a meeting's action item. A timer is a
budget of working days counted from a start date and a ledger of stopped spans; everything shown about it is
derived from them by `derive`:

- **Counting (R-CLK-2).** The start day is not counted: with a budget of N working days the deadline is the
  N-th working day after the start date; N = 0 means the start day itself (the next working day when the
  timer starts on a rest day, since a deadline never falls on one, R-CLK-1).
- **Stopped spans (R-CLK-4).** A span `(S, E)` runs from its stop date S to its resume date E: the days
  S..E-1 are stopped and E counts again. Its *stopped working days* are the working days S..E-1, i.e.
  `calendar.count_working_days(S - 1 day, E - 1 day)`. On resumption the deadline moves by that many working
  days. Two precisions make this agree with a clock that ticks day by day and skips stopped days: the start
  day is never counted, so a span starting on it counts from the day after; and a span that starts after the
  deadline has passed neither moves the deadline nor stops the timer: the time had run out, the timer stays
  overdue (red) until its subject is finished. Overlapping spans are merged.
- **While stopped** the deadline is unknown (`None`): the timer is stopped with `remaining_at_stop` working
  days left, which are the working days from the start of the span up to the deadline it would have had.
- **Warnings (R-CLK-6).** `remaining` on a day t is the number of working days after t up to the deadline. A
  timer is yellow when `remaining <= yellow_days`, red when t is after the deadline. `warn_from` is the first
  day that is yellow: the working day `yellow_days` working days before the deadline (never before the start).
  For a case, `yellow_days = max(yellow_min_days, ceil(limit × ratio / 100))` (`yellow_threshold`).

`derive` is proven against a day-by-day simulation in `workdays/tests/test_timer_pure.py`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from .clock import WorkCalendar

ONE_DAY = timedelta(days=1)

Colour = Literal["green", "yellow", "red", "suspended"]
Span = tuple[date, date | None]


@dataclass(frozen=True)
class TimerView:
    """What a timer shows. `deadline` and `warn_from` are None while it is stopped."""

    started_on: date
    budget_days: int
    deadline: date | None
    provisional: bool
    stopped: bool
    stopped_working_days: int  # the total of the closed spans that moved the deadline
    remaining_at_stop: int | None  # the working days left when the running span stopped the timer
    warn_from: date | None
    yellow_days: int


def yellow_threshold(*, limit_days: int, yellow_min_days: int, yellow_ratio_percent: int) -> int:
    """max(yellow_min_days, ceil(limit × ratio / 100)) in working days (R-CLK-6); integer arithmetic."""
    by_ratio = -(-limit_days * yellow_ratio_percent // 100)
    return max(yellow_min_days, by_ratio)


def previous_working_day(calendar: WorkCalendar, day: date) -> date:
    """The last working day strictly before `day`."""
    day -= ONE_DAY
    while not calendar.is_working_day(day):
        day -= ONE_DAY
    return day


def subtract_working_days(calendar: WorkCalendar, day: date, n: int) -> date:
    """The working day W with exactly `n` working days in (W, day]; `day` itself when n is 0.

    Steps back one working day at a time: the callers' `n` is a small warning or notice threshold.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    for _ in range(n):
        day = previous_working_day(calendar, day)
    return day


def merge_spans(spans: Iterable[Span]) -> list[Span]:
    """The spans sorted by start, overlapping or touching ones merged; an open span (end None) absorbs the rest."""
    merged: list[Span] = []
    for start, end in sorted(spans, key=lambda span: span[0]):
        if end is not None and end < start:
            raise ValueError("a span cannot end before it starts")
        if merged:
            last_start, last_end = merged[-1]
            if last_end is None:
                break
            if start <= last_end:
                merged[-1] = (last_start, None if end is None else max(last_end, end))
                continue
        merged.append((start, end))
    return merged


def derive(
    calendar: WorkCalendar, *, started_on: date, budget_days: int, spans: list[Span], yellow_days: int
) -> TimerView:
    """The timer started on `started_on` with `budget_days` working days and these stopped spans."""
    if budget_days < 0 or yellow_days < 0:
        raise ValueError("budget_days and yellow_days must not be negative")
    deadline = calendar.add_working_days(started_on, budget_days).date
    moved_by = 0
    for start, end in merge_spans(spans):
        first = max(start, started_on + ONE_DAY)  # the start day is never counted
        if end is not None and end <= first:
            continue  # nothing stopped after the start day
        if first > deadline:
            break  # the time had run out before this span (and every later one): it changes nothing
        if end is None:
            remaining = calendar.count_working_days(first - ONE_DAY, deadline)
            return TimerView(
                started_on=started_on,
                budget_days=budget_days,
                deadline=None,
                provisional=False,
                stopped=True,
                stopped_working_days=moved_by,
                remaining_at_stop=remaining,
                warn_from=None,
                yellow_days=yellow_days,
            )
        days = calendar.count_working_days(first - ONE_DAY, end - ONE_DAY)
        moved_by += days
        deadline = calendar.add_working_days(deadline, days).date if days else deadline
    warn_from = max(subtract_working_days(calendar, deadline, yellow_days), started_on)
    return TimerView(
        started_on=started_on,
        budget_days=budget_days,
        deadline=deadline,
        provisional=calendar.is_span_provisional(started_on, deadline),
        stopped=False,
        stopped_working_days=moved_by,
        remaining_at_stop=None,
        warn_from=warn_from,
        yellow_days=yellow_days,
    )


def remaining_working_days(calendar: WorkCalendar, view: TimerView, today: date) -> int | None:
    """Working days after `today` up to the deadline (0 on the deadline and after it); frozen while stopped."""
    if view.stopped or view.deadline is None:
        return view.remaining_at_stop
    return calendar.count_working_days(today, view.deadline)


def overdue_working_days(calendar: WorkCalendar, deadline: date, today: date) -> int:
    """Working days after the deadline up to `today` (R-CLK-9); 0 when not past it."""
    return calendar.count_working_days(deadline, today)


def colour_on(view: TimerView, today: date) -> Colour:
    """The colour of the timer on `today` (R-CLK-6): suspended (stopped), red (past the deadline), yellow or green."""
    if view.stopped or view.deadline is None:
        return "suspended"
    if today > view.deadline:
        return "red"
    if view.warn_from is not None and today >= view.warn_from:
        return "yellow"
    return "green"
