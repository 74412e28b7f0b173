"""R-CLK-5: an extension is approved by the head of the window's department in the system. The window asks
(days and reason); the window's head or chief representative approves it in their own login, or refuses it
with a reason; only then is the limit extended and the applicant told. The rule of telling the applicant no
later than 1 working day before the deadline is checked on the request and again on the approval."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from cases.models import Case, CaseEvent, Extension, ExtensionRequest, NoticeKind
from cases.services.clock import clock_start, extension_approve, extension_refuse, extension_request
from cases.services.handling import case_steps_plan
from common.errors import RuleViolation

from .factories import at, make_case, make_item_for
from .handling_helpers import on_leave

pytestmark = pytest.mark.usefixtures("national_calendar")

TOO_LATE = "须在期限届满1个工作日前告知申请人（最迟2026-10-12），现已不能延期。"


def _accepted(hall: Any) -> Case:
    """Accepted on 2026-09-30 with 5 working days: due 2026-10-13, the applicant told by 2026-10-12."""
    item = make_item_for(
        hall.window, hall.post, promised_limit_days=5, extension_allowed=True, max_extension_days=10
    )
    case = make_case(window=hall.window, item=item, received_by=hall.clerk, accepted_on=date(2026, 9, 30))
    clock_start(case=case)
    case_steps_plan(case=case, at=at(date(2026, 9, 30), 9))
    case.refresh_from_db()
    return case


def _events(case: Case) -> list[tuple[str, str, str]]:
    return [
        (e.action, e.actor.name if e.actor else "", e.acting_as)
        for e in CaseEvent.objects.filter(case=case).select_related("actor").order_by("seq")
    ]


def _clock(case: Case) -> tuple[Any, ...]:
    case.refresh_from_db()
    return (case.extension_days, case.deadline, case.revision, case.notices.count())


def test_r_clk_5_a_clerks_request_extends_nothing_until_the_head_approves_it(hall: Any) -> None:
    case = _accepted(hall)
    request = extension_request(
        actor=hall.clerk, case=case, days=3, reason="需现场核查", at=at(date(2026, 10, 9), 9)
    )
    request.refresh_from_db()
    assert (request.status, request.days, request.requested_by, request.decided_by, request.extension) == (
        "pending",
        3,
        hall.clerk,
        None,
        None,
    )
    assert _clock(case) == (0, date(2026, 10, 13), 1, 0)
    assert not Extension.objects.exists()

    extension = extension_approve(actor=hall.chief, extension_request=request, at=at(date(2026, 10, 12), 10))
    request.refresh_from_db()
    assert (request.status, request.decided_by, request.decided_at, request.extension) == (
        "approved",
        hall.chief,
        at(date(2026, 10, 12), 10),
        extension,
    )
    assert (extension.days, extension.approved_by, extension.approved_at, extension.applicant_told_on) == (
        3,
        hall.chief,
        at(date(2026, 10, 12), 10),
        date(2026, 10, 12),
    )
    assert extension.notice is not None
    assert (extension.notice.kind, extension.notice.issued_by) == (NoticeKind.EXTENSION, hall.chief)
    assert extension.notice.body["approved_by"] == "赵首席"
    assert _clock(case) == (3, date(2026, 10, 16), 2, 1)
    assert _events(case) == [("extension_requested", "王受理", "A"), ("extension_granted", "赵首席", "")]
    granted = case.events.get(action="extension_granted")
    assert (granted.data["request"], granted.data["requested_by"], granted.data["approved_by"]) == (
        request.pk,
        hall.clerk.pk,
        hall.chief.pk,
    )


def test_r_clk_5_the_head_refuses_a_request_with_a_reason(hall: Any) -> None:
    case = _accepted(hall)
    request = extension_request(
        actor=hall.clerk, case=case, days=3, reason="需现场核查", at=at(date(2026, 10, 9))
    )
    before = _clock(case)
    with pytest.raises(RuleViolation) as refusal:
        extension_refuse(
            actor=hall.chief, extension_request=request, reason=" ", at=at(date(2026, 10, 9), 10)
        )
    assert (refusal.value.rule, refusal.value.field, refusal.value.message) == (
        "R-CLK-5",
        "reason",
        "请写明不予批准的理由。",
    )
    with pytest.raises(RuleViolation) as refusal:  # not the clerk's to refuse either
        extension_refuse(
            actor=hall.clerk, extension_request=request, reason="不需要", at=at(date(2026, 10, 9))
        )
    assert refusal.value.message == "延期须经窗口机关负责人批准。"
    assert _clock(case) == before

    extension_refuse(
        actor=hall.chief, extension_request=request, reason="现有期限足够", at=at(date(2026, 10, 9), 10)
    )
    request.refresh_from_db()
    assert (request.status, request.decided_by, request.refusal_reason, request.extension) == (
        "refused",
        hall.chief,
        "现有期限足够",
        None,
    )
    assert _clock(case) == (0, date(2026, 10, 13), 2, 0)
    assert _events(case)[-1] == ("extension_refused", "赵首席", "")
    with pytest.raises(RuleViolation) as refusal:
        extension_approve(actor=hall.chief, extension_request=request, at=at(date(2026, 10, 9), 11))
    assert refusal.value.message == "该延期申请已处理。"
    # A new request may be made once the earlier one is decided.
    again = extension_request(
        actor=hall.clerk, case=case, days=1, reason="需补充核查", at=at(date(2026, 10, 9), 11)
    )
    assert again.status == "pending"


def test_r_clk_5_one_request_waits_at_a_time(hall: Any) -> None:
    case = _accepted(hall)
    extension_request(actor=hall.clerk, case=case, days=2, reason="需现场核查", at=at(date(2026, 10, 9)))
    before = _clock(case)
    with pytest.raises(RuleViolation) as refusal:
        extension_request(actor=hall.backup, case=case, days=1, reason="再延", at=at(date(2026, 10, 9), 10))
    assert refusal.value.message == "该办件已有待批准的延期申请，请待窗口机关负责人处理。"
    assert _clock(case) == before
    assert ExtensionRequest.objects.filter(case=case).count() == 1


def test_r_clk_5_the_one_working_day_rule_is_checked_on_the_request_and_again_on_approval(hall: Any) -> None:
    case = _accepted(hall)
    # Too late to ask on the deadline day itself.
    with pytest.raises(RuleViolation) as refusal:
        extension_request(actor=hall.clerk, case=case, days=2, reason="需核查", at=at(date(2026, 10, 13), 9))
    assert (refusal.value.field, refusal.value.message) == ("at", TOO_LATE)
    assert not ExtensionRequest.objects.exists()

    # Asked in time on 10-12, but not approved until 10-13: the applicant can no longer be told in time.
    request = extension_request(
        actor=hall.clerk, case=case, days=2, reason="需核查", at=at(date(2026, 10, 12), 16)
    )
    before = _clock(case)
    with pytest.raises(RuleViolation) as refusal:
        extension_approve(actor=hall.chief, extension_request=request, at=at(date(2026, 10, 13), 9))
    assert (refusal.value.rule, refusal.value.field, refusal.value.message) == ("R-CLK-5", "at", TOO_LATE)
    assert _clock(case) == before
    request.refresh_from_db()
    assert request.status == "pending"


def test_r_clk_5_r_org_7_the_head_on_leave_cannot_approve(hall: Any) -> None:
    case = _accepted(hall)
    request = extension_request(
        actor=hall.clerk, case=case, days=2, reason="需核查", at=at(date(2026, 10, 9), 9)
    )
    on_leave(hall.chief, date(2026, 10, 9))
    before = _clock(case)
    with pytest.raises(RuleViolation) as refusal:
        extension_approve(actor=hall.chief, extension_request=request, at=at(date(2026, 10, 9), 10))
    assert refusal.value.rule == "R-ORG-7"
    assert _clock(case) == before


# --- on the case page -------------------------------------------------------------------------------------------


def _page(client: Client, staff: Any, case: Case, day: date) -> str:
    with time_machine.travel(at(day, 10), tick=False):
        client.force_login(staff.user)
        return client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()


def _post(client: Client, staff: Any, name: str, pk: int, data: dict[str, Any], day: date) -> Any:
    with time_machine.travel(at(day, 10, 30), tick=False):
        client.force_login(staff.user)
        return client.post(reverse(f"cases:{name}", args=[pk]), data)


def test_r_clk_5_a_pending_request_is_shown_to_the_head_who_approves_it_on_the_page(
    hall: Any, client: Client
) -> None:
    case = _accepted(hall)
    day = date(2026, 10, 9)
    asked = _post(
        client,
        hall.clerk,
        "case_extend",
        case.pk,
        {"revision": case.revision, "days": 3, "reason": "需现场核查"},
        day,
    )
    assert asked.status_code == 302
    request = ExtensionRequest.objects.get(case=case)
    approve_url = reverse("cases:extension_approve", args=[request.pk])
    refuse_url = reverse("cases:extension_refuse", args=[request.pk])

    clerk_page = _page(client, hall.clerk, case, day)
    section = clerk_page[clerk_page.index('id="extension-requests"') :]
    assert "待批准" in section and "待窗口机关负责人批准" in section
    assert approve_url not in clerk_page and refuse_url not in clerk_page
    assert 'id="action-extend"' not in clerk_page  # one request at a time
    chief_page = _page(client, hall.chief, case, day)
    assert approve_url in chief_page and refuse_url in chief_page
    assert f'for="id_extension_refuse{request.pk}_reason"' in chief_page

    # A refusal without a reason is a form error beside the request; nothing changes.
    case.refresh_from_db()
    blank = _post(
        client, hall.chief, "extension_refuse", request.pk, {"revision": case.revision, "reason": ""}, day
    )
    assert blank.status_code == 400
    assert blank.content.decode().count(f'id="id_extension_refuse{request.pk}_reason"') == 1
    # The clerk's forged approval is refused with the rule.
    forged = _post(client, hall.clerk, "extension_approve", request.pk, {"revision": case.revision}, day)
    assert forged.status_code == 422
    assert "延期须经窗口机关负责人批准。（R-CLK-5）" in forged.content.decode()
    approved = _post(client, hall.chief, "extension_approve", request.pk, {"revision": case.revision}, day)
    assert approved.status_code == 302
    case.refresh_from_db()
    assert (case.extension_days, case.deadline) == (3, date(2026, 10, 16))
    page = _page(client, hall.chief, case, day)
    assert approve_url not in page
    assert "已批准" in page[page.index('id="extension-requests"') :]
