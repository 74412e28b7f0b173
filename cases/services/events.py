"""The case history (R-CASE-10): append-only, each event chained to the previous one by a hash.

`case_change` is the one way a service changes a case: it checks the revision the user saw (optimistic
concurrency), applies the field changes, bumps the revision and appends the event, all in the caller's
transaction. `chain_verify` recomputes the chain.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from common.errors import Conflict
from org.models import StaffProfile

from ..models import Case, CaseEvent


def _plain(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    return value


def case_moment(at: datetime | None) -> datetime:
    """The moment of a case action (now by default), in UTC as the database returns it, so that the hash of
    its event verifies later. A naive moment is a programming error: its zone would be a guess."""
    moment = at or timezone.now()
    if timezone.is_naive(moment):
        raise ValueError("case services take aware datetimes only")
    return moment.astimezone(UTC)


def event_hash(
    *,
    prev_hash: str,
    case_id: int,
    seq: int,
    at: datetime,
    actor_id: int | None,
    acting_as: str,
    action: str,
    from_state: str,
    to_state: str,
    reason: str,
    data: dict[str, Any],
) -> str:
    body = json.dumps(
        [
            prev_hash,
            case_id,
            seq,
            at.isoformat(),
            actor_id,
            acting_as,
            action,
            from_state,
            to_state,
            reason,
            data,
        ],
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(body.encode()).hexdigest()


def lock_case(case: Case, *, expected_revision: int | None = None) -> Case:
    """The case row locked for this transaction; a Conflict if it changed since `expected_revision`."""
    locked = (
        Case.objects.select_for_update(of=("self",))
        .select_related("center", "item__department", "version", "window", "timer")
        .get(pk=case.pk)
    )
    if expected_revision is not None and locked.revision != expected_revision:
        raise Conflict()
    return locked


def event_append(
    *,
    case: Case,
    action: str,
    actor: StaffProfile | None,
    acting_as: str = "",
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> CaseEvent:
    """Append one event to the case's chain. Call inside the transaction that holds the case lock."""
    at = case_moment(at)
    data = {k: _plain(v) for k, v in (data or {}).items()}
    last = CaseEvent.objects.filter(case=case).order_by("-seq").values("seq", "hash").first()
    seq = (last["seq"] + 1) if last else 1
    prev_hash = last["hash"] if last else ""
    digest = event_hash(
        prev_hash=prev_hash,
        case_id=case.pk,
        seq=seq,
        at=at,
        actor_id=actor.pk if actor else None,
        acting_as=acting_as,
        action=action,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        data=data,
    )
    return CaseEvent.objects.create(
        case=case,
        seq=seq,
        at=at,
        actor=actor,
        acting_as=acting_as,
        action=action,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        data=data,
        prev_hash=prev_hash,
        hash=digest,
    )


def case_change(
    *,
    case: Case,
    action: str,
    actor: StaffProfile | None,
    acting_as: str = "",
    to_state: str | None = None,
    reason: str = "",
    data: dict[str, Any] | None = None,
    fields: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> CaseEvent:
    """Apply `fields` (and the new state) to a locked `case`, bump its revision and append the event."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("case_change must run inside the service's transaction")
    from_state = case.state
    changed = dict(fields or {})
    if to_state is not None:
        changed["state"] = to_state
    for name, value in changed.items():
        setattr(case, name, value)
    case.revision += 1
    case.save(update_fields=[*changed.keys(), "revision"])
    return event_append(
        case=case,
        action=action,
        actor=actor,
        acting_as=acting_as,
        from_state=from_state,
        to_state=to_state or from_state,
        reason=reason,
        data=data,
        at=at,
    )


@dataclass(frozen=True)
class ChainReport:
    case_id: int
    events: int
    broken_at: int | None  # the seq of the first event whose hash does not match

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def chain_verify(case: Case) -> ChainReport:
    """Recompute the hash chain of `case`'s history."""
    prev = ""
    count = 0
    for event in CaseEvent.objects.filter(case=case).order_by("seq").iterator():
        count += 1
        expected = event_hash(
            prev_hash=prev,
            case_id=case.pk,
            seq=event.seq,
            at=event.at,
            actor_id=event.actor_id,
            acting_as=event.acting_as,
            action=event.action,
            from_state=event.from_state,
            to_state=event.to_state,
            reason=event.reason,
            data=event.data,
        )
        if event.prev_hash != prev or event.hash != expected or event.seq != count:
            return ChainReport(case.pk, count, event.seq)
        prev = event.hash
    return ChainReport(case.pk, count, None)
