"""The clock of one case (R-CLK-2, R-CLK-4, R-CLK-6, R-CLK-8): pure arithmetic on a `WorkCalendar`, no ORM.

A case's clock is a budget of working days (the promised limit plus approved extensions) and a ledger of
suspended spans (special procedures, R-CLK-4; the time a reported case spends with the higher authority,
R-CASE-5). Everything shown about the clock is derived from them by `derive`:

- **Counting (R-CLK-2).** The acceptance day is not counted: with a budget of N working days the deadline is the
  N-th working day after the acceptance date; N = 0 means the acceptance day itself (the next working day when
  a case is accepted on a rest day, since a deadline never falls on one, R-CLK-1).
- **Suspensions (R-CLK-4).** A span `(S, E)` runs from its start date S to its resume date E: the days S..E-1
  are suspended and E counts again. Its *suspended working days* are the working days S..E-1, i.e.
  `calendar.count_working_days(S - 1 day, E - 1 day)`. On resumption the deadline moves by that many working
  days. Two precisions make this agree with a clock that ticks day by day and skips suspended days:
  the acceptance day is never counted, so a span starting on it counts from the day after; and a span that
  starts after the deadline has passed (the case was already overdue) does not move it: the clock had run out.
  Overlapping spans are merged.
- **While suspended** the deadline is unknown (`None`): the clock is stopped with `remaining_at_suspension`
  working days left, which are the working days from the start of the span up to the deadline it would have had.
- **Warnings (R-CLK-6).** `remaining` on a day t is the number of working days after t up to the deadline. A
  case is yellow when `remaining <= max(yellow_min_days, ceil(limit × ratio / 100))`, red when t is after the
  deadline. `warn_from` is the first day that is yellow: the working day that many working days before the
  deadline (never before the acceptance date).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from workdays.clock import WorkCalendar

ONE_DAY = timedelta(days=1)

WarningColour = Literal["green", "yellow", "red", "suspended"]
Span = tuple[date, date | None]


@dataclass(frozen=True)
class ClockView:
    """What the clock shows. `deadline` and `warn_from` are None while the case is suspended."""

    accepted_on: date
    budget_days: int
    deadline: date | None
    provisional: bool
    suspended: bool
    suspended_working_days: int  # the total of the closed spans that moved the deadline
    remaining_at_suspension: int | None  # the working days left when the running span stopped the clock
    warn_from: date | None
    yellow_threshold: int


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
            raise ValueError("a suspension cannot end before it starts")
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
    calendar: WorkCalendar,
    *,
    accepted_on: date,
    budget_days: int,
    suspensions: list[Span],
    limit_days: int,
    yellow_min_days: int,
    yellow_ratio_percent: int,
) -> ClockView:
    """The clock of a case accepted on `accepted_on` with `budget_days` working days and these suspensions."""
    if budget_days < 0:
        raise ValueError("budget_days must not be negative")
    threshold = yellow_threshold(
        limit_days=limit_days, yellow_min_days=yellow_min_days, yellow_ratio_percent=yellow_ratio_percent
    )
    deadline = calendar.add_working_days(accepted_on, budget_days).date
    moved_by = 0
    for start, end in merge_spans(suspensions):
        first = max(start, accepted_on + ONE_DAY)  # the acceptance day is never counted
        if end is not None and end <= first:
            continue  # nothing suspended after the acceptance day
        if first > deadline:
            # Started after the clock had run out: it neither moves the deadline nor has anything left.
            if end is None:
                return _suspended(accepted_on, budget_days, moved_by, 0, threshold)
            continue
        if end is None:
            remaining = calendar.count_working_days(first - ONE_DAY, deadline)
            return _suspended(accepted_on, budget_days, moved_by, remaining, threshold)
        days = calendar.count_working_days(first - ONE_DAY, end - ONE_DAY)
        moved_by += days
        deadline = calendar.add_working_days(deadline, days).date if days else deadline
    warn_from = max(subtract_working_days(calendar, deadline, threshold), accepted_on)
    return ClockView(
        accepted_on=accepted_on,
        budget_days=budget_days,
        deadline=deadline,
        provisional=calendar.is_span_provisional(accepted_on, deadline),
        suspended=False,
        suspended_working_days=moved_by,
        remaining_at_suspension=None,
        warn_from=warn_from,
        yellow_threshold=threshold,
    )


def _suspended(accepted_on: date, budget: int, moved_by: int, remaining: int, threshold: int) -> ClockView:
    return ClockView(
        accepted_on=accepted_on,
        budget_days=budget,
        deadline=None,
        provisional=False,
        suspended=True,
        suspended_working_days=moved_by,
        remaining_at_suspension=remaining,
        warn_from=None,
        yellow_threshold=threshold,
    )


def remaining_working_days(calendar: WorkCalendar, view: ClockView, today: date) -> int | None:
    """Working days after `today` up to the deadline (0 on the deadline and after it); None while suspended."""
    if view.suspended or view.deadline is None:
        return view.remaining_at_suspension
    return calendar.count_working_days(today, view.deadline)


def overdue_working_days(calendar: WorkCalendar, deadline: date, today: date) -> int:
    """Working days after the deadline up to `today` (R-CLK-9); 0 when not past it."""
    return calendar.count_working_days(deadline, today)


def warning_on(view: ClockView, today: date) -> WarningColour:
    """The colour of the case on `today` (R-CLK-6): suspended, red (past the deadline), yellow or green."""
    if view.suspended or view.deadline is None:
        return "suspended"
    if today > view.deadline:
        return "red"
    if view.warn_from is not None and today >= view.warn_from:
        return "yellow"
    return "green"
