"""Explicit listeners of the cases, so that an app built on them adds its conditions without the cases importing
it (the layering: `cases` never imports `joint`). As `workdays.hooks`, instead of signals.

A *decision guard* is asked, before a case is decided, whether something built on the case still stands in the
way; it answers with the refusal (a `RuleViolation` naming its rule) or None. The case page's and the API's
offer of the decision read the same guards (`cases.actions`), so that what is offered is what is allowed.
Joint approval registers one (`joint/apps.py`): a joint case is decided only after the lead department's final
inspection (R-PAR-11).

A *case link* names a page built on the case that its reader may go to from the case page: joint approval
adds "start the joint approval" for the lead of an accepted joint case, and "the departments' progress" once it
is opened. A link source answers None for a case it has nothing to say about, without a query where it can.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from common.errors import RuleViolation

if TYPE_CHECKING:
    from .models import Case

DecisionGuard = Callable[["Case"], RuleViolation | None]


@dataclass(frozen=True)
class CaseLink:
    """A link of the case page to a page built on the case: its label and where it goes."""

    label: str
    url: str
    name: str  # a stable identifier for the page's markup and the tests


CaseLinkSource = Callable[["Case", Any], CaseLink | None]

_decision_guards: list[DecisionGuard] = []
_link_sources: list[CaseLinkSource] = []


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


def register_case_link(source: CaseLinkSource) -> CaseLinkSource:
    """Add `source` (once) to those asked for the case page's links; it is called with the case and the user."""
    if source not in _link_sources:
        _link_sources.append(source)
    return source


def case_links(case: Case, user: Any) -> list[CaseLink]:
    """The links the case page shows `user` to the pages built on `case`."""
    return [link for source in _link_sources if (link := source(case, user)) is not None]
