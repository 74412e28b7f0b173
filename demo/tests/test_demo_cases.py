"""The demo case history: `load_demo` plays a year of cases at the demo centre through the case services, with
cases in every state, red, yellow and suspended ones among the open cases, intact hash chains, and a second
run that adds nothing."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases.models import (
    Case,
    CaseEvent,
    CaseState,
    Extension,
    ExtensionRequest,
    ExtensionRequestStatus,
    Inquiry,
    InquiryStatus,
    Visit,
    Warning,
)
from cases.selectors.clock import annotate_warning, overdue_cases
from cases.selectors.intake import extra_correction_notices
from cases.services.events import chain_verify
from cases.services.lookup import case_lookup
from common.models import HistoryEntry
from demo.cases_history import lookup_pairs
from hall.models import Appointment
from org.models import Absence, AbsenceCover, Center
from staffing.models import LeaveRequest, LeaveState
from staffing.selectors_leave import leaves_unreturned
from staffing.services.days import compute_days
from workdays.services import is_within_working_hours

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

SCALE = 0.01  # about 50 cases, plus the showcase cases that every scale has


def run(command: str, **options: Any) -> str:
    out = StringIO()
    call_command(command, stdout=out, **options)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for label in ("cases", "org", "common")
        for model in apps.get_app_config(label).get_models()
    }


def test_load_demo_plays_a_year_of_cases_in_every_state_and_a_second_run_adds_nothing(settings: Any) -> None:
    settings.DEMO_CASES_SCALE = SCALE
    first = run("load_demo")
    county = Center.objects.get(code="demo-county")
    today = timezone.localdate()
    cases = Case.objects.filter(center=county)

    assert "示范办件历史已生成" in first
    # Printed for a log (not a terminal): a line per stage, no carriage return, the logins at the end.
    assert "\r" not in first
    assert "  服务事项及其材料、收费、环节 … items 83，published items 83，" in first
    assert "  示范办件历史（366天，约" in first
    assert first.rstrip().endswith("其他工作人员没有登录账号，或账号密码不可用（仅用于授予角色）。")
    assert "计划中被规则拒绝的操作" not in first  # every planned action passed the rules
    states = Counter(cases.values_list("state", flat=True))
    assert [state for state in CaseState.values if not states[state]] == []

    colours = Counter(
        annotate_warning(
            cases.filter(state__in=[CaseState.ACCEPTED, CaseState.SUSPENDED]), today
        ).values_list("warning", flat=True)
    )
    assert colours[Warning.RED] >= 1
    assert colours[Warning.YELLOW] >= 1
    assert colours[Warning.GREEN] >= 1
    assert colours[Warning.SUSPENDED] >= 1
    assert all(row.responsible is not None for row in overdue_cases(county, today))

    # A year back from today, numbered in date order, every history chain intact.
    received = sorted(timezone.localdate(moment) for moment in cases.values_list("received_at", flat=True))
    assert received[0] < today - timedelta(days=300)
    assert received[-1] <= today
    assert all(chain_verify(case).ok for case in cases)
    assert all(case.events.count() >= case.revision for case in cases)

    # The things the screens show.
    assert extra_correction_notices(county).exists()
    assert Visit.objects.filter(case__center=county, is_shuttle=True).exists()
    assert CaseEvent.objects.filter(case__center=county, acting_as="B").exists()
    assert Extension.objects.filter(case__center=county).exclude(filed_at=None).exists()
    assert ExtensionRequest.objects.filter(
        case__center=county, status=ExtensionRequestStatus.PENDING
    ).exists()
    assert cases.filter(is_priority=True, state__in=[CaseState.ACCEPTED]).exists()
    assert cases.filter(deemed_accepted=True).exists()
    assert cases.filter(in_development_zone=True).exists()
    assert Absence.objects.filter(center=county).exists()
    # The year's leave through the leave services (R-ATT-3 … R-ATT-6): returned, one left unreturned, each
    # naming its B; the one whose Bs were called away leaves its person off post that afternoon (R-ATT-5).
    leaves = LeaveRequest.objects.filter(center=county, starts_at__lt=timezone.now())
    assert leaves.filter(state=LeaveState.RETURNED).count() >= 6
    assert [leave.staff.badge_number for leave in leaves_unreturned(county, timezone.now())] == ["WM002"]
    assert AbsenceCover.objects.filter(absence__center=county).count() >= 6
    uncovered = leaves.filter(staff__badge_number="WM003").order_by("starts_at").first()
    assert uncovered is not None
    day = timezone.localdate(uncovered.starts_at)
    assert compute_days(county, day, [uncovered.staff_id])[uncovered.staff_id]["status"] == "off_post"
    inquiries = Inquiry.objects.filter(center=county)
    assert inquiries.filter(status=InquiryStatus.OPEN).exists()
    assert inquiries.filter(status=InquiryStatus.ESCALATED).exists()
    assert inquiries.filter(status=InquiryStatus.REFERRED, referral_acknowledged_at=None).exists()
    assert inquiries.filter(status=InquiryStatus.REFERRED).exclude(referral_acknowledged_at=None).exists()
    assert Appointment.objects.filter(center=county, starts_at__gte=timezone.now()).exists()
    assert (
        cases.filter(window__number="A01").count() > cases.exclude(window__number__in=["A01", "A02"]).count()
    )

    # The two lookup pairs of the summary work on the public lookup, from the home page the output names: the
    # site root lists the centres, the county's home page holds the lookup form.
    pairs = lookup_pairs(county)
    assert len(pairs) == 2
    home = reverse("portal:home", kwargs={"center_code": county.code})
    assert f'href="{home}"' in Client().get("/").content.decode()
    action = reverse("portal:case_lookup", kwargs={"center_code": county.code})
    assert f'action="{action}"' in Client().get(home).content.decode()
    for number, code, state in pairs:
        assert f"办件编号 {number}，查询码 {code}（{state}）；在 {home} 首页的“办件进度查询”中输入" in first
        assert case_lookup(center=county, number=number, query_code=code) is not None
        answer = Client().post(action, {"number": number, "query_code": code})
        assert answer.status_code == 200 and f"<td>{number}</td>" in answer.content.decode()
    # Appointments only in the hall's hours on working days (R-CASE-13, R-CLK-7).
    for appointment in Appointment.objects.filter(center=county):
        assert is_within_working_hours(center=county, moment=appointment.starts_at), appointment.starts_at

    before = row_counts()
    history = HistoryEntry.objects.count()
    second = run("load_demo")
    again = run("load_demo_cases")
    assert "已有办件，未生成示范办件历史（没有任何改动）" in second
    assert "没有任何改动" in again
    assert row_counts() == before
    assert HistoryEntry.objects.count() == history


def test_scale_zero_adds_no_cases(settings: Any) -> None:
    settings.DEMO_CASES_SCALE = 0
    output = run("load_demo")
    assert "规模为0" in output
    assert not Case.objects.exists()
    assert not Inquiry.objects.exists()


def test_load_demo_cases_needs_the_demo_centre() -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="load_demo"):
        run("load_demo_cases")
