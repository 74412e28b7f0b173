"""Cases built directly in a given state, for tests of one stage that should not depend on the others."""

from __future__ import annotations

import itertools
from contextlib import AbstractContextManager
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from catalog.models import Item
from catalog.tests.factories import make_published_item
from common.tests.triggers import triggers_off
from org.models import Post, StaffProfile, Window

from ..models import Case, CaseState

_seq = itertools.count(1)
SHANGHAI = ZoneInfo("Asia/Shanghai")
TRIGGER = "cases_caseevent_append_only"


def tampering() -> AbstractContextManager[None]:
    """Change history rows behind the services' back. On PostgreSQL the append-only trigger refuses it, so
    it is switched off inside the test's transaction (and on again after)."""
    return triggers_off(("cases_caseevent", TRIGGER))


def at(day: date, hh: int = 9, mm: int = 0) -> datetime:
    """An aware moment in the centre's time zone."""
    return datetime.combine(day, time(hh, mm), tzinfo=SHANGHAI)


def make_item_for(window: Window, post: Post, **fields: Any) -> Item:
    """A published item of the window's department whose one step is done at `post`."""
    return make_published_item(window.center, window.department, post=post, **fields)


def make_case(
    *,
    window: Window,
    item: Item,
    received_by: StaffProfile,
    state: str = CaseState.ACCEPTED,
    accepted_on: date | None = None,
    received_on: date | None = None,
    **fields: Any,
) -> Case:
    n = next(_seq)
    version = item.current_version
    assert version is not None
    received_on = received_on or accepted_on or date(2026, 9, 30)
    if state in {CaseState.ACCEPTED, CaseState.SUSPENDED} and accepted_on is None:
        accepted_on = received_on
    fields.setdefault("number", f"TEST-{n:05d}" if accepted_on else "")
    fields.setdefault("query_code", f"{n:06d}" if accepted_on else "")
    fields.setdefault("limit_days", version.promised_limit_days)
    fields.setdefault("submitted_on", received_on)
    return Case.objects.create(
        center=window.center,
        item=item,
        version=version,
        window=window,
        state=state,
        case_type=version.case_type,
        applicant_name=f"申请人{n}",
        applicant_id_number="420000199001011234",
        applicant_phone="13800000000",
        received_at=at(received_on),
        received_by=received_by,
        accepted_on=accepted_on,
        accepted_by=received_by if accepted_on else None,
        **fields,
    )


def check_in_order(actor: StaffProfile, case: Case, statuses: Any, *, at: datetime) -> Case:
    """Check the case's materials through the service, giving `statuses` ((status, note) pairs) to its
    checklist in order, one per material."""
    from ..services.intake import case_check_materials

    assert case.version is not None
    materials = list(case.version.materials.order_by("order"))
    results = {m.pk: s for m, s in zip(materials, statuses, strict=True)}
    return case_check_materials(actor=actor, case=case, results=results, at=at)
