"""Cases over HTTP (issue 3, item 10): every action through /api/v1 with the checks of the case page — the whole
life of a case against the 2026 calendar, 409 on a stale revision, 422 with the rule id, 400 naming the
field, scoping by centre and window, applicant data only for the case's window (logged), inquiries,
appointments and the public progress lookup that tells nothing personal."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from cases.models import (
    Case,
    CaseEvent,
    CaseMaterial,
    CaseState,
    Extension,
    Inquiry,
    InquiryStatus,
    NoticeKind,
)
from cases.tests.factories import at, make_case, make_item_for, tampering
from cases.tests.handling_helpers import authorise
from catalog.models import Item
from common.models import PersonalDataAccess
from hall.models import Appointment

from .helpers import token_client

pytestmark = pytest.mark.usefixtures("national_calendar")

PUBLIC_FIELDS = {
    "number",
    "item_name",
    "state",
    "state_label",
    "received_on",
    "accepted_on",
    "deadline",
    "deadline_provisional",
    "suspended",
    "decided_on",
    "delivered_on",
}
APPLICANT = {
    "name": "陈小明",
    "id_number": "330102199001015673",
    "phone": "13912345678",
    "email": "chen@example.com",
    "organisation_name": "示范县远航贸易有限公司",
    "credit_code": "91330100MA2B3C4D5N",
}


# --- helpers ----------------------------------------------------------------------------------------------


def _url(name: str, *args: Any, **kwargs: Any) -> str:
    return reverse(f"api:{name}", args=args or None, kwargs=kwargs or None)


def _call(client: APIClient, method: str, url: str, when: datetime, data: Any = None, **kw: Any) -> Any:
    kw.setdefault("format", "json")
    with time_machine.travel(when, tick=False):
        return getattr(client, method)(url, data, **kw)


def _act(
    client: APIClient, case_id: int, action: str, when: datetime, revision: int, **data: Any
) -> dict[str, Any]:
    """POST `action` at `when` with the revision the client last read; the case as it stands after."""
    response = _call(
        client, "post", _url(f"case_{action}", case_id=case_id), when, {"revision": revision, **data}
    )
    assert response.status_code == 200, response.json()
    return response.json()


def _item(hall: Any, **fields: Any) -> Item:
    fields.setdefault("code", "FTB-001")
    fields.setdefault("name", "对外贸易经营者备案登记")
    fields.setdefault("promised_limit_days", 5)
    fields.setdefault("special_procedures", ["expert_review", "testing"])
    fields.setdefault("extension_allowed", True)
    fields.setdefault("max_extension_days", 10)
    return make_item_for(hall.window, hall.post, **fields)


def _materials(item: Item) -> list[int]:
    assert item.current_version is not None
    return list(item.current_version.materials.order_by("order").values_list("pk", flat=True))


def _received(hall: Any, item: Item | None = None, **fields: Any) -> Case:
    fields.setdefault("applicant_email", "chen@example.com")
    return make_case(
        window=hall.window,
        item=item or _item(hall),
        received_by=hall.clerk,
        state=CaseState.RECEIVED,
        received_on=date(2026, 9, 28),
        **fields,
    )


def _accepted(hall: Any, item: Item | None = None, on: date = date(2026, 9, 30), **fields: Any) -> Case:
    from cases.services.clock import clock_start
    from cases.services.handling import case_steps_plan

    case = make_case(
        window=hall.window, item=item or _item(hall), received_by=hall.clerk, accepted_on=on, **fields
    )
    clock_start(case=case)
    case_steps_plan(case=case, at=at(on, 9))
    case.refresh_from_db()
    return case


def _snapshot(case: Case) -> tuple[Any, ...]:
    case = Case.objects.get(pk=case.pk)
    return (
        case.state,
        case.revision,
        case.deadline,
        case.number,
        case.events.count(),
        case.notices.count(),
        CaseMaterial.objects.filter(case=case).count(),
    )


# --- the whole life of a case -----------------------------------------------------------------------------


def test_whole_life_of_a_case_through_the_api_against_the_2026_calendar(hall: Any) -> None:
    item = _item(hall)
    authorise(hall)
    m1, m2 = _materials(item)
    clerk, chief = token_client(hall.clerk), token_client(hall.chief)

    # 2026-09-28: an inquiry at the window, then the application received with JSON applicant data.
    inquiry = _call(
        clerk,
        "post",
        _url("inquiry_list", center=hall.center.code),
        at(date(2026, 9, 28), 8, 50),
        {"window": "A01", "question": "外贸备案要带什么材料？", "item": "FTB-001"},
    )
    assert inquiry.status_code == 201, inquiry.json()
    received = _call(
        clerk,
        "post",
        _url("case_list", center=hall.center.code),
        at(date(2026, 9, 28), 9),
        {"window": "A01", "item": "FTB-001", "applicant": APPLICANT},
    )
    assert received.status_code == 201, received.json()
    case = received.json()
    case_id = case["id"]
    assert (case["state"], case["number"], case["revision"]) == ("received", "", 1)
    assert case["item"] == {"code": "FTB-001", "name": "对外贸易经营者备案登记", "version": 1}
    assert case["clock"]["deadline"] is None
    assert case["actions"] == ["check", "payment", "refuse", "visit", "withdraw"]

    # The check finds material 2 missing; the correction notice names it, at once.
    case = _act(
        clerk,
        case_id,
        "check",
        at(date(2026, 9, 28), 10),
        case["revision"],
        results=[
            {"material": m1, "result": "present"},
            {"material": m2, "result": "missing", "note": "未带原件"},
        ],
    )
    assert [(r["material"], r["result"]) for r in case["checklist"]] == [(m1, "present"), (m2, "missing")]
    case = _act(clerk, case_id, "correction", at(date(2026, 9, 28), 10, 10), case["revision"])
    assert case["state"] == "awaiting_correction"
    assert [n["notice_kind"] for n in case["notices"]] == [NoticeKind.CORRECTION]

    # 2026-09-30: resubmitted, checked complete, accepted: 5 working days over the holidays → 2026-10-13.
    case = _act(clerk, case_id, "resubmit", at(date(2026, 9, 30), 9), case["revision"])
    case = _act(
        clerk,
        case_id,
        "check",
        at(date(2026, 9, 30), 9, 10),
        case["revision"],
        results=[{"material": m1, "result": "present"}, {"material": m2, "result": "present"}],
    )
    case = _act(clerk, case_id, "accept", at(date(2026, 9, 30), 9, 20), case["revision"])
    assert case["state"] == "accepted"
    assert (case["clock"]["accepted_on"], case["clock"]["deadline"]) == ("2026-09-30", "2026-10-13")
    assert case["number"]
    number = case["number"]
    # The acceptance answers with the query code the applicant is given (R-PUB-2).
    query_code = case["query_code"]
    assert query_code and query_code == Case.objects.get(pk=case_id).query_code

    # 2026-10-09: expert review stops the clock with 4 working days left (10-09, 10-10, 10-12, 10-13).
    case = _act(
        clerk,
        case_id,
        "suspend",
        at(date(2026, 10, 9), 10),
        case["revision"],
        procedure="expert_review",
        reason="组织专家评审",
        expected_days=3,
    )
    assert (case["state"], case["clock"]["deadline"], case["clock"]["suspended"]) == ("suspended", None, True)
    assert case["suspensions"][0]["procedure"] == "expert_review"
    notice = next(n for n in case["notices"] if n["notice_kind"] == NoticeKind.SPECIAL_PROCEDURE)
    delivered = _call(
        clerk,
        "post",
        _url("notice_delivered", notice_id=notice["id"]),
        at(date(2026, 10, 9), 11),
        {"revision": case["revision"], "method": "当面送达"},
    )
    assert delivered.status_code == 200, delivered.json()
    case = delivered.json()
    assert next(n for n in case["notices"] if n["id"] == notice["id"])["delivery_method"] == "当面送达"

    # The public lookup while suspended: no deadline, suspended, nothing personal.
    progress = _call(
        APIClient(),
        "post",
        _url("progress"),
        at(date(2026, 10, 12), 10),
        {"center": hall.center.code, "number": number, "query_code": query_code},
    )
    assert progress.status_code == 200
    assert progress.json() == {
        "number": number,
        "item_name": "对外贸易经营者备案登记",
        "state": "suspended",
        "state_label": "特别程序中（暂停计时）",
        "received_on": "2026-09-28",
        "accepted_on": "2026-09-30",
        "deadline": None,
        "deadline_provisional": False,
        "suspended": True,
        "decided_on": None,
        "delivered_on": None,
    }

    # 2026-10-14: resumed; 4 suspended working days move the deadline to 2026-10-19.
    case = _act(clerk, case_id, "resume", at(date(2026, 10, 14), 9), case["revision"], result="专家评审通过")
    assert (case["state"], case["clock"]["deadline"]) == ("accepted", "2026-10-19")

    # 2026-10-15: extended by 3 working days by the chief representative (requester and approver) →
    # 2026-10-22; filed.
    case = _act(
        chief,
        case_id,
        "extend",
        at(date(2026, 10, 15), 9),
        case["revision"],
        days=3,
        reason="需补充现场核查",
    )
    assert (case["clock"]["extension_days"], case["clock"]["deadline"]) == (3, "2026-10-22")
    extension = case["extensions"][0]
    assert extension["filed_at"] is None
    filed = _call(
        token_client(hall.coordination),
        "post",
        _url("extension_file", extension_id=extension["id"]),
        at(date(2026, 10, 15), 14),
        {"revision": case["revision"]},
    )
    assert filed.status_code == 200, filed.json()
    assert filed.json()["extensions"][0]["filed_at"] == "2026-10-15T14:00:00+08:00"

    # A fee (amount from the published standard), the step by its post's A, the decision by the chief.
    fee = item.current_version.fees.get()  # type: ignore[union-attr]
    case = _act(
        clerk,
        case_id,
        "payment",
        at(date(2026, 10, 15), 15),
        filed.json()["revision"],
        fee=fee.pk,
        quantity=2,
        receipt_number="PJ-0001",
    )
    assert case["payments"][0]["amount"] == "20.00"
    case = _act(clerk, case_id, "step", at(date(2026, 10, 16), 9), case["revision"], opinion="材料齐全，同意")
    assert case["steps"][0]["handler"]["id"] == hall.clerk.pk and case["steps"][0]["acting_as"] == "A"
    case = _act(
        chief,
        case_id,
        "decide",
        at(date(2026, 10, 19), 9),
        case["revision"],
        decision="approve",
        result_number="外经贸许〔2026〕9号",
        result_valid_until="2031-10-18",
    )
    assert (case["state"], case["decided_by"]["id"], case["result_number"]) == (
        "approved",
        hall.chief.pk,
        "外经贸许〔2026〕9号",
    )
    # Delivery within 10 working days of 2026-10-19; the deadline stays 2026-10-22.
    assert (case["delivery_due"], case["clock"]["deadline"]) == ("2026-11-02", "2026-10-22")

    case = _act(clerk, case_id, "deliver", at(date(2026, 10, 20), 9), case["revision"], method="pickup")
    case = _act(clerk, case_id, "archive", at(date(2026, 10, 21), 9), case["revision"])
    assert case["state"] == "archived"

    # The inquiry is closed as accepted, with the case it became.
    handled = _call(
        clerk,
        "post",
        _url("inquiry_handle", inquiry_id=inquiry.json()["id"]),
        at(date(2026, 10, 21), 10),
        {"outcome": "accepted", "case": case_id},
    )
    assert handled.status_code == 200, handled.json()
    assert (handled.json()["inquiry_status"], handled.json()["case"]) == ("handled", case_id)

    # The history, in order, with who acted as A or B; the chain verifies for the supervision section.
    with time_machine.travel(at(date(2026, 10, 21), 11), tick=False):
        events = clerk.get(_url("case_events", case_id=case_id), {"limit": 100}).json()
    assert [e["action"] for e in events["results"]] == [
        "received",
        "materials_checked",
        "correction_issued",
        "resubmitted",
        "materials_checked",
        "accepted",
        "special_procedure_started",
        "notice_delivered",
        "special_procedure_ended",
        "extension_granted",
        "extension_filed",
        "payment",
        "step_complete",
        "decide",
        "deliver",
        "archive",
    ]
    step = events["results"][12]
    assert (step["actor"]["id"], step["acting_as"], step["from_state"], step["to_state"]) == (
        hall.clerk.pk,
        "A",
        "accepted",
        "accepted",
    )
    chain = token_client(hall.supervision).get(_url("case_chain", case_id=case_id))
    assert chain.json() == {"case": case_id, "events": 16, "ok": True, "broken_at": None, "tampered_at": None}

    final = _call(
        APIClient(),
        "post",
        _url("progress"),
        at(date(2026, 10, 22), 10),
        {"center": hall.center.code, "number": number, "query_code": query_code},
    ).json()
    assert (final["state"], final["decided_on"], final["delivered_on"], final["deadline"]) == (
        "archived",
        "2026-10-19",
        "2026-10-20",
        "2026-10-22",
    )


# --- conflicts, refusals, bad input -------------------------------------------------------------------------


def test_stale_revision_answers_409_and_changes_nothing(hall: Any) -> None:
    case = _accepted(hall)
    before = _snapshot(case)
    clerk = token_client(hall.clerk)

    response = _call(
        clerk,
        "post",
        _url("case_suspend", case_id=case.pk),
        at(date(2026, 10, 9), 10),
        {"revision": case.revision + 1, "procedure": "testing", "reason": "检测", "expected_days": 2},
    )

    assert response.status_code == 409
    assert response.json() == {
        "error": {"code": "conflict", "message": "该办件已被他人更新，请刷新页面后重试。"}
    }
    assert _snapshot(case) == before
    assert not case.suspensions.exists()


def test_two_writers_with_the_same_revision_one_wins_the_other_gets_409(hall: Any) -> None:
    case = _accepted(hall)
    revision = case.revision
    first = _call(
        token_client(hall.clerk),
        "post",
        _url("case_visit", case_id=case.pk),
        at(date(2026, 10, 8), 9),
        {"revision": revision, "purpose": "询问进度"},
    )
    second = _call(
        token_client(hall.backup),
        "post",
        _url("case_withdraw", case_id=case.pk),
        at(date(2026, 10, 8), 9, 1),
        {"revision": revision, "reason": "申请人要求撤回"},
    )

    assert (first.status_code, second.status_code) == (200, 409)
    case.refresh_from_db()
    assert (case.state, case.revision, case.visits.count()) == (CaseState.ACCEPTED, revision + 1, 1)


def test_r_pub_2_api_the_query_code_reaches_who_may_accept_at_the_window_and_no_one_else(hall: Any) -> None:
    case = _accepted(hall)
    when = at(date(2026, 10, 8), 9)

    def code_seen_by(staff: Any) -> Any:
        response = _call(token_client(staff), "get", _url("case_detail", case_id=case.pk), when)
        assert response.status_code == 200, response.json()
        return response.json()["query_code"]

    assert case.query_code
    assert (
        code_seen_by(hall.clerk) == code_seen_by(hall.backup) == code_seen_by(hall.chief) == case.query_code
    )
    for staff in (hall.supervision, hall.director, hall.coordination):
        assert code_seen_by(staff) is None


def test_r_case_2_api_accept_with_a_missing_material_answers_422_with_the_rule(hall: Any) -> None:
    case = _received(hall)
    clerk = token_client(hall.clerk)
    m1, m2 = _materials(case.item)
    checked = _act(
        clerk,
        case.pk,
        "check",
        at(date(2026, 9, 28), 10),
        case.revision,
        results=[{"material": m1, "result": "present"}, {"material": m2, "result": "missing"}],
    )
    before = _snapshot(case)

    response = _call(
        clerk,
        "post",
        _url("case_accept", case_id=case.pk),
        at(date(2026, 9, 28), 10, 5),
        {"revision": checked["revision"]},
    )

    assert response.status_code == 422
    assert response.json() == {
        "error": {
            "rule": "R-CASE-2",
            "message": "材料不齐全，不能受理，请一次性告知补正：“申请材料2”。",
            "field": None,
            "code": "rule_violation",
        }
    }
    assert _snapshot(case) == before


def test_r_case_2_api_check_leaving_a_required_material_unchecked_names_the_results(hall: Any) -> None:
    case = _received(hall)
    m1, _m2 = _materials(case.item)

    response = _call(
        token_client(hall.clerk),
        "post",
        _url("case_check", case_id=case.pk),
        at(date(2026, 9, 28), 10),
        {"revision": case.revision, "results": [{"material": m1, "result": "present"}]},
    )

    assert response.status_code == 422
    assert response.json()["error"] == {
        "rule": "R-CASE-2",
        "message": "必要材料“申请材料2”尚未审查。",
        "field": "results",
        "code": "rule_violation",
    }
    assert not CaseMaterial.objects.filter(case=case).exists()


def test_r_case_4_api_refusal_without_reasons_is_refused_and_names_the_field(hall: Any) -> None:
    case = _received(hall)
    before = _snapshot(case)

    response = _call(
        token_client(hall.clerk),
        "post",
        _url("case_refuse", case_id=case.pk),
        at(date(2026, 9, 28), 10),
        {"revision": case.revision, "reasons": "不清楚", "competent_authority": "市商务局"},
    )

    assert response.status_code == 422
    assert response.json()["error"]["rule"] == "R-CASE-4"
    assert response.json()["error"]["field"] == "reasons"
    assert _snapshot(case) == before


def test_r_clk_5_api_a_clerk_asks_for_an_extension_and_only_the_head_approves_it(hall: Any) -> None:
    case = _accepted(hall)  # deadline 2026-10-13
    clerk, chief = token_client(hall.clerk), token_client(hall.chief)

    asked = _act(
        clerk, case.pk, "extend", at(date(2026, 10, 8), 9), case.revision, days=2, reason="需补充核查"
    )
    assert (asked["clock"]["extension_days"], asked["clock"]["deadline"], asked["extensions"]) == (
        0,
        "2026-10-13",
        [],
    )
    [request] = asked["extension_requests"]
    assert {k: request[k] for k in ("days", "reason", "status", "decided_by", "extension")} == {
        "days": 2,
        "reason": "需补充核查",
        "status": "pending",
        "decided_by": None,
        "extension": None,
    }
    assert request["requested_by"]["id"] == hall.clerk.pk
    assert "extension_approve" not in asked["actions"]
    with time_machine.travel(at(date(2026, 10, 8), 10), tick=False):
        seen = chief.get(_url("case_detail", case_id=case.pk)).json()
    assert {"extension_approve", "extension_refuse"} <= set(seen["actions"])

    # The clerk (or the B) cannot approve it: R-CLK-5 names the head of the window's department.
    before = _snapshot(case)
    refused = _call(
        token_client(hall.backup),
        "post",
        _url("extension_approve", extension_request_id=request["id"]),
        at(date(2026, 10, 8), 10),
        {"revision": asked["revision"]},
    )
    assert refused.status_code == 422
    assert refused.json()["error"] == {
        "rule": "R-CLK-5",
        "message": "延期须经窗口机关负责人批准。",
        "field": None,
        "code": "rule_violation",
    }
    assert _snapshot(case) == before and not Extension.objects.exists()

    approved = _call(
        chief,
        "post",
        _url("extension_approve", extension_request_id=request["id"]),
        at(date(2026, 10, 8), 10),
        {"revision": asked["revision"]},
    )
    assert approved.status_code == 200, approved.json()
    body = approved.json()
    assert (body["clock"]["extension_days"], body["clock"]["deadline"]) == (2, "2026-10-15")
    assert body["extension_requests"][0]["status"] == "approved"
    assert body["extension_requests"][0]["decided_by"]["id"] == hall.chief.pk
    assert body["extensions"][0]["approved_by"]["id"] == hall.chief.pk
    assert body["extension_requests"][0]["extension"] == body["extensions"][0]["id"]


@pytest.mark.parametrize(
    ("action", "body", "field"),
    [
        ("extend", {"days": 0, "reason": "x"}, "days"),
        ("extend", {"days": 2}, "reason"),
        ("suspend", {"procedure": "coffee_break", "reason": "x", "expected_days": 2}, "procedure"),
        ("payment", {"fee": 999_999, "receipt_number": "PJ-1"}, "fee"),
        ("decide", {"decision": "maybe"}, "decision"),
        ("check", {"results": [{"material": 1, "result": "present"}] * 2}, "results"),
        ("visit", {"purpose": "来访", "responsible": 999_999}, "responsible"),
        ("accept", {}, "revision"),
    ],
)
def test_bad_input_answers_400_naming_the_field(
    hall: Any, action: str, body: dict[str, Any], field: str
) -> None:
    case = _accepted(hall)
    before = _snapshot(case)
    payload = {"revision": case.revision, **body} if field != "revision" else body

    response = _call(
        token_client(hall.clerk),
        "post",
        _url(f"case_{action}", case_id=case.pk),
        at(date(2026, 10, 8), 9),
        payload,
    )

    assert response.status_code == 400, response.json()
    assert response.json()["error"]["code"] == "invalid"
    assert response.json()["error"]["field"] == field
    assert _snapshot(case) == before


# --- scoping and personal data ------------------------------------------------------------------------------


def test_another_centre_and_another_window_get_404(hall: Any) -> None:
    case = _accepted(hall)
    before = _snapshot(case)
    outsider, other_clerk = token_client(hall.outsider), token_client(hall.other_clerk)

    assert outsider.get(_url("case_detail", case_id=case.pk)).status_code == 404
    assert outsider.get(_url("case_events", case_id=case.pk)).status_code == 404
    assert outsider.get(_url("case_list", center=hall.center.code)).status_code == 404
    write = outsider.post(
        _url("case_withdraw", case_id=case.pk), {"revision": case.revision, "reason": "撤回"}, format="json"
    )
    assert write.status_code == 404
    assert write.json() == {"error": {"code": "not_found", "message": "未找到。"}}
    # A clerk of the same centre at another window does not see the case either.
    assert other_clerk.get(_url("case_detail", case_id=case.pk)).status_code == 404
    assert other_clerk.get(_url("case_list", center=hall.center.code)).json()["results"] == []
    assert _snapshot(case) == before
    assert APIClient().get(_url("case_detail", case_id=case.pk)).status_code == 401
    assert token_client(hall.clerk).get(_url("case_detail", case_id=2**70)).status_code == 404


def test_applicant_data_is_hidden_from_supervision_and_shown_to_the_window_with_a_log(hall: Any) -> None:
    case = _accepted(hall, applicant_email="chen@example.com")

    seen_by_supervision = token_client(hall.supervision).get(_url("case_detail", case_id=case.pk)).json()
    assert seen_by_supervision["applicant"] == {
        "name": case.applicant_name,
        "organisation_name": "",
        "credit_code": "",
        "in_development_zone": False,
        "id_number": None,
        "phone": None,
        "email": None,
    }
    assert seen_by_supervision["applicant_shown"] is False
    assert not PersonalDataAccess.objects.exists()

    seen_by_clerk = token_client(hall.clerk).get(_url("case_detail", case_id=case.pk)).json()
    assert seen_by_clerk["applicant"]["id_number"] == "420000199001011238"
    assert seen_by_clerk["applicant"]["phone"] == "13800000000"
    assert seen_by_clerk["applicant"]["email"] == "chen@example.com"
    assert seen_by_clerk["applicant_shown"] is True
    log = PersonalDataAccess.objects.get()
    assert (log.user, log.subject_type, log.subject_id) == (hall.clerk.user, "cases.case", str(case.pk))

    # Lists and the answers to writes never carry personal data.
    rows = token_client(hall.clerk).get(_url("case_list", center=hall.center.code)).json()["results"]
    assert "applicant" not in rows[0] and "13800000000" not in str(rows)
    visit = _act(
        token_client(hall.clerk), case.pk, "visit", at(date(2026, 10, 8), 9), case.revision, purpose="询问"
    )
    assert visit["applicant"]["phone"] is None and PersonalDataAccess.objects.count() == 1


def test_case_list_filters_by_state_window_and_warning(hall: Any) -> None:
    item = _item(hall)
    green = _accepted(hall, item)  # deadline 2026-10-13
    late = _accepted(hall, item, on=date(2026, 9, 1))
    received = _received(hall, item)
    clerk = token_client(hall.clerk)

    with time_machine.travel(at(date(2026, 10, 8), 9), tick=False):
        everything = clerk.get(_url("case_list", center=hall.center.code)).json()
        red = clerk.get(_url("case_list", center=hall.center.code), {"warning": "red"}).json()
        waiting = clerk.get(_url("case_list", center=hall.center.code), {"state": "received"}).json()
        at_b02 = clerk.get(_url("case_list", center=hall.center.code), {"window": "B02"}).json()
        wrong = clerk.get(_url("case_list", center=hall.center.code), {"warning": "purple"})

    assert {row["id"] for row in everything["results"]} == {green.pk, late.pk, received.pk}
    assert [(row["id"], row["warning"]) for row in red["results"]] == [(late.pk, "red")]
    assert [row["id"] for row in waiting["results"]] == [received.pk]
    assert at_b02["results"] == []
    assert (wrong.status_code, wrong.json()["error"]["field"]) == (400, "warning")


def test_case_list_rows_are_what_the_list_serializer_makes_of_the_cases(hall: Any) -> None:
    """The list reads its rows as columns (`api.views.cases.list_row`), not as model instances put through
    `CaseListSerializer`; both give the same body, for a case not yet accepted (no clock, nobody
    responsible), a running one, a late one, a stopped one and one with a deadline in a year without an
    official schedule."""
    from rest_framework.renderers import JSONRenderer

    from api.serializers_cases import CaseListSerializer
    from cases.selectors.clock import annotate_warning
    from cases.services.clock import special_procedure_start

    item = _item(hall)
    _received(hall, item)
    _accepted(hall, item)
    _accepted(hall, item, on=date(2026, 9, 1))
    stopped = _accepted(hall, item, is_priority=True)
    special_procedure_start(
        actor=hall.clerk,
        case=stopped,
        kind="testing",
        reason="送检",
        expected_days=3,
        at=at(date(2026, 10, 8), 9),
    )
    _accepted(hall, item, on=date(2026, 12, 28))  # the deadline falls in 2027: provisional

    with time_machine.travel(at(date(2026, 10, 8), 9), tick=False):
        rows = token_client(hall.clerk).get(_url("case_list", center=hall.center.code)).json()["results"]
        cases = annotate_warning(
            Case.objects.filter(center=hall.center)
            .select_related("center", "item", "version", "window", "responsible", "timer")
            .order_by("-received_at", "-pk"),
            date(2026, 10, 8),
        )
        expected = json.loads(JSONRenderer().render(CaseListSerializer(cases, many=True).data))

    assert len(rows) == 5
    assert {row["warning"] for row in rows} == {"", "green", "red", "suspended"}
    assert any(row["deadline_provisional"] for row in rows) and any(
        row["responsible"] is None for row in rows
    )
    assert rows == expected


# --- receiving ------------------------------------------------------------------------------------------------


def test_receive_with_multipart_uploads(hall: Any, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    item = _item(hall)
    m1, _m2 = _materials(item)
    upload = SimpleUploadedFile("licence.pdf", b"%PDF-1.4 test", content_type="application/pdf")

    response = _call(
        token_client(hall.clerk),
        "post",
        _url("case_list", center=hall.center.code),
        at(date(2026, 9, 28), 9),
        {
            "window": "A01",
            "item": "FTB-001",
            "channel": "web",
            "applicant": '{"name": "陈小明", "phone": "13912345678"}',
            f"upload_{m1}": upload,
        },
        format="multipart",
    )

    assert response.status_code == 201, response.json()
    case = Case.objects.get(pk=response.json()["id"])
    assert (case.channel, case.applicant_name, case.applicant_phone) == ("web", "陈小明", "13912345678")
    row = CaseMaterial.objects.get(case=case)
    assert (row.material_id, row.status) == (m1, "present")


def test_r_case_2_api_a_bad_upload_receives_nothing(hall: Any, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    item = _item(hall)
    m1, _m2 = _materials(item)
    fake = SimpleUploadedFile("licence.pdf", b"MZ not a pdf", content_type="application/pdf")

    response = _call(
        token_client(hall.clerk),
        "post",
        _url("case_list", center=hall.center.code),
        at(date(2026, 9, 28), 9),
        {"window": "A01", "item": "FTB-001", "applicant": '{"name": "陈小明"}', f"upload_{m1}": fake},
        format="multipart",
    )

    assert response.status_code == 422
    assert (response.json()["error"]["rule"], response.json()["error"]["field"]) == ("R-CASE-2", "uploads")
    assert not Case.objects.exists() and not CaseEvent.objects.exists()


def test_receive_refuses_a_window_the_clerk_does_not_work_at_and_a_bad_applicant(hall: Any) -> None:
    _item(hall)
    clerk = token_client(hall.clerk)
    url = _url("case_list", center=hall.center.code)
    when = at(date(2026, 9, 28), 9)

    other = _call(clerk, "post", url, when, {"window": "B02", "item": "FTB-001", "applicant": {"name": "陈"}})
    nameless = _call(
        clerk, "post", url, when, {"window": "A01", "item": "FTB-001", "applicant": {"phone": "1"}}
    )
    email = _call(
        clerk,
        "post",
        url,
        when,
        {"window": "A01", "item": "FTB-001", "applicant": {"name": "陈", "email": "x"}},
    )
    by_phone = _call(
        clerk,
        "post",
        url,
        when,
        {"window": "A01", "item": "FTB-001", "channel": "phone", "applicant": {"name": "陈"}},
    )

    assert [r.status_code for r in (other, nameless, email, by_phone)] == [400, 400, 400, 400]
    assert [r.json()["error"]["field"] for r in (other, nameless, email, by_phone)] == [
        "window",
        "applicant.name",
        "applicant.email",
        "channel",
    ]
    assert not Case.objects.exists()


def test_r_case_2_api_identity_numbers_and_credit_codes_are_checked_by_their_check_character(
    hall: Any,
) -> None:
    _item(hall)
    clerk = token_client(hall.clerk)
    url = _url("case_list", center=hall.center.code)
    when = at(date(2026, 9, 28), 9)

    def receive(**applicant: str) -> Any:
        body = {"window": "A01", "item": "FTB-001", "applicant": {"name": "陈小明", **applicant}}
        return _call(clerk, "post", url, when, body)

    refused = [
        (
            receive(id_number="420000199001011234"),
            "applicant.id_number",
            "公民身份号码的校验码不符，请核对是否输错。",
        ),
        (
            receive(id_number="420000199002301234"),
            "applicant.id_number",
            "公民身份号码中的出生日期不存在，请核对。",
        ),
        (
            receive(id_number="4200001990010112"),
            "applicant.id_number",
            "公民身份号码应为18位：前17位为数字，最后一位为数字或X。",
        ),
        (
            receive(credit_code="91420000MA0000000X"),
            "applicant.credit_code",
            "统一社会信用代码的校验码不符，请核对是否输错。",
        ),
        (
            receive(credit_code="91420000MA000000IO"),
            "applicant.credit_code",
            "统一社会信用代码应为18位数字或大写字母（不含I、O、Z、S、V）。",
        ),
    ]
    for response, field, message in refused:
        assert response.status_code == 422
        assert response.json()["error"] == {
            "rule": "R-CASE-2",
            "field": field,
            "message": message,
            "code": "rule_violation",
        }
    assert not Case.objects.exists()

    resident = receive(id_number="11010519491231002x", credit_code="91420000ma0000000r")
    passport = receive(id_number="E12345678")
    assert (resident.status_code, passport.status_code) == (201, 201)
    stored = Case.objects.order_by("id").values_list("applicant_id_number", "credit_code")
    assert list(stored) == [("11010519491231002X", "91420000MA0000000R"), ("E12345678", "")]


def test_r_cat_6_api_a_withdrawn_item_is_not_received(hall: Any) -> None:
    item = _item(hall)
    Item.objects.filter(pk=item.pk).update(status="withdrawn")

    response = _call(
        token_client(hall.clerk),
        "post",
        _url("case_list", center=hall.center.code),
        at(date(2026, 9, 28), 9),
        {"window": "A01", "item": "FTB-001", "applicant": {"name": "陈小明"}},
    )

    assert response.status_code == 422
    assert (response.json()["error"]["rule"], response.json()["error"]["field"]) == ("R-CAT-6", "item")
    assert not Case.objects.exists()


# --- inquiries ------------------------------------------------------------------------------------------------


def _inquiry(hall: Any, **fields: Any) -> dict[str, Any]:
    response = _call(
        token_client(hall.clerk),
        "post",
        _url("inquiry_list", center=hall.center.code),
        at(date(2026, 9, 28), 9),
        {
            "window": "A01",
            "channel": "phone",
            "question": "如何办理备案？",
            "asker_phone": "13912345678",
            **fields,
        },
    )
    assert response.status_code == 201, response.json()
    return dict(response.json())


def test_inquiries_logged_listed_referred_and_acknowledged(hall: Any) -> None:
    logged = _inquiry(hall, asker_name="陈先生")
    assert (logged["first_receiver"]["id"], logged["inquiry_status"], logged["asker_phone"]) == (
        hall.clerk.pk,
        "open",
        "139****5678",
    )
    mine = token_client(hall.clerk).get(_url("inquiry_list", center=hall.center.code)).json()["results"]
    assert [(row["id"], row["asker_phone"]) for row in mine] == [(logged["id"], "139****5678")]

    referred = _call(
        token_client(hall.clerk),
        "post",
        _url("inquiry_refer", inquiry_id=logged["id"]),
        at(date(2026, 9, 28), 9, 10),
        {"to_window": "B02", "mode": "escorted"},
    )
    assert referred.status_code == 200
    assert (referred.json()["inquiry_status"], referred.json()["referred_to"]) == ("referred", "B02")
    incoming = token_client(hall.other_clerk).get(
        _url("inquiry_list", center=hall.center.code), {"box": "incoming"}
    )
    assert [row["id"] for row in incoming.json()["results"]] == [logged["id"]]
    sent = token_client(hall.clerk).get(_url("inquiry_list", center=hall.center.code), {"box": "sent"}).json()
    assert [row["id"] for row in sent["results"]] == [logged["id"]]

    acknowledged = _call(
        token_client(hall.other_clerk),
        "post",
        _url("inquiry_acknowledge", inquiry_id=logged["id"]),
        at(date(2026, 9, 28), 9, 20),
    )
    assert acknowledged.status_code == 200
    assert acknowledged.json()["referral_acknowledged_by"]["id"] == hall.other_clerk.pk
    assert acknowledged.json()["closed_at"] == "2026-09-28T09:20:00+08:00"

    # The detail shows the phone in full, and logs it.
    detail = token_client(hall.clerk).get(_url("inquiry_detail", inquiry_id=logged["id"])).json()
    assert detail["asker_phone"] == "13912345678"
    assert PersonalDataAccess.objects.filter(subject_type="cases.inquiry").count() == 1
    assert token_client(hall.outsider).get(_url("inquiry_detail", inquiry_id=logged["id"])).status_code == 404


def test_r_case_1_api_an_inquiry_cannot_be_closed_as_unknown(hall: Any) -> None:
    logged = _inquiry(hall)

    evasive = _call(
        token_client(hall.clerk),
        "post",
        _url("inquiry_handle", inquiry_id=logged["id"]),
        at(date(2026, 9, 28), 9, 5),
        {"outcome": "answered", "answer": "不清楚"},
    )
    unknown = _call(
        token_client(hall.clerk),
        "post",
        _url("inquiry_handle", inquiry_id=logged["id"]),
        at(date(2026, 9, 28), 9, 5),
        {"outcome": "unknown"},
    )
    by_another = _call(
        token_client(hall.other_clerk),
        "post",
        _url("inquiry_handle", inquiry_id=logged["id"]),
        at(date(2026, 9, 28), 9, 5),
        {"outcome": "answered", "answer": "已解答"},
    )

    assert evasive.status_code == 422
    assert (evasive.json()["error"]["rule"], evasive.json()["error"]["field"]) == ("R-CASE-1", "answer")
    assert (unknown.status_code, unknown.json()["error"]["field"]) == (400, "outcome")
    assert by_another.status_code == 404  # not their window, not theirs
    assert Inquiry.objects.get().status == InquiryStatus.OPEN


def test_r_case_1_api_escalation_only_to_a_leader(hall: Any) -> None:
    logged = _inquiry(hall)
    url = _url("inquiry_escalate", inquiry_id=logged["id"])
    clerk = token_client(hall.clerk)

    to_clerk = _call(
        clerk, "post", url, at(date(2026, 9, 28), 9, 5), {"leader": hall.backup.pk, "reason": "职责不清"}
    )
    to_director = _call(
        clerk, "post", url, at(date(2026, 9, 28), 9, 6), {"leader": hall.director.pk, "reason": "职责不清"}
    )

    assert (to_clerk.status_code, to_clerk.json()["error"]["rule"]) == (422, "R-CASE-1")
    assert to_director.status_code == 200
    assert (to_director.json()["inquiry_status"], to_director.json()["escalated_to"]["id"]) == (
        "escalated",
        hall.director.pk,
    )


# --- appointments ---------------------------------------------------------------------------------------------


def test_appointments_booked_by_the_public_served_with_late_service_and_no_show(hall: Any) -> None:
    _item(hall)
    public = APIClient()
    url = _url("appointment_list", center=hall.center.code)

    evening = _call(
        public,
        "post",
        url,
        at(date(2026, 10, 8), 8),
        {
            "window": "A01",
            "item": "FTB-001",
            "applicant_name": "陈小明",
            "applicant_phone": "13912345678",
            "starts_at": "2026-10-12T17:30:00+08:00",
        },
    )
    morning = _call(
        public,
        "post",
        url,
        at(date(2026, 10, 8), 8),
        {
            "window": "A01",
            "applicant_name": "李四",
            "applicant_phone": "13700000000",
            "starts_at": "2026-10-12T09:00",
        },
    )
    past = _call(
        public,
        "post",
        url,
        at(date(2026, 10, 8), 8),
        {
            "window": "A01",
            "applicant_name": "王五",
            "applicant_phone": "1",
            "starts_at": "2026-10-01T09:00:00+08:00",
        },
    )
    assert evening.status_code == 201, evening.json()
    assert (evening.json()["outside_hours"], evening.json()["appointment_status"]) == (True, "booked")
    assert "applicant_phone" not in evening.json() and "applicant_name" not in evening.json()
    assert (morning.status_code, morning.json()["outside_hours"]) == (201, False)
    assert (past.status_code, past.json()["error"]["rule"], past.json()["error"]["field"]) == (
        422,
        "R-CASE-13",
        "starts_at",
    )

    clerk = token_client(hall.clerk)
    with time_machine.travel(at(date(2026, 10, 12), 8), tick=False):
        day = clerk.get(url, {"day": "2026-10-12"}).json()["results"]
    assert [(row["applicant_name"], row["applicant_phone"]) for row in day] == [
        ("李四", "137****0000"),
        ("陈小明", "139****5678"),
    ]
    assert APIClient().get(url).status_code == 401
    assert token_client(hall.outsider).get(url).status_code == 404

    served = _call(
        clerk,
        "post",
        _url("appointment_serve", appointment_id=evening.json()["id"]),
        at(date(2026, 10, 12), 18, 10),
        {"served_from": "2026-10-12T17:30:00+08:00", "served_until": "2026-10-12T18:05:00+08:00"},
    )
    assert served.status_code == 200, served.json()
    assert (served.json()["appointment_status"], served.json()["late_service_minutes"]) == ("served", 35)

    early = _call(
        clerk,
        "post",
        _url("appointment_no_show", appointment_id=morning.json()["id"]),
        at(date(2026, 10, 12), 8),
    )
    assert (early.status_code, early.json()["error"]["rule"]) == (422, "R-CASE-13")
    missed = _call(
        clerk,
        "post",
        _url("appointment_no_show", appointment_id=morning.json()["id"]),
        at(date(2026, 10, 12), 10),
    )
    assert (missed.status_code, missed.json()["appointment_status"]) == (200, "no_show")
    assert Appointment.objects.get(pk=morning.json()["id"]).status == "no_show"


# --- the public progress lookup --------------------------------------------------------------------------------


def test_r_pub_2_api_lookup_returns_no_personal_data_and_the_same_answer_for_any_failure(hall: Any) -> None:
    case = _accepted(hall, number="DEMO-COUNTY-20260930-00007", query_code="482913", responsible=hall.backup)
    public = APIClient()
    url = _url("progress")

    found = public.post(
        url, {"center": "demo-county", "number": case.number, "query_code": "482913"}, format="json"
    )
    assert found.status_code == 200
    assert set(found.json()) == PUBLIC_FIELDS
    text = found.content.decode()
    for personal in (
        case.applicant_name,
        "420000199001011238",
        "13800000000",
        hall.backup.name,
        hall.clerk.name,
    ):
        assert personal not in text
    assert found.json()["deadline"] == "2026-10-13"

    wrong_code = public.post(
        url, {"center": "demo-county", "number": case.number, "query_code": "000000"}, format="json"
    )
    unknown = public.post(
        url,
        {"center": "demo-county", "number": "DEMO-COUNTY-20260930-09999", "query_code": "482913"},
        format="json",
    )
    no_centre = public.post(
        url, {"center": "nowhere", "number": case.number, "query_code": "482913"}, format="json"
    )
    assert wrong_code.status_code == unknown.status_code == no_centre.status_code == 404
    assert wrong_code.content == unknown.content == no_centre.content
    assert wrong_code.json() == {
        "error": {"code": "not_found", "message": "办件编号或查询码不正确，请核对受理通知书后重新输入。"}
    }


def test_r_pub_2_api_lookup_is_throttled_like_the_portal(hall: Any) -> None:
    case = _accepted(hall, number="DEMO-COUNTY-20260930-00007", query_code="482913")
    public = APIClient()
    url = _url("progress")
    failures = [
        public.post(
            url,
            {"center": "demo-county", "number": f"DEMO-COUNTY-20260930-0{n:04d}", "query_code": "1"},
            format="json",
            REMOTE_ADDR="10.0.0.1",
        ).status_code
        for n in range(10)
    ]

    right = public.post(
        url,
        {"center": "demo-county", "number": case.number, "query_code": "482913"},
        format="json",
        REMOTE_ADDR="10.0.0.1",
    )
    elsewhere = public.post(
        url,
        {"center": "demo-county", "number": case.number, "query_code": "482913"},
        format="json",
        REMOTE_ADDR="10.0.0.2",
    )

    assert failures == [404] * 10
    assert right.status_code == 429
    assert right.json()["error"] == {
        "rule": "R-PUB-2",
        "message": "查询过于频繁，请15分钟后再试",
        "field": None,
        "code": "throttled",
    }
    assert elsewhere.status_code == 200


# --- the history chain ---------------------------------------------------------------------------------------


def test_r_case_10_api_chain_verification_for_supervision_finds_a_tampered_event(hall: Any) -> None:
    case = _received(hall)
    clerk = token_client(hall.clerk)
    m1, m2 = _materials(case.item)
    checked = _act(
        clerk,
        case.pk,
        "check",
        at(date(2026, 9, 28), 10),
        case.revision,
        results=[{"material": m1, "result": "present"}, {"material": m2, "result": "present"}],
    )
    _act(clerk, case.pk, "accept", at(date(2026, 9, 28), 10, 5), checked["revision"])
    supervision = token_client(hall.supervision)
    assert supervision.get(_url("case_chain", case_id=case.pk)).json()["ok"] is True
    assert clerk.get(_url("case_chain", case_id=case.pk)).status_code == 403

    with tampering():
        CaseEvent.objects.filter(case=case, seq=1).update(reason="改过的理由")

    report = supervision.get(_url("case_chain", case_id=case.pk)).json()
    assert (report["ok"], report["broken_at"], report["events"]) == (False, 1, 1)
    run = supervision.get(_url("case_chains", center=hall.center.code)).json()
    assert (run["ok"], run["checked"], [b["case"] for b in run["broken"]]) == (False, 1, [case.pk])
    assert clerk.get(_url("case_chains", center=hall.center.code)).status_code == 403


# --- the other actions: reported cases, green channel, withdrawal, shuttles -----------------------------------


def test_r_case_5_api_a_reported_case_stops_the_window_clock_while_with_the_authority(hall: Any) -> None:
    case = _accepted(hall, _item(hall, case_type="reported"))
    assert case.deadline == date(2026, 10, 13)
    clerk = token_client(hall.clerk)

    up = _act(clerk, case.pk, "report_up", at(date(2026, 10, 9), 10), case.revision, authority="市商务局")
    assert (up["state"], up["clock"]["deadline"], up["clock"]["suspended"]) == ("suspended", None, True)
    back = _act(
        clerk, case.pk, "report_returned", at(date(2026, 10, 14), 9), up["revision"], result="同意，已批复"
    )
    # 4 working days with the authority (10-09 … 10-13) move the window's deadline to 2026-10-19.
    assert (back["state"], back["clock"]["deadline"]) == ("accepted", "2026-10-19")

    again = _call(
        clerk,
        "post",
        _url("case_report_returned", case_id=case.pk),
        at(date(2026, 10, 14), 10),
        {"revision": back["revision"]},
    )
    assert (again.status_code, again.json()["error"]["rule"]) == (422, "R-CASE-5")


def test_r_case_11_api_green_channel_by_the_chief_not_by_a_clerk(hall: Any) -> None:
    case = _accepted(hall)
    by_clerk = _call(
        token_client(hall.clerk),
        "post",
        _url("case_priority", case_id=case.pk),
        at(date(2026, 10, 8), 9),
        {"revision": case.revision, "reason": "重点项目", "target_days": 2},
    )
    assert (by_clerk.status_code, by_clerk.json()["error"]["rule"]) == (422, "R-CASE-11")

    by_chief = _act(
        token_client(hall.chief),
        case.pk,
        "priority",
        at(date(2026, 10, 8), 9, 5),
        case.revision,
        reason="重点项目",
        target_days=2,
    )
    # The target of 2 working days from 2026-09-30, over the National Day holidays (10-01 … 10-07), ends on
    # 2026-10-09, before the promised 2026-10-13: the shorter of the two is the stored deadline.
    assert by_chief["clock"]["deadline"] == "2026-10-09"


def test_r_case_9_api_withdrawal_closes_the_case_and_a_decided_case_cannot_be_withdrawn(hall: Any) -> None:
    item = _item(hall)
    case = _accepted(hall, item)
    withdrawn = _act(
        token_client(hall.clerk),
        case.pk,
        "withdraw",
        at(date(2026, 10, 8), 9),
        case.revision,
        reason="申请人撤回",
    )
    assert (withdrawn["state"], withdrawn["closed_at"]) == ("withdrawn", "2026-10-08T09:00:00+08:00")

    decided = _accepted(hall, item, state=CaseState.APPROVED)
    refused = _call(
        token_client(hall.clerk),
        "post",
        _url("case_withdraw", case_id=decided.pk),
        at(date(2026, 10, 8), 9),
        {"revision": decided.revision, "reason": "申请人撤回"},
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["rule"] == "R-CASE-9"
    assert Case.objects.get(pk=decided.pk).state == CaseState.APPROVED


def test_r_case_12_api_a_second_visit_caused_by_the_administration_is_a_shuttle(hall: Any) -> None:
    case = _accepted(hall, in_development_zone=True, responsible=hall.clerk)
    clerk = token_client(hall.clerk)
    first = _act(clerk, case.pk, "visit", at(date(2026, 10, 8), 9), case.revision, purpose="提交材料")
    second = _act(
        clerk,
        case.pk,
        "visit",
        at(date(2026, 10, 9), 9),
        first["revision"],
        purpose="补签字",
        caused_by_administration=True,
    )

    assert [(v["is_shuttle"], (v["responsible"] or {}).get("id")) for v in second["visits"]] == [
        (False, None),
        (True, hall.clerk.pk),
    ]
