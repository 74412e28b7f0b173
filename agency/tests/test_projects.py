"""A project in scope, confirmed with its team (R-AGT-1, R-AGT-2), its meetings and the tasks windows must take
(R-AGT-3), through the pages where there is one."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from agency import services
from agency.models import (
    AgencyMeeting,
    AgencyProject,
    AgencyScope,
    AgencyTask,
    AgencyTeamMember,
    ProjectState,
    TaskState,
    TeamRole,
)
from common.errors import PermissionDenied, RuleViolation
from common.models import HistoryEntry
from org.models import Role
from org.tests import factories as f

from .helpers import CREDIT_CODE, at, confirmed, propose

pytestmark = pytest.mark.usefixtures("national_calendar")


def _form(**kw: Any) -> dict[str, Any]:
    return {
        "name": "新能源电池生产线项目",
        "enterprise_name": "示范新能源科技有限公司",
        "credit_code": CREDIT_CODE,
        "scope": AgencyScope.DEVELOPMENT_ZONE,
        "designation_number": "",
        "platform_code": "",
        **kw,
    }


# --- R-AGT-1: scope -----------------------------------------------------------------------------------------------


def test_r_agt_1_a_development_zone_project_is_registered_from_the_board(hall: Any, login: Any) -> None:
    client = login(hall.coordination)
    with time_machine.travel(at(4, 1), tick=False):
        response = client.post(reverse("agency:project_propose"), _form(platform_code="2026-330000-01"))
    project = AgencyProject.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("agency:project_detail", args=[project.pk])
    assert (project.state, project.scope, project.credit_code, project.platform_code) == (
        ProjectState.PROPOSED,
        AgencyScope.DEVELOPMENT_ZONE,
        CREDIT_CODE,
        "2026-330000-01",
    )
    assert project.proposed_at == at(4, 1) and project.proposed_by == hall.coordination.user
    assert HistoryEntry.objects.filter(action="agency_project_propose", rule="R-AGT-1").count() == 1
    board = client.get(reverse("agency:board")).content.decode()
    assert "新能源电池生产线项目" in board and "待确认" in board


def test_r_agt_1_a_major_project_needs_the_county_s_designation_and_a_valid_credit_code(
    hall: Any, login: Any
) -> None:
    client = login(hall.director)
    response = client.post(reverse("agency:project_propose"), _form(scope=AgencyScope.MAJOR_PROJECT))
    assert response.status_code == 422
    assert "县委县政府确定的重大项目须填写确定该项目的文件文号。（R-AGT-1）" in response.content.decode()
    response = client.post(reverse("agency:project_propose"), _form(credit_code=CREDIT_CODE[:17] + "0"))
    assert response.status_code == 422
    assert "统一社会信用代码无效。（R-AGT-1）" in response.content.decode()
    assert AgencyProject.objects.count() == 0
    response = client.post(
        reverse("agency:project_propose"),
        _form(scope=AgencyScope.MAJOR_PROJECT, designation_number="示政办〔2026〕12号"),
    )
    assert response.status_code == 302
    assert AgencyProject.objects.get().designation_number == "示政办〔2026〕12号"


def test_r_agt_1_a_project_outside_the_scope_is_refused(hall: Any) -> None:
    with pytest.raises(RuleViolation) as refused:
        propose(hall, scope="ordinary")
    assert (refused.value.rule, refused.value.code) == ("R-AGT-1", "out_of_scope")


def test_r_agt_1_a_window_clerk_does_not_register_and_another_centre_sees_nothing(
    hall: Any, login: Any
) -> None:
    assert login(hall.clerk).post(reverse("agency:project_propose"), _form()).status_code == 403
    project = propose(hall)
    assert login(hall.outsider).get(reverse("agency:project_detail", args=[project.pk])).status_code == 404
    assert AgencyProject.objects.count() == 1


# --- R-AGT-2: the team --------------------------------------------------------------------------------------------


def test_r_agt_2_confirmation_forms_the_team_a_deputy_leads(hall: Any, deputy: Any, login: Any) -> None:
    project = propose(hall)
    with time_machine.travel(at(4, 2), tick=False):
        response = login(hall.director).post(
            reverse("agency:project_confirm", args=[project.pk]),
            {"leader": deputy.pk, "coordination_head": hall.coordination.pk, "windows": [hall.window.pk]},
        )
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.state, project.confirmed_at, project.confirmed_by) == (
        ProjectState.CONFIRMED,
        at(4, 2),
        hall.director.user,
    )
    team = {(m.role, m.staff_id, m.window_id) for m in AgencyTeamMember.objects.filter(project=project)}
    assert team == {
        (TeamRole.LEADER, deputy.pk, None),
        (TeamRole.COORDINATION, hall.coordination.pk, None),
        (TeamRole.CHIEF_REPRESENTATIVE, hall.chief.pk, hall.window.pk),
    }
    page = login(hall.clerk).get(reverse("agency:project_detail", args=[project.pk])).content.decode()
    assert "孙副主任" in page and "牵头分管副主任" in page and "赵首席" in page


def test_r_agt_2_the_leader_must_be_a_deputy_and_the_members_who_the_rule_names(
    hall: Any, deputy: Any, login: Any
) -> None:
    project = propose(hall)
    client = login(hall.director)
    url = reverse("agency:project_confirm", args=[project.pk])
    response = client.post(
        url,
        {
            "leader": hall.supervision.pk,
            "coordination_head": hall.coordination.pk,
            "windows": [hall.window.pk],
        },
    )
    assert response.status_code == 422
    assert (
        "工作专班须由一名分管副主任牵头：周稽查不是本中心的分管副主任。（R-AGT-2）"
        in response.content.decode()
    )
    response = client.post(
        url, {"leader": deputy.pk, "coordination_head": hall.clerk.pk, "windows": [hall.window.pk]}
    )
    assert response.status_code == 422
    assert "王受理不是本中心审批协调科的人员" in response.content.decode()
    # The other window has no chief representative: nobody can represent it.
    response = client.post(
        url,
        {"leader": deputy.pk, "coordination_head": hall.coordination.pk, "windows": [hall.other_window.pk]},
    )
    assert response.status_code == 422
    assert (
        f"窗口{hall.other_window.number}没有在岗的首席代表，不能加入专班。（R-AGT-2）"
        in response.content.decode()
    )
    project.refresh_from_db()
    assert project.state == ProjectState.PROPOSED and not AgencyTeamMember.objects.exists()
    # Who confirms: the director or a deputy, not the coordination section that registered it.
    assert (
        login(hall.coordination)
        .post(
            url, {"leader": deputy.pk, "coordination_head": hall.coordination.pk, "windows": [hall.window.pk]}
        )
        .status_code
        == 403
    )


def test_r_agt_2_only_a_window_s_own_chief_representative_joins_later(
    hall: Any, deputy: Any, login: Any
) -> None:
    project = confirmed(hall, deputy)
    chief_b = f.make_staff(hall.center, window=hall.other_window, name="钱首席")
    f.grant(chief_b.user, hall.center, Role.CHIEF_REPRESENTATIVE, hall.other_window)
    hall.other_window.chief_representative = chief_b
    hall.other_window.save()
    client = login(deputy)
    url = reverse("agency:member_add", args=[project.pk])
    response = client.post(url, {"window": hall.other_window.pk, "staff": hall.other_clerk.pk})
    assert response.status_code == 422
    assert f"孙他窗不是窗口{hall.other_window.number}的首席代表。（R-AGT-2）" in response.content.decode()
    assert client.post(url, {"window": hall.other_window.pk, "staff": chief_b.pk}).status_code == 302
    assert AgencyTeamMember.objects.filter(
        project=project, staff=chief_b, role=TeamRole.CHIEF_REPRESENTATIVE, window=hall.other_window
    ).exists()


# --- R-AGT-3: meetings and tasks ---------------------------------------------------------------------------------


def test_r_agt_3_the_team_meets_at_any_time_and_assigns_a_task_due_in_working_days(
    hall: Any, deputy: Any, login: Any
) -> None:
    project = confirmed(hall, deputy)
    client = login(deputy)
    with time_machine.travel(at(4, 30, 16), tick=False):
        response = client.post(
            reverse("agency:meeting_record", args=[project.pk]),
            {
                "held_at": "2026-04-30T14:30",  # a Thursday afternoon: any time will do
                "place": "二楼会商室",
                "attendees": [deputy.pk, hall.coordination.pk, hall.chief.pk],
                "minutes": "明确环评、规划许可分工。",
            },
        )
        assert response.status_code == 302
        meeting = AgencyMeeting.objects.get()
        response = client.post(
            reverse("agency:task_assign", args=[project.pk]),
            {"window": hall.window.pk, "title": "准备外商投资备案材料", "due_days": 5, "meeting": meeting.pk},
        )
    assert response.status_code == 302
    task = AgencyTask.objects.get()
    # 5 working days after Thursday 30 April 2026: 1–5 May is the Labour Day holiday, Saturday 9 May a working
    # day: 6, 7, 8, 9, 11 May.
    assert (task.due_on, task.state, task.meeting_id, task.window_id) == (
        date(2026, 5, 11),
        TaskState.ASSIGNED,
        meeting.pk,
        hall.window.pk,
    )
    assert set(meeting.attendees.values_list("pk", flat=True)) == {
        deputy.pk,
        hall.coordination.pk,
        hall.chief.pk,
    }


def test_r_agt_3_the_window_must_take_its_task_acknowledged_by_its_head_or_chief(
    hall: Any, deputy: Any, login: Any
) -> None:
    project = confirmed(hall, deputy)
    task = services.agency_task_assign(
        actor=deputy.user, project=project, window=hall.window, title="补齐用地材料", due_days=3, at=at(4, 7)
    )
    url = reverse("agency:task_take", args=[project.pk])
    # Not the window's clerk, not another window's staff, not the team's leader: the window's head or chief.
    for stranger in (hall.clerk, hall.other_clerk, deputy):
        assert login(stranger).post(url, {"task": task.pk}).status_code == 403
    page = login(hall.chief).get(reverse("agency:project_detail", args=[project.pk])).content.decode()
    assert "接收任务" in page and "拒绝" not in page  # there is no refusing
    with time_machine.travel(at(4, 8, 10), tick=False):
        assert login(hall.chief).post(url, {"task": task.pk}).status_code == 302
    task.refresh_from_db()
    assert (task.state, task.taken_by_id, task.taken_at) == (TaskState.TAKEN, hall.chief.pk, at(4, 8, 10))
    assert HistoryEntry.objects.filter(action="agency_task_take", rule="R-AGT-3").count() == 1
    response = login(hall.chief).post(url, {"task": task.pk})
    assert response.status_code == 422 and "该任务已接收。（R-AGT-3）" in response.content.decode()
    finish = reverse("agency:task_finish", args=[project.pk])
    assert login(hall.chief).post(finish, {"task": task.pk, "result": "材料已补齐"}).status_code == 302
    task.refresh_from_db()
    assert (task.state, task.result) == (TaskState.DONE, "材料已补齐")


def test_r_agt_3_only_the_team_assigns_tasks(hall: Any, deputy: Any, login: Any) -> None:
    project = confirmed(hall, deputy)
    other_deputy = f.make_staff(hall.center, name="李副主任")
    f.grant(other_deputy.user, hall.center, Role.DEPUTY)
    data = {"window": hall.window.pk, "title": "x", "due_days": 3}
    url = reverse("agency:task_assign", args=[project.pk])
    assert login(other_deputy).post(url, data).status_code == 403  # a deputy who does not lead this team
    assert login(hall.chief).post(url, data).status_code == 403
    assert AgencyTask.objects.count() == 0
    with pytest.raises(PermissionDenied):
        services.agency_meeting_record(
            actor=hall.supervision.user,
            project=project,
            held_at=at(4, 3),
            place="x",
            minutes="",
            attendees=[deputy],
            at=at(4, 3, 12),
        )
    # A task sent to a window not yet in the team brings its chief representative in (R-AGT-2).
    chief_b = f.make_staff(hall.center, window=hall.other_window, name="钱首席")
    hall.other_window.chief_representative = chief_b
    hall.other_window.save()
    services.agency_task_assign(
        actor=hall.coordination.user,
        project=project,
        window=hall.other_window,
        title="消防设计审查",
        due_days=10,
    )
    assert AgencyTeamMember.objects.filter(project=project, staff=chief_b, window=hall.other_window).exists()
