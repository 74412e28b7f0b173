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
