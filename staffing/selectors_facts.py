"""The month's attendance facts of each person, as the monthly assessment reads them (R-ASM-5; R-ATT-1, R-ATT-2,
R-ATT-6, R-ATT-7, R-ATT-8).

Only stored facts are read, never recomputed: the closed days (`AttendanceDay`, with the days a centre has
closed, `AttendanceClose`), the leave requests (approved or returned: what was taken, a return ending a leave
early), the duty roster (weekend and holiday duty), and the spot checks' findings. At most seven queries for a centre's
month, whatever the number of people (`staffing/tests/test_facts.py` counts them), the days counted by the
database (one person's month reads its rows, to show those behind each number); the calendar and the hours
come from the per-process caches.

- **late** / **left early**: the late clock-ins and early clock-outs of the closed days, a missing clock-in
  counted as late and a missing clock-out as early (R-ATT-2); the missing ones are also given apart.
- **days absent without leave**: the closed days whose status is absent (a sitting with no clock at all, or an
  absence recorded as without leave), duty days aside (those are missed duties).
- **official / private leave half-days** (R-ATT-8): the working half-days of the month that an approved or
  returned leave covered, at least in part, until its planned end or its return, whichever came first (R-ATT-6).
- **missed duties** (R-ATT-1): the weekend and holiday duties of closed days whose person has no clock that day.
- **spot-check days without leave** (R-ATT-7): the days on which a spot check found the person off post without
  leave, each day once however many checks found them.
- **unreturned leaves** (R-ATT-6): approved leaves whose planned end fell in the month, up to now, with no return.
- **off post days** (R-ATT-5, leave or an outing while nobody covered a post): the closed days whose status is
  off post (`AttendanceDay.uncovered_minutes` above 0).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone

from org.models import Center, Role, StaffProfile
from workdays.selectors import calendar_for, working_hours_for

from .models import (
    AttendanceClose,
    AttendanceDay,
    DayKind,
    DayStatus,
    DutyEntry,
    DutyKind,
    FindingReason,
    LeaveRequest,
    LeaveState,
    SpotCheckFinding,
)
from .selectors import month_bounds

# Who reads the whole centre's facts: the supervision section, the office and the director; everyone reads their
# own month.
CAN_READ_ATTENDANCE_FACTS = frozenset({Role.SUPERVISION, Role.OFFICE, Role.DIRECTOR})
TAKEN_STATES = (LeaveState.APPROVED, LeaveState.RETURNED)
DAY_FIELDS = (
    "staff_id",
    "day",
    "kind",
    "status",
    "late",
    "early",
    "no_clock_in",
    "no_clock_out",
    "late_minutes",
    "early_minutes",
    "absent_minutes",
    "clocks",
)


@dataclass(frozen=True)
class StaffAttendanceFacts:
    """One person's month, as counts (R-ASM-5 deducts by them)."""

    staff_id: int
    name: str
    badge_number: str
    year: int
    month: int
    closed_days: int = 0  # the person's stored (closed) days in the month
    late: int = 0  # late clock-ins, missing ones included (R-ATT-2)
    left_early: int = 0  # early clock-outs, missing ones included (R-ATT-2)
    missing_clock_in: int = 0  # of `late`
    missing_clock_out: int = 0  # of `left_early`
    late_minutes: int = 0
    early_minutes: int = 0
    absent_days: int = 0  # days absent without leave (R-ASM-5)
    official_leave_half_days: int = 0  # 公假 (R-ATT-8)
    private_leave_half_days: int = 0  # 私假 (R-ATT-8)
    missed_duties: int = 0  # weekend and holiday duty not kept (R-ATT-1)
    spot_check_days_without_leave: int = 0  # R-ATT-7
    unreturned_leaves: int = 0  # R-ATT-6
    off_post_days: int = 0  # days away on leave or an outing while nobody covered a post (R-ATT-5)


@dataclass(frozen=True)
class DayFact:
    """A closed day with a mark: late, early or absent."""

    day: date
    kind: str
    status: str
    late: int
    early: int
    no_clock_in: int
    no_clock_out: int
    late_minutes: int
    early_minutes: int
    absent_minutes: int


@dataclass(frozen=True)
class LeaveTaken:
    """A leave and the working half-days of the month it covered (until its end or its return)."""

    leave_id: int
    kind: str
    official: bool
    state: str
    starts_at: datetime
    ends_at: datetime  # the planned end, or the return when earlier
    half_days: int


@dataclass(frozen=True)
class StaffFactsDetail:
    """One person's month with the rows behind each number."""

    facts: StaffAttendanceFacts
    days: tuple[DayFact, ...]  # the closed days marked late, early or absent
    leaves: tuple[LeaveTaken, ...]
    missed_duties: tuple[DutyEntry, ...]
    findings: tuple[SpotCheckFinding, ...]  # off post without leave
    unreturned_leaves: tuple[LeaveRequest, ...]


@dataclass
class _Person:
    counts: dict[str, int] = field(default_factory=dict)
    days: list[DayFact] = field(default_factory=list)
    leaves: list[LeaveTaken] = field(default_factory=list)
    missed: list[DutyEntry] = field(default_factory=list)
    findings: list[SpotCheckFinding] = field(default_factory=list)
    unreturned: list[LeaveRequest] = field(default_factory=list)

    def add(self, name: str, value: Any = 1) -> None:
        self.counts[name] = self.counts.get(name, 0) + value


def _aware(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at), timezone.get_default_timezone())


class _HalfDays:
    """The working half-days of a month as aware periods, read once per day from the cached calendar."""

    def __init__(self, center: Center) -> None:
        self.center = center
        self.calendar = calendar_for(center)
        self.cache: dict[date, tuple[tuple[datetime, datetime], ...]] = {}

    def of(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        if day not in self.cache:
            if not self.calendar.is_working_day(day):
                self.cache[day] = ()
            else:
                hours = working_hours_for(self.center, day)
                self.cache[day] = (
                    (_aware(day, hours.morning_start), _aware(day, hours.morning_end)),
                    (_aware(day, hours.afternoon_start), _aware(day, hours.afternoon_end)),
                )
        return self.cache[day]

    def count(self, start: datetime, end: datetime, first: date, last: date) -> int:
        """The working half-days of [first, last] that [start, end) overlaps."""
        day = max(timezone.localdate(start), first)
        stop = min(timezone.localdate(end), last)
        found = 0
        while day <= stop:
            found += sum(1 for a, b in self.of(day) if start < b and end > a)
            day += timedelta(days=1)
        return found


def _gather(
    center: Center, year: int, month: int, staff: StaffProfile | None = None, *, days: bool = True
) -> tuple[dict[int, _Person], list[tuple[int, str, str]]]:
    first, last = month_bounds(year, month)
    month_start = _aware(first, time.min)
    month_end = _aware(last + timedelta(days=1), time.min)
    now = timezone.now()
    mine = Q(staff=staff) if staff is not None else Q()
    people: dict[int, _Person] = {}

    def person(staff_id: int) -> _Person:
        return people.setdefault(staff_id, _Person())

    # 1. The closed days: for the whole centre counted by the database (unless the caller counts them itself:
    # `days` False), for one person row by row (the rows behind each number are shown).
    clocked: set[tuple[int, date]] | None = None
    closed_days = AttendanceDay.objects.filter(mine, center=center, day__gte=first, day__lte=last)
    if staff is None and days:
        absent_day = Q(status=DayStatus.ABSENT) & ~Q(kind=DayKind.DUTY)
        for row in (
            closed_days.order_by()
            .values("staff_id")
            .annotate(
                closed_days=Count("pk"),
                late=Sum("late"),
                left_early=Sum("early"),
                missing_clock_in=Sum("no_clock_in"),
                missing_clock_out=Sum("no_clock_out"),
                late_minutes=Sum("late_minutes"),
                early_minutes=Sum("early_minutes"),
                absent_days=Count("pk", filter=absent_day),
                off_post_days=Count("pk", filter=Q(status=DayStatus.OFF_POST)),
            )
        ):
            who = person(row["staff_id"])
            for name, value in row.items():
                if name != "staff_id":
                    who.add(name, value or 0)
    elif staff is not None:
        clocked = set()
        for row in closed_days.order_by("day").values_list(*DAY_FIELDS):
            (
                staff_id,
                day,
                kind,
                status,
                late,
                early,
                no_in,
                no_out,
                late_min,
                early_min,
                absent_min,
                clocks,
            ) = row
            if clocks:
                clocked.add((staff_id, day))
            who = person(staff_id)
            who.add("closed_days")
            who.add("late", late)
            who.add("left_early", early)
            who.add("missing_clock_in", no_in)
            who.add("missing_clock_out", no_out)
            who.add("late_minutes", late_min)
            who.add("early_minutes", early_min)
            absent = status == DayStatus.ABSENT and kind != DayKind.DUTY
            if absent:
                who.add("absent_days")
            off_post = status == DayStatus.OFF_POST
            if off_post:
                who.add("off_post_days")
            if late or early or absent or off_post:
                who.days.append(
                    DayFact(day, kind, status, late, early, no_in, no_out, late_min, early_min, absent_min)
                )

    # 2. The days the centre has closed (a duty is missed only on a closed day).
    closed = set(
        AttendanceClose.objects.filter(center=center, day__gte=first, day__lte=last).values_list(
            "day", flat=True
        )
    )

    # 3. The leaves taken or running in the month, and those not returned.
    half_days = _HalfDays(center)
    for leave in (
        LeaveRequest.objects.filter(
            mine, center=center, state__in=TAKEN_STATES, starts_at__lt=month_end, ends_at__gt=month_start
        )
        .only("id", "staff_id", "kind", "official", "state", "starts_at", "ends_at", "returned_at")
        .order_by("starts_at", "id")
    ):
        who = person(leave.staff_id)
        end = leave.ends_at
        if leave.state == LeaveState.RETURNED and leave.returned_at is not None:
            end = min(end, leave.returned_at)
        taken = half_days.count(leave.starts_at, end, first, last) if end > leave.starts_at else 0
        if taken:
            who.add("official_leave_half_days" if leave.official else "private_leave_half_days", taken)
            who.leaves.append(
                LeaveTaken(leave.pk, leave.kind, leave.official, leave.state, leave.starts_at, end, taken)
            )
        if leave.state == LeaveState.APPROVED and leave.ends_at <= min(now, month_end):
            who.add("unreturned_leaves")
            who.unreturned.append(leave)

    # 4. Weekend and holiday duty not kept (no clock that day).
    duties = list(
        DutyEntry.objects.filter(
            mine,
            center=center,
            kind=DutyKind.REST_DAY,
            superseded_at=None,
            day__gte=first,
            day__lte=last,
        )
        .select_related("staff")
        .order_by("day", "id")
    )
    if clocked is None:  # the whole centre: whether each person on duty clocked that day
        clocked = set()
        if duties:
            clocked = set(
                AttendanceDay.objects.filter(
                    center=center,
                    day__in={e.day for e in duties},
                    staff_id__in={e.staff_id for e in duties},
                    clocks__gt=0,
                ).values_list("staff_id", "day")
            )
    for entry in duties:
        if entry.day in closed and (entry.staff_id, entry.day) not in clocked:
            who = person(entry.staff_id)
            who.add("missed_duties")
            who.missed.append(entry)

    # 5. Off post without leave at a spot check, each day once.
    seen_days: set[tuple[int, date]] = set()
    for finding in (
        SpotCheckFinding.objects.filter(
            mine, center=center, day__gte=first, day__lte=last, reason=FindingReason.UNEXPLAINED
        )
        .select_related("spot_check")
        .order_by("day", "spot_check__at", "id")
    ):
        who = person(finding.staff_id)
        who.findings.append(finding)
        if (finding.staff_id, finding.day) not in seen_days:
            seen_days.add((finding.staff_id, finding.day))
            who.add("spot_check_days_without_leave")

    # 6. The people: the centre's active staff and anyone with a fact in the month.
    if staff is not None:
        names = [(staff.pk, staff.name, staff.badge_number)]
    else:
        names = list(
            StaffProfile.objects.filter(center=center)
            .filter(Q(is_active=True) | Q(pk__in=list(people)))
            .order_by("badge_number", "pk")
            .values_list("pk", "name", "badge_number")
        )
    return people, names


def _facts(staff_id: int, name: str, badge: str, year: int, month: int, who: _Person) -> StaffAttendanceFacts:
    return StaffAttendanceFacts(
        staff_id=staff_id, name=name, badge_number=badge, year=year, month=month, **who.counts
    )


def attendance_facts(
    center: Center, year: int, month: int, *, days: bool = True
) -> list[StaffAttendanceFacts]:
    """Every person's facts for the month (R-ASM-5), by badge number: the centre's active staff and anyone with a
    fact in the month. At most seven queries, whatever the size of the centre. `days` False leaves the closed
    days' counts at 0, for a caller that reads those days itself (the assessment's close)."""
    people, names = _gather(center, year, month, days=days)
    empty = _Person()
    return [_facts(pk, name, badge, year, month, people.get(pk, empty)) for pk, name, badge in names]


def staffing_facts_of(staff: StaffProfile, year: int, month: int) -> StaffFactsDetail:
    """One person's facts for the month with the rows behind each number."""
    people, _names = _gather(staff.center, year, month, staff)
    who = people.get(staff.pk, _Person())
    return StaffFactsDetail(
        facts=_facts(staff.pk, staff.name, staff.badge_number, year, month, who),
        days=tuple(who.days),
        leaves=tuple(who.leaves),
        missed_duties=tuple(who.missed),
        findings=tuple(who.findings),
        unreturned_leaves=tuple(who.unreturned),
    )


def facts_as_dict(facts: StaffAttendanceFacts) -> dict[str, Any]:
    return asdict(facts)
