"""Every write of joint approval (R-PAR-1 … R-PAR-5, R-PAR-8 … R-PAR-11). Each service takes keyword arguments,
owns its transaction, checks who may act (the same check for the pages, the API and the commands) and cites its
rule; `at=` plays a history through the services (the demo), the pages never pass it.

Who does what:

| step | who | rule |
|---|---|---|
| publish the flow-and-limits table, designating the lead | the coordination section or the director; a later version also the lead's chief representative or window head | R-PAR-1, R-PAR-2 |
| open the joint case on the accepted case, naming the involved departments | the lead's chief representative or window head | R-PAR-3 |
| send a department its notification (抄告单) | the lead's chief representative or window head | R-PAR-4 |
| receive it (the department's clock starts) | the department's staff at its window | R-PAR-4 |
| give the opinion, with the leaders who signed inside the department; report a matter up | the department's chief representative or window head | R-PAR-5 |
| give the written reason of missing materials (its clock and those of the departments it names stop) | the department's chief representative or window head | R-PAR-8 |
| receive the applicant's one correction (the stopped clocks run on, or start again) | the lead's staff | R-PAR-8 |
| the final inspection, once every opinion is in | the lead's chief representative or window head | R-PAR-11 |

A department whose clock runs out is recorded once (`JointLateness`, with its window's chief representative then)
by the timer's owner hook, registered in `joint/apps.py` (R-PAR-10).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, CaseState
from cases.services.numbering import next_number
from catalog.models import CaseType, Item
from common.errors import PermissionDenied, RuleViolation
from common.history import record
from org.access import may_act
from org.models import Center, Department, Role, StaffProfile, Window
from policy.selectors import policy_value
from workdays import hooks
from workdays.models import Timer, TimerKind, TimerState
from workdays.selectors import yellow_days_for
from workdays.timers import timer_finish, timer_resume, timer_set_budget, timer_start, timer_stop, view_of

from .models import (
    CoordinationMatter,
    Countersignature,
    JointCase,
    JointFlow,
    JointFlowLane,
    JointLane,
    JointLateness,
    JointState,
    Opinion,
    ReviewItem,
    ReviewMeeting,
    SiteSurvey,
    SurveySignature,
)

CAN_DESIGNATE_LEAD = frozenset({Role.COORDINATION, Role.DIRECTOR})
TEXT_MAX = 2000
LIMIT_MAX = 365


def _profile(actor: Any) -> StaffProfile | None:
    """The staff member acting: `actor` is a signed-in user (a page, the API) or a staff member (the demo)."""
    if isinstance(actor, StaffProfile):
        return actor
    if not getattr(actor, "is_authenticated", False):
        return None
    return getattr(actor, "staff_profile", None)


def _user(actor: Any) -> Any:
    """The login recorded in the history (a staff member's, when it has one)."""
    return actor.user if isinstance(actor, StaffProfile) else actor


def _now(at: datetime | None) -> datetime:
    return at or timezone.now()


def _text(value: Any, limit: int = TEXT_MAX) -> str:
    return str(value or "").strip()[:limit]


@dataclass(frozen=True)
class Speaks:
    """The departments a person speaks for at a centre (as chief representative or head of one of their active
    windows: `leads`) and those they work for (those, their own department and their window's: `works`)."""

    leads: frozenset[int] = frozenset()
    works: frozenset[int] = frozenset()


def departments_of(actor: Any, center: Center) -> Speaks:
    """`Speaks` for `actor` at `center`, in at most two queries, whatever the number of departments asked about."""
    profile = _profile(actor)
    if profile is None or profile.center_id != center.pk or not profile.is_active:
        return Speaks()
    windows = Window.objects.filter(center=center, is_active=True)
    leads = set(
        windows.filter(Q(chief_representative=profile) | Q(head=profile)).values_list(
            "department_id", flat=True
        )
    )
    works = set(leads)
    if profile.department_id is not None:
        works.add(profile.department_id)
    if profile.window_id is not None:
        works |= set(windows.filter(pk=profile.window_id).values_list("department_id", flat=True))
    return Speaks(frozenset(leads), frozenset(works))


def acts_for(actor: Any, center: Center, department_id: int, *, represents: bool = True) -> bool:
    """Whether `actor` speaks for the department at `center`: its window's chief representative or head
    (`represents`), or else any active staff member of the department or of its window."""
    speaks = departments_of(actor, center)
    return department_id in (speaks.leads if represents else speaks.works)


def _require_for(
    actor: Any, center: Center, department_id: int, rule: str, *, represents: bool = True
) -> StaffProfile:
    if not acts_for(actor, center, department_id, represents=represents):
        raise PermissionDenied(
            _("只有该部门的首席代表或窗口负责人可以办理（%(rule)s）。") % {"rule": rule}
            if represents
            else _("只有该部门窗口的工作人员可以办理（%(rule)s）。") % {"rule": rule}
        )
    profile = _profile(actor)
    assert profile is not None
    return profile


def chief_representative_of(center: Center, department_id: int) -> StaffProfile | None:
    """Who answers for a department in the hall: the chief representative of its window (else its head)."""
    window = (
        Window.objects.filter(center=center, department_id=department_id, is_active=True)
        .select_related("chief_representative", "head")
        .order_by("number")
        .first()
    )
    if window is None:
        return None
    return window.chief_representative or window.head


# --- the flow-and-limits table (R-PAR-1, R-PAR-2) ----------------------------------------------------------------


def flow_in_force(item: Item, on: date) -> JointFlow | None:
    """The version of the item's table in force on `on` (the latest effective on or before it)."""
    return (
        JointFlow.objects.filter(item=item, effective_from__lte=on)
        .select_related("lead_department")
        .order_by("-effective_from", "-version")
        .first()
    )


@transaction.atomic
def joint_flow_publish(
    *,
    actor: Any,
    item: Item,
    lead_department: Department,
    lanes: Sequence[dict[str, Any]],
    effective_from: date | None = None,
    note: str = "",
    at: datetime | None = None,
) -> JointFlow:
    """Publish a new version of a joint item's flow-and-limits table: the lead department (designated by the
    centre: the coordination section or the director) and each co-department with its items and its limit in
    working days (R-PAR-2). A later version keeping the same lead may also be published by the lead department's
    chief representative or window head (the lead keeps the table). Refused for an item that is not a joint one
    (R-CASE-5), fewer than two departments in all (R-PAR-1), a department twice or of another centre, or a limit
    of 0 or beyond the item's promised limit."""
    center = item.center
    now = _now(at)
    current = JointFlow.objects.select_for_update().filter(item=item).order_by("-version").first()
    keeps_lead = current is not None and current.lead_department_id == lead_department.pk
    if not (keeps_lead and acts_for(actor, center, lead_department.pk)):
        may_act(_user(actor), center, CAN_DESIGNATE_LEAD)
    version = item.current_version
    if version is None or version.case_type != CaseType.JOINT:
        raise RuleViolation("R-PAR-1", _("只有联办件事项才能设置并联审批流程。"), field="item")
    if lead_department.center_id != center.pk:
        raise RuleViolation("R-PAR-1", _("牵头部门须为本中心的部门。"), field="lead_department")
    seen: set[int] = set()
    rows: list[JointFlowLane] = []
    for order, lane in enumerate(lanes, start=1):
        department = lane.get("department")
        if not isinstance(department, Department) or department.center_id != center.pk:
            raise RuleViolation("R-PAR-2", _("协办部门须为本中心的部门。"), field="lanes")
        if department.pk == lead_department.pk or department.pk in seen:
            raise RuleViolation("R-PAR-2", _("每个协办部门只列一次，且不能是牵头部门。"), field="lanes")
        seen.add(department.pk)
        try:
            limit = int(lane.get("limit_days") or 0)
        except (TypeError, ValueError):
            limit = 0
        if not 1 <= limit <= min(LIMIT_MAX, version.promised_limit_days or LIMIT_MAX):
            raise RuleViolation(
                "R-PAR-2",
                _("%(dept)s的时限须为1至%(max)s个工作日（不超过事项承诺时限）。")
                % {"dept": department.name, "max": version.promised_limit_days},
                field="lanes",
            )
        items = _text(lane.get("items"), 300)
        if not items:
            raise RuleViolation(
                "R-PAR-2", _("请写明%(dept)s负责的审批事项。") % {"dept": department.name}, field="lanes"
            )
        rows.append(JointFlowLane(department=department, items=items, limit_days=limit, order=order))
    if not rows:
        raise RuleViolation("R-PAR-1", _("并联审批须有牵头部门和至少一个协办部门。"), field="lanes")
    flow = JointFlow.objects.create(
        center=center,
        item=item,
        version=(current.version + 1) if current is not None else 1,
        lead_department=lead_department,
        effective_from=effective_from or timezone.localdate(now),
        published_at=now,
        published_by=_profile(actor),
        note=_text(note, 200),
    )
    for row in rows:
        row.flow = flow
    JointFlowLane.objects.bulk_create(rows)
    record(
        subject=flow,
        action="joint_flow_publish",
        actor=_user(actor),
        changes={
            "version": flow.version,
            "lead": lead_department.name,
            "lanes": [[r.department.name, r.items, r.limit_days] for r in rows],
        },
        rule="R-PAR-2",
    )
    return flow


# --- one door (R-PAR-3) and the notifications (R-PAR-4) ----------------------------------------------------------


def _lock(joint_case: JointCase) -> JointCase:
    return (
        JointCase.objects.select_for_update(of=("self",))
        .select_related("case", "center")
        .get(pk=joint_case.pk)
    )


def _lock_lane(lane: JointLane) -> JointLane:
    return (
        JointLane.objects.select_for_update(of=("self",))
        .select_related("joint_case", "center", "timer")
        .get(pk=lane.pk)
    )


@transaction.atomic
def joint_case_open(
    *,
    actor: Any,
    case: Case,
    departments: Sequence[Department] | None = None,
    present: Sequence[StaffProfile] = (),
    project_code: str = "",
    at: datetime | None = None,
) -> JointCase:
    """Open the joint case of a case of a joint item accepted once at the lead window (一门受理, R-PAR-3): the
    lead's chief representative names the involved departments (by default every co-department of the table in
    force on the acceptance day) and who of their chief representatives were present; the applicant keeps
    seeing this one case. `project_code` is the provincial joint-approval platform's (R-PAR-9)."""
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("center", "window", "item")
        .get(pk=case.pk)
    )
    center = case.center
    if case.case_type != CaseType.JOINT:
        raise RuleViolation("R-PAR-3", _("该办件不是联办件。"), code="not_joint")
    if case.state != CaseState.ACCEPTED or case.accepted_on is None:
        raise RuleViolation("R-PAR-3", _("联办件须在牵头窗口受理后才能启动并联审批。"), code="not_accepted")
    if JointCase.objects.filter(case=case).exists():
        raise RuleViolation("R-PAR-3", _("该办件已启动并联审批（一门受理，只受理一次）。"), code="opened")
    flow = flow_in_force(case.item, case.accepted_on)
    if flow is None:
        raise RuleViolation("R-PAR-2", _("该事项尚无并联审批流程时限表。"), code="no_flow")
    opener = _require_for(actor, center, flow.lead_department_id, "R-PAR-3")
    if case.window.department_id != flow.lead_department_id:
        raise RuleViolation("R-PAR-3", _("联办件须在牵头部门的窗口受理。"), code="not_lead_window")
    table = {lane.department_id: lane for lane in flow.lanes.select_related("department")}
    wanted = [d.pk for d in departments] if departments is not None else list(table)
    if not wanted or any(pk not in table for pk in wanted) or len(set(wanted)) != len(wanted):
        raise RuleViolation(
            "R-PAR-4", _("相关部门须从并联审批流程时限表中选定，至少一个。"), field="departments"
        )
    for person in present:
        if person.center_id != center.pk or person.department_id not in table:
            raise RuleViolation("R-PAR-3", _("到场的须为相关部门的首席代表。"), field="present")
    joint_case = JointCase.objects.create(
        center=center,
        case=case,
        flow=flow,
        lead_department_id=flow.lead_department_id,
        project_code=_text(project_code, 60),
        opened_at=_now(at),
        opened_by=opener,
    )
    joint_case.present.set(present)
    JointLane.objects.bulk_create(
        JointLane(
            center=center,
            joint_case=joint_case,
            department_id=pk,
            items=table[pk].items,
            limit_days=table[pk].limit_days,
            order=table[pk].order,
        )
        for pk in wanted
    )
    record(
        subject=case,
        action="joint_case_open",
        actor=_user(actor),
        changes={
            "flow": flow.version,
            "departments": [table[pk].department.name for pk in wanted],
            "present": [p.name for p in present],
            "project_code": joint_case.project_code,
        },
        rule="R-PAR-3",
    )
    return joint_case


@transaction.atomic
def joint_notify(*, actor: Any, lane: JointLane, at: datetime | None = None) -> JointLane:
    """The lead's chief representative sends the department its notification (抄告单) with the materials: it is
    numbered in the centre's document series (R-PAR-4). Once per department."""
    lane = _lock_lane(lane)
    joint_case = lane.joint_case
    sender = _require_for(actor, lane.center, joint_case.lead_department_id, "R-PAR-4")
    if lane.notified_at is not None:
        raise RuleViolation("R-PAR-4", _("已向该部门抄告。"), code="notified")
    if joint_case.state == JointState.INSPECTED:
        raise RuleViolation("R-PAR-11", _("该并联审批件已验收办结。"), code="inspected")
    now = _now(at)
    lane.notice_number = next_number(center=lane.center, kind="joint_notice", on=timezone.localdate(now))
    lane.notified_at, lane.notified_by = now, sender
    lane.save(update_fields=["notice_number", "notified_at", "notified_by"])
    record(
        subject=joint_case.case,
        action="joint_notify",
        actor=_user(actor),
        changes={"department": lane.department.name, "number": lane.notice_number},
        rule="R-PAR-4",
    )
    return lane


@transaction.atomic
def joint_lane_receive(*, actor: Any, lane: JointLane, at: datetime | None = None) -> JointLane:
    """The department receives its notification: its own working-day clock starts on the day of receipt, with
    its limit from the table (R-PAR-4)."""
    lane = _lock_lane(lane)
    receiver = _require_for(actor, lane.center, lane.department_id, "R-PAR-4", represents=False)
    if lane.notified_at is None:
        raise RuleViolation("R-PAR-4", _("牵头部门尚未抄告，不能签收。"), code="not_notified")
    if lane.received_at is not None:
        raise RuleViolation("R-PAR-4", _("已签收。"), code="received")
    now = _now(at)
    today = timezone.localdate(now)
    lane.timer = timer_start(
        center=lane.center,
        kind=TimerKind.JOINT_LANE,
        subject_id=lane.pk,
        started_on=today,
        budget_days=lane.limit_days,
        yellow_days=yellow_days_for(center=lane.center, limit_days=lane.limit_days, on=today),
    )
    lane.received_at, lane.received_by = now, receiver
    lane.save(update_fields=["timer", "received_at", "received_by"])
    record(
        subject=lane.joint_case.case,
        action="joint_lane_receive",
        actor=_user(actor),
        changes={"department": lane.department.name, "deadline": lane.timer.deadline},
        rule="R-PAR-4",
    )
    return lane


# --- opinions (R-PAR-5) ----------------------------------------------------------------------------------------


def _require_reviewing(lane: JointLane) -> None:
    if lane.received_at is None or lane.timer is None:
        raise RuleViolation("R-PAR-4", _("该部门尚未签收抄告单。"), code="not_received")
    if lane.opinion:
        raise RuleViolation("R-PAR-5", _("该部门已出具意见。"), code="given")


@transaction.atomic
def joint_opinion_give(
    *,
    actor: Any,
    lane: JointLane,
    opinion: str,
    text: str = "",
    signed_by: str = "",
    at: datetime | None = None,
) -> JointLane:
    """The department's clear opinion (R-PAR-5): agree, agree with its conditions, or disagree with its reasons;
    `signed_by` names the department's leaders who signed it inside the department. It finishes the department's
    clock (late when past its deadline: R-PAR-10). Missing materials are not an opinion: they go through the
    second procedure (`joint_second_procedure`, R-PAR-8)."""
    lane = _lock_lane(lane)
    giver = _require_for(actor, lane.center, lane.department_id, "R-PAR-5")
    _require_reviewing(lane)
    if lane.missing_at is not None and lane.joint_case.corrected_at is None:
        raise RuleViolation("R-PAR-8", _("申请人尚未补正，暂不能出具意见。"), code="awaiting_correction")
    if opinion not in Opinion.values:
        raise RuleViolation("R-PAR-5", _("请选择明确的审批意见。"), field="opinion")
    text = _text(text)
    if opinion == Opinion.AGREE_WITH_CONDITIONS and not text:
        raise RuleViolation("R-PAR-5", _("有条件同意须写明条件。"), field="text")
    if opinion == Opinion.DISAGREE and not text:
        raise RuleViolation("R-PAR-5", _("不同意须说明理由。"), field="text")
    now = _now(at)
    lane.opinion, lane.opinion_text, lane.signed_by = opinion, text, _text(signed_by, 200)
    lane.opinion_at, lane.opinion_by = now, giver
    lane.save(update_fields=["opinion", "opinion_text", "signed_by", "opinion_at", "opinion_by"])
    assert lane.timer is not None
    timer_finish(timer=lane.timer, on=timezone.localdate(now))
    joint_case = _lock(lane.joint_case)
    if not joint_case.lanes.filter(opinion="").exists():
        joint_case.state = JointState.OPINIONS_IN
        joint_case.save(update_fields=["state"])
    record(
        subject=joint_case.case,
        action="joint_opinion_give",
        actor=_user(actor),
        changes={"department": lane.department.name, "opinion": opinion, "signed_by": lane.signed_by},
        rule="R-PAR-5",
    )
    return lane


@transaction.atomic
def joint_report_up(*, actor: Any, lane: JointLane, authority: str, at: datetime | None = None) -> JointLane:
    """A matter the department cannot decide is reported to the higher authority, the lead copied (R-PAR-5): the
    report is recorded on the lane and in the case's history, which the lead reads. The clock keeps running."""
    lane = _lock_lane(lane)
    _require_for(actor, lane.center, lane.department_id, "R-PAR-5")
    _require_reviewing(lane)
    authority = _text(authority, 100)
    if not authority:
        raise RuleViolation("R-PAR-5", _("请写明报请的上级机关。"), field="authority")
    lane.reported_to, lane.reported_at = authority, _now(at)
    lane.save(update_fields=["reported_to", "reported_at"])
    record(
        subject=lane.joint_case.case,
        action="joint_report_up",
        actor=_user(actor),
        changes={"department": lane.department.name, "to": authority, "copied_to": "lead"},
        rule="R-PAR-5",
    )
    return lane


# --- the second procedure (R-PAR-8) ------------------------------------------------------------------------------


@transaction.atomic
def joint_second_procedure(
    *,
    actor: Any,
    lane: JointLane,
    reason: str,
    also: Sequence[JointLane] = (),
    at: datetime | None = None,
) -> JointLane:
    """Missing materials delay the department: it gives its written reason, and its clock — and those of the
    departments `also` named, delayed by the same materials — stop from that day until the applicant's
    correction (R-PAR-8). The applicant corrects once: after the correction, no second procedure."""
    lane = _lock_lane(lane)
    _require_for(actor, lane.center, lane.department_id, "R-PAR-8")
    _require_reviewing(lane)
    joint_case = _lock(lane.joint_case)
    if joint_case.corrected_at is not None:
        raise RuleViolation("R-PAR-8", _("申请人已补正过一次，不能再次要求补正。"), code="corrected_once")
    if lane.missing_at is not None:
        raise RuleViolation("R-PAR-8", _("该部门已出具缺件书面理由。"), code="missing")
    reason = _text(reason)
    if not reason:
        raise RuleViolation("R-PAR-8", _("缺件须出具书面理由。"), field="reason")
    now = _now(at)
    today = timezone.localdate(now)
    stopped: list[JointLane] = [lane]
    for other in also:
        other = _lock_lane(other)
        if other.joint_case_id != joint_case.pk or other.pk == lane.pk:
            raise RuleViolation("R-PAR-8", _("受影响的部门须为本件的其他相关部门。"), field="also")
        if other.timer is not None and not other.opinion and other.timer.state == TimerState.RUNNING:
            stopped.append(other)
    lane.missing_reason, lane.missing_at = reason, now
    lane.save(update_fields=["missing_reason", "missing_at"])
    for each in stopped:
        assert each.timer is not None
        if each.timer.state == TimerState.RUNNING:
            timer_stop(timer=each.timer, on=today, reason="二次程序")
    joint_case.state = JointState.SECOND_PROCEDURE
    joint_case.save(update_fields=["state"])
    record(
        subject=joint_case.case,
        action="joint_second_procedure",
        actor=_user(actor),
        changes={"department": lane.department.name, "stopped": [each.department.name for each in stopped]},
        reason=reason,
        rule="R-PAR-8",
    )
    return lane


@transaction.atomic
def joint_correction_receive(*, actor: Any, joint_case: JointCase, at: datetime | None = None) -> JointCase:
    """The applicant's one correction, received at the lead window (R-PAR-8): the stopped clocks run on from
    that day — or, where the centre's policy says so (`joint_restart_after_correction`), start again with their
    whole limit (the days used before the stop are added back to the budget, so the ledger stays as it was)."""
    joint_case = _lock(joint_case)
    _require_for(actor, joint_case.center, joint_case.lead_department_id, "R-PAR-8", represents=False)
    if joint_case.state != JointState.SECOND_PROCEDURE:
        raise RuleViolation("R-PAR-8", _("该件不在二次程序中。"), code="state")
    now = _now(at)
    today = timezone.localdate(now)
    restart = bool(policy_value(joint_case.center, "joint_restart_after_correction", today))
    resumed: list[str] = []
    for lane in joint_case.lanes.select_related("timer", "department").select_for_update(of=("self",)):
        timer = lane.timer
        if timer is None or timer.state != TimerState.STOPPED:
            continue
        left = view_of(timer).remaining_at_stop
        timer_resume(timer=timer, on=today)
        if restart and left is not None:  # the whole limit again: add back what was used before the stop
            timer_set_budget(timer=timer, budget_days=timer.budget_days + max(0, lane.limit_days - left))
        resumed.append(lane.department.name)
    joint_case.corrected_at = now
    in_ = not joint_case.lanes.filter(opinion="").exists()
    joint_case.state = JointState.OPINIONS_IN if in_ else JointState.REVIEWING
    joint_case.save(update_fields=["corrected_at", "state"])
    record(
        subject=joint_case.case,
        action="joint_correction_receive",
        actor=_user(actor),
        changes={"resumed": resumed, "restart": restart},
        rule="R-PAR-8",
    )
    return joint_case


# --- the lead's final inspection (R-PAR-11) ---------------------------------------------------------------------


@transaction.atomic
def joint_case_inspect(
    *, actor: Any, joint_case: JointCase, result: str, at: datetime | None = None
) -> JointCase:
    """The lead department closes the joint case with its final approval inspection (最终审批验收), once every
    involved department's opinion is in (R-PAR-11); refused, naming the departments still to answer, before."""
    joint_case = _lock(joint_case)
    inspector = _require_for(actor, joint_case.center, joint_case.lead_department_id, "R-PAR-11")
    if joint_case.state == JointState.INSPECTED:
        raise RuleViolation("R-PAR-11", _("该并联审批件已验收。"), code="inspected")
    waiting = [
        lane.department.name for lane in joint_case.lanes.select_related("department") if not lane.opinion
    ]
    if waiting:
        raise RuleViolation(
            "R-PAR-11",
            _("以下部门尚未出具意见，不能验收：%(departments)s。") % {"departments": "、".join(waiting)},
            code="opinions_missing",
        )
    result = _text(result)
    if not result:
        raise RuleViolation("R-PAR-11", _("请填写最终审批验收意见。"), field="result")
    joint_case.inspection, joint_case.inspected_at, joint_case.inspected_by = result, _now(at), inspector
    joint_case.state = JointState.INSPECTED
    joint_case.save(update_fields=["inspection", "inspected_at", "inspected_by", "state"])
    record(subject=joint_case.case, action="joint_case_inspect", actor=_user(actor), rule="R-PAR-11")
    return joint_case


# --- the lanes' timers: who answers, and lateness (R-PAR-10) ------------------------------------------------------


def lane_responsible(timer: Timer, *, on: date) -> hooks.Responsible:
    """A lane's warning records name its department and the department's chief representative (R-DATA-3)."""
    lane = JointLane.objects.select_related("joint_case__case", "center").get(pk=timer.subject_id)
    chief = chief_representative_of(lane.center, lane.department_id)
    return hooks.Responsible(
        label=f"{lane.joint_case.case.number}",
        department_id=lane.department_id,
        staff_id=chief.pk if chief is not None else None,
    )


def lane_overdue_record(timer: Timer) -> None:
    """The department overran its limit (R-PAR-10): stored once, with who answered for it that day."""
    lane = JointLane.objects.select_related("center", "joint_case__case", "department").get(
        pk=timer.subject_id
    )
    assert timer.deadline is not None and timer.red_since is not None
    chief = chief_representative_of(lane.center, lane.department_id)
    lateness, created = JointLateness.objects.get_or_create(
        lane=lane,
        defaults={
            "center": lane.center,
            "department_id": lane.department_id,
            "deadline": timer.deadline,
            "overdue_on": timer.red_since,
            "responsible": chief,
            "recorded_at": timezone.now(),
        },
    )
    if created:
        record(
            subject=lane.joint_case.case,
            action="joint_lane_overdue",
            changes={
                "department": lane.department.name,
                "deadline": timer.deadline,
                "responsible": chief.name if chief else "",
            },
            rule="R-PAR-10",
        )


# --- the case's decision waits for the final inspection (R-PAR-11) -------------------------------------------------


def joint_decision_guard(case: Case) -> RuleViolation | None:
    """A case of a joint item is decided only once its joint case has passed the lead's final inspection
    (`cases.hooks`); any other case is not concerned (no query)."""
    if case.case_type != CaseType.JOINT:
        return None
    state = JointCase.objects.filter(case_id=case.pk).values_list("state", flat=True).first()
    if state == JointState.INSPECTED:
        return None
    if state is None:
        return RuleViolation(
            "R-PAR-3",
            _("联办件须先启动并联审批，经牵头部门最终审批验收后才能作出决定。"),
            code="joint_not_opened",
        )
    return RuleViolation(
        "R-PAR-11", _("并联审批尚未经牵头部门最终审批验收，不能作出决定。"), code="joint_not_inspected"
    )


# --- the joint site survey (R-PAR-6) --------------------------------------------------------------------------


@transaction.atomic
def joint_survey_record(
    *,
    actor: Any,
    joint_case: JointCase,
    surveyed_on: date,
    place: str,
    participants: Sequence[StaffProfile],
    findings: str,
    at: datetime | None = None,
) -> SiteSurvey:
    """The lead organises a joint site survey (联合踏勘) and records its day, place, participants and findings
    (R-PAR-6); each participant then signs it in their own login (`joint_survey_sign`). The participants are
    the staff of the lead and of the involved departments; the organiser signs as they record it."""
    joint_case = _lock(joint_case)
    organiser = _require_for(actor, joint_case.center, joint_case.lead_department_id, "R-PAR-6")
    if joint_case.state == JointState.INSPECTED:
        raise RuleViolation("R-PAR-11", _("该并联审批件已验收办结。"), code="inspected")
    now = _now(at)
    if surveyed_on > timezone.localdate(now):
        raise RuleViolation("R-PAR-6", _("踏勘日期不能晚于今天：踏勘结束后记录。"), field="surveyed_on")
    place, findings = _text(place, 200), _text(findings)
    if not place or not findings:
        raise RuleViolation("R-PAR-6", _("请填写踏勘地点和踏勘意见。"), field="findings")
    departments = {joint_case.lead_department_id, *joint_case.lanes.values_list("department_id", flat=True)}
    people = {p.pk: p for p in [organiser, *participants]}
    for person in people.values():
        if person.center_id != joint_case.center_id or not (
            person.department_id in departments
            or (
                person.window_id is not None
                and Window.objects.filter(pk=person.window_id, department_id__in=departments).exists()
            )
        ):
            raise RuleViolation(
                "R-PAR-6",
                _("参加踏勘的须为牵头部门或相关部门的人员：%(name)s") % {"name": person.name},
                field="participants",
            )
    if len(people) < 2:
        raise RuleViolation("R-PAR-6", _("联合踏勘须有相关部门人员参加。"), field="participants")
    survey = SiteSurvey.objects.create(
        center=joint_case.center,
        joint_case=joint_case,
        surveyed_on=surveyed_on,
        place=place,
        findings=findings,
        organised_by=organiser,
        recorded_at=now,
    )
    SurveySignature.objects.bulk_create(
        SurveySignature(survey=survey, staff=person, signed_at=now if person.pk == organiser.pk else None)
        for person in people.values()
    )
    record(
        subject=joint_case.case,
        action="joint_survey_record",
        actor=_user(actor),
        changes={
            "surveyed_on": surveyed_on,
            "place": place,
            "participants": [p.name for p in people.values()],
        },
        rule="R-PAR-6",
    )
    return survey


@transaction.atomic
def joint_survey_sign(*, actor: Any, survey: SiteSurvey, at: datetime | None = None) -> SurveySignature:
    """A participant signs the survey's record in their own login (R-PAR-6); once."""
    profile = _profile(actor)
    signature = (
        SurveySignature.objects.select_for_update().filter(survey=survey, staff=profile).first()
        if profile is not None
        else None
    )
    if signature is None:
        raise PermissionDenied(_("只有参加踏勘的人员可以签名（R-PAR-6）。"))
    if signature.signed_at is not None:
        raise RuleViolation("R-PAR-6", _("已签名。"), code="signed")
    signature.signed_at = _now(at)
    signature.save(update_fields=["signed_at"])
    record(subject=survey.joint_case.case, action="joint_survey_sign", actor=_user(actor), rule="R-PAR-6")
    return signature


# --- the joint review meeting (R-PAR-7) -------------------------------------------------------------------------

CAN_CONVENE = frozenset({Role.COORDINATION, Role.DIRECTOR})


def review_day(center: Center, year: int, month: int) -> date:
    """The month's joint review day: the centre's `joint_meeting_day` (the 10th by default), or the next working
    day when that day is a rest day."""
    from workdays.selectors import calendar_for

    first = date(year, month, 1)
    day = first.replace(day=int(policy_value(center, "joint_meeting_day", first)))
    calendar = calendar_for(center)
    while not calendar.is_working_day(day):
        day = day.fromordinal(day.toordinal() + 1)
    return day


@transaction.atomic
def joint_meeting_convene(
    *, actor: Any, center: Center, year: int, month: int, place: str, at: datetime | None = None
) -> ReviewMeeting:
    """The centre convenes the month's joint review meeting on its day (R-PAR-7): the coordination section or the
    director. Every joint case of the centre not yet inspected is on its agenda."""
    may_act(_user(actor), center, CAN_CONVENE)
    convener = _profile(actor)
    if convener is None:
        raise PermissionDenied(_("只有中心工作人员可以召集联审会议。"))
    held_on = review_day(center, year, month)
    if ReviewMeeting.objects.filter(center=center, held_on=held_on).exists():
        raise RuleViolation("R-PAR-7", _("本月联审会议已安排。"), code="convened")
    place = _text(place, 200)
    if not place:
        raise RuleViolation("R-PAR-7", _("请填写会议地点。"), field="place")
    meeting = ReviewMeeting.objects.create(
        center=center, held_on=held_on, place=place, convened_by=convener, convened_at=_now(at)
    )
    pending = (
        JointCase.objects.filter(center=center).exclude(state=JointState.INSPECTED).order_by("opened_at")
    )
    ReviewItem.objects.bulk_create(ReviewItem(meeting=meeting, joint_case=jc) for jc in pending[:200])
    record(
        subject=meeting,
        action="joint_meeting_convene",
        actor=_user(actor),
        changes={"held_on": held_on, "agenda": meeting.items.count()},
        rule="R-PAR-7",
    )
    return meeting


def _meeting_started(meeting: ReviewMeeting, now: datetime) -> None:
    if timezone.localdate(now) < meeting.held_on:
        raise RuleViolation("R-PAR-7", _("联审会议尚未召开。"), code="not_held")


@transaction.atomic
def joint_meeting_opinion(
    *, actor: Any, item: ReviewItem, opinion: str, at: datetime | None = None
) -> ReviewItem:
    """The meeting's joint opinion on a pending joint case, written by its lead at the meeting (R-PAR-7); the
    chief representatives then countersign it. Changing it after a countersignature is refused."""
    item = (
        ReviewItem.objects.select_for_update(of=("self",))
        .select_related("meeting", "joint_case")
        .get(pk=item.pk)
    )
    _require_for(actor, item.meeting.center, item.joint_case.lead_department_id, "R-PAR-7")
    now = _now(at)
    _meeting_started(item.meeting, now)
    if item.countersignatures.exists():
        raise RuleViolation("R-PAR-7", _("已有首席代表会签，联审意见不能再改。"), code="countersigned")
    opinion = _text(opinion)
    if not opinion:
        raise RuleViolation("R-PAR-7", _("请填写联审意见。"), field="opinion")
    item.opinion, item.opinion_at = opinion, now
    item.save(update_fields=["opinion", "opinion_at"])
    record(subject=item.joint_case.case, action="joint_meeting_opinion", actor=_user(actor), rule="R-PAR-7")
    return item


@transaction.atomic
def joint_countersign(*, actor: Any, item: ReviewItem, at: datetime | None = None) -> Countersignature:
    """A chief representative of the lead or of an involved department countersigns (会签) the meeting's joint
    opinion in their own login (R-PAR-7); once per department."""
    item = (
        ReviewItem.objects.select_for_update(of=("self",))
        .select_related("meeting", "joint_case")
        .get(pk=item.pk)
    )
    profile = _profile(actor)
    if not item.opinion:
        raise RuleViolation("R-PAR-7", _("联审意见尚未形成，不能会签。"), code="no_opinion")
    joint_case = item.joint_case
    departments = [joint_case.lead_department_id, *joint_case.lanes.values_list("department_id", flat=True)]
    leads = departments_of(profile, joint_case.center).leads
    department = next((pk for pk in departments if pk in leads), None)
    if department is None or _user(actor) is None or not getattr(_user(actor), "is_authenticated", False):
        raise PermissionDenied(_("只有牵头部门和相关部门的首席代表本人可以会签（R-PAR-7）。"))
    if Countersignature.objects.filter(item=item, department_id=department).exists():
        raise RuleViolation("R-PAR-7", _("本部门已会签。"), code="countersigned")
    assert profile is not None
    signature = Countersignature.objects.create(
        item=item, department_id=department, staff=profile, signed_at=_now(at)
    )
    record(
        subject=joint_case.case,
        action="joint_countersign",
        actor=_user(actor),
        changes={"meeting": item.meeting.held_on, "staff": profile.name},
        rule="R-PAR-7",
    )
    return signature


@transaction.atomic
def joint_matter_refer(
    *,
    actor: Any,
    meeting: ReviewMeeting,
    matter: str,
    joint_case: JointCase | None = None,
    at: datetime | None = None,
) -> CoordinationMatter:
    """A major matter the meeting cannot settle is put to the county coordination leading group (R-PAR-7): by
    the coordination section or the director."""
    may_act(_user(actor), meeting.center, CAN_CONVENE)
    now = _now(at)
    _meeting_started(meeting, now)
    matter = _text(matter)
    if not matter:
        raise RuleViolation("R-PAR-7", _("请写明提请协调的事项。"), field="matter")
    if joint_case is not None and joint_case.center_id != meeting.center_id:
        raise RuleViolation("R-PAR-7", _("须为本中心的并联审批件。"), field="joint_case")
    found = CoordinationMatter.objects.create(
        meeting=meeting, joint_case=joint_case, matter=matter, referred_at=now, recorded_by=_profile(actor)
    )
    record(
        subject=meeting,
        action="joint_matter_refer",
        actor=_user(actor),
        changes={"matter": matter},
        rule="R-PAR-7",
    )
    return found


@transaction.atomic
def joint_matter_decide(
    *, actor: Any, matter: CoordinationMatter, decision: str, decided_on: date, at: datetime | None = None
) -> CoordinationMatter:
    """The leading group's decision, recorded once by the coordination section or the director (R-PAR-7)."""
    matter = (
        CoordinationMatter.objects.select_for_update(of=("self",)).select_related("meeting").get(pk=matter.pk)
    )
    may_act(_user(actor), matter.meeting.center, CAN_CONVENE)
    if matter.decided_on is not None:
        raise RuleViolation("R-PAR-7", _("领导小组的决定已记录。"), code="decided")
    decision = _text(decision)
    if not decision:
        raise RuleViolation("R-PAR-7", _("请填写领导小组的决定。"), field="decision")
    if decided_on < timezone.localdate(matter.referred_at) or decided_on > timezone.localdate(_now(at)):
        raise RuleViolation("R-PAR-7", _("决定日期须在提请之后、不晚于今天。"), field="decided_on")
    matter.decision, matter.decided_on = decision, decided_on
    matter.save(update_fields=["decision", "decided_on"])
    record(
        subject=matter.meeting,
        action="joint_matter_decide",
        actor=_user(actor),
        changes={"decided_on": decided_on},
        rule="R-PAR-7",
    )
    return matter
