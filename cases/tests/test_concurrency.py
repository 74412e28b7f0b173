"""Two staff acting on the same case at once: one succeeds, the other gets a clear conflict, nothing is applied
twice (issue 3, "Correctness under load"). Real concurrency needs real row locks: PostgreSQL, the production
database; CI runs this file there."""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

import pytest
from django.db import connection, connections

from cases.models import Case, CaseEvent, CaseState, MaterialStatus, Notice, NoticeKind
from cases.services import intake
from cases.tests.factories import at, make_case, make_item_for
from common.errors import Conflict, RuleViolation

pytestmark = pytest.mark.django_db(transaction=True)

RECEIVED = date(2026, 9, 30)


def _race(*actions: Any) -> list[Any]:
    """Run `actions` in threads released together; each result is its return value or the exception raised."""
    barrier = threading.Barrier(len(actions))
    results: list[Any] = [None] * len(actions)

    def run(index: int, action: Any) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = action()
        except Exception as exc:  # the outcome under test
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_r_case_10_two_clerks_accepting_the_same_case_at_once_accept_it_once(
    hall: Any, national_calendar: Any
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks are real on PostgreSQL, the production database")
    item = make_item_for(hall.window, hall.post, statutory_limit_days=10, promised_limit_days=5)
    case = make_case(
        window=hall.window, item=item, received_by=hall.clerk, state=CaseState.RECEIVED, received_on=RECEIVED
    )
    version = item.current_version
    assert version is not None
    intake.case_check_materials(
        actor=hall.clerk,
        case=case,
        at=at(RECEIVED, 10),
        results={m.pk: (MaterialStatus.PRESENT, "") for m in version.materials.all()},
    )
    case.refresh_from_db()
    seen = case.revision

    results = _race(
        lambda: intake.case_accept(actor=hall.clerk, case=case, at=at(RECEIVED, 11), expected_revision=seen),
        lambda: intake.case_accept(actor=hall.backup, case=case, at=at(RECEIVED, 11), expected_revision=seen),
    )

    winners = [r for r in results if isinstance(r, Notice)]
    losers = [r for r in results if isinstance(r, Conflict | RuleViolation)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert isinstance(losers[0], Conflict)
    assert losers[0].message == "该办件已被他人更新，请刷新页面后重试。"
    case.refresh_from_db()
    assert case.state == CaseState.ACCEPTED
    assert case.revision == seen + 1
    assert Notice.objects.filter(case=case, kind=NoticeKind.ACCEPTANCE).count() == 1
    assert CaseEvent.objects.filter(case=case, to_state=CaseState.ACCEPTED).count() == 1
    assert Case.objects.filter(number=case.number).count() == 1
