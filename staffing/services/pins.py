"""Staff PINs on the centre's terminals (R-ATT-2): mapping, ending a mapping, and putting a wrong one right.

A PIN maps to one person at a time and a person has one PIN at a time; periods are closed, never deleted, so
an event keeps the person its PIN meant when it was taken. A mapping found wrong afterwards (the installer
typed the PIN of one clerk for another) is corrected with its reason: the events taken under it move to the
right person and the days already closed of both people are recomputed as corrections with that reason.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import RuleViolation
from common.history import record
from org.access import CAN_CORRECT_ATTENDANCE, CAN_EDIT_ORGANISATION
from org.models import StaffProfile

from .. import iclock
from ..models import AttendanceClose, ClockEvent, EventSource, PinMapping
from ._common import RULE, aware, may_act, text, user_of
from .days import recompute


def _overlapping(mapping_filter: Q, start: datetime, end: datetime | None) -> Q:
    """Mappings (of `mapping_filter`) whose period meets [start, end) (end None: open)."""
    meets = Q(valid_until=None) | Q(valid_until__gt=start)
    if end is not None:
        meets &= Q(valid_from__lt=end)
    return mapping_filter & meets


@transaction.atomic
def pin_map(*, actor: Any, staff: StaffProfile, pin: str, valid_from: datetime | None = None) -> PinMapping:
    """Map `pin` to `staff` from `valid_from` (now by default; earlier, for a terminal that held the person's
    clocks before the mapping was registered): the office or the administrator. A person's earlier PIN ends
    then; a PIN someone else holds in that period is refused."""
    center = staff.center
    may_act(actor, center, CAN_EDIT_ORGANISATION)
    pin = text(pin)
    if not iclock.PIN_PATTERN.match(pin):
        raise RuleViolation(RULE, _("考勤号须为1–24位字母或数字。"), field="pin")
    now = timezone.now()
    start = now if valid_from is None else aware(valid_from, field="valid_from")
    if not staff.is_active:
        raise RuleViolation(RULE, _("%(name)s已停用，不能登记考勤号。") % {"name": staff.name}, field="staff")
    taken = (
        PinMapping.objects.filter(_overlapping(Q(center=center, pin=pin), start, None))
        .select_related("staff")
        .first()
    )
    if taken is not None:
        raise RuleViolation(
            RULE,
            _("考勤号 %(pin)s 在该时间已对应%(name)s。") % {"pin": pin, "name": taken.staff.name},
            field="pin",
        )
    current = (
        PinMapping.objects.select_for_update().filter(center=center, staff=staff, valid_until=None).first()
    )
    if current is not None:
        if current.valid_from >= start:
            raise RuleViolation(
                RULE,
                _("%(name)s现有的考勤号自%(since)s起对应，新考勤号不能早于此时生效。")
                % {
                    "name": staff.name,
                    "since": timezone.localtime(current.valid_from).strftime("%Y-%m-%d %H:%M"),
                },
                field="valid_from",
            )
        current.valid_until = start
        current.save(update_fields=["valid_until"])
    mapping = PinMapping.objects.create(center=center, pin=pin, staff=staff, valid_from=start)
    changes: dict[str, Any] = {"pin": [current.pin if current else "", pin], "valid_from": start}
    record(subject=staff, action="pin_map", actor=user_of(actor), changes=changes, rule=RULE)
    return mapping


@transaction.atomic
def pin_unmap(*, actor: Any, mapping: PinMapping, reason: str = "") -> PinMapping:
    """End a running mapping now (the person left, or no longer clocks): the office or the administrator."""
    mapping = PinMapping.objects.select_for_update().select_related("staff", "center").get(pk=mapping.pk)
    may_act(actor, mapping.center, CAN_EDIT_ORGANISATION)
    if mapping.valid_until is not None:
        raise RuleViolation(RULE, _("该考勤号对应已经结束。"))
    now = timezone.now()
    if mapping.valid_from >= now:
        raise RuleViolation(RULE, _("该考勤号对应尚未生效。"))
    mapping.valid_until = now
    mapping.save(update_fields=["valid_until"])
    record(
        subject=mapping.staff,
        action="pin_unmap",
        actor=user_of(actor),
        changes={"pin": mapping.pin, "valid_until": now},
        reason=text(reason),
        rule=RULE,
    )
    return mapping


@transaction.atomic
def pin_mapping_correct(*, actor: Any, mapping: PinMapping, staff: StaffProfile, reason: str) -> PinMapping:
    """A mapping that named the wrong person: it names `staff` instead, over its whole period (R-ATT-2). The
    events taken under it move to `staff`, and the closed days of both people in that period are recomputed as
    corrections with `reason`. The office (which keeps the mappings and may correct attendance) only."""
    mapping = PinMapping.objects.select_for_update().select_related("staff", "center").get(pk=mapping.pk)
    center = mapping.center
    may_act(actor, center, CAN_EDIT_ORGANISATION)
    may_act(actor, center, CAN_CORRECT_ATTENDANCE)
    reason = text(reason)
    if not reason:
        raise RuleViolation(RULE, _("请填写更正原因。"), field="reason")
    if staff.center_id != center.pk:
        raise RuleViolation(RULE, _("工作人员须属于%(center)s。") % {"center": center.name}, field="staff")
    wrong = mapping.staff
    if staff.pk == wrong.pk:
        raise RuleViolation(RULE, _("该考勤号已对应%(name)s。") % {"name": staff.name}, field="staff")
    clash = PinMapping.objects.filter(
        _overlapping(Q(center=center, staff=staff), mapping.valid_from, mapping.valid_until)
    ).first()
    if clash is not None:
        raise RuleViolation(
            RULE,
            _("%(name)s在该时间已有考勤号 %(pin)s，不能再对应考勤号 %(other)s。")
            % {"name": staff.name, "pin": clash.pin, "other": mapping.pin},
            field="staff",
        )
    events = ClockEvent.objects.filter(
        center=center, source=EventSource.TERMINAL, pin=mapping.pin, staff=wrong, time__gte=mapping.valid_from
    )
    if mapping.valid_until is not None:
        events = events.filter(time__lt=mapping.valid_until)
    days = set(events.values_list("day", flat=True))
    moved = events.update(staff=staff)
    mapping.staff = staff
    mapping.save(update_fields=["staff"])
    record(
        subject=mapping,
        action="correct",
        actor=user_of(actor),
        changes={"staff": [str(wrong), str(staff)], "pin": mapping.pin, "events_moved": moved},
        reason=reason,
        rule=RULE,
    )
    closed = AttendanceClose.objects.filter(center=center, day__in=days).values_list("day", flat=True)
    for day in sorted(closed):
        recompute(actor=actor, center=center, day=day, staff_ids=[wrong.pk, staff.pk], reason=reason)
    return mapping
