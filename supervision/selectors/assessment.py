"""The case facts of the monthly assessment (R-ASM-9), per responsible staff member.

The case-handling category (办件管理) deducts, per person and month, for each case not handled in time (R-CLK-6,
R-CLK-9) and each shuttle of a development-zone enterprise (两头跑, R-CASE-12); the points and the category's
ceiling are policy values (`policy.registry`, rule R-ASM-9), read as in force on the month's first day
(R-ASM-17). A case not entered in the system is a supervision finding entered by hand and is not read here.

A case *became overdue in a month* when the first day after its deadline falls in that month (and not after
`today`) and it was still being handled on that day: still accepted and running, or decided (or withdrawn)
only after its deadline. Each late case therefore counts once, in the month its deadline passed, whenever it is
finished; a month's facts no longer change once the month is over. The person who answers for it is the handler
of the step that was running when the deadline passed (the A, or the B who held the post, R-CLK-9): the handler
recorded when that step was finished after the deadline, or, while it is still running, the case's current
responsible person; a case whose steps were all done in time answers through its responsible person.

Everything is counted by the database: a fixed number of queries for a centre, however many cases it holds.
Callers scope the centre through `org.access` first. Nothing here reads the applicant's personal data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from cases.models import Case, CaseState, CaseStep, Visit
from cases.selectors.handling import shuttles
from org.models import Center, StaffProfile
from policy.selectors import policy_value

# States a case with a stored deadline can be in once its deadline has passed (a suspended case has none).
_DEADLINE_STATES = [
    CaseState.ACCEPTED,
    CaseState.APPROVED,
    CaseState.DENIED,
    CaseState.DELIVERED,
    CaseState.ARCHIVED,
    CaseState.WITHDRAWN,
]


@dataclass(frozen=True)
class CasePoints:
    """The R-ASM-9 policy in force for a month."""

    late_case: int  # points per case not handled in time
    shuttle: int  # points per shuttle
    category: int  # the category's points: deductions never take it below 0


@dataclass(frozen=True)
class StaffCaseFacts:
    """One person's case facts of a month and the deduction they imply (R-ASM-9)."""

    staff: StaffProfile | None  # None: cases or shuttles with nobody recorded as responsible
    late: int
    shuttles: int
    points: CasePoints
    late_cases: list[Case] = field(default_factory=list)  # filled when asked for the detail
    shuttle_visits: list[Visit] = field(default_factory=list)

    @property
    def late_points(self) -> int:
        return self.late * self.points.late_case

    @property
    def shuttle_points(self) -> int:
        return self.shuttles * self.points.shuttle

    @property
    def raw_points(self) -> int:
        """The deduction before the category's ceiling."""
        return self.late_points + self.shuttle_points

    @property
    def deduction(self) -> int:
        """The deduction of these facts, at most the category's points."""
        return min(self.raw_points, self.points.category)

    @property
    def capped(self) -> bool:
        return self.raw_points > self.points.category


@dataclass(frozen=True)
class CaseFacts:
    center: Center
    month: date  # the first day of the month
    until: date  # the last day counted (the month's last day, or `today` within the current month)
    points: CasePoints
    rows: list[StaffCaseFacts]  # by deduction, largest first, then by name; nobody-responsible last

    @property
    def late(self) -> int:
        return sum(row.late for row in self.rows)

    @property
    def shuttles(self) -> int:
        return sum(row.shuttles for row in self.rows)


def month_bounds(month: date) -> tuple[date, date]:
    """The first and the last day of `month`'s calendar month."""
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def case_points(center: Center, month: date) -> CasePoints:
    """The R-ASM-9 points in force on the first day of `month` (R-ASM-17)."""
    first, _last = month_bounds(month)
    return CasePoints(
        late_case=int(policy_value(center, "assessment_late_case_points", first)),
        shuttle=int(policy_value(center, "assessment_shuttle_points", first)),
        category=int(policy_value(center, "assessment_case_category_points", first)),
    )


def _accountable() -> Coalesce:
    """SQL for the staff member who answers for a late case (R-CLK-9): the handler of the first step not
    finished by the deadline, or the case's responsible person while that step runs or when every step was
    done in time."""
    late_step = (
        CaseStep.objects.filter(case=OuterRef("pk"))
        .annotate(finished_on=TruncDate("finished_at"))
        .filter(Q(finished_at__isnull=True) | Q(finished_on__gt=OuterRef("deadline")))
        .order_by("order")
        .values("handler")[:1]
    )
    return Coalesce(Subquery(late_step), F("responsible"), output_field=IntegerField())


def late_cases(center: Center, month: date, *, today: date | None = None) -> QuerySet[Any]:
    """The cases of `center` that became overdue in `month` (see the module's docstring), annotated with
    `accountable_id` (the staff member who answers for each) and `ended_on` (the local day it was decided or
    withdrawn; None while it runs). Earliest deadline first."""
    today = today or timezone.localdate()
    first, last = month_bounds(month)
    # The first overdue day (deadline + 1) lies in first..min(last, today).
    until = min(last, today)
    return (
        Case.objects.filter(
            center=center,
            state__in=_DEADLINE_STATES,
            deadline__gte=first - timedelta(days=1),
            deadline__lt=until,
        )
        .annotate(ended_on=Coalesce(TruncDate("decided_at"), TruncDate("closed_at")))
        .filter(Q(ended_on__isnull=True, state=CaseState.ACCEPTED) | Q(ended_on__gt=F("deadline")))
        .annotate(accountable_id=_accountable())
        .order_by("deadline", "pk")
    )


def _sort_key(row: StaffCaseFacts) -> tuple[bool, int, str, int]:
    return (
        row.staff is None,
        -row.deduction,
        row.staff.name if row.staff else "",
        row.staff.pk if row.staff else 0,
    )


def case_facts(center: Center, month: date, *, today: date | None = None, detail: bool = False) -> CaseFacts:
    """Per responsible staff member of `center`: the cases that became overdue in `month`, the shuttles
    (两头跑) in `month` and the R-ASM-9 deduction they imply. Counts only, grouped by the database, unless
    `detail` (then each row carries its cases and visits too). A fixed number of queries."""
    today = today or timezone.localdate()
    first, last = month_bounds(month)
    points = case_points(center, first)
    late_qs = late_cases(center, first, today=today)
    visit_qs = shuttles(center, first)
    late_by: dict[int | None, list[Case]] = {}
    visits_by: dict[int | None, list[Visit]] = {}
    if detail:
        for case in late_qs.select_related("window", "version"):
            late_by.setdefault(case.accountable_id, []).append(case)  # type: ignore[attr-defined]
        for visit in visit_qs:
            visits_by.setdefault(visit.responsible_id, []).append(visit)
        late_counts = {who: len(rows) for who, rows in late_by.items()}
        shuttle_counts = {who: len(rows) for who, rows in visits_by.items()}
    else:
        late_counts = dict(
            late_qs.order_by()
            .values("accountable_id")
            .annotate(n=Count("pk"))
            .values_list("accountable_id", "n")
        )
        shuttle_counts = dict(
            visit_qs.order_by().values("responsible").annotate(n=Count("pk")).values_list("responsible", "n")
        )
    people = StaffProfile.objects.in_bulk([pk for pk in {*late_counts, *shuttle_counts} if pk is not None])
    rows = [
        StaffCaseFacts(
            staff=people.get(pk) if pk is not None else None,
            late=late_counts.get(pk, 0),
            shuttles=shuttle_counts.get(pk, 0),
            points=points,
            late_cases=late_by.get(pk, []),
            shuttle_visits=visits_by.get(pk, []),
        )
        for pk in {*late_counts, *shuttle_counts}
    ]
    return CaseFacts(
        center=center, month=first, until=min(last, today), points=points, rows=sorted(rows, key=_sort_key)
    )
