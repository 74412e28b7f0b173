"""Who must hear of a calendar change (R-CLK-3): an explicit list of listeners, not Django signals.

An app whose stored dates are derived from the calendar registers a listener in its `AppConfig.ready()`:

    hooks.register(clocks_recompute_for_center)

`workdays.services` calls `calendar_changed(center, reason=...)` after each calendar write, *inside the same
transaction*: the new calendar and every date derived from it commit together or not at all, and a listener
that fails rolls the calendar change back. The calendar cache is already invalidated for this process at that
point, so listeners read the new calendar. `center` is the centre whose own rows changed, or None for the
national schedule (every centre is concerned).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from org.models import Center


class CalendarListener(Protocol):
    def __call__(self, *, center: Center | None, reason: str) -> Any: ...


_listeners: list[Callable[..., Any]] = []


def register(fn: CalendarListener) -> CalendarListener:
    """Add a listener (once; registering the same function again does nothing). Returns it."""
    if fn not in _listeners:
        _listeners.append(fn)
    return fn


def unregister(fn: CalendarListener) -> None:
    if fn in _listeners:
        _listeners.remove(fn)


def listeners() -> list[Callable[..., Any]]:
    return list(_listeners)


def calendar_changed(center: Center | None, *, reason: str) -> None:
    """Tell every listener that the calendar of `center` (None: national) changed."""
    for fn in list(_listeners):
        fn(center=center, reason=reason)


# --- the owners of working-day timers -------------------------------------------------------------------------
#
# A timer belongs to a subject of another app (a case, ...). What only the subject knows is asked of its owner,
# registered per timer kind in the owning app's `AppConfig.ready()`:
#
#     hooks.register_timer_owner(TimerKind.CASE, overdue=case_overdue_record, recomputed=case_timer_recomputed)
#
# `overdue(timer)` is called once, in the transaction that sets `timer.red_since` (the daily sweep, or the
# subject finishing late): the owner stores who answered for the subject on the day it fell overdue (R-CLK-9).
# `recomputed(timer, old=..., reason=...)` is called in the calendar write's transaction for each timer whose
# deadline moved (R-CLK-3): the owner writes it into the subject's history. `responsible(timer, on=...)` names,
# for the warning records (R-DATA-3), the subject and the department and person answering for it that day. A kind
# with no owner is fine: the timer's own fields still tell the truth.


class TimerOverdue(Protocol):
    def __call__(self, timer: Any) -> Any: ...


class TimerRecomputed(Protocol):
    def __call__(self, timer: Any, *, old: dict[str, Any], reason: str) -> Any: ...


@dataclass(frozen=True)
class Responsible:
    """Who answers for a timer's subject when it turns yellow or red (R-DATA-3), as its owner says."""

    label: str = ""  # how a supervision record names the subject (a case number)
    department_id: int | None = None
    staff_id: int | None = None


class TimerResponsible(Protocol):
    def __call__(self, timer: Any, *, on: date) -> Responsible: ...


@dataclass(frozen=True)
class _Owner:
    overdue: TimerOverdue | None = None
    recomputed: TimerRecomputed | None = None
    responsible: TimerResponsible | None = None


_timer_owners: dict[str, _Owner] = {}


def register_timer_owner(
    kind: str,
    *,
    overdue: TimerOverdue | None = None,
    recomputed: TimerRecomputed | None = None,
    responsible: TimerResponsible | None = None,
) -> None:
    """Name the functions that answer for timers of `kind` (registering again replaces them)."""
    _timer_owners[kind] = _Owner(overdue, recomputed, responsible)


def timer_overdue(timer: Any) -> None:
    owner = _timer_owners.get(timer.kind, _Owner())
    if owner.overdue is not None:
        owner.overdue(timer)


def timer_recomputed(timer: Any, *, old: dict[str, Any], reason: str) -> None:
    owner = _timer_owners.get(timer.kind, _Owner())
    if owner.recomputed is not None:
        owner.recomputed(timer, old=old, reason=reason)


def timer_responsible(timer: Any, *, on: date) -> Responsible:
    """Who answers for `timer`'s subject on `on` (the warning records, R-DATA-3); nobody named when the kind has
    no owner or its owner does not say."""
    owner = _timer_owners.get(timer.kind, _Owner())
    if owner.responsible is None:
        return Responsible()
    return owner.responsible(timer, on=on)
