"""What the case services store stays in the centre's language (Chinese) when the clerk works in English:
notice bodies, history reasons, messages in the outbox and the exported records (docs/i18n.md). Only what
is shown is translated: a refusal (RuleViolation) reaches the English clerk in English, and a notice printed
in English has English labels around the Chinese facts it was issued with."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from cases.models import Case, CaseEvent
from cases.services.clock import clock_start, extension_request, special_procedure_start
from cases.services.handling import case_decide, case_set_priority
from cases.services.intake import (
    case_accept,
    case_issue_correction,
    case_receive,
    case_refuse,
    cases_deem_accepted,
)
from cases.services.records import case_record
from catalog.models import Item
from common.errors import RuleViolation
from common.tests.test_i18n import compiled_catalogue  # noqa: F401  (the English catalogue, compiled)
from notify.models import OutboxMessage

from .factories import at, check_in_order, make_case, make_item_for
from .handling_helpers import authorise

pytestmark = pytest.mark.usefixtures("national_calendar", "compiled_catalogue")

DAY = date(2026, 9, 30)  # a Wednesday; 5 working days later is 2026-10-13 (National Day holidays)
APPLICANT = {"name": "张三", "organisation_name": "示范外贸有限公司", "phone": "13800000001"}
SIGN = "【示范县政务服务中心】"


@pytest.fixture
def english() -> Iterator[None]:
    """The clerk works in English; the precondition that English is really in use is checked."""
    with translation.override("en"):
        assert _("缺少") == "Missing"
        yield


def _item(hall: Any, **fields: Any) -> Item:
    fields.setdefault("name", "对外贸易经营者备案")
    fields.setdefault("promised_limit_days", 5)
    fields.setdefault("special_procedures", ["expert_review"])
    fields.setdefault("extension_allowed", True)
    fields.setdefault("max_extension_days", 10)
    return make_item_for(hall.window, hall.post, **fields)


def _received(hall: Any, **fields: Any) -> Case:
    return case_receive(
        actor=hall.clerk,
        window=hall.window,
        item=_item(hall, **fields),
        applicant=APPLICANT,
        at=at(DAY, 9, 30),
    )


def _check(hall: Any, case: Case, *statuses: tuple[str, str]) -> None:
    check_in_order(hall.clerk, case, statuses, at=at(DAY, 10))


def _running(hall: Any, **fields: Any) -> Case:
    """A case accepted on 2026-09-30 with a 5-day limit: deadline 2026-10-13."""
    case = make_case(window=hall.window, item=_item(hall, **fields), received_by=hall.clerk, accepted_on=DAY)
    clock_start(case=case)
    case.refresh_from_db()
    return case


def _reasons(case: Case) -> list[tuple[str, str]]:
    return list(CaseEvent.objects.filter(case=case).order_by("seq").values_list("action", "reason"))


def _sms(case: Case) -> list[tuple[str, str]]:
    return list(
        OutboxMessage.objects.filter(key__startswith=f"case:{case.pk}:", channel="sms")
        .order_by("id")
        .values_list("subject", "body")
    )


def test_r_case_2_a_correction_notice_issued_in_english_is_stored_in_chinese(
    hall: Any, english: None
) -> None:
    case = _received(hall, materials=3)
    _check(hall, case, ("present", ""), ("missing", ""), ("defective", "复印件不清晰"))
    notice = case_issue_correction(actor=hall.clerk, case=case, at=at(DAY, 11))

    notice.refresh_from_db()
    assert notice.body["title"] == "补正告知书"
    assert [(m["name"], m["status_label"]) for m in notice.body["materials"]] == [
        ("申请材料2", "缺少"),
        ("申请材料3", "不符合要求"),
    ]
    assert notice.body["text"] == (
        "经审查，您提交的申请材料存在以下问题，请一次性补正全部材料后重新提交。补正材料提交后，本窗口将重新审查。"
    )
    assert _reasons(case) == [
        ("received", "收到申请材料"),
        ("materials_checked", "材料审查"),
        ("correction_issued", "一次性告知需补正的全部材料（R-CASE-2）"),
    ]
    assert _sms(case) == [
        (
            "申请材料需补正：对外贸易经营者备案",
            f"{SIGN}您申请的“对外贸易经营者备案”需补正以下材料：申请材料2（缺少）；申请材料3（不符合要求）。"
            "请一次性补齐后到A01 外经贸局窗口提交。",
        )
    ]


def test_r_case_2_a_refusal_is_shown_to_the_english_clerk_in_english(hall: Any, english: None) -> None:
    """A RuleViolation is shown, not stored: it keeps the user's language."""
    case = _received(hall)
    with pytest.raises(RuleViolation) as refused:
        case_issue_correction(actor=hall.clerk, case=case, at=at(DAY, 11))
    assert refused.value.message == _("请先审查本次提交的全部材料，再出具补正告知书。")
    assert refused.value.message.startswith("Please check all materials")


def test_r_case_2_a_notice_issued_in_english_prints_in_chinese(hall: Any, login: Any) -> None:
    with translation.override("en"):
        case = _received(hall, materials=2)
        _check(hall, case, ("present", ""), ("missing", ""))
        notice = case_issue_correction(actor=hall.clerk, case=case, at=at(DAY, 11))
    client = login(hall.clerk)
    url = reverse("cases:notice_print", args=[notice.pk])

    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '<html lang="zh-hans">' in page
    assert "<h1>补正告知书</h1>" in page
    assert "<td>缺少</td>" in page
    assert "Missing" not in page and "Correction notice" not in page

    # Printed in English: the page says so, its labels are English, the facts stay as issued.
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in page
    assert "<td>缺少</td>" in page


def test_r_case_4_a_refusal_notice_issued_in_english_is_stored_in_chinese(hall: Any, english: None) -> None:
    case = _received(hall)
    notice = case_refuse(
        actor=hall.clerk,
        case=case,
        reasons="该事项属市级审批权限",
        competent_authority="市政务服务中心商务局窗口",
        at=at(DAY, 10),
    )
    assert notice.body["title"] == "不予受理告知书"
    assert notice.body["text"] == "经审查，您的申请不予受理，理由如下。请向有权机关或窗口提出申请。"


def test_r_case_6_an_acceptance_in_english_is_stored_in_chinese(hall: Any, english: None) -> None:
    case = _received(hall)
    _check(hall, case, ("present", ""), ("present", ""))
    notice = case_accept(actor=hall.clerk, case=case, at=at(DAY, 11))

    case.refresh_from_db()
    assert (notice.body["title"], notice.body["case_type_label"], notice.body["text"]) == (
        "受理通知书",
        "承诺件",
        "申请材料齐全，予以受理（R-CASE-6）",
    )
    assert _reasons(case)[-1] == ("accepted", "申请材料齐全，予以受理（R-CASE-6）")
    assert _sms(case) == [
        (
            f"申请已受理：{case.number}",
            f"{SIGN}您申请的“对外贸易经营者备案”已受理，办件编号{case.number}，承诺办结日期2026年10月13日，"
            f"查询码{case.query_code}。可凭办件编号和查询码在政务服务网站或自助终端查询办理进度。",
        )
    ]
    record = case_record(case)
    assert (record["case_type_label"], record["state_label"], record["application"]["channel_label"]) == (
        "承诺件",
        "已受理办理中",
        "窗口",
    )


def test_r_case_3_a_deemed_acceptance_run_in_english_is_stored_in_chinese(hall: Any, english: None) -> None:
    case = _received(hall)
    cases_deem_accepted(today=date(2026, 10, 14), at=at(date(2026, 10, 14), 1))

    case.refresh_from_db()
    reason = _reasons(case)[-1]
    assert reason[0] == "deemed_accepted"
    assert (
        reason[1].startswith("收到申请材料之日起") and "《中华人民共和国行政许可法》第三十二条" in reason[1]
    )
    assert case.notices.get(kind="acceptance").body["text"] == reason[1]


def test_r_clk_4_a_special_procedure_started_in_english_is_stored_in_chinese(
    hall: Any, english: None
) -> None:
    case = _running(hall)
    suspension = special_procedure_start(
        actor=hall.clerk,
        case=case,
        kind="expert_review",
        reason="需组织专家评审",
        expected_days=3,
        at=at(date(2026, 10, 9), 10),
    )
    notice = suspension.notice
    assert notice is not None
    assert notice.body["kind_label"] == "专家评审"
    ((subject, body),) = _sms(case)
    assert subject == f"办件进入特别程序：{case.number}"
    assert "进入专家评审程序，预计需要3个工作日" in body
    assert case_record(case)["special_procedures"][0]["kind_label"] == "专家评审"


def test_r_clk_5_an_extension_granted_in_english_is_told_in_chinese(hall: Any, english: None) -> None:
    case = _running(hall)
    extension_request(
        actor=hall.chief,
        case=case,
        days=3,
        reason="需现场核查",
        at=at(date(2026, 10, 12), 16),
    )
    assert _sms(case) == [
        (
            f"办件办理期限延长：{case.number}",
            f"{SIGN}您的办件{case.number}（对外贸易经营者备案）经批准延长3个工作日，办结期限延至2026年10月16日。",
        )
    ]


def test_r_case_11_a_green_channel_opened_in_english_is_recorded_in_chinese(hall: Any, english: None) -> None:
    case = _running(hall)
    case_set_priority(actor=hall.chief, case=case, reason="重点项目", target_days=2, at=at(DAY, 15))
    assert _reasons(case)[-2:] == [("priority", "重点项目"), ("deadline_recomputed", "绿色通道：重点项目")]


def test_r_case_7_a_decision_in_english_is_stored_and_told_in_chinese(hall: Any, english: None) -> None:
    authorise(hall)
    case = _running(hall, on_spot_decision=True, special_procedures=[])
    notice = case_decide(
        actor=hall.chief, case=case, approve=False, reasons="经营场所与登记地址不一致", at=at(DAY, 11)
    )

    case.refresh_from_db()
    assert notice.body["decision"] == "不予许可"
    assert _reasons(case)[-1] == ("decide", "经营场所与登记地址不一致")
    ((subject, body),) = _sms(case)
    assert subject == f"不予许可：{case.number}"
    assert body.startswith(f"{SIGN}您的办件{case.number}（对外贸易经营者备案）不予许可")
    completion = case_record(case)["completion"]
    assert completion is not None and completion["result_label"] == "不予许可"
