"""Handling a case after acceptance: steps, decision, fees, delivery, archive, withdrawal, green channel,
visits (R-ORG-5, R-ORG-7, R-CASE-7..9, R-CASE-11, R-CASE-12, R-CAT-7, R-DATA-2). Appointments are the hall's
(`hall.services`).

Every function owns its transaction, refuses with `RuleViolation` (nothing changed) and changes a case only
through `case_change` (revision bump + hash-chained event). Moments default to now; tests pass them.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog.models import Fee
from common import sql
from common.errors import RuleViolation
from common.i18n import stored
from org.models import StaffProfile
from org.services import Holder, holder_at, post_holder_at
from policy.selectors import policy_value
from workdays.services import add_working_days
from workdays.timers import timer_finish

from .. import hooks
from .. import milestones as notify
from ..acting import DECIDER, GREEN_CHANNEL, STEP_HOLDER, WINDOW
from ..models import (
    OPEN_STATES,
    ActingAs,
    Case,
    CaseEvent,
    CaseState,
    CaseStep,
    DeliveryMethod,
    Notice,
    NoticeKind,
    Payment,
    Suspension,
    Visit,
)
from . import clock
from .events import case_change, case_moment, case_write, lock_case_as, lock_case_with
from .numbering import next_number

# Fixed texts of the decision notices (R-CASE-7). They are part of a legal document, kept as issued.
REMEDIES_TEXT = (
    "申请人如对本决定不服，可以自收到本决定书之日起60日内依法申请行政复议，"
    "或者自收到本决定书之日起6个月内依法向人民法院提起行政诉讼。"
)
FALSE_MATERIALS_TEXT = "申请人提交的材料虚假，虚假材料坚决剔除、不予审批"

DECIDED_STATES = frozenset({CaseState.APPROVED, CaseState.DENIED, CaseState.DELIVERED, CaseState.ARCHIVED})


# --- helpers -------------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _state_label(state: str) -> str:
    return str(CaseState(state).label)


def _refuse_unless_accepted(case: Case, *, rule: str, doing: str) -> None:
    if case.state == CaseState.SUSPENDED:
        raise RuleViolation(
            "R-CLK-4", _("特别程序期间暂停办理，请待特别程序结束后再%(doing)s。") % {"doing": doing}
        )
    if case.state != CaseState.ACCEPTED:
        raise RuleViolation(
            rule,
            _("办件当前状态为“%(state)s”，不能%(doing)s。")
            % {"state": _state_label(case.state), "doing": doing},
        )


def _finish_clock(case: Case, day: date, *, in_procedure: bool) -> None:
    """The case is done (decided or withdrawn): its timer stops for good on `day` (R-CLK-9: finished after the
    deadline, the overdue record is made now if the daily sweep has not made it). `in_procedure`: the case was
    in a special procedure or with the higher authority, so its timer's ledger has a running span to close."""
    if case.timer is not None and case.timer.state != "finished":
        timer_finish(timer=case.timer, on=day, open_span=None if in_procedure else False)


# --- steps (R-ORG-5, R-ORG-7, R-DATA-2) ----------------------------------------------------------------


def _accepted_moment(case: Case) -> datetime:
    """When the case was accepted: its acceptance event, else its receipt."""
    moment = (
        CaseEvent.objects.filter(case=case, to_state=CaseState.ACCEPTED)
        .exclude(from_state=CaseState.ACCEPTED)
        .order_by("seq")
        .values_list("at", flat=True)
        .first()
    )
    return moment or case.received_at


def _plan(
    case: Case, at: datetime | None, *, new: bool = False, read: list[CaseStep] | None = None
) -> list[CaseStep]:
    """The case's steps in order, with each post (planned from the item version the first time; `new`: the
    case is being accepted and has none yet, so they are not looked for; `read`: the caller has read them)."""
    if not new:
        existing = (
            read
            if read is not None
            else sql.select_where(CaseStep, case_id=case.pk, order_by=("order", "id"))
        )
        if existing:
            return existing
    # The published version's steps come with it (`catalog.selectors.published_version`).
    steps = sorted(case.version.steps.all(), key=lambda step: (step.order, step.pk))
    planned = [
        CaseStep(
            case=case,
            step=step,
            order=index,
            name=step.name,
            post_id=step.post_id,
            started_at=(at or _accepted_moment(case)) if index == 1 else None,
        )
        for index, step in enumerate(steps, start=1)
    ]
    sql.insert_many(planned)
    return planned


# One statement writes the steps: inside a service's transaction they need no savepoint of their own.
@transaction.atomic(savepoint=False)
def case_steps_plan(*, case: Case, at: datetime | None = None, new: bool = False) -> list[CaseStep]:
    """The processing steps of `case`, copied from its item version (order, name, post) the first time.

    Idempotent: a case that has its steps keeps them (a later version of the item does not change them);
    `new` says the case is being accepted now and has none. The first step starts at `at`, else when the
    case was accepted.
    """
    return _plan(case, at, new=new)


def step_holder(*, case_step: CaseStep, at: datetime | None = None) -> Holder | None:
    """Who does `case_step` at `at`: the post's A when on duty, else the B covering (R-ORG-7), else nobody."""
    if case_step.post is None:
        return None
    return post_holder_at(case_step.post, case_moment(at))


def current_step(case: Case) -> CaseStep | None:
    """The first unfinished step of `case` (None when all are done or none is planned)."""
    return (
        CaseStep.objects.filter(case=case, finished_at=None).select_related("post").order_by("order").first()
    )


def _first_unfinished(steps: list[CaseStep]) -> CaseStep | None:
    """`current_step` over the steps `_plan` returned (in order), without reading them again."""
    return next((step for step in steps if step.finished_at is None), None)


@case_write
def step_complete(
    *,
    actor: StaffProfile,
    case: Case,
    opinion: str,
    at: datetime | None = None,
    expected_revision: int | None = None,
) -> CaseStep:
    """Complete the current step of `case` with an opinion. Only whoever holds the step's post now may do it:
    its A when on duty, or the B covering while A is away, who then acts as A (R-ORG-7)."""
    moment = case_moment(at)
    locked = lock_case_with(case, expected_revision=expected_revision, actor=actor, at=moment, steps=True)
    case = locked.case
    _refuse_unless_accepted(case, rule="R-ORG-5", doing=_("办理环节"))
    steps = _plan(case, None, read=locked.steps)
    permit = STEP_HOLDER.permit(actor=actor, case=case, at=moment, steps=steps, facts=locked.facts)
    step: CaseStep = permit.detail["step"]
    opinion = _text(opinion)
    if not opinion:
        raise RuleViolation("R-DATA-2", _("请填写办理意见。"), field="opinion")

    step.handler = actor
    step.acting_as = permit.acting_as
    step.opinion = opinion
    step.started_at = step.started_at or moment
    step.finished_at = moment
    sql.update(step, ["handler", "acting_as", "opinion", "started_at", "finished_at"])

    following = _first_unfinished(steps)  # `step` is finished now
    responsible_id: int = actor.pk
    responsible_as = permit.acting_as
    if following is not None:
        following.started_at = moment
        sql.update(following, ["started_at"])
        next_holder = holder_at(following.post_id, moment) if following.post_id else None
        if next_holder is not None:
            responsible_id, responsible_as = next_holder
        elif following.post is not None:  # nobody on duty: the post's A stays responsible
            responsible_id, responsible_as = following.post.holder_a_id, ActingAs.A
    case_change(
        case=case,
        action="step_complete",
        actor=actor,
        acting_as=permit.acting_as,
        reason=opinion,
        data={
            "step": step.order,
            "name": step.name,
            "post": step.post_id,
            "next_step": following.order if following else None,
            "responsible": responsible_id,
        },
        fields={
            "responsible_id": responsible_id,
            "responsible_acting_as": responsible_as,
            "current_post_id": following.post_id if following else None,
        },
        at=moment,
    )
    return step


# --- decision (R-CASE-7, R-ORG-4, R-ORG-5) -------------------------------------------------------------


def completed_on_time(case: Case) -> bool | None:
    """Whether the case was decided on or before its deadline; None while undecided or without a deadline."""
    if case.decided_at is None or case.deadline is None:
        return None
    return timezone.localdate(case.decided_at) <= case.deadline


@case_write
def case_decide(
    *,
    actor: StaffProfile,
    case: Case,
    approve: bool,
    reasons: str = "",
    result_number: str = "",
    result_valid_until: date | None = None,
    result_issuer: str = "",
    false_materials: bool = False,
    at: datetime | None = None,
    expected_revision: int | None = None,
) -> Notice:
    """Approve (with the result issued) or deny (with written reasons and the applicant's remedies) `case`.

    Decided on the spot by the chief representative when the item allows it (R-ORG-5), or after all steps by a
    person whose authorisation to decide general applications of the item's department is in force at that
    moment (R-ORG-4). False materials are always denied. Returns the numbered decision notice.
    """
    moment = case_moment(at)
    locked = lock_case_with(case, expected_revision=expected_revision, actor=actor, at=moment, steps=True)
    case = locked.case
    _refuse_unless_accepted(case, rule="R-CASE-7", doing=_("作出决定"))
    refusal = hooks.decision_refused(case)  # e.g. a joint case before its final inspection (R-PAR-11)
    if refusal is not None:
        raise refusal
    permit = DECIDER.permit(
        actor=actor, case=case, at=moment, steps=_plan(case, None, read=locked.steps), facts=locked.facts
    )
    reasons = _text(reasons)
    result_number = _text(result_number)
    result_issuer = _text(result_issuer)
    if false_materials:
        approve = False
        reasons = "；".join(part for part in (FALSE_MATERIALS_TEXT, reasons) if part)
    if approve and not result_number:
        raise RuleViolation("R-CASE-7", _("准予许可须填写所发证照的编号。"), field="result_number")
    if not approve and not reasons:
        raise RuleViolation("R-CASE-7", _("不予许可须书面说明理由。"), field="reasons")
    day = timezone.localdate(moment)
    if approve and result_valid_until is not None and result_valid_until < day:
        raise RuleViolation("R-CASE-7", _("证照有效期不能早于决定日期。"), field="result_valid_until")

    department = case.item.department
    kind = NoticeKind.APPROVAL if approve else NoticeKind.DENIAL
    body: dict[str, Any] = {
        "case_number": case.number,
        "applicant": case.applicant_name,
        "organisation": case.organisation_name,
        "item": case.version.name,
        "department": department.name,
        "accepted_on": case.accepted_on.isoformat() if case.accepted_on else "",
        "decided_on": day.isoformat(),
        "decision": "准予许可" if approve else "不予许可",
    }
    if approve:
        result_issuer = result_issuer or department.name
        body |= {
            "result_name": case.version.result_name,
            "result_number": result_number,
            "result_valid_until": result_valid_until.isoformat() if result_valid_until else "",
            "result_issuer": result_issuer,
        }
    else:
        body |= {"reasons": reasons, "false_materials": false_materials, "remedies": REMEDIES_TEXT}
    notice = Notice(
        center=case.center,
        case=case,
        kind=kind,
        number=next_number(center=case.center, kind=kind, on=day),
        issued_at=moment,
        issued_by=actor,
        body=body,
    )
    sql.insert(notice)
    limit = int(policy_value(case.center, "delivery_limit_days", day))
    delivery_due = add_working_days(center=case.center, start=day, days=limit).date
    event = case_change(
        case=case,
        action="decide",
        actor=actor,
        acting_as=permit.acting_as,
        to_state=CaseState.APPROVED if approve else CaseState.DENIED,
        reason=reasons,
        data={
            **permit.detail,
            "notice": notice.number,
            "result_number": result_number,
            "false_materials": false_materials,
            "delivery_due": delivery_due,
        },
        fields={
            "decided_at": moment,
            "decided_by": actor,
            "decision_reasons": reasons,
            "result_number": result_number if approve else "",
            "result_valid_until": result_valid_until if approve else None,
            "result_issuer": result_issuer if approve else "",
            "delivery_due": delivery_due,
            "current_post_id": None,
        },
        at=moment,
    )
    _finish_clock(case, day, in_procedure=False)  # a case is decided only while its clock runs
    notify.milestone_decided(case=case, event=event, approved=approve)
    return notice


# --- fees (R-CAT-7) ------------------------------------------------------------------------------------


PAYABLE_STATES = frozenset(
    {
        CaseState.RECEIVED,
        CaseState.AWAITING_CORRECTION,
        CaseState.ACCEPTED,
        CaseState.SUSPENDED,
        CaseState.APPROVED,
        CaseState.DENIED,
        CaseState.DELIVERED,
    }
)


@transaction.atomic
def payment_record(
    *,
    actor: StaffProfile,
    case: Case,
    fee: Fee,
    quantity: int = 1,
    receipt_number: str,
    at: datetime | None = None,
    expected_revision: int | None = None,
) -> Payment:
    """A payment at the unified payment window against a fee of the case's item version; the amount is the
    published standard times the quantity, never typed by staff (R-CAT-7)."""
    moment = case_moment(at)
    case, permit = lock_case_as(WINDOW, case, actor=actor, at=moment, expected_revision=expected_revision)
    acting_as = permit.acting_as
    if case.state not in PAYABLE_STATES:
        raise RuleViolation(
            "R-CAT-7", _("办件当前状态为“%(state)s”，不能收费。") % {"state": _state_label(case.state)}
        )
    if fee.version_id != case.version_id:
        raise RuleViolation("R-CAT-7", _("只能按本事项版本公布的收费项目和标准收费。"), field="fee")
    if not isinstance(quantity, int) or isinstance(quantity, bool) or not 1 <= quantity <= 32767:
        raise RuleViolation("R-CAT-7", _("数量须为正整数。"), field="quantity")
    receipt_number = _text(receipt_number)
    if not receipt_number or len(receipt_number) > 60:
        raise RuleViolation("R-CAT-7", _("请填写票据号（不超过60个字符）。"), field="receipt_number")
    if Payment.objects.filter(case__center=case.center, receipt_number=receipt_number).exists():
        raise RuleViolation(
            "R-CAT-7", _("票据号“%(number)s”已登记。") % {"number": receipt_number}, field="receipt_number"
        )
    amount = (Decimal(fee.amount) * quantity).quantize(Decimal("0.01"))
    payment = Payment.objects.create(
        case=case,
        fee=fee,
        quantity=quantity,
        amount=amount,
        receipt_number=receipt_number,
        paid_at=moment,
        recorded_by=actor,
    )
    case_change(
        case=case,
        action="payment",
        actor=actor,
        acting_as=acting_as,
        data={
            "fee": fee.pk,
            "name": fee.name,
            "standard": str(fee.amount),
            "quantity": quantity,
            "amount": str(amount),
            "receipt_number": receipt_number,
        },
        at=moment,
    )
    return payment


# --- delivery and archive (R-CASE-8) -------------------------------------------------------------------


def _decision_notice_delivered(case: Case, moment: datetime, method: str) -> str:
    """Mark the case's latest undelivered decision notice delivered, in one statement; its number ("" when
    there is none)."""
    q = connection.ops.quote_name
    table = q(Notice._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {q('delivered_at')} = %s, {q('delivery_method')} = %s "  # noqa: S608 - model names
            f"WHERE {q('id')} = (SELECT {q('id')} FROM {table} WHERE {q('case_id')} = %s AND {q('kind')} IN (%s, %s) "
            f"AND {q('delivered_at')} IS NULL ORDER BY {q('issued_at')} DESC, {q('id')} DESC LIMIT 1) "
            f"RETURNING {q('number')}",
            [
                connection.ops.adapt_datetimefield_value(moment),
                method,
                case.pk,
                NoticeKind.APPROVAL.value,
                NoticeKind.DENIAL.value,
            ],
        )
        row = cursor.fetchone()
    return str(row[0]) if row else ""


@transaction.atomic
def case_deliver(
    *,
    actor: StaffProfile,
    case: Case,
    method: str,
    at: datetime | None = None,
    expected_revision: int | None = None,
) -> Case:
    """Record the delivery of the decision (window pickup, post or electronic). A delivery after the due
    date is still recorded, and flagged late in the history (R-CASE-8)."""
    moment = case_moment(at)
    case, permit = lock_case_as(WINDOW, case, actor=actor, at=moment, expected_revision=expected_revision)
    acting_as = permit.acting_as
    if case.state not in {CaseState.APPROVED, CaseState.DENIED}:
        raise RuleViolation(
            "R-CASE-8",
            _("办件当前状态为“%(state)s”，只有已作出决定的办件才能送达。")
            % {"state": _state_label(case.state)},
        )
    if method not in DeliveryMethod.values:
        raise RuleViolation("R-CASE-8", _("送达方式无效。"), field="method")
    day = timezone.localdate(moment)
    late = case.delivery_due is not None and day > case.delivery_due
    number = _decision_notice_delivered(case, moment, method)
    case_change(
        case=case,
        action="deliver",
        actor=actor,
        acting_as=acting_as,
        to_state=CaseState.DELIVERED,
        data={
            "method": method,
            "late": late,
            "delivery_due": case.delivery_due,
            "notice": number,
        },
        fields={"delivered_at": moment, "delivery_method": method},
        at=moment,
    )
    return case


@transaction.atomic
def case_archive(
    *, actor: StaffProfile, case: Case, at: datetime | None = None, expected_revision: int | None = None
) -> Case:
    """Send a delivered case to the archive; it is closed (R-CASE-8)."""
    moment = case_moment(at)
    case, permit = lock_case_as(WINDOW, case, actor=actor, at=moment, expected_revision=expected_revision)
    acting_as = permit.acting_as
    if case.state != CaseState.DELIVERED:
        raise RuleViolation(
            "R-CASE-8",
            _("办件当前状态为“%(state)s”，只有已送达的办件才能归档。") % {"state": _state_label(case.state)},
        )
    case_change(
        case=case,
        action="archive",
        actor=actor,
        acting_as=acting_as,
        to_state=CaseState.ARCHIVED,
        fields={"closed_at": moment},
        at=moment,
    )
    return case


# --- withdrawal (R-CASE-9) -----------------------------------------------------------------------------


@transaction.atomic
def case_withdraw(
    *,
    actor: StaffProfile,
    case: Case,
    reason: str,
    at: datetime | None = None,
    expected_revision: int | None = None,
) -> Case:
    """The applicant withdraws the application: an open case closes as withdrawn; a running special
    procedure ends with it (R-CASE-9)."""
    moment = case_moment(at)
    case, permit = lock_case_as(WINDOW, case, actor=actor, at=moment, expected_revision=expected_revision)
    acting_as = permit.acting_as
    if case.state in DECIDED_STATES:
        raise RuleViolation("R-CASE-9", _("办件已作出决定，不能撤回。"))
    if case.state not in OPEN_STATES:
        raise RuleViolation(
            "R-CASE-9", _("办件当前状态为“%(state)s”，不能撤回。") % {"state": _state_label(case.state)}
        )
    reason = _text(reason)
    if not reason:
        raise RuleViolation("R-CASE-9", _("请填写撤回原因。"), field="reason")
    day = timezone.localdate(moment)
    ended = Suspension.objects.filter(case=case, ended_on=None).update(
        ended_on=day, result="申请人撤回申请，特别程序终止"
    )
    _finish_clock(case, day, in_procedure=case.state == CaseState.SUSPENDED)
    case_change(
        case=case,
        action="withdraw",
        actor=actor,
        acting_as=acting_as,
        to_state=CaseState.WITHDRAWN,
        reason=reason,
        data={"suspension_ended": bool(ended)},
        fields={"closed_at": moment, "current_post_id": None},
        at=moment,
    )
    return case


# --- green channel (R-CASE-11) -------------------------------------------------------------------------


@transaction.atomic
def case_set_priority(
    *,
    actor: StaffProfile,
    case: Case,
    reason: str,
    target_days: int | None,
    at: datetime | None = None,
    expected_revision: int | None = None,
) -> Case:
    """Put an open case in the green channel (急事急办、特事特办) with a target shorter than its limit; it then
    shows on the leaders' tracking list (R-CASE-11)."""
    moment = case_moment(at)
    case, permit = lock_case_as(
        GREEN_CHANNEL, case, actor=actor, at=moment, expected_revision=expected_revision
    )
    acting_as = permit.acting_as
    if not case.is_open:
        raise RuleViolation(
            "R-CASE-11",
            _("办件当前状态为“%(state)s”，不能开通绿色通道。") % {"state": _state_label(case.state)},
        )
    reason = _text(reason)
    if not reason:
        raise RuleViolation("R-CASE-11", _("请填写绿色通道事由。"), field="reason")
    if len(reason) > 200:
        raise RuleViolation("R-CASE-11", _("绿色通道事由不能超过200个字符。"), field="reason")
    if target_days is not None:
        if not isinstance(target_days, int) or isinstance(target_days, bool) or target_days < 0:
            raise RuleViolation("R-CASE-11", _("目标时限须为非负整数。"), field="target_days")
        if target_days >= case.limit_days:
            raise RuleViolation(
                "R-CASE-11",
                _("绿色通道目标（%(target)s个工作日）须短于承诺时限（%(limit)s个工作日）。")
                % {"target": target_days, "limit": case.limit_days},
                field="target_days",
            )
    case_change(
        case=case,
        action="priority",
        actor=actor,
        acting_as=acting_as,
        reason=reason,
        data={"target_days": target_days},
        fields={"is_priority": True, "priority_reason": reason, "priority_target_days": target_days},
        at=moment,
    )
    clock.clock_budget_set(
        case=case,
        actor=actor,
        reason=stored(gettext_lazy("绿色通道：%(reason)s")) % {"reason": reason},
        at=moment,
    )
    case.refresh_from_db()
    return case


# --- visits and shuttles (R-CASE-12) -------------------------------------------------------------------


@transaction.atomic
def visit_record(
    *,
    actor: StaffProfile,
    case: Case,
    purpose: str,
    caused_by_administration: bool,
    responsible: StaffProfile | None = None,
    at: datetime | None = None,
    expected_revision: int | None = None,
) -> Visit:
    """Record an applicant's visit about `case`. For a development-zone enterprise, a second or later visit
    caused by the administration is a shuttle (两头跑), flagged with the staff responsible for it (R-CASE-12)."""
    moment = case_moment(at)
    case, permit = lock_case_as(WINDOW, case, actor=actor, at=moment, expected_revision=expected_revision)
    acting_as = permit.acting_as
    purpose = _text(purpose)
    if not purpose or len(purpose) > 200:
        raise RuleViolation("R-CASE-12", _("请填写来访事由（不超过200个字符）。"), field="purpose")
    if responsible is not None and responsible.center_id != case.center_id:
        raise RuleViolation("R-CASE-12", _("责任人须为本中心工作人员。"), field="responsible")
    earlier = Visit.objects.filter(case=case).count()
    is_shuttle = bool(case.in_development_zone and caused_by_administration and earlier >= 1)
    if is_shuttle:
        responsible = responsible or case.responsible
        if responsible is None:
            raise RuleViolation("R-CASE-12", _("开发区企业两头跑须指明责任人。"), field="responsible")
    visit = Visit.objects.create(
        case=case,
        at=moment,
        purpose=purpose,
        caused_by_administration=caused_by_administration,
        is_shuttle=is_shuttle,
        responsible=responsible,
        recorded_by=actor,
    )
    case_change(
        case=case,
        action="visit",
        actor=actor,
        acting_as=acting_as,
        reason=purpose,
        data={
            "visit": earlier + 1,
            "caused_by_administration": caused_by_administration,
            "shuttle": is_shuttle,
            "responsible": responsible.pk if responsible else None,
        },
        at=moment,
    )
    return visit


# --- appointments and late service (R-CASE-13) ---------------------------------------------------------
