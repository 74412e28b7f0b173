"""Fees only from the item version, paid at the unified payment window and recorded (R-CAT-7)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from cases.models import Case, CaseEvent, CaseState, Payment
from cases.services.handling import payment_record
from catalog.models import Fee, ItemVersion, VersionState
from catalog.tests.factories import amending_published
from common.errors import PermissionDenied, RuleViolation

from .factories import at, make_case, make_item_for
from .handling_helpers import DAY


@pytest.fixture
def case(hall: Any) -> Case:
    item = make_item_for(hall.window, hall.post)
    return make_case(window=hall.window, item=item, received_by=hall.clerk, accepted_on=DAY)


def _nothing_recorded(case: Case) -> None:
    case.refresh_from_db()
    assert case.revision == 0
    assert Payment.objects.filter(case=case).count() == 0
    assert CaseEvent.objects.filter(case=case).count() == 0


def test_r_cat_7_the_amount_is_the_published_standard_times_the_quantity(hall: Any, case: Case) -> None:
    fee = case.version.fees.get()
    assert fee.amount == Decimal("10.00")
    payment = payment_record(
        actor=hall.clerk, case=case, fee=fee, quantity=3, receipt_number="PJ2026-0001", at=at(DAY, 10)
    )
    payment.refresh_from_db()
    assert (payment.fee, payment.quantity, payment.amount, payment.paid_at, payment.recorded_by) == (
        fee,
        3,
        Decimal("30.00"),
        at(DAY, 10),
        hall.clerk,
    )
    event = CaseEvent.objects.get(case=case)
    assert event.action == "payment"
    assert event.data == {
        "fee": fee.pk,
        "name": "工本费1",
        "standard": "10.00",
        "quantity": 3,
        "amount": "30.00",
        "receipt_number": "PJ2026-0001",
    }


def test_r_cat_7_a_fee_of_another_item_is_refused(hall: Any, case: Case) -> None:
    other = make_item_for(hall.window, hall.post)
    assert other.current_version is not None
    fee = other.current_version.fees.get()
    with pytest.raises(RuleViolation) as refused:
        payment_record(actor=hall.clerk, case=case, fee=fee, receipt_number="PJ-1", at=at(DAY, 10))
    assert (refused.value.rule, refused.value.message, refused.value.field) == (
        "R-CAT-7",
        "只能按本事项版本公布的收费项目和标准收费。",
        "fee",
    )
    _nothing_recorded(case)


def test_r_cat_7_a_fee_of_a_later_version_of_the_same_item_is_refused(hall: Any, case: Case) -> None:
    case.version.state = VersionState.SUPERSEDED
    case.version.save(update_fields=["state"])
    later = ItemVersion.objects.create(
        item=case.item,
        number=2,
        state=VersionState.DRAFT,
        published_at=timezone.now(),
        name=case.version.name,
        statutory_limit_days=20,
        promised_limit_days=10,
    )
    fee = Fee.objects.create(
        version=later, name="工本费（新标准）", amount="15.00", legal_basis="价费字〔2026〕2号"
    )
    later.state = VersionState.PUBLISHED
    later.save(update_fields=["state"])
    case.item.current_version = later
    case.item.save(update_fields=["current_version"])
    with pytest.raises(RuleViolation) as refused:
        payment_record(actor=hall.clerk, case=case, fee=fee, receipt_number="PJ-1", at=at(DAY, 10))
    assert refused.value.rule == "R-CAT-7"
    _nothing_recorded(case)


@pytest.mark.parametrize("quantity", [0, -1])
def test_r_cat_7_quantity_must_be_positive(hall: Any, case: Case, quantity: int) -> None:
    fee = case.version.fees.get()
    with pytest.raises(RuleViolation) as refused:
        payment_record(actor=hall.clerk, case=case, fee=fee, quantity=quantity, receipt_number="PJ-1")
    assert refused.value.field == "quantity"
    _nothing_recorded(case)


def test_r_cat_7_a_receipt_number_is_recorded_once(hall: Any, case: Case) -> None:
    fee = case.version.fees.get()
    payment_record(actor=hall.clerk, case=case, fee=fee, receipt_number="PJ-1", at=at(DAY, 10))
    with pytest.raises(RuleViolation) as refused:
        payment_record(actor=hall.clerk, case=case, fee=fee, receipt_number="PJ-1", at=at(DAY, 11))
    assert (refused.value.rule, refused.value.message) == ("R-CAT-7", "票据号“PJ-1”已登记。")
    assert Payment.objects.filter(case=case).count() == 1


def test_r_cat_7_staff_of_another_centre_cannot_record_a_payment(hall: Any, case: Case) -> None:
    fee = case.version.fees.get()
    with pytest.raises(PermissionDenied):
        payment_record(actor=hall.outsider, case=case, fee=fee, receipt_number="PJ-1")
    _nothing_recorded(case)


def test_r_cat_7_no_payment_on_a_withdrawn_case(hall: Any) -> None:
    item = make_item_for(hall.window, hall.post)
    case = make_case(window=hall.window, item=item, received_by=hall.clerk, state=CaseState.WITHDRAWN)
    with pytest.raises(RuleViolation) as refused:
        payment_record(actor=hall.clerk, case=case, fee=case.version.fees.get(), receipt_number="PJ-1")
    assert refused.value.message == "办件当前状态为“已撤回”，不能收费。"
    _nothing_recorded(case)


def test_r_cat_7_the_payment_form_offers_the_version_fees_with_their_standard(hall: Any, case: Case) -> None:
    from django.utils import translation

    from cases.forms_case import PaymentForm

    fee = case.version.fees.get()
    form = PaymentForm(case=case)
    assert [label for _value, label in form.fields["fee"].choices][1:] == ["工本费1（10.00元）"]
    with amending_published():
        fee.unit = "份"
        fee.save(update_fields=["unit"])
    with translation.override("en"):
        assert list(PaymentForm(case=case).fields["fee"].choices)[1][1] == "工本费1 (10.00 yuan per 份)"
