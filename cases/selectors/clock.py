"""Reading the clock of cases (R-CLK-4..9, R-CASE-5): one case's timer, and colours over many in the database.

One case: `clock_view(case)` derives the case's timer from its budget and ledger (`workdays.timer.derive`). Many
cases: the timer's stored `state`, `deadline` and `warn_from` let the database colour every case in one query
(`annotate_warning`, `warning_filter`), so lists and dashboards never derive clocks row by row. Who answered for
an overdue case is the stored `Overdue` row (R-CLK-9), never recomputed here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, QuerySet

from catalog.models import CaseType
from org.models import Center, StaffProfile, Window
from workdays.clock import WorkCalendar
from workdays.models import TimerState
from workdays.selectors import calendar_for
from workdays.timer import ONE_DAY, TimerView, overdue_working_days
from workdays.timers import colour_expression, colour_filter, view_of

from ..models import Case, CaseEvent, Warning

REPORTED_UP = "reported_up"
REPORT_RETURNED = "report_returned"
REPORT_ACTIONS = (REPORTED_UP, REPORT_RETURNED)
TIMER = "timer__"  # the path from a case to its timer's columns


# --- one case -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportSpan:
    """The time a reported case (报批件) spent with the higher authority (R-CASE-5), tracked apart."""

    authority: str
    sent_on: date
    returned_on: date | None
    working_days: int | None  # working days sent_on..returned_on-1; None while still there


def report_spans_from(events: Iterable[CaseEvent]) -> list[tuple[str, date, date | None]]:
    """(authority, sent_on, returned_on) from a case's report events, in order."""
    spans: list[tuple[str, date, date | None]] = []
    for event in sorted(events, key=lambda e: e.seq):
        if event.action == REPORTED_UP:
            spans.append(
                (str(event.data.get("authority", "")), date.fromisoformat(event.data["sent_on"]), None)
            )
        elif event.action == REPORT_RETURNED and spans and spans[-1][2] is None:
            authority, sent_on, _ = spans[-1]
            spans[-1] = (authority, sent_on, date.fromisoformat(event.data["returned_on"]))
    return spans


def reported_spans(case: Case) -> list[ReportSpan]:
    """The higher authority's time on a reported case, span by span (R-CASE-5)."""
    if case.case_type != CaseType.REPORTED:
        return []
    calendar = calendar_for(case.center)
    events = CaseEvent.objects.filter(case=case, action__in=REPORT_ACTIONS)
    return [
        ReportSpan(
            authority,
            sent,
            returned,
            None if returned is None else calendar.count_working_days(sent - ONE_DAY, returned - ONE_DAY),
        )
        for authority, sent, returned in report_spans_from(events)
    ]


def clock_view(case: Case, *, calendar: WorkCalendar | None = None) -> TimerView:
    """The clock of an accepted case, derived from its timer's budget and ledger."""
    if case.timer is None:
        raise ValueError("the case has no clock before it is accepted")
    return view_of(case.timer, calendar=calendar or calendar_for(case.center))


def warning_from(state: str | None, deadline: date | None, warn_from: date | None, today: date) -> str:
    """The colour on `today` of a timer stored with `state`, `deadline` and `warn_from` (all None: no timer),
    exactly as `annotate_warning` computes it in the database: "" for a finished timer or none."""
    if state == TimerState.STOPPED:
        return Warning.SUSPENDED
    if state != TimerState.RUNNING:
        return ""
    if deadline is not None and deadline < today:
        return Warning.RED
    if warn_from is not None and warn_from <= today:
        return Warning.YELLOW
    return Warning.GREEN


def stored_warning(case: Case, today: date) -> str:
    """The colour from the stored timer, exactly as `annotate_warning` computes it in the database."""
    timer = case.timer
    if timer is None:
        return ""
    return warning_from(timer.state, timer.deadline, timer.warn_from, today)


# --- many cases, in the database ------------------------------------------------------------------------


def warning_expression(today: date) -> Any:
    """SQL for the colour of a case on `today` (R-CLK-6): '' for a case without a running or stopped clock."""
    return colour_expression(today, prefix=TIMER)


def annotate_warning(queryset: QuerySet[Case], today: date) -> QuerySet[Any]:
    """`queryset` with each case's `warning` ("green", "yellow", "red", "suspended" or "") on `today`."""
    return queryset.annotate(warning=warning_expression(today))


def with_warning(queryset: QuerySet[Case], colour: str, today: date) -> QuerySet[Case]:
    """The cases of `queryset` whose colour on `today` is `colour`, filtered on the timers' indexed columns."""
    return queryset.filter(colour_filter(colour, today, prefix=TIMER))


def _open_cases(center: Center | None) -> QuerySet[Case]:
    cases = Case.objects.filter(timer__isnull=False)
    return cases if center is None else cases.filter(center=center)


def _listing(queryset: QuerySet[Any]) -> QuerySet[Case]:
    # The timer is joined (the list is filtered and ordered by it); the rest is read by key afterwards, one small
    # query each: every further join multiplies the planner's work (a listing joined to six tables spent 8 ms
    # planning and 1 ms running), and the rows are few.
    return (
        queryset.select_related("timer")
        .prefetch_related("window", "responsible", "version", "center")
        .order_by(f"{TIMER}deadline", "pk")
    )


def red_cases(center: Center | None, today: date) -> QuerySet[Case]:
    """Cases past their deadline on `today` and not finished (R-CLK-6), earliest deadline first; all centres
    when None."""
    return _listing(annotate_warning(with_warning(_open_cases(center), Warning.RED, today), today))


def yellow_cases(center: Center | None, today: date) -> QuerySet[Case]:
    """Open cases in their warning period on `today` (R-CLK-6)."""
    return _listing(annotate_warning(with_warning(_open_cases(center), Warning.YELLOW, today), today))


@dataclass(frozen=True)
class OverdueRow:
    """An overdue case with who answers for it (R-CLK-9), as stored when it fell overdue. `responsible` is None
    (and `recorded` False) for a case that turned red today, before the daily sweep recorded it."""

    case: Case
    window: Window
    responsible: StaffProfile | None
    responsible_acting_as: str
    deadline: date
    days_overdue: int  # working days after the deadline up to today
    recorded: bool


def overdue_row(case: Case, calendar: WorkCalendar, today: date) -> OverdueRow:
    record = getattr(case, "overdue", None) if hasattr(case, "overdue") else None
    assert case.deadline is not None
    return OverdueRow(
        case=case,
        window=case.window,
        responsible=record.responsible if record else None,
        responsible_acting_as=record.acting_as if record else "",
        deadline=case.deadline,
        days_overdue=overdue_working_days(calendar, case.deadline, today),
        recorded=record is not None,
    )


def overdue_cases(center: Center | None, today: date) -> list[OverdueRow]:
    """The red cases with their window, the person who answered for each when it fell overdue (A, or the B who
    held the post; stored, R-CLK-9) and the working days overdue. One query for the cases plus the calendar of
    each centre (cached)."""
    calendars: dict[int, WorkCalendar] = {}
    rows: list[OverdueRow] = []
    for case in red_cases(center, today).prefetch_related("overdue__responsible"):
        calendar = calendars.get(case.center_id)
        if calendar is None:
            calendar = calendars[case.center_id] = calendar_for(case.center)
        rows.append(overdue_row(case, calendar, today))
    return rows


def warning_counts(center: Center | None, today: date) -> dict[str, int]:
    """How many open cases of each colour on `today` (one query)."""
    counts: dict[str, int] = {str(w): 0 for w in Warning}
    rows = annotate_warning(_open_cases(center), today).order_by().values("warning").annotate(n=Count("pk"))
    for colour, n in rows.values_list("warning", "n"):
        if colour:
            counts[colour] = n
    return counts
