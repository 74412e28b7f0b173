"""Writing history entries. Services call `record` inside their transaction."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models.fields.files import FieldFile

from .models import HistoryEntry


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, FieldFile):
        return value.name or ""
    return value


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """The fields whose value changed, as {field: [old, new]}."""
    return {
        k: [_plain(before.get(k)), _plain(v)] for k, v in after.items() if _plain(before.get(k)) != _plain(v)
    }


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    return {f: _plain(getattr(obj, f)) for f in fields}


def record(
    *,
    subject: models.Model,
    action: str,
    actor: Any = None,
    changes: dict[str, Any] | None = None,
    reason: str = "",
    rule: str = "",
    center: Any = None,
) -> HistoryEntry:
    """Append one history entry about `subject`."""
    if center is None:
        center = getattr(subject, "center", None)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return HistoryEntry.objects.create(
        center=center,
        actor=actor,
        subject_type=subject._meta.label_lower,
        subject_id=str(subject.pk),
        subject_label=str(subject)[:200],
        action=action,
        changes={k: _plain(v) for k, v in (changes or {}).items()},
        reason=reason,
        rule=rule,
    )


def history_of(subject: models.Model) -> models.QuerySet[HistoryEntry]:
    return HistoryEntry.objects.filter(subject_type=subject._meta.label_lower, subject_id=str(subject.pk))
