"""Cases as rows of a list: the few columns a list shows, read as plain values.

A list of cases (the workbench's panels) shows a dozen columns of each case and links to its page. Building a
`Case` with its item, version, window, responsible person and timer for every row costs far more than the
database's work (six model instances of up to sixty fields each, per row); a row here is one tuple from the
database turned into a frozen `CaseRow`, and its link is the case page's URL pattern filled in, not reversed
per row. Its colour comes from the timer's stored state, deadline and first yellow day read with the row
(`clock.warning_from`, what `annotate_warning` says in SQL): building that expression into the query cost
more than the rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse

from ..models import ActingAs, CaseState
from .clock import TIMER, warning_from


@dataclass(frozen=True, slots=True)
class CaseRow:
    """One case as a list shows it (`warning`: the colour on the day the list was read, R-CLK-6)."""

    pk: int
    number: str
    is_priority: bool
    item_code: str
    version_name: str
    applicant: str  # the organisation when there is one, else the person
    window_id: int
    window_number: str
    state: str
    deadline: date | None
    deadline_provisional: bool
    warning: str
    responsible_id: int | None
    responsible_name: str
    responsible_acting_as: str
    received_by_id: int | None
    current_post_id: int | None

    @property
    def url(self) -> str:
        return _case_url(self.pk)

    @property
    def state_label(self) -> str:
        return str(CaseState(self.state).label)

    @property
    def acting_as_label(self) -> str:
        return str(ActingAs(self.responsible_acting_as).label) if self.responsible_acting_as else ""


_COLUMNS = (
    "pk",
    "number",
    "is_priority",
    "item__code",
    "version__name",
    "organisation_name",
    "applicant_name",
    "window_id",
    "window__number",
    "state",
    f"{TIMER}deadline",
    f"{TIMER}provisional",
    f"{TIMER}state",
    f"{TIMER}warn_from",
    "responsible_id",
    "responsible__name",
    "responsible_acting_as",
    "received_by_id",
    "current_post_id",
)

_MARK = 987654321  # a key no case has: its place in the reversed URL is where a case's key goes


@cache
def _case_url_pattern() -> tuple[str, str]:
    head, _, tail = reverse("cases:case_detail", kwargs={"pk": _MARK}).partition(str(_MARK))
    return head, tail


def _case_url(pk: int) -> str:
    head, tail = _case_url_pattern()
    return f"{head}{pk}{tail}"


def case_rows(queryset: QuerySet[Any], today: date, *, limit: int) -> list[CaseRow]:
    """The first `limit` cases of `queryset` (in its order) as rows, with their colour on `today`."""
    rows = queryset.values_list(*_COLUMNS)[:limit]
    return [
        CaseRow(
            pk=pk,
            number=number,
            is_priority=is_priority,
            item_code=item_code,
            version_name=version_name,
            applicant=organisation or applicant,
            window_id=window_id,
            window_number=window_number,
            state=state,
            deadline=deadline,
            deadline_provisional=bool(provisional),
            warning=warning_from(timer_state, deadline, warn_from, today),
            responsible_id=responsible_id,
            responsible_name=responsible_name or "",
            responsible_acting_as=acting_as,
            received_by_id=received_by_id,
            current_post_id=current_post_id,
        )
        for (
            pk,
            number,
            is_priority,
            item_code,
            version_name,
            organisation,
            applicant,
            window_id,
            window_number,
            state,
            deadline,
            provisional,
            timer_state,
            warn_from,
            responsible_id,
            responsible_name,
            acting_as,
            received_by_id,
            current_post_id,
        ) in rows
    ]
