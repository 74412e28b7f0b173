"""Reads of staffing: the monthly attendance sheet, the days to close and to review, terminals and their uploads.

The sheet reads the stored days of one centre and one month through the index `(center, day)`: one query for
the rows, as plain values, and one for the people, whatever the size of the centre.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone

from org.models import Absence, AbsenceKind, Center, StaffProfile
from org.services.absences import absence_in_force

from .models import (
    AttendanceClose,
    AttendanceDay,
    ClockEvent,
    DutyDispute,
    DutyEntry,
    DutyKind,
    Explanation,
    FindingReason,
    SpotCheck,
    SpotCheckFinding,
    Terminal,
    TerminalUpload,
)

SHEET_FIELDS = (
    "staff_id",
    "day",
    "status",
    "late",
    "early",
    "late_minutes",
    "early_minutes",
    "absent_minutes",
)


@dataclass
class SheetRow:
    staff_id: int
    name: str
    badge_number: str
    days: dict[date, dict[str, Any]] = field(default_factory=dict)
    late: int = 0
    early: int = 0
    late_minutes: int = 0
    early_minutes: int = 0
    absent_minutes: int = 0


def month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def attendance_sheet(center: Center, year: int, month: int) -> list[SheetRow]:
    """Every person with a stored day in the month, by badge number, with each day's status and counts and the
    month's totals (R-ATT-2). Two queries."""
    first, last = month_bounds(year, month)
    rows: dict[int, SheetRow] = {}
    values = AttendanceDay.objects.filter(center=center, day__gte=first, day__lte=last).values_list(
        *SHEET_FIELDS
    )
    by_staff: dict[int, list[tuple[Any, ...]]] = {}
    for value in values:
        by_staff.setdefault(value[0], []).append(value)
    people = StaffProfile.objects.filter(pk__in=by_staff).values_list("pk", "name", "badge_number")
    for staff_id, name, badge in people:
        row = rows[staff_id] = SheetRow(staff_id, name, badge)
        for _staff, day, status, late, early, late_minutes, early_minutes, absent_minutes in by_staff[
            staff_id
        ]:
            row.days[day] = {"status": status, "late": late, "early": early}
            row.late += late
            row.early += early
            row.late_minutes += late_minutes
            row.early_minutes += early_minutes
            row.absent_minutes += absent_minutes
    return sorted(rows.values(), key=lambda r: (r.badge_number, r.staff_id))


def day_of(staff: StaffProfile, day: date) -> AttendanceDay | None:
    return AttendanceDay.objects.filter(staff=staff, day=day).first()


def closed_days(center: Center, first: date, last: date) -> set[date]:
    return set(
        AttendanceClose.objects.filter(center=center, day__gte=first, day__lte=last).values_list(
            "day", flat=True
        )
    )


def days_to_close(center: Center, today: date, after_days: int, lookback: int = 7) -> list[date]:
    """The days a daily run closes, oldest first: those not closed yet among the `lookback` days that end with
    the last day it may close, `after_days` whole days after that day ended (today − 1 − after_days)."""
    last = today - timedelta(days=1 + after_days)
    first = last - timedelta(days=lookback - 1)
    closed = closed_days(center, first, last)
    return [day for day in (first + timedelta(days=i) for i in range(lookback)) if day not in closed]


def days_to_review(center: Center, first: date, last: date) -> list[tuple[int, date, int, int]]:
    """The stored days in [first, last] whose person has another number of clocks stored now than the day was
    computed from (a batch that arrived after the close): (staff id, day, clocks used, clocks stored now).
    A correction recomputes them."""
    counted = {
        (row["staff_id"], row["day"]): row["n"]
        for row in ClockEvent.objects.filter(center=center, day__gte=first, day__lte=last)
        .values("staff_id", "day")
        .annotate(n=Count("id"))
    }
    stale = []
    for staff_id, day, used in AttendanceDay.objects.filter(
        center=center, day__gte=first, day__lte=last
    ).values_list("staff_id", "day", "clocks"):
        stored = counted.get((staff_id, day), 0)
        if stored != used:
            stale.append((staff_id, day, used, stored))
    return sorted(stale, key=lambda row: (row[1], row[0]))


def terminals_of(center: Center) -> QuerySet[Terminal]:
    return Terminal.objects.filter(center=center).order_by("serial")


def uploads_of(terminal: Terminal, limit: int = 50) -> list[TerminalUpload]:
    return list(TerminalUpload.objects.filter(terminal=terminal).order_by("-received_at", "-id")[:limit])


# --- duty rosters and spot checks (R-ATT-1/7, R-PUB-6) ---


def roster_between(center: Center, first: date, last: date) -> list[DutyEntry]:
    """The current roster entries of [first, last] (swapped-out entries left out), by day and kind."""
    return list(
        DutyEntry.objects.filter(center=center, day__gte=first, day__lte=last, superseded_at=None)
        .select_related("staff", "swapped_from__staff")
        .order_by("day", "kind", "id")
    )


def missed_duties(center: Center, first: date, last: date) -> list[DutyEntry]:
    """The weekend and holiday duties of [first, last] whose person has no clock event that day (R-ATT-1, a
    missed duty counts under R-ASM-5). Two queries."""
    entries = list(
        DutyEntry.objects.filter(
            center=center, kind=DutyKind.REST_DAY, day__gte=first, day__lte=last, superseded_at=None
        )
        .select_related("staff")
        .order_by("day", "id")
    )
    clocked = set(
        ClockEvent.objects.filter(center=center, day__gte=first, day__lte=last).values_list("staff_id", "day")
    )
    return [entry for entry in entries if (entry.staff_id, entry.day) not in clocked]


def absences_without_leave(center: Center, first: date, last: date) -> dict[int, int]:
    """Per person, the days in [first, last] on which a spot check found them off post without leave (R-ATT-7):
    each day counts once, however many checks found them."""
    rows = (
        SpotCheckFinding.objects.filter(
            center=center, day__gte=first, day__lte=last, reason=FindingReason.UNEXPLAINED
        )
        .values("staff_id")
        .annotate(days=Count("day", distinct=True))
    )
    return {row["staff_id"]: row["days"] for row in rows}


def open_explanations(staff: StaffProfile) -> list[Explanation]:
    return list(
        Explanation.objects.filter(staff=staff)
        .select_related("finding__spot_check")
        .order_by("answered_at", "-asked_at")[:50]
    )


@dataclass
class BoardRow:
    staff_id: int
    name: str
    badge_number: str
    window: str
    state: str  # at_post / late / on_leave / out / unaccounted
    first_clock: datetime | None = None


BOARD_STATES = ("at_post", "late", "on_leave", "out", "unaccounted", "off")


def todays_board(
    center: Center, moment: datetime, late_after: datetime | None, expected: set[int] | None = None
) -> list[BoardRow]:
    """The supervision section's board of today at `moment`: each active person at post, late (first clock
    after `late_after`, the morning's start; None on a rest day), on leave, out (an outing), unaccounted for (no
    clock today and no absence in force while expected at post), or off (not expected now: `expected` names who
    is, None for everyone — a rest day expects only its duty roster, a working day nobody before it starts).
    Three queries."""
    day = timezone.localdate(moment)
    people = list(
        StaffProfile.objects.filter(center=center, is_active=True)
        .order_by("badge_number", "pk")
        .values_list("pk", "name", "badge_number", "window__number")
    )
    ids = [row[0] for row in people]
    first: dict[int, datetime] = {}
    for staff_id, time in (
        ClockEvent.objects.filter(center=center, day=day, staff_id__in=ids, time__lte=moment)
        .order_by("time")
        .values_list("staff_id", "time")
    ):
        first.setdefault(staff_id, time)
    away: dict[int, str] = {}
    for staff_id, kind in Absence.objects.filter(absence_in_force(moment), staff_id__in=ids).values_list(
        "staff_id", "kind"
    ):
        away.setdefault(staff_id, kind)
    rows = []
    for pk, name, badge, window in people:
        clocked = first.get(pk)
        if away.get(pk) == AbsenceKind.LEAVE:
            state = "on_leave"
        elif away.get(pk) == AbsenceKind.OUTING:
            state = "out"
        elif clocked is None:
            state = "unaccounted" if expected is None or pk in expected else "off"
        elif late_after is not None and clocked > late_after:
            state = "late"
        else:
            state = "at_post"
        rows.append(BoardRow(pk, name, badge, window or "", state, clocked))
    return rows


def staff_windows(staff_ids: list[int]) -> dict[int, str]:
    """Each person's window number ('' for none), for grouping the monthly sheet by window. One query."""
    return {
        pk: number or ""
        for pk, number in StaffProfile.objects.filter(pk__in=staff_ids).values_list("pk", "window__number")
    }


def recent_spot_checks(center: Center, limit: int = 20) -> list[SpotCheck]:
    return list(
        SpotCheck.objects.filter(center=center)
        .select_related("by")
        .prefetch_related("findings__staff")
        .order_by("-at")[:limit]
    )


def recent_disputes(center: Center, since: date, limit: int = 50) -> list[DutyDispute]:
    """The disputes reported since `since` (local date), newest first."""
    start, _end = _local_day_bounds(since)
    return list(
        DutyDispute.objects.filter(center=center, reported_at__gte=start)
        .select_related("leader", "window", "reporter")
        .order_by("-reported_at")[:limit]
    )


def _local_day_bounds(day: date) -> tuple[datetime, datetime]:
    zone = timezone.get_default_timezone()
    start = timezone.make_aware(datetime.combine(day, datetime.min.time()), zone)
    return start, start + timedelta(days=1)
