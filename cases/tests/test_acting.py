"""Acting as A or B on every event of a case, and nobody acting while not on duty (R-ORG-7, R-CASE-10)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.db import transaction

from cases.acting import WINDOW
from cases.models import Case, CaseEvent, CaseMaterial, CaseState, CaseStep, NoticeKind
from cases.services import clock as clock_services
from cases.services import handling, intake
from cases.services.events import Locked, lock_case_as, lock_case_with
from common.errors import PermissionDenied, RuleViolation
from org.models import PostHolding
from org.services import acting_capacity, acting_facts, holder_at, is_on_duty
from org.tests import factories as f

from .factories import at, check_in_order, make_case, make_item_for
from .handling_helpers import authorise, on_leave

pytestmark = pytest.mark.usefixtures("national_calendar")

MONDAY = date(2026, 10, 12)
APPLICANT = {"name": "陈小明", "phone": "13912345678"}
OFF_DUTY = "离岗期间不能办理办件，请先销假（离岗期间由B角顶岗办理）。"
PRESENT = ("present", "")


def _item(hall: Any, **fields: Any) -> Any:
    fields.setdefault("promised_limit_days", 5)
    fields.setdefault("special_procedures", ["expert_review"])
    return make_item_for(hall.window, hall.post, **fields)


def _events(case: Case) -> list[tuple[str, str, str]]:
    return [
        (e.action, e.actor.name if e.actor else "", e.acting_as)
        for e in CaseEvent.objects.filter(case=case).select_related("actor").order_by("seq")
    ]


def _state(case: Case) -> tuple[Any, ...]:
    case.refresh_from_db()
    return (case.state, case.revision, case.events.count(), case.notices.count())


# --- A, B or neither; on duty --------------------------------------------------------------------------------


def test_r_org_7_acting_capacity_is_a_for_the_post_holder_and_b_only_for_the_b_covering(
    hall: Any, django_assert_num_queries: Any
) -> None:
    second_b = f.make_staff(hall.center, window=hall.window, department=hall.department, name="周二备")
    f.add_backup(hall.post, second_b, order=2)
    moment = at(MONDAY, 10)

    with django_assert_num_queries(1):
        assert acting_capacity(hall.clerk, hall.window, moment) == "A"
    with django_assert_num_queries(1):
        assert is_on_duty(hall.clerk, moment) is True
    # A is at work: a B of the post covers nothing, and acts (if at all) by role.
    assert acting_capacity(hall.backup, hall.window, moment) == ""
    assert acting_capacity(second_b, hall.window, moment) == ""
    assert acting_capacity(hall.other_clerk, hall.window, moment) == ""
    assert acting_capacity(hall.chief, hall.window, moment) == ""

    # A on leave: the first B covers; A still holds the post as A but is not on duty.
    on_leave(hall.clerk, MONDAY)
    assert acting_capacity(hall.backup, hall.window, moment) == "B"
    assert acting_capacity(second_b, hall.window, moment) == ""
    assert acting_capacity(hall.clerk, hall.window, moment) == "A"
    assert is_on_duty(hall.clerk, moment) is False
    # The first B away too: the second B covers.
    on_leave(hall.backup, MONDAY)
    with django_assert_num_queries(1):
        assert acting_capacity(second_b, hall.window, moment) == "B"
    assert acting_capacity(hall.backup, hall.window, moment) == ""
    # The day after, everybody is back.
    assert acting_capacity(hall.backup, hall.window, at(MONDAY + timedelta(days=1), 10)) == ""
    # Another window's post makes nobody A here.
    assert acting_capacity(hall.clerk, hall.other_window, moment) == ""


def test_r_org_7_the_window_check_reads_duty_capacity_and_roles_in_one_query(
    hall: Any, django_assert_num_queries: Any
) -> None:
    case = make_case(window=hall.window, item=_item(hall), received_by=hall.clerk, state=CaseState.RECEIVED)
    with django_assert_num_queries(1):
        assert WINDOW.permit(actor=hall.clerk, case=case, at=at(MONDAY, 10)).acting_as == "A"
    on_leave(hall.clerk, MONDAY)
    with django_assert_num_queries(1):
        assert WINDOW.permit(actor=hall.backup, case=case, at=at(MONDAY, 10)).acting_as == "B"
    with django_assert_num_queries(1), pytest.raises(RuleViolation) as refused:
        WINDOW.permit(actor=hall.clerk, case=case, at=at(MONDAY, 10))
    assert refused.value.rule == "R-ORG-7"


def test_r_org_7_acting_facts_agree_with_capacity_and_duty_read_apart(hall: Any) -> None:
    """The one query of the case services says what the separate reads say, person by person, through A and
    the Bs going on leave, a B from another window, and a deactivation."""
    second_b = f.make_staff(hall.center, window=hall.window, department=hall.department, name="周二备")
    f.add_backup(hall.post, second_b, order=2)
    outside_b = f.make_staff(hall.center, window=hall.other_window, name="吴外窗")
    f.add_backup(hall.post, outside_b, order=3)
    people = [hall.clerk, hall.backup, second_b, outside_b, hall.other_clerk, hall.chief, hall.supervision]
    moment = at(MONDAY, 10)

    def agree() -> None:
        for person in people:
            person.refresh_from_db()
            for window in (hall.window, hall.other_window):
                facts = acting_facts(person, window, moment)
                assert (facts.capacity, facts.on_duty) == (
                    acting_capacity(person, window, moment),
                    is_on_duty(person, moment),
                ), (person.name, window.number)
                # Who holds each of the person's posts there, as the step's rule asks (`holder_at`).
                assert all(holder == holder_at(post, moment) for post, holder in facts.holders.items())
                holds = PostHolding.objects.filter(post=hall.post, staff=person, valid_until=None).exists()
                assert (hall.post.pk in facts.holders) == (holds and window == hall.window), person.name

    agree()
    assert acting_facts(hall.chief, hall.window, moment).window_roles == {"chief_representative"}
    on_leave(hall.clerk, MONDAY)
    agree()
    assert acting_facts(hall.backup, hall.window, moment).capacity == "B"
    on_leave(hall.backup, MONDAY)
    agree()
    assert acting_facts(second_b, hall.window, moment).capacity == "B"
    on_leave(second_b, MONDAY)
    agree()
    assert acting_facts(outside_b, hall.window, moment).capacity == "B"
    outside_b.is_active = False
    outside_b.deactivated_at = at(MONDAY, 9)
    outside_b.save(update_fields=["is_active", "deactivated_at"])
    agree()
    assert acting_facts(outside_b, hall.window, moment) == acting_facts(outside_b, hall.window, moment)
    assert acting_facts(outside_b, hall.window, moment).on_duty is False
    assert acting_facts(hall.clerk, hall.window, moment).holders == {hall.post.pk: None}  # nobody on duty


def test_r_org_7_what_is_read_with_the_case_lock_is_what_is_read_alone(
    hall: Any, django_assert_num_queries: Any
) -> None:
    """The facts about the actor, the steps and the material rows a service reads in the same round trip as
    the case's lock (`lock_case_with`) are those read one by one — person by person, with A on leave."""
    case = make_case(window=hall.window, item=_item(hall), received_by=hall.clerk)
    handling.case_steps_plan(case=case, at=at(MONDAY, 9))
    for material in case.version.materials.all():
        CaseMaterial.objects.create(
            case=case, material=material, status="present", checked_at=at(MONDAY, 9), checked_by=hall.clerk
        )
    moment = at(MONDAY, 10)
    on_leave(hall.clerk, MONDAY)
    with transaction.atomic():
        lock_case_with(case)  # the published version, immutable, is read once per process
    for person in (hall.clerk, hall.backup, hall.chief, hall.other_clerk, hall.supervision):
        with transaction.atomic(), django_assert_num_queries(4):  # lock, facts, steps, materials
            locked = lock_case_with(case, actor=person, at=moment, steps=True, materials=True)
        assert locked.facts == acting_facts(person, hall.window, moment), person.name
        assert locked.steps == list(CaseStep.objects.filter(case=case).order_by("order", "id"))
        assert [s.post_id for s in locked.steps] == [hall.post.pk]
        assert locked.materials == list(CaseMaterial.objects.filter(case=case)) and len(locked.materials) == 2
    with transaction.atomic(), django_assert_num_queries(1):  # nothing asked: the lock alone
        assert lock_case_with(case) == Locked(case=case)


def test_r_org_7_a_case_moved_to_another_window_under_the_lock_is_judged_at_its_new_window(hall: Any) -> None:
    """The facts read with the lock are about the window the caller's instance names; when the case has moved
    meanwhile they are dropped, and the rule asks about the case's window as the lock read it."""
    stale = make_case(window=hall.window, item=_item(hall), received_by=hall.clerk, state=CaseState.RECEIVED)
    Case.objects.filter(pk=stale.pk).update(window=hall.other_window)
    moment = at(MONDAY, 10)
    with transaction.atomic():
        assert lock_case_with(stale, actor=hall.clerk, at=moment).facts is None
    with transaction.atomic(), pytest.raises(PermissionDenied):
        lock_case_as(WINDOW, stale, actor=hall.clerk, at=moment)
    with transaction.atomic():
        case, permit = lock_case_as(WINDOW, stale, actor=hall.other_clerk, at=moment)
    assert (case.window_id, permit.acting_as) == (hall.other_window.pk, "")


# --- every event says A, B or by role -----------------------------------------------------------------------


def test_r_org_7_r_case_10_every_event_records_whether_its_actor_acted_as_a_or_b(hall: Any) -> None:
    authorise(hall)
    item = _item(hall)
    day = MONDAY
    case = intake.case_receive(
        actor=hall.clerk, window=hall.window, item=item, applicant=APPLICANT, at=at(day, 9)
    )
    check_in_order(hall.clerk, case, [PRESENT, PRESENT], at=at(day, 9, 5))
    intake.case_accept(actor=hall.clerk, case=case, at=at(day, 9, 10))
    fee = item.current_version.fees.get()
    handling.payment_record(actor=hall.clerk, case=case, fee=fee, receipt_number="PJ-1", at=at(day, 9, 20))
    handling.case_set_priority(
        actor=hall.chief, case=case, reason="重点项目", target_days=2, at=at(day, 9, 30)
    )

    # The next day A is on leave: B covers the post and acts as B; the chief acts by role.
    next_day = day + timedelta(days=1)
    on_leave(hall.clerk, next_day)
    suspension = clock_services.special_procedure_start(
        actor=hall.backup,
        case=case,
        kind="expert_review",
        reason="专家评审",
        expected_days=2,
        at=at(next_day, 9),
    )
    assert suspension.notice is not None
    clock_services.special_procedure_notice_delivered(
        actor=hall.chief, notice=suspension.notice, method="当面送达", at=at(next_day, 10)
    )
    handling.visit_record(
        actor=hall.backup, case=case, purpose="询问进度", caused_by_administration=False, at=at(next_day, 11)
    )

    # A is back: the B who is not covering acts by role.
    third = day + timedelta(days=2)
    clock_services.special_procedure_end(actor=hall.clerk, case=case, result="评审通过", at=at(third, 9))
    handling.step_complete(actor=hall.clerk, case=case, opinion="同意", at=at(third, 10))
    handling.case_decide(
        actor=hall.chief, case=case, approve=True, result_number="许〔2026〕1号", at=at(third, 11)
    )
    handling.case_deliver(actor=hall.backup, case=case, method="pickup", at=at(third, 14))
    handling.case_archive(actor=hall.clerk, case=case, at=at(third, 15))

    assert _events(case) == [
        ("received", "王受理", "A"),
        ("materials_checked", "王受理", "A"),
        ("accepted", "王受理", "A"),
        ("payment", "王受理", "A"),
        ("priority", "赵首席", ""),
        ("deadline_recomputed", "赵首席", ""),
        ("special_procedure_started", "李备岗", "B"),
        ("notice_delivered", "赵首席", ""),
        ("visit", "李备岗", "B"),
        ("special_procedure_ended", "王受理", "A"),
        ("step_complete", "王受理", "A"),
        ("decide", "赵首席", ""),
        ("deliver", "李备岗", ""),
        ("archive", "王受理", "A"),
    ]

    # The withdrawal of another case by the B covering the post.
    other = make_case(window=hall.window, item=item, received_by=hall.clerk, accepted_on=day)
    handling.case_withdraw(actor=hall.backup, case=other, reason="申请人撤回", at=at(next_day, 15))
    assert _events(other) == [("withdraw", "李备岗", "B")]


def test_r_org_7_a_decider_who_holds_a_post_of_the_window_decides_as_a(hall: Any) -> None:
    """A decision records A when the authorised representative is also the A of a post of the case's window."""
    authorise(hall, representative=hall.clerk)
    case = make_case(window=hall.window, item=_item(hall), received_by=hall.clerk, accepted_on=MONDAY)
    handling.step_complete(actor=hall.clerk, case=case, opinion="同意", at=at(MONDAY, 10))
    handling.case_decide(actor=hall.clerk, case=case, approve=True, result_number="许1", at=at(MONDAY, 11))
    assert _events(case)[-1] == ("decide", "王受理", "A")


# --- nobody acts while not on duty ------------------------------------------------------------------------


def test_r_org_7_a_clerk_on_leave_can_neither_receive_nor_act_on_a_case(hall: Any) -> None:
    item = _item(hall)
    case = make_case(window=hall.window, item=item, received_by=hall.clerk, state=CaseState.RECEIVED)
    on_leave(hall.clerk, MONDAY)
    before = _state(case)

    with pytest.raises(RuleViolation) as refusal:
        intake.case_receive(
            actor=hall.clerk, window=hall.window, item=item, applicant=APPLICANT, at=at(MONDAY, 9)
        )
    assert (refusal.value.rule, refusal.value.message) == ("R-ORG-7", OFF_DUTY)
    assert Case.objects.count() == 1
    with pytest.raises(RuleViolation) as refusal:
        check_in_order(hall.clerk, case, [PRESENT, PRESENT], at=at(MONDAY, 9))
    assert (refusal.value.rule, refusal.value.message) == ("R-ORG-7", OFF_DUTY)
    with pytest.raises(RuleViolation) as refusal:
        handling.case_withdraw(actor=hall.clerk, case=case, reason="撤回", at=at(MONDAY, 10))
    assert refusal.value.rule == "R-ORG-7"
    assert _state(case) == before

    # The B covering receives the application instead, as B; the clerk is back the next day, as A.
    received = intake.case_receive(
        actor=hall.backup, window=hall.window, item=item, applicant=APPLICANT, at=at(MONDAY, 9)
    )
    assert _events(received) == [("received", "李备岗", "B")]
    later = intake.case_receive(
        actor=hall.clerk, window=hall.window, item=item, applicant=APPLICANT, at=at(MONDAY + timedelta(1), 9)
    )
    assert _events(later) == [("received", "王受理", "A")]


def test_r_org_7_leaders_and_sections_on_leave_cannot_act_either(hall: Any) -> None:
    authorise(hall)
    case = make_case(window=hall.window, item=_item(hall), received_by=hall.clerk, accepted_on=MONDAY)
    handling.step_complete(actor=hall.clerk, case=case, opinion="同意", at=at(MONDAY, 10))
    on_leave(hall.chief, MONDAY)
    before = _state(case)
    with pytest.raises(RuleViolation) as refusal:
        handling.case_decide(
            actor=hall.chief, case=case, approve=True, result_number="许1", at=at(MONDAY, 11)
        )
    assert (refusal.value.rule, refusal.value.message) == ("R-ORG-7", OFF_DUTY)
    with pytest.raises(RuleViolation) as refusal:
        handling.case_set_priority(actor=hall.chief, case=case, reason="急", target_days=1, at=at(MONDAY, 11))
    assert refusal.value.rule == "R-ORG-7"
    assert _state(case) == before
    assert not case.notices.filter(kind=NoticeKind.APPROVAL).exists()


def test_r_org_7_a_b_of_the_window_who_is_not_covering_is_no_window_staff_elsewhere(hall: Any) -> None:
    """A B from another window holds rights at this window only while covering the absent A."""
    outside_b = f.make_staff(hall.center, window=hall.other_window, name="吴外窗")
    f.add_backup(hall.post, outside_b, order=1)
    case = make_case(window=hall.window, item=_item(hall), received_by=hall.clerk, accepted_on=MONDAY)
    with pytest.raises(PermissionDenied):
        handling.visit_record(
            actor=outside_b, case=case, purpose="来访", caused_by_administration=False, at=at(MONDAY, 9)
        )
    on_leave(hall.clerk, MONDAY)
    handling.visit_record(
        actor=outside_b, case=case, purpose="来访", caused_by_administration=False, at=at(MONDAY, 10)
    )
    assert _events(case) == [("visit", "吴外窗", "B")]
