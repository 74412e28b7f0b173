"""Small helpers for the organisation tests (the shared factories are in `factories.py`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from org.models import Absence, AbsenceKind, Authorization, AuthorizationScope, Department, StaffProfile

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    """An aware moment in the centre's time zone."""
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def absent(staff: StaffProfile, start: datetime, end: datetime, kind: str = AbsenceKind.LEAVE) -> Absence:
    return Absence.objects.create(center=staff.center, staff=staff, kind=kind, starts_at=start, ends_at=end)


def make_authorization(
    department: Department,
    representative: StaffProfile,
    *,
    scopes: list[str] | None = None,
    valid_from: date = date(2026, 1, 1),
    valid_until: date = date(2026, 12, 31),
    **kw: Any,
) -> Authorization:
    kw.setdefault("document_number", f"授字〔2026〕{Authorization.objects.count() + 1}号")
    kw.setdefault("signed_by", "钱局长")
    return Authorization.objects.create(
        center=department.center,
        department=department,
        representative=representative,
        scopes=scopes if scopes is not None else [AuthorizationScope.DECIDE_GENERAL],
        valid_from=valid_from,
        valid_until=valid_until,
        **kw,
    )
