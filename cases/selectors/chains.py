"""Reads of cases for the records side: verifying the history chains of many cases at once (R-CASE-10), and
the checkpoints of their heads kept outside the database.

`cases.services.events.chain_verify` checks one case with one query; the supervision page and the command
check thousands, so this module streams the events of a batch of cases in one query per batch and applies
the same check (`check_events`: the links, the hashes and the keyed seals) to each case's run of events.

A checkpoint (`checkpoint_lines`, written by `manage.py history_checkpoint`) lists the head of every case's
chain — its number of events and the last one's hash — sealed with the history key, to be kept off the
database's host. Seals stop a change to an event; they cannot stop someone who holds the database from removing
a case's newest events (and lowering the case's revision to match) or a whole case. Checked against a
checkpoint (`read_checkpoint`, then `chains_verify(checkpoint=...)`), every chain must still hold the head it had
then, and every case then present must still exist.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import groupby
from typing import Any

from django.utils import timezone

from common import seal as seals
from org.models import Center

from ..models import Case, CaseEvent
from ..services.events import EVENT_FIELDS, check_events

# The page verifies at most this many of the centre's most recent cases per run (the command has no cap).
CHAIN_VERIFY_LIMIT = 5000
_BATCH = 500


@dataclass(frozen=True)
class BrokenChain:
    """A case whose history does not verify; each field names one kind of finding (several may hold).

    `broken_at` is the seq of the first event whose link or hash does not match (a change made without
    recomputing the hashes, or a removed event); when every stored event matches but fewer events are stored
    than the case has revisions (events removed from the end), it is the seq the first missing event would have
    had, and `truncated` is set. `tampered_at` is the seq of the first event whose seal does not verify: the
    event was changed (and its hash recomputed) by someone without the history key. Against a checkpoint,
    `checkpoint_seq` is the number of events the checkpoint recorded when the chain no longer holds that head
    (events removed from the end, with the case's revision lowered to match), and `missing` says the case
    itself is gone.
    """

    case_id: int
    center_code: str
    number: str
    events: int
    broken_at: int | None
    truncated: bool = False
    tampered_at: int | None = None
    checkpoint_seq: int | None = None
    missing: bool = False

    @property
    def label(self) -> str:
        return self.number or f"#{self.case_id}"


@dataclass
class ChainRun:
    """The outcome of verifying the chains of the cases of one centre (or of all centres)."""

    total: int  # cases in scope
    checked: int = 0  # cases verified in this run (the most recent ones when capped)
    events: int = 0
    broken: list[BrokenChain] = field(default_factory=list)
    checkpoint_at: datetime | None = None  # when checked against a checkpoint, the moment it was taken

    @property
    def capped(self) -> bool:
        return self.checked < self.total

    @property
    def ok(self) -> bool:
        return not self.broken

    @property
    def tampered(self) -> int:
        """How many cases hold an event whose seal does not verify."""
        return sum(1 for b in self.broken if b.tampered_at is not None)


def _events_by_case(case_ids: list[int]) -> Iterator[tuple[int, Iterator[dict[str, Any]]]]:
    rows = (
        CaseEvent.objects.filter(case_id__in=case_ids)
        .order_by("case_id", "seq")
        .values(*EVENT_FIELDS)
        .iterator(chunk_size=2000)
    )
    return groupby(rows, key=lambda row: row["case_id"])


def _noting(events: Iterable[dict[str, Any]], seq: int, found: dict[str, str]) -> Iterator[dict[str, Any]]:
    """`events` as they are, noting the hash of the event numbered `seq` in `found`."""
    for event in events:
        if event["seq"] == seq:
            found["hash"] = event["hash"]
        yield event


def chains_verify(
    *,
    center: Center | None = None,
    limit: int | None = CHAIN_VERIFY_LIMIT,
    checkpoint: Checkpoint | None = None,
) -> ChainRun:
    """Verify the history chains of `center`'s cases (every centre's when None), most recent first.

    At most `limit` cases are checked (None: all of them); `ChainRun.capped` tells when some were left out.
    Besides a changed or removed event inside the chain and an event whose seal does not verify, a case with
    fewer events than revisions (every revision is written together with its event) is reported as truncated.
    With a `checkpoint`, a chain that no longer holds the head the checkpoint recorded is reported, and so is
    every case of the checkpoint (of `center`, when given) that no longer exists (only when nothing is capped).
    """
    cases = Case.objects.all() if center is None else Case.objects.filter(center=center)
    cases = cases.order_by("-received_at", "-id")
    run = ChainRun(total=cases.count(), checkpoint_at=checkpoint.at if checkpoint else None)
    heads = checkpoint.heads if checkpoint else {}
    rows = cases.values_list("id", "number", "revision", "center__code")
    selected = list(rows[:limit] if limit is not None else rows)
    for start in range(0, len(selected), _BATCH):
        batch = {row[0]: row for row in selected[start : start + _BATCH]}
        seen: dict[int, tuple[int, int | None, int | None]] = {}
        held: dict[int, dict[str, str]] = {}
        for case_id, events in _events_by_case(list(batch)):
            head = heads.get(case_id)
            if head is not None:
                held[case_id] = {}
                events = _noting(events, head[1], held[case_id])
            seen[case_id] = check_events(case_id, events)
        for case_id, (_, number, revision, center_code) in batch.items():
            count, broken_at, tampered_at = seen.get(case_id, (0, None, None))
            run.checked += 1
            run.events += count
            truncated = broken_at is None and count < revision
            if truncated:
                broken_at = count + 1
            behind: int | None = None
            head = heads.get(case_id)
            if head is not None and held.get(case_id, {}).get("hash") != head[2]:
                behind = head[1]
            if broken_at is not None or tampered_at is not None or behind is not None:
                run.broken.append(
                    BrokenChain(
                        case_id,
                        center_code,
                        number,
                        count,
                        broken_at,
                        truncated=truncated,
                        tampered_at=tampered_at,
                        checkpoint_seq=behind,
                    )
                )
    if checkpoint is not None and not run.capped:
        code = center.code if center is not None else None
        recorded = {k: v for k, v in heads.items() if code is None or v[0] == code}
        existing = set(Case.objects.filter(pk__in=list(recorded)).values_list("pk", flat=True))
        for case_id in sorted(set(recorded) - existing):
            center_code, seq, _ = recorded[case_id]
            run.broken.append(
                BrokenChain(case_id, center_code, "", 0, None, checkpoint_seq=seq, missing=True)
            )
    return run


# --- checkpoints ------------------------------------------------------------------------------------------------

CHECKPOINT_MAGIC = "govhall-history-checkpoint 1"


class CheckpointError(ValueError):
    """A checkpoint that cannot be read, or whose seal does not verify (changed, or another key's)."""


@dataclass(frozen=True)
class Checkpoint:
    """The heads of the case chains at a moment: {case id: (centre code, events, last event's hash)}."""

    at: datetime
    heads: Mapping[int, tuple[str, int, str]]


def checkpoint_lines(*, now: datetime | None = None) -> Iterator[str]:
    """The lines of a checkpoint of every case's chain head (each ending in a newline), the last one its seal:

        govhall-history-checkpoint 1
        at <ISO moment>
        case <centre code> <case id> <events> <last event's hash>   (one per case with a history, by id)
        seal <key id> <HMAC of the lines above under the history key>

    The heads are read from the cases (written with their last event in one statement), in one pass.
    """
    moment = (now or timezone.now()).astimezone(UTC)
    digest = hashlib.sha256()

    def line(text: str) -> str:
        text += "\n"
        digest.update(text.encode())
        return text

    yield line(CHECKPOINT_MAGIC)
    yield line(f"at {moment.isoformat()}")
    rows = (
        Case.objects.filter(chain_seq__gt=0)
        .order_by("id")
        .values_list("center__code", "id", "chain_seq", "chain_head")
        .iterator(chunk_size=5000)
    )
    for center_code, case_id, seq, head in rows:
        yield line(f"case {center_code} {case_id} {seq} {head}")
    key_id, seal = seals.seal(seals.CHECKPOINT, digest.hexdigest())
    yield f"seal {key_id} {seal}\n"


def read_checkpoint(lines: Iterable[str]) -> Checkpoint:
    """The checkpoint written by `checkpoint_lines`, once its seal verifies; a CheckpointError otherwise."""
    digest = hashlib.sha256()
    heads: dict[int, tuple[str, int, str]] = {}
    at: datetime | None = None
    sealed = False
    for number, raw in enumerate(lines, start=1):
        text = raw.rstrip("\r\n")
        if sealed:
            if text.strip():
                raise CheckpointError(f"第 {number} 行：签名之后还有内容。")
            continue
        if text.startswith("seal "):
            parts = text.split(" ")
            if len(parts) != 3 or not seals.verifies(
                seals.CHECKPOINT, digest.hexdigest(), parts[1], parts[2]
            ):
                raise CheckpointError("检查点的签名不符：文件被改动，或不是用本系统的密钥生成的。")
            sealed = True
            continue
        digest.update(f"{text}\n".encode())
        if number == 1:
            if text != CHECKPOINT_MAGIC:
                raise CheckpointError("这不是办件历史检查点文件。")
            continue
        parts = text.split(" ")
        try:
            if parts[0] == "at" and len(parts) == 2:
                at = datetime.fromisoformat(parts[1])
            elif parts[0] == "case" and len(parts) == 5:
                heads[int(parts[2])] = (parts[1], int(parts[3]), parts[4])
            else:
                raise ValueError(text)
        except ValueError:
            raise CheckpointError(f"第 {number} 行无法识别。") from None
    if not sealed:
        raise CheckpointError("检查点没有签名行（文件不完整）。")
    if at is None:
        raise CheckpointError("检查点没有时间行。")
    return Checkpoint(at, heads)
