"""Overdue cases through the services on the 2026 national calendar: a special procedure started after the
deadline gives no time back (R-CLK-4), who answered for an overdue case is stored once when it fell overdue
(R-CLK-9) and both the supervision dashboard and the monthly assessment name that person, and a month's facts
do not change once the month is over (R-ASM-9)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from cases.models import Case, CaseState, Overdue
from cases.selectors.clock import overdue_cases, red_cases
from cases.services import handling
from cases.services.clock import (
    clock_start,
    extension_request,
    special_procedure_end,
    special_procedure_start,
)
from cases.tests.factories import at, make_case, make_item_for
from cases.tests.handling_helpers import authorise
from org.services import absence_record
from supervision.selectors.assessment import case_facts
from supervision.selectors.dashboard import dashboard
from workdays.models import TimerWarning
from workdays.timers import timers_sweep

pytestmark = pytest.mark.usefixtures("national_calendar")

ACCEPTED = date(2026, 9, 30)  # 5 working days: due 2026-10-13
OCTOBER = date(2026, 10, 1)


def _accepted(hall: Any, **fields: Any) -> Case:
    item = make_item_for(
        hall.window, hall.post, promised_limit_days=5, special_procedures=["expert_review", "site_survey"]
    )
    case = make_case(window=hall.window, item=item, received_by=hall.clerk, accepted_on=ACCEPTED, **fields)
    clock_start(case=case)
    handling.case_steps_plan(case=case, at=at(ACCEPTED, 10))
    case.refresh_from_db()
    return case


def test_r_clk_4_a_procedure_started_after_the_deadline_keeps_the_case_red(hall: Any) -> None:
    case = _accepted(hall)
    suspension = special_procedure_start(
        actor=hall.clerk,
        case=case,
        kind="expert_review",
        reason="需组织专家评审",
        expected_days=5,
        at=at(date(2026, 10, 15), 10),
    )
    case.refresh_from_db()
    assert case.state == CaseState.SUSPENDED  # the procedure runs, and the applicant is told
    assert suspension.notice is not None and suspension.notice.body["remaining_days"] == 0
    assert case.deadline == date(2026, 10, 13)  # but the time had run out: nothing is given back
    assert list(red_cases(hall.center, date(2026, 10, 16))) == [case]
    event = case.events.get(action="special_procedure_started")
    assert event.data["clock_stopped"] is False
    special_procedure_end(actor=hall.clerk, case=case, result="评审通过", at=at(date(2026, 10, 20), 9))
    case.refresh_from_db()
    assert (case.state, case.deadline) == (CaseState.ACCEPTED, date(2026, 10, 13))


def test_r_clk_4_a_site_survey_does_not_stop_the_clock(hall: Any) -> None:
    case = _accepted(hall)
    with pytest.raises(Exception) as refusal:
        special_procedure_start(
            actor=hall.clerk,
            case=case,
            kind="site_survey",
            reason="现场勘查",
            expected_days=2,
            at=at(date(2026, 10, 9), 10),
        )
    assert getattr(refusal.value, "rule", None) == "R-CLK-4"
    assert getattr(refusal.value, "field", None) == "kind"
    case.refresh_from_db()
    assert (case.state, case.deadline, case.suspensions.count()) == (
        CaseState.ACCEPTED,
        date(2026, 10, 13),
        0,
    )


def test_r_clk_9_r_asm_9_the_dashboard_and_the_assessment_name_who_held_the_post_that_day(hall: Any) -> None:
    case = _accepted(hall, responsible=hall.clerk, responsible_acting_as="A")
    # The clerk (A of the post of the running step) is away on the last day: his B held the post.
    absence_record(
        actor=None,
        staff=hall.clerk,
        kind="leave",
        starts_at=at(date(2026, 10, 13), 0),
        ends_at=at(date(2026, 10, 14), 0),
    )
    timers_sweep(today=date(2026, 10, 14))
    [row] = dashboard(hall.center, date(2026, 10, 14)).overdue.rows
    assert (row.responsible, row.responsible_acting_as) == (hall.backup, "B")
    # Later the A is back and finishes the work late; the case is decided: who answered that day stays.
    handling.step_complete(actor=hall.clerk, case=case, opinion="同意", at=at(date(2026, 10, 15), 9))
    authorise(hall)
    handling.case_decide(
        actor=hall.chief,
        case=case,
        approve=True,
        result_number="许〔2026〕9号",
        at=at(date(2026, 10, 16), 10),
    )

    facts = case_facts(hall.center, OCTOBER, today=date(2026, 10, 31), detail=True)
    assert [(r.staff, r.late, r.late_cases) for r in facts.rows] == [(hall.backup, 1, [case])]
    assert Overdue.objects.get(case=case).acting_as == "B"


def test_r_asm_9_a_months_facts_do_not_change_when_the_case_moves_later(hall: Any) -> None:
    case = _accepted(hall, responsible=hall.clerk, responsible_acting_as="A")
    timers_sweep(today=date(2026, 10, 14))
    before = case_facts(hall.center, OCTOBER, today=date(2026, 11, 5))
    assert [(r.staff, r.late) for r in before.rows] == [(hall.clerk, 1)]
    # In November a special procedure starts and the case is decided: October's facts stay as they were.
    special_procedure_start(
        actor=hall.clerk,
        case=case,
        kind="expert_review",
        reason="需组织专家评审",
        expected_days=5,
        at=at(date(2026, 11, 2), 10),
    )
    special_procedure_end(actor=hall.clerk, case=case, result="通过", at=at(date(2026, 11, 3), 10))
    handling.step_complete(actor=hall.clerk, case=case, opinion="同意", at=at(date(2026, 11, 4), 9))
    authorise(hall)
    handling.case_decide(
        actor=hall.chief,
        case=case,
        approve=True,
        result_number="许〔2026〕10号",
        at=at(date(2026, 11, 4), 10),
    )
    after = case_facts(hall.center, OCTOBER, today=date(2026, 11, 5))
    assert [(r.staff, r.late) for r in after.rows] == [(hall.clerk, 1)]
    assert case_facts(hall.center, date(2026, 11, 1), today=date(2026, 11, 30)).rows == []
    assert overdue_cases(hall.center, date(2026, 11, 5)) == []  # decided: no longer red


def test_r_clk_5_no_extension_once_the_deadline_has_passed(hall: Any) -> None:
    case = _accepted(hall)
    with pytest.raises(Exception) as refusal:
        extension_request(
            actor=hall.chief,  # the head of the window's department: approved as it is asked
            case=case,
            days=2,
            reason="需补充核查",
            at=at(date(2026, 10, 14), 9),
        )
    assert getattr(refusal.value, "rule", None) == "R-CLK-5"


def test_r_data_3_a_case_turning_yellow_and_red_is_recorded_with_its_department_and_who_held_the_post(
    hall: Any,
) -> None:
    """Yellow on 10-12 with the clerk (A) at the post; red on 10-14 while he is away and his B holds it; the
    decision on 10-16 is late: both records say so. The records are stored, not recomputed."""
    case = _accepted(hall, responsible=hall.clerk, responsible_acting_as="A")
    timers_sweep(today=date(2026, 10, 12))
    absence_record(
        actor=None,
        staff=hall.clerk,
        kind="leave",
        starts_at=at(date(2026, 10, 14), 0),
        ends_at=at(date(2026, 10, 15), 0),
    )
    timers_sweep(today=date(2026, 10, 14))
    records = list(TimerWarning.objects.filter(kind="case", subject_id=case.pk).order_by("pk"))
    assert [
        (r.colour, r.rule, r.turned_on, r.subject_label, r.department, r.responsible) for r in records
    ] == [
        ("yellow", "R-CLK-6", date(2026, 10, 12), case.number, hall.window.department, hall.clerk),
        ("red", "R-CLK-9", date(2026, 10, 14), case.number, hall.window.department, hall.backup),
    ]
    handling.step_complete(actor=hall.clerk, case=case, opinion="同意", at=at(date(2026, 10, 15), 9))
    authorise(hall)
    handling.case_decide(
        actor=hall.chief,
        case=case,
        approve=True,
        result_number="许〔2026〕9号",
        at=at(date(2026, 10, 16), 10),
    )
    assert (
        list(TimerWarning.objects.filter(subject_id=case.pk, kind="case").values_list("result", "result_on"))
        == [("late", date(2026, 10, 16))] * 2
    )
    # The supervision dashboard lists the month's records.
    board = dashboard(hall.center, date(2026, 10, 20))
    assert [(r.colour, r.responsible) for r in board.warnings.rows] == [
        ("red", hall.backup),
        ("yellow", hall.clerk),
    ]
