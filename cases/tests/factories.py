"""Cases built directly in a given state, for tests of one stage that should not depend on the others."""

from __future__ import annotations

import itertools
from contextlib import AbstractContextManager
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from catalog.models import Item
from catalog.tests.factories import make_published_item
from common.tests.triggers import triggers_off
from org.models import Post, StaffProfile, Window
from workdays.models import Timer, TimerKind, TimerState
from workdays.timers import timer_finish, timer_stop

from ..models import OPEN_STATES, Case, CaseState, CaseStep

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
    clock = {
        name: fields.pop(name) for name in ("deadline", "warn_from", "deadline_provisional") if name in fields
    }
    case = Case.objects.create(
        center=window.center,
        item=item,
        version=version,
        window=window,
        state=state,
        case_type=version.case_type,
        applicant_name=f"申请人{n}",
        applicant_id_number="420000199001011238",
        applicant_phone="13800000000",
        received_at=at(received_on),
        received_by=received_by,
        accepted_on=accepted_on,
        accepted_by=received_by if accepted_on else None,
        **fields,
    )
    if clock:
        _timer_as_given(case, **clock)
    return case


def _timer_as_given(
    case: Case,
    *,
    deadline: date | None = None,
    warn_from: date | None = None,
    deadline_provisional: bool = False,
) -> Timer:
    """A timer holding exactly the clock a test gives (not derived): running for an open case, stopped (with
    no deadline, whatever is given) for a suspended one, and finished — through the engine, which records a
    late finish as overdue — for a decided or withdrawn case."""
    assert case.accepted_on is not None, "a case with a clock has an acceptance date"
    stopped = case.state == CaseState.SUSPENDED
    timer = Timer.objects.create(
        center=case.center,
        kind=TimerKind.CASE,
        subject_id=case.pk,
        started_on=case.accepted_on,
        budget_days=case.limit_days + case.extension_days,
        yellow_days=1,
        state=TimerState.STOPPED if stopped else TimerState.RUNNING,
        deadline=None if stopped else deadline,
        warn_from=None if stopped else (warn_from or deadline),
        provisional=deadline_provisional,
    )
    Case.objects.filter(pk=case.pk).update(timer=timer)
    case.timer = timer
    ended = case.decided_at or case.closed_at
    if case.state not in OPEN_STATES:
        timer_finish(timer=timer, on=timezone.localdate(ended) if ended else case.accepted_on)
    return timer


def check_in_order(actor: StaffProfile, case: Case, statuses: Any, *, at: datetime) -> Case:
    """Check the case's materials through the service, giving `statuses` ((status, note) pairs) to its
    checklist in order, one per material."""
    from ..services.intake import case_check_materials

    assert case.version is not None
    materials = list(case.version.materials.order_by("order"))
    results = {m.pk: s for m, s in zip(materials, statuses, strict=True)}
    return case_check_materials(actor=actor, case=case, results=results, at=at)


def suspend_clock(case: Case, *, on: date) -> None:
    """Put an accepted case in a special procedure from `on` as the service leaves it: the state, and the timer
    stopped (or, past the deadline, left running)."""
    assert case.timer is not None
    timer_stop(timer=case.timer, on=on, reason="testing")
    Case.objects.filter(pk=case.pk).update(state=CaseState.SUSPENDED)
    case.state = CaseState.SUSPENDED


def close_case(case: Case, *, state: str, on: date) -> None:
    """Close an accepted case (decided, withdrawn) on `on` as the services leave it: the state, the moment of a
    decision (approved or denied, at 16:00), and the timer finished (a finish after the deadline records the
    case as overdue)."""
    assert case.timer is not None
    decided_at = at(on, 16) if state in (CaseState.APPROVED, CaseState.DENIED) else None
    Case.objects.filter(pk=case.pk).update(state=state, decided_at=decided_at)
    case.state, case.decided_at = state, decided_at
    timer_finish(timer=case.timer, on=on)


def start_step(
    case: Case, *, post: Post, name: str = "受理", order: int = 1, at: datetime | None = None
) -> CaseStep:
    """A step of `case` running at `post`, as the services leave it: the step row, and the post of the case's
    current step."""
    step = CaseStep.objects.create(case=case, order=order, name=name, post=post, started_at=at)
    Case.objects.filter(pk=case.pk).update(current_post=post)
    case.current_post = post
    return step
