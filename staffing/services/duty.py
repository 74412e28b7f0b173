"""Duty rosters (R-ATT-1, R-PUB-6): weekend and holiday duty, the day's duty leader, the leaders' window rota,
swaps, and the disputes reported to the duty leader.

The office (`CAN_PLAN_DUTY`) plans: `roster_generate` proposes the month's rest days from the centre's working
calendar (only a non-working day gets weekend or holiday duty; the duty leader and the leaders' window sit on
working days), `roster_assign` puts a person on a day, `roster_swap` hands an entry to another person with a
reason. A swap never rewrites an entry: the old one is closed (`superseded_at`) and a new one names it. A missed
duty is read, not written: `staffing.selectors.missed_duties`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import RuleViolation
from common.history import record
from org.access import CAN_EDIT_ORGANISATION, roles_at
from org.models import Center, StaffProfile, Window
from workdays.selectors import calendar_for

from ..models import DutyDispute, DutyEntry, DutyKind
from ._common import may_act, text, user_of

RULE = "R-ATT-1"
# Who plans the duty roster: the office, as it keeps the centre's staff.
CAN_PLAN_DUTY = CAN_EDIT_ORGANISATION
REST_DAY_KINDS = frozenset({DutyKind.REST_DAY})
MAX_TEXT = 2000


def month_days(year: int, month: int) -> list[date]:
    import calendar

    return [date(year, month, d) for d in range(1, calendar.monthrange(year, month)[1] + 1)]


def roster_generate(*, actor: Any, center: Center, year: int, month: int) -> list[date]:
    """The month's rest days (weekends and holidays by the centre's calendar) that have no weekend or holiday
    duty yet: the days the office has to fill. Nothing is written."""
    may_act(actor, center, CAN_PLAN_DUTY)
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise RuleViolation(RULE, _("月份无效。"), field="month")
    work = calendar_for(center)
    days = month_days(year, month)
    filled = set(
        DutyEntry.objects.filter(
            center=center, kind=DutyKind.REST_DAY, superseded_at=None, day__gte=days[0], day__lte=days[-1]
        ).values_list("day", flat=True)
    )
    return [day for day in days if not work.is_working_day(day) and day not in filled]


def _check_staff(center: Center, staff: StaffProfile) -> None:
    if staff.center_id != center.pk or not staff.is_active:
        raise RuleViolation(RULE, _("值班人员须是本中心在岗的工作人员。"), field="staff")


def _check_day(center: Center, day: date, kind: str) -> None:
    if kind not in DutyKind.values:
        raise RuleViolation(RULE, _("值班类别无效。"), field="kind")
    working = calendar_for(center).is_working_day(day)
    if kind in REST_DAY_KINDS and working:
        raise RuleViolation(
            RULE, _("%(day)s是工作日，节假日值班只能排在休息日和节假日。") % {"day": day}, field="day"
        )
    if kind not in REST_DAY_KINDS and not working:
        raise RuleViolation(
            RULE, _("%(day)s不是工作日，值班领导和领导坐班只能排在工作日。") % {"day": day}, field="day"
        )


@transaction.atomic
def roster_assign(*, actor: Any, center: Center, day: date, kind: str, staff: StaffProfile) -> DutyEntry:
    """Put `staff` on the roster of `day` (R-ATT-1); the portal publishes the name and the work phone."""
    may_act(actor, center, CAN_PLAN_DUTY)
    _check_day(center, day, kind)
    _check_staff(center, staff)
    if DutyEntry.objects.filter(center=center, day=day, kind=kind, staff=staff, superseded_at=None).exists():
        raise RuleViolation(RULE, _("%(name)s已在当天的值班表上。") % {"name": staff.name}, field="staff")
    entry = DutyEntry.objects.create(
        center=center,
        day=day,
        kind=kind,
        staff=staff,
        phone=staff.work_phone,
        assigned_at=timezone.now(),
        assigned_by=user_of(actor),
    )
    record(
        subject=entry,
        action="duty_assign",
        actor=actor,
        changes={"day": day.isoformat(), "kind": kind, "staff": staff.pk},
        rule=RULE,
    )
    return entry


@transaction.atomic
def roster_swap(*, actor: Any, entry: DutyEntry, staff: StaffProfile, reason: str) -> DutyEntry:
    """Hand `entry` to `staff` (换班), with the reason: the entry is closed, never rewritten, and a new one
    names it."""
    center = entry.center
    may_act(actor, center, CAN_PLAN_DUTY)
    reason = text(reason)[:MAX_TEXT]
    if not reason:
        raise RuleViolation(RULE, _("换班须写明原因。"), field="reason")
    current = DutyEntry.objects.select_for_update().filter(pk=entry.pk).first()
    if current is None or current.superseded_at is not None:
        raise RuleViolation(RULE, _("该值班安排已被换班，请按最新的值班表办理。"), field="entry")
    if current.day < timezone.localdate():
        raise RuleViolation(RULE, _("已过去的值班不能换班：它是核对是否到岗的依据。"), field="entry")
    _check_staff(center, staff)
    if staff.pk == current.staff_id:
        raise RuleViolation(RULE, _("换班须换给另一人。"), field="staff")
    if DutyEntry.objects.filter(
        center=center, day=current.day, kind=current.kind, staff=staff, superseded_at=None
    ).exists():
        raise RuleViolation(RULE, _("%(name)s已在当天的值班表上。") % {"name": staff.name}, field="staff")
    now = timezone.now()
    current.superseded_at = now
    current.save(update_fields=["superseded_at"])
    new = DutyEntry.objects.create(
        center=center,
        day=current.day,
        kind=current.kind,
        staff=staff,
        phone=staff.work_phone,
        assigned_at=now,
        assigned_by=user_of(actor),
        swapped_from=current,
        swap_reason=reason,
    )
    record(
        subject=new,
        action="duty_swap",
        actor=actor,
        changes={"from_entry": current.pk, "from_staff": current.staff_id, "staff": staff.pk},
        reason=reason,
        rule=RULE,
    )
    return new


def duty_leader_of(center: Center, day: date) -> DutyEntry | None:
    return (
        DutyEntry.objects.filter(center=center, day=day, kind=DutyKind.LEADER, superseded_at=None)
        .select_related("staff")
        .order_by("id")
        .first()
    )


@transaction.atomic
def dispute_report(
    *,
    actor: Any,
    center: Center,
    summary: str,
    window: Window | None = None,
    reporter: StaffProfile | None = None,
) -> DutyDispute:
    """A dispute in the hall, reported to today's duty leader (R-ATT-1). Anyone working at the centre reports;
    a day without a duty leader is refused, so that the office fills the roster."""
    if actor is not None and not roles_at(actor, center):
        may_act(actor, center, ())
    summary = text(summary)[:MAX_TEXT]
    if not summary:
        raise RuleViolation(RULE, _("请写明纠纷情况。"), field="summary")
    if window is not None and window.center_id != center.pk:
        raise RuleViolation(RULE, _("窗口不属于本中心。"), field="window")
    now = timezone.now()
    leader = duty_leader_of(center, timezone.localdate(now))
    if leader is None:
        raise RuleViolation(RULE, _("今天没有安排值班领导，请先联系办公室。"), code="no_duty_leader")
    dispute = DutyDispute.objects.create(
        center=center, reported_at=now, window=window, reporter=reporter, summary=summary, leader=leader.staff
    )
    record(
        subject=dispute, action="dispute_report", actor=actor, changes={"leader": leader.staff_id}, rule=RULE
    )
    return dispute


@transaction.atomic
def dispute_close(*, actor: Any, dispute: DutyDispute, outcome: str) -> DutyDispute:
    """The duty leader (or the office) records the outcome; a closed dispute stays as it was closed."""
    profile = getattr(actor, "staff_profile", None) if actor is not None else None
    if actor is not None and not (profile is not None and profile.pk == dispute.leader_id):
        may_act(actor, dispute.center, CAN_PLAN_DUTY)
    outcome = text(outcome)[:MAX_TEXT]
    if not outcome:
        raise RuleViolation(RULE, _("请写明处理结果。"), field="outcome")
    current = DutyDispute.objects.select_for_update().get(pk=dispute.pk)
    if current.closed_at is not None:
        raise RuleViolation(RULE, _("该纠纷已办结。"), code="closed")
    current.outcome = outcome
    current.closed_at = timezone.now()
    current.save(update_fields=["outcome", "closed_at"])
    record(subject=current, action="dispute_close", actor=actor, changes={"outcome": outcome}, rule=RULE)
    return current
