"""Reading policy values as of a date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from common.models import HistoryEntry
from org.models import Center

from .models import PolicyValue
from .registry import DEFAULTS_EFFECTIVE_FROM, KEYS


def policy_value(center: Center, key: str, on: date | None = None) -> Any:
    """The value of `key` at `center` in force on `on` (today by default); the registry default otherwise."""
    if key not in KEYS:
        raise KeyError(f"Unknown policy key {key!r}; add it to policy.registry.KEYS")
    on = on or timezone.localdate()
    row = (
        PolicyValue.objects.filter(center=center, key=key, effective_from__lte=on)
        .order_by("-effective_from")
        .values_list("value", flat=True)
        .first()
    )
    return KEYS[key].default if row is None else row


def policy_values(center: Center, keys: list[str], on: date | None = None) -> dict[str, Any]:
    """`policy_value` of each of `keys` on `on` (today by default), in one query."""
    unknown = [key for key in keys if key not in KEYS]
    if unknown:
        raise KeyError(f"Unknown policy key {unknown[0]!r}; add it to policy.registry.KEYS")
    on = on or timezone.localdate()
    values = {key: KEYS[key].default for key in keys}
    found: set[str] = set()
    for key, value in (
        PolicyValue.objects.filter(center=center, key__in=keys, effective_from__lte=on)
        .order_by("key", "-effective_from")
        .values_list("key", "value")
    ):
        if key not in found:  # the newest in force comes first
            found.add(key)
            values[key] = value
    return values


@dataclass(frozen=True)
class PolicyRow:
    key: str
    label: str
    rule: str
    value: Any
    effective_from: date
    is_default: bool


def policy_table(center: Center, on: date | None = None) -> list[PolicyRow]:
    """Every key with the value in force on `on`, for the policy page. One query."""
    on = on or timezone.localdate()
    latest: dict[str, PolicyValue] = {}
    for row in PolicyValue.objects.filter(center=center, effective_from__lte=on).order_by(
        "key", "effective_from"
    ):
        latest[row.key] = row
    rows = []
    for spec in KEYS.values():
        hit = latest.get(spec.key)
        rows.append(
            PolicyRow(
                spec.key,
                _(spec.label),
                spec.rule,
                hit.value if hit else spec.default,
                hit.effective_from if hit else DEFAULTS_EFFECTIVE_FROM,
                hit is None,
            )
        )
    return rows


def policy_versions(center: Center) -> list[PolicyValue]:
    """Every stored value of the centre, by key then newest date first (past, in force and scheduled)."""
    return list(
        PolicyValue.objects.filter(center=center)
        .select_related("set_by__staff_profile")
        .order_by("key", "-effective_from")
    )


def policy_history(center: Center, limit: int = 50) -> list[HistoryEntry]:
    """The latest changes to the centre's policy values."""
    return list(
        HistoryEntry.objects.filter(center=center, subject_type=PolicyValue._meta.label_lower)
        .select_related("actor__staff_profile")
        .order_by("-at", "-id")[:limit]
    )
