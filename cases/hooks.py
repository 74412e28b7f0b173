"""Explicit listeners of the cases, so that an app built on them adds its conditions without the cases importing
it (the layering: `cases` never imports `joint`). As `workdays.hooks`, instead of signals.

A *decision guard* is asked, before a case is decided, whether something built on the case still stands in the
way; it answers with the refusal (a `RuleViolation` naming its rule) or None. The case page's and the API's
offer of the decision read the same guards (`cases.actions`), so that what is offered is what is allowed.
Joint approval registers one (`joint/apps.py`): a joint case is decided only after the lead department's final
inspection (R-PAR-11).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from common.errors import RuleViolation

if TYPE_CHECKING:
    from .models import Case

DecisionGuard = Callable[["Case"], RuleViolation | None]

_decision_guards: list[DecisionGuard] = []


def register_decision_guard(guard: DecisionGuard) -> DecisionGuard:
    """Add `guard` (once) to those asked before a case is decided."""
    if guard not in _decision_guards:
        _decision_guards.append(guard)
    return guard


def decision_refused(case: Case) -> RuleViolation | None:
    """The first refusal a guard gives for deciding `case` now, else None."""
    for guard in _decision_guards:
        refusal = guard(case)
        if refusal is not None:
            return refusal
    return None
