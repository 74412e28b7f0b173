"""Leave (R-ATT-3 … R-ATT-6, R-ATT-8, R-ATT-9; R-ORG-7): request, approval by tier, B cover, hand-over, return.

A request names a B for each post the person holds as A; each B must be on duty for the whole period — no
absence and no other leave of theirs overlapping it, checked as ranges (R-ATT-5). The tier of approvers follows
the length in working days (R-ATT-4, policy values); each approver acts in order. On the last approval an
`org.Absence` is recorded for the period, so that everything that routes A's work to B (`cases.acting`,
`org.services.duty`) sees it, and the open cases of each post are recorded as handed over (R-ATT-9). The return
(销假) ends that absence at the moment it is recorded (R-ATT-6).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import OPEN_STATE_VALUES, Case
from common.errors import RuleViolation
from common.files import DOCUMENTS, check_upload, original_name, prepare
from common.history import record
from org.access import has_role
from org.models import (
    Absence,
    AbsenceKind,
    Post,
    PostHolding,
    PostRole,
    Role,
    RoleGrant,
    StaffProfile,
    Window,
    held_at,
)
from org.services.absences import absence_cancel, absence_end, absence_record
from policy.selectors import policy_value
from workdays.selectors import calendar_for, working_hours_for

from ..models import (
    ApproverKind,
    HalfDay,
    LeaveApproval,
    LeaveCover,
    LeaveHandOver,
    LeaveKind,
    LeaveRequest,
    LeaveState,
    ReturnHow,
)
from ._common import text, user_of

# --- the period, its length and its tier (R-ATT-3, R-ATT-4, R-ATT-8) -----------------------------------


@dataclass(frozen=True)
class Period:
    starts_at: datetime
    ends_at: datetime
    half_days: int


def leave_period(center: Any, start_date: date, start_half: str, end_date: date, end_half: str) -> Period:
    """The planned period and its length in working half-days: the first half-day's start to the last
    half-day's end; non-working days are not counted (R-ATT-3). Refused when it holds no working half-day."""
    if start_half not in HalfDay.values or end_half not in HalfDay.values:
        raise RuleViolation("R-ATT-3", _("请选择上午或下午。"), field="start_half")
    if (end_date, end_half) < (start_date, start_half):
        raise RuleViolation("R-ATT-3", _("结束时间不能早于开始时间。"), field="end_date")
    calendar = calendar_for(center)
    half_days = 2 * calendar.count_working_days(start_date - timedelta(days=1), end_date)
    if calendar.is_working_day(start_date) and start_half == HalfDay.AFTERNOON:
        half_days -= 1
    if calendar.is_working_day(end_date) and end_half == HalfDay.MORNING:
        half_days -= 1
    if half_days <= 0:
        raise RuleViolation("R-ATT-3", _("所选期间没有工作日，无需请假。"), field="start_date")
    tz = timezone.get_current_timezone()
    first = working_hours_for(center, start_date)
    last = working_hours_for(center, end_date)
    start_time = first.morning_start if start_half == HalfDay.MORNING else first.afternoon_start
    end_time = last.morning_end if end_half == HalfDay.MORNING else last.afternoon_end
    return Period(
        starts_at=datetime.combine(start_date, start_time, tzinfo=tz),
        ends_at=datetime.combine(end_date, end_time, tzinfo=tz),
        half_days=half_days,
    )


def approval_steps(center: Any, half_days: int, window: Window | None, on: date) -> list[str]:
    """Who approves, in order (R-ATT-4): up to the supervision tier the supervision section; from the director
    tier the window head (or chief representative) signs first, then the director; in between the deputy in
    charge. The limits are policy values in half-days."""
    if half_days <= int(policy_value(center, "leave_supervision_max_half_days", on)):
        return [ApproverKind.SUPERVISION]
    if half_days >= int(policy_value(center, "leave_director_min_half_days", on)):
        first = ApproverKind.WINDOW_HEAD if window is not None else ApproverKind.DEPUTY
        return [first, ApproverKind.DIRECTOR]
    return [ApproverKind.DEPUTY]


def is_official(center: Any, kind: str, on: date) -> bool:
    """公假 or 私假 (R-ATT-8), from the centre's policy table."""
    return bool(policy_value(center, f"leave_official_{kind}", on))


# --- who may act ----------------------------------------------------------------------------------------------


def _profile(actor: Any) -> StaffProfile:
    profile = getattr(actor, "staff_profile", None) if getattr(actor, "is_authenticated", False) else None
    if profile is None:
        raise RuleViolation("R-ATT-3", _("只有工作人员本人可以请假。"), code="no_profile")
    return profile


def may_decide(actor: Any, leave: LeaveRequest, approver_kind: str) -> bool:
    """Whether `actor` is the approver a step names (R-ATT-4). Nobody approves their own leave."""
    profile = getattr(actor, "staff_profile", None) if getattr(actor, "is_authenticated", False) else None
    if profile is not None and profile.pk == leave.staff_id:
        return False
    center = leave.center
    window = leave.window
    if approver_kind == ApproverKind.SUPERVISION:
        return has_role(actor, center, {Role.SUPERVISION})
    if approver_kind == ApproverKind.DIRECTOR:
        return has_role(actor, center, {Role.DIRECTOR})
    if approver_kind == ApproverKind.DEPUTY:
        if window is not None and window.deputy_in_charge_id is not None:
            return profile is not None and profile.pk == window.deputy_in_charge_id
        return has_role(actor, center, {Role.DEPUTY})
    if approver_kind == ApproverKind.WINDOW_HEAD:
        return (
            profile is not None
            and window is not None
            and profile.pk in {window.head_id, window.chief_representative_id}
        )
    return False


def may_record_return(actor: Any, leave: LeaveRequest) -> bool:
    """The supervision section or a leader who approved the leave records its return (R-ATT-6)."""
    if has_role(actor, leave.center, {Role.SUPERVISION}):
        return True
    profile = getattr(actor, "staff_profile", None) if getattr(actor, "is_authenticated", False) else None
    return profile is not None and leave.approvals.filter(approver=profile, decision="approved").exists()


def current_step(leave: LeaveRequest) -> LeaveApproval | None:
    if leave.state != LeaveState.PENDING:
        return None
    return leave.approvals.filter(decision="").order_by("step").first()


# --- B cover (R-ATT-5) ----------------------------------------------------------------------------------------


def posts_held_as_a(staff: StaffProfile, moment: datetime) -> list[Post]:
    ids = PostHolding.objects.filter(held_at(moment), staff=staff, role=PostRole.A).values_list(
        "post_id", flat=True
    )
    return list(
        Post.objects.filter(pk__in=list(ids)).select_related("window").order_by("window__number", "name")
    )


def backups_of(post: Post, moment: datetime) -> list[StaffProfile]:
    rows = PostHolding.objects.filter(held_at(moment), post=post, role=PostRole.B).select_related("staff")
    return [row.staff for row in rows.order_by("order", "id")]


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def away_conflict(
    staff: StaffProfile, starts_at: datetime, ends_at: datetime, *, exclude: LeaveRequest | None = None
) -> str | None:
    """Why `staff` is not on duty for some of [starts_at, ends_at), or None: an absence (an approved leave is
    one) or a pending leave overlapping the range. Duty rosters are not consulted here."""
    if not staff.is_active:
        return _("%(name)s已停用") % {"name": staff.name}
    absences = Absence.objects.filter(
        staff=staff, cancelled_at=None, starts_at__lt=ends_at, ends_at__gt=starts_at
    )
    if exclude is not None and exclude.absence_id is not None:
        absences = absences.exclude(pk=exclude.absence_id)
    absence = absences.order_by("starts_at").first()
    if absence is not None:
        return _("%(name)s在%(start)s至%(end)s%(kind)s") % {
            "name": staff.name,
            "start": _local(absence.starts_at),
            "end": _local(absence.ends_at),
            "kind": absence.get_kind_display(),
        }
    pending = LeaveRequest.objects.filter(
        staff=staff, state=LeaveState.PENDING, starts_at__lt=ends_at, ends_at__gt=starts_at
    )
    if exclude is not None:
        pending = pending.exclude(pk=exclude.pk)
    other = pending.order_by("starts_at").first()
    if other is not None:
        return _("%(name)s已申请%(start)s至%(end)s的%(kind)s") % {
            "name": staff.name,
            "start": _local(other.starts_at),
            "end": _local(other.ends_at),
            "kind": other.get_kind_display(),
        }
    return None


def _check_covers(
    leave_staff: StaffProfile,
    covers: dict[Post, StaffProfile],
    period: Period,
    now: datetime,
    *,
    exclude: LeaveRequest | None = None,
) -> None:
    for post, backup in covers.items():
        conflict = away_conflict(backup, period.starts_at, period.ends_at, exclude=exclude)
        if conflict is not None:
            raise RuleViolation(
                "R-ATT-5",
                _("岗位“%(post)s”的B角不能在整个请假期间在岗：%(conflict)s。请先落实AB岗。")
                % {"post": post.name, "conflict": conflict},
                field="covers",
                code="backup_away",
            )


# --- request ---------------------------------------------------------------------------------------------


def _window_of(staff: StaffProfile, posts: list[Post]) -> Window | None:
    if posts:
        return posts[0].window
    if staff.user_id is None:
        return None
    grant = (
        RoleGrant.objects.filter(user_id=staff.user_id, revoked_at=None, window__isnull=False)
        .select_related("window")
        .first()
    )
    return grant.window if grant is not None else None


@transaction.atomic
def leave_request(
    *,
    actor: Any,
    kind: str,
    start_date: date,
    start_half: str,
    end_date: date,
    end_half: str,
    reason: str,
    covers: dict[int, int] | None = None,
    attachment: Any = None,
    outing_entry: str = "",
    at: datetime | None = None,
) -> LeaveRequest:
    """A staff member's own leave request (R-ATT-3), naming a B for each post they hold as A (R-ATT-5)."""
    staff = _profile(actor)
    center = staff.center
    now = moment_of(at)
    if kind not in LeaveKind.values:
        raise RuleViolation("R-ATT-3", _("请假类别无效。"), field="kind")
    reason = text(reason)
    if not reason:
        raise RuleViolation("R-ATT-3", _("请填写请假事由。"), field="reason")
    outing_entry = text(outing_entry)
    if kind == LeaveKind.OUTING and not outing_entry:
        raise RuleViolation("R-ATT-3", _("因公临时外出须填写外出登记（去向及事由）。"), field="outing_entry")
    if kind == LeaveKind.SICK and not attachment:
        raise RuleViolation("R-ATT-3", _("病假须附医院证明。"), field="attachment")
    period = leave_period(center, start_date, start_half, end_date, end_half)
    if period.ends_at <= now:
        raise RuleViolation("R-ATT-3", _("请假须在离岗前申请，不能补请已经过去的期间。"), field="start_date")
    # The person's own leave and absences may not overlap the period (one leave at a time).
    own = away_conflict(staff, period.starts_at, period.ends_at)
    if own is not None:
        raise RuleViolation(
            "R-ATT-5", _("与本人已有的请假或离岗重叠：%(conflict)s。") % {"conflict": own}, code="own_overlap"
        )
    # Someone named to cover another's leave in that period may not leave then (先落实AB岗).
    covering = (
        LeaveCover.objects.filter(
            backup=staff,
            leave__state__in=(LeaveState.PENDING, LeaveState.APPROVED),
            leave__starts_at__lt=period.ends_at,
            leave__ends_at__gt=period.starts_at,
        )
        .select_related("leave__staff", "post")
        .first()
    )
    if covering is not None:
        raise RuleViolation(
            "R-ATT-5",
            _("您已被指定在%(start)s至%(end)s为%(name)s的岗位“%(post)s”顶岗，该期间不能请假。")
            % {
                "start": _local(covering.leave.starts_at),
                "end": _local(covering.leave.ends_at),
                "name": covering.leave.staff.name,
                "post": covering.post.name,
            },
            code="covering",
        )
    # A named B for each post held as A, who is one of the post's Bs and on duty the whole period.
    posts = posts_held_as_a(staff, now)
    given = covers or {}
    chosen: dict[Post, StaffProfile] = {}
    for post in posts:
        backup_id = given.get(post.pk)
        if not backup_id:
            raise RuleViolation(
                "R-ATT-5", _("请为岗位“%(post)s”指定顶岗的B角。") % {"post": post.name}, field="covers"
            )
        backup = next((b for b in backups_of(post, now) if b.pk == int(backup_id)), None)
        if backup is None or backup.pk == staff.pk:
            raise RuleViolation(
                "R-ATT-5", _("所选人员不是岗位“%(post)s”的B角。") % {"post": post.name}, field="covers"
            )
        chosen[post] = backup
    _check_covers(staff, chosen, period, now)
    window = _window_of(staff, posts)
    leave = LeaveRequest(
        center=center,
        staff=staff,
        window=window,
        kind=kind,
        official=is_official(center, kind, start_date),
        start_date=start_date,
        start_half=start_half,
        end_date=end_date,
        end_half=end_half,
        starts_at=period.starts_at,
        ends_at=period.ends_at,
        half_days=period.half_days,
        reason=reason,
        outing_entry=outing_entry,
        requested_at=now,
    )
    if attachment:
        file_kind = check_upload(
            attachment, kinds=DOCUMENTS, rule="R-ATT-3", field="attachment", what=_("请假证明")
        )
        leave.attachment_name = original_name(attachment, file_kind)
        leave.attachment = prepare(attachment, file_kind)
    leave.save()
    for step, approver_kind in enumerate(
        approval_steps(center, period.half_days, window, start_date), start=1
    ):
        LeaveApproval.objects.create(leave=leave, step=step, approver_kind=approver_kind)
    for post, backup in chosen.items():
        LeaveCover.objects.create(leave=leave, post=post, backup=backup)
    record(
        subject=staff,
        action="leave_request",
        actor=user_of(actor),
        changes={"leave": leave.pk, "kind": kind, "half_days": period.half_days},
        reason=reason,
        rule="R-ATT-3",
    )
    return leave


def moment_of(at: datetime | None) -> datetime:
    """The moment of a leave act: now, or `at` for a history played through the services (the demo's year, the
    tests); the pages and the API never pass it. A naive moment is a programming error."""
    if at is None:
        return timezone.now()
    if timezone.is_naive(at):
        raise ValueError("leave services take aware datetimes only")
    return at


def _lock(leave: LeaveRequest) -> LeaveRequest:
    return (
        LeaveRequest.objects.select_for_update(of=("self",))
        .select_related("center", "staff", "window")
        .get(pk=leave.pk)
    )


# --- approval (R-ATT-4), hand-over (R-ATT-9) ---------------------------------------------------------------


@transaction.atomic
def leave_decide(
    *, actor: Any, leave: LeaveRequest, approve: bool, note: str = "", at: datetime | None = None
) -> LeaveRequest:
    """The approver of the current step approves or refuses (R-ATT-4). The last approval re-checks the covers
    (R-ATT-5), records the absence and hands the open work over to B (R-ATT-9)."""
    leave = _lock(leave)
    step = current_step(leave)
    if step is None:
        raise RuleViolation("R-ATT-4", _("该请假不在审批中。"), code="not_pending")
    if not may_decide(actor, leave, step.approver_kind):
        raise RuleViolation(
            "R-ATT-4",
            _("该请假当前须由%(who)s审批，您不能审批。") % {"who": step.get_approver_kind_display()},
            code="wrong_approver",
        )
    note = text(note)
    now = moment_of(at)
    if not approve:
        if not note:
            raise RuleViolation("R-ATT-4", _("不批准时请填写理由。"), field="note")
        step.decision, step.decided_at, step.note = "refused", now, note
        step.approver = getattr(actor, "staff_profile", None)
        step.save()
        leave.state, leave.decided_at = LeaveState.REFUSED, now
        leave.save(update_fields=["state", "decided_at"])
        record(
            subject=leave.staff,
            action="leave_refuse",
            actor=user_of(actor),
            changes={"leave": leave.pk, "step": step.step},
            reason=note,
            rule="R-ATT-4",
        )
        return leave
    last = not leave.approvals.filter(decision="", step__gt=step.step).exists()
    if last:
        if leave.ends_at <= now:
            raise RuleViolation("R-ATT-4", _("请假期间已过，不能再批准。"), code="expired")
        covers = {cover.post: cover.backup for cover in leave.covers.select_related("post", "backup")}
        period = Period(leave.starts_at, leave.ends_at, leave.half_days)
        _check_covers(leave.staff, covers, period, now, exclude=leave)
    step.decision, step.decided_at, step.note = "approved", now, note
    step.approver = getattr(actor, "staff_profile", None)
    step.save()
    if last:
        _grant(leave, covers, now)
    record(
        subject=leave.staff,
        action="leave_approve",
        actor=user_of(actor),
        changes={"leave": leave.pk, "step": step.step},
        reason=note,
        rule="R-ATT-4",
    )
    return leave


def _grant(leave: LeaveRequest, covers: dict[Post, StaffProfile], now: datetime) -> None:
    """The leave is approved: an absence for its period (from now, when approved after it began — the past is
    not rewritten) naming the B of each post, so that the post's work goes to that B (R-ATT-9), and the
    hand-over of each post's open cases to them."""
    starts_at = max(leave.starts_at, now)
    absence = absence_record(
        actor=None,
        staff=leave.staff,
        kind=AbsenceKind.OUTING if leave.kind == LeaveKind.OUTING else AbsenceKind.LEAVE,
        starts_at=starts_at,
        ends_at=leave.ends_at,
        reason=_("%(kind)s：%(reason)s") % {"kind": leave.get_kind_display(), "reason": leave.reason},
        covers=covers,
        at=now,
    )
    leave.absence = absence
    leave.state, leave.decided_at = LeaveState.APPROVED, now
    leave.save(update_fields=["absence", "state", "decided_at"])
    for post, backup in covers.items():
        cases = list(
            Case.objects.filter(current_post=post, state__in=OPEN_STATE_VALUES)
            .order_by("id")
            .values_list("id", "number")
        )
        LeaveHandOver.objects.create(
            center=leave.center,
            leave=leave,
            post=post,
            from_staff=leave.staff,
            to_staff=backup,
            starts_at=starts_at,
            ends_at=leave.ends_at,
            case_ids=[pk for pk, _number in cases],
            case_numbers=[number for _pk, number in cases],
            case_count=len(cases),
            recorded_at=now,
        )


# --- return (R-ATT-6) and withdrawal ----------------------------------------------------------------------


@transaction.atomic
def leave_return(
    *, actor: Any, leave: LeaveRequest, how: str, note: str = "", at: datetime | None = None
) -> LeaveRequest:
    """The return (销假), recorded by the supervision section or an approving leader: the leave ends now (the
    absence ends at this moment); what was taken stays as it was (R-ATT-6)."""
    leave = _lock(leave)
    if not may_record_return(actor, leave):
        raise RuleViolation("R-ATT-6", _("销假须由稽查督办科或批准请假的领导登记。"), code="wrong_recorder")
    if leave.state != LeaveState.APPROVED or leave.absence_id is None:
        raise RuleViolation("R-ATT-6", _("只有已批准的请假可以销假。"), code="not_approved")
    if how not in ReturnHow.values:
        raise RuleViolation("R-ATT-6", _("请选择销假方式（当面或电话）。"), field="how")
    now = moment_of(at)
    absence = Absence.objects.get(pk=leave.absence_id)
    if absence.starts_at >= now:
        raise RuleViolation("R-ATT-6", _("请假尚未开始，不能销假；如不再请假，请撤回。"), code="not_started")
    note = text(note)
    if absence.ends_at > now:
        absence_end(actor=None, absence=absence, reason=note or _("销假"), at=now)
    leave.state = LeaveState.RETURNED
    leave.returned_at = now
    leave.return_how = how
    leave.return_recorded_by = getattr(actor, "staff_profile", None)
    leave.return_note = note
    leave.save(update_fields=["state", "returned_at", "return_how", "return_recorded_by", "return_note"])
    record(
        subject=leave.staff,
        action="leave_return",
        actor=user_of(actor),
        changes={"leave": leave.pk, "returned_at": now, "how": how},
        reason=note,
        rule="R-ATT-6",
    )
    return leave


@transaction.atomic
def leave_withdraw(*, actor: Any, leave: LeaveRequest, reason: str = "") -> LeaveRequest:
    """The person withdraws a request still in approval, or an approved leave that has not begun."""
    staff = _profile(actor)
    leave = _lock(leave)
    if leave.staff_id != staff.pk:
        raise RuleViolation("R-ATT-3", _("只能撤回本人的请假。"), code="not_own")
    now = timezone.now()
    if leave.state == LeaveState.APPROVED and leave.absence_id is not None:
        absence = Absence.objects.get(pk=leave.absence_id)
        if absence.starts_at < now:
            raise RuleViolation("R-ATT-6", _("请假已经开始，不能撤回，请销假。"), code="started")
        absence_cancel(actor=None, absence=absence, reason=text(reason) or _("撤回请假"))
    elif leave.state != LeaveState.PENDING:
        raise RuleViolation("R-ATT-3", _("该请假不能撤回。"), code="not_withdrawable")
    leave.state = LeaveState.WITHDRAWN
    leave.save(update_fields=["state"])
    record(
        subject=staff,
        action="leave_withdraw",
        actor=user_of(actor),
        changes={"leave": leave.pk},
        reason=text(reason),
        rule="R-ATT-3",
    )
    return leave
