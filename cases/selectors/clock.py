"""Reading the clock of cases (R-CLK-4..9, R-CASE-5): one case's derived clock, and warnings over many in the DB.

One case: `clock_view(case)` derives the clock from the case's budget and ledger (`cases.clock.derive`). Many
cases: the stored `deadline` and `warn_from` (kept current by `cases.services.clock`) let the database colour
every case in one query (`annotate_warning`), so lists and dashboards never derive clocks row by row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Case as SqlCase
from django.db.models import CharField, Count, QuerySet, Value, When

from catalog.models import CaseType
from org.models import Center, StaffProfile, Window
from policy.selectors import policy_values
from workdays.clock import WorkCalendar
from workdays.selectors import calendar_for

from ..clock import ONE_DAY, ClockView, Span, derive, overdue_working_days
from ..models import Case, CaseEvent, CaseState, Warning

REPORTED_UP = "reported_up"
REPORT_RETURNED = "report_returned"
REPORT_ACTIONS = (REPORTED_UP, REPORT_RETURNED)

Thresholds = tuple[int, int]  # (yellow_min_days, yellow_ratio_percent)


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


def _report_events(case: Case) -> list[CaseEvent]:
    prefetched = getattr(case, "report_events", None)
    if prefetched is not None:
        return list(prefetched)
    if case.case_type != CaseType.REPORTED:
        return []
    return list(CaseEvent.objects.filter(case=case, action__in=REPORT_ACTIONS))


def case_spans(case: Case) -> list[Span]:
    """The clock's ledger of suspended spans: special procedures (R-CLK-4) and time with a higher authority
    (R-CASE-5). Uses `suspensions` and `report_events` when prefetched."""
    spans: list[Span] = [(s.started_on, s.ended_on) for s in case.suspensions.all()]
    spans += [(sent, returned) for _authority, sent, returned in report_spans_from(_report_events(case))]
    return spans


def reported_spans(case: Case) -> list[ReportSpan]:
    """The higher authority's time on a reported case, span by span (R-CASE-5)."""
    calendar = calendar_for(case.center)
    return [
        ReportSpan(
            authority,
            sent,
            returned,
            None if returned is None else calendar.count_working_days(sent - ONE_DAY, returned - ONE_DAY),
        )
        for authority, sent, returned in report_spans_from(_report_events(case))
    ]


def warning_thresholds(center: Center, on: date) -> Thresholds:
    """The centre's yellow-warning policy in force on `on` (R-CLK-6). One query."""
    values = policy_values(center, ["yellow_min_days", "yellow_ratio_percent"], on)
    return int(values["yellow_min_days"]), int(values["yellow_ratio_percent"])


def clock_budget(case: Case) -> int:
    """The working days the clock allows: the promised limit (0 for an immediate item, R-CLK-8) plus approved
    extensions (R-CLK-5); a green-channel case with a target keeps the shorter of the two (R-CASE-11)."""
    base = 0 if case.case_type == CaseType.IMMEDIATE else case.limit_days
    budget = base + case.extension_days
    if case.is_priority and case.priority_target_days is not None:
        budget = min(budget, case.priority_target_days)
    return budget


def clock_view(
    case: Case,
    *,
    spans: list[Span] | None = None,
    calendar: WorkCalendar | None = None,
    thresholds: Thresholds | None = None,
) -> ClockView:
    """The clock of an accepted case, derived from its budget and ledger (the thresholds in force on the
    acceptance date, so that the stored warning date does not drift)."""
    if case.accepted_on is None:
        raise ValueError("the case has no clock before it is accepted")
    yellow_min, ratio = thresholds or warning_thresholds(case.center, case.accepted_on)
    return derive(
        calendar or calendar_for(case.center),
        accepted_on=case.accepted_on,
        budget_days=clock_budget(case),
        suspensions=case_spans(case) if spans is None else spans,
        limit_days=case.limit_days,
        yellow_min_days=yellow_min,
        yellow_ratio_percent=ratio,
    )


def stored_warning(case: Case, today: date) -> str:
    """The colour from the stored fields, exactly as `annotate_warning` computes it in the database."""
    if case.state == CaseState.SUSPENDED:
        return Warning.SUSPENDED
    if case.state != CaseState.ACCEPTED or case.deadline is None:
        return ""
    if today > case.deadline:
        return Warning.RED
    if case.warn_from is not None and today >= case.warn_from:
        return Warning.YELLOW
    return Warning.GREEN


# --- many cases, in the database ------------------------------------------------------------------------


def warning_expression(today: date) -> SqlCase:
    """SQL for the colour of a case on `today` (R-CLK-6): '' for a case without a running clock."""
    return SqlCase(
        When(state=CaseState.SUSPENDED, then=Value(Warning.SUSPENDED.value)),
        When(state=CaseState.ACCEPTED, deadline__lt=today, then=Value(Warning.RED.value)),
        When(state=CaseState.ACCEPTED, warn_from__lte=today, then=Value(Warning.YELLOW.value)),
        When(state=CaseState.ACCEPTED, deadline__isnull=False, then=Value(Warning.GREEN.value)),
        default=Value(""),
        output_field=CharField(),
    )


def annotate_warning(queryset: QuerySet[Case], today: date) -> QuerySet[Any]:
    """`queryset` with each case's `warning` ("green", "yellow", "red", "suspended" or "") on `today`."""
    return queryset.annotate(warning=warning_expression(today))


def _open_cases(center: Center | None) -> QuerySet[Case]:
    cases = Case.objects.filter(state__in=[CaseState.ACCEPTED, CaseState.SUSPENDED])
    return cases if center is None else cases.filter(center=center)


def _listing(queryset: QuerySet[Any]) -> QuerySet[Case]:
    return queryset.select_related("window", "responsible", "version", "center").order_by("deadline", "pk")


def red_cases(center: Center | None, today: date) -> QuerySet[Case]:
    """Open cases past their deadline on `today` (R-CLK-6), earliest deadline first; all centres when None."""
    return _listing(annotate_warning(_open_cases(center), today).filter(warning=Warning.RED))


def yellow_cases(center: Center | None, today: date) -> QuerySet[Case]:
    """Open cases in their warning period on `today` (R-CLK-6)."""
    return _listing(annotate_warning(_open_cases(center), today).filter(warning=Warning.YELLOW))


@dataclass(frozen=True)
class OverdueRow:
    """An overdue case with who answers for it (R-CLK-9)."""

    case: Case
    window: Window
    responsible: StaffProfile | None
    responsible_acting_as: str
    deadline: date
    days_overdue: int  # working days after the deadline up to today


def overdue_cases(center: Center | None, today: date) -> list[OverdueRow]:
    """The red cases with their window, responsible person (A, or the B who held the post) and the working
    days overdue (R-CLK-9). One query for the cases plus the calendar of each centre (cached)."""
    calendars: dict[int, WorkCalendar] = {}
    rows: list[OverdueRow] = []
    for case in red_cases(center, today):
        calendar = calendars.get(case.center_id)
        if calendar is None:
            calendar = calendars[case.center_id] = calendar_for(case.center)
        assert case.deadline is not None
        rows.append(
            OverdueRow(
                case=case,
                window=case.window,
                responsible=case.responsible,
                responsible_acting_as=case.responsible_acting_as,
                deadline=case.deadline,
                days_overdue=overdue_working_days(calendar, case.deadline, today),
            )
        )
    return rows


def warning_counts(center: Center | None, today: date) -> dict[str, int]:
    """How many open cases of each colour on `today` (one query)."""
    counts: dict[str, int] = {str(w): 0 for w in Warning}
    rows = annotate_warning(_open_cases(center), today).order_by().values("warning").annotate(n=Count("pk"))
    for colour, n in rows.values_list("warning", "n"):
        if colour:
            counts[colour] = n
    return counts
