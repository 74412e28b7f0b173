"""Every write of staffing (R-ATT-2, R-CLK-7): terminals, PINs, clock events, the day's attendance.

Each function owns its transaction, checks who may act itself, refuses with `RuleViolation` (nothing changed)
and records what it changed in the history. By concern: `terminals` (registering a terminal, knowing one when
it calls), `pins` (staff PINs, and correcting a wrong mapping), `ingest` (a batch of clock events, by the
iClock protocol or the API), `days` (closing a day, correcting one). Import them from here.
"""

from __future__ import annotations

from .days import attendance_close_day, attendance_correct, compute_days, expected_staff_ids, local_bounds
from .ingest import IngestResult, Refusal, clock_events_ingest, refusal_message
from .pins import pin_map, pin_mapping_correct, pin_unmap
from .terminals import (
    TERMINAL_FIELDS,
    terminal_authenticate,
    terminal_handshake,
    terminal_register,
    terminal_seen,
    terminal_update,
)

__all__ = [
    "TERMINAL_FIELDS",
    "IngestResult",
    "Refusal",
    "attendance_close_day",
    "attendance_correct",
    "clock_events_ingest",
    "compute_days",
    "expected_staff_ids",
    "local_bounds",
    "pin_map",
    "pin_mapping_correct",
    "pin_unmap",
    "refusal_message",
    "terminal_authenticate",
    "terminal_handshake",
    "terminal_register",
    "terminal_seen",
    "terminal_update",
]
