"""The demo's clocking, rosters and leave: `load_demo` plays the last working days (a few, in tests) through the
staffing services, so that the sheets show late arrivals, a leave is left unreturned, one person was found off
post without leave, and a second run adds nothing."""

from __future__ import annotations

import re
import shutil
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from demo.data import FOLDER, DemoDataError, read_folder
from org.models import Center, StaffProfile
from staffing.models import AttendanceClose, DutyEntry, DutyKind, LeaveRequest, LeaveState
from staffing.selectors import absences_without_leave, attendance_sheet, roster_between
from staffing.selectors_leave import leaves_unreturned
from workdays.selectors import calendar_for

DAYS = 6


def run() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_app_config("staffing").get_models()
    }


@pytest.mark.django_db
@pytest.mark.slow
def test_r_att_2_demo_plays_clocking_rosters_and_leave_and_a_second_run_adds_nothing(settings: Any) -> None:
    settings.DEMO_STAFFING_DAYS = DAYS
    first = run()
    county = Center.objects.get(code="demo-county")
    today = timezone.localdate()

    assert "示范考勤已生成" in first
    closed = list(AttendanceClose.objects.filter(center=county).order_by("day").values_list("day", flat=True))
    # The working days played, and the rest days between them (a duty is checked on its day).
    closes = [day for day in closed if calendar_for(county).is_working_day(day)]
    assert len(closes) == DAYS and closes[-1] < today
    assert closed == [closes[0] + timedelta(days=n) for n in range((closes[-1] - closes[0]).days + 1)]

    # The sheets of the months played: some late, most on time.
    rows = [
        row
        for month in sorted({(d.year, d.month) for d in closes})
        for row in attendance_sheet(county, *month)
    ]
    assert sum(row.late for row in rows) >= 1
    assert sum(row.early for row in rows) >= 1
    on_time = sum(1 for row in rows for day in row.days.values() if day.get("status") == "on_time")
    assert on_time > sum(row.late for row in rows)

    # One person found off post without leave by the spot check of the last working day (R-ATT-7).
    found = absences_without_leave(county, closes[0], closes[-1])
    assert list(found.values()) == [1]
    assert StaffProfile.objects.get(pk=next(iter(found))).badge_number == "CG004"

    # Leaves asked and approved by the right tiers; none returned, so each is flagged once its end passes
    # (R-ATT-6); one still waits.
    approved = list(LeaveRequest.objects.filter(center=county, state=LeaveState.APPROVED))
    assert len(approved) == 3
    assert LeaveRequest.objects.filter(center=county, state=LeaveState.PENDING).count() == 1
    last_end = max(leave.ends_at for leave in approved)
    assert len(leaves_unreturned(county, last_end + timedelta(minutes=1))) == 3
    assert list(leaves_unreturned(county, timezone.now())) == []

    # The roster: a duty leader every working day, someone on every rest day, of the months played.
    entries = roster_between(county, closes[0], closes[-1])
    assert {e.day for e in entries if e.kind == DutyKind.LEADER} == set(closes)
    assert DutyEntry.objects.filter(center=county, kind=DutyKind.REST_DAY).exists()

    counts = row_counts()
    second = run()
    assert "示范考勤已是最新，没有任何改动。" in second
    assert row_counts() == counts


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('spot_check_absent = "CG004"', 'spot_check_absent = "XX999"', "staff badge XX999 does not exist"),
        ('kind = "personal"', 'kind = "holiday"', "leave kind holiday does not exist"),
        ('badge = "WM004"', 'badge = "CG004"', "CG004 has no login and cannot ask for leave"),
        ("late_share = 0.05", "late_share = 0.9", "late_share must be between 0 and 0.5"),
        ('spot_check_time = "10:15"', 'spot_check_time = "ten"', "spot_check_time must be HH:MM"),
        ("pin_start = 1001", 'pin_start = "1001"', "pin_start = '1001' is not a whole number"),
    ],
)
def test_staffing_toml_is_checked_before_anything_is_written(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    folder = tmp_path / "data"
    shutil.copytree(FOLDER, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    path = folder / "staffing.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(DemoDataError, match=re.escape(message)):
        read_folder(folder)
