"""The clock of a case: start, recompute, special procedures, extensions, reported cases (R-CLK-4..8, R-CASE-5).

The clock is a budget of working days and a ledger of suspended spans; `cases.clock.derive` turns them into the
deadline. The derived `deadline`, `warn_from` and `deadline_provisional` are stored on the case for the
database's sake (lists, dashboards, `cases.selectors.clock.annotate_warning`) and every service here rewrites
them from the ledger, never by editing a date:

- `clock_start` when a case is accepted (called by intake inside its own transaction; its event carries it);
- `clock_recompute` / `clocks_recompute_for_center` when the calendar changes (registered with
  `workdays.hooks` in `CasesConfig.ready`, run inside the calendar write's transaction): each case whose stored
  values change gets a `deadline_recomputed` event with the old and new dates and the reason;
- special procedures (R-CLK-4) stop the clock: state SUSPENDED, deadline cleared; on resumption the deadline
  moves by the working days spent suspended;
- extensions (R-CLK-5) add to the budget;
- a reported case (报批件, R-CASE-5) forwarded to a higher authority has done its part: the window's clock stops
  while the file is with the authority (state SUSPENDED, like a special procedure) and resumes when it comes
  back, so that the window's limit and the authority's time are counted apart. The span lives in the case's
  events (`reported_up` / `report_returned`), not in `Suspension`, which holds the special procedures only.

Green channel (R-CASE-11): a priority case with a target keeps the shorter of its budget and the target as its
stored deadline; the legal limit (`limit_days`) is untouched.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import CaseType, SpecialProcedureKind
from common.errors import RuleViolation
from common.i18n import stored
from org.models import Center, StaffProfile
from policy.selectors import policy_value
from workdays.clock import WorkCalendar
from workdays.selectors import calendar_for

from .. import milestones as notify
from ..acting import COORDINATION, EXTENSION_APPROVER, WINDOW, Acting
from ..clock import ONE_DAY, ClockView, subtract_working_days
from ..models import (
    ActingAs,
    Case,
    CaseEvent,
    CaseState,
    Extension,
    ExtensionRequest,
    ExtensionRequestStatus,
    Notice,
    NoticeKind,
    Suspension,
)
from ..selectors.clock import (
    REPORT_ACTIONS,
    REPORT_RETURNED,
    REPORTED_UP,
    Thresholds,
    case_spans,
    clock_view,
    report_spans_from,
    warning_thresholds,
)
from .events import case_change, case_moment, lock_case
from .numbering import next_number

CLOCK_FIELDS = ("deadline", "warn_from", "deadline_provisional")
DELIVERY_METHOD_MAX = 20


def _stored(view: ClockView) -> dict[str, Any]:
    return {"deadline": view.deadline, "warn_from": view.warn_from, "deadline_provisional": view.provisional}


def _current(case: Case) -> dict[str, Any]:
    return {name: getattr(case, name) for name in CLOCK_FIELDS}


# --- start and recompute --------------------------------------------------------------------------------


def clock_fields(case: Case) -> dict[str, Any]:
    """The stored clock fields of an accepted case (`accepted_on` set), derived from its budget and ledger;
    for a caller that passes them to `case_change(fields=...)` itself."""
    return _stored(clock_view(case, spans=[] if case.pk is None else None))


def clock_start(*, case: Case) -> None:
    """Set the deadline, warning date and provisional flag of a case being accepted (R-CLK-2, R-CLK-8).

    Call inside the accepting service's transaction, with `accepted_on` (and `limit_days`) already set on the
    locked case; the three fields are set on the instance and saved. No event: the acceptance event carries
    the deadline. An immediate item (R-CLK-8) is due on its acceptance day (the next working day when accepted
    on a rest day); a green-channel case with a shorter target keeps the target (R-CASE-11).
    """
    if case.accepted_on is None:
        raise ValueError("clock_start needs accepted_on")
    fields = clock_fields(case)
    for name, value in fields.items():
        setattr(case, name, value)
    if case.pk is not None:
        case.save(update_fields=list(fields))


def _apply_recompute(
    *, case: Case, reason: str, actor: StaffProfile | None, at: datetime | None, thresholds: Thresholds | None
) -> bool:
    if case.state not in (CaseState.ACCEPTED, CaseState.SUSPENDED) or case.accepted_on is None:
        return False
    new = _stored(clock_view(case, thresholds=thresholds))
    old = _current(case)
    if new == old:
        return False
    case_change(
        case=case,
        action="deadline_recomputed",
        actor=actor,
        reason=reason,
        data={
            "old_deadline": old["deadline"],
            "new_deadline": new["deadline"],
            "old_warn_from": old["warn_from"],
            "new_warn_from": new["warn_from"],
            "provisional": new["deadline_provisional"],
        },
        fields=new,
        at=at,
    )
    return True


def clock_recompute(
    *, case: Case, reason: str = "", actor: StaffProfile | None = None, at: datetime | None = None
) -> bool:
    """Rederive the stored clock of an open case from its ledger; when it changed, store it with a
    `deadline_recomputed` event (old and new deadline, `reason`). Returns whether it changed."""
    with transaction.atomic():
        locked = lock_case(case)
        return _apply_recompute(case=locked, reason=reason, actor=actor, at=at, thresholds=None)


def clocks_recompute_for_center(*, center: Center | None, reason: str) -> int:
    """Recompute every open case (accepted or suspended) of `center` (None: every centre) after the calendar
    changed (R-CLK-3): each case whose deadline or warning date moved gets a `deadline_recomputed` event.
    Returns the number of cases changed.

    The clocks are first derived from one read of the cases with their ledgers; only the cases whose stored
    values differ are then locked and rewritten.
    """
    cases = (
        Case.objects.filter(state__in=[CaseState.ACCEPTED, CaseState.SUSPENDED], accepted_on__isnull=False)
        .select_related("center")
        .prefetch_related(
            "suspensions",
            Prefetch(
                "events",
                queryset=CaseEvent.objects.filter(action__in=REPORT_ACTIONS),
                to_attr="report_events",
            ),
        )
        .order_by("pk")
    )
    if center is not None:
        cases = cases.filter(center=center)
    thresholds: dict[tuple[int, date], Thresholds] = {}
    stale: list[tuple[Case, Thresholds]] = []
    for case in cases:
        assert case.accepted_on is not None
        key = (case.center_id, case.accepted_on)
        if key not in thresholds:
            thresholds[key] = warning_thresholds(case.center, case.accepted_on)
        view = clock_view(case, calendar=calendar_for(case.center), thresholds=thresholds[key])
        if _stored(view) != _current(case):
            stale.append((case, thresholds[key]))
    changed = 0
    with transaction.atomic():
        for stale_case, case_thresholds in stale:
            locked = lock_case(stale_case)
            if _apply_recompute(case=locked, reason=reason, actor=None, at=None, thresholds=case_thresholds):
                changed += 1
    return changed


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
        case = lock_case(case, expected_revision=expected_revision)
        acting_as = WINDOW.permit(actor=actor, case=case, at=at).acting_as
        if case.state != CaseState.ACCEPTED:
            raise RuleViolation("R-CLK-4", _("只有已受理、正在办理的办件可以启动特别程序。"))
        if kind not in (case.version.special_procedures or []):
            raise RuleViolation(
                "R-CLK-4", _("该事项的服务指南未列明此特别程序，不能暂停计时。"), field="kind"
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
        before = clock_view(case)
        stopped = clock_view(case, spans=[*case_spans(case), (today, None)])
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
                "remaining_days": stopped.remaining_at_suspension,
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
            action="special_procedure_started",
            actor=actor,
            acting_as=acting_as,
            to_state=CaseState.SUSPENDED,
            reason=reason,
            data={
                "kind": kind,
                "expected_days": expected_days,
                "started_on": today,
                "notice": notice.number,
                "old_deadline": before.deadline,
                "remaining_days": stopped.remaining_at_suspension,
            },
            fields=_stored(stopped),
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
    """Record the delivery of a special-procedure notice to the applicant (R-CLK-4). A stale
    `expected_revision` (the case changed since the page or client read it) is a conflict."""
    at = case_moment(at)
    method = (method or "").strip()
    if not method:
        raise RuleViolation("R-CLK-4", _("请注明送达方式。"), field="method")
    if len(method) > DELIVERY_METHOD_MAX:
        raise RuleViolation("R-CLK-4", _("送达方式过长（最多20个字）。"), field="method")
    with transaction.atomic():
        case = lock_case(notice.case, expected_revision=expected_revision)
        acting_as = WINDOW.permit(actor=actor, case=case, at=at).acting_as
        notice = Notice.objects.select_for_update().get(pk=notice.pk)
        if notice.kind != NoticeKind.SPECIAL_PROCEDURE:
            raise RuleViolation("R-CLK-4", _("该文书不是特别程序告知书。"), field="notice")
        if notice.delivered_at is not None:
            raise RuleViolation("R-CLK-4", _("该告知书已记录送达。"), field="notice")
        if at < notice.issued_at:
            raise RuleViolation("R-CLK-4", _("送达时间不能早于出具时间。"), field="at")
        notice.delivered_at = at
        notice.delivery_method = method
        notice.save(update_fields=["delivered_at", "delivery_method"])
        case_change(
            case=case,
            action="notice_delivered",
            actor=actor,
            acting_as=acting_as,
            data={"notice": notice.number, "kind": notice.kind, "method": method},
            at=at,
        )
    return notice


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
        case = lock_case(case, expected_revision=expected_revision)
        acting_as = WINDOW.permit(actor=actor, case=case, at=at).acting_as
        suspension = _open_suspension(case) if case.state == CaseState.SUSPENDED else None
        if suspension is None:
            raise RuleViolation("R-CLK-4", _("该办件没有正在进行的特别程序。"))
        if not result:
            raise RuleViolation("R-CLK-4", _("请填写特别程序的结果。"), field="result")
        today = timezone.localdate(at)
        if today < suspension.started_on:
            raise RuleViolation("R-CLK-4", _("结束日期不能早于开始日期。"), field="at")
        stopped = clock_view(case)
        suspension.ended_on = today
        suspension.result = result
        suspension.save(update_fields=["ended_on", "result"])
        view = clock_view(case)
        # The working days this span moved the deadline by (S..E-1, see cases.clock).
        suspended_days = view.suspended_working_days - stopped.suspended_working_days
        case_change(
            case=case,
            action="special_procedure_ended",
            actor=actor,
            acting_as=acting_as,
            to_state=CaseState.ACCEPTED,
            reason=result,
            data={
                "kind": suspension.kind,
                "started_on": suspension.started_on,
                "ended_on": today,
                "suspended_working_days": suspended_days,
                "new_deadline": view.deadline,
            },
            fields=_stored(view),
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
    assert case.deadline is not None
    old_deadline = case.deadline
    case.extension_days += days
    view = clock_view(case, calendar=calendar)
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
        fields={"extension_days": case.extension_days, **_stored(view)},
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
        case = lock_case(extension_request.case, expected_revision=expected_revision)
        acting_as = EXTENSION_APPROVER.permit(actor=actor, case=case, at=at).acting_as
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
        case = lock_case(extension_request.case, expected_revision=expected_revision)
        acting_as = EXTENSION_APPROVER.permit(actor=actor, case=case, at=at).acting_as
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
        case = lock_case(extension.case, expected_revision=expected_revision)
        acting_as = COORDINATION.permit(actor=actor, case=case, at=at).acting_as
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
        case = lock_case(case, expected_revision=expected_revision)
        acting_as = WINDOW.permit(actor=actor, case=case, at=at).acting_as
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
        stopped = clock_view(case, spans=[*case_spans(case), (today, None)])
        case_change(
            case=case,
            action=REPORTED_UP,
            actor=actor,
            acting_as=acting_as,
            to_state=CaseState.SUSPENDED,
            data={
                "authority": authority,
                "sent_on": today,
                "window_deadline": case.deadline,
                "within_window_limit": today <= case.deadline,
                "remaining_days": stopped.remaining_at_suspension,
            },
            fields=_stored(stopped),
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
        case = lock_case(case, expected_revision=expected_revision)
        acting_as = WINDOW.permit(actor=actor, case=case, at=at).acting_as
        spans = report_spans_from(CaseEvent.objects.filter(case=case, action__in=REPORT_ACTIONS))
        if case.state != CaseState.SUSPENDED or not spans or spans[-1][2] is not None:
            raise RuleViolation("R-CASE-5", _("该办件没有在上级机关审批中。"))
        authority, sent_on, _returned = spans[-1]
        today = timezone.localdate(at)
        if today < sent_on:
            raise RuleViolation("R-CASE-5", _("退回日期不能早于上报日期。"), field="at")
        authority_days = calendar_for(case.center).count_working_days(sent_on - ONE_DAY, today - ONE_DAY)
        ledger = [span for span in case_spans(case) if span != (sent_on, None)] + [(sent_on, today)]
        view = clock_view(case, spans=ledger)
        case_change(
            case=case,
            action=REPORT_RETURNED,
            actor=actor,
            acting_as=acting_as,
            to_state=CaseState.ACCEPTED,
            reason=(result or "").strip(),
            data={
                "authority": authority,
                "sent_on": sent_on,
                "returned_on": today,
                "authority_working_days": authority_days,
                "new_deadline": view.deadline,
            },
            fields=_stored(view),
            at=at,
        )
    return case
