"""Reads of staffing: the monthly attendance sheet, the days to close and to review, terminals and their uploads.

The sheet reads the stored days of one centre and one month through the index `(center, day)`: one query for
the rows, as plain values, and one for the people, whatever the size of the centre.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, QuerySet

from org.models import Center, StaffProfile

from .models import AttendanceClose, AttendanceDay, ClockEvent, Terminal, TerminalUpload

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
