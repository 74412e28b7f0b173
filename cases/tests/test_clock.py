"""The clock services and selectors (R-CLK-3..9, R-CASE-5) against the 2026 national calendar."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from cases.models import Case, CaseEvent, CaseState, Extension, Notice, NoticeKind, Overdue, Suspension
from cases.selectors.clock import (
    annotate_warning,
    clock_view,
    overdue_cases,
    red_cases,
    reported_spans,
    stored_warning,
    warning_counts,
    yellow_cases,
)
from cases.services import handling as handling_services
from cases.services.clock import (
    case_report_returned,
    case_report_up,
    clock_recompute,
    clock_start,
    extension_approve,
    extension_file,
    extension_request,
    special_procedure_end,
    special_procedure_notice_delivered,
    special_procedure_start,
)
from cases.services.events import chain_verify
from cases.tests.factories import at, make_case, make_item_for
from catalog.models import Item
from common.errors import RuleViolation
from org.services import absence_record
from org.tests import factories as org_factories
from workdays.services import calendar_day_set, calendar_load_year
from workdays.timers import timer_finish, timers_sweep

pytestmark = pytest.mark.usefixtures("national_calendar")

ACCEPTED = date(2026, 9, 30)  # limit 5 → 2026-10-13 over the National Day holiday


def _item(hall: Any, **fields: Any) -> Item:
    fields.setdefault("promised_limit_days", 5)
    fields.setdefault("special_procedures", ["expert_review", "testing"])
    fields.setdefault("extension_allowed", True)
    fields.setdefault("max_extension_days", 10)
    return make_item_for(hall.window, hall.post, **fields)


def _accepted(hall: Any, item: Item | None = None, accepted_on: date = ACCEPTED, **fields: Any) -> Case:
    case = make_case(
        window=hall.window,
        item=item or _item(hall),
        received_by=hall.clerk,
        accepted_on=accepted_on,
        **fields,
    )
    clock_start(case=case)
    case.refresh_from_db()
    return case


def _snapshot(case: Case) -> tuple[Any, ...]:
    case.refresh_from_db()
    return (
        case.state,
        case.revision,
        case.deadline,
        case.warn_from,
        case.extension_days,
        case.events.count(),
        case.notices.count(),
        case.suspensions.count(),
        case.extensions.count(),
    )


def _actions(case: Case) -> list[str]:
    return list(case.events.order_by("seq").values_list("action", flat=True))


# --- start (R-CLK-2, R-CLK-8, R-CASE-5, R-CASE-11) -------------------------------------------------------


def test_r_clk_2_clock_start_stores_deadline_and_warning_date(hall: Any) -> None:
    case = _accepted(hall)
    assert (case.deadline, case.warn_from, case.deadline_provisional) == (
        date(2026, 10, 13),
        date(2026, 10, 12),
        False,
    )
    assert case.events.count() == 0  # the acceptance event (intake) carries it


def test_r_clk_8_immediate_item_is_due_the_day_it_is_accepted(hall: Any) -> None:
    item = _item(hall, case_type="immediate", promised_limit_days=0, statutory_limit_days=0)
    case = _accepted(hall, item, accepted_on=date(2026, 10, 9))
    assert case.deadline == date(2026, 10, 9)
    assert stored_warning(case, date(2026, 10, 9)) == "yellow"
    assert stored_warning(case, date(2026, 10, 10)) == "red"  # a make-up Saturday: already overdue
    assert [row.case for row in overdue_cases(hall.center, date(2026, 10, 12))] == [case]
    assert overdue_cases(hall.center, date(2026, 10, 12))[0].days_overdue == 2  # 10-10, 10-12


def test_r_case_5_case_types_take_their_limits_from_the_version(hall: Any) -> None:
    immediate = _accepted(
        hall, _item(hall, case_type="immediate", promised_limit_days=0, statutory_limit_days=0)
    )
    promised = _accepted(hall, _item(hall, case_type="promised", promised_limit_days=5))
    joint = _accepted(hall, _item(hall, case_type="joint", promised_limit_days=10))
    reported = _accepted(hall, _item(hall, case_type="reported", promised_limit_days=3))
    assert immediate.deadline == date(2026, 9, 30)
    assert promised.deadline == date(2026, 10, 13)
    assert joint.deadline == date(2026, 10, 20)
    assert reported.deadline == date(2026, 10, 10)


def test_r_case_11_green_channel_keeps_the_shorter_target(hall: Any) -> None:
    case = _accepted(hall, is_priority=True, priority_reason="重点项目", priority_target_days=2)
    assert case.deadline == date(2026, 10, 9)
    assert case.limit_days == 5  # the legal limit is untouched


# --- special procedures (R-CLK-4) -------------------------------------------------------------------------


def test_r_clk_4_expert_review_stops_the_clock_and_moves_the_deadline(hall: Any) -> None:
    case = _accepted(hall)
    suspension = special_procedure_start(
        actor=hall.clerk,
        case=case,
        kind="expert_review",
        reason="需组织专家评审",
        expected_days=3,
        at=at(date(2026, 10, 9), 10),
        expected_revision=case.revision,
    )
    case.refresh_from_db()
    assert case.state == CaseState.SUSPENDED
    assert (case.deadline, case.warn_from) == (None, None)
    assert stored_warning(case, date(2026, 10, 20)) == "suspended"
    assert clock_view(case).remaining_at_stop == 4

    notice = suspension.notice
    assert notice is not None
    assert notice.kind == NoticeKind.SPECIAL_PROCEDURE
    assert notice.number == "示范县政务服务中心特程〔2026〕1号"
    assert notice.body == {
        "case_number": case.number,
        "kind": "expert_review",
        "kind_label": "专家评审",
        "reason": "需组织专家评审",
        "expected_days": 3,
        "started_on": "2026-10-09",
        "remaining_days": 4,
    }
    special_procedure_notice_delivered(
        actor=hall.clerk, notice=notice, method="窗口领取", at=at(date(2026, 10, 9), 15)
    )
    notice.refresh_from_db()
    assert (notice.delivered_at, notice.delivery_method) == (at(date(2026, 10, 9), 15), "窗口领取")

    # Resumed Wed 10-14: 10-09, 10-10 (make-up Saturday), 10-12, 10-13 were suspended → 4 working days later.
    special_procedure_end(actor=hall.clerk, case=case, result="评审通过", at=at(date(2026, 10, 14), 9))
    case.refresh_from_db()
    suspension.refresh_from_db()
    assert case.state == CaseState.ACCEPTED
    assert case.deadline == date(2026, 10, 19)
    assert case.warn_from == date(2026, 10, 16)
    assert (suspension.ended_on, suspension.result) == (date(2026, 10, 14), "评审通过")
    assert _actions(case) == ["special_procedure_started", "notice_delivered", "special_procedure_ended"]
    ended = case.events.get(action="special_procedure_ended")
    assert (ended.from_state, ended.to_state) == ("suspended", "accepted")
    assert ended.data["suspended_working_days"] == 4
    assert ended.data["new_deadline"] == "2026-10-19"
    assert chain_verify(case).ok


def test_r_clk_4_procedure_not_listed_for_the_item_is_refused(hall: Any) -> None:
    case = _accepted(hall)
    before = _snapshot(case)
    with pytest.raises(RuleViolation) as refusal:
        special_procedure_start(
            actor=hall.clerk,
            case=case,
            kind="hearing",
            reason="听证",
            expected_days=5,
            at=at(date(2026, 10, 9)),
        )
    assert (refusal.value.rule, refusal.value.field) == ("R-CLK-4", "kind")
    assert refusal.value.message == "该事项的服务指南未列明此特别程序，不能暂停计时。"
    assert _snapshot(case) == before


def test_r_clk_4_expected_duration_is_required(hall: Any) -> None:
    case = _accepted(hall)
    before = _snapshot(case)
    with pytest.raises(RuleViolation) as refusal:
        special_procedure_start(
            actor=hall.clerk,
            case=case,
            kind="testing",
            reason="检验",
            expected_days=0,
            at=at(date(2026, 10, 9)),
        )
    assert (refusal.value.rule, refusal.value.field) == ("R-CLK-4", "expected_days")
    assert _snapshot(case) == before


def test_r_clk_4_end_and_delivery_are_refused_out_of_turn(hall: Any) -> None:
    case = _accepted(hall)
    with pytest.raises(RuleViolation) as refusal:
        special_procedure_end(actor=hall.clerk, case=case, result="x", at=at(date(2026, 10, 9)))
    assert refusal.value.message == "该办件没有正在进行的特别程序。"
    suspension = special_procedure_start(
        actor=hall.clerk, case=case, kind="testing", reason="检验", expected_days=2, at=at(date(2026, 10, 9))
    )
    assert suspension.notice is not None
    special_procedure_notice_delivered(actor=hall.clerk, notice=suspension.notice, method="邮寄")
    with pytest.raises(RuleViolation) as refusal:
        special_procedure_notice_delivered(actor=hall.clerk, notice=suspension.notice, method="邮寄")
    assert refusal.value.message == "该告知书已记录送达。"
    with pytest.raises(RuleViolation):  # a suspended case cannot start a second procedure
        special_procedure_start(
            actor=hall.clerk,
            case=case,
            kind="expert_review",
            reason="x",
            expected_days=1,
            at=at(date(2026, 10, 9)),
        )
    assert Suspension.objects.filter(case=case).count() == 1


# --- extensions (R-CLK-5) ---------------------------------------------------------------------------------


def test_r_clk_5_extension_moves_the_deadline_and_is_filed(hall: Any) -> None:
    case = _accepted(hall)
    request = extension_request(
        actor=hall.chief,  # the chief representative asks and approves at once
        case=case,
        days=3,
        reason="需现场核查",
        at=at(date(2026, 10, 12), 16),  # the last day: 1 working day before the deadline 10-13
        expected_revision=case.revision,
    )
    extension = request.extension
    assert extension is not None
    assert (request.status, request.requested_by, request.decided_by) == ("approved", hall.chief, hall.chief)
    case.refresh_from_db()
    assert case.extension_days == 3
    assert case.deadline == date(2026, 10, 16)
    assert (extension.approved_by, extension.applicant_told_on) == (hall.chief, date(2026, 10, 12))
    assert extension.notice is not None and extension.notice.kind == NoticeKind.EXTENSION
    assert extension.notice.number == "示范县政务服务中心延期〔2026〕1号"
    assert extension.notice.body["new_deadline"] == "2026-10-16"
    granted = case.events.get(action="extension_granted")
    assert (granted.data["old_deadline"], granted.data["new_deadline"]) == ("2026-10-13", "2026-10-16")

    with pytest.raises(RuleViolation) as refusal:
        extension_file(actor=hall.clerk, extension=extension)
    assert refusal.value.message == "延期须由中心行政审批协调科备案。"
    extension_file(actor=hall.coordination, extension=extension, at=at(date(2026, 10, 13)))
    extension.refresh_from_db()
    assert extension.filed_at == at(date(2026, 10, 13))
    assert _actions(case) == ["extension_granted", "extension_filed"]
    assert chain_verify(case).ok


def test_r_clk_5_telling_the_applicant_on_the_last_day_is_too_late(hall: Any) -> None:
    case = _accepted(hall)
    before = _snapshot(case)
    with pytest.raises(RuleViolation) as refusal:
        extension_request(
            actor=hall.chief,
            case=case,
            days=3,
            reason="需现场核查",
            at=at(date(2026, 10, 13), 9),
        )
    assert (refusal.value.rule, refusal.value.field) == ("R-CLK-5", "at")
    assert refusal.value.message == "须在期限届满1个工作日前告知申请人（最迟2026-10-12），现已不能延期。"
    assert _snapshot(case) == before
    assert not Notice.objects.filter(case=case).exists()


def test_r_clk_5_extension_bounds_and_approver(hall: Any) -> None:
    case = _accepted(hall)
    moment = at(date(2026, 10, 9))
    extension_request(actor=hall.chief, case=case, days=8, reason="a", at=moment)
    before = _snapshot(case)
    with pytest.raises(RuleViolation) as refusal:
        extension_request(actor=hall.chief, case=case, days=3, reason="b", at=moment)
    assert refusal.value.message == "延期不得超过2个工作日（该事项最长延期的剩余天数）。"
    assert _snapshot(case) == before

    # The clerk asks; the clerk cannot approve it (R-CLK-5: the head of the window's department approves).
    request = extension_request(actor=hall.clerk, case=case, days=2, reason="c", at=moment)
    assert (request.status, request.extension) == ("pending", None)
    before = _snapshot(case)
    with pytest.raises(RuleViolation) as refusal:
        extension_approve(actor=hall.clerk, extension_request=request, at=moment)
    assert (refusal.value.rule, refusal.value.message) == ("R-CLK-5", "延期须经窗口机关负责人批准。")
    assert _snapshot(case) == before

    # A window head by role (not named on the window) may approve.
    head = org_factories.make_staff(hall.center, window=hall.window)
    org_factories.grant(head.user, hall.center, "window_head", hall.window)
    extension_approve(actor=head, extension_request=request, at=moment)
    assert Extension.objects.filter(case=case).count() == 2

    other = _accepted(hall, _item(hall, extension_allowed=False))
    with pytest.raises(RuleViolation) as refusal:
        extension_request(actor=hall.chief, case=other, days=1, reason="d", at=moment)
    assert refusal.value.message == "该事项依法不得延期。"


# --- the calendar changes (R-CLK-3) -----------------------------------------------------------------------


def test_r_clk_1_local_holiday_moves_open_deadlines(hall: Any) -> None:
    case = _accepted(hall)
    suspended = _accepted(hall)
    special_procedure_start(
        actor=hall.clerk,
        case=suspended,
        kind="testing",
        reason="检验",
        expected_days=2,
        at=at(date(2026, 10, 9)),
    )
    closed = _accepted(hall)
    Case.objects.filter(pk=closed.pk).update(state=CaseState.APPROVED)
    assert closed.timer is not None
    timer_finish(timer=closed.timer, on=date(2026, 10, 9))  # as deciding does
    elsewhere_window = org_factories.make_window(org_factories.make_center())
    elsewhere = make_case(
        window=elsewhere_window,
        item=make_item_for(elsewhere_window, hall.post, promised_limit_days=5),
        received_by=hall.clerk,
        accepted_on=ACCEPTED,
    )
    clock_start(case=elsewhere)
    revision = case.revision

    calendar_day_set(
        actor=hall.sysadmin.user, center=hall.center, day=date(2026, 10, 12), kind="holiday", name="县庆"
    )

    case.refresh_from_db()
    assert case.deadline == date(2026, 10, 14)
    assert case.warn_from == date(2026, 10, 13)
    assert case.revision == revision + 1
    event = case.events.get(action="deadline_recomputed")
    assert event.actor is None
    assert event.reason == "日历变更：2026-10-12 设为休息日（节假日）（县庆）"
    assert (event.data["old_deadline"], event.data["new_deadline"]) == ("2026-10-13", "2026-10-14")
    closed.refresh_from_db()
    elsewhere.refresh_from_db()
    suspended.refresh_from_db()
    assert closed.deadline == elsewhere.deadline == date(2026, 10, 13)
    assert suspended.deadline is None
    assert not CaseEvent.objects.filter(case__in=[closed, elsewhere, suspended], action="deadline_recomputed")

    # The suspended case follows too once it resumes: 10-09, 10-10, 10-13 suspended (10-12 is now a holiday).
    special_procedure_end(actor=hall.clerk, case=suspended, result="合格", at=at(date(2026, 10, 14)))
    suspended.refresh_from_db()
    assert suspended.deadline == date(2026, 10, 19)
    assert clock_recompute(case=case) is False


def test_r_clk_3_loading_next_year_firms_up_provisional_deadlines(hall: Any) -> None:
    case = _accepted(hall, accepted_on=date(2026, 12, 28))
    assert (case.deadline, case.deadline_provisional) == (date(2027, 1, 4), True)

    calendar_load_year(
        actor=None, year=2027, entries=[(date(2027, 1, 1), "holiday", "元旦")], source="国办发明电〔2026〕1号"
    )

    case.refresh_from_db()
    assert (case.deadline, case.deadline_provisional) == (date(2027, 1, 5), False)
    event = case.events.get(action="deadline_recomputed")
    assert event.reason == "日历变更：载入2027年节假日安排（国办发明电〔2026〕1号）"
    assert (event.data["old_deadline"], event.data["new_deadline"]) == ("2027-01-04", "2027-01-05")
    assert event.data["provisional"] is False


# --- warnings in the database (R-CLK-6, R-CLK-9) ---------------------------------------------------------


def test_r_clk_6_warnings_in_one_query(hall: Any, django_assert_num_queries: Any) -> None:
    item = _item(hall)
    today = date(2026, 10, 13)
    green = _accepted(hall, item, accepted_on=date(2026, 10, 12))  # 10-19, yellow from 10-16
    yellow = _accepted(hall, item)  # 10-13, yellow from 10-12
    red = _accepted(hall, item, accepted_on=date(2026, 9, 25))  # 10-10
    paused = _accepted(hall, item)
    special_procedure_start(
        actor=hall.clerk,
        case=paused,
        kind="testing",
        reason="检验",
        expected_days=2,
        at=at(date(2026, 10, 9)),
    )
    received = make_case(window=hall.window, item=item, received_by=hall.clerk, state=CaseState.RECEIVED)
    for _ in range(20):
        _accepted(hall, item, accepted_on=date(2026, 10, 12))

    with django_assert_num_queries(1):
        colours = dict(
            annotate_warning(Case.objects.filter(center=hall.center), today).values_list("pk", "warning")
        )
    assert len(colours) == 25
    assert colours[green.pk] == "green"
    assert colours[yellow.pk] == "yellow"
    assert colours[red.pk] == "red"
    assert colours[paused.pk] == "suspended"
    assert colours[received.pk] == ""
    for case in Case.objects.filter(center=hall.center):
        assert stored_warning(case, today) == colours[case.pk]

    assert list(red_cases(hall.center, today)) == [red]
    assert list(yellow_cases(hall.center, today)) == [yellow]
    assert warning_counts(hall.center, today) == {"green": 21, "yellow": 1, "red": 1, "suspended": 1}


def test_r_clk_9_overdue_cases_name_window_responsible_and_days(
    hall: Any, django_assert_max_num_queries: Any
) -> None:
    # The case's one step is at the post; its A (the clerk) is on leave on the last day, 10-13, so the B held
    # the post then and answers for the case, as stored by the sweep the next morning.
    case = _accepted(hall)
    handling_services.case_steps_plan(case=case, at=at(ACCEPTED, 10))
    _accepted(hall, accepted_on=date(2026, 10, 12))  # not overdue
    absence_record(
        actor=None,
        staff=hall.clerk,
        kind="leave",
        starts_at=at(date(2026, 10, 13), 8),
        ends_at=at(date(2026, 10, 14), 8),
    )
    assert timers_sweep(today=date(2026, 10, 14)) == 1
    assert timers_sweep(today=date(2026, 10, 14)) == 0  # recorded once
    # The cases with their timers; then by key, once each whatever the number of rows: the windows, the people
    # responsible, the item versions, the centres, the overdue records and their people; and the centre's
    # calendar when not cached.
    with django_assert_max_num_queries(8):
        rows = overdue_cases(hall.center, date(2026, 10, 16))
    assert len(rows) == 1
    row = rows[0]
    assert (row.case, row.window, row.responsible, row.responsible_acting_as, row.recorded) == (
        case,
        hall.window,
        hall.backup,
        "B",
        True,
    )
    assert (row.deadline, row.days_overdue) == (date(2026, 10, 13), 3)  # 10-14, 10-15, 10-16
    record = Overdue.objects.get(case=case)
    assert (record.overdue_on, record.post, record.responsible, record.acting_as) == (
        date(2026, 10, 14),
        hall.post,
        hall.backup,
        "B",
    )


# --- reported cases (R-CASE-5) ----------------------------------------------------------------------------


def test_r_case_5_reported_case_time_with_the_authority_is_tracked_apart(hall: Any) -> None:
    case = _accepted(hall, _item(hall, case_type="reported", promised_limit_days=5))
    case_report_up(actor=hall.clerk, case=case, authority="市商务局", at=at(date(2026, 10, 9), 11))
    case.refresh_from_db()
    assert case.state == CaseState.SUSPENDED and case.deadline is None
    sent = case.events.get(action="reported_up")
    assert sent.data == {
        "authority": "市商务局",
        "sent_on": "2026-10-09",
        "window_deadline": "2026-10-13",
        "within_window_limit": True,
        "remaining_days": 4,
    }
    with pytest.raises(RuleViolation):  # not a special procedure
        special_procedure_end(actor=hall.clerk, case=case, result="x", at=at(date(2026, 10, 14)))

    case_report_returned(actor=hall.clerk, case=case, result="同意", at=at(date(2026, 10, 14), 9))
    case.refresh_from_db()
    assert case.state == CaseState.ACCEPTED
    assert case.deadline == date(2026, 10, 19)
    [span] = reported_spans(case)
    assert (span.authority, span.sent_on, span.returned_on, span.working_days) == (
        "市商务局",
        date(2026, 10, 9),
        date(2026, 10, 14),
        4,
    )
    assert clock_recompute(case=case) is False


def test_r_case_5_only_reported_cases_go_up(hall: Any) -> None:
    case = _accepted(hall)
    before = _snapshot(case)
    with pytest.raises(RuleViolation) as refusal:
        case_report_up(actor=hall.clerk, case=case, authority="市商务局", at=at(date(2026, 10, 9)))
    assert (refusal.value.rule, refusal.value.message) == ("R-CASE-5", "只有报批件需要上报上级机关。")
    with pytest.raises(RuleViolation):
        case_report_returned(actor=hall.clerk, case=case, at=at(date(2026, 10, 9)))
    assert _snapshot(case) == before
