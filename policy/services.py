"""Setting a centre's policy values (R-ASM-17: a value applies from its effective date on).

Values are versioned, not overwritten: each `PolicyValue` row holds a key's value from its effective date until
the next row's date. Setting a value for a date that already has one corrects that row; the history entry keeps
the old value either way.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from common.errors import RuleViolation
from common.history import record
from org.models import Center

from .models import PolicyValue
from .registry import DEFAULTS_EFFECTIVE_FROM, KEYS
from .selectors import bump_policy_version, policy_value
from .values import normalise

RULE = "R-ASM-17"
HOUR_KEYS = ("morning_start", "morning_end", "afternoon_start", "afternoon_end")


def _minutes(value: str) -> int:
    hours, _sep, minutes = value.partition(":")
    return int(hours) * 60 + int(minutes)


def _check_hours(center: Center, key: str, value: str, on: date) -> None:
    """The four times of a day stay in order once `key` takes `value` (R-CLK-7)."""
    times = {k: (value if k == key else policy_value(center, k, on)) for k in HOUR_KEYS}
    order = [_minutes(times[k]) for k in HOUR_KEYS]
    if order != sorted(order) or len(set(order)) != len(order):
        raise RuleViolation(
            "R-CLK-7",
            _("作息时间须按“上午上班 < 上午下班 ≤ 下午上班 < 下午下班”的顺序。"),
            field="value",
        )


def policy_set(
    *, actor: Any, center: Center, key: str, value: Any, effective_from: date, note: str = ""
) -> PolicyValue:
    """Set `key` at `center` to `value` from `effective_from` on, after checking the value's type."""
    spec = KEYS.get(key)
    if spec is None:
        raise RuleViolation(RULE, _("未知的制度参数“%(key)s”。") % {"key": key}, field="key")
    if not isinstance(effective_from, date) or isinstance(effective_from, datetime):
        raise RuleViolation(RULE, _("请填写生效日期。"), field="effective_from")
    try:
        stored = normalise(key, spec.kind, value)
    except ValueError as exc:
        raise RuleViolation(
            spec.rule, _("%(label)s：%(error)s") % {"label": _(spec.label), "error": exc}, field="value"
        ) from None
    if key in HOUR_KEYS:
        _check_hours(center, key, stored, effective_from)
    note = note.strip()[:300]

    with transaction.atomic():
        row = (
            PolicyValue.objects.select_for_update()
            .filter(center=center, key=key, effective_from=effective_from)
            .first()
        )
        if row is not None and row.value == stored:
            return row
        old = row.value if row is not None else policy_value(center, key, effective_from)
        if row is None:
            row = PolicyValue.objects.create(
                center=center,
                key=key,
                value=stored,
                effective_from=effective_from,
                rule=spec.rule,
                note=note,
                set_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            action = "policy_value_set"
        else:
            row.value, row.note = stored, note or row.note
            row.set_by = actor if getattr(actor, "is_authenticated", False) else None
            row.save(update_fields=["value", "note", "set_by"])
            action = "policy_value_correct"
        record(
            subject=row,
            action=action,
            actor=actor,
            center=center,
            rule=spec.rule,
            reason=note,
            changes={"key": key, "value": [old, stored], "effective_from": effective_from},
        )
        _invalidate()
    return row


def _invalidate() -> None:
    bump_policy_version()  # this process sees the change at once, inside the transaction too
    transaction.on_commit(bump_policy_version)  # and no process keeps a table read before the commit


def policy_seed_defaults(*, center: Center) -> int:
    """One row per key with the registry default, effective 2015-04-01 (自2015年4月1日起施行), where the centre
    has no row on that date yet. Idempotent; returns the number of rows written."""
    written = 0
    with transaction.atomic():
        present = set(
            PolicyValue.objects.filter(center=center, effective_from=DEFAULTS_EFFECTIVE_FROM).values_list(
                "key", flat=True
            )
        )
        for spec in KEYS.values():
            if spec.key in present:
                continue
            row = PolicyValue.objects.create(
                center=center,
                key=spec.key,
                value=spec.default,
                effective_from=DEFAULTS_EFFECTIVE_FROM,
                rule=spec.rule,
                note="默认值",
            )
            record(
                subject=row,
                action="policy_value_seed",
                center=center,
                rule=spec.rule,
                changes={
                    "key": spec.key,
                    "value": [None, spec.default],
                    "effective_from": DEFAULTS_EFFECTIVE_FROM,
                },
            )
            written += 1
        if written:
            _invalidate()
    return written
