"""The case facts of the monthly assessment (R-ASM-9): per responsible person, the cases that became overdue in
the month (R-CLK-6, R-CLK-9), the shuttles of development-zone enterprises (R-CASE-12) and the deduction they
imply under the policy in force for the month (R-ASM-17); shown on the supervision dashboard."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Case, CaseState, CaseStep, Overdue, Visit
from cases.tests.factories import at, close_case, make_case, make_item_for, suspend_clock
from catalog.models import Item
from org.models import StaffProfile
from org.services import absence_record
from org.tests import factories as f
from policy.services import policy_set
from supervision.selectors.assessment import case_facts, late_cases
from workdays.timers import timers_sweep

OCTOBER = date(2026, 10, 1)
AFTER_OCTOBER = date(2026, 11, 5)


@pytest.fixture
def item(hall: Any) -> Item:
    return make_item_for(hall.window, hall.post, promised_limit_days=5)


def _case(hall: Any, item: Item, deadline: date, *, state: str = CaseState.ACCEPTED, **fields: Any) -> Case:
    fields.setdefault("responsible", hall.clerk)
    return make_case(
        window=hall.window,
        item=item,
        received_by=hall.clerk,
        state=state,
        accepted_on=deadline - timedelta(days=7),
        deadline=deadline,
        **fields,
    )


def _shuttle(case: Case, day: date, responsible: StaffProfile | None) -> Visit:
    return Visit.objects.create(
        case=case,
        at=at(day, 15),
        purpose="补交材料（窗口首次未告知）",
        caused_by_administration=True,
        is_shuttle=True,
        responsible=responsible,
        recorded_by=case.received_by,
    )


def _row(facts: Any, staff: StaffProfile | None) -> Any:
    return next(row for row in facts.rows if row.staff == staff)


def _late_numbers(hall: Any, month: date, today: date = AFTER_OCTOBER) -> set[str]:
    timers_sweep(today=today)  # the daily sweep, as run every morning up to `today`
    return set(late_cases(hall.center, month, today=today).values_list("case__number", flat=True))


def _facts(center: Any, month: date, *, today: date, detail: bool = False) -> Any:
    """The month's facts as they stand once the daily sweep has run on `today`."""
    timers_sweep(today=today)
    return case_facts(center, month, today=today, detail=detail)


# --- which cases became overdue in the month ------------------------------------------------------------------


def test_r_asm_9_open_case_past_its_deadline_counts_in_the_month_its_deadline_passed(
    hall: Any, item: Item
) -> None:
    open_late = _case(hall, item, date(2026, 10, 13), number="OPEN-LATE")
    _case(hall, item, date(2026, 9, 30), number="DUE-0930")  # first overdue day 10-01: October
    _case(hall, item, date(2026, 9, 29), number="DUE-0929")  # first overdue day 09-30: September
    _case(hall, item, date(2026, 10, 31), number="DUE-1031")  # first overdue day 11-01: November

    assert _late_numbers(hall, OCTOBER) == {"OPEN-LATE", "DUE-0930"}
    assert _late_numbers(hall, date(2026, 9, 1)) == {"DUE-0929"}
    assert _late_numbers(hall, date(2026, 11, 1)) == {"DUE-1031"}
    facts = _facts(hall.center, OCTOBER, today=AFTER_OCTOBER, detail=True)
    assert _row(facts, hall.clerk).late == 2
    assert open_late in _row(facts, hall.clerk).late_cases


def test_r_asm_9_case_decided_after_its_deadline_counts_once_in_the_deadline_month(
    hall: Any, item: Item
) -> None:
    _case(
        hall,
        item,
        date(2026, 10, 20),
        state=CaseState.APPROVED,
        decided_at=at(date(2026, 11, 3), 9),
        number="DECIDED-LATE",
    )
    _case(
        hall,
        item,
        date(2026, 10, 20),
        state=CaseState.DENIED,
        decided_at=at(date(2026, 10, 20), 23, 30),  # the last evening of the limit is in time
        number="DECIDED-IN-TIME",
    )
    _case(
        hall,
        item,
        date(2026, 10, 9),
        state=CaseState.ARCHIVED,
        decided_at=at(date(2026, 10, 12), 10),
        closed_at=at(date(2026, 10, 30), 10),
        number="ARCHIVED-LATE",
    )

    assert _late_numbers(hall, OCTOBER) == {"DECIDED-LATE", "ARCHIVED-LATE"}
    assert _late_numbers(hall, date(2026, 11, 1), today=date(2026, 12, 1)) == set()


def test_r_asm_9_withdrawn_after_the_deadline_counts_suspended_and_unaccepted_do_not(
    hall: Any, item: Item
) -> None:
    _case(
        hall,
        item,
        date(2026, 10, 12),
        state=CaseState.WITHDRAWN,
        closed_at=at(date(2026, 10, 15), 10),
        number="WITHDRAWN-LATE",
    )
    _case(
        hall,
        item,
        date(2026, 10, 12),
        state=CaseState.WITHDRAWN,
        closed_at=at(date(2026, 10, 12), 10),
        number="WITHDRAWN-IN-TIME",
    )
    suspended = _case(hall, item, date(2026, 10, 12), number="SUSPENDED")
    suspend_clock(suspended, on=date(2026, 10, 9))  # stopped before its deadline
    make_case(window=hall.window, item=item, received_by=hall.clerk, state=CaseState.RECEIVED)

    assert _late_numbers(hall, OCTOBER) == {"WITHDRAWN-LATE"}


def test_r_asm_9_current_month_counts_up_to_today_only(hall: Any, item: Item) -> None:
    _case(hall, item, date(2026, 10, 12), number="DUE-1012")
    _case(hall, item, date(2026, 10, 13), number="DUE-1013")  # overdue from 10-14
    _case(hall, item, date(2026, 10, 14), number="DUE-1014")  # still in time on 10-14

    assert _late_numbers(hall, OCTOBER, today=date(2026, 10, 14)) == {"DUE-1012", "DUE-1013"}
    assert _late_numbers(hall, OCTOBER, today=date(2026, 10, 13)) == {"DUE-1012"}
    with time_machine.travel(at(date(2026, 10, 14), 10), tick=False):
        timers_sweep(today=date(2026, 10, 14))
        assert case_facts(hall.center, OCTOBER).rows[0].late == 2


def test_r_asm_9_other_centres_cases_are_not_counted(hall: Any, item: Item) -> None:
    outsider_window = f.make_window(hall.outsider.center, number="X01")
    outsider_post = f.make_post(outsider_window)
    outsider_item = make_item_for(outsider_window, outsider_post, promised_limit_days=5)
    make_case(
        window=outsider_window,
        item=outsider_item,
        received_by=outsider_post.holder_a,
        accepted_on=date(2026, 10, 1),
        deadline=date(2026, 10, 9),
    )
    assert _facts(hall.center, OCTOBER, today=AFTER_OCTOBER).rows == []


# --- who answers for a late case (R-CLK-9) ----------------------------------------------------------------------


def test_r_asm_9_r_clk_9_late_case_counts_for_whoever_held_the_post_of_the_step_running_at_the_deadline(
    hall: Any, item: Item
) -> None:
    deadline = date(2026, 10, 13)
    other_post = f.make_post(hall.other_window, a=hall.other_clerk, name="审核岗")
    # The clerk (A of the acceptance post) is on leave on the last day: the backup holds that post as B.
    absence_record(
        actor=None, staff=hall.clerk, kind="leave", starts_at=at(deadline, 8), ends_at=at(deadline, 18)
    )
    # Step 1 done in time; step 2, at the acceptance post, still running when the last day closed: the B held
    # the post then and answers for the case, though the case moved on and was decided later by others.
    moved_on = _case(hall, item, deadline, responsible=hall.chief)
    CaseStep.objects.create(
        case=moved_on,
        order=1,
        name="受理",
        post=hall.post,
        handler=hall.clerk,
        acting_as="A",
        started_at=at(deadline - timedelta(days=7), 9),
        finished_at=at(deadline - timedelta(days=1), 9),
    )
    CaseStep.objects.create(
        case=moved_on,
        order=2,
        name="审核",
        post=hall.post,
        handler=hall.clerk,
        acting_as="A",
        started_at=at(deadline - timedelta(days=1), 9),
        finished_at=at(date(2026, 10, 16), 9),
    )
    close_case(moved_on, state=CaseState.APPROVED, on=date(2026, 10, 20))
    # Step 2 still running at another window's post: its A held it then.
    running = _case(hall, item, deadline, responsible=hall.clerk)
    CaseStep.objects.create(
        case=running,
        order=1,
        name="受理",
        post=hall.post,
        started_at=at(deadline - timedelta(days=7), 9),
        finished_at=at(deadline, 9),
    )
    CaseStep.objects.create(case=running, order=2, name="审核", post=other_post, started_at=at(deadline, 9))
    # Every step done in time, the decision late: the case's handler answers.
    steps_done = _case(hall, item, deadline, responsible=hall.clerk)
    CaseStep.objects.create(
        case=steps_done,
        order=1,
        name="受理",
        post=hall.post,
        handler=hall.backup,
        started_at=at(deadline - timedelta(days=7), 9),
        finished_at=at(deadline, 16),
    )
    close_case(steps_done, state=CaseState.APPROVED, on=date(2026, 10, 15))

    facts = _facts(hall.center, OCTOBER, today=AFTER_OCTOBER, detail=True)

    assert {row.staff.name: [c.pk for c in row.late_cases] for row in facts.rows if row.staff} == {
        hall.backup.name: [moved_on.pk],
        hall.other_clerk.name: [running.pk],
        hall.clerk.name: [steps_done.pk],
    }
    assert Overdue.objects.get(case=moved_on).acting_as == "B"


def test_r_asm_9_late_case_without_anyone_responsible_is_listed_apart(hall: Any, item: Item) -> None:
    _case(hall, item, date(2026, 10, 13), responsible=None)
    facts = _facts(hall.center, OCTOBER, today=AFTER_OCTOBER)
    assert [(row.staff, row.late) for row in facts.rows] == [(None, 1)]


# --- shuttles and the deduction ----------------------------------------------------------------------------------


def test_r_asm_9_deduction_is_5_per_late_case_and_10_per_shuttle_capped_at_20(hall: Any, item: Item) -> None:
    _case(hall, item, date(2026, 10, 13))  # the clerk: 1 late case
    zone_case = _case(hall, item, date(2026, 11, 30), in_development_zone=True)
    _shuttle(zone_case, date(2026, 10, 12), hall.clerk)  # and 1 shuttle: 5 + 10 = 15
    for day in (5, 6, 7):  # the backup: 3 shuttles = 30, capped at 20
        _shuttle(zone_case, date(2026, 10, day), hall.backup)
    _shuttle(zone_case, date(2026, 9, 28), hall.backup)  # last month: not counted
    _shuttle(zone_case, date(2026, 11, 2), hall.backup)  # next month: not counted

    facts = _facts(hall.center, OCTOBER, today=AFTER_OCTOBER)

    clerk, backup = _row(facts, hall.clerk), _row(facts, hall.backup)
    assert (clerk.late, clerk.shuttles, clerk.late_points, clerk.shuttle_points) == (1, 1, 5, 10)
    assert (clerk.deduction, clerk.capped) == (15, False)
    assert (backup.late, backup.shuttles, backup.raw_points, backup.deduction, backup.capped) == (
        0,
        3,
        30,
        20,
        True,
    )
    assert [row.staff for row in facts.rows] == [hall.backup, hall.clerk]  # largest deduction first
    assert (facts.late, facts.shuttles) == (1, 4)


def test_r_asm_9_detail_and_counts_agree(hall: Any, item: Item) -> None:
    late = _case(hall, item, date(2026, 10, 13))
    zone_case = _case(hall, item, date(2026, 11, 30), in_development_zone=True)
    visit = _shuttle(zone_case, date(2026, 10, 12), hall.backup)

    counts = _facts(hall.center, OCTOBER, today=AFTER_OCTOBER)
    detail = _facts(hall.center, OCTOBER, today=AFTER_OCTOBER, detail=True)

    assert [(r.staff, r.late, r.shuttles, r.deduction) for r in counts.rows] == [
        (r.staff, r.late, r.shuttles, r.deduction) for r in detail.rows
    ]
    assert _row(detail, hall.clerk).late_cases == [late]
    assert _row(detail, hall.backup).shuttle_visits == [visit]
    assert _row(counts, hall.clerk).late_cases == []  # counts only unless asked


def test_r_asm_9_points_are_the_policy_in_force_on_the_months_first_day(hall: Any, item: Item) -> None:
    _case(hall, item, date(2026, 10, 13))
    _case(hall, item, date(2026, 10, 14))
    policy_set(
        actor=None, center=hall.center, key="assessment_late_case_points", value=3, effective_from=OCTOBER
    )
    # A change later in the month applies from the next month (R-ASM-17).
    policy_set(
        actor=None,
        center=hall.center,
        key="assessment_late_case_points",
        value=8,
        effective_from=date(2026, 10, 15),
    )
    policy_set(
        actor=None, center=hall.center, key="assessment_case_category_points", value=5, effective_from=OCTOBER
    )

    facts = _facts(hall.center, OCTOBER, today=AFTER_OCTOBER)

    assert (facts.points.late_case, facts.points.category) == (3, 5)
    assert (_row(facts, hall.clerk).raw_points, _row(facts, hall.clerk).deduction) == (6, 5)
    assert _facts(hall.center, date(2026, 11, 1), today=date(2026, 12, 1)).points.late_case == 8


def _queries(hall: Any, detail: bool) -> int:
    timers_sweep(today=AFTER_OCTOBER)
    with CaptureQueriesContext(connection) as queries:
        case_facts(hall.center, OCTOBER, today=AFTER_OCTOBER, detail=detail)
    return len(queries)


@pytest.mark.parametrize("detail", [False, True])
def test_r_asm_9_facts_cost_a_fixed_number_of_queries(hall: Any, item: Item, detail: bool) -> None:
    zone_case = _case(hall, item, date(2026, 10, 30), in_development_zone=True, responsible=hall.chief)
    _case(hall, item, date(2026, 10, 13))
    _shuttle(zone_case, date(2026, 10, 12), hall.backup)
    few = _queries(hall, detail)
    for staff in (hall.clerk, hall.backup, hall.other_clerk, hall.chief):
        for day in (9, 12, 13):
            case = _case(hall, item, date(2026, 10, day), responsible=staff)
            CaseStep.objects.create(case=case, order=1, name="受理", started_at=at(date(2026, 10, 1)))
        _shuttle(zone_case, date(2026, 10, 14), staff)
    assert _queries(hall, detail) == few


# --- on the supervision dashboard --------------------------------------------------------------------------------


def test_r_asm_9_dashboard_shows_this_months_case_facts_per_person(login: Any, hall: Any, item: Item) -> None:
    _case(hall, item, date(2026, 10, 9), responsible=hall.backup)
    _case(hall, item, date(2026, 10, 12), responsible=hall.backup)
    zone_case = _case(hall, item, date(2026, 11, 30), in_development_zone=True)
    _shuttle(zone_case, date(2026, 10, 12), hall.clerk)
    timers_sweep(today=date(2026, 10, 14))

    with time_machine.travel(at(date(2026, 10, 14), 10), tick=False):
        response = login(hall.supervision).get(reverse("supervision:dashboard"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "本月办件考核事实" in html
    assert "2026-10（统计至 2026-10-14）" in html
    backup = html.split(f'data-staff="{hall.backup.badge_number}"')[1].split("</tr>")[0]
    assert hall.backup.name in backup
    assert '<td class="num" data-fact="late">2</td>' in backup
    assert '<td class="num" data-fact="shuttles">0</td>' in backup
    assert '<td class="num cell-red" data-fact="deduction">10</td>' in backup
    clerk = html.split(f'data-staff="{hall.clerk.badge_number}"')[1].split("</tr>")[0]
    assert '<td class="num cell-red" data-fact="deduction">10</td>' in clerk


def test_r_asm_9_dashboard_without_facts_says_so(login: Any, hall: Any) -> None:
    html = login(hall.supervision).get(reverse("supervision:dashboard")).content.decode()
    assert "本月没有超时办件或两头跑记录。" in html


def test_r_asm_9_facts_are_not_shown_to_window_staff(login: Any, hall: Any, item: Item) -> None:
    _case(hall, item, date(2026, 10, 9), responsible=hall.backup)
    with time_machine.travel(at(date(2026, 10, 14), 10), tick=False):
        response = login(hall.clerk).get(reverse("supervision:dashboard"))
    assert response.status_code == 403
    assert "本月办件考核事实" not in response.content.decode()
