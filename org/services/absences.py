"""Absences (R-ORG-7): a period a staff member is away, during which their posts go to B."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import RuleViolation
from common.history import record

from ..models import Absence, AbsenceKind, StaffProfile
from ._common import _text, _user

# --- who is away at a moment (R-ORG-7) -----------------------------------------------------------------


def absence_in_force(moment: datetime) -> Q:
    """The filter for absences (not cancelled) that cover `moment`."""
    return Q(cancelled_at=None, starts_at__lte=moment, ends_at__gt=moment)


def absent_staff_ids(staff_ids: Iterable[int], moment: datetime) -> set[int]:
    """Which of `staff_ids` are absent at `moment`. One query."""
    ids = list(staff_ids)
    if not ids:
        return set()
    return set(
        Absence.objects.filter(absence_in_force(moment), staff_id__in=ids).values_list("staff_id", flat=True)
    )


# --- recording and cancelling absences (R-ORG-7) -------------------------------------------------------


def _aware(moment: datetime, *, field: str, rule: str) -> None:
    if not isinstance(moment, datetime) or timezone.is_naive(moment):
        raise RuleViolation(rule, _("时间须包含时区。"), field=field)


@transaction.atomic
def absence_record(
    *, actor: Any, staff: StaffProfile, kind: str, starts_at: datetime, ends_at: datetime, reason: str = ""
) -> Absence:
    """A period the staff member is away; their posts go to B meanwhile (R-ORG-7)."""
    if kind not in AbsenceKind.values:
        raise RuleViolation("R-ORG-7", _("离岗类别无效。"), field="kind")
    _aware(starts_at, field="starts_at", rule="R-ORG-7")
    _aware(ends_at, field="ends_at", rule="R-ORG-7")
    if ends_at <= starts_at:
        raise RuleViolation("R-ORG-7", _("结束时间须晚于开始时间。"), field="ends_at")
    absence = Absence(
        center_id=staff.center_id,
        staff=staff,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        reason=_text(reason),
    )
    absence.save()
    record(
        subject=staff,
        action="absence",
        actor=_user(actor),
        changes={"kind": kind, "starts_at": starts_at, "ends_at": ends_at, "absence": absence.pk},
        reason=absence.reason,
        rule="R-ORG-7",
    )
    return absence


@transaction.atomic
def absence_cancel(*, actor: Any, absence: Absence, reason: str) -> Absence:
    absence = Absence.objects.select_for_update().select_related("staff").get(pk=absence.pk)
    if absence.cancelled_at is not None:
        raise RuleViolation("R-ORG-7", _("该离岗记录已撤销。"))
    if not _text(reason):
        raise RuleViolation("R-ORG-7", _("请填写撤销原因。"), field="reason")
    absence.cancelled_at = timezone.now()
    absence.save(update_fields=["cancelled_at"])
    record(
        subject=absence.staff,
        action="absence_cancel",
        actor=_user(actor),
        changes={"absence": absence.pk, "cancelled_at": absence.cancelled_at},
        reason=_text(reason),
        rule="R-ORG-7",
    )
    return absence
