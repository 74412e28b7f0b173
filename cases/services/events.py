"""The case history (R-CASE-10): append-only, each event chained to the previous one by a hash.

`lock_case` and `case_change` are the one way a service changes a case: lock the case row (refusing a stale
revision: optimistic concurrency for the user's page), apply the field changes, bump the revision and append the
event chained to the head the case carries (`chain_seq`, `chain_head`) — the UPDATE of the case and the INSERT of
the event in one statement on PostgreSQL — all in the caller's transaction. The statements are written once per
process (`common.sql`): they run on every transition. `chain_verify` recomputes the chain.

Each event also carries a seal: an HMAC of its hash under a key kept outside the database (`common.seal`),
computed here in Python and written in the same INSERT as the event (no statement more). The hash chain proves
the order of the events; the seal proves that whoever wrote an event held the key, so that someone with access
to the database alone cannot change an event and recompute the hashes unnoticed (docs/history-integrity.md).
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ParamSpec, TypeVar

from django.db import transaction
from django.utils import timezone

from catalog.selectors import published_version
from common import seal as seals
from common.errors import Conflict
from common.sql import (
    Statement,
    deferred,
    insert,
    instances_of,
    select_one_with,
    update_then_insert,
    where_statement,
)
from org.models import StaffProfile
from org.services import ActingFacts, acting_facts_of, acting_facts_statement

from ..acting import Permit, Who
from ..models import Case, CaseEvent, CaseMaterial, CaseStep

P = ParamSpec("P")
R = TypeVar("R")


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


# The case's relations a service reads, which do not change under it: taken from the instance the caller
# already holds (or, for the version, from the store of published versions), not joined into the lock.
_CARRIED = ("center", "item", "window", "responsible")


def carry_related(case: Case, held: Mapping[str, Any]) -> None:
    """Give `case` those of the related rows `held` (by relation name, as an instance's `_state.fields_cache`
    holds them) that are among the relations a service reads and are still the case's own."""
    for name in _CARRIED:
        related = held.get(name)
        if related is not None and related.pk == getattr(case, f"{name}_id"):
            case._state.fields_cache[name] = related


def lock_case(case: Case, *, expected_revision: int | None = None) -> Case:
    """The case row locked for this transaction (with its timer); a Conflict if it changed since
    `expected_revision`.

    Only the case row and its timer are read under the lock: the centre, item, window and responsible person the
    caller's instance already carries are handed over when they are the same rows (the centre also from the
    carried window), and the published version (immutable, R-CAT-3, with its materials, fees and steps) comes
    from `catalog.selectors.published_version`, so that no transition pays for joining them again. Anything
    not carried is read when first used.
    """
    return lock_case_with(case, expected_revision=expected_revision).case


@dataclass(frozen=True)
class Locked:
    """A case locked by `lock_case_with`, and what was read with its lock (None: not asked for, or not known)."""

    case: Case
    # `org.services.acting_facts` of the actor at the case's window at the moment asked.
    facts: ActingFacts | None = None
    steps: list[CaseStep] | None = None  # the case's steps, in order
    materials: list[CaseMaterial] | None = None  # the case's material rows


def lock_case_as(
    who: Who, case: Case, *, actor: StaffProfile, at: datetime, expected_revision: int | None = None
) -> tuple[Case, Permit]:
    """`lock_case`, then the rule `who` asked for `actor` at `at` (its refusal raised): the facts it asks read
    in the same round trip as the lock (`lock_case_with`)."""
    locked = lock_case_with(case, expected_revision=expected_revision, actor=actor, at=at)
    return locked.case, who.permit(actor=actor, case=locked.case, at=at, facts=locked.facts)


def lock_case_with(
    case: Case,
    *,
    expected_revision: int | None = None,
    actor: StaffProfile | None = None,
    at: datetime | None = None,
    steps: bool = False,
    materials: bool = False,
) -> Locked:
    """`lock_case`, and what the service will read next, sent in the same round trip as the lock and read under
    it (`common.sql.rows_together`): the facts the rules of who may act ask about `actor` at `at` (when the
    caller's instance carries its window: a case whose window has changed under the lock gets none, and its
    rules read them again), the case's steps, its material rows."""
    also: list[Statement] = []
    carried_window = case._state.fields_cache.get("window")
    with_facts = (
        actor is not None
        and at is not None
        and carried_window is not None
        and carried_window.pk == case.window_id
    )
    if with_facts:
        assert actor is not None and at is not None and carried_window is not None
        also.append(acting_facts_statement(actor, carried_window, at))
    if steps:
        also.append(where_statement(CaseStep, case_id=case.pk, order_by=("order", "id")))
    if materials:
        also.append(where_statement(CaseMaterial, case_id=case.pk))
    locked, _answers, rows = select_one_with(Case, case.pk, related=("timer",), for_update=True, also=also)
    if locked is None:
        raise Case.DoesNotExist()
    if expected_revision is not None and locked.revision != expected_revision:
        raise Conflict()
    carry_related(locked, case._state.fields_cache)
    window = locked._state.fields_cache.get("window")
    if "center" not in locked._state.fields_cache and window is not None:
        center = window._state.fields_cache.get("center")
        if center is not None and center.pk == locked.center_id:
            locked._state.fields_cache["center"] = center
    locked._state.fields_cache["version"] = published_version(locked.version_id)
    read = iter(rows)
    facts = None
    if with_facts:
        assert actor is not None
        facts = acting_facts_of(actor, next(read))
        if locked.window_id != case.window_id:
            facts = None  # moved to another window meanwhile: the rules ask about that one
    return Locked(
        case=locked,
        facts=facts,
        steps=instances_of(CaseStep, next(read)) if steps else None,
        materials=instances_of(CaseMaterial, next(read)) if materials else None,
    )


def _event(
    *,
    case: Case,
    action: str,
    actor: StaffProfile | None,
    acting_as: str,
    from_state: str,
    to_state: str,
    reason: str,
    data: dict[str, Any] | None,
    at: datetime | None,
) -> CaseEvent:
    """The next event of `case`'s chain (not saved), and the case's chain head moved onto it."""
    at = case_moment(at)
    data = {k: _plain(v) for k, v in (data or {}).items()}
    seq = case.chain_seq + 1
    prev_hash = case.chain_head
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
    case.chain_seq, case.chain_head = seq, digest
    seal_key_id, seal = seals.seal(seals.CASE_EVENT, digest)
    return CaseEvent(
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
        seal=seal,
        seal_key_id=seal_key_id,
    )


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
    """Append one event to the case's chain without changing anything else of the case (its chain head moves).
    Call inside the transaction that holds the case lock."""
    event = _event(
        case=case,
        action=action,
        actor=actor,
        acting_as=acting_as,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        data=data,
        at=at,
    )
    update_then_insert(case, ["chain_seq", "chain_head"], event)
    return event


def case_write(service: Callable[P, R]) -> Callable[P, R]:
    """The transaction of a case service that writes several rows once its checks pass: the rows are written
    together when the service returns (`common.sql.deferred`: on PostgreSQL one statement), and the
    transaction commits after them."""

    @functools.wraps(service)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with transaction.atomic(), deferred():
            return service(*args, **kwargs)

    return run


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
    """Apply `fields` (and the new state) to a locked `case`, bump its revision and append the event: one write
    (the UPDATE of the case and the INSERT of the event, in one statement on PostgreSQL)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("case_change must run inside the service's transaction")
    from_state = case.state
    changed = dict(fields or {})
    if to_state is not None:
        changed["state"] = to_state
    for name, value in changed.items():
        setattr(case, name, value)
    case.revision += 1
    event = _event(
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
    update_then_insert(case, [*changed.keys(), "revision", "chain_seq", "chain_head"], event)
    return event


def case_created(
    *,
    case: Case,
    action: str,
    actor: StaffProfile | None,
    acting_as: str = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> CaseEvent:
    """Insert a new `case` (in its first state) with the first event of its history, in the caller's
    transaction: the INSERT of the case, then its first event with the case's chain head (one statement on
    PostgreSQL)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("case_created must run inside the service's transaction")
    case.revision = 1
    insert(case, now=True)  # the first event's hash needs its key
    event = _event(
        case=case,
        action=action,
        actor=actor,
        acting_as=acting_as,
        from_state=case.state,
        to_state=case.state,
        reason=reason,
        data=data,
        at=at,
    )
    update_then_insert(case, ["chain_seq", "chain_head"], event)
    return event


@dataclass(frozen=True)
class ChainReport:
    case_id: int
    events: int
    broken_at: int | None  # the seq of the first event whose link or hash does not match
    tampered_at: int | None = None  # the seq of the first event whose seal does not verify

    @property
    def ok(self) -> bool:
        return self.broken_at is None and self.tampered_at is None


# The columns of an event that its verification reads.
EVENT_FIELDS = (
    "case_id",
    "seq",
    "at",
    "actor_id",
    "acting_as",
    "action",
    "from_state",
    "to_state",
    "reason",
    "data",
    "prev_hash",
    "hash",
    "seal",
    "seal_key_id",
)


def check_events(
    case_id: int, events: Iterable[Mapping[str, Any]], *, to_first_break: bool = False
) -> tuple[int, int | None, int | None]:
    """(events, seq of the first broken link, seq of the first event whose seal does not verify) of one case's
    events in seq order (rows of `EVENT_FIELDS`); with `to_first_break`, the events are read (and counted) up
    to the first broken link only.

    A broken link — an event whose hash is not the hash of its content and its predecessor's hash, or whose
    number is out of turn — is what a change made without recomputing the hashes leaves (or a removed event).
    A seal that does not verify is what a change made by someone without the key leaves even when every hash
    was recomputed: the event was not written by govhall (or the key that sealed it is no longer configured).
    """
    keys = seals.keyring()
    prev = ""
    count = 0
    broken_at: int | None = None
    tampered_at: int | None = None
    for event in events:
        count += 1
        if broken_at is None:
            expected = event_hash(
                prev_hash=prev,
                case_id=case_id,
                seq=event["seq"],
                at=event["at"],
                actor_id=event["actor_id"],
                acting_as=event["acting_as"],
                action=event["action"],
                from_state=event["from_state"],
                to_state=event["to_state"],
                reason=event["reason"],
                data=event["data"],
            )
            if event["prev_hash"] != prev or event["hash"] != expected or event["seq"] != count:
                broken_at = event["seq"]
        if tampered_at is None and not keys.verifies(
            seals.CASE_EVENT, event["hash"], event["seal_key_id"], event["seal"]
        ):
            tampered_at = event["seq"]
        if broken_at is not None and to_first_break:
            break
        prev = event["hash"]
    return count, broken_at, tampered_at


def chain_verify(case: Case) -> ChainReport:
    """Recompute the hash chain of `case`'s history and verify the seal of each event, up to the first broken
    link (`events` counts the events read)."""
    rows = CaseEvent.objects.filter(case=case).order_by("seq").values(*EVENT_FIELDS).iterator()
    return ChainReport(case.pk, *check_events(case.pk, rows, to_first_break=True))
