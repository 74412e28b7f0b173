"""Full agency (全程代办, R-AGT-1 … R-AGT-6): every write, each in its own transaction, each checking who may act.

- **Scope (R-AGT-1).** A project is proposed by the leadership or the coordination section, in one of the two
  scopes (settling in the economic development zone, or a major project designated by the county, with the
  designation document's number), for an enterprise with a valid unified social credit code.
- **Team (R-AGT-2).** The director or a deputy confirms it and forms its team: the leader holds the deputy
  director role, the coordination section's head holds the coordination role, and each window involved is
  represented by its own chief representative. Anyone else is refused.
- **Meetings and tasks (R-AGT-3).** The team's leader, the coordination section or the director records a
  meeting and assigns tasks to windows with a limit in working days, on a working-day timer (yellow, then red,
  like every limit of the centre). The window must take its task: its head or chief representative acknowledges
  it (there is no refusing), then reports it done, which finishes the timer. The hand-over finishes the timers
  of the tasks still open: nothing is done for the project after it.
- **Licences (R-AGT-4).** Each licence moves one stage at a time from gathering materials through the joint
  review (集中会审, the team's act) to issuance (with its number and date); going back needs a reason. Every
  change is kept in the licence's stage log.
- **Hand-over (R-AGT-5).** Once every licence is issued, the register is signed by the centre's staff member in
  their own login and by the enterprise's recipient; the project is then handed over, and closed afterwards.
- **Delays (R-AGT-6).** The team's leader, a deputy, the coordination section or the director records a delay
  caused by a member or a window involved, and the date it was reported to the discipline authority. A task whose
  timer runs out is recorded by the system as its window's delay (逾期), once, on the day it falls overdue (the
  daily sweep, or the window finishing it late); `workdays.hooks` asks this module through the functions at its
  end, registered in `AgencyConfig.ready`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import PermissionDenied, RuleViolation
from common.history import record
from common.identifiers import credit_code_problem, looks_like_resident_id, resident_id_problem
from org.access import has_role, may_act, roles_at
from org.models import Center, Role, StaffProfile, Window
from workdays import hooks
from workdays.models import Timer, TimerKind, TimerState
from workdays.selectors import yellow_days_for
from workdays.timers import timer_finish, timer_start

from .models import (
    STAGE_ORDER,
    AgencyDelay,
    AgencyLicence,
    AgencyMeeting,
    AgencyProject,
    AgencyScope,
    AgencyTask,
    AgencyTeamMember,
    DelayKind,
    HandOver,
    HandOverRow,
    LicenceStage,
    LicenceStageChange,
    ProjectState,
    TaskState,
    TeamRole,
    mask_id_number,
)

# Who may propose a project (R-AGT-1), confirm it and form its team (R-AGT-2), act for the team (R-AGT-3 …
# R-AGT-5: the project's leader, the coordination section, the director), record a delay (R-AGT-6).
CAN_PROPOSE = frozenset({Role.DIRECTOR, Role.DEPUTY, Role.COORDINATION})
CAN_CONFIRM = frozenset({Role.DIRECTOR, Role.DEPUTY})
CAN_ACT_FOR_TEAM = frozenset({Role.DIRECTOR, Role.DEPUTY, Role.COORDINATION})
CAN_RECORD_DELAY = CAN_ACT_FOR_TEAM
MAX_DUE_DAYS = 250
# The stages only the team moves a licence into: the joint review and the submission that follows it.
TEAM_STAGES = frozenset({LicenceStage.JOINT_REVIEW, LicenceStage.SUBMITTED})


def _now(at: datetime | None) -> datetime:
    return at or timezone.now()


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _profile(actor: Any) -> StaffProfile | None:
    if not getattr(actor, "is_authenticated", False):
        return None
    return getattr(actor, "staff_profile", None)


def _text(value: str | None, limit: int) -> str:
    return (value or "").strip()[:limit]


def _locked(project: AgencyProject) -> AgencyProject:
    return AgencyProject.objects.select_for_update().select_related("center").get(pk=project.pk)


def _is_staff_of(center: Center, staff: StaffProfile | None) -> bool:
    return staff is not None and staff.center_id == center.pk and staff.is_active


# --- who acts for the team ---------------------------------------------------------------------------------------


def leader_of(project: AgencyProject) -> StaffProfile | None:
    member = (
        AgencyTeamMember.objects.filter(project=project, role=TeamRole.LEADER).select_related("staff").first()
    )
    return member.staff if member is not None else None


def may_act_for_team(actor: Any, project: AgencyProject) -> bool:
    """Whether `actor` acts for the project's team: the director, the coordination section, or the deputy who
    leads this project's team (the system itself always)."""
    if actor is None:
        return True
    roles = roles_at(actor, project.center)
    if roles & {Role.DIRECTOR, Role.COORDINATION}:
        return True
    profile = _profile(actor)
    return (
        Role.DEPUTY in roles
        and profile is not None
        and AgencyTeamMember.objects.filter(project=project, role=TeamRole.LEADER, staff=profile).exists()
    )


def _require_team(actor: Any, project: AgencyProject) -> None:
    may_act(actor, project.center, CAN_ACT_FOR_TEAM)
    if not may_act_for_team(actor, project):
        raise PermissionDenied(_("只有本项目专班的牵头副主任、审批协调科或中心主任可以办理。"))


def leads_window(actor: Any, window: Window) -> bool:
    """Whether `actor` is `window`'s head or chief representative."""
    profile = _profile(actor)
    return profile is not None and profile.pk in {window.head_id, window.chief_representative_id}


def _require_open(project: AgencyProject, rule: str) -> None:
    if project.state != ProjectState.CONFIRMED:
        raise RuleViolation(
            rule,
            _("项目“%(name)s”当前为“%(state)s”，不能办理。")
            % {"name": project.name, "state": project.get_state_display()},
            code="not_open",
        )


# --- R-AGT-1: the project -----------------------------------------------------------------------------------------


@transaction.atomic
def agency_project_propose(
    *,
    actor: Any,
    center: Center,
    name: str,
    enterprise_name: str,
    credit_code: str,
    scope: str,
    designation_number: str = "",
    platform_code: str = "",
    at: datetime | None = None,
) -> AgencyProject:
    """Register a project for full agency, in scope (R-AGT-1)."""
    may_act(actor, center, CAN_PROPOSE)
    name, enterprise_name = _text(name, 200), _text(enterprise_name, 200)
    credit_code = _text(credit_code, 40).upper()
    designation_number, platform_code = _text(designation_number, 60), _text(platform_code, 60)
    if not name:
        raise RuleViolation("R-AGT-1", _("请填写项目名称。"), field="name", code="no_name")
    if not enterprise_name:
        raise RuleViolation("R-AGT-1", _("请填写企业名称。"), field="enterprise_name", code="no_enterprise")
    if scope not in AgencyScope.values:
        raise RuleViolation(
            "R-AGT-1",
            _("全程代办限于落户本县经济开发区的投资项目和县委县政府确定的重大项目。"),
            field="scope",
            code="out_of_scope",
        )
    if scope == AgencyScope.MAJOR_PROJECT and not designation_number:
        raise RuleViolation(
            "R-AGT-1",
            _("县委县政府确定的重大项目须填写确定该项目的文件文号。"),
            field="designation_number",
            code="no_designation",
        )
    if credit_code_problem(credit_code) is not None:
        raise RuleViolation(
            "R-AGT-1", _("统一社会信用代码无效。"), field="credit_code", code="bad_credit_code"
        )
    project = AgencyProject.objects.create(
        center=center,
        name=name,
        enterprise_name=enterprise_name,
        credit_code=credit_code,
        scope=scope,
        designation_number=designation_number if scope == AgencyScope.MAJOR_PROJECT else "",
        platform_code=platform_code,
        proposed_at=_now(at),
        proposed_by=_user(actor),
    )
    record(
        subject=project,
        action="agency_project_propose",
        actor=actor,
        changes={"scope": scope, "enterprise": enterprise_name, "credit_code": credit_code},
        rule="R-AGT-1",
    )
    return project


# --- R-AGT-2: the team ------------------------------------------------------------------------------------------


def _check_leader(center: Center, leader: StaffProfile) -> None:
    if (
        not _is_staff_of(center, leader)
        or leader.user is None
        or not has_role(leader.user, center, {Role.DEPUTY})
    ):
        raise RuleViolation(
            "R-AGT-2",
            _("工作专班须由一名分管副主任牵头：%(name)s不是本中心的分管副主任。") % {"name": leader.name},
            field="leader",
            code="leader_not_deputy",
        )


def _check_coordination(center: Center, staff: StaffProfile) -> None:
    if (
        not _is_staff_of(center, staff)
        or staff.user is None
        or not has_role(staff.user, center, {Role.COORDINATION})
    ):
        raise RuleViolation(
            "R-AGT-2",
            _("%(name)s不是本中心审批协调科的人员，不能作为协调科负责人加入专班。") % {"name": staff.name},
            field="coordination_head",
            code="not_coordination",
        )


def _chief_of(center: Center, window: Window) -> StaffProfile:
    chief = window.chief_representative
    if window.center_id != center.pk or not window.is_active:
        raise RuleViolation(
            "R-AGT-2", _("窗口%(n)s不属于本中心。") % {"n": window.number}, field="window", code="window"
        )
    if chief is None or not _is_staff_of(center, chief):
        raise RuleViolation(
            "R-AGT-2",
            _("窗口%(n)s没有在岗的首席代表，不能加入专班。") % {"n": window.number},
            field="window",
            code="no_chief_representative",
        )
    return chief


def _add_chief(project: AgencyProject, window: Window, now: datetime) -> AgencyTeamMember | None:
    """Add `window`'s chief representative to the team unless they already represent it there."""
    chief = _chief_of(project.center, window)
    if AgencyTeamMember.objects.filter(project=project, staff=chief, window=window).exists():
        return None
    return AgencyTeamMember.objects.create(
        project=project, staff=chief, role=TeamRole.CHIEF_REPRESENTATIVE, window=window, added_at=now
    )


@transaction.atomic
def agency_project_confirm(
    *,
    actor: Any,
    project: AgencyProject,
    leader: StaffProfile,
    coordination_head: StaffProfile,
    windows: Iterable[Window],
    at: datetime | None = None,
) -> AgencyProject:
    """Confirm the project and form its team (R-AGT-2): `leader` a deputy director, `coordination_head` of the
    coordination section, and the chief representatives of `windows`."""
    project = _locked(project)
    center = project.center
    may_act(actor, center, CAN_CONFIRM)
    if project.state != ProjectState.PROPOSED:
        raise RuleViolation("R-AGT-2", _("该项目已确认。"), code="already_confirmed")
    _check_leader(center, leader)
    _check_coordination(center, coordination_head)
    windows = list(windows)
    if not windows:
        raise RuleViolation(
            "R-AGT-2", _("请选择项目涉及的窗口，其首席代表为专班成员。"), field="windows", code="no_windows"
        )
    chiefs = [(window, _chief_of(center, window)) for window in windows]
    now = _now(at)
    AgencyTeamMember.objects.create(project=project, staff=leader, role=TeamRole.LEADER, added_at=now)
    AgencyTeamMember.objects.create(
        project=project, staff=coordination_head, role=TeamRole.COORDINATION, added_at=now
    )
    for window, _chief in chiefs:
        _add_chief(project, window, now)
    project.state = ProjectState.CONFIRMED
    project.confirmed_at = now
    project.confirmed_by = _user(actor)
    project.save(update_fields=["state", "confirmed_at", "confirmed_by"])
    record(
        subject=project,
        action="agency_project_confirm",
        actor=actor,
        changes={
            "leader": leader.name,
            "coordination_head": coordination_head.name,
            "chief_representatives": [f"{w.number} {c.name}" for w, c in chiefs],
        },
        rule="R-AGT-2",
    )
    return project


@transaction.atomic
def agency_member_add(
    *,
    actor: Any,
    project: AgencyProject,
    staff: StaffProfile,
    window: Window,
    at: datetime | None = None,
) -> AgencyTeamMember:
    """Add the chief representative of a window newly involved (R-AGT-2). Nobody else joins the team."""
    project = _locked(project)
    _require_team(actor, project)
    _require_open(project, "R-AGT-2")
    if window.chief_representative_id != staff.pk:
        raise RuleViolation(
            "R-AGT-2",
            _("专班成员限于分管副主任、审批协调科负责人和相关窗口首席代表：%(name)s不是窗口%(n)s的首席代表。")
            % {"name": staff.name, "n": window.number},
            field="staff",
            code="not_chief_representative",
        )
    member = _add_chief(project, window, _now(at))
    if member is None:
        raise RuleViolation(
            "R-AGT-2", _("%(name)s已是专班成员。") % {"name": staff.name}, field="staff", code="already"
        )
    record(
        subject=project,
        action="agency_member_add",
        actor=actor,
        changes={"member": staff.name, "window": window.number},
        rule="R-AGT-2",
    )
    return member


# --- R-AGT-3: meetings and tasks --------------------------------------------------------------------------------


@transaction.atomic
def agency_meeting_record(
    *,
    actor: Any,
    project: AgencyProject,
    held_at: datetime,
    place: str,
    minutes: str,
    attendees: Iterable[StaffProfile],
    at: datetime | None = None,
) -> AgencyMeeting:
    """Record a joint meeting of the team, held at any time (R-AGT-3)."""
    project = _locked(project)
    _require_team(actor, project)
    _require_open(project, "R-AGT-3")
    now = _now(at)
    place = _text(place, 200)
    people = [p for p in attendees if p.center_id == project.center_id]
    if held_at > now:
        raise RuleViolation("R-AGT-3", _("开会时间不能晚于现在。"), field="held_at", code="future")
    if project.confirmed_at is not None and held_at < project.confirmed_at:
        raise RuleViolation(
            "R-AGT-3", _("开会时间早于项目确认时间。"), field="held_at", code="before_confirm"
        )
    if not place:
        raise RuleViolation("R-AGT-3", _("请填写开会地点。"), field="place", code="no_place")
    if not people:
        raise RuleViolation("R-AGT-3", _("请选择参会人员。"), field="attendees", code="no_attendees")
    meeting = AgencyMeeting.objects.create(
        center=project.center,
        project=project,
        held_at=held_at,
        place=place,
        minutes=_text(minutes, 20000),
        recorded_at=now,
        recorded_by=_user(actor),
    )
    meeting.attendees.set(people)
    record(
        subject=project,
        action="agency_meeting_record",
        actor=actor,
        changes={"held_at": held_at, "place": place, "attendees": len(people)},
        rule="R-AGT-3",
    )
    return meeting


@transaction.atomic
def agency_task_assign(
    *,
    actor: Any,
    project: AgencyProject,
    window: Window,
    title: str,
    due_days: int,
    meeting: AgencyMeeting | None = None,
    at: datetime | None = None,
) -> AgencyTask:
    """Assign a task to a window, due `due_days` working days later (R-AGT-3). The window's chief representative
    joins the team when not yet in it (R-AGT-2)."""
    project = _locked(project)
    _require_team(actor, project)
    _require_open(project, "R-AGT-3")
    title = _text(title, 300)
    if not title:
        raise RuleViolation("R-AGT-3", _("请填写任务内容。"), field="title", code="no_title")
    if not 1 <= due_days <= MAX_DUE_DAYS:
        raise RuleViolation(
            "R-AGT-3",
            _("办理时限为1至%(n)s个工作日。") % {"n": MAX_DUE_DAYS},
            field="due_days",
            code="due_days",
        )
    if meeting is not None and meeting.project_id != project.pk:
        raise RuleViolation("R-AGT-3", _("该会议不属于本项目。"), field="meeting", code="meeting")
    now = _now(at)
    today = timezone.localdate(now)
    center = project.center
    _add_chief(project, window, now)
    task = AgencyTask(
        center=center,
        project=project,
        meeting=meeting,
        window=window,
        title=title,
        due_days=due_days,
        assigned_at=now,
        assigned_by=_user(actor),
    )
    task.due_on = today  # until the timer, started on the task's key, gives the deadline
    task.save()
    task.timer = timer_start(
        center=center,
        kind=TimerKind.AGENCY_TASK,
        subject_id=task.pk,
        started_on=today,
        budget_days=due_days,
        yellow_days=yellow_days_for(center=center, limit_days=due_days, on=today),
    )
    assert task.timer.deadline is not None
    task.due_on = task.timer.deadline
    task.save(update_fields=["timer", "due_on"])
    record(
        subject=project,
        action="agency_task_assign",
        actor=actor,
        changes={"task": title, "window": window.number, "due_on": task.due_on},
        rule="R-AGT-3",
    )
    return task


def _locked_task(task: AgencyTask) -> AgencyTask:
    return (
        AgencyTask.objects.select_for_update(of=("self",))
        .select_related("project__center", "window", "center", "timer")
        .get(pk=task.pk)
    )


def _require_window_lead(actor: Any, task: AgencyTask) -> None:
    if actor is None:
        return
    may_act(actor, task.center, set(Role))
    if not leads_window(actor, task.window):
        raise PermissionDenied(
            _("代办任务由承办窗口%(n)s的负责人或首席代表接收和办理。") % {"n": task.window.number}
        )


@transaction.atomic
def agency_task_take(*, actor: Any, task: AgencyTask, at: datetime | None = None) -> AgencyTask:
    """The window takes its task (R-AGT-3): its head or chief representative acknowledges it. A task is never
    refused: this is the window's only answer to it."""
    task = _locked_task(task)
    _require_window_lead(actor, task)
    _require_open(task.project, "R-AGT-3")
    if task.state != TaskState.ASSIGNED:
        raise RuleViolation("R-AGT-3", _("该任务已接收。"), code="already_taken")
    task.state = TaskState.TAKEN
    task.taken_at = _now(at)
    task.taken_by = _profile(actor) or task.window.chief_representative or task.window.head
    task.save(update_fields=["state", "taken_at", "taken_by"])
    record(
        subject=task.project,
        action="agency_task_take",
        actor=actor,
        changes={"task": task.title, "window": task.window.number},
        rule="R-AGT-3",
    )
    return task


@transaction.atomic
def agency_task_finish(
    *, actor: Any, task: AgencyTask, result: str, at: datetime | None = None
) -> AgencyTask:
    """The window reports its task done, with the result (R-AGT-3)."""
    task = _locked_task(task)
    _require_window_lead(actor, task)
    _require_open(task.project, "R-AGT-3")
    if task.state != TaskState.TAKEN:
        raise RuleViolation("R-AGT-3", _("任务须先接收，才能报告完成。"), code="not_taken")
    result = _text(result, 5000)
    if not result:
        raise RuleViolation("R-AGT-3", _("请填写办理结果。"), field="result", code="no_result")
    now = _now(at)
    today = timezone.localdate(now)
    late = today > task.due_on
    task.state = TaskState.DONE
    task.done_at = now
    task.result = result
    task.save(update_fields=["state", "done_at", "result"])
    if task.timer is not None and task.timer.state != TimerState.FINISHED:
        # Finished after its deadline and not yet swept: the timer's owner records the delay now.
        timer_finish(timer=task.timer, on=today)
    record(
        subject=task.project,
        action="agency_task_finish",
        actor=actor,
        changes={"task": task.title, "window": task.window.number, "late": late},
        rule="R-AGT-3",
    )
    return task


# --- R-AGT-4: licences --------------------------------------------------------------------------------------------


@transaction.atomic
def agency_licence_add(
    *,
    actor: Any,
    project: AgencyProject,
    name: str,
    window: Window,
    item: Any = None,
    case: Any = None,
    at: datetime | None = None,
) -> AgencyLicence:
    """List a licence the project needs, issued through `window` (R-AGT-4)."""
    project = _locked(project)
    _require_team(actor, project)
    _require_open(project, "R-AGT-4")
    name = _text(name, 200)
    if not name:
        raise RuleViolation("R-AGT-4", _("请填写证照名称。"), field="name", code="no_name")
    if window.center_id != project.center_id:
        raise RuleViolation("R-AGT-4", _("窗口不属于本中心。"), field="window", code="window")
    for linked, field in ((item, "item"), (case, "case")):
        if linked is not None and linked.center_id != project.center_id:
            raise RuleViolation("R-AGT-4", _("所选事项或办件不属于本中心。"), field=field, code=field)
    if AgencyLicence.objects.filter(project=project, name=name, window=window).exists():
        raise RuleViolation("R-AGT-4", _("该证照已列入。"), field="name", code="duplicate")
    now = _now(at)
    _add_chief(project, window, now)
    licence = AgencyLicence.objects.create(
        center=project.center,
        project=project,
        name=name,
        window=window,
        item=item,
        case=case,
        stage=LicenceStage.GATHERING,
        stage_changed_at=now,
        listed_at=now,
    )
    LicenceStageChange.objects.create(
        licence=licence, from_stage="", to_stage=LicenceStage.GATHERING, at=now, actor=_user(actor)
    )
    record(
        subject=project,
        action="agency_licence_add",
        actor=actor,
        changes={"licence": name, "window": window.number},
        rule="R-AGT-4",
    )
    return licence


@transaction.atomic
def agency_licence_move(
    *,
    actor: Any,
    licence: AgencyLicence,
    to_stage: str,
    reason: str = "",
    licence_number: str = "",
    issued_on: date | None = None,
    at: datetime | None = None,
) -> AgencyLicence:
    """Move a licence to `to_stage` (R-AGT-4): forward one stage at a time, back with a reason. The joint review
    and the submission after it are the team's; the other steps also the issuing window's head or chief
    representative. Issuance carries the licence's number and date."""
    licence = (
        AgencyLicence.objects.select_for_update()
        .select_related("project__center", "window", "center")
        .get(pk=licence.pk)
    )
    project = licence.project
    if to_stage not in STAGE_ORDER:
        raise RuleViolation("R-AGT-4", _("未知的办理进度。"), field="to_stage", code="stage")
    forward = STAGE_ORDER.index(to_stage) > licence.stage_index
    # Into the joint review and the submission after it, or back out of them: the team's.
    team_step = to_stage in TEAM_STAGES or (not forward and licence.stage in TEAM_STAGES)
    if actor is not None:
        may_act(actor, licence.center, set(Role))
        if not may_act_for_team(actor, project) and (team_step or not leads_window(actor, licence.window)):
            raise PermissionDenied(
                _("集中会审和报办由专班办理；其他进度由专班或办理窗口的负责人、首席代表更新。")
            )
    _require_open(project, "R-AGT-4")
    reason = _text(reason, 300)
    if to_stage == licence.stage:
        raise RuleViolation("R-AGT-4", _("证照已处于该进度。"), field="to_stage", code="same")
    if forward and STAGE_ORDER.index(to_stage) != licence.stage_index + 1:
        raise RuleViolation(
            "R-AGT-4",
            _("证照进度须逐步推进：下一步是“%(next)s”。")
            % {"next": LicenceStage(STAGE_ORDER[licence.stage_index + 1]).label},
            field="to_stage",
            code="skip",
        )
    if not forward and not reason:
        raise RuleViolation(
            "R-AGT-4", _("退回以前的进度须说明原因。"), field="reason", code="back_without_reason"
        )
    now = _now(at)
    fields = ["stage", "stage_changed_at"]
    if to_stage == LicenceStage.ISSUED:
        licence_number = _text(licence_number, 100)
        if not licence_number or issued_on is None:
            raise RuleViolation(
                "R-AGT-4", _("发证须填写证照编号和发证日期。"), field="licence_number", code="no_number"
            )
        if issued_on > timezone.localdate(now):
            raise RuleViolation("R-AGT-4", _("发证日期不能晚于今天。"), field="issued_on", code="future")
        licence.licence_number, licence.issued_on = licence_number, issued_on
        fields += ["licence_number", "issued_on"]
    elif licence.stage == LicenceStage.ISSUED:
        licence.licence_number, licence.issued_on = "", None
        fields += ["licence_number", "issued_on"]
    LicenceStageChange.objects.create(
        licence=licence,
        from_stage=licence.stage,
        to_stage=to_stage,
        at=now,
        actor=_user(actor),
        reason=reason,
    )
    before = licence.stage
    licence.stage, licence.stage_changed_at = to_stage, now
    licence.save(update_fields=fields)
    record(
        subject=project,
        action="agency_licence_move",
        actor=actor,
        changes={"licence": licence.name, "stage": [before, to_stage], "number": licence.licence_number},
        reason=reason,
        rule="R-AGT-4",
    )
    return licence


# --- R-AGT-5: the hand-over ---------------------------------------------------------------------------------------


@transaction.atomic
def handover_sign(
    *,
    actor: Any,
    project: AgencyProject,
    recipient_name: str,
    recipient_id_number: str,
    note: str = "",
    signer: StaffProfile | None = None,
    at: datetime | None = None,
) -> HandOver:
    """Hand every issued licence over to the enterprise (R-AGT-5): the register lists each, signed by the
    centre's staff member in their own login (`signer` only for the system itself) and by the enterprise's
    recipient. Only when every licence is issued."""
    project = _locked(project)
    _require_team(actor, project)
    _require_open(project, "R-AGT-5")
    staff = _profile(actor) if actor is not None else signer
    if staff is None or staff.center_id != project.center_id:
        raise PermissionDenied(_("移交人须以本人账号签字。"))
    licences = list(AgencyLicence.objects.filter(project=project).select_related("window__department"))
    if not licences:
        raise RuleViolation("R-AGT-5", _("该项目尚未列入任何证照。"), code="no_licences")
    pending = [lic.name for lic in licences if lic.stage != LicenceStage.ISSUED]
    if pending:
        raise RuleViolation(
            "R-AGT-5",
            _("证照全部办齐后方可移交，尚未发证：%(names)s。") % {"names": "、".join(pending)},
            code="not_all_issued",
        )
    recipient_name = _text(recipient_name, 40)
    recipient_id_number = _text(recipient_id_number, 18).upper()
    if not recipient_name:
        raise RuleViolation(
            "R-AGT-5", _("请填写企业接收人姓名。"), field="recipient_name", code="no_recipient"
        )
    if not recipient_id_number or (
        looks_like_resident_id(recipient_id_number) and resident_id_problem(recipient_id_number) is not None
    ):
        raise RuleViolation(
            "R-AGT-5", _("接收人身份证号无效。"), field="recipient_id_number", code="bad_id_number"
        )
    now = _now(at)
    _finish_open_timers(project, timezone.localdate(now))
    hand_over = HandOver.objects.create(
        center=project.center,
        project=project,
        signed_by=staff,
        recipient_name=recipient_name,
        recipient_id_number=recipient_id_number,
        signed_at=now,
        note=_text(note, 300),
    )
    HandOverRow.objects.bulk_create(
        [
            HandOverRow(
                hand_over=hand_over,
                licence=lic,
                name=lic.name,
                licence_number=lic.licence_number,
                issued_on=lic.issued_on or now.date(),
                issuer=lic.window.department.name,
            )
            for lic in licences
        ]
    )
    project.state = ProjectState.HANDED_OVER
    project.save(update_fields=["state"])
    record(
        subject=project,
        action="handover_sign",
        actor=actor,
        changes={
            "licences": len(licences),
            "signed_by": staff.name,
            "recipient": recipient_name,
            "recipient_id": mask_id_number(recipient_id_number),
        },
        rule="R-AGT-5",
    )
    return hand_over


def _finish_open_timers(project: AgencyProject, on: date) -> None:
    """The timers of the tasks still open when the licences are handed over stop for good (a task finished late
    is recorded as the window's delay first, while the project is still in progress)."""
    timers = Timer.objects.select_for_update().filter(
        kind=TimerKind.AGENCY_TASK,
        subject_id__in=AgencyTask.objects.filter(project=project).exclude(state=TaskState.DONE).values("pk"),
    )
    for timer in timers.exclude(state=TimerState.FINISHED).order_by("pk"):
        timer_finish(timer=timer, on=on)


@transaction.atomic
def agency_project_close(*, actor: Any, project: AgencyProject, at: datetime | None = None) -> AgencyProject:
    """Close a project whose licences were handed over (R-AGT-5)."""
    project = _locked(project)
    _require_team(actor, project)
    if project.state != ProjectState.HANDED_OVER:
        raise RuleViolation("R-AGT-5", _("证照移交后方可办结项目。"), code="not_handed_over")
    project.state = ProjectState.CLOSED
    project.closed_at = _now(at)
    project.save(update_fields=["state", "closed_at"])
    record(subject=project, action="agency_project_close", actor=actor, rule="R-AGT-5")
    return project


# --- R-AGT-6: delays ------------------------------------------------------------------------------------------


def windows_involved(project: AgencyProject) -> set[int]:
    """The windows the project involves: those its chief representatives represent, its tasks and licences go
    to."""
    return (
        set(
            AgencyTeamMember.objects.filter(project=project, window__isnull=False).values_list(
                "window_id", flat=True
            )
        )
        | set(AgencyTask.objects.filter(project=project).values_list("window_id", flat=True))
        | set(AgencyLicence.objects.filter(project=project).values_list("window_id", flat=True))
    )


@transaction.atomic
def agency_delay_record(
    *,
    actor: Any,
    project: AgencyProject,
    kind: str,
    description: str,
    member: StaffProfile | None = None,
    window: Window | None = None,
    task: AgencyTask | None = None,
    at: datetime | None = None,
) -> AgencyDelay:
    """Record a delay caused by a team member or a window involved (推诿、敷衍、逾期) for the discipline authority
    (R-AGT-6)."""
    project = _locked(project)
    may_act(actor, project.center, CAN_RECORD_DELAY)
    if actor is not None and not (
        may_act_for_team(actor, project) or has_role(actor, project.center, {Role.DEPUTY})
    ):
        raise PermissionDenied(_("延误由分管副主任、审批协调科或中心主任登记。"))
    if project.state == ProjectState.PROPOSED:
        raise RuleViolation("R-AGT-6", _("项目尚未确认。"), code="not_confirmed")
    if kind not in DelayKind.values:
        raise RuleViolation("R-AGT-6", _("请选择延误情形。"), field="kind", code="kind")
    description = _text(description, 5000)
    if not description:
        raise RuleViolation("R-AGT-6", _("请说明延误情况。"), field="description", code="no_description")
    if member is None and window is None:
        raise RuleViolation(
            "R-AGT-6", _("请指明造成延误的专班成员或窗口。"), field="member", code="no_culprit"
        )
    if member is not None and not AgencyTeamMember.objects.filter(project=project, staff=member).exists():
        raise RuleViolation(
            "R-AGT-6",
            _("%(name)s不是本项目专班成员。") % {"name": member.name},
            field="member",
            code="not_member",
        )
    if window is not None and window.pk not in windows_involved(project):
        raise RuleViolation(
            "R-AGT-6",
            _("窗口%(n)s未参与本项目。") % {"n": window.number},
            field="window",
            code="window_not_involved",
        )
    if task is not None and task.project_id != project.pk:
        raise RuleViolation("R-AGT-6", _("该任务不属于本项目。"), field="task", code="task")
    delay = AgencyDelay.objects.create(
        center=project.center,
        project=project,
        kind=kind,
        member=member,
        window=window,
        task=task,
        description=description,
        recorded_at=_now(at),
        recorded_by=_user(actor),
    )
    record(
        subject=project,
        action="agency_delay_record",
        actor=actor,
        changes={
            "kind": kind,
            "member": member.name if member else "",
            "window": window.number if window else "",
        },
        rule="R-AGT-6",
    )
    return delay


@transaction.atomic
def agency_delay_report(
    *, actor: Any, delay: AgencyDelay, reported_on: date, at: datetime | None = None
) -> AgencyDelay:
    """Record the day the delay was reported to the discipline authority (R-AGT-6), once."""
    delay = (
        AgencyDelay.objects.select_for_update().select_related("project__center", "center").get(pk=delay.pk)
    )
    may_act(actor, delay.center, CAN_RECORD_DELAY)
    if actor is not None and not (
        may_act_for_team(actor, delay.project) or has_role(actor, delay.center, {Role.DEPUTY})
    ):
        raise PermissionDenied(_("延误由分管副主任、审批协调科或中心主任登记。"))
    if delay.reported_on is not None:
        raise RuleViolation("R-AGT-6", _("已登记报送日期。"), code="already_reported")
    if reported_on > timezone.localdate(_now(at)) or reported_on < timezone.localdate(delay.recorded_at):
        raise RuleViolation(
            "R-AGT-6", _("报送日期须在登记之日与今天之间。"), field="reported_on", code="reported_on"
        )
    delay.reported_on = reported_on
    delay.save(update_fields=["reported_on"])
    record(
        subject=delay.project,
        action="agency_delay_report",
        actor=actor,
        changes={"delay": delay.pk, "reported_on": reported_on},
        rule="R-AGT-6",
    )
    return delay


# --- the task's timer (workdays.hooks) --------------------------------------------------------------------------


def _task_of(timer: Timer) -> AgencyTask | None:
    return (
        AgencyTask.objects.select_related("project", "window", "taken_by").filter(pk=timer.subject_id).first()
    )


def _answers_for(task: AgencyTask) -> StaffProfile | None:
    """Who answers for a task: the window's head or chief representative who took it, else the window's head."""
    if task.taken_by is not None:
        return task.taken_by
    return task.window.head if task.window.head_id is not None else None


def agency_task_responsible(timer: Timer, *, on: date) -> hooks.Responsible:
    """Who answers for a task's timer in the warning records (R-DATA-3): its window, and the head or chief
    representative who took it (the window's head while it is not taken)."""
    task = _task_of(timer)
    if task is None:
        return hooks.Responsible()
    person = _answers_for(task)
    label = _("全程代办：%(title)s") % {"title": task.title}
    return hooks.Responsible(
        label=label[:100],
        department_id=task.window.department_id,
        staff_id=person.pk if person is not None else None,
    )


def agency_task_overdue_record(timer: Timer) -> None:
    """A task's timer ran out (R-AGT-3): its window's delay (逾期) is recorded for the discipline authority
    (R-AGT-6), once per task, naming the team member who answers for it when they are on the team. Nothing is
    recorded for a project no longer in progress."""
    task = _task_of(timer)
    if task is None or task.project.state != ProjectState.CONFIRMED:
        return
    if AgencyDelay.objects.filter(task=task, kind=DelayKind.OVERDUE).exists():
        return
    person = _answers_for(task)
    member = (
        person
        if person is not None and AgencyTeamMember.objects.filter(project=task.project, staff=person).exists()
        else None
    )
    delay = AgencyDelay.objects.create(
        center_id=task.center_id,
        project=task.project,
        kind=DelayKind.OVERDUE,
        member=member,
        window=task.window,
        task=task,
        description=_("代办任务“%(title)s”超过办理时限（期限%(deadline)s）未完成，由系统登记。")
        % {"title": task.title, "deadline": timer.deadline},
        recorded_at=timezone.now(),
        recorded_by=None,
    )
    record(
        subject=task.project,
        action="agency_task_overdue",
        actor=None,
        changes={
            "task": task.title,
            "window": task.window.number,
            "deadline": timer.deadline,
            "delay": delay.pk,
            "member": member.name if member is not None else "",
        },
        rule="R-AGT-6",
    )


def agency_task_timer_recomputed(timer: Timer, *, old: dict[str, Any], reason: str) -> None:
    """The calendar moved a task's deadline (R-CLK-3): `due_on` follows it, and the project's history says so."""
    task = _task_of(timer)
    if task is None or timer.deadline is None or timer.deadline == task.due_on:
        return
    before = task.due_on
    task.due_on = timer.deadline
    task.save(update_fields=["due_on"])
    record(
        subject=task.project,
        action="agency_task_deadline_moved",
        actor=None,
        changes={"task": task.title, "due_on": [before, task.due_on]},
        reason=reason,
        rule="R-AGT-3",
    )
