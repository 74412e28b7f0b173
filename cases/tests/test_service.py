"""Delivery and archive (R-CASE-8)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from cases.models import Case, CaseEvent, CaseState, Notice
from cases.services.events import chain_verify
from cases.services.handling import (
    case_archive,
    case_decide,
    case_deliver,
)
from common.errors import PermissionDenied, RuleViolation

from .factories import at, make_case, make_item_for
from .handling_helpers import DAY, authorise


@pytest.fixture
def approved(hall: Any, national_calendar: Any) -> Case:
    """Approved on the spot on 2026-09-30: delivery due 2026-10-20."""
    item = make_item_for(hall.window, hall.post, on_spot_decision=True)
    case = make_case(window=hall.window, item=item, received_by=hall.clerk, accepted_on=DAY)
    authorise(hall)
    case_decide(
        actor=hall.chief, case=case, approve=True, result_number="外经贸许〔2026〕88号", at=at(DAY, 11)
    )
    case.refresh_from_db()
    assert case.delivery_due == date(2026, 10, 20)
    return case


# --- delivery and archive -----------------------------------------------------------------------------------


def test_r_case_8_delivery_within_the_limit_is_recorded(hall: Any, approved: Case) -> None:
    result = case_deliver(actor=hall.clerk, case=approved, method="pickup", at=at(date(2026, 10, 20), 16))
    assert (result.state, result.delivered_at, result.delivery_method) == (
        CaseState.DELIVERED,
        at(date(2026, 10, 20), 16),
        "pickup",
    )
    event = CaseEvent.objects.get(case=approved, action="deliver")
    assert (event.from_state, event.to_state, event.data["late"], event.data["method"]) == (
        "approved",
        "delivered",
        False,
        "pickup",
    )
    notice = Notice.objects.get(case=approved, kind="approval")
    assert (notice.delivered_at, notice.delivery_method) == (at(date(2026, 10, 20), 16), "pickup")


def test_r_case_8_a_late_delivery_is_recorded_and_flagged(hall: Any, approved: Case) -> None:
    result = case_deliver(actor=hall.clerk, case=approved, method="post", at=at(date(2026, 10, 21), 9))
    assert result.state == CaseState.DELIVERED
    event = CaseEvent.objects.get(case=approved, action="deliver")
    assert (event.data["late"], event.data["delivery_due"]) == (True, "2026-10-20")


def test_r_case_8_only_a_decided_case_is_delivered(hall: Any) -> None:
    item = make_item_for(hall.window, hall.post)
    case = make_case(window=hall.window, item=item, received_by=hall.clerk, accepted_on=DAY)
    with pytest.raises(RuleViolation) as refused:
        case_deliver(actor=hall.clerk, case=case, method="pickup", at=at(DAY, 16))
    assert (refused.value.rule, refused.value.message) == (
        "R-CASE-8",
        "办件当前状态为“已受理办理中”，只有已作出决定的办件才能送达。",
    )


def test_r_case_8_delivery_method_must_be_known(hall: Any, approved: Case) -> None:
    with pytest.raises(RuleViolation) as refused:
        case_deliver(actor=hall.clerk, case=approved, method="pigeon", at=at(DAY, 16))
    assert (refused.value.rule, refused.value.field) == ("R-CASE-8", "method")
    approved.refresh_from_db()
    assert (approved.state, approved.delivered_at) == (CaseState.APPROVED, None)


def test_r_case_8_the_delivered_case_goes_to_the_archive(hall: Any, approved: Case) -> None:
    with pytest.raises(RuleViolation) as refused:
        case_archive(actor=hall.clerk, case=approved, at=at(DAY, 17))
    assert refused.value.message == "办件当前状态为“准予许可”，只有已送达的办件才能归档。"
    case_deliver(actor=hall.clerk, case=approved, method="electronic", at=at(date(2026, 10, 8), 9))
    result = case_archive(actor=hall.clerk, case=approved, at=at(date(2026, 10, 9), 9))
    assert (result.state, result.closed_at) == (CaseState.ARCHIVED, at(date(2026, 10, 9), 9))
    assert list(CaseEvent.objects.filter(case=approved).values_list("action", flat=True)) == [
        "decide",
        "deliver",
        "archive",
    ]
    assert chain_verify(approved).ok  # moments given in local time still verify (R-CASE-10)


def test_r_case_8_staff_of_another_centre_cannot_deliver(hall: Any, approved: Case) -> None:
    with pytest.raises(PermissionDenied):
        case_deliver(actor=hall.outsider, case=approved, method="pickup", at=at(DAY, 16))
