"""R-CASE-3, deemed acceptance per submission: once the 5th working day after the materials came in has passed
without a correction notice, the application is accepted in law as of that day (行政许可法第三十二条). A later
correction notice and a refusal to accept are refused; an acceptance records the acceptance as deemed, as of
that day. Corrected materials start their own 5 working days."""

from __future__ import annotations

from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from cases.models import Case, CaseEvent, CaseState, NoticeKind
from cases.selectors.actions import available_actions
from cases.services.intake import (
    case_accept,
    case_check_materials,
    case_issue_correction,
    case_receive,
    case_refuse,
    case_resubmit,
    cases_deem_accepted,
    deemed_acceptance_due,
)
from catalog.models import Item
from common.errors import RuleViolation

from .factories import at, make_item_for

pytestmark = pytest.mark.usefixtures("national_calendar")

MONDAY = date(2026, 11, 2)  # received; 5 working days: 11-03, 04, 05, 06, 09
DUE = date(2026, 11, 9)  # the last day for a correction notice
AFTER = date(2026, 11, 10)  # accepted in law as of 11-02
APPLICANT = {"name": "示范外贸有限公司", "phone": "13800000001"}
PRESENT, MISSING = ("present", ""), ("missing", "")
LATE_CORRECTION = (
    "收到申请材料之日（2026-11-02）起5个工作日内（最迟2026-11-09）未告知补正，依照行政许可法第三十二条已视为受理，"
    "不能再出具补正告知书，请予受理。"
)
LATE_REFUSAL = (
    "收到申请材料之日（2026-11-02）起5个工作日内（最迟2026-11-09）未告知补正，依照行政许可法第三十二条已视为受理，"
    "不能再出具不予受理告知书。"
)


def _item(hall: Any) -> Item:
    return make_item_for(hall.window, hall.post, promised_limit_days=5, statutory_limit_days=20)


def _receive(hall: Any, day: date = MONDAY) -> Case:
    return case_receive(
        actor=hall.clerk, window=hall.window, item=_item(hall), applicant=APPLICANT, at=at(day, 9)
    )


def _check(hall: Any, case: Case, statuses: list[tuple[str, str]], day: date) -> Case:
    materials = list(case.version.materials.order_by("order"))
    results = {m.pk: s for m, s in zip(materials, statuses, strict=True)}
    return case_check_materials(actor=hall.clerk, case=case, results=results, at=at(day, 9, 30))


def _snapshot(case: Case) -> tuple[Any, ...]:
    case.refresh_from_db()
    return (case.state, case.revision, case.accepted_on, case.events.count(), case.notices.count())


def test_r_case_3_the_day_the_materials_came_in_is_stored_on_the_case(hall: Any) -> None:
    case = _receive(hall)
    assert (case.submitted_on, deemed_acceptance_due(case)) == (MONDAY, DUE)


def test_r_case_3_a_correction_notice_after_the_fifth_working_day_is_refused(hall: Any) -> None:
    case = _receive(hall)
    _check(hall, case, [PRESENT, MISSING], DUE)
    before = _snapshot(case)
    assert "correction" not in available_actions(hall.clerk.user, case, at=at(AFTER, 10))

    with pytest.raises(RuleViolation) as refusal:
        case_issue_correction(actor=hall.clerk, case=case, at=at(AFTER, 10))

    assert (refusal.value.rule, refusal.value.message) == ("R-CASE-3", LATE_CORRECTION)
    assert _snapshot(case) == before
    # On the 5th working day itself the notice is still in time.
    assert "correction" in available_actions(hall.clerk.user, case, at=at(DUE, 16))
    notice = case_issue_correction(actor=hall.clerk, case=case, at=at(DUE, 16))
    assert notice.kind == NoticeKind.CORRECTION


def test_r_case_3_a_refusal_to_accept_after_the_window_is_refused(hall: Any) -> None:
    case = _receive(hall)
    before = _snapshot(case)
    assert "refuse" not in available_actions(hall.clerk.user, case, at=at(AFTER, 10))

    with pytest.raises(RuleViolation) as refusal:
        case_refuse(
            actor=hall.clerk,
            case=case,
            reasons="不属于本部门职权范围",
            competent_authority="县市场监管局窗口",
            at=at(AFTER, 10),
        )

    assert (refusal.value.rule, refusal.value.message) == ("R-CASE-3", LATE_REFUSAL)
    assert _snapshot(case) == before


def test_r_case_3_an_acceptance_after_the_window_is_recorded_as_deemed_as_of_receipt(hall: Any) -> None:
    case = _receive(hall)
    _check(hall, case, [PRESENT, MISSING], MONDAY)  # a missing material no longer stands in the way
    assert "accept" in available_actions(hall.clerk.user, case, at=at(AFTER, 10))

    notice = case_accept(actor=hall.clerk, case=case, at=at(AFTER, 10))

    case.refresh_from_db()
    assert (case.state, case.accepted_on, case.deemed_accepted, case.accepted_by, case.number) == (
        CaseState.ACCEPTED,
        MONDAY,
        True,
        hall.clerk,
        "DEMO-COUNTY-20261102-00001",
    )
    # The limit runs from the day of receipt: 5 working days after 11-02.
    assert (case.deadline, notice.body["accepted_on"], notice.body["deemed"]) == (
        date(2026, 11, 9),
        "2026-11-02",
        True,
    )
    event = CaseEvent.objects.filter(case=case).order_by("-seq").first()
    assert event is not None
    assert (event.action, event.actor, event.acting_as, event.at) == (
        "deemed_accepted",
        hall.clerk,
        "A",
        at(AFTER, 10),
    )
    assert cases_deem_accepted(today=date(2026, 11, 11)) == []


def test_r_case_3_corrected_materials_have_their_own_window_and_are_deemed_accepted_as_of_that_day(
    hall: Any,
) -> None:
    case = _receive(hall)
    _check(hall, case, [PRESENT, MISSING], MONDAY)
    case_issue_correction(actor=hall.clerk, case=case, at=at(MONDAY, 10))
    resubmitted_on = date(2026, 11, 5)  # 5 working days: 11-06, 09, 10, 11, 12
    case_resubmit(actor=hall.clerk, case=case, at=at(resubmitted_on, 9))
    case.refresh_from_db()
    assert (case.submitted_on, deemed_acceptance_due(case)) == (resubmitted_on, date(2026, 11, 12))

    # The first submission's window has passed, the resubmission's has not: it may still be refused.
    assert "refuse" in available_actions(hall.clerk.user, case, at=at(date(2026, 11, 12), 9))
    assert "refuse" not in available_actions(hall.clerk.user, case, at=at(date(2026, 11, 13), 9))
    assert cases_deem_accepted(today=date(2026, 11, 12)) == []
    case.refresh_from_db()
    assert case.state == CaseState.RECEIVED

    deemed = cases_deem_accepted(today=date(2026, 11, 13), at=at(date(2026, 11, 13), 0, 30))

    assert deemed == [case]
    case.refresh_from_db()
    assert (case.state, case.accepted_on, case.deemed_accepted) == (CaseState.ACCEPTED, resubmitted_on, True)
    event = case.events.get(action="deemed_accepted")
    assert (event.actor, event.acting_as) == (None, "")


def test_r_case_3_deem_accepted_command_accepts_a_resubmission(hall: Any) -> None:
    case = _receive(hall)
    _check(hall, case, [PRESENT, MISSING], MONDAY)
    case_issue_correction(actor=hall.clerk, case=case, at=at(MONDAY, 10))
    case_resubmit(actor=hall.clerk, case=case, at=at(date(2026, 11, 5), 9))
    out = StringIO()

    call_command("deem_accepted", "--date", "2026-11-13", stdout=out)

    assert out.getvalue().splitlines() == [
        "demo-county DEMO-COUNTY-20261105-00001: 视为受理，受理日期 2026-11-05",
        "2026-11-13: 视为受理 1 件。",
    ]
