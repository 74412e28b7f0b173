"""The case facts of the monthly assessment (R-ASM-9), per responsible staff member.

The case-handling category (办件管理) deducts, per person and month, for each case not handled in time (R-CLK-6,
R-CLK-9) and each shuttle of a development-zone enterprise (两头跑, R-CASE-12); the points and the category's
ceiling are policy values (`policy.registry`, rule R-ASM-9), read as in force on the month's first day
(R-ASM-17). A case not entered in the system is a supervision finding entered by hand and is not read here.

A case *became overdue in a month* when the first day after its deadline falls in that month (and not after
`today`). That fact, with the person who answered for the case that day — the holder of the post of the step
then running (its A, or the B who covered while A was away), else the case's handler — is stored once when it
happens (`cases.Overdue`, written by the daily timer sweep or when a case is finished late) and never
recomputed: a month's facts do not change once the month is over, whatever happens to the case later (a
special procedure started afterwards, an extension, a decision). The supervision dashboard's overdue list reads
the same rows, so both name the same person. Shuttles are stored visits.

Everything is counted by the database: a fixed number of queries for a centre, however many cases it holds.
Callers scope the centre through `org.access` first. Nothing here reads the applicant's personal data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, QuerySet
from django.utils import timezone

from cases.models import Case, Overdue, Visit
from cases.selectors.handling import shuttles
from org.models import Center, StaffProfile
from policy.selectors import policy_value


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


def late_cases(center: Center, month: date, *, today: date | None = None) -> QuerySet[Overdue]:
    """The overdue records of `center`'s cases that became overdue in `month` up to `today` (see the module's
    docstring), with their case and the person who answered for each (`responsible`), earliest first."""
    today = today or timezone.localdate()
    first, last = month_bounds(month)
    return (
        Overdue.objects.filter(center=center, overdue_on__gte=first, overdue_on__lte=min(last, today))
        .select_related("case", "case__window", "case__version", "responsible")
        .order_by("overdue_on", "case_id")
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
        for record in late_qs:
            late_by.setdefault(record.responsible_id, []).append(record.case)
        for visit in visit_qs:
            visits_by.setdefault(visit.responsible_id, []).append(visit)
        late_counts = {who: len(rows) for who, rows in late_by.items()}
        shuttle_counts = {who: len(rows) for who, rows in visits_by.items()}
    else:
        late_counts = dict(
            late_qs.order_by().values("responsible").annotate(n=Count("pk")).values_list("responsible", "n")
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
