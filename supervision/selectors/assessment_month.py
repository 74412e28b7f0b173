"""A month of the 100-point assessment, read (R-ASM-1 … R-ASM-17): who is assessed, the deductions the stored
facts imply, the policy in force, and the sheet — stored once the month is closed, a preview before.

**Who is assessed.** The staff of the centre's windows (常设窗口、综合窗口) active at the start of the month.

**The deductions the facts imply** (`facts_entries`), one entry per person and kind, with the facts behind it:

- attendance (R-ASM-5), from the closed days, the leave, the roster and the spot checks (`staffing`): each late
  clock-in and each early clock-out (missing ones included, R-ATT-2), each day off post (leave nobody covered,
  R-ATT-5), each missed holiday duty (R-ATT-1), the official and private leave taken in days (a half-day is 0.5,
  R-ATT-8), and each day absent without leave (a closed day absent, or a day a spot check found the person off
  post without leave: each day once, R-ATT-7);
- case handling (R-ASM-9), from the overdue records and the shuttles (`supervision.selectors.assessment`), and
  the joint cases' departments that overran their limits, counted against the chief representative who
  answered for the department then (R-PAR-10, `joint.JointLateness`);
- the complaints substantiated against a person and closed in the month (R-CMP-7): the deduction that fits its
  ground (`scoring.COMPLAINT_DEDUCTIONS`), with the complaint's number.

- the monthly meetings held in the month (R-MTG-4): each late arrival and each absence without cause;

everything R-ASM names "with evidence" is entered by the supervision section.

Everything is read in a fixed number of queries for a centre's month, whatever its size.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from cases.selectors.handling import shuttles
from joint.models import JointLateness
from org.models import Center, StaffProfile, active_at
from policy.selectors import policy_values
from staffing.models import AttendanceDay, DayStatus, FindingReason, SpotCheckFinding
from staffing.selectors import month_bounds
from staffing.selectors_facts import attendance_facts

from .. import scoring
from ..models import AssessmentEntry, AssessmentMonth, AssessmentScore, Complaint
from .assessment import late_cases
from .meetings import meeting_facts

HALF = Decimal("0.5")


def month_start(year: int, month: int) -> datetime:
    return timezone.make_aware(datetime.combine(date(year, month, 1), time.min))


def policy_of(center: Center, year: int, month: int) -> scoring.Policy:
    """The points and the fund in force for the month (R-ASM-17: read on its first day)."""
    keys = [key for _code, key, *_r in scoring.CATEGORIES] + [d.points_key for d in scoring.DEDUCTIONS]
    values = policy_values(center, [*dict.fromkeys(keys), "fund_per_month"], date(year, month, 1))
    return scoring.Policy(
        category_points={code: Decimal(values[key]) for code, key, *_r in scoring.CATEGORIES},
        points={d.code: Decimal(values[d.points_key]) for d in scoring.DEDUCTIONS},
        fund_per_month=Decimal(values["fund_per_month"]),
    )


def policy_as_json(policy: scoring.Policy) -> dict[str, Any]:
    return {
        "categories": {code: str(points) for code, points in policy.category_points.items()},
        "points": {code: str(points) for code, points in policy.points.items()},
        "fund_per_month": str(policy.fund_per_month),
    }


def policy_from_json(data: dict[str, Any]) -> scoring.Policy:
    return scoring.Policy(
        category_points={code: Decimal(v) for code, v in data["categories"].items()},
        points={code: Decimal(v) for code, v in data["points"].items()},
        fund_per_month=Decimal(data["fund_per_month"]),
    )


def assessed_staff(center: Center, year: int, month: int) -> QuerySet[StaffProfile]:
    """The window staff assessed for the month: with a window, active at the month's start."""
    return StaffProfile.objects.filter(
        active_at(month_start(year, month)), center=center, window__isnull=False
    ).order_by("window__number", "badge_number", "pk")


@dataclass
class FactEntry:
    """A deduction the stored facts imply: its kind, quantity and the facts behind it (days, case numbers)."""

    code: str
    quantity: Decimal
    facts: list[str] = field(default_factory=list)


def _days(values: list[date]) -> list[str]:
    return [day.isoformat() for day in sorted(values)]


def facts_entries(
    center: Center, year: int, month: int, *, today: date, staff_ids: set[int] | None = None
) -> dict[int, list[FactEntry]]:
    """{staff id: the deductions the month's stored facts imply}, for everyone with a fact (see the module's
    docstring); `staff_ids` keeps only those."""
    first, last = month_bounds(year, month)
    found: dict[int, list[FactEntry]] = defaultdict(list)

    def add(staff_id: int | None, code: str, quantity: Decimal | int, facts: list[str]) -> None:
        if staff_id is None or quantity <= 0 or (staff_ids is not None and staff_id not in staff_ids):
            return
        found[staff_id].append(FactEntry(code, Decimal(quantity), facts))

    # The closed days: late and early clocks, off post, absent (R-ATT-2, R-ATT-5).
    late: dict[int, list[date]] = defaultdict(list)
    early: dict[int, list[date]] = defaultdict(list)
    off_post: dict[int, list[date]] = defaultdict(list)
    absent: dict[int, set[date]] = defaultdict(set)
    late_n: dict[int, int] = defaultdict(int)
    early_n: dict[int, int] = defaultdict(int)
    marked = Q(late__gt=0) | Q(early__gt=0) | Q(status__in=[DayStatus.ABSENT, DayStatus.OFF_POST])
    for staff_id, day, kind, status, n_late, n_early in (
        AttendanceDay.objects.filter(marked, center=center, day__gte=first, day__lte=last)
        .values_list("staff_id", "day", "kind", "status", "late", "early")
        .order_by("day")
    ):
        if n_late:
            late[staff_id].append(day)
            late_n[staff_id] += n_late
        if n_early:
            early[staff_id].append(day)
            early_n[staff_id] += n_early
        if status == DayStatus.OFF_POST:
            off_post[staff_id].append(day)
        elif status == DayStatus.ABSENT and kind != "duty":  # a duty day not kept is a missed duty
            absent[staff_id].add(day)
    # The days a spot check found someone off post without leave (R-ATT-7): each day once.
    for staff_id, day in SpotCheckFinding.objects.filter(
        center=center, day__gte=first, day__lte=last, reason=FindingReason.UNEXPLAINED
    ).values_list("staff_id", "day"):
        absent[staff_id].add(day)
    # Leave taken and missed duties (R-ATT-8, R-ATT-1).
    for person in attendance_facts(center, year, month, days=False):  # the days are read above
        add(person.staff_id, "missed_duty", person.missed_duties, [])
        add(person.staff_id, "official_leave", HALF * person.official_leave_half_days, [])
        add(person.staff_id, "private_leave", HALF * person.private_leave_half_days, [])
    for staff_id, days in late.items():
        add(staff_id, "late", late_n[staff_id], _days(days))
    for staff_id, days in early.items():
        add(staff_id, "early", early_n[staff_id], _days(days))
    for staff_id, days in off_post.items():
        add(staff_id, "off_post", len(days), _days(days))
    for staff_id, days_set in absent.items():
        add(staff_id, "absent", len(days_set), _days(list(days_set)))
    # Case handling (R-ASM-9): the cases that fell overdue in the month and the shuttles, with their numbers.
    # The same rows as `case_facts` and the dashboard read, as (who answered, case number) pairs only.
    for case_code, rows in (
        ("late_case", late_cases(center, first, today=min(today, last))),
        ("shuttle", shuttles(center, first)),
    ):
        case_numbers: dict[int, list[str]] = defaultdict(list)
        for who, case_number in rows.values_list("responsible_id", "case__number"):
            if who is not None:
                case_numbers[who].append(case_number)
        if case_code == "late_case":  # a joint case's department that overran its limit (R-PAR-10)
            for who, case_number in (
                JointLateness.objects.filter(
                    center=center,
                    overdue_on__gte=first,
                    overdue_on__lte=min(last, today),
                    responsible__isnull=False,
                )
                .order_by("overdue_on", "pk")
                .values_list("responsible_id", "lane__joint_case__case__number")
            ):
                case_numbers[who].append(case_number)
        for who, listed in case_numbers.items():
            add(who, case_code, len(listed), listed)
    # The monthly meetings held in the month: late or absent without cause (R-MTG-4).
    for staff_id, (late_on, absent_on) in meeting_facts(center, year, month).items():
        add(staff_id, "meeting_late", len(late_on), late_on)
        add(staff_id, "meeting_absent", len(absent_on), absent_on)
    # Complaints substantiated against a person in the month (R-CMP-7), closed in it: the deduction that fits.
    complained: dict[tuple[int, str], list[str]] = defaultdict(list)
    for number, ground, person_id in (
        Complaint.objects.filter(
            center=center, substantiated=True, closed_on__gte=first, closed_on__lte=last, person__isnull=False
        )
        .order_by("closed_on", "pk")
        .values_list("number", "ground", "person_id")
    ):
        code = scoring.COMPLAINT_DEDUCTIONS.get(ground)
        if code is not None:
            complained[(person_id, code)].append(number)
    for (staff_id, code), numbers in complained.items():
        add(staff_id, code, len(numbers), numbers)
    return dict(found)


def entered_entries(center: Center, year: int, month: int) -> QuerySet[AssessmentEntry]:
    """The month's entries in force (not replaced by a correction), of every source."""
    return (
        AssessmentEntry.objects.filter(center=center, year=year, month=month, replaced_by__isnull=True)
        .select_related("entered_by", "complaint")
        .order_by("staff_id", "pk")
    )


def closed_month(center: Center, year: int, month: int) -> AssessmentMonth | None:
    return AssessmentMonth.objects.filter(center=center, year=year, month=month).first()


@dataclass(frozen=True)
class Person:
    """Who a row of a closed month's sheet is about, read as plain values (a sheet of 500 builds no models)."""

    pk: int
    name: str
    badge_number: str
    window_id: int | None
    window: str  # as `Window.__str__` writes it


@dataclass
class SheetRow:
    """One person's month on the sheet: each category's score (in `scoring.CATEGORIES` order), the total, the fund
    and what stopped it; on one person's page also the whole score, the entries and the stored row."""

    staff: StaffProfile | Person
    scores: tuple[Decimal, ...]
    total: Decimal
    fund: Decimal
    stops: str
    loses_award: bool
    revision: int = 0
    score: scoring.Score | None = None
    entries: list[Any] = field(default_factory=list)  # AssessmentEntry (stored) or FactEntry (a preview)
    stored: AssessmentScore | None = None


def row_of(
    staff: StaffProfile, score: scoring.Score, entries: list[Any], stored: AssessmentScore | None = None
) -> SheetRow:
    return SheetRow(
        staff=staff,
        scores=tuple(c.score for c in score.categories),
        total=score.score,
        fund=score.fund,
        stops=score.stops,
        loses_award=score.loses_award,
        revision=stored.revision if stored is not None else 0,
        score=score,
        entries=entries,
        stored=stored,
    )


@dataclass
class Sheet:
    center: Center
    year: int
    month: int
    closed: AssessmentMonth | None
    policy: scoring.Policy
    rows: list[SheetRow]


def score_from_values(
    categories: dict[str, Any],
    score: Decimal,
    deducted: Decimal,
    stops: str,
    fund: Decimal,
    loses_award: bool,
) -> scoring.Score:
    return scoring.Score(
        categories=tuple(
            scoring.CategoryScore(
                category=code,
                points=Decimal(categories[code]["points"]),
                raw=Decimal(categories[code]["raw"]),
                taken=Decimal(categories[code]["taken"]),
            )
            for code, *_r in scoring.CATEGORIES
        ),
        score=score,
        deducted=deducted,
        stops=stops,
        fund=fund,
        loses_award=loses_award,
    )


def score_from_stored(stored: AssessmentScore) -> scoring.Score:
    return score_from_values(
        stored.categories, stored.score, stored.deducted, stored.stops, stored.fund, stored.loses_award
    )


CATEGORY_COLUMNS = tuple(code for code, *_r in scoring.CATEGORIES)


def _closed_rows(closed: AssessmentMonth) -> list[SheetRow]:
    """A closed month's sheet for the whole centre: one query of plain values (no JSON read, no model built), in
    window and badge order."""
    values = AssessmentScore.objects.filter(assessment=closed).order_by(
        "window__number", "staff__badge_number", "staff_id"
    ).values_list(
        "staff_id", "staff__name", "staff__badge_number", "window_id", "window__number", "window__name",
        *CATEGORY_COLUMNS, "score", "fund", "stops", "loses_award", "revision",
    )  # fmt: skip
    n = len(CATEGORY_COLUMNS)
    rows = []
    for staff_id, name, badge, window_id, number, window_name, *rest in values:
        window = f"{number} {window_name}" if window_id is not None else ""
        total, fund, stops, loses_award, revision = rest[n:]
        person = Person(staff_id, name, badge, window_id, window)
        rows.append(SheetRow(person, tuple(rest[:n]), total, fund, stops, loses_award, revision))
    return rows


def assessment_sheet(
    center: Center, year: int, month: int, *, today: date, staff_ids: set[int] | None = None
) -> Sheet:
    """The month's sheet: once closed, the stored scores and entries (R-ASM-16); before, a preview from the facts
    so far and the entries made (nothing stored). `staff_ids` keeps only those people."""
    closed = closed_month(center, year, month)
    if closed is not None and staff_ids is None:
        return Sheet(center, year, month, closed, policy_from_json(closed.policy), _closed_rows(closed))
    entries: dict[int, list[Any]] = defaultdict(list)
    mine = entered_entries(center, year, month)
    if staff_ids is not None:
        mine = mine.filter(staff_id__in=staff_ids)
    for entry in mine:
        entries[entry.staff_id].append(entry)
    if closed is not None:
        policy = policy_from_json(closed.policy)
        scores = AssessmentScore.objects.filter(assessment=closed, staff_id__in=staff_ids or ())
        rows = [
            row_of(stored.staff, score_from_stored(stored), entries.get(stored.staff_id, []), stored)
            for stored in scores.select_related("staff", "window").order_by(
                "window__number", "staff__badge_number"
            )
        ]
        return Sheet(center, year, month, closed, policy, rows)
    policy = policy_of(center, year, month)
    people = assessed_staff(center, year, month).select_related("window")
    if staff_ids is not None:
        people = people.filter(pk__in=staff_ids)
    facts = facts_entries(center, year, month, today=today, staff_ids=staff_ids)
    rows = []
    for person in people:
        lines: list[Any] = [*facts.get(person.pk, []), *entries.get(person.pk, [])]
        score = scoring.score_month(policy, [scoring.Entry(e.code, e.quantity) for e in lines])
        rows.append(row_of(person, score, lines))
    return Sheet(center, year, month, None, policy, rows)


def year_deducted(staff: StaffProfile, year: int) -> Decimal:
    """What the person's closed months of `year` deducted (R-ASM-15 adds it up)."""
    values = AssessmentScore.objects.filter(staff=staff, assessment__year=year).values_list(
        "deducted", flat=True
    )
    return sum(values, Decimal(0))


def award_limit(center: Center, year: int) -> Decimal:
    """R-ASM-15's yearly limit in force at the start of `year`."""
    return Decimal(
        str(
            policy_values(center, ["yearly_deduction_award_limit"], date(year, 1, 1))[
                "yearly_deduction_award_limit"
            ]
        )
    )
