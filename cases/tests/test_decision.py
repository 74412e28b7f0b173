"""The decision (R-CASE-7) by an authorised person only (R-ORG-4), on the spot when the item allows it (R-ORG-5)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine

from cases.models import Case, CaseEvent, CaseState, Notice, NoticeKind
from cases.services.handling import (
    FALSE_MATERIALS_TEXT,
    REMEDIES_TEXT,
    case_decide,
    completed_on_time,
    step_complete,
)
from common.errors import RuleViolation
from org.services import authorization_revoke
from org.tests import factories as f
from workdays.models import Timer

from .factories import at, make_case, make_item_for
from .handling_helpers import DAY, authorise, second_post, two_step_item


@pytest.fixture
def on_spot_case(hall: Any) -> Case:
    item = make_item_for(hall.window, hall.post, on_spot_decision=True)
    return make_case(window=hall.window, item=item, received_by=hall.clerk, accepted_on=DAY)


@pytest.fixture
def stepped_case(hall: Any) -> Case:
    item = two_step_item(hall, second_post(hall))
    return make_case(
        window=hall.window, item=item, received_by=hall.clerk, accepted_on=DAY, deadline=date(2026, 10, 20)
    )


def _finish_steps(hall: Any, case: Case) -> None:
    step_complete(actor=hall.clerk, case=case, opinion="受理，材料齐全", at=at(DAY, 9, 30))
    reviewer = case.steps.get(order=2).post.holder_a
    step_complete(actor=reviewer, case=case, opinion="审核通过", at=at(DAY, 10, 30))


def _unchanged(case: Case) -> None:
    before = case.revision
    case.refresh_from_db()
    assert (case.state, case.revision, case.decided_at) == (CaseState.ACCEPTED, before, None)
    assert Notice.objects.filter(case=case).count() == 0


# --- R-ORG-5: on the spot ---------------------------------------------------------------------------------


def test_r_org_5_chief_decides_on_the_spot_without_steps(
    hall: Any, on_spot_case: Case, national_calendar: Any
) -> None:
    authorise(hall)
    notice = case_decide(
        actor=hall.chief,
        case=on_spot_case,
        approve=True,
        result_number="外经贸许〔2026〕88号",
        result_valid_until=date(2031, 9, 29),
        at=at(DAY, 11),
    )
    case = Case.objects.get(pk=on_spot_case.pk)
    assert (case.state, case.decided_at, case.decided_by) == (CaseState.APPROVED, at(DAY, 11), hall.chief)
    assert (case.result_number, case.result_valid_until, case.result_issuer) == (
        "外经贸许〔2026〕88号",
        date(2031, 9, 29),
        "外经贸局",
    )
    # Decided on 2026-09-30: 10 working days over the National Day holidays (R-CASE-8).
    assert case.delivery_due == date(2026, 10, 20)
    assert (notice.kind, notice.number, notice.issued_by) == (
        NoticeKind.APPROVAL,
        "示范县政务服务中心准予〔2026〕1号",
        hall.chief,
    )
    assert notice.body["decision"] == "准予许可" and notice.body["result_number"] == "外经贸许〔2026〕88号"
    event = CaseEvent.objects.get(case=case, action="decide")
    assert (event.from_state, event.to_state, event.data["authority"]) == ("accepted", "approved", "on_spot")
    assert case.steps.filter(finished_at__isnull=False).count() == 0


def test_r_org_5_item_needing_internal_steps_waits_for_them(hall: Any, stepped_case: Case) -> None:
    authorise(hall)
    with pytest.raises(RuleViolation) as refused:
        case_decide(actor=hall.chief, case=stepped_case, approve=True, result_number="X-1", at=at(DAY, 11))
    assert refused.value.rule == "R-ORG-5"
    assert refused.value.message == "本事项须按内部环节办理，“受理”环节尚未完成，不能作出决定。"
    _unchanged(stepped_case)


def test_r_org_5_an_item_with_a_special_procedure_is_not_decided_on_the_spot(hall: Any) -> None:
    item = make_item_for(hall.window, hall.post, on_spot_decision=True, special_procedures=["expert_review"])
    case = make_case(window=hall.window, item=item, received_by=hall.clerk, accepted_on=DAY)
    authorise(hall)
    with pytest.raises(RuleViolation) as refused:
        case_decide(actor=hall.chief, case=case, approve=True, result_number="X-1", at=at(DAY, 11))
    assert refused.value.rule == "R-ORG-5"


# --- R-CASE-7 / R-ORG-4: after the steps, by an authorisation in force ----------------------------------------


def test_r_case_7_decision_after_all_steps_by_the_authorised_chief(
    hall: Any, stepped_case: Case, national_calendar: Any
) -> None:
    authorisation = authorise(hall)
    _finish_steps(hall, stepped_case)
    case_decide(
        actor=hall.chief,
        case=stepped_case,
        approve=True,
        result_number="外经贸许〔2026〕89号",
        at=at(DAY, 16),
    )
    case = Case.objects.get(pk=stepped_case.pk)
    assert (case.state, case.deadline) == (CaseState.APPROVED, date(2026, 10, 20))  # stored deadline kept
    assert completed_on_time(case) is True
    event = CaseEvent.objects.get(case=case, action="decide")
    assert event.data["authority"] == "authorization"
    assert (event.data["authorization"], event.data["document"]) == (authorisation.pk, "外经贸授〔2026〕1号")


def test_r_org_4_an_expired_authorisation_decides_nothing(hall: Any, stepped_case: Case) -> None:
    authorise(hall, valid_until=date(2026, 9, 29))
    _finish_steps(hall, stepped_case)
    stepped_case.refresh_from_db()
    with pytest.raises(RuleViolation) as refused:
        case_decide(actor=hall.chief, case=stepped_case, approve=True, result_number="X-1", at=at(DAY, 16))
    assert refused.value.rule == "R-ORG-4"
    assert refused.value.message == (
        "赵首席此时没有外经贸局有效的一般申请事项决定权授权（授权已过期、已撤销或未授权），不能作出决定。"
    )
    _unchanged(stepped_case)


def test_r_org_4_a_revoked_authorisation_decides_nothing(hall: Any, stepped_case: Case) -> None:
    authorisation = authorise(hall)
    _finish_steps(hall, stepped_case)
    with time_machine.travel(at(date(2026, 9, 29), 12), tick=False):
        authorization_revoke(actor=None, authorization=authorisation, reason="调离")
    stepped_case.refresh_from_db()
    with pytest.raises(RuleViolation) as refused:
        case_decide(actor=hall.chief, case=stepped_case, approve=True, result_number="X-1", at=at(DAY, 16))
    assert refused.value.rule == "R-ORG-4"
    _unchanged(stepped_case)


def test_r_org_4_only_the_decide_general_scope_of_the_items_department_counts(
    hall: Any, stepped_case: Case
) -> None:
    authorise(hall, scopes=("coordinate", "seal"))
    authorise(hall, department=f.make_department(hall.center, name="公安局"))
    _finish_steps(hall, stepped_case)
    stepped_case.refresh_from_db()
    with pytest.raises(RuleViolation) as refused:
        case_decide(actor=hall.chief, case=stepped_case, approve=True, result_number="X-1", at=at(DAY, 16))
    assert refused.value.rule == "R-ORG-4"


def test_r_org_4_a_clerk_without_authorisation_cannot_decide(hall: Any, stepped_case: Case) -> None:
    _finish_steps(hall, stepped_case)
    stepped_case.refresh_from_db()
    with pytest.raises(RuleViolation) as refused:
        case_decide(actor=hall.clerk, case=stepped_case, approve=True, result_number="X-1", at=at(DAY, 16))
    assert refused.value.rule == "R-ORG-4"


# --- approve / deny ---------------------------------------------------------------------------------------


def test_r_case_7_denial_carries_reasons_and_remedies(
    hall: Any, on_spot_case: Case, national_calendar: Any
) -> None:
    authorise(hall)
    notice = case_decide(
        actor=hall.chief, case=on_spot_case, approve=False, reasons="申请人不具备经营资质。", at=at(DAY, 11)
    )
    case = Case.objects.get(pk=on_spot_case.pk)
    assert (case.state, case.decision_reasons, case.result_number) == (
        CaseState.DENIED,
        "申请人不具备经营资质。",
        "",
    )
    assert (notice.kind, notice.number) == (NoticeKind.DENIAL, "示范县政务服务中心不准〔2026〕1号")
    assert notice.body["reasons"] == "申请人不具备经营资质。"
    assert notice.body["remedies"] == REMEDIES_TEXT
    assert "60日内依法申请行政复议" in REMEDIES_TEXT and "6个月内依法向人民法院提起行政诉讼" in REMEDIES_TEXT
    assert case.delivery_due == date(2026, 10, 20)


def test_r_case_7_denial_needs_written_reasons(hall: Any, on_spot_case: Case) -> None:
    authorise(hall)
    with pytest.raises(RuleViolation) as refused:
        case_decide(actor=hall.chief, case=on_spot_case, approve=False, reasons=" ", at=at(DAY, 11))
    assert (refused.value.rule, refused.value.message, refused.value.field) == (
        "R-CASE-7",
        "不予许可须书面说明理由。",
        "reasons",
    )
    _unchanged(on_spot_case)


def test_r_case_7_approval_needs_the_result_number(hall: Any, on_spot_case: Case) -> None:
    authorise(hall)
    with pytest.raises(RuleViolation) as refused:
        case_decide(actor=hall.chief, case=on_spot_case, approve=True, at=at(DAY, 11))
    assert (refused.value.rule, refused.value.field) == ("R-CASE-7", "result_number")
    _unchanged(on_spot_case)


def test_r_case_7_false_materials_are_always_denied(
    hall: Any, on_spot_case: Case, national_calendar: Any
) -> None:
    authorise(hall)
    notice = case_decide(
        actor=hall.chief,
        case=on_spot_case,
        approve=True,
        result_number="X-1",
        reasons="营业执照系伪造",
        false_materials=True,
        at=at(DAY, 11),
    )
    case = Case.objects.get(pk=on_spot_case.pk)
    assert case.state == CaseState.DENIED
    assert case.decision_reasons == f"{FALSE_MATERIALS_TEXT}；营业执照系伪造"
    assert "虚假材料坚决剔除、不予审批" in case.decision_reasons
    assert (notice.kind, notice.body["false_materials"], case.result_number) == (NoticeKind.DENIAL, True, "")


def test_r_clk_4_no_decision_during_a_special_procedure(hall: Any) -> None:
    item = make_item_for(hall.window, hall.post, on_spot_decision=True)
    case = make_case(window=hall.window, item=item, received_by=hall.clerk, state=CaseState.SUSPENDED)
    authorise(hall)
    with pytest.raises(RuleViolation) as refused:
        case_decide(actor=hall.chief, case=case, approve=True, result_number="X-1", at=at(DAY, 11))
    assert refused.value.rule == "R-CLK-4"
    assert refused.value.message.startswith("特别程序期间暂停办理")


def test_r_case_7_a_decided_case_is_not_decided_again(
    hall: Any, on_spot_case: Case, national_calendar: Any
) -> None:
    authorise(hall)
    case_decide(actor=hall.chief, case=on_spot_case, approve=True, result_number="X-1", at=at(DAY, 11))
    with pytest.raises(RuleViolation) as refused:
        case_decide(actor=hall.chief, case=on_spot_case, approve=False, reasons="改判", at=at(DAY, 12))
    assert (refused.value.rule, refused.value.message) == (
        "R-CASE-7",
        "办件当前状态为“准予许可”，不能作出决定。",
    )


def test_r_case_7_completed_on_time_compares_the_decision_date_with_the_deadline() -> None:
    due = date(2026, 10, 13)
    assert completed_on_time(Case(timer=Timer(deadline=due), decided_at=at(due, 23, 59))) is True
    assert (
        completed_on_time(Case(timer=Timer(deadline=due), decided_at=at(date(2026, 10, 14), 0, 1))) is False
    )
    assert completed_on_time(Case(timer=Timer(deadline=due), decided_at=None)) is None
    assert completed_on_time(Case(decided_at=at(due))) is None
