"""Writing history entries. Services call `record` inside their transaction. Each entry is sealed as it is
written (`HistoryEntry.save`); `history_verify` checks the seals of the stored entries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models.fields.files import FieldFile

from . import seal as seals
from .models import DIGESTED, HistoryEntry, entry_digest


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


@dataclass(frozen=True)
class TamperedEntry:
    """A history entry whose seal does not verify: changed in the database by someone without the key (or
    sealed with a key no longer configured)."""

    id: int
    at: datetime
    subject_label: str
    action: str


@dataclass
class HistoryRun:
    checked: int = 0
    tampered: list[TamperedEntry] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.tampered


def history_verify(*, center: Any = None) -> HistoryRun:
    """Verify the seal of every history entry (of `center` when given), streaming them in id order."""
    keys = seals.keyring()
    entries = HistoryEntry.objects.all() if center is None else HistoryEntry.objects.filter(center=center)
    rows = entries.order_by("id").values("id", "seal", "seal_key_id", *DIGESTED).iterator(chunk_size=2000)
    run = HistoryRun()
    for row in rows:
        run.checked += 1
        if not keys.verifies(seals.HISTORY_ENTRY, entry_digest(row), row["seal_key_id"], row["seal"]):
            run.tampered.append(TamperedEntry(row["id"], row["at"], row["subject_label"], row["action"]))
    return run
