"""Steps done by whoever holds the post now (R-ORG-7, R-DATA-2), withdrawal (R-CASE-9), green channel
(R-CASE-11), visits and shuttles (R-CASE-12)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from cases.models import CaseEvent, CaseState, CaseStep, Suspension, Visit
from cases.selectors.handling import leaders_tracking_list, shuttles
from cases.services.clock import clock_start
from cases.services.events import chain_verify
from cases.services.handling import (
    case_set_priority,
    case_steps_plan,
    case_withdraw,
    step_complete,
    step_holder,
    visit_record,
)
from common.errors import Conflict, RuleViolation
from org.models import Role
from org.tests import factories as f

from .factories import at, make_case
from .handling_helpers import DAY, on_leave, second_post, two_step_item


@pytest.fixture
def review_post(hall: Any) -> Any:
    return second_post(hall)


@pytest.fixture
def case(hall: Any, review_post: Any) -> Any:
    item = two_step_item(hall, review_post)
    return make_case(window=hall.window, item=item, received_by=hall.clerk, accepted_on=DAY)


def _events(case: Any) -> list[tuple[str, str, int | None]]:
    return list(
        CaseEvent.objects.filter(case=case).order_by("seq").values_list("action", "acting_as", "actor_id")
    )


# --- steps -----------------------------------------------------------------------------------------------


def test_r_data_2_steps_are_planned_from_the_version_once(hall: Any, review_post: Any, case: Any) -> None:
    steps = case_steps_plan(case=case, at=at(DAY, 9, 5))
    rows = list(CaseStep.objects.filter(case=case).values_list("order", "name", "post_id", "started_at"))
    assert rows == [(1, "受理", hall.post.pk, at(DAY, 9, 5)), (2, "审核", review_post.pk, None)]
    assert [s.order for s in steps] == [1, 2]
    case_steps_plan(case=case)
    assert CaseStep.objects.filter(case=case).count() == 2


def test_r_org_7_step_holder_is_a_on_duty_and_b_while_a_is_away(hall: Any, case: Any) -> None:
    first = case_steps_plan(case=case)[0]
    holder = step_holder(case_step=first, at=at(DAY, 10))
    assert holder is not None and (holder.staff, holder.acting_as) == (hall.clerk, "A")
    on_leave(hall.clerk)
    holder = step_holder(case_step=first, at=at(DAY, 10))
    assert holder is not None and (holder.staff, holder.acting_as) == (hall.backup, "B")


def test_r_org_7_a_on_duty_completes_the_step_as_a(hall: Any, review_post: Any, case: Any) -> None:
    step = step_complete(actor=hall.clerk, case=case, opinion="材料齐全，同意", at=at(DAY, 10, 30))
    step.refresh_from_db()
    assert (step.order, step.handler, step.acting_as, step.opinion) == (1, hall.clerk, "A", "材料齐全，同意")
    assert (step.started_at, step.finished_at) == (
        at(DAY, 9),
        at(DAY, 10, 30),
    )  # started at receipt/acceptance
    following = CaseStep.objects.get(case=case, order=2)
    assert (following.started_at, following.finished_at) == (at(DAY, 10, 30), None)
    case.refresh_from_db()
    assert (case.responsible, case.responsible_acting_as) == (review_post.holder_a, "A")
    assert case.revision == 1
    event = CaseEvent.objects.get(case=case)
    assert (event.action, event.acting_as, event.actor, event.reason) == (
        "step_complete",
        "A",
        hall.clerk,
        "材料齐全，同意",
    )
    assert event.data["step"] == 1 and event.data["next_step"] == 2


def test_r_org_7_b_completes_the_step_while_a_is_on_leave(hall: Any, case: Any) -> None:
    on_leave(hall.clerk)
    step = step_complete(actor=hall.backup, case=case, opinion="A角请假，B角代办，同意", at=at(DAY, 10))
    step.refresh_from_db()
    assert (step.handler, step.acting_as) == (hall.backup, "B")
    assert _events(case) == [("step_complete", "B", hall.backup.pk)]


def test_r_org_7_a_on_leave_is_refused_and_told_who_holds_the_post(hall: Any, case: Any) -> None:
    on_leave(hall.clerk)
    with pytest.raises(RuleViolation) as refused:
        step_complete(actor=hall.clerk, case=case, opinion="同意", at=at(DAY, 10))
    assert refused.value.rule == "R-ORG-7"
    assert refused.value.message == "“受理”环节由岗位“受理岗”当前在岗的李备岗（B角）办理，您不能办理。"
    case.refresh_from_db()
    assert case.revision == 0 and _events(case) == []
    assert CaseStep.objects.filter(case=case, finished_at__isnull=False).count() == 0


def test_r_org_7_b_is_refused_while_a_is_on_duty(hall: Any, case: Any) -> None:
    with pytest.raises(RuleViolation) as refused:
        step_complete(actor=hall.backup, case=case, opinion="同意", at=at(DAY, 10))
    assert refused.value.rule == "R-ORG-7"
    assert "王受理（A角）" in refused.value.message


def test_r_org_7_a_back_from_leave_takes_the_post_again(hall: Any, case: Any) -> None:
    on_leave(hall.clerk, DAY)
    step = step_complete(actor=hall.clerk, case=case, opinion="同意", at=at(date(2026, 10, 8), 9))
    assert step.acting_as == "A"


def test_r_org_7_nobody_on_duty_is_refused(hall: Any, case: Any) -> None:
    on_leave(hall.clerk)
    on_leave(hall.backup)
    with pytest.raises(RuleViolation) as refused:
        step_complete(actor=hall.clerk, case=case, opinion="同意", at=at(DAY, 10))
    assert refused.value.rule == "R-ORG-7"
    assert refused.value.message == "“受理”环节的岗位“受理岗”当前A角、B角均不在岗（无人顶岗），暂不能办理。"


def test_r_org_7_next_step_responsible_is_its_b_when_its_a_is_away(
    hall: Any, review_post: Any, case: Any
) -> None:
    on_leave(review_post.holder_a)
    step_complete(actor=hall.clerk, case=case, opinion="同意", at=at(DAY, 10))
    case.refresh_from_db()
    b = review_post.backup_links.get().staff
    assert (case.responsible, case.responsible_acting_as) == (b, "B")
    step = step_complete(actor=b, case=case, opinion="审核通过", at=at(DAY, 11))
    assert (step.order, step.acting_as) == (2, "B")
    case.refresh_from_db()
    assert (case.responsible, case.responsible_acting_as) == (
        b,
        "B",
    )  # no step left: the one who did the last
    with pytest.raises(RuleViolation) as refused:
        step_complete(actor=b, case=case, opinion="再次", at=at(DAY, 11, 5))
    assert refused.value.message == "本办件的办理环节已全部完成。"
    assert chain_verify(case).ok


def test_r_clk_4_steps_wait_while_the_case_is_suspended(hall: Any, review_post: Any) -> None:
    item = two_step_item(hall, review_post)
    case = make_case(window=hall.window, item=item, received_by=hall.clerk, state=CaseState.SUSPENDED)
    with pytest.raises(RuleViolation) as refused:
        step_complete(actor=hall.clerk, case=case, opinion="同意", at=at(DAY, 10))
    assert refused.value.rule == "R-CLK-4"
    assert refused.value.message.startswith("特别程序期间暂停办理")


def test_step_from_a_stale_page_is_a_conflict(hall: Any, case: Any) -> None:
    step_complete(actor=hall.clerk, case=case, opinion="同意", at=at(DAY, 10), expected_revision=0)
    with pytest.raises(Conflict):
        step_complete(actor=hall.clerk, case=case, opinion="同意", at=at(DAY, 10), expected_revision=0)


def test_r_data_2_a_step_needs_an_opinion(hall: Any, case: Any) -> None:
    with pytest.raises(RuleViolation) as refused:
        step_complete(actor=hall.clerk, case=case, opinion="  ", at=at(DAY, 10))
    assert (refused.value.rule, refused.value.field) == ("R-DATA-2", "opinion")


# --- withdrawal -----------------------------------------------------------------------------------------


def test_r_case_9_the_applicant_withdraws_an_open_case(hall: Any, case: Any) -> None:
    result = case_withdraw(actor=hall.clerk, case=case, reason="申请人书面申请撤回", at=at(DAY, 15))
    assert (result.state, result.closed_at) == (CaseState.WITHDRAWN, at(DAY, 15))
    event = CaseEvent.objects.get(case=case)
    assert (event.action, event.from_state, event.to_state, event.reason) == (
        "withdraw",
        "accepted",
        "withdrawn",
        "申请人书面申请撤回",
    )


def test_r_case_9_withdrawal_ends_a_running_special_procedure(hall: Any, review_post: Any) -> None:
    item = two_step_item(hall, review_post)
    case = make_case(window=hall.window, item=item, received_by=hall.clerk, state=CaseState.SUSPENDED)
    Suspension.objects.create(
        case=case, kind="expert_review", reason="专家评审", started_on=DAY, expected_days=5
    )
    case_withdraw(actor=hall.clerk, case=case, reason="撤回", at=at(date(2026, 10, 9), 9))
    suspension = Suspension.objects.get(case=case)
    assert suspension.ended_on == date(2026, 10, 9)
    case.refresh_from_db()
    assert case.state == CaseState.WITHDRAWN


@pytest.mark.parametrize(
    "state", [CaseState.APPROVED, CaseState.DENIED, CaseState.DELIVERED, CaseState.ARCHIVED]
)
def test_r_case_9_withdrawal_is_refused_once_decided(hall: Any, review_post: Any, state: str) -> None:
    item = two_step_item(hall, review_post)
    case = make_case(window=hall.window, item=item, received_by=hall.clerk, state=state, accepted_on=DAY)
    with pytest.raises(RuleViolation) as refused:
        case_withdraw(actor=hall.clerk, case=case, reason="撤回", at=at(DAY, 15))
    assert (refused.value.rule, refused.value.message) == ("R-CASE-9", "办件已作出决定，不能撤回。")
    case.refresh_from_db()
    assert (case.state, case.revision, case.closed_at) == (state, 0, None)


def test_r_case_9_withdrawal_needs_a_reason(hall: Any, case: Any) -> None:
    with pytest.raises(RuleViolation) as refused:
        case_withdraw(actor=hall.clerk, case=case, reason="", at=at(DAY, 15))
    assert refused.value.field == "reason"


# --- green channel ----------------------------------------------------------------------------------------


def test_r_case_11_chief_puts_a_case_in_the_green_channel(hall: Any, case: Any) -> None:
    result = case_set_priority(actor=hall.chief, case=case, reason="重点招商项目，特事特办", target_days=3)
    assert (result.is_priority, result.priority_reason, result.priority_target_days) == (
        True,
        "重点招商项目，特事特办",
        3,
    )
    event = CaseEvent.objects.get(case=case, action="priority")
    assert (event.actor, event.reason, event.data) == (
        hall.chief,
        "重点招商项目，特事特办",
        {"target_days": 3},
    )
    assert list(leaders_tracking_list(hall.center)) == [result]


def test_r_case_11_target_must_be_shorter_than_the_limit(hall: Any, case: Any) -> None:
    assert case.limit_days == 10
    with pytest.raises(RuleViolation) as refused:
        case_set_priority(actor=hall.chief, case=case, reason="急事急办", target_days=10)
    assert refused.value.rule == "R-CASE-11"
    assert refused.value.message == "绿色通道目标（10个工作日）须短于承诺时限（10个工作日）。"
    case.refresh_from_db()
    assert (case.is_priority, case.revision) == (False, 0)


def test_r_case_11_a_clerk_may_not_open_the_green_channel(hall: Any, case: Any) -> None:
    with pytest.raises(RuleViolation) as refused:
        case_set_priority(actor=hall.clerk, case=case, reason="急事急办", target_days=2)
    assert refused.value.message == "只有窗口负责人、首席代表、分管副主任或主任可以开通绿色通道。"


@pytest.mark.parametrize("role", [Role.DIRECTOR, Role.DEPUTY])
def test_r_case_11_director_and_deputy_may(hall: Any, case: Any, role: str) -> None:
    leader = f.make_staff(hall.center, name="领导")
    f.grant(leader.user, hall.center, role)
    result = case_set_priority(actor=leader, case=case, reason="急事急办", target_days=None)
    assert (result.is_priority, result.priority_target_days) == (True, None)


def test_r_case_11_tracking_list_shows_open_priority_cases_soonest_first(hall: Any, review_post: Any) -> None:
    item = two_step_item(hall, review_post)

    def make(**kw: Any) -> Any:
        return make_case(window=hall.window, item=item, received_by=hall.clerk, **kw)

    later = make(is_priority=True, deadline=date(2026, 10, 20), responsible=hall.clerk)
    sooner = make(is_priority=True, deadline=date(2026, 10, 13), responsible=hall.backup)
    make(deadline=date(2026, 10, 9))  # not priority
    make(is_priority=True, state=CaseState.APPROVED, accepted_on=DAY)  # decided
    other = f.make_center(code="far")
    assert list(leaders_tracking_list(hall.center)) == [sooner, later]
    assert list(leaders_tracking_list(other)) == []


# --- visits and shuttles ----------------------------------------------------------------------------------


def test_r_case_12_second_visit_caused_by_the_administration_is_a_shuttle(
    hall: Any, review_post: Any
) -> None:
    item = two_step_item(hall, review_post)
    case = make_case(window=hall.window, item=item, received_by=hall.clerk, in_development_zone=True)
    first = visit_record(
        actor=hall.clerk, case=case, purpose="提交申请", caused_by_administration=True, at=at(DAY, 9)
    )
    second = visit_record(
        actor=hall.clerk,
        case=case,
        purpose="部门要求补盖公章",
        caused_by_administration=True,
        responsible=hall.backup,
        at=at(date(2026, 10, 9), 10),
    )
    third = visit_record(
        actor=hall.clerk,
        case=case,
        purpose="申请人主动咨询",
        caused_by_administration=False,
        at=at(date(2026, 10, 12)),
    )
    assert [(v.is_shuttle, v.responsible) for v in (first, second, third)] == [
        (False, None),
        (True, hall.backup),
        (False, None),
    ]
    event = CaseEvent.objects.filter(case=case, action="visit").order_by("seq")[1]
    assert event.data == {
        "visit": 2,
        "caused_by_administration": True,
        "shuttle": True,
        "responsible": hall.backup.pk,
    }
    assert list(shuttles(hall.center, date(2026, 10, 1))) == [second]
    assert list(shuttles(hall.center, date(2026, 9, 1))) == []


def test_r_case_12_other_enterprises_do_not_shuttle(hall: Any, review_post: Any) -> None:
    item = two_step_item(hall, review_post)
    case = make_case(window=hall.window, item=item, received_by=hall.clerk, in_development_zone=False)
    for hour in (9, 10):
        visit_record(
            actor=hall.clerk, case=case, purpose="补材料", caused_by_administration=True, at=at(DAY, hour)
        )
    assert Visit.objects.filter(case=case, is_shuttle=True).count() == 0


def test_r_case_12_the_shuttle_is_charged_to_the_case_responsible_by_default(
    hall: Any, review_post: Any
) -> None:
    item = two_step_item(hall, review_post)
    case = make_case(window=hall.window, item=item, received_by=hall.clerk, in_development_zone=True)
    visit_record(
        actor=hall.clerk, case=case, purpose="提交申请", caused_by_administration=False, at=at(DAY, 9)
    )
    with pytest.raises(RuleViolation) as refused:
        visit_record(
            actor=hall.clerk, case=case, purpose="再跑一趟", caused_by_administration=True, at=at(DAY, 10)
        )
    assert (refused.value.rule, refused.value.message) == ("R-CASE-12", "开发区企业两头跑须指明责任人。")
    assert Visit.objects.filter(case=case).count() == 1
    case.responsible = hall.other_clerk
    case.save(update_fields=["responsible"])
    visit = visit_record(
        actor=hall.clerk, case=case, purpose="再跑一趟", caused_by_administration=True, at=at(DAY, 10)
    )
    assert (visit.is_shuttle, visit.responsible) == (True, hall.other_clerk)


def test_r_case_11_the_target_shortens_the_stored_deadline(
    hall: Any, case: Any, national_calendar: Any
) -> None:
    # Accepted 2026-09-30 with a 10-day limit: due 2026-10-20; a 3-day target: due 2026-10-10 (a make-up Saturday).
    clock_start(case=case)
    assert case.deadline == date(2026, 10, 20)
    result = case_set_priority(actor=hall.chief, case=case, reason="急事急办", target_days=3, at=at(DAY, 10))
    assert (result.limit_days, result.deadline) == (10, date(2026, 10, 10))
