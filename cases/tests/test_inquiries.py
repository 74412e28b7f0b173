"""First-inquiry responsibility (R-CASE-1): log, handle, refer, acknowledge, escalate, and the workbench."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from cases.models import Inquiry, InquiryOutcome, InquiryStatus, ReferralMode
from cases.selectors.intake import workbench_inquiries
from cases.services.intake import (
    inquiry_acknowledge,
    inquiry_escalate,
    inquiry_handle,
    inquiry_log,
    inquiry_refer,
    is_evasive,
)
from cases.tests.factories import at, make_case, make_item_for
from common.errors import PermissionDenied, RuleViolation
from common.history import history_of
from org.models import Absence, AbsenceKind, Role
from org.tests import factories as f

DAY = date(2026, 9, 30)
FIELDS = ["status", "outcome", "answer", "referred_to_id", "referral_mode", "escalated_to_id", "closed_at"]


def _log(hall: Any, **kw: Any) -> Inquiry:
    kw.setdefault("channel", "window")
    kw.setdefault("question", "对外贸易经营者备案登记需要哪些材料？")
    return inquiry_log(actor=hall.clerk, window=hall.window, at=at(DAY, 9, 0), **kw)


def _state(inquiry: Inquiry) -> list[Any]:
    inquiry.refresh_from_db()
    return [getattr(inquiry, name) for name in FIELDS]


def test_r_case_1_inquiry_is_logged_with_its_first_receiver(hall: Any) -> None:
    inquiry = _log(hall, channel="phone", asker_name="张先生", asker_phone="13900000000")

    assert (inquiry.first_receiver, inquiry.window, inquiry.center) == (hall.clerk, hall.window, hall.center)
    assert (inquiry.status, inquiry.channel, inquiry.asked_at) == ("open", "phone", at(DAY, 9, 0))
    assert inquiry.closed_at is None
    entries = list(history_of(inquiry))
    assert [(e.action, e.rule, e.actor) for e in entries] == [("inquiry_logged", "R-CASE-1", hall.clerk.user)]
    assert entries[0].changes == {
        "first_receiver": "王受理",
        "window": "A01 外经贸局窗口",
        "channel": "phone",
    }


def test_r_case_1_inquiry_needs_a_question_and_a_channel(hall: Any) -> None:
    with pytest.raises(RuleViolation) as empty:
        _log(hall, question="   ")
    with pytest.raises(RuleViolation) as channel:
        _log(hall, channel="fax")
    assert (empty.value.rule, empty.value.field) == ("R-CASE-1", "question")
    assert (channel.value.rule, channel.value.field) == ("R-CASE-1", "channel")
    assert Inquiry.objects.count() == 0


def test_r_case_1_inquiry_handled_as_answered(hall: Any) -> None:
    inquiry = _log(hall)

    inquiry_handle(
        actor=hall.clerk,
        inquiry=inquiry,
        outcome=InquiryOutcome.ANSWERED,
        answer="已告知所需材料并发放一次性告知书。",
        at=at(DAY, 9, 10),
    )

    assert _state(inquiry) == [
        "handled",
        "answered",
        "已告知所需材料并发放一次性告知书。",
        None,
        "",
        None,
        at(DAY, 9, 10),
    ]
    assert [e.action for e in history_of(inquiry).order_by("id")] == ["inquiry_logged", "inquiry_handled"]


@pytest.mark.parametrize(
    "answer", ["不清楚", "不知道。", "不归我管！", "这个我不清楚", "不知道，不归我们管", "unknown"]
)
def test_r_case_1_unknown_or_not_my_business_is_refused(hall: Any, answer: str) -> None:
    inquiry = _log(hall)
    before = _state(inquiry)

    with pytest.raises(RuleViolation) as refused:
        inquiry_handle(actor=hall.clerk, inquiry=inquiry, outcome=InquiryOutcome.ANSWERED, answer=answer)

    assert refused.value.rule == "R-CASE-1"
    assert refused.value.message == (
        "首问负责：不得以“不清楚”“不知道”“不归我管”等作为答复，请写明办理结果或理由。"
    )
    assert _state(inquiry) == before
    assert history_of(inquiry).count() == 1


def test_r_case_1_an_answer_that_explains_is_not_evasive() -> None:
    assert not is_evasive("申请人对材料要求不清楚，已逐项讲解并发放一次性告知书。")
    assert not is_evasive("不属于本窗口职责，已告知市场监管局窗口电话。")
    assert is_evasive("  不熟悉。 ")


def test_r_case_1_there_is_no_unknown_outcome(hall: Any) -> None:
    inquiry = _log(hall)
    with pytest.raises(RuleViolation) as refused:
        inquiry_handle(actor=hall.clerk, inquiry=inquiry, outcome="unknown", answer="已解答")
    assert (refused.value.rule, refused.value.field) == ("R-CASE-1", "outcome")
    assert _state(inquiry)[0] == "open"


def test_r_case_1_not_allowed_needs_the_reasons(hall: Any) -> None:
    inquiry = _log(hall)
    with pytest.raises(RuleViolation) as refused:
        inquiry_handle(actor=hall.clerk, inquiry=inquiry, outcome=InquiryOutcome.EXPLAINED, answer="")
    assert (refused.value.rule, refused.value.message) == ("R-CASE-1", "不予办理的，须写明理由。")

    inquiry_handle(
        actor=hall.clerk,
        inquiry=inquiry,
        outcome=InquiryOutcome.EXPLAINED,
        answer="该事项已于2025年取消，依据国发〔2025〕1号。",
        at=at(DAY, 9, 20),
    )
    assert _state(inquiry)[:3] == ["handled", "explained", "该事项已于2025年取消，依据国发〔2025〕1号。"]


def test_r_case_1_accepted_outcome_names_its_case(hall: Any) -> None:
    inquiry = _log(hall)
    with pytest.raises(RuleViolation) as refused:
        inquiry_handle(actor=hall.clerk, inquiry=inquiry, outcome=InquiryOutcome.ACCEPTED, answer="")
    assert (refused.value.rule, refused.value.field) == ("R-CASE-1", "case")

    item = make_item_for(hall.window, hall.post)
    case = make_case(window=hall.window, item=item, received_by=hall.clerk)
    inquiry_handle(actor=hall.clerk, inquiry=inquiry, outcome=InquiryOutcome.ACCEPTED, answer="", case=case)
    inquiry.refresh_from_db()
    assert (inquiry.status, inquiry.case) == ("handled", case)


def test_r_case_1_only_the_first_receiver_closes_it(hall: Any) -> None:
    inquiry = _log(hall)
    before = _state(inquiry)

    for other in (hall.other_clerk, hall.backup):  # the B may not while A is on duty
        with pytest.raises(RuleViolation) as refused:
            inquiry_handle(actor=other, inquiry=inquiry, outcome=InquiryOutcome.ANSWERED, answer="已解答")
        assert refused.value.rule == "R-CASE-1"
        assert refused.value.message == (
            "首问负责：该咨询由首问责任人王受理负责办结（或由窗口负责人、首席代表、顶岗的B角办理）。"
        )
    with pytest.raises(PermissionDenied):
        inquiry_handle(actor=hall.outsider, inquiry=inquiry, outcome=InquiryOutcome.ANSWERED, answer="已解答")
    assert _state(inquiry) == before


def test_r_case_1_b_closes_it_while_the_first_receiver_is_away(hall: Any) -> None:
    inquiry = _log(hall)
    Absence.objects.create(
        center=hall.center,
        staff=hall.clerk,
        kind=AbsenceKind.LEAVE,
        starts_at=at(DAY, 10),
        ends_at=at(DAY, 17),
    )

    inquiry_handle(
        actor=hall.backup, inquiry=inquiry, outcome=InquiryOutcome.ANSWERED, answer="已解答", at=at(DAY, 11)
    )

    assert _state(inquiry)[:2] == ["handled", "answered"]


def test_r_case_1_window_head_may_close_it(hall: Any) -> None:
    inquiry = _log(hall)
    inquiry_handle(actor=hall.chief, inquiry=inquiry, outcome=InquiryOutcome.ANSWERED, answer="已解答")
    assert _state(inquiry)[0] == "handled"


def test_r_case_1_a_closed_inquiry_cannot_be_closed_again(hall: Any) -> None:
    inquiry = _log(hall)
    inquiry_handle(actor=hall.clerk, inquiry=inquiry, outcome=InquiryOutcome.ANSWERED, answer="已解答")
    before = _state(inquiry)
    with pytest.raises(RuleViolation) as refused:
        inquiry_refer(
            actor=hall.clerk, inquiry=inquiry, to_window=hall.other_window, mode=ReferralMode.ESCORTED
        )
    assert (refused.value.rule, refused.value.message) == (
        "R-CASE-1",
        "该咨询当前状态为“已办结”，不能再办结。",
    )
    assert _state(inquiry) == before


def test_r_case_1_referral_stays_open_until_the_other_window_acknowledges(hall: Any) -> None:
    inquiry = _log(hall)

    inquiry_refer(
        actor=hall.clerk,
        inquiry=inquiry,
        to_window=hall.other_window,
        mode=ReferralMode.PHONE_GIVEN,
        note="已告知B02窗口电话",
        at=at(DAY, 9, 15),
    )

    assert _state(inquiry) == [
        "referred",
        "",
        "已告知B02窗口电话",
        hall.other_window.pk,
        "phone_given",
        None,
        None,
    ]
    mine = workbench_inquiries(hall.clerk)
    theirs = workbench_inquiries(hall.other_clerk)
    assert (list(mine.open), list(mine.sent), list(mine.incoming)) == ([], [inquiry], [])
    assert (list(theirs.open), list(theirs.sent), list(theirs.incoming)) == ([], [], [inquiry])

    for wrong in (hall.clerk, hall.backup):  # only the referred-to window acknowledges
        with pytest.raises(RuleViolation) as refused:
            inquiry_acknowledge(actor=wrong, inquiry=inquiry)
        assert refused.value.rule == "R-CASE-1"
    assert _state(inquiry)[-1] is None

    inquiry_acknowledge(actor=hall.other_clerk, inquiry=inquiry, at=at(DAY, 9, 25))

    inquiry.refresh_from_db()
    assert (inquiry.referral_acknowledged_by, inquiry.referral_acknowledged_at, inquiry.closed_at) == (
        hall.other_clerk,
        at(DAY, 9, 25),
        at(DAY, 9, 25),
    )
    assert list(workbench_inquiries(hall.clerk).sent) == []
    assert list(workbench_inquiries(hall.other_clerk).incoming) == []
    assert [e.action for e in history_of(inquiry).order_by("id")] == [
        "inquiry_logged",
        "inquiry_referred",
        "inquiry_referral_acknowledged",
    ]
    with pytest.raises(RuleViolation):
        inquiry_acknowledge(actor=hall.other_clerk, inquiry=inquiry)


def test_r_case_1_referral_needs_another_window_and_a_mode(hall: Any) -> None:
    inquiry = _log(hall)
    before = _state(inquiry)
    with pytest.raises(RuleViolation) as own:
        inquiry_refer(actor=hall.clerk, inquiry=inquiry, to_window=hall.window, mode=ReferralMode.ESCORTED)
    with pytest.raises(RuleViolation) as mode:
        inquiry_refer(actor=hall.clerk, inquiry=inquiry, to_window=hall.other_window, mode="shrugged")
    with pytest.raises(RuleViolation) as note:
        inquiry_refer(
            actor=hall.clerk, inquiry=inquiry, to_window=hall.other_window, mode="escorted", note="不归我管"
        )
    assert (own.value.message, own.value.field) == ("不能转办给本窗口，请直接办理。", "to_window")
    assert (mode.value.rule, mode.value.field) == ("R-CASE-1", "mode")
    assert (note.value.rule, note.value.field) == ("R-CASE-1", "note")
    assert _state(inquiry) == before


def test_r_case_1_escalated_to_a_leader(hall: Any) -> None:
    inquiry = _log(hall)
    before = _state(inquiry)
    for not_a_leader in (hall.supervision, hall.chief, hall.outsider):
        with pytest.raises(RuleViolation) as refused:
            inquiry_escalate(
                actor=hall.clerk, inquiry=inquiry, leader=not_a_leader, reason="职责不明，请领导协调"
            )
        assert (refused.value.message, refused.value.field) == ("只能上报中心主任或分管副主任。", "leader")
    with pytest.raises(RuleViolation) as no_reason:
        inquiry_escalate(actor=hall.clerk, inquiry=inquiry, leader=hall.director, reason=" ")
    assert no_reason.value.field == "reason"
    assert _state(inquiry) == before

    inquiry_escalate(
        actor=hall.clerk, inquiry=inquiry, leader=hall.director, reason="职责不明，请领导协调", at=at(DAY, 10)
    )

    assert _state(inquiry) == [
        "escalated",
        "",
        "职责不明，请领导协调",
        None,
        "",
        hall.director.pk,
        at(DAY, 10),
    ]


def test_r_case_1_deputy_is_a_leader_too(hall: Any) -> None:
    deputy = f.make_staff(hall.center, name="陈副主任")
    f.grant(deputy.user, hall.center, Role.DEPUTY)
    inquiry = _log(hall)
    inquiry_escalate(actor=hall.clerk, inquiry=inquiry, leader=deputy, reason="涉及两个部门，职责不明")
    assert _state(inquiry)[0] == InquiryStatus.ESCALATED


def test_r_case_1_workbench_lists_my_open_inquiries_only(hall: Any) -> None:
    mine = _log(hall)
    handled = _log(hall)
    inquiry_handle(actor=hall.clerk, inquiry=handled, outcome=InquiryOutcome.ANSWERED, answer="已解答")
    inquiry_log(actor=hall.backup, window=hall.window, channel="web", question="收费标准？", at=at(DAY, 9))

    board = workbench_inquiries(hall.clerk)

    assert (list(board.open), list(board.sent), list(board.incoming)) == ([mine], [], [])
