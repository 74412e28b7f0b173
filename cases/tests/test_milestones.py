"""Milestones told to applicants (accepted, correction needed, suspended, extended, decided) and to staff (due
soon), enqueued in the case service's own transaction, once per channel."""

from __future__ import annotations

import re
from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from cases.milestones import due_soon_enqueue, mobile_number
from cases.models import Case, CaseEvent, CaseState
from cases.services import handling as handling_services
from cases.services.clock import clock_start, extension_request, special_procedure_start
from cases.services.handling import case_decide
from cases.services.intake import (
    case_accept,
    case_issue_correction,
    case_receive,
    cases_deem_accepted,
)
from cases.tests.factories import at, check_in_order, make_case, make_item_for
from cases.tests.handling_helpers import authorise
from catalog.models import Item
from notify.models import OutboxMessage
from notify.services import dispatch

pytestmark = pytest.mark.usefixtures("national_calendar")

RECEIVED = date(2026, 9, 30)  # limit 5 → due 2026-10-13 over the National Day holidays
OK = ("present", "")
SIGN = "【示范县政务服务中心】"
APPLICANT = {
    "name": "示范外贸有限公司",
    "id_number": "420000199001011238",
    "phone": "138 0000 0001",
    "email": "trade@example.com",
}


class Recording:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str]] = []

    def send(self, message: OutboxMessage) -> None:
        self.sent.append((message.channel, message.recipient, message.key))


def _item(hall: Any, **fields: Any) -> Item:
    fields.setdefault("name", "对外贸易经营者备案")
    fields.setdefault("promised_limit_days", 5)
    fields.setdefault("special_procedures", ["expert_review"])
    fields.setdefault("extension_allowed", True)
    fields.setdefault("max_extension_days", 10)
    return make_item_for(hall.window, hall.post, **fields)


def _received(hall: Any, item: Item | None = None, **applicant: Any) -> Case:
    return case_receive(
        actor=hall.clerk,
        window=hall.window,
        item=item or _item(hall),
        applicant={**APPLICANT, **applicant},
        at=at(RECEIVED, 9, 30),
    )


def _check(hall: Any, case: Case, statuses: list[tuple[str, str]]) -> None:
    check_in_order(hall.clerk, case, statuses, at=at(RECEIVED, 10))


def _accepted(hall: Any, **fields: Any) -> Case:
    """A running case built directly, with the applicant's phone and email."""
    fields.setdefault("applicant_email", "trade@example.com")
    case = make_case(
        window=hall.window, item=_item(hall), received_by=hall.clerk, accepted_on=RECEIVED, **fields
    )
    clock_start(case=case)
    case.refresh_from_db()
    return case


def _messages(case: Case) -> list[tuple[str, str, str]]:
    return list(
        OutboxMessage.objects.filter(key__startswith=f"case:{case.pk}:")
        .order_by("channel")
        .values_list("key", "channel", "recipient")
    )


def _seq(case: Case, action: str) -> int:
    return CaseEvent.objects.get(case=case, action=action).seq


def _body(case: Case, channel: str = "sms") -> tuple[str, str]:
    message = OutboxMessage.objects.get(key__startswith=f"case:{case.pk}:", channel=channel)
    return message.subject, message.body


# --- accepted (R-CASE-6) ----------------------------------------------------------------------------------


def test_r_case_6_applicant_is_notified_of_acceptance(hall: Any, settings: Any) -> None:
    case = _received(hall)
    _check(hall, case, [OK, OK])

    case_accept(actor=hall.clerk, case=case, at=at(RECEIVED, 11))

    case.refresh_from_db()
    key = f"case:{case.pk}:accepted:{_seq(case, 'accepted')}"
    assert _messages(case) == [(key, "email", "trade@example.com"), (key, "sms", "13800000001")]
    subject, body = _body(case)
    assert subject == "申请已受理：DEMO-COUNTY-20260930-00001"
    assert body == (
        f"{SIGN}您申请的“对外贸易经营者备案”已受理，办件编号DEMO-COUNTY-20260930-00001，"
        f"承诺办结日期2026年10月13日，查询码{case.query_code}。"
        "可凭办件编号和查询码在政务服务网站或自助终端查询办理进度。"
    )
    assert _body(case, "email") == (subject, body)
    # Nothing personal beyond what the channel needs: no name, no ID number.
    assert "示范外贸" not in body and "420000199001011238" not in body

    recording = Recording()
    settings.NOTIFY_CHANNELS = {"sms": recording, "email": recording, "console": recording}
    assert dispatch(worker="w") == 2
    assert sorted(recording.sent) == [("email", "trade@example.com", key), ("sms", "13800000001", key)]
    assert dispatch(worker="w") == 0


def test_r_case_6_acceptance_rolled_back_leaves_no_message(hall: Any, monkeypatch: Any) -> None:
    case = _received(hall)
    _check(hall, case, [OK, OK])

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("the step plan failed after the message was enqueued")

    monkeypatch.setattr(handling_services, "case_steps_plan", broken)
    with pytest.raises(RuntimeError):
        case_accept(actor=hall.clerk, case=case, at=at(RECEIVED, 11))

    case.refresh_from_db()
    assert (case.state, case.number) == (CaseState.RECEIVED, "")
    assert OutboxMessage.objects.count() == 0


def test_r_case_3_deemed_acceptance_tells_the_applicant(hall: Any) -> None:
    case = _received(hall, email="")
    cases_deem_accepted(today=date(2026, 10, 14), at=at(date(2026, 10, 14), 1))
    case.refresh_from_db()
    assert case.state == CaseState.ACCEPTED
    key = f"case:{case.pk}:accepted:{_seq(case, 'deemed_accepted')}"
    assert _messages(case) == [(key, "sms", "13800000001")]


def test_only_the_contacts_the_case_has_are_used(hall: Any, settings: Any) -> None:
    landline = _received(hall, phone="0710-1234567")
    nothing = _received(hall, phone="", email="")
    for case in (landline, nothing):
        _check(hall, case, [OK, OK])
        case_accept(actor=hall.clerk, case=case, at=at(RECEIVED, 11))
    assert [channel for _k, channel, _r in _messages(landline)] == ["email"]
    assert _messages(nothing) == []

    settings.NOTIFY_CHANNELS = {
        "console": "notify.channels.ConsoleChannel",
        "email": "notify.channels.EmailChannel",
    }
    no_sms = _received(hall)
    _check(hall, no_sms, [OK, OK])
    case_accept(actor=hall.clerk, case=no_sms, at=at(RECEIVED, 11))
    assert [channel for _k, channel, _r in _messages(no_sms)] == ["email"]


def test_mobile_numbers_are_recognised() -> None:
    assert mobile_number("+86 138-0000-0001") == "13800000001"
    assert mobile_number("13800000001") == "13800000001"
    assert mobile_number("0710-1234567") == ""
    assert mobile_number("1380000000") == ""
    assert mobile_number("") == ""


# --- correction needed (R-CASE-2) ------------------------------------------------------------------------


def test_r_case_2_applicant_is_told_every_material_to_correct(hall: Any) -> None:
    case = _received(hall, item=_item(hall, materials=3))
    _check(hall, case, [("missing", ""), OK, ("defective", "未签字")])

    case_issue_correction(actor=hall.clerk, case=case, at=at(RECEIVED, 10, 30))

    key = f"case:{case.pk}:correction_needed:{_seq(case, 'correction_issued')}"
    assert _messages(case) == [(key, "email", "trade@example.com"), (key, "sms", "13800000001")]
    assert _body(case) == (
        "申请材料需补正：对外贸易经营者备案",
        f"{SIGN}您申请的“对外贸易经营者备案”需补正以下材料：申请材料1（缺少）；申请材料3（不符合要求）。"
        "请一次性补齐后到A01 外经贸局窗口提交。",
    )


# --- suspended, extended (R-CLK-4, R-CLK-5) ----------------------------------------------------------------


def test_r_clk_4_applicant_is_told_of_the_special_procedure(hall: Any) -> None:
    case = _accepted(hall)
    special_procedure_start(
        actor=hall.clerk,
        case=case,
        kind="expert_review",
        reason="需组织专家评审",
        expected_days=3,
        at=at(date(2026, 10, 9), 10),
    )
    key = f"case:{case.pk}:suspended:{_seq(case, 'special_procedure_started')}"
    assert _messages(case) == [(key, "email", "trade@example.com"), (key, "sms", "13800000000")]
    assert _body(case) == (
        f"办件进入特别程序：{case.number}",
        f"{SIGN}您的办件{case.number}（对外贸易经营者备案）进入专家评审程序，预计需要3个工作日，"
        "期间暂停计时，书面告知书将依法送达。",
    )


def test_r_clk_5_applicant_is_told_of_the_extension_and_new_deadline(hall: Any) -> None:
    case = _accepted(hall, applicant_email="")
    extension_request(
        actor=hall.chief,
        case=case,
        days=3,
        reason="需现场核查",
        at=at(date(2026, 10, 12), 16),
    )
    key = f"case:{case.pk}:extended:{_seq(case, 'extension_granted')}"
    assert _messages(case) == [(key, "sms", "13800000000")]
    assert _body(case) == (
        f"办件办理期限延长：{case.number}",
        f"{SIGN}您的办件{case.number}（对外贸易经营者备案）经批准延长3个工作日，办结期限延至2026年10月16日。",
    )


# --- decided (R-CASE-7) ---------------------------------------------------------------------------------


@pytest.mark.parametrize("approve", [True, False])
def test_r_case_7_applicant_is_told_of_the_decision(hall: Any, approve: bool) -> None:
    authorise(hall)
    item = _item(hall, on_spot_decision=True, special_procedures=[])
    case = make_case(window=hall.window, item=item, received_by=hall.clerk, accepted_on=RECEIVED)
    case_decide(
        actor=hall.chief,
        case=case,
        approve=approve,
        reasons="" if approve else "不符合备案条件",
        result_number="外经贸备〔2026〕1号" if approve else "",
        at=at(RECEIVED, 11),
    )
    key = f"case:{case.pk}:decided:{_seq(case, 'decide')}"
    assert _messages(case) == [(key, "sms", "13800000000")]
    subject, body = _body(case)
    if approve:
        assert (subject, body) == (
            f"准予许可：{case.number}",
            f"{SIGN}您的办件{case.number}（对外贸易经营者备案）已准予许可，请按约定方式领取办理结果。",
        )
    else:
        assert (subject, body) == (
            f"不予许可：{case.number}",
            f"{SIGN}您的办件{case.number}（对外贸易经营者备案）不予许可，理由及救济途径（行政复议、行政诉讼）"
            "详见不予许可决定书，决定书将依法送达。",
        )
        assert "不符合备案条件" not in body  # the reasons are in the written decision


def test_a_refused_action_enqueues_nothing(hall: Any) -> None:
    case = _accepted(hall)
    with pytest.raises(Exception):  # noqa: B017 - any refusal: the kind is not listed for the item
        special_procedure_start(
            actor=hall.clerk,
            case=case,
            kind="hearing",
            reason="听证",
            expected_days=3,
            at=at(date(2026, 10, 9)),
        )
    assert OutboxMessage.objects.count() == 0


# --- due soon (R-CLK-6), for staff ------------------------------------------------------------------------


def test_r_clk_6_responsible_is_told_once_per_case_per_warning_day(hall: Any) -> None:
    hall.clerk.user.email = "wang@example.com"
    hall.clerk.user.save(update_fields=["email"])
    case = _accepted(hall, responsible=hall.clerk)
    no_email = _accepted(hall, responsible=hall.backup)
    nobody = _accepted(hall)  # no responsible person: nobody to tell
    assert (case.deadline, case.warn_from) == (date(2026, 10, 13), date(2026, 10, 12))

    assert due_soon_enqueue(today=date(2026, 10, 9)) == 0  # still green
    assert due_soon_enqueue(today=date(2026, 10, 12)) == 2
    key = f"case:{case.pk}:due_soon:2026-10-12"
    assert _messages(case) == [(key, "email", "wang@example.com")]
    assert _messages(no_email) == [
        (f"case:{no_email.pk}:due_soon:2026-10-12", "console", f"staff:{hall.backup.pk}")
    ]
    assert _messages(nobody) == []
    message = OutboxMessage.objects.get(key=key)
    assert (message.subject, message.body) == (
        f"办件即将到期：{case.number}",
        f"您负责的办件{case.number}（对外贸易经营者备案，A01 外经贸局窗口）将于2026年10月13日到期，请抓紧办理。",
    )
    assert "申请人" not in message.body

    # Again the same day, the next day (still the same warning date), and once red: nothing more.
    assert due_soon_enqueue(today=date(2026, 10, 12)) == 0
    assert due_soon_enqueue(today=date(2026, 10, 13)) == 0
    assert due_soon_enqueue(today=date(2026, 10, 14)) == 0
    # The staff member's address appearing later does not tell the same warning again.
    hall.backup.user.email = "li@example.com"
    hall.backup.user.save(update_fields=["email"])
    assert due_soon_enqueue(today=date(2026, 10, 13)) == 0
    assert OutboxMessage.objects.filter(key__contains=":due_soon:").count() == 2


def test_r_clk_6_an_extension_gives_a_new_warning_day(hall: Any) -> None:
    case = _accepted(hall, responsible=hall.clerk)
    assert due_soon_enqueue(today=date(2026, 10, 12)) == 1
    extension_request(
        actor=hall.chief,
        case=case,
        days=3,
        reason="需现场核查",
        at=at(date(2026, 10, 12), 16),
    )
    case.refresh_from_db()
    assert (case.deadline, case.warn_from) == (date(2026, 10, 16), date(2026, 10, 15))
    assert due_soon_enqueue(today=date(2026, 10, 14)) == 0
    assert due_soon_enqueue(today=date(2026, 10, 15)) == 1
    keys = sorted(OutboxMessage.objects.filter(key__contains=":due_soon:").values_list("key", flat=True))
    assert keys == [f"case:{case.pk}:due_soon:2026-10-12", f"case:{case.pk}:due_soon:2026-10-15"]


def test_r_clk_6_a_suspended_case_is_not_due_soon(hall: Any) -> None:
    case = _accepted(hall, responsible=hall.clerk)
    special_procedure_start(
        actor=hall.clerk,
        case=case,
        kind="expert_review",
        reason="评审",
        expected_days=3,
        at=at(date(2026, 10, 9)),
    )
    assert due_soon_enqueue(today=date(2026, 10, 12)) == 0


# --- the commands -------------------------------------------------------------------------------------------


def test_notify_due_soon_and_send_notifications_commands(hall: Any, settings: Any) -> None:
    case = _accepted(hall, responsible=hall.clerk)
    out = StringIO()
    call_command("notify_due_soon", "--date", "2026-10-12", stdout=out)
    assert out.getvalue() == "2026-10-12: 已为 1 件预警办件生成到期提醒。\n"

    recording = Recording()
    settings.NOTIFY_CHANNELS = {"console": recording}
    out = StringIO()
    call_command("send_notifications", "--batch", "10", "--worker", "test", stdout=out)
    assert out.getvalue() == "已发送 1 条通知；待发送 0 条。\n"
    assert recording.sent == [("console", f"staff:{hall.clerk.pk}", f"case:{case.pk}:due_soon:2026-10-12")]


def test_notify_due_soon_refuses_a_bad_date(db: Any) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=re.escape("日期格式无效：2026-13-01")):
        call_command("notify_due_soon", "--date", "2026-13-01")
