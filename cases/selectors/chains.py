"""Reads of cases for the records side: verifying the history chains of many cases at once (R-CASE-10).

`cases.services.events.chain_verify` checks one case with one query; the supervision page and the command
check thousands, so this module streams the events of a batch of cases in one query per batch and applies
the same check to each case's run of events.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from org.models import Center

from ..models import Case, CaseEvent
from ..services.events import event_hash

# The page verifies at most this many of the centre's most recent cases per run (the command has no cap).
CHAIN_VERIFY_LIMIT = 5000
_BATCH = 500


@dataclass(frozen=True)
class BrokenChain:
    """A case whose history does not verify.

    `broken_at` is the seq of the first event whose link or hash does not match; when every stored event
    matches but fewer events are stored than the case has revisions (events removed from the end), it is the
    seq the first missing event would have had, and `truncated` is set.
    """

    case_id: int
    center_code: str
    number: str
    events: int
    broken_at: int
    truncated: bool = False

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

    @property
    def capped(self) -> bool:
        return self.checked < self.total

    @property
    def ok(self) -> bool:
        return not self.broken


def _first_break(case_id: int, events: Iterable[dict[str, Any]]) -> tuple[int, int | None]:
    """(events, seq of the first bad event or None): the same check as `chain_verify`."""
    prev = ""
    count = 0
    broken_at: int | None = None
    for event in events:
        count += 1
        if broken_at is not None:
            continue  # only counting from here
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
        prev = event["hash"]
    return count, broken_at


_EVENT_FIELDS = (
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
)


def _events_by_case(case_ids: list[int]) -> Iterator[tuple[int, Iterator[dict[str, Any]]]]:
    rows = (
        CaseEvent.objects.filter(case_id__in=case_ids)
        .order_by("case_id", "seq")
        .values(*_EVENT_FIELDS)
        .iterator(chunk_size=2000)
    )
    return groupby(rows, key=lambda row: row["case_id"])


def chains_verify(*, center: Center | None = None, limit: int | None = CHAIN_VERIFY_LIMIT) -> ChainRun:
    """Verify the history chains of `center`'s cases (every centre's when None), most recent first.

    At most `limit` cases are checked (None: all of them); `ChainRun.capped` tells when some were left out.
    Besides a changed or removed event inside the chain, a case with fewer events than revisions (every
    revision is written together with its event) is reported as truncated.
    """
    cases = Case.objects.all() if center is None else Case.objects.filter(center=center)
    cases = cases.order_by("-received_at", "-id")
    run = ChainRun(total=cases.count())
    rows = cases.values_list("id", "number", "revision", "center__code")
    selected = list(rows[:limit] if limit is not None else rows)
    for start in range(0, len(selected), _BATCH):
        batch = {row[0]: row for row in selected[start : start + _BATCH]}
        seen: dict[int, tuple[int, int | None]] = {}
        for case_id, events in _events_by_case(list(batch)):
            seen[case_id] = _first_break(case_id, events)
        for case_id, (_, number, revision, center_code) in batch.items():
            count, broken_at = seen.get(case_id, (0, None))
            run.checked += 1
            run.events += count
            if broken_at is not None:
                run.broken.append(BrokenChain(case_id, center_code, number, count, broken_at))
            elif count < revision:
                run.broken.append(BrokenChain(case_id, center_code, number, count, count + 1, truncated=True))
    return run
