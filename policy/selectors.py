"""Reading policy values as of a date.

The values of a centre change rarely and are read by every service, so each process keeps each centre's whole
table of values (`common.process_cache.ProcessCache`, bumped by `policy.services` on every write): reading a
value costs no query once the table is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from common.models import HistoryEntry
from common.process_cache import ProcessCache
from org.models import Center

from .models import PolicyValue
from .registry import DEFAULTS_EFFECTIVE_FROM, KEYS


def _table(center_id: Any) -> dict[str, list[tuple[date, Any]]]:
    """{key: [(effective_from, value), ...] newest first} of one centre."""
    table: dict[str, list[tuple[date, Any]]] = {}
    for key, effective_from, value in (
        PolicyValue.objects.filter(center_id=center_id)
        .order_by("key", "-effective_from", "-id")
        .values_list("key", "effective_from", "value")
    ):
        table.setdefault(key, []).append((effective_from, value))
    return table


_tables: ProcessCache[dict[str, list[tuple[date, Any]]]] = ProcessCache("policy:values", _table)


def bump_policy_version() -> None:
    """Forget the kept tables in every process (policy writes call it)."""
    _tables.bump()


def clear_policy_cache() -> None:
    """Forget the kept tables of this process (tests: a rolled-back test leaves no trace)."""
    _tables.clear()


def _in_force(rows: list[tuple[date, Any]], on: date) -> tuple[bool, Any]:
    for effective_from, value in rows:
        if effective_from <= on:
            return True, value
    return False, None


def policy_value(center: Center, key: str, on: date | None = None) -> Any:
    """The value of `key` at `center` in force on `on` (today by default); the registry default otherwise."""
    if key not in KEYS:
        raise KeyError(f"Unknown policy key {key!r}; add it to policy.registry.KEYS")
    on = on or timezone.localdate()
    found, value = _in_force(_tables.get(center.pk).get(key, []), on)
    return value if found else KEYS[key].default


def policy_values(center: Center, keys: list[str], on: date | None = None) -> dict[str, Any]:
    """`policy_value` of each of `keys` on `on` (today by default)."""
    unknown = [key for key in keys if key not in KEYS]
    if unknown:
        raise KeyError(f"Unknown policy key {unknown[0]!r}; add it to policy.registry.KEYS")
    on = on or timezone.localdate()
    table = _tables.get(center.pk)
    values = {}
    for key in keys:
        found, value = _in_force(table.get(key, []), on)
        values[key] = value if found else KEYS[key].default
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
