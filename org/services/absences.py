"""Absences (R-ORG-7): a period a staff member is away, during which their posts go to B. A running absence
ends with a return (`absence_end`); only one that has not started can be cancelled (`absence_cancel`), so the
absences in force at a past moment never change."""

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

from ..access import CAN_RECORD_ABSENCE
from ..models import (
    Absence,
    AbsenceCover,
    AbsenceKind,
    Center,
    Post,
    PostHolding,
    PostRole,
    StaffProfile,
    held_at,
)
from ._common import _may_act, _text, _user

# --- who is away at a moment (R-ORG-7) -----------------------------------------------------------------


def absence_in_force(moment: datetime) -> Q:
    """The filter for absences (not cancelled) that cover `moment`: from `starts_at` up to, not including,
    `ends_at` (the moment of the return, for one ended early)."""
    return Q(cancelled_at=None, starts_at__lte=moment, ends_at__gt=moment)


def absent_staff_ids(staff_ids: Iterable[int], moment: datetime) -> set[int]:
    """Which of `staff_ids` are absent at `moment`. One query."""
    ids = list(staff_ids)
    if not ids:
        return set()
    return set(
        Absence.objects.filter(absence_in_force(moment), staff_id__in=ids).values_list("staff_id", flat=True)
    )


# --- recording, ending and cancelling absences (R-ORG-7) -------------------------------------------------------


def _may_record(actor: Any, center: Center) -> None:
    """Only the roles that record absences may record, end or cancel one (PermissionDenied otherwise; another
    centre's user R-ORG-1), by every path alike. `actor` None is the system itself (the demo's history), which
    records what happened."""
    _may_act(actor, center, CAN_RECORD_ABSENCE)


def _aware(moment: datetime, *, field: str, rule: str) -> None:
    if not isinstance(moment, datetime) or timezone.is_naive(moment):
        raise RuleViolation(rule, _("时间须包含时区。"), field=field)


@transaction.atomic
def absence_record(
    *,
    actor: Any,
    staff: StaffProfile,
    kind: str,
    starts_at: datetime,
    ends_at: datetime,
    reason: str = "",
    covers: dict[Post, StaffProfile] | None = None,
    at: datetime | None = None,
) -> Absence:
    """A period the staff member is away; their posts go to B meanwhile (R-ORG-7). `covers` names the B who
    covers each post (R-ATT-5, an approved leave's): each must hold that post as B now."""
    _may_record(actor, staff.center)
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
    named = _record_covers(absence, covers or {}, at or timezone.now())
    record(
        subject=staff,
        action="absence",
        actor=_user(actor),
        changes={
            "kind": kind,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "absence": absence.pk,
            **({"covers": named} if named else {}),
        },
        reason=absence.reason,
        rule="R-ORG-7",
    )
    return absence


def _record_covers(absence: Absence, covers: dict[Post, StaffProfile], now: datetime) -> dict[str, int]:
    """Store the B named for each post ({post id: backup id}, for the history); refused with R-ATT-5 when one
    does not hold the post as B at `now` (the moment of recording) or is the absent person."""
    rows = []
    for post, backup in covers.items():
        holds = PostHolding.objects.filter(held_at(now), post=post, staff=backup, role=PostRole.B).exists()
        if backup.pk == absence.staff_id or not holds:
            raise RuleViolation(
                "R-ATT-5",
                _("%(name)s不是岗位“%(post)s”的B角。") % {"name": backup.name, "post": post.name},
                field="covers",
            )
        rows.append(AbsenceCover(absence=absence, post=post, backup=backup))
    AbsenceCover.objects.bulk_create(rows)
    return {str(row.post.pk): row.backup.pk for row in rows}


def _lock(actor: Any, absence: Absence) -> Absence:
    locked = (
        Absence.objects.select_for_update(of=("self",)).select_related("staff", "center").get(pk=absence.pk)
    )
    _may_record(actor, locked.center)
    return locked


@transaction.atomic
def absence_end(*, actor: Any, absence: Absence, reason: str, at: datetime | None = None) -> Absence:
    """A return (销假, 返岗): the running absence ends now, and the staff member is on duty again from now
    (R-ORG-7). The absence keeps its start, so who was away and who covered before now stays true;
    `planned_ends_at` keeps the end that had been planned. A return is recorded when it happens and cannot
    be dated back: the B's actions meanwhile were taken as B. Refused for an absence that has not started
    (cancel it instead), has already ended or was cancelled."""
    absence = _lock(actor, absence)
    now = at or timezone.now()  # `at`: a history played through the services (the demo's year)
    if absence.cancelled_at is not None:
        raise RuleViolation("R-ORG-7", _("该离岗记录已撤销。"))
    if absence.starts_at >= now:
        raise RuleViolation("R-ORG-7", _("该离岗尚未开始，不能登记返岗；如不再离岗，请撤销该记录。"))
    if absence.ends_at <= now:
        raise RuleViolation(
            "R-ORG-7",
            _("该离岗已于%(end)s结束，无需登记返岗。")
            % {"end": timezone.localtime(absence.ends_at).strftime("%Y-%m-%d %H:%M")},
        )
    reason = _text(reason)
    if not reason:
        raise RuleViolation("R-ORG-7", _("请填写返岗说明。"), field="reason")
    planned = absence.ends_at
    absence.planned_ends_at = planned
    absence.ends_at = now
    absence.save(update_fields=["ends_at", "planned_ends_at"])
    record(
        subject=absence.staff,
        action="absence_end",
        actor=_user(actor),
        changes={"absence": absence.pk, "ends_at": [planned, now]},
        reason=reason,
        rule="R-ORG-7",
    )
    return absence


@transaction.atomic
def absence_cancel(*, actor: Any, absence: Absence, reason: str) -> Absence:
    """Cancel an absence that has not started: it never happens (R-ORG-7). One that has started is refused:
    the staff member was away, and a return (`absence_end`) ends it instead."""
    absence = _lock(actor, absence)
    now = timezone.now()
    if absence.cancelled_at is not None:
        raise RuleViolation("R-ORG-7", _("该离岗记录已撤销。"))
    if absence.starts_at < now:
        raise RuleViolation(
            "R-ORG-7", _("该离岗已经开始，不能撤销（撤销会抹去其离岗期间的记录）；请登记返岗（销假）。")
        )
    reason = _text(reason)
    if not reason:
        raise RuleViolation("R-ORG-7", _("请填写撤销原因。"), field="reason")
    absence.cancelled_at = now
    absence.save(update_fields=["cancelled_at"])
    record(
        subject=absence.staff,
        action="absence_cancel",
        actor=_user(actor),
        changes={"absence": absence.pk, "cancelled_at": absence.cancelled_at},
        reason=reason,
        rule="R-ORG-7",
    )
    return absence
