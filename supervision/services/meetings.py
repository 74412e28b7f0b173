"""The monthly meeting (月例会, R-MTG-1 … R-MTG-4): scheduling with its attendees, sign-in, minutes, agenda items
and action items.

- **Scheduling (R-MTG-1).** The office or the director schedules the meeting of a month, on or before the month's
  latest day (policy `meeting_latest_day`), chaired by the director or a deputy, with a designated recorder. The
  attendees are computed then, each with the category that puts them on the list: the leadership (director,
  deputies), the cadres of the centre's own office (staff without a window who hold a centre role), and from each
  window its head, its chief representative and its key staff (业务骨干: the A holders of its posts).
- **Sign-in (R-MTG-1, R-MTG-4).** The recorder signs people in, present or late (after the start); recording the
  minutes marks everyone not signed in absent. A late arrival or an absence is excused automatically when the
  person had an absence in force at the start (approved leave, an outing), or when the recorder records a cause.
- **Agenda and action items (R-MTG-3).** Matters are submitted before the start by a leader or a window's head or
  chief representative. Decisions become action items with an owner and a due date in working days, each with a
  working-day timer (`TimerKind.ACTION_ITEM`), closed with a result by the owner or the chair.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import PermissionDenied, RuleViolation
from common.history import record
from org.access import CAN_CHAIR_MEETING, CAN_SCHEDULE_MEETING, CENTER_WIDE_ROLES, has_role, may_act
from org.models import Absence, Center, Post, Role, RoleGrant, StaffProfile, Window
from org.services.absences import absence_in_force
from policy.selectors import policy_value
from workdays import hooks
from workdays.models import Timer, TimerKind
from workdays.selectors import yellow_days_for
from workdays.timers import timer_finish, timer_start

from ..models_meetings import (
    ActionItem,
    ActionItemState,
    AgendaItem,
    AttendanceStatus,
    AttendeeCategory,
    CauseSource,
    Meeting,
    MeetingAttendee,
    MeetingState,
)

# The roles of the centre's own office (机关干部) beside the leadership: a person without a window holding one of
# these at the centre attends as a cadre of the office.
OFFICE_ROLES = frozenset(CENTER_WIDE_ROLES - CAN_CHAIR_MEETING)
LEADER_ROLES = frozenset(CAN_CHAIR_MEETING)
MAX_DUE_DAYS = 250
CATEGORY_ORDER = [value for value, _label in AttendeeCategory.choices]


def _profile(actor: Any) -> StaffProfile | None:
    if not getattr(actor, "is_authenticated", False):
        return None
    return getattr(actor, "staff_profile", None)


def _text(value: str, limit: int) -> str:
    return (value or "").strip()[:limit]


def _now(at: datetime | None = None) -> datetime:
    return at or timezone.now()


# --- the attendees (R-MTG-1) -----------------------------------------------------------------------------------


def attendees_for(center: Center) -> list[tuple[StaffProfile, str, Window | None]]:
    """Who attends the centre's monthly meeting, as it stands now, each once with the first category that names
    them (leadership, office, window head, chief representative, key staff). Four queries."""
    found: dict[int, tuple[StaffProfile, str, Window | None]] = {}

    def add(staff: StaffProfile | None, category: str, window: Window | None = None) -> None:
        if staff is None or not staff.is_active or staff.center_id != center.pk or staff.pk in found:
            return
        found[staff.pk] = (staff, category, window)

    grants = list(
        RoleGrant.objects.filter(center=center, revoked_at=None, role__in=[*LEADER_ROLES, *OFFICE_ROLES])
        .values_list("user_id", "role")
        .order_by("id")
    )
    user_ids = {user_id for user_id, _role in grants}
    people = {
        staff.user_id: staff
        for staff in StaffProfile.objects.filter(center=center, is_active=True, user_id__in=user_ids)
    }
    for leader_role in (Role.DIRECTOR, Role.DEPUTY):  # the director first
        for user_id, granted in grants:
            if granted == leader_role:
                add(people.get(user_id), AttendeeCategory.LEADERSHIP)
    for user_id, granted in grants:
        staff = people.get(user_id)
        if granted in OFFICE_ROLES and staff is not None and staff.window_id is None:
            add(staff, AttendeeCategory.OFFICE)
    windows = list(
        Window.objects.filter(center=center, is_active=True)
        .select_related("head", "chief_representative")
        .order_by("number")
    )
    for window in windows:
        add(window.head, AttendeeCategory.WINDOW_HEAD, window)
        add(window.chief_representative, AttendeeCategory.CHIEF_REPRESENTATIVE, window)
    by_window = {window.pk: window for window in windows}
    for post in (
        Post.objects.filter(center=center, is_active=True, window__is_active=True)
        .select_related("holder_a")
        .order_by("window__number", "id")
    ):
        add(post.holder_a, AttendeeCategory.KEY_STAFF, by_window.get(post.window_id))
    return list(found.values())


# --- scheduling (R-MTG-1) ------------------------------------------------------------------------------------


def _check_staff_of(center: Center, staff: StaffProfile, field: str, label: str) -> None:
    if staff.center_id != center.pk or not staff.is_active:
        raise RuleViolation(
            "R-MTG-1", _("%(who)s须为本中心在职人员。") % {"who": label}, field=field, code="not_staff"
        )


@transaction.atomic
def meeting_schedule(
    *,
    actor: Any,
    center: Center,
    starts_at: datetime,
    place: str,
    chair: StaffProfile,
    recorder: StaffProfile,
    at: datetime | None = None,
) -> Meeting:
    """Schedule the monthly meeting of the month `starts_at` falls in (R-MTG-1), and compute its attendees."""
    may_act(actor, center, CAN_SCHEDULE_MEETING)
    now = _now(at)  # `at`: a history played through the services (the demo's year)
    local = timezone.localtime(starts_at)
    if starts_at <= now:
        raise RuleViolation("R-MTG-1", _("开会时间须晚于现在。"), field="starts_at", code="past")
    latest = int(policy_value(center, "meeting_latest_day", local.date().replace(day=1)))
    if local.day > max(1, latest):
        raise RuleViolation(
            "R-MTG-1",
            _("月例会于每月初召开：最迟每月%(day)s日。") % {"day": latest},
            field="starts_at",
            code="too_late_in_month",
        )
    place = _text(place, 200)
    if not place:
        raise RuleViolation("R-MTG-1", _("请填写开会地点。"), field="place", code="no_place")
    _check_staff_of(center, chair, "chair", _("主持人"))
    _check_staff_of(center, recorder, "recorder", _("记录人"))
    if chair.user is None or not has_role(chair.user, center, CAN_CHAIR_MEETING):
        raise RuleViolation(
            "R-MTG-1",
            _("月例会由中心主任或分管副主任召集并主持。"),
            field="chair",
            code="chair_not_leader",
        )
    if Meeting.objects.filter(center=center, year=local.year, month=local.month).exists():
        raise RuleViolation(
            "R-MTG-1",
            _("%(y)s年%(m)s月的月例会已安排。") % {"y": local.year, "m": local.month},
            field="starts_at",
            code="already_scheduled",
        )
    meeting = Meeting.objects.create(
        center=center,
        year=local.year,
        month=local.month,
        starts_at=starts_at,
        place=place,
        chair=chair,
        recorder=recorder,
        scheduled_at=now,
        scheduled_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    attendees = attendees_for(center)
    MeetingAttendee.objects.bulk_create(
        [
            MeetingAttendee(meeting=meeting, staff=staff, category=category, window=window)
            for staff, category, window in attendees
        ]
    )
    record(
        subject=meeting,
        action="meeting_schedule",
        actor=actor,
        changes={
            "starts_at": starts_at,
            "place": place,
            "chair": chair.pk,
            "recorder": recorder.pk,
            "attendees": len(attendees),
        },
        rule="R-MTG-1",
    )
    return meeting


# --- sign-in, causes and minutes (R-MTG-1, R-MTG-4) --------------------------------------------------------------


def _locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().select_related("center").get(pk=meeting.pk)


def _require_recorder(actor: Any, meeting: Meeting) -> None:
    """The designated recorder (or the system itself) signs in and keeps the minutes (R-MTG-1)."""
    if actor is None:
        return
    profile = _profile(actor)
    if profile is None or profile.pk != meeting.recorder_id:
        raise PermissionDenied(_("只有本次例会指定的记录人可以签到、登记原因和记录纪要。"))


def _attendee(meeting: Meeting, staff: StaffProfile) -> MeetingAttendee:
    row = MeetingAttendee.objects.select_for_update().filter(meeting=meeting, staff=staff).first()
    if row is None:
        raise RuleViolation(
            "R-MTG-1",
            _("%(name)s不在本次例会的参会名单中。") % {"name": staff.name},
            field="staff",
            code="not_attendee",
        )
    return row


def _absence_at_start(meeting: Meeting, staff_ids: list[int]) -> dict[int, int]:
    """{staff id: the absence in force at the meeting's start} (approved leave, an outing; R-MTG-4). One query."""
    if not staff_ids:
        return {}
    found: dict[int, int] = {}
    for staff_id, absence_id in (
        Absence.objects.filter(absence_in_force(meeting.starts_at), staff_id__in=staff_ids)
        .exclude(kind="absent")
        .values_list("staff_id", "pk")
        .order_by("starts_at")
    ):
        found.setdefault(staff_id, absence_id)
    return found


@transaction.atomic
def meeting_sign_in(
    *, actor: Any, meeting: Meeting, staff: StaffProfile, at: datetime | None = None
) -> MeetingAttendee:
    """Sign `staff` in at `at` (now when not given; the recorder may enter the time read from the paper sheet):
    present when on time, late after the start (R-MTG-1). A late arrival while an absence was in force at the
    start is excused (R-MTG-4)."""
    meeting = _locked(meeting)
    _require_recorder(actor, meeting)
    now = timezone.now()
    moment = _now(at)
    if meeting.state != MeetingState.SCHEDULED:
        raise RuleViolation("R-MTG-1", _("纪要已记录，签到已结束。"), code="closed")
    if moment > now:
        raise RuleViolation("R-MTG-1", _("签到时间不能晚于现在。"), field="at", code="future")
    if timezone.localdate(moment) != timezone.localdate(meeting.starts_at):
        raise RuleViolation("R-MTG-1", _("只能在开会当天签到。"), field="at", code="other_day")
    row = _attendee(meeting, staff)
    if row.status != AttendanceStatus.EXPECTED:
        raise RuleViolation(
            "R-MTG-1", _("%(name)s已签到。") % {"name": staff.name}, field="staff", code="signed_in"
        )
    row.signed_in_at = moment
    row.status = AttendanceStatus.PRESENT if moment <= meeting.starts_at else AttendanceStatus.LATE
    fields = ["signed_in_at", "status"]
    if row.status == AttendanceStatus.LATE and not row.excused:
        absence_id = _absence_at_start(meeting, [staff.pk]).get(staff.pk)
        if absence_id is not None:
            row.excused, row.cause_source, row.absence_id = True, CauseSource.ABSENCE, absence_id
            fields += ["excused", "cause_source", "absence"]
    row.save(update_fields=fields)
    record(
        subject=meeting,
        action="meeting_sign_in",
        actor=actor,
        changes={"staff": staff.pk, "status": row.status, "at": moment, "excused": row.excused},
        rule="R-MTG-4" if row.status == AttendanceStatus.LATE else "R-MTG-1",
    )
    return row


@transaction.atomic
def meeting_excuse(*, actor: Any, meeting: Meeting, staff: StaffProfile, cause: str) -> MeetingAttendee:
    """The recorder records the cause of a late arrival or an absence (R-MTG-4): it no longer counts."""
    meeting = _locked(meeting)
    _require_recorder(actor, meeting)
    cause = _text(cause, 300)
    if not cause:
        raise RuleViolation("R-MTG-4", _("请填写迟到或缺席的原因。"), field="cause", code="no_cause")
    row = _attendee(meeting, staff)
    if row.status == AttendanceStatus.PRESENT:
        raise RuleViolation(
            "R-MTG-4",
            _("%(name)s按时出席，无需登记原因。") % {"name": staff.name},
            field="staff",
            code="present",
        )
    row.excused, row.cause_source, row.cause = True, CauseSource.RECORDED, cause
    row.save(update_fields=["excused", "cause_source", "cause"])
    record(
        subject=meeting,
        action="meeting_excuse",
        actor=actor,
        changes={"staff": staff.pk, "status": row.status},
        reason=cause,
        rule="R-MTG-4",
    )
    return row


@transaction.atomic
def meeting_record_minutes(
    *, actor: Any, meeting: Meeting, minutes: str, at: datetime | None = None
) -> Meeting:
    """The recorder records the minutes after the start (R-MTG-1): whoever has not signed in is absent, excused
    when an absence was in force at the start (R-MTG-4). Recorded once."""
    meeting = _locked(meeting)
    _require_recorder(actor, meeting)
    now = _now(at)  # `at`: a history played through the services (the demo's year)
    minutes = (minutes or "").strip()[:20000]
    if not minutes:
        raise RuleViolation("R-MTG-1", _("请填写会议纪要。"), field="minutes", code="no_minutes")
    if now < meeting.starts_at:
        raise RuleViolation("R-MTG-1", _("会议尚未开始，不能记录纪要。"), field="minutes", code="not_started")
    if meeting.state != MeetingState.SCHEDULED:
        raise RuleViolation("R-MTG-1", _("本次例会的纪要已记录。"), field="minutes", code="recorded")
    missing = list(
        MeetingAttendee.objects.select_for_update().filter(meeting=meeting, status=AttendanceStatus.EXPECTED)
    )
    away = _absence_at_start(meeting, [row.staff_id for row in missing])
    for row in missing:
        row.status = AttendanceStatus.ABSENT
        if not row.excused and row.staff_id in away:
            row.excused, row.cause_source, row.absence_id = True, CauseSource.ABSENCE, away[row.staff_id]
    if missing:
        MeetingAttendee.objects.bulk_update(missing, ["status", "excused", "cause_source", "absence"])
    meeting.minutes = minutes
    meeting.minutes_recorded_at = now
    meeting.state = MeetingState.HELD
    meeting.save(update_fields=["minutes", "minutes_recorded_at", "state"])
    record(
        subject=meeting,
        action="meeting_record_minutes",
        actor=actor,
        changes={
            "absent": len(missing),
            "absent_without_cause": sum(1 for row in missing if not row.excused),
        },
        rule="R-MTG-1",
    )
    return meeting


# --- agenda items (R-MTG-3) ------------------------------------------------------------------------------------


def _window_led_by(profile: StaffProfile, center: Center) -> Window | None:
    return (
        Window.objects.filter(center=center, is_active=True)
        .filter(Q(head=profile) | Q(chief_representative=profile))
        .order_by("number")
        .first()
    )


@transaction.atomic
def agenda_submit(*, actor: Any, meeting: Meeting, title: str, details: str = "") -> AgendaItem:
    """A leader, or a window's head or chief representative, submits a matter before the meeting starts."""
    meeting = _locked(meeting)
    center = meeting.center
    may_act(actor, center, CAN_CHAIR_MEETING | {Role.WINDOW_HEAD, Role.CHIEF_REPRESENTATIVE})
    profile = _profile(actor)
    window = None
    if actor is not None:
        if profile is not None and not has_role(actor, center, CAN_CHAIR_MEETING):
            window = _window_led_by(profile, center)
        if profile is None or (window is None and not has_role(actor, center, CAN_CHAIR_MEETING)):
            raise PermissionDenied(_("议题由中心领导或窗口负责人、首席代表提交。"))
    if timezone.now() >= meeting.starts_at or meeting.state != MeetingState.SCHEDULED:
        raise RuleViolation(
            "R-MTG-3", _("议题须在会前提交，会议开始后不再接收。"), field="title", code="too_late"
        )
    title = _text(title, 200)
    if not title:
        raise RuleViolation("R-MTG-3", _("请填写议题。"), field="title", code="no_title")
    submitter = profile or meeting.chair
    item = AgendaItem.objects.create(
        center=center,
        meeting=meeting,
        title=title,
        details=(details or "").strip()[:5000],
        submitted_by=submitter,
        window=window,
        submitted_at=timezone.now(),
    )
    record(subject=meeting, action="agenda_submit", actor=actor, changes={"item": item.pk, "title": title},
           rule="R-MTG-3")  # fmt: skip
    return item


# --- action items (R-MTG-3) ------------------------------------------------------------------------------------


def _is_chair_or_recorder(actor: Any, meeting: Meeting) -> bool:
    profile = _profile(actor)
    return profile is not None and profile.pk in {meeting.chair_id, meeting.recorder_id}


@transaction.atomic
def action_item_create(
    *,
    actor: Any,
    meeting: Meeting,
    title: str,
    owner: StaffProfile,
    due_days: int,
    agenda_item: AgendaItem | None = None,
    at: datetime | None = None,
) -> ActionItem:
    """A decision of the meeting becomes an action item (R-MTG-3): its owner, its due date in working days
    counted from today on the centre's calendar (a working-day timer), recorded by the chair or the recorder
    once the meeting has started."""
    meeting = _locked(meeting)
    center = meeting.center
    if actor is not None and not _is_chair_or_recorder(actor, meeting):
        raise PermissionDenied(_("督办事项由本次例会的主持人或记录人登记。"))
    now = _now(at)  # `at`: a history played through the services (the demo's year)
    if now < meeting.starts_at:
        raise RuleViolation(
            "R-MTG-3", _("会议尚未开始，不能登记决定事项。"), field="title", code="not_started"
        )
    title = _text(title, 300)
    if not title:
        raise RuleViolation("R-MTG-3", _("请填写督办事项。"), field="title", code="no_title")
    if owner.center_id != center.pk or not owner.is_active:
        raise RuleViolation("R-MTG-3", _("责任人须为本中心在职人员。"), field="owner", code="owner")
    if not 1 <= int(due_days) <= MAX_DUE_DAYS:
        raise RuleViolation(
            "R-MTG-3",
            _("办理时限应为1至%(max)s个工作日。") % {"max": MAX_DUE_DAYS},
            field="due_days",
            code="due_days",
        )
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise RuleViolation("R-MTG-3", _("该议题不属于本次例会。"), field="agenda_item", code="agenda")
    today = timezone.localdate(now)
    item = ActionItem.objects.create(
        center=center,
        meeting=meeting,
        agenda_item=agenda_item,
        title=title,
        owner=owner,
        due_days=int(due_days),
        created_at=now,
    )
    item.timer = timer_start(
        center=center,
        kind=TimerKind.ACTION_ITEM,
        subject_id=item.pk,
        started_on=today,
        budget_days=int(due_days),
        yellow_days=yellow_days_for(center=center, limit_days=int(due_days), on=today),
    )
    item.save(update_fields=["timer"])
    record(
        subject=item,
        action="action_item_create",
        actor=actor,
        changes={
            "meeting": meeting.pk,
            "owner": owner.pk,
            "due_days": int(due_days),
            "due": item.timer.deadline,
        },
        rule="R-MTG-3",
    )
    return item


@transaction.atomic
def action_item_close(*, actor: Any, item: ActionItem, result: str, at: datetime | None = None) -> ActionItem:
    """The owner or the meeting's chair closes an action item with its result (R-MTG-3); its timer finishes."""
    item = (
        ActionItem.objects.select_for_update(of=("self",))
        .select_related("meeting", "center", "timer")
        .get(pk=item.pk)
    )
    profile = _profile(actor)
    if actor is not None and (profile is None or profile.pk not in {item.owner_id, item.meeting.chair_id}):
        raise PermissionDenied(_("督办事项由责任人或例会主持人办结。"))
    result = (result or "").strip()[:5000]
    if not result:
        raise RuleViolation("R-MTG-3", _("请填写办理结果。"), field="result", code="no_result")
    if item.state != ActionItemState.OPEN:
        raise RuleViolation("R-MTG-3", _("该督办事项已办结。"), field="result", code="closed")
    now = _now(at)  # `at`: a history played through the services (the demo's year)
    today = timezone.localdate(now)
    late = False
    if item.timer is not None:
        late = item.timer.deadline is not None and today > item.timer.deadline
        timer_finish(timer=item.timer, on=today)
    item.state = ActionItemState.CLOSED
    item.result = result
    item.closed_at = now
    item.closed_by = actor if getattr(actor, "is_authenticated", False) else None
    item.save(update_fields=["state", "result", "closed_at", "closed_by"])
    record(subject=item, action="action_item_close", actor=actor, changes={"late": late}, reason=result,
           rule="R-MTG-3")  # fmt: skip
    return item


# --- the timer's owner (workdays.hooks) ------------------------------------------------------------------------


def action_item_responsible(timer: Timer, *, on: date) -> hooks.Responsible:
    """Who answers for an action item's timer in the warning records (R-DATA-3): its owner."""
    item = ActionItem.objects.select_related("owner").filter(pk=timer.subject_id).first()
    if item is None:
        return hooks.Responsible()
    label = _("例会督办：%(title)s") % {"title": item.title}
    return hooks.Responsible(
        label=label[:100], department_id=item.owner.department_id, staff_id=item.owner_id
    )


def action_item_overdue_record(timer: Timer) -> None:
    """The day an action item fell overdue, in its history (R-MTG-3)."""
    item = ActionItem.objects.filter(pk=timer.subject_id).first()
    if item is not None:
        record(
            subject=item,
            action="action_item_overdue",
            changes={"deadline": timer.deadline, "owner": item.owner_id},
            rule="R-MTG-3",
        )
