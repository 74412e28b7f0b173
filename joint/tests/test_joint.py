"""Joint approval through its services (R-PAR-1 … R-PAR-5, R-PAR-8, R-PAR-10, R-PAR-11), on the 2026 calendar: a
major project's case accepted once at the lead window, each co-department notified and receiving on its own day,
its own deadline counted from its receipt, a second procedure stopping the delayed departments' clocks until the
one correction, a late department recorded with its chief representative, and the lead's final inspection."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine

from cases.models import Case, CaseState
from cases.tests.factories import make_item_for
from common.errors import PermissionDenied, RuleViolation
from common.models import HistoryEntry
from org.models import StaffProfile
from policy.services import policy_set
from workdays.models import TimerState, TimerWarning
from workdays.timers import timers_sweep

from ..models import JointLateness, JointState, Opinion
from ..services import (
    joint_case_inspect,
    joint_case_open,
    joint_correction_receive,
    joint_flow_publish,
    joint_lane_receive,
    joint_notify,
    joint_opinion_give,
    joint_report_up,
    joint_second_procedure,
)
from .helpers import Project, at, lane_of, make_project, opened

pytestmark = pytest.mark.usefixtures("national_calendar")


@pytest.fixture
def project(hall: Any) -> Project:
    return make_project(hall)


# --- R-PAR-1, R-PAR-2: the lead and the flow-and-limits table -----------------------------------------------------


def test_r_par_1_r_par_2_the_centre_designates_the_lead_and_the_lead_keeps_a_versioned_table(
    hall: Any, project: Project
) -> None:
    with pytest.raises(PermissionDenied):
        _publish_as(hall.clerk, hall, project)
    # The lead's chief representative publishes the next version, keeping the lead; the first stays as it was.
    second = joint_flow_publish(
        actor=hall.chief.user,
        item=project.item,
        lead_department=hall.department,
        lanes=[{"department": project.planning.department, "items": "建设用地规划许可", "limit_days": 4}],
        effective_from=date(2027, 1, 1),
    )
    assert second.version == 2 and [lane.limit_days for lane in second.lanes.all()] == [4]
    # Changing the lead is the centre's: the lead's chief representative may not.
    with pytest.raises(PermissionDenied):
        joint_flow_publish(
            actor=hall.chief.user,
            item=project.item,
            lead_department=project.planning.department,
            lanes=[{"department": hall.department, "items": "x", "limit_days": 3}],
        )


def _publish_as(staff: StaffProfile, hall: Any, project: Project) -> Any:
    return joint_flow_publish(
        actor=staff.user,
        item=project.item,
        lead_department=hall.department,
        lanes=[{"department": project.planning.department, "items": "x", "limit_days": 3}],
    )


@pytest.mark.parametrize(
    ("lanes", "code"),
    [
        ([], "lanes"),  # one department alone is no joint case (R-PAR-1)
        ([("lead", 3)], "lanes"),  # the lead is not its own co-department
        ([("planning", 3), ("planning", 4)], "lanes"),  # a department twice
        ([("planning", 0)], "lanes"),
        ([("planning", 21)], "lanes"),  # beyond the item's promised 20 days
    ],
)
def test_r_par_2_a_table_that_is_no_joint_flow_is_refused(
    hall: Any, project: Project, lanes: list[tuple[str, int]], code: str
) -> None:
    departments = {"lead": hall.department, "planning": project.planning.department}
    with pytest.raises(RuleViolation) as refused:
        joint_flow_publish(
            actor=hall.coordination.user,
            item=project.item,
            lead_department=hall.department,
            lanes=[{"department": departments[d], "items": "审批", "limit_days": n} for d, n in lanes],
        )
    assert refused.value.field == code and refused.value.rule in {"R-PAR-1", "R-PAR-2"}


def test_r_par_1_only_a_joint_item_has_a_flow(hall: Any, project: Project) -> None:
    ordinary = make_item_for(hall.window, hall.post)
    with pytest.raises(RuleViolation) as refused:
        joint_flow_publish(
            actor=hall.coordination.user,
            item=ordinary,
            lead_department=hall.department,
            lanes=[{"department": project.planning.department, "items": "x", "limit_days": 3}],
        )
    assert refused.value.rule == "R-PAR-1"


# --- R-PAR-3, R-PAR-4: one door, the notifications and each department's clock ------------------------------------


def test_r_par_3_r_par_4_one_acceptance_then_each_department_s_clock_starts_on_its_own_receipt(
    hall: Any, project: Project
) -> None:
    with pytest.raises(PermissionDenied):
        joint_case_open(actor=hall.clerk.user, case=project.case)  # the lead's chief representative opens it
    joint_case = joint_case_open(
        actor=hall.chief.user,
        case=project.case,
        present=[project.planning.chief, project.housing.chief],
        project_code="2611-420000-04-01-123456",
        at=at(11, 2, 9),
    )
    with pytest.raises(RuleViolation) as again:
        joint_case_open(actor=hall.chief.user, case=project.case)
    assert again.value.code == "opened"  # accepted once (一门受理)
    planning, housing, environment = (
        lane_of(joint_case, c) for c in (project.planning, project.housing, project.environment)
    )
    with pytest.raises(RuleViolation) as early:
        joint_lane_receive(actor=project.planning.clerk.user, lane=planning)
    assert early.value.code == "not_notified"
    # The lead notifies each department; each receives on its own day, and its clock starts then.
    for lane, day in ((planning, 2), (housing, 3), (environment, 4)):
        notified = joint_notify(actor=hall.chief.user, lane=lane, at=at(11, day, 9))
        assert notified.notice_number.startswith("示范县政务服务中心抄告〔2026〕")
    with pytest.raises(RuleViolation):
        joint_notify(actor=hall.chief.user, lane=planning)
    with pytest.raises(PermissionDenied):  # another department's staff cannot sign for it
        joint_lane_receive(actor=project.housing.clerk.user, lane=planning, at=at(11, 2, 15))
    joint_lane_receive(actor=project.planning.clerk.user, lane=planning, at=at(11, 2, 15))
    joint_lane_receive(actor=project.housing.clerk.user, lane=housing, at=at(11, 3, 15))
    joint_lane_receive(actor=project.environment.chief.user, lane=environment, at=at(11, 4, 15))
    deadlines = {
        c.department.name: lane_of(joint_case, c).timer.deadline
        for c in (project.planning, project.housing, project.environment)
    }  # type: ignore[union-attr]
    # 5 working days from Mon 2 Nov, 10 from Tue 3 Nov, 5 from Wed 4 Nov (no holiday in November 2026).
    assert deadlines == {
        "自然资源和规划局": date(2026, 11, 9),
        "住房和城乡建设局": date(2026, 11, 17),
        "生态环境局": date(2026, 11, 11),
    }
    # The applicant sees one case: the joint case is the accepted case itself.
    assert Case.objects.filter(pk=project.case.pk, state=CaseState.ACCEPTED).count() == 1
    assert joint_case.project_code == "2611-420000-04-01-123456"  # R-PAR-9
    assert sorted(p.name for p in joint_case.present.all()) == [
        "住房和城乡建设局首席",
        "自然资源和规划局首席",
    ]


# --- R-PAR-5: clear opinions --------------------------------------------------------------------------------------


def test_r_par_5_each_department_gives_a_clear_opinion_signed_inside_and_may_report_up(
    hall: Any, project: Project
) -> None:
    joint_case = opened(hall, project)
    planning = lane_of(joint_case, project.planning)
    with pytest.raises(PermissionDenied):  # a clerk does not give the department's opinion
        joint_opinion_give(actor=project.planning.clerk.user, lane=planning, opinion=Opinion.AGREE)
    for opinion, code in (
        (Opinion.DISAGREE, "text"),
        (Opinion.AGREE_WITH_CONDITIONS, "text"),
        ("maybe", "opinion"),
    ):
        with pytest.raises(RuleViolation) as unclear:
            joint_opinion_give(actor=project.planning.chief.user, lane=planning, opinion=opinion)
        assert unclear.value.field == code
    reported = joint_report_up(
        actor=project.housing.chief.user,
        lane=lane_of(joint_case, project.housing),
        authority="市住房和城乡建设局",
    )
    assert reported.reported_to == "市住房和城乡建设局"
    given = joint_opinion_give(
        actor=project.planning.chief.user,
        lane=planning,
        opinion=Opinion.AGREE_WITH_CONDITIONS,
        text="须按规划条件退让道路红线。",
        signed_by="王局长、李副局长",
        at=at(11, 6),
    )
    assert (given.opinion, given.signed_by) == (Opinion.AGREE_WITH_CONDITIONS, "王局长、李副局长")
    assert given.timer is not None and given.timer.state == TimerState.FINISHED
    with pytest.raises(RuleViolation) as twice:
        joint_opinion_give(actor=project.planning.chief.user, lane=planning, opinion=Opinion.AGREE)
    assert twice.value.code == "given"
    assert HistoryEntry.objects.filter(action="joint_report_up", rule="R-PAR-5").exists()


# --- R-PAR-8: the second procedure ----------------------------------------------------------------------------


def test_r_par_8_missing_materials_stop_the_delayed_departments_until_the_one_correction(
    hall: Any, project: Project
) -> None:
    joint_case = opened(hall, project)
    housing, environment, planning = (
        lane_of(joint_case, project.housing),
        lane_of(joint_case, project.environment),
        lane_of(joint_case, project.planning),
    )
    with pytest.raises(RuleViolation) as no_reason:
        joint_second_procedure(actor=project.housing.chief.user, lane=housing, reason=" ")
    assert no_reason.value.field == "reason"
    joint_second_procedure(
        actor=project.housing.chief.user,
        lane=housing,
        reason="缺少施工图审查合格书。",
        also=[environment],
        at=at(11, 5),
    )
    assert {lane_of(joint_case, c).timer.state for c in (project.housing, project.environment)} == {
        TimerState.STOPPED
    }  # type: ignore[union-attr]
    assert lane_of(joint_case, project.planning).timer.state == TimerState.RUNNING  # type: ignore[union-attr]
    with pytest.raises(RuleViolation) as waiting:
        joint_opinion_give(actor=project.housing.chief.user, lane=housing, opinion=Opinion.AGREE)
    assert waiting.value.code == "awaiting_correction"
    with pytest.raises(PermissionDenied):  # the correction arrives at the lead window
        joint_correction_receive(actor=project.housing.clerk.user, joint_case=joint_case)
    joint_correction_receive(actor=hall.clerk.user, joint_case=joint_case, at=at(11, 10))
    # Stopped on Thu 5 Nov, running again on Tue 10 Nov: 5, 6 and 9 Nov (3 working days) are added.
    assert lane_of(joint_case, project.housing).timer.deadline == date(2026, 11, 20)  # type: ignore[union-attr]
    assert lane_of(joint_case, project.environment).timer.deadline == date(2026, 11, 16)  # type: ignore[union-attr]
    assert lane_of(joint_case, project.planning).timer.deadline == date(2026, 11, 9)  # type: ignore[union-attr]
    # The applicant corrects once.
    with pytest.raises(RuleViolation) as once:
        joint_second_procedure(actor=project.planning.chief.user, lane=planning, reason="再缺一份材料。")
    assert once.value.code == "corrected_once"


def test_r_par_8_a_centre_may_restart_the_stopped_clocks_from_zero(hall: Any, project: Project) -> None:
    policy_set(
        actor=hall.sysadmin.user,
        center=hall.center,
        key="joint_restart_after_correction",
        value=True,
        effective_from=date(2026, 1, 1),
    )
    joint_case = opened(hall, project)
    housing = lane_of(joint_case, project.housing)
    joint_second_procedure(actor=project.housing.chief.user, lane=housing, reason="缺件。", at=at(11, 5))
    joint_correction_receive(actor=hall.clerk.user, joint_case=joint_case, at=at(11, 10))
    # Its whole 10 working days again from Tue 10 Nov (that day counting again): 10 … 23 Nov.
    assert lane_of(joint_case, project.housing).timer.deadline == date(2026, 11, 23)  # type: ignore[union-attr]


# --- R-PAR-10, R-PAR-11: lateness and the final inspection -------------------------------------------------------


def test_r_par_10_r_par_11_a_late_department_is_recorded_and_the_lead_inspects_once_every_opinion_is_in(
    hall: Any, project: Project
) -> None:
    joint_case = opened(hall, project)
    with time_machine.travel(at(11, 10, 1), tick=False):
        timers_sweep(today=date(2026, 11, 10))  # planning's deadline was Mon 9 Nov
    late = JointLateness.objects.get()
    assert (late.department, late.deadline, late.overdue_on, late.responsible) == (
        project.planning.department,
        date(2026, 11, 9),
        date(2026, 11, 10),
        project.planning.chief,
    )
    red = TimerWarning.objects.get(colour="red")
    assert (red.department_id, red.responsible_id) == (
        project.planning.department.pk,
        project.planning.chief.pk,
    )
    with pytest.raises(RuleViolation) as waiting:
        joint_case_inspect(actor=hall.chief.user, joint_case=joint_case, result="同意")
    assert waiting.value.code == "opinions_missing" and "自然资源和规划局" in str(waiting.value.message)
    for co in (project.planning, project.housing, project.environment):
        joint_opinion_give(
            actor=co.chief.user, lane=lane_of(joint_case, co), opinion=Opinion.AGREE, at=at(11, 11)
        )
    joint_case.refresh_from_db()
    assert joint_case.state == JointState.OPINIONS_IN
    with pytest.raises(PermissionDenied):
        joint_case_inspect(actor=project.housing.chief.user, joint_case=joint_case, result="同意")
    inspected = joint_case_inspect(
        actor=hall.chief.user, joint_case=joint_case, result="各部门意见齐全，验收通过。"
    )
    assert inspected.state == JointState.INSPECTED
    assert JointLateness.objects.count() == 1  # recorded once, never rewritten


def test_r_par_11_r_par_3_the_case_is_decided_only_after_the_lead_s_final_inspection(
    hall: Any, project: Project, login: Any
) -> None:
    from django.urls import reverse

    from cases.services.handling import case_decide
    from cases.tests.handling_helpers import authorise

    authorise(hall)
    decide_url = reverse("cases:case_detail", args=[project.case.pk]) + "decide/"

    def decide() -> Any:
        return case_decide(
            actor=hall.chief, case=project.case, approve=True, result_number="外经贸许〔2026〕9号"
        )

    def offered() -> bool:
        with time_machine.travel(at(11, 12), tick=False):
            page = login(hall.chief).get(reverse("cases:case_detail", args=[project.case.pk]))
        assert page.status_code == 200
        return decide_url in page.content.decode()

    with time_machine.travel(at(11, 2, 11), tick=False), pytest.raises(RuleViolation) as not_opened:
        decide()
    assert not_opened.value.rule == "R-PAR-3"
    joint_case = opened(hall, project)
    with time_machine.travel(at(11, 12), tick=False), pytest.raises(RuleViolation) as not_inspected:
        decide()
    assert not_inspected.value.rule == "R-PAR-11" and not offered()
    for co in (project.planning, project.housing, project.environment):
        joint_opinion_give(
            actor=co.chief.user, lane=lane_of(joint_case, co), opinion=Opinion.AGREE, at=at(11, 6)
        )
    joint_case_inspect(actor=hall.chief.user, joint_case=joint_case, result="验收通过。", at=at(11, 9))
    assert offered()
    with time_machine.travel(at(11, 12), tick=False):
        notice = decide()
    project.case.refresh_from_db()
    assert project.case.state == CaseState.APPROVED and notice.number


def test_r_par_9_r_par_10_the_provincial_platform_s_data_and_the_lateness_by_department(
    hall: Any, project: Project
) -> None:
    from ..selectors import lateness_by_department, provincial_export

    joint_case = joint_case_open(
        actor=hall.chief.user, case=project.case, project_code="2611-420000-04-01-000777", at=at(11, 2, 9)
    )
    for co, day in ((project.planning, 2), (project.housing, 3)):
        lane = lane_of(joint_case, co)
        joint_notify(actor=hall.chief.user, lane=lane, at=at(11, day, 9))
        joint_lane_receive(actor=co.chief.user, lane=lane, at=at(11, day, 15))
    joint_opinion_give(
        actor=project.planning.chief.user,
        lane=lane_of(joint_case, project.planning),
        opinion=Opinion.AGREE,
        at=at(11, 12),  # three days late
    )
    data = provincial_export(joint_case)
    assert data["project_code"] == "2611-420000-04-01-000777" and data["case_number"] == project.case.number
    rows = {row["department"]: row for row in data["departments"]}
    assert rows["自然资源和规划局"]["late"] is True and rows["自然资源和规划局"]["deadline"] == "2026-11-09"
    assert rows["住房和城乡建设局"]["opinion"] == "" and rows["生态环境局"]["notified_at"] is None
    assert "applicant_name" not in str(data) and project.case.applicant_id_number not in str(data)
    late = lateness_by_department(hall.center, date(2026, 11, 1), date(2026, 11, 30))
    assert [(row.name, row.late) for row in late] == [("自然资源和规划局", 1)]
    assert lateness_by_department(hall.center, date(2026, 12, 1), date(2026, 12, 31)) == []


def test_r_par_10_r_asm_9_a_late_department_counts_in_its_chief_representative_s_assessment(
    hall: Any, project: Project
) -> None:
    from supervision.selectors.assessment_month import facts_entries

    opened(hall, project)
    with time_machine.travel(at(11, 10, 1), tick=False):
        timers_sweep(today=date(2026, 11, 10))
    facts = facts_entries(hall.center, 2026, 11, today=date(2026, 11, 30))
    late = [f for f in facts.get(project.planning.chief.pk, []) if f.code == "late_case"]
    assert [(f.quantity, f.facts) for f in late] == [(1, [project.case.number])]
    assert not [f for f in facts.get(project.housing.chief.pk, []) if f.code == "late_case"]
