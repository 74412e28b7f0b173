"""The clock of a case: its working-day timer started, stopped and resumed for special procedures, extended,
followed through calendar changes, and the overdue record (R-CLK-4..9, R-CASE-5, R-CASE-11).

A case's clock is its `workdays.Timer` (kind "case"): `clock_start` starts it when the case is accepted (called by
intake inside its own transaction; the acceptance event carries the deadline), and every service here changes it
only through `workdays.timers` (stop, resume, a new budget), which rewrites the stored deadline from the budget
and the ledger (`workdays.timer.derive`) — never by editing a date:

- special procedures (R-CLK-4) stop the timer: state SUSPENDED; on resumption the deadline moves by the working
  days spent suspended. Only hearing, bidding, auction, testing, quarantine, appraisal and expert review stop it
  (`cases.clock.stops_the_clock`); a site survey or a collective deliberation is part of the limit. A procedure
  started after the deadline has passed is recorded and told to the applicant, but gives back no time: the
  case stays red until it is decided;
- extensions (R-CLK-5) and a green-channel target (R-CASE-11) change the budget (`clock_budget_set`);
- a reported case (报批件, R-CASE-5) forwarded to a higher authority stops the timer while the file is with the
  authority (state SUSPENDED, like a special procedure) and resumes it when it comes back, so that the window's
  limit and the authority's time are counted apart;
- a calendar change rederives every timer in `workdays` (`workdays.timers.timers_recompute_for_center`); the
  case's owner hook `case_timer_recomputed` writes a `deadline_recomputed` event for each case whose deadline
  moved;
- when a case falls overdue, `case_overdue_record` (the owner hook the daily sweep and a late finish call)
  stores who answered for it that day (R-CLK-9).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import CaseType, SpecialProcedureKind
from common.errors import RuleViolation
from common.i18n import stored
from org.models import StaffProfile
from org.services import post_holder_at
from policy.selectors import policy_value
from workdays.clock import WorkCalendar
from workdays.hooks import Responsible
from workdays.models import Timer, TimerKind
from workdays.selectors import calendar_for, working_hours_for, yellow_days_for
from workdays.timer import ONE_DAY, TimerView, subtract_working_days
from workdays.timers import timer_resume, timer_set_budget, timer_start, timer_stop

from .. import milestones as notify
from ..acting import COORDINATION, EXTENSION_APPROVER, WINDOW, Acting
from ..clock import REPORTED_UP as REPORTED_UP_SPAN
from ..clock import budget_days, stops_the_clock
from ..models import (
    NOT_NUMBERED,
    ActingAs,
    Case,
    CaseEvent,
    CaseState,
    CaseStep,
    Extension,
    ExtensionRequest,
    ExtensionRequestStatus,
    Notice,
    NoticeKind,
    Overdue,
    Suspension,
)
from ..selectors.clock import REPORT_ACTIONS, REPORT_RETURNED, REPORTED_UP, report_spans_from
from .events import case_change, case_moment, lock_case, lock_case_as
from .notice_delivery import notice_delivery_record
from .numbering import next_number


def _dates(view: TimerView | None) -> dict[str, Any]:
    """What an event records of the clock."""
    if view is None:
        return {"deadline": None, "warn_from": None}
    return {"deadline": view.deadline, "warn_from": view.warn_from}


# --- start, budget, recompute ---------------------------------------------------------------------------


def case_budget(case: Case) -> int:
    """The working days the case's timer allows now (R-CLK-5, R-CLK-8, R-CASE-11)."""
    return budget_days(
        case_type=case.case_type,
        limit_days=case.limit_days,
        extension_days=case.extension_days,
        priority_target_days=case.priority_target_days if case.is_priority else None,
    )


def case_yellow_days(case: Case) -> int:
    """The yellow threshold of the policy in force on the acceptance date (R-CLK-6)."""
    assert case.accepted_on is not None
    return yellow_days_for(center=case.center, limit_days=case.limit_days, on=case.accepted_on)


def case_timer_new(case: Case) -> Timer:
    """The timer of a case being accepted (R-CLK-2, R-CLK-8, R-CASE-11), inserted but not yet linked: the
    accepting service links it in the case's own UPDATE. Call inside that service's transaction, with
    `accepted_on` (and `limit_days`) set on the locked case. An immediate item (R-CLK-8) is due on its
    acceptance day (the next working day when accepted on a rest day); a green-channel case with a shorter
    target keeps the target (R-CASE-11)."""
    if case.accepted_on is None or case.pk is None:
        raise ValueError("a case's timer starts when the saved case is accepted")
    return timer_start(
        center=case.center,
        kind=TimerKind.CASE,
        subject_id=case.pk,
        started_on=case.accepted_on,
        budget_days=case_budget(case),
        yellow_days=case_yellow_days(case),
    )


def clock_start(*, case: Case) -> Timer:
    """`case_timer_new`, linked to the case at once (for a case accepted outside intake's own UPDATE). No
    event: the acceptance event carries the deadline."""
    timer = case_timer_new(case)
    case.timer = timer
    Case.objects.filter(pk=case.pk).update(timer=timer)
    return timer


def clock_budget_set(*, case: Case, actor: StaffProfile | None, reason: str, at: datetime) -> bool:
    """Give the locked case's timer its budget as the case now stands (after an extension or a green-channel
    target); when the deadline moved, write a `deadline_recomputed` event. Returns whether it moved. Call inside
    the caller's transaction."""
    timer = case.timer
    if timer is None or timer.state == "finished":
        return False
    old = {"deadline": timer.deadline, "warn_from": timer.warn_from}
    view = timer_set_budget(timer=timer, budget_days=case_budget(case))
    if _dates(view) == old:
        return False
    case_change(
        case=case,
        action="deadline_recomputed",
        actor=actor,
        reason=reason,
        data={
            "old_deadline": old["deadline"],
            "new_deadline": view.deadline,
            "old_warn_from": old["warn_from"],
            "new_warn_from": view.warn_from,
            "provisional": view.provisional,
        },
        at=at,
    )
    return True


def case_timer_recomputed(timer: Timer, *, old: dict[str, Any], reason: str) -> None:
    """The owner hook of case timers (registered in `CasesConfig.ready`): the calendar moved this case's
    deadline (R-CLK-3); write it into the case's history, in the calendar write's transaction."""
    case = lock_case(Case(pk=timer.subject_id))
    case.timer = timer
    case_change(
        case=case,
        action="deadline_recomputed",
        actor=None,
        reason=reason,
        data={
            "old_deadline": old["deadline"],
            "new_deadline": timer.deadline,
            "old_warn_from": old["warn_from"],
            "new_warn_from": timer.warn_from,
            "provisional": timer.provisional,
        },
    )


def clock_recompute(*, case: Case) -> bool:
    """Rederive the stored clock of an open case from its ledger (as the calendar stands now); when it moved,
    store it with a `deadline_recomputed` event. Returns whether it moved. Normally nothing moves: every change
    rederives at once; this is for checks and repairs."""
    with transaction.atomic():
        case = lock_case(case)
        timer = case.timer
        if timer is None or timer.state == "finished":
            return False
        old = {"deadline": timer.deadline, "warn_from": timer.warn_from}
        from workdays.timers import timer_recompute

        before, after = timer_recompute(timer=timer)
        if before == after:
            return False
        case_timer_recomputed(timer, old=old, reason=stored(_("期限重算")))
        return True


# --- overdue accountability (R-CLK-9) --------------------------------------------------------------------


def _closing(case: Case, day: Any) -> datetime:
    """The moment the case's last day ended: the close of the centre's working hours on `day`."""
    hours = working_hours_for(case.center, day)
    return timezone.make_aware(datetime.combine(day, hours.afternoon_end))


def _answering(case: Case, moment: datetime) -> tuple[Any, StaffProfile | None, str]:
    """Who answered for `case` at `moment`: (the post of the step then running, its holder then — A, or the B
    covering while A was away, R-ORG-7 — and as what); without a post, the case's handler as it stands."""
    step = (
        CaseStep.objects.filter(case=case, started_at__lte=moment)
        .filter(Q(finished_at=None) | Q(finished_at__gt=moment))
        .select_related("post__holder_a")
        .order_by("order")
        .first()
    )
    post = step.post if step is not None else None
    if post is None:
        return None, case.responsible, case.responsible_acting_as or ""
    holder = post_holder_at(post, moment)
    # Nobody on duty at the post: its A answers for it (as step_complete names them).
    return (post, holder.staff, holder.acting_as) if holder else (post, post.holder_a, "A")


def case_warning_responsible(timer: Timer, *, on: date) -> Responsible:
    """The owner hook of case timers for the warning records (R-DATA-3, registered in `CasesConfig.ready`): the
    case's number (or its not-numbered label), its window's department, and who answered for it at the opening
    of the day it turned yellow or red (`_answering`)."""
    case = Case.objects.select_related("window", "center").get(pk=timer.subject_id)
    opening = timezone.make_aware(datetime.combine(on, working_hours_for(case.center, on).morning_start))
    _post, staff, _acting_as = _answering(case, opening)
    return Responsible(
        label=case.number or str(NOT_NUMBERED),
        department_id=case.window.department_id if case.window is not None else None,
        staff_id=staff.pk if staff is not None else None,
    )


def case_overdue_record(timer: Timer) -> Overdue | None:
    """The owner hook of case timers for the day a case fell overdue (registered in `CasesConfig.ready`):
    store who answered for it at the close of its last day — the holder then of the post of the step that was
    running (its A, or the B covering while A was away, R-ORG-7), else the case's handler as it stands.
    Called once per case, in the transaction that records the timer's `red_since`; never rewritten after."""
    case = lock_case(Case(pk=timer.subject_id))
    if Overdue.objects.filter(case=case).exists():
        return None
    assert timer.deadline is not None and timer.red_since is not None
    post, responsible, acting_as = _answering(case, _closing(case, timer.deadline))
    return Overdue.objects.create(
        center_id=case.center_id,
        case=case,
        deadline=timer.deadline,
        overdue_on=timer.red_since,
        window_id=case.window_id,
        post=post,
        responsible=responsible,
        acting_as=acting_as or "",
        recorded_at=timezone.now(),
    )


# --- special procedures (R-CLK-4) ------------------------------------------------------------------------


def _open_suspension(case: Case) -> Suspension | None:
    return Suspension.objects.filter(case=case, ended_on=None).first()


def special_procedure_start(
    *,
    actor: StaffProfile,
    case: Case,
    kind: str,
    reason: str,
    expected_days: int,
    at: datetime | None = None,
    expected_revision: int | None = None,
) -> Suspension:
    """Stop the clock for a special procedure listed for the item (R-CLK-4): state SUSPENDED, the deadline
    cleared, and a numbered written notice to the applicant stating the procedure, the reason and the
    expected duration (its delivery is recorded with `special_procedure_notice_delivered`)."""
    at = case_moment(at)
    reason = (reason or "").strip()
    with transaction.atomic():
        case, permit = lock_case_as(WINDOW, case, actor=actor, at=at, expected_revision=expected_revision)
        acting_as = permit.acting_as
        if case.state != CaseState.ACCEPTED:
            raise RuleViolation("R-CLK-4", _("只有已受理、正在办理的办件可以启动特别程序。"))
        if kind not in (case.version.special_procedures or []):
            raise RuleViolation(
                "R-CLK-4", _("该事项的服务指南未列明此特别程序，不能暂停计时。"), field="kind"
            )
        if not stops_the_clock(kind):
            raise RuleViolation(
                "R-CLK-4",
                _(
                    "现场勘查、集体讨论所需时间计入办理时限，不暂停计时；只有听证、招标、拍卖、检验、检疫、鉴定、专家评审暂停计时。"
                ),
                field="kind",
            )
        if not reason:
            raise RuleViolation("R-CLK-4", _("请写明启动特别程序的事由。"), field="reason")
        if not isinstance(expected_days, int) or isinstance(expected_days, bool) or expected_days < 1:
            raise RuleViolation(
                "R-CLK-4", _("须写明特别程序预计所需时间（至少1个工作日）。"), field="expected_days"
            )
        if expected_days > 32767:
            raise RuleViolation("R-CLK-4", _("预计所需时间过长。"), field="expected_days")
        today = timezone.localdate(at)
        assert case.accepted_on is not None
        if today < case.accepted_on:
            raise RuleViolation("R-CLK-4", _("特别程序不能早于受理日期开始。"), field="at")
        timer = case.timer
        assert timer is not None
        old_deadline = timer.deadline
        # The time had run out (the deadline has passed): the procedure runs, but the clock gives nothing back.
        stopped = timer_stop(timer=timer, on=today, reason=kind)
        remaining = stopped.remaining_at_stop if stopped.stopped else 0
        label = stored(SpecialProcedureKind(kind).label) if kind in SpecialProcedureKind.values else kind
        notice = Notice.objects.create(
            center=case.center,
            case=case,
            kind=NoticeKind.SPECIAL_PROCEDURE,
            number=next_number(center=case.center, kind=NoticeKind.SPECIAL_PROCEDURE, on=today),
            issued_at=at,
            issued_by=actor,
            body={
                "case_number": case.number,
                "kind": kind,
                "kind_label": label,
                "reason": reason,
                "expected_days": expected_days,
                "started_on": today.isoformat(),
                "remaining_days": remaining,
            },
        )
        suspension = Suspension.objects.create(
            case=case,
            kind=kind,
            reason=reason,
            started_on=today,
            expected_days=expected_days,
            notice=notice,
        )
        event = case_change(
            case=case,
            acting_as=acting_as,
            action="special_procedure_started",
            actor=actor,
            to_state=CaseState.SUSPENDED,
            reason=reason,
            data={
                "kind": kind,
                "expected_days": expected_days,
                "started_on": today,
                "notice": notice.number,
                "old_deadline": old_deadline,
                "remaining_days": remaining,
                "clock_stopped": stopped.stopped,
            },
            at=at,
        )
        notify.milestone_suspended(case=case, event=event, kind_label=label, expected_days=expected_days)
    return suspension


def special_procedure_notice_delivered(
    *,
    actor: StaffProfile,
    notice: Notice,
    method: str,
    at: datetime | None = None,
    expected_revision: int | None = None,
) -> Notice:
    """Record the delivery of a special-procedure notice to the applicant (R-CLK-4): the general
    `notice_delivery.notice_delivery_record` for this one kind."""
    return notice_delivery_record(
        actor=actor,
        notice=notice,
        method=method,
        at=at,
        expected_revision=expected_revision,
        kinds=frozenset({NoticeKind.SPECIAL_PROCEDURE}),
    )


def special_procedure_end(
    *,
    actor: StaffProfile,
    case: Case,
    result: str,
    at: datetime | None = None,
    expected_revision: int | None = None,
) -> Suspension:
    """End the running special procedure (R-CLK-4): the clock resumes on the local date of `at` (that day
    counts again), the case is back to ACCEPTED and its deadline moves by the working days it spent suspended."""
    at = case_moment(at)
    result = (result or "").strip()
    with transaction.atomic():
        case, permit = lock_case_as(WINDOW, case, actor=actor, at=at, expected_revision=expected_revision)
        acting_as = permit.acting_as
        suspension = _open_suspension(case) if case.state == CaseState.SUSPENDED else None
        if suspension is None:
            raise RuleViolation("R-CLK-4", _("该办件没有正在进行的特别程序。"))
        if not result:
            raise RuleViolation("R-CLK-4", _("请填写特别程序的结果。"), field="result")
        today = timezone.localdate(at)
        if today < suspension.started_on:
            raise RuleViolation("R-CLK-4", _("结束日期不能早于开始日期。"), field="at")
        suspension.ended_on = today
        suspension.result = result
        suspension.save(update_fields=["ended_on", "result"])
        assert case.timer is not None
        # The working days this span moved the deadline by (S..E-1, see workdays.timer).
        view, suspended_days = timer_resume(timer=case.timer, on=today)
        case_change(
            case=case,
            acting_as=acting_as,
            action="special_procedure_ended",
            actor=actor,
            to_state=CaseState.ACCEPTED,
            reason=result,
            data={
                "kind": suspension.kind,
                "started_on": suspension.started_on,
                "ended_on": today,
                "suspended_working_days": suspended_days,
                "new_deadline": view.deadline,
            },
            at=at,
        )
    return suspension


# --- extensions (R-CLK-5) --------------------------------------------------------------------------------
#
# The window asks (`extension_request`: days and reason); the head of the window's department approves it in
# their own login (`extension_approve`) or refuses it with a reason (`extension_refuse`); only an approval
# extends the limit and issues the extension notice to the applicant. A request by the head (or the chief
# representative) is approved as it is made. The rule of telling the applicant no later than
# `extension_notice_days_before` working day(s) before the deadline is checked on the request and again on the
# approval, when the applicant is told.


def extension_room(case: Case) -> int:
    """The working days still grantable: the item's maximum (the centre's default when the item names none)
    less what was granted already (R-CLK-5)."""
    maximum = case.version.max_extension_days or int(
        policy_value(case.center, "extension_default_days", case.accepted_on)
    )
    return max(0, maximum - case.extension_days)


def _check_extension(case: Case, *, days: int, reason: str, at: datetime) -> tuple[WorkCalendar, date]:
    """Refuse an extension of `days` for `reason` at `at` that R-CLK-5 does not allow: a case whose clock is
    not running, an item that may not be extended, more than what remains of the item's maximum, no reason,
    or an applicant who would be told later than the policy's working day(s) before the deadline. Returns the
    centre's calendar and the day the applicant is told."""
    if case.state != CaseState.ACCEPTED or case.deadline is None:
        raise RuleViolation("R-CLK-5", _("只有正在计时的办件可以延期。"))
    if not case.version.extension_allowed:
        raise RuleViolation("R-CLK-5", _("该事项依法不得延期。"))
    if not isinstance(days, int) or isinstance(days, bool) or days < 1:
        raise RuleViolation("R-CLK-5", _("延期天数至少为1个工作日。"), field="days")
    room = extension_room(case)
    if days > room:
        raise RuleViolation(
            "R-CLK-5",
            _("延期不得超过%(room)s个工作日（该事项最长延期的剩余天数）。") % {"room": room},
            field="days",
        )
    if not reason:
        raise RuleViolation("R-CLK-5", _("请写明延期理由。"), field="reason")
    calendar = calendar_for(case.center)
    today = timezone.localdate(at)
    before = int(policy_value(case.center, "extension_notice_days_before", today))
    last_day = subtract_working_days(calendar, case.deadline, before)
    if today > last_day:
        raise RuleViolation(
            "R-CLK-5",
            _("须在期限届满%(days)s个工作日前告知申请人（最迟%(last)s），现已不能延期。")
            % {"days": before, "last": last_day.isoformat()},
            field="at",
        )
    return calendar, today


def _extension_grant(
    *,
    case: Case,
    request: ExtensionRequest,
    approver: StaffProfile,
    acting_as: str,
    calendar: WorkCalendar,
    today: date,
    at: datetime,
) -> Extension:
    """Extend the locked, checked `case` by the approved `request`: the days go to the budget, the deadline is
    rederived, the extension notice is issued to the applicant and the approval is recorded."""
    days, reason = request.days, request.reason
    assert case.deadline is not None and case.timer is not None
    old_deadline = case.deadline
    case.extension_days += days
    view = timer_set_budget(timer=case.timer, budget_days=case_budget(case))
    notice = Notice.objects.create(
        center=case.center,
        case=case,
        kind=NoticeKind.EXTENSION,
        number=next_number(center=case.center, kind=NoticeKind.EXTENSION, on=today),
        issued_at=at,
        issued_by=approver,
        body={
            "case_number": case.number,
            "days": days,
            "reason": reason,
            "old_deadline": old_deadline.isoformat(),
            "new_deadline": view.deadline.isoformat() if view.deadline else None,
            "approved_by": approver.name,
        },
    )
    extension = Extension.objects.create(
        case=case,
        days=days,
        reason=reason,
        approved_by=approver,
        approved_at=at,
        applicant_told_on=today,
        notice=notice,
    )
    request.status = ExtensionRequestStatus.APPROVED
    request.decided_by = approver
    request.decided_at = at
    request.extension = extension
    if request.pk is None:
        request.save()
    else:
        request.save(update_fields=["status", "decided_by", "decided_at", "extension"])
    event = case_change(
        case=case,
        action="extension_granted",
        actor=approver,
        acting_as=acting_as,
        reason=reason,
        data={
            "days": days,
            "request": request.pk,
            "requested_by": request.requested_by_id,
            "approved_by": approver.pk,
            "notice": notice.number,
            "old_deadline": old_deadline,
            "new_deadline": view.deadline,
        },
        fields={"extension_days": case.extension_days},
        at=at,
    )
    notify.milestone_extended(case=case, event=event, days=days, new_deadline=view.deadline)
    return extension


def extension_request(
    *,
    actor: StaffProfile,
    case: Case,
    days: int,
    reason: str,
    at: datetime | None = None,
    expected_revision: int | None = None,
) -> ExtensionRequest:
    """Ask to extend the limit of a running case by `days` working days for `reason` (R-CLK-5): the request
    waits for the head of the window's department, who approves or refuses it in their own login. Made by the
    head (or the chief representative), it is approved at once. Refused when an extension of that length could
    not be granted now (`_check_extension`) or another request is waiting."""
    at = case_moment(at)
    reason = (reason or "").strip()
    with transaction.atomic():
        case = lock_case(case, expected_revision=expected_revision)
        acting = Acting.on_case(actor=actor, case=case, moment=at)
        acting_as = WINDOW.check(acting).acting_as
        calendar, today = _check_extension(case, days=days, reason=reason, at=at)
        if ExtensionRequest.objects.filter(case=case, status=ExtensionRequestStatus.PENDING).exists():
            raise RuleViolation("R-CLK-5", _("该办件已有待批准的延期申请，请待窗口机关负责人处理。"))
        request = ExtensionRequest(case=case, days=days, reason=reason, requested_by=actor, requested_at=at)
        if EXTENSION_APPROVER.allows(acting):
            _extension_grant(
                case=case,
                request=request,
                approver=actor,
                acting_as=ActingAs.OTHER,
                calendar=calendar,
                today=today,
                at=at,
            )
            return request
        request.save()
        case_change(
            case=case,
            action="extension_requested",
            actor=actor,
            acting_as=acting_as,
            reason=reason,
            data={"request": request.pk, "days": days},
            at=at,
        )
    return request


def _pending(request: ExtensionRequest) -> ExtensionRequest:
    """The request locked, refused unless it still waits for a decision."""
    locked = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
    if not locked.is_pending:
        raise RuleViolation("R-CLK-5", _("该延期申请已处理。"))
    return locked


def extension_approve(
    *,
    actor: StaffProfile,
    extension_request: ExtensionRequest,
    at: datetime | None = None,
    expected_revision: int | None = None,
) -> Extension:
    """The head of the window's department approves a waiting request (R-CLK-5): checked again as of now (the
    applicant is told now), then the limit is extended and the extension notice issued."""
    at = case_moment(at)
    with transaction.atomic():
        case, permit = lock_case_as(
            EXTENSION_APPROVER,
            extension_request.case,
            actor=actor,
            at=at,
            expected_revision=expected_revision,
        )
        acting_as = permit.acting_as
        request = _pending(extension_request)
        calendar, today = _check_extension(case, days=request.days, reason=request.reason, at=at)
        return _extension_grant(
            case=case,
            request=request,
            approver=actor,
            acting_as=acting_as,
            calendar=calendar,
            today=today,
            at=at,
        )


def extension_refuse(
    *,
    actor: StaffProfile,
    extension_request: ExtensionRequest,
    reason: str,
    at: datetime | None = None,
    expected_revision: int | None = None,
) -> ExtensionRequest:
    """The head of the window's department refuses a waiting request, with the reason (R-CLK-5); the limit is
    unchanged."""
    at = case_moment(at)
    reason = (reason or "").strip()
    with transaction.atomic():
        case, permit = lock_case_as(
            EXTENSION_APPROVER,
            extension_request.case,
            actor=actor,
            at=at,
            expected_revision=expected_revision,
        )
        acting_as = permit.acting_as
        request = _pending(extension_request)
        if not reason:
            raise RuleViolation("R-CLK-5", _("请写明不予批准的理由。"), field="reason")
        request.status = ExtensionRequestStatus.REFUSED
        request.decided_by = actor
        request.decided_at = at
        request.refusal_reason = reason
        request.save(update_fields=["status", "decided_by", "decided_at", "refusal_reason"])
        case_change(
            case=case,
            action="extension_refused",
            actor=actor,
            acting_as=acting_as,
            reason=reason,
            data={"request": request.pk, "days": request.days, "requested_by": request.requested_by_id},
            at=at,
        )
    return request


def extension_file(
    *,
    actor: StaffProfile,
    extension: Extension,
    at: datetime | None = None,
    expected_revision: int | None = None,
) -> Extension:
    """Record the filing (备案) of an extension with the centre's coordination section (R-CLK-5). A stale
    `expected_revision` (the case changed since the page or client read it) is a conflict."""
    at = case_moment(at)
    with transaction.atomic():
        case, permit = lock_case_as(
            COORDINATION, extension.case, actor=actor, at=at, expected_revision=expected_revision
        )
        acting_as = permit.acting_as
        extension = Extension.objects.select_for_update().get(pk=extension.pk)
        if extension.filed_at is not None:
            raise RuleViolation("R-CLK-5", _("该延期已备案。"))
        extension.filed_at = at
        extension.save(update_fields=["filed_at"])
        case_change(
            case=case,
            action="extension_filed",
            actor=actor,
            acting_as=acting_as,
            data={"extension": extension.pk, "days": extension.days},
            at=at,
        )
    return extension


# --- reported cases (R-CASE-5) -----------------------------------------------------------------------------


def case_report_up(
    *,
    actor: StaffProfile,
    case: Case,
    authority: str,
    at: datetime | None = None,
    expected_revision: int | None = None,
) -> Case:
    """Forward a reported case (报批件) to the higher authority (R-CASE-5): the window's clock stops (state
    SUSPENDED) until the file comes back; the event records whether the window forwarded within its limit."""
    at = case_moment(at)
    authority = (authority or "").strip()
    with transaction.atomic():
        case, permit = lock_case_as(WINDOW, case, actor=actor, at=at, expected_revision=expected_revision)
        acting_as = permit.acting_as
        if case.case_type != CaseType.REPORTED:
            raise RuleViolation("R-CASE-5", _("只有报批件需要上报上级机关。"))
        if case.state != CaseState.ACCEPTED or case.deadline is None:
            raise RuleViolation("R-CASE-5", _("只有正在办理的办件可以上报。"))
        if not authority:
            raise RuleViolation("R-CASE-5", _("请填写上报的上级机关。"), field="authority")
        if len(authority) > 100:
            raise RuleViolation("R-CASE-5", _("上级机关名称过长（最多100个字）。"), field="authority")
        today = timezone.localdate(at)
        assert case.accepted_on is not None
        if today < case.accepted_on:
            raise RuleViolation("R-CASE-5", _("上报日期不能早于受理日期。"), field="at")
        assert case.timer is not None
        window_deadline = case.deadline
        stopped = timer_stop(timer=case.timer, on=today, reason=REPORTED_UP_SPAN)
        case_change(
            case=case,
            acting_as=acting_as,
            action=REPORTED_UP,
            actor=actor,
            to_state=CaseState.SUSPENDED,
            data={
                "authority": authority,
                "sent_on": today,
                "window_deadline": window_deadline,
                "within_window_limit": today <= window_deadline,
                "remaining_days": stopped.remaining_at_stop if stopped.stopped else 0,
            },
            at=at,
        )
    return case


def case_report_returned(
    *,
    actor: StaffProfile,
    case: Case,
    result: str = "",
    at: datetime | None = None,
    expected_revision: int | None = None,
) -> Case:
    """The higher authority's answer is back (R-CASE-5): the window's clock resumes on the local date of `at`;
    the working days the file spent with the authority are recorded apart and move the window's deadline."""
    at = case_moment(at)
    with transaction.atomic():
        case, permit = lock_case_as(WINDOW, case, actor=actor, at=at, expected_revision=expected_revision)
        acting_as = permit.acting_as
        spans = report_spans_from(CaseEvent.objects.filter(case=case, action__in=REPORT_ACTIONS))
        if case.state != CaseState.SUSPENDED or not spans or spans[-1][2] is not None:
            raise RuleViolation("R-CASE-5", _("该办件没有在上级机关审批中。"))
        authority, sent_on, _returned = spans[-1]
        today = timezone.localdate(at)
        if today < sent_on:
            raise RuleViolation("R-CASE-5", _("退回日期不能早于上报日期。"), field="at")
        authority_days = calendar_for(case.center).count_working_days(sent_on - ONE_DAY, today - ONE_DAY)
        assert case.timer is not None
        view, _moved = timer_resume(timer=case.timer, on=today)
        case_change(
            case=case,
            acting_as=acting_as,
            action=REPORT_RETURNED,
            actor=actor,
            to_state=CaseState.ACCEPTED,
            reason=(result or "").strip(),
            data={
                "authority": authority,
                "sent_on": sent_on,
                "returned_on": today,
                "authority_working_days": authority_days,
                "new_deadline": view.deadline,
            },
            at=at,
        )
    return case
