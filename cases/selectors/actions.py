"""Which actions the case page and the API offer a user on a case: those whose declaration (`cases.actions`)
applies to the case in its state now and whose rule of who may act (`cases.acting`) allows the user — the
same rule the action's service asks, so that what is offered is allowed and what is not offered is refused.
A service may still refuse an offered action on its input (a missing material, a limit passed…)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from org.models import StaffProfile

from ..acting import WINDOW, Acting
from ..actions import ACTIONS, offered
from ..models import Case, CaseStep


def staff_of(user: Any) -> StaffProfile | None:
    """The active staff profile of a signed-in user, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    staff: StaffProfile | None = getattr(user, "staff_profile", None)
    return staff if staff is not None and staff.is_active else None


def acting_of(
    user: Any, case: Case, *, at: datetime | None = None, steps: list[CaseStep] | None = None
) -> Acting | None:
    """What the rules ask about `user` acting on `case` at `at` (now by default), None for anyone who is not
    active staff; its facts are read once however many questions are asked of it. `steps`: the case's steps
    in order, when the caller has read them already."""
    staff = staff_of(user)
    if staff is None:
        return None
    return Acting.on_case(actor=staff, case=case, moment=at or timezone.now(), steps=steps)


def available_actions(
    user: Any, case: Case, *, at: datetime | None = None, acting: Acting | None = None
) -> frozenset[str]:
    """The names of the declared actions (`cases.actions.ACTIONS`, the ones on the case's rows included) that
    `user` may take on `case` at `at` (now by default); `acting` (from `acting_of`) shares its facts."""
    acting = acting or acting_of(user, case, at=at)
    if acting is None:
        return frozenset()
    return frozenset(action.name for action in ACTIONS if offered(acting, action))


def query_code_for(
    user: Any, case: Case, *, at: datetime | None = None, acting: Acting | None = None
) -> str | None:
    """The case's query code (R-PUB-2) for those who may accept cases at its window — they give it to the
    applicant, with the acceptance notice — and None for anyone else: with the case's number it opens the
    public progress lookup. `acting` (from `acting_of`) shares its facts."""
    if not case.query_code:
        return None
    acting = acting or acting_of(user, case, at=at)
    return case.query_code if acting is not None and WINDOW.allows(acting) else None
