"""Spot checks (稽查, R-ATT-7): the supervision section records who it found at their post and who not.

A person not at their post is covered when an absence of `org` is in force at the moment of the check (an
approved leave, a registered outing); the checker may also attest that the person is on duty elsewhere.
Otherwise the absence is without leave: it counts once per day (R-ASM-5, `staffing.selectors`) and the person
is asked for an explanation, which they answer themselves (`explanation_answer`), once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import PermissionDenied, RuleViolation
from common.history import record
from org.models import Absence, AbsenceKind, Center, Role, StaffProfile, Window
from org.services.absences import absence_in_force

from ..models import Explanation, FindingReason, SpotCheck, SpotCheckFinding
from ._common import aware, may_act, text

RULE = "R-ATT-7"
# Who records spot checks: the supervision section only (the leadership reads them).
CAN_SPOT_CHECK = frozenset({Role.SUPERVISION})
MAX_FINDINGS = 500


@dataclass(frozen=True)
class Seen:
    """What the checker saw of one person: present or not, and for one not present whether they attest a duty
    elsewhere."""

    staff: StaffProfile
    present: bool
    on_duty_elsewhere: bool = False
    note: str = ""


def _reason(seen: Seen, absence: Absence | None) -> str:
    if seen.present:
        return FindingReason.PRESENT
    if absence is not None and absence.kind == AbsenceKind.LEAVE:
        return FindingReason.ON_LEAVE
    if absence is not None and absence.kind == AbsenceKind.OUTING:
        return FindingReason.ON_OUTING
    if seen.on_duty_elsewhere:
        return FindingReason.ON_DUTY_ELSEWHERE
    return FindingReason.UNEXPLAINED


@transaction.atomic
def spot_check_record(
    *,
    actor: Any,
    center: Center,
    by: StaffProfile,
    at: datetime,
    seen: Iterable[Seen],
    windows: Iterable[Window] = (),
    note: str = "",
) -> SpotCheck:
    """Record a spot check at `at` and what it found (R-ATT-7). An absence without leave asks the person for
    an explanation."""
    may_act(actor, center, CAN_SPOT_CHECK)
    aware(at, field="at", rule=RULE)
    if at > timezone.now():
        raise RuleViolation(RULE, _("稽查时间不能晚于现在。"), field="at")
    if by.center_id != center.pk:
        raise RuleViolation(RULE, _("稽查人须是本中心的工作人员。"), field="by")
    rows = list(seen)
    if not rows:
        raise RuleViolation(RULE, _("请至少登记一名工作人员的在岗情况。"), field="seen")
    if len(rows) > MAX_FINDINGS:
        raise RuleViolation(RULE, _("一次稽查登记的人数过多。"), field="seen")
    ids = [row.staff.pk for row in rows]
    if len(set(ids)) != len(ids):
        raise RuleViolation(RULE, _("同一人在一次稽查中只能登记一次。"), field="seen")
    if any(row.staff.center_id != center.pk for row in rows):
        raise RuleViolation(RULE, _("只能稽查本中心的工作人员。"), field="seen")
    window_list = list(windows)
    if any(window.center_id != center.pk for window in window_list):
        raise RuleViolation(RULE, _("窗口不属于本中心。"), field="windows")
    absences: dict[int, Absence] = {}
    for absence in Absence.objects.filter(absence_in_force(at), staff_id__in=ids).order_by("starts_at"):
        absences.setdefault(absence.staff_id, absence)
    check = SpotCheck.objects.create(center=center, at=at, by=by, note=text(note)[:2000])
    if window_list:
        check.windows.set(window_list)
    day = timezone.localdate(at)
    unexplained = 0
    for row in rows:
        reason = _reason(row, absences.get(row.staff.pk))
        finding = SpotCheckFinding.objects.create(
            center=center,
            spot_check=check,
            staff=row.staff,
            day=day,
            present=row.present,
            reason=reason,
            note=text(row.note)[:200],
        )
        if reason == FindingReason.UNEXPLAINED:
            unexplained += 1
            Explanation.objects.create(
                center=center, finding=finding, staff=row.staff, asked_at=timezone.now()
            )
    record(
        subject=check,
        action="spot_check",
        actor=actor,
        changes={"people": len(rows), "unexplained": unexplained},
        rule=RULE,
    )
    return check


@transaction.atomic
def explanation_answer(*, actor: Any, explanation: Explanation, text_: str) -> Explanation:
    """The person asked answers, themselves and once (R-ATT-7)."""
    profile = getattr(actor, "staff_profile", None)
    if profile is None or profile.pk != explanation.staff_id:
        raise PermissionDenied(_("只有被要求说明的本人可以填写情况说明。"))
    body = text(text_)[:2000]
    if not body:
        raise RuleViolation(RULE, _("请填写情况说明。"), field="text")
    current = Explanation.objects.select_for_update().get(pk=explanation.pk)
    if current.answered_at is not None:
        raise RuleViolation(RULE, _("情况说明已提交，不能修改。"), code="answered")
    current.text = body
    current.answered_at = timezone.now()
    current.save(update_fields=["text", "answered_at"])
    record(subject=current, action="explanation_answer", actor=actor, rule=RULE)
    return current
