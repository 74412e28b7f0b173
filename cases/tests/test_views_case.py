"""The case page (issue 3, item 9): the clock, checklist, notices, steps and history, the actions the user may
take, one POST per action with the revision the page showed, against the 2026 calendar."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from cases.models import Case, CaseEvent, CaseMaterial, CaseState, Extension, NoticeKind, Payment, Visit
from cases.selectors.actions import available_actions
from cases.selectors.clock import clock_view
from catalog.models import Item
from common.models import PersonalDataAccess
from org.models import StaffProfile

from .factories import at, make_case, make_item_for
from .handling_helpers import authorise, on_leave

pytestmark = pytest.mark.usefixtures("national_calendar")

REFRESH_MESSAGE = "该办件已被他人更新，请刷新页面后重试。"


# --- helpers ----------------------------------------------------------------------------------------------


def _item(hall: Any, **fields: Any) -> Item:
    fields.setdefault("promised_limit_days", 5)
    fields.setdefault("special_procedures", ["expert_review", "testing"])
    fields.setdefault("extension_allowed", True)
    fields.setdefault("max_extension_days", 10)
    return make_item_for(hall.window, hall.post, **fields)


def _received(hall: Any, item: Item | None = None, on: date = date(2026, 9, 28), **fields: Any) -> Case:
    return make_case(
        window=hall.window,
        item=item or _item(hall),
        received_by=hall.clerk,
        state=CaseState.RECEIVED,
        received_on=on,
        **fields,
    )


def _user(staff: StaffProfile) -> Any:
    assert staff.user is not None
    return staff.user


def _page(client: Client, staff: StaffProfile, case: Case, when: datetime | None = None) -> Any:
    with time_machine.travel(when or at(date(2026, 9, 28), 9, 5), tick=False):
        client.force_login(_user(staff))
        return client.get(reverse("cases:case_detail", args=[case.pk]))


def _post(
    client: Client,
    staff: StaffProfile,
    case: Case,
    action: str,
    when: datetime,
    data: dict[str, Any] | None = None,
    revision: int | None = None,
) -> Any:
    """POST `action` on `case` as `staff` at `when`, with the revision the page would show."""
    case.refresh_from_db()
    payload = {"revision": case.revision if revision is None else revision, **(data or {})}
    with time_machine.travel(when, tick=False):
        client.force_login(_user(staff))
        return client.post(reverse(f"cases:case_{action}", args=[case.pk]), payload)


def _ok(response: Any, case: Case) -> None:
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == reverse("cases:case_detail", args=[case.pk])


def _check_data(case: Case, **statuses: tuple[str, str]) -> dict[str, str]:
    """Form data for the check: `statuses` by material name order m1, m2, ... → (status, note)."""
    data: dict[str, str] = {}
    materials = list(case.version.materials.order_by("order"))
    for index, material in enumerate(materials, start=1):
        status, note = statuses.get(f"m{index}", ("present", ""))
        data[f"status_{material.pk}"] = status
        data[f"note_{material.pk}"] = note
    return data


def _snapshot(case: Case) -> tuple[Any, ...]:
    case.refresh_from_db()
    return (
        case.state,
        case.revision,
        case.deadline,
        case.number,
        case.events.count(),
        case.notices.count(),
        CaseMaterial.objects.filter(case=case).count(),
    )


def _text(response: Any) -> str:
    return str(response.content.decode())


# --- the whole life through the page ------------------------------------------------------------------------


def test_full_life_through_the_case_page_against_the_2026_calendar(hall: Any, client: Client) -> None:
    case = _received(hall)
    authorise(hall)
    clerk, chief = hall.clerk, hall.chief

    # 2026-09-28: the check finds material 2 missing; the correction notice names it.
    response = _post(
        client, clerk, case, "check", at(date(2026, 9, 28), 10), _check_data(case, m2=("missing", "未带原件"))
    )
    _ok(response, case)
    assert dict(CaseMaterial.objects.filter(case=case).values_list("material__order", "status")) == {
        1: "present",
        2: "missing",
    }
    _ok(_post(client, clerk, case, "correction", at(date(2026, 9, 28), 10, 10)), case)
    case.refresh_from_db()
    assert case.state == CaseState.AWAITING_CORRECTION
    assert list(case.notices.values_list("kind", flat=True)) == [NoticeKind.CORRECTION]

    # 2026-09-30: resubmitted, checked complete, accepted: 5 working days over the holidays → 2026-10-13.
    _ok(_post(client, clerk, case, "resubmit", at(date(2026, 9, 30), 9)), case)
    _ok(_post(client, clerk, case, "check", at(date(2026, 9, 30), 9, 10), _check_data(case)), case)
    _ok(_post(client, clerk, case, "accept", at(date(2026, 9, 30), 9, 20)), case)
    case.refresh_from_db()
    assert (case.state, case.accepted_on, case.deadline) == (
        CaseState.ACCEPTED,
        date(2026, 9, 30),
        date(2026, 10, 13),
    )
    assert case.number
    page = _page(client, clerk, case, at(date(2026, 9, 30), 9, 30))
    assert "2026-10-13" in _text(page)
    assert "已受理，受理通知书" in _text(page)

    # 2026-10-09: expert review stops the clock with 4 working days left (10-09, 10-10, 10-12, 10-13).
    _ok(
        _post(
            client,
            clerk,
            case,
            "suspend",
            at(date(2026, 10, 9), 10),
            {"kind": "expert_review", "reason": "组织专家评审", "expected_days": 3},
        ),
        case,
    )
    case.refresh_from_db()
    assert (case.state, case.deadline) == (CaseState.SUSPENDED, None)

    # 2026-10-14: resumed; 4 suspended working days move the deadline to 2026-10-19.
    _ok(_post(client, clerk, case, "resume", at(date(2026, 10, 14), 9), {"result": "专家评审通过"}), case)
    case.refresh_from_db()
    assert (case.state, case.deadline) == (CaseState.ACCEPTED, date(2026, 10, 19))

    # 2026-10-15: extended by 3 working days by the chief representative (requester and approver) → 2026-10-22.
    _ok(
        _post(
            client,
            chief,
            case,
            "extend",
            at(date(2026, 10, 15), 9),
            {"days": 3, "reason": "需补充现场核查"},
        ),
        case,
    )
    case.refresh_from_db()
    assert (case.extension_days, case.deadline) == (3, date(2026, 10, 22))

    # A fee, the step by its post's A, the decision by the authorised chief representative.
    fee = case.version.fees.get()
    _ok(
        _post(
            client,
            clerk,
            case,
            "payment",
            at(date(2026, 10, 15), 10),
            {"fee": fee.pk, "quantity": 2, "receipt_number": "PJ-0001"},
        ),
        case,
    )
    assert Payment.objects.get(case=case).amount == 20
    _ok(_post(client, clerk, case, "step", at(date(2026, 10, 16), 9), {"opinion": "材料齐全，同意"}), case)
    _ok(
        _post(
            client,
            chief,
            case,
            "decide",
            at(date(2026, 10, 19), 9),
            {
                "decision": "approve",
                "result_number": "外经贸许〔2026〕9号",
                "result_valid_until": "2031-10-18",
            },
        ),
        case,
    )
    case.refresh_from_db()
    assert (case.state, case.decided_by, case.result_number) == (
        CaseState.APPROVED,
        chief,
        "外经贸许〔2026〕9号",
    )
    # Delivery within 10 working days of 2026-10-19.
    assert case.delivery_due == date(2026, 11, 2)
    assert case.deadline == date(2026, 10, 22)

    _ok(_post(client, clerk, case, "deliver", at(date(2026, 10, 20), 9), {"method": "pickup"}), case)
    _ok(_post(client, clerk, case, "archive", at(date(2026, 10, 21), 9)), case)
    case.refresh_from_db()
    assert case.state == CaseState.ARCHIVED
    actions = list(case.events.order_by("seq").values_list("action", flat=True))
    assert actions == [
        "materials_checked",
        "correction_issued",
        "resubmitted",
        "materials_checked",
        "accepted",
        "special_procedure_started",
        "special_procedure_ended",
        "extension_granted",
        "payment",
        "step_complete",
        "decide",
        "deliver",
        "archive",
    ]
    page = _page(client, clerk, case, at(date(2026, 10, 21), 10))
    text = _text(page)
    assert page.status_code == 200
    assert "已归档" in text
    assert "当前状态下您没有可办理的操作" not in text  # a visit may still be recorded
    # The decision notice shows how it was delivered, in words (R-CASE-8).
    notices = text[text.index('id="notices"') : text.index('id="steps"')]
    assert "2026-10-20 窗口领取" in notices and "pickup" not in notices


# --- the clock and the history on the page ------------------------------------------------------------------


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


def test_r_clk_4_page_shows_suspended_clock(hall: Any, client: Client) -> None:
    case = _accepted(hall)
    assert case.deadline == date(2026, 10, 13)
    _ok(
        _post(
            client,
            hall.clerk,
            case,
            "suspend",
            at(date(2026, 10, 9), 10),
            {"kind": "expert_review", "reason": "组织专家评审", "expected_days": 3},
        ),
        case,
    )
    page = _page(client, hall.clerk, case, at(date(2026, 10, 12), 10))
    text = _text(page)
    assert page.status_code == 200
    assert '<section class="card clock suspended"' in text
    assert '<dd class="suspended-flag"><strong>暂停计时</strong></dd>' in text
    assert "专家评审（自 2026-10-09 起，预计 3 个工作日）：组织专家评审" in text
    # Frozen: 10-09, 10-10, 10-12, 10-13 were left when the clock stopped, and still are days later.
    assert '<dd class="remaining">4 个工作日</dd>' in text
    assert 'class="deadline"' not in text
    later = _text(_page(client, hall.clerk, case, at(date(2026, 10, 20), 10)))
    assert '<dd class="remaining">4 个工作日</dd>' in later
    # Only the resumption is offered to the window while suspended.
    assert 'id="action-resume"' in text
    assert 'id="action-suspend"' not in text and 'id="action-extend"' not in text


def test_r_clk_6_page_shows_deadline_and_warning_colour(hall: Any, client: Client) -> None:
    case = _accepted(hall)
    green = _text(_page(client, hall.clerk, case, at(date(2026, 10, 8), 10)))
    assert '<section class="card clock green"' in green
    assert '<dd class="deadline">2026-10-13</dd>' in green
    assert "剩余 4 个工作日" in green  # 10-09, 10-10 (a make-up Saturday), 10-12, 10-13
    yellow = _text(_page(client, hall.clerk, case, at(date(2026, 10, 12), 10)))
    assert '<section class="card clock yellow"' in yellow and "黄色预警" in yellow
    red = _text(_page(client, hall.clerk, case, at(date(2026, 10, 14), 10)))
    assert '<section class="card clock red"' in red and "红色（超时）" in red


def test_r_clk_6_provisional_deadline_is_flagged(hall: Any, client: Client) -> None:
    # Accepted late in 2026 with a limit that runs into 2027, whose calendar is not loaded.
    case = _accepted(hall, _item(hall, promised_limit_days=20), on=date(2026, 12, 21))
    assert case.deadline_provisional
    text = _text(_page(client, hall.clerk, case, at(date(2026, 12, 21), 10)))
    assert "暂定（日历未发布）" in text


def test_r_case_10_page_shows_history_with_acting_as(hall: Any, client: Client) -> None:
    """The B covering the post while A is on leave does the step; the page says so, in the steps and the history."""
    case = _accepted(hall)
    day = date(2026, 10, 8)
    on_leave(hall.clerk, day)
    # A is away: the step is offered to the B, not to A.
    assert "step" in available_actions(hall.backup.user, case, at=at(day, 9))
    assert "step" not in available_actions(hall.clerk.user, case, at=at(day, 9))
    _ok(_post(client, hall.backup, case, "step", at(day, 9, 30), {"opinion": "A角休假，B角顶岗办理"}), case)
    event = case.events.get(action="step_complete")
    assert (event.actor, event.acting_as) == (hall.backup, "B")
    text = _text(_page(client, hall.chief, case, at(day, 10)))
    assert '<td class="acting-as">李备岗（B角）</td>' in text
    history = text[text.index('id="history"') :]
    assert "2026-10-08 09:30" in history
    assert "李备岗" in history
    assert '<td class="acting-as">B角</td>' in history
    assert "完成办理环节" in history
    assert "A角休假，B角顶岗办理" in history


def test_r_case_10_history_shows_from_and_to_with_reason(hall: Any, client: Client) -> None:
    case = _received(hall)
    _post(client, hall.clerk, case, "check", at(date(2026, 9, 28), 10), _check_data(case, m2=("missing", "")))
    _post(
        client,
        hall.clerk,
        case,
        "refuse",
        at(date(2026, 9, 28), 11),
        {"reasons": "申请事项不属于本部门职权范围", "competent_authority": "县市场监管局窗口"},
    )
    case.refresh_from_db()
    assert case.state == CaseState.NOT_ACCEPTED
    text = _text(_page(client, hall.clerk, case, at(date(2026, 9, 28), 12)))
    history = text[text.index('id="history"') :]
    assert "已收件待审查 → 不予受理" in history
    assert "申请事项不属于本部门职权范围" in history
    assert '<td class="acting-as">A角</td>' in history


# --- refusals, conflicts and bad input change nothing ---------------------------------------------------------


def test_r_case_10_stale_revision_is_a_conflict_and_changes_nothing(hall: Any, client: Client) -> None:
    case = _received(hall)
    _ok(_post(client, hall.clerk, case, "check", at(date(2026, 9, 28), 10), _check_data(case)), case)
    before = _snapshot(case)
    # The page was loaded before the check (revision 0); the case is at revision 1 now.
    response = _post(client, hall.backup, case, "accept", at(date(2026, 9, 28), 10, 5), revision=0)
    assert response.status_code == 409
    text = _text(response)
    assert REFRESH_MESSAGE in text
    assert f'href="{reverse("cases:case_detail", args=[case.pk])}"' in text
    assert _snapshot(case) == before
    # The re-rendered page carries the current revision, so that a retry goes through.
    assert f'name="revision" value="{case.revision}"' in text


def test_missing_revision_is_refused_and_changes_nothing(hall: Any, client: Client) -> None:
    case = _received(hall)
    before = _snapshot(case)
    with time_machine.travel(at(date(2026, 9, 28), 10), tick=False):
        client.force_login(hall.clerk.user)
        response = client.post(reverse("cases:case_check", args=[case.pk]), _check_data(case))
    assert response.status_code == 409
    assert _snapshot(case) == before


def test_r_case_2_refusal_is_shown_with_rule_id_and_changes_nothing(hall: Any, client: Client) -> None:
    case = _received(hall)
    before = _snapshot(case)
    # Accepting before any check of the materials is refused (R-CASE-2).
    response = _post(client, hall.clerk, case, "accept", at(date(2026, 9, 28), 10))
    assert response.status_code == 422
    assert (
        '<div class="refusal" role="alert">请先审查本次提交的全部材料，再予受理。（R-CASE-2）</div>'
        in _text(response)
    )
    assert _snapshot(case) == before


def test_r_case_2_required_material_left_unchecked_is_refused(hall: Any, client: Client) -> None:
    case = _received(hall)
    before = _snapshot(case)
    data = _check_data(case)
    first = case.version.materials.order_by("order").first()
    assert first is not None
    data[f"status_{first.pk}"] = ""
    response = _post(client, hall.clerk, case, "check", at(date(2026, 9, 28), 10), data)
    assert response.status_code == 422
    assert "必要材料“申请材料1”尚未审查。（R-CASE-2）" in _text(response)
    assert _snapshot(case) == before


def test_r_clk_5_extension_refused_on_the_last_day_shows_rule(hall: Any, client: Client) -> None:
    case = _accepted(hall)  # deadline 2026-10-13: the applicant must be told by 2026-10-12
    before = _snapshot(case)
    response = _post(
        client,
        hall.clerk,
        case,
        "extend",
        at(date(2026, 10, 13), 9),
        {"days": 2, "reason": "需补充材料"},
    )
    assert response.status_code == 422
    assert "须在期限届满1个工作日前告知申请人（最迟2026-10-12），现已不能延期。（R-CLK-5）" in _text(response)
    assert _snapshot(case) == before
    assert not Extension.objects.filter(case=case).exists()


def test_invalid_input_is_a_form_error_and_changes_nothing(hall: Any, client: Client) -> None:
    case = _accepted(hall)
    before = _snapshot(case)
    response = _post(
        client,
        hall.clerk,
        case,
        "suspend",
        at(date(2026, 10, 9), 10),
        {"kind": "auction", "reason": "", "expected_days": "0"},
    )
    assert response.status_code == 400
    assert "errorlist" in _text(response)
    assert _snapshot(case) == before
    # Not a number at all, and an unknown approver, are form errors too, never a 500.
    response = _post(
        client,
        hall.clerk,
        case,
        "extend",
        at(date(2026, 10, 9), 10),
        {"days": "abc", "reason": "x"},
    )
    assert response.status_code == 400
    assert _snapshot(case) == before


def _panel(page: str, name: str) -> str:
    """The `<details>` of action `name` on the case page."""
    start = page.index(f'id="action-{name}"')
    return page[page.rindex("<details", 0, start) : page.index("</details>", start)]


def _get_form(
    client: Client, staff: StaffProfile, case: Case, action: str, *, htmx: bool, when: datetime | None = None
) -> Any:
    with time_machine.travel(when or at(date(2026, 9, 28), 10), tick=False):
        client.force_login(_user(staff))
        headers = {"HX-Request": "true"} if htmx else {}
        return client.get(reverse(f"cases:case_{action}", args=[case.pk]), headers=headers)


def test_the_first_panel_carries_its_form_and_the_others_fetch_theirs_when_opened(
    hall: Any, client: Client
) -> None:
    case = _received(hall)
    page = _text(_page(client, hall.clerk, case, at(date(2026, 9, 28), 10)))
    first = _panel(page, "check")
    assert " open " in first and 'name="revision"' in first and "hx-get" not in first
    visit = _panel(page, "visit")
    url = reverse("cases:case_visit", args=[case.pk])
    assert f'hx-get="{url}" hx-trigger="toggle once" hx-target="find .action-form"' in visit
    assert "<form" not in visit and f'<a href="{url}">打开办理表单</a>' in visit  # without scripts: its page
    before = _snapshot(case)
    # Opened on the page (htmx): the form alone, as the first panel carries its own.
    fragment = _text(_get_form(client, hall.clerk, case, "visit", htmx=True))
    assert fragment.lstrip().startswith(f'<form method="post" action="{url}" class="stacked">')
    assert f'<input type="hidden" name="revision" value="{case.revision}">' in fragment
    assert 'name="csrfmiddlewaretoken"' in fragment and "<html" not in fragment
    assert 'id="id_visit_responsible"' in fragment
    # Without scripts: a page of its own, with the way back to the case.
    own = _get_form(client, hall.clerk, case, "visit", htmx=False)
    assert own.status_code == 200
    assert f'<form method="post" action="{url}"' in _text(own)
    assert f'href="{reverse("cases:case_detail", args=[case.pk])}"' in _text(own)
    # Fetching a form changes nothing.
    assert _snapshot(case) == before


def test_the_form_of_an_action_not_offered_is_refused_like_its_post(hall: Any, client: Client) -> None:
    case = _received(hall)
    before = _snapshot(case)
    # Not offered to this role: refused (403), and on the page the panel says so instead of a form.
    assert _get_form(client, hall.supervision, case, "accept", htmx=False).status_code == 403
    refused = _get_form(client, hall.supervision, case, "visit", htmx=True)
    assert refused.status_code == 200 and "<form" not in _text(refused)
    assert "只有本窗口的工作人员可以办理此操作。" in _text(refused)  # what its POST answers
    # Not offered in this state (received, not accepted: nothing to decide), to the clerk either.
    not_now = _get_form(client, hall.clerk, case, "decide", htmx=True)
    assert "办件当前的状态下不能办理“作出决定”" in _text(not_now) and "<form" not in _text(not_now)
    assert _get_form(client, hall.clerk, case, "decide", htmx=False).status_code == 403
    # The case in that state, but the rule of who may decide refuses: the panel cites it, as the service would.
    accepted = _accepted(hall)
    day = at(date(2026, 10, 8), 9)
    pending = _text(_get_form(client, hall.chief, accepted, "decide", htmx=True, when=day))
    assert "（R-ORG-5）" in pending and "<form" not in pending
    # Another window's clerk does not see the case at all; an action on a row is a POST only.
    assert _get_form(client, hall.other_clerk, case, "visit", htmx=True).status_code == 404
    with time_machine.travel(at(date(2026, 9, 28), 10), tick=False):
        client.force_login(_user(hall.clerk))
        assert client.get(reverse("cases:case_notice_delivered", args=[1])).status_code == 405
    assert _snapshot(case) == before


def test_action_by_a_role_that_may_not_is_refused(hall: Any, client: Client) -> None:
    """The supervision section sees the case but is offered no action, and a forged POST is refused."""
    case = _received(hall)
    _post(client, hall.clerk, case, "check", at(date(2026, 9, 28), 10), _check_data(case))
    page = _text(_page(client, hall.supervision, case, at(date(2026, 9, 28), 11)))
    assert "当前状态下您没有可办理的操作" in page
    before = _snapshot(case)
    response = _post(client, hall.supervision, case, "accept", at(date(2026, 9, 28), 11))
    assert response.status_code == 403
    assert _snapshot(case) == before


# --- the actions panel -----------------------------------------------------------------------------------------


def test_actions_panel_offers_only_what_the_user_may_do_now(hall: Any, client: Client) -> None:
    authorise(hall)
    case = _received(hall)
    moment = at(date(2026, 9, 28), 10)
    assert available_actions(hall.clerk.user, case, at=moment) == {
        "check",
        "refuse",
        "payment",
        "withdraw",
        "visit",
    }
    assert available_actions(hall.other_clerk.user, case, at=moment) == frozenset()
    assert available_actions(hall.supervision.user, case, at=moment) == frozenset()
    # The chief representative works at the window and may open the green channel.
    assert available_actions(hall.chief.user, case, at=moment) == {
        "check",
        "refuse",
        "payment",
        "withdraw",
        "visit",
        "priority",
    }
    _post(client, hall.clerk, case, "check", moment, _check_data(case, m1=("defective", "复印件不清晰")))
    case.refresh_from_db()
    assert available_actions(hall.clerk.user, case, at=moment) == {
        "check",
        "refuse",
        "correction",
        "payment",
        "withdraw",
        "visit",
    }
    text = _text(_page(client, hall.clerk, case, moment))
    assert 'id="action-correction"' in text and 'id="action-accept"' not in text
    assert 'id="action-decide"' not in text

    accepted = _accepted(hall)
    day = at(date(2026, 10, 8), 9)
    assert available_actions(hall.clerk.user, accepted, at=day) == {
        "step",
        "suspend",
        "extend",
        "payment",
        "withdraw",
        "visit",
    }
    # The step is pending: the chief may not decide yet.
    assert "decide" not in available_actions(hall.chief.user, accepted, at=day)
    _post(client, hall.clerk, accepted, "step", day, {"opinion": "同意"})
    accepted.refresh_from_db()
    assert "decide" in available_actions(hall.chief.user, accepted, at=day)
    assert "decide" not in available_actions(hall.clerk.user, accepted, at=day)


# --- the other actions -----------------------------------------------------------------------------------------


def test_r_case_7_denial_through_the_page(hall: Any, client: Client) -> None:
    authorise(hall)
    case = _accepted(hall)
    _ok(_post(client, hall.clerk, case, "step", at(date(2026, 10, 8), 9), {"opinion": "不符合条件"}), case)
    response = _post(
        client, hall.chief, case, "decide", at(date(2026, 10, 8), 10), {"decision": "deny", "reasons": ""}
    )
    assert response.status_code == 422
    assert "不予许可须书面说明理由。（R-CASE-7）" in _text(response)
    _ok(
        _post(
            client,
            hall.chief,
            case,
            "decide",
            at(date(2026, 10, 8), 10),
            {"decision": "deny", "reasons": "不符合法定条件"},
        ),
        case,
    )
    case.refresh_from_db()
    assert (case.state, case.decision_reasons) == (CaseState.DENIED, "不符合法定条件")
    assert case.notices.filter(kind=NoticeKind.DENIAL).count() == 1


def test_r_case_9_withdrawal_through_the_page(hall: Any, client: Client) -> None:
    case = _accepted(hall)
    _ok(
        _post(
            client, hall.clerk, case, "withdraw", at(date(2026, 10, 8), 9), {"reason": "申请人书面申请撤回"}
        ),
        case,
    )
    case.refresh_from_db()
    assert case.state == CaseState.WITHDRAWN


def test_r_case_11_green_channel_through_the_page(hall: Any, client: Client) -> None:
    case = _accepted(hall)
    _ok(
        _post(
            client,
            hall.chief,
            case,
            "priority",
            at(date(2026, 9, 30), 10),
            {"reason": "重点招商项目", "target_days": 2},
        ),
        case,
    )
    case.refresh_from_db()
    assert (case.is_priority, case.priority_target_days, case.deadline) == (True, 2, date(2026, 10, 9))


def test_r_case_12_second_visit_of_a_park_enterprise_is_a_shuttle(hall: Any, client: Client) -> None:
    case = _accepted(hall, in_development_zone=True)
    first = {"purpose": "提交材料", "caused_by_administration": ""}
    _ok(_post(client, hall.clerk, case, "visit", at(date(2026, 10, 8), 9), first), case)
    second = {"purpose": "窗口要求补盖公章", "caused_by_administration": "on", "responsible": hall.clerk.pk}
    _ok(_post(client, hall.clerk, case, "visit", at(date(2026, 10, 9), 9), second), case)
    assert list(Visit.objects.filter(case=case).order_by("at").values_list("is_shuttle", flat=True)) == [
        False,
        True,
    ]
    text = _text(_page(client, hall.clerk, case, at(date(2026, 10, 9), 10)))
    assert '<span class="badge bad">两头跑</span>' in text


def test_r_case_5_reported_case_up_and_back_through_the_page(hall: Any, client: Client) -> None:
    case = _accepted(hall, _item(hall, case_type="reported", promised_limit_days=3))
    assert case.deadline == date(2026, 10, 10)
    _ok(
        _post(client, hall.clerk, case, "report_up", at(date(2026, 10, 9), 9), {"authority": "市外经贸局"}),
        case,
    )
    case.refresh_from_db()
    assert case.state == CaseState.SUSPENDED
    text = _text(_page(client, hall.clerk, case, at(date(2026, 10, 12), 9)))
    assert "已于 2026-10-09 上报市外经贸局，审批中" in text
    assert 'id="action-report_returned"' in text
    _ok(
        _post(client, hall.clerk, case, "report_returned", at(date(2026, 10, 14), 9), {"result": "同意"}),
        case,
    )
    case.refresh_from_db()
    # 10-09, 10-10, 10-12, 10-13 with the authority: the window's deadline moves from 10-10 to 10-15.
    assert (case.state, case.deadline) == (CaseState.ACCEPTED, date(2026, 10, 15))


def test_r_clk_5_extension_filed_by_the_coordination_section(hall: Any, client: Client) -> None:
    case = _accepted(hall)
    _ok(
        _post(
            client,
            hall.chief,
            case,
            "extend",
            at(date(2026, 10, 8), 9),
            {"days": 2, "reason": "需补充核查"},
        ),
        case,
    )
    extension = Extension.objects.get(case=case)
    text = _text(_page(client, hall.coordination, case, at(date(2026, 10, 8), 10)))
    assert reverse("cases:extension_file", args=[extension.pk]) in text
    assert reverse("cases:extension_file", args=[extension.pk]) not in _text(
        _page(client, hall.clerk, case, at(date(2026, 10, 8), 10))
    )
    seen = {"revision": Case.objects.get(pk=case.pk).revision}
    # The clerk may not file it (R-CLK-5) …
    with time_machine.travel(at(date(2026, 10, 8), 11), tick=False):
        client.force_login(hall.clerk.user)
        response = client.post(reverse("cases:extension_file", args=[extension.pk]), seen)
    assert response.status_code == 422
    assert "延期须由中心行政审批协调科备案。（R-CLK-5）" in _text(response)
    # … the coordination section does.
    with time_machine.travel(at(date(2026, 10, 8), 11), tick=False):
        client.force_login(hall.coordination.user)
        response = client.post(reverse("cases:extension_file", args=[extension.pk]), seen)
    _ok(response, case)
    extension.refresh_from_db()
    assert extension.filed_at == at(date(2026, 10, 8), 11)


def test_extension_file_of_another_centre_is_404(hall: Any, client: Client) -> None:
    case = _accepted(hall)
    _post(client, hall.chief, case, "extend", at(date(2026, 10, 8), 9), {"days": 2, "reason": "需补充核查"})
    extension = Extension.objects.get(case=case)
    client.force_login(hall.outsider.user)
    assert client.post(reverse("cases:extension_file", args=[extension.pk])).status_code == 404
    assert client.post(reverse("cases:extension_file", args=[999999])).status_code == 404


# --- who sees what ---------------------------------------------------------------------------------------------


def test_applicant_personal_data_masked_on_the_case_page_and_not_logged(hall: Any, client: Client) -> None:
    case = _accepted(hall, applicant_email="a@example.com")
    text = _text(_page(client, hall.clerk, case))
    assert '<dd class="personal">420***********1238</dd>' in text
    assert '<dd class="personal">138****0000</dd>' in text
    assert '<dd class="personal">a***@example.com</dd>' in text
    assert "420000199001011238" not in text and "13800000000" not in text and "a@example.com" not in text
    assert reverse("cases:case_applicant", args=[case.pk]) in text  # the link that shows them in full
    assert not PersonalDataAccess.objects.exists()  # nothing personal shown in full: nothing to log


def _applicant(client: Client, staff: StaffProfile, case: Case, **headers: str) -> Any:
    with time_machine.travel(at(date(2026, 9, 28), 9, 5), tick=False):
        client.force_login(_user(staff))
        return client.get(reverse("cases:case_applicant", args=[case.pk]), headers=headers)


def test_applicant_personal_data_shown_in_full_to_the_window_clerk_on_asking_and_each_display_logged(
    hall: Any, client: Client
) -> None:
    case = _accepted(hall, applicant_email="a@example.com")
    section = _applicant(client, hall.clerk, case, **{"HX-Request": "true"})
    text = _text(section)
    assert section.status_code == 200 and text.lstrip().startswith('<section class="card" id="applicant">')
    assert '<dd class="personal">420000199001011238</dd>' in text
    assert '<dd class="personal">13800000000</dd>' in text
    assert '<dd class="personal">a@example.com</dd>' in text
    assert reverse("cases:case_applicant", args=[case.pk]) not in text  # already in full
    row = PersonalDataAccess.objects.get()
    assert (row.user, row.subject_type, row.subject_id, row.purpose, row.center) == (
        hall.clerk.user,
        "cases.case",
        str(case.pk),
        "查看申请人证件号码和联系方式",
        hall.center,
    )
    page = _applicant(client, hall.clerk, case)  # without scripts: a page of its own, back to the case
    assert page.status_code == 200 and "420000199001011238" in _text(page)
    assert reverse("cases:case_detail", args=[case.pk]) in _text(page)
    assert PersonalDataAccess.objects.count() == 2  # every display in full is logged


def test_applicant_personal_data_hidden_from_the_supervision_section(hall: Any, client: Client) -> None:
    case = _accepted(hall)
    response = _page(client, hall.supervision, case)
    text = _text(response)
    assert response.status_code == 200
    assert case.applicant_name in text
    assert "420000199001011238" not in text and "13800000000" not in text
    assert "证件号码、联系方式仅本窗口工作人员可见。" in text
    assert "420***********1238" not in text and reverse("cases:case_applicant", args=[case.pk]) not in text
    refused = _applicant(client, hall.supervision, case)
    assert refused.status_code == 403
    assert "420000199001011238" not in _text(refused)
    assert not PersonalDataAccess.objects.exists()


def test_another_centres_user_gets_404(hall: Any, client: Client) -> None:
    case = _received(hall)
    before = _snapshot(case)
    assert _page(client, hall.outsider, case).status_code == 404
    response = _post(client, hall.outsider, case, "check", at(date(2026, 9, 28), 10), _check_data(case))
    assert response.status_code == 404
    assert _snapshot(case) == before
    assert _page(client, hall.clerk, Case(pk=999999)).status_code == 404


def test_clerk_of_another_window_gets_404(hall: Any, client: Client) -> None:
    case = _received(hall)
    assert _page(client, hall.other_clerk, case).status_code == 404


def test_anonymous_is_sent_to_login(hall: Any, client: Client) -> None:
    case = _received(hall)
    response = client.get(reverse("cases:case_detail", args=[case.pk]))
    assert response.status_code == 302
    assert "login" in response["Location"]


# --- queries --------------------------------------------------------------------------------------------------


def _busy(hall: Any, case: Case, client: Client, visits: int) -> None:
    for n in range(visits):
        _post(client, hall.clerk, case, "visit", at(date(2026, 10, 8), 9, n), {"purpose": f"咨询进度{n}"})


def test_case_detail_query_count_is_bounded(
    hall: Any, client: Client, django_assert_max_num_queries: Any
) -> None:
    small = _accepted(hall)
    big = _accepted(hall)
    _busy(hall, small, client, 1)
    _busy(hall, big, client, 12)
    assert big.events.count() == 12
    with time_machine.travel(at(date(2026, 10, 8), 10), tick=False):
        client.force_login(hall.clerk.user)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as few:
            assert client.get(reverse("cases:case_detail", args=[small.pk])).status_code == 200
        with CaptureQueriesContext(connection) as many:
            assert client.get(reverse("cases:case_detail", args=[big.pk])).status_code == 200
        # The history, visits and their people do not add a query per row.
        assert len(many) == len(few)
        # Session, user, scoping, the case and each of its lists once, the clock's policy, the action panel.
        with django_assert_max_num_queries(45):
            client.get(reverse("cases:case_detail", args=[big.pk]))
    assert CaseEvent.objects.filter(case=big).count() == 12


def test_the_page_reads_only_the_lists_that_have_rows(hall: Any, client: Client) -> None:
    """One statement asks which of the page's lists have rows of the case; the empty ones are not read, and a
    list with rows is read and shown."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    quiet, visited = _accepted(hall), _accepted(hall)
    _busy(hall, visited, client, 1)
    with time_machine.travel(at(date(2026, 10, 8), 10), tick=False):
        client.force_login(hall.clerk.user)
        pages = {}
        for case in (quiet, visited):
            with CaptureQueriesContext(connection) as queries:
                pages[case.pk] = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
            pages[case.pk, "sql"] = [q["sql"] for q in queries.captured_queries if "cases_visit" in q["sql"]]
    assert len(pages[quiet.pk, "sql"]) == 1 and "EXISTS" in pages[quiet.pk, "sql"][0]  # asked, not read
    assert '"cases_case"' in pages[quiet.pk, "sql"][0]  # asked with the case's own row
    assert len(pages[visited.pk, "sql"]) == 2  # asked, then read
    assert 'id="visits"' not in pages[quiet.pk]
    assert 'id="visits"' in pages[visited.pk] and "咨询进度0" in pages[visited.pk]


def test_r_clk_4_delivery_of_the_special_procedure_notice_is_recorded(hall: Any, client: Client) -> None:
    case = _accepted(hall)
    _post(
        client,
        hall.clerk,
        case,
        "suspend",
        at(date(2026, 10, 9), 10),
        {"kind": "testing", "reason": "送检", "expected_days": 5},
    )
    notice = case.notices.get(kind=NoticeKind.SPECIAL_PROCEDURE)
    url = reverse("cases:case_notice_delivered", args=[notice.pk])
    assert url in _text(_page(client, hall.clerk, case, at(date(2026, 10, 9), 11)))
    assert url not in _text(_page(client, hall.supervision, case, at(date(2026, 10, 9), 11)))
    seen = Case.objects.get(pk=case.pk).revision
    with time_machine.travel(at(date(2026, 10, 9), 11), tick=False):
        client.force_login(_user(hall.clerk))
        blank = client.post(url, {"method": "", "revision": seen})
        assert blank.status_code == 400
        # The refused form is shown again at its own notice, labelled, with ids no other form on the page uses.
        field_id = f"id_notice{notice.pk}_method"
        assert f'for="{field_id}"' in _text(blank) and _text(blank).count(f'id="{field_id}"') == 1
        assert "该字段是必填项" in _text(blank)
        _ok(client.post(url, {"method": "当面送达", "revision": seen}), case)
        again = client.post(url, {"method": "当面送达", "revision": seen + 1})
    assert again.status_code == 422
    assert "该告知书已记录送达。（R-CLK-4）" in _text(again)
    notice.refresh_from_db()
    assert (notice.delivered_at, notice.delivery_method) == (at(date(2026, 10, 9), 11), "当面送达")
    assert case.events.order_by("-seq").values_list("action", flat=True).first() == "notice_delivered"
    client.force_login(_user(hall.outsider))
    assert client.post(url, {"method": "当面送达"}).status_code == 404


def test_r_case_6_notices_are_listed_with_print_and_pdf_links(hall: Any, client: Client) -> None:
    case = _received(hall)
    _post(client, hall.clerk, case, "check", at(date(2026, 9, 28), 10), _check_data(case))
    _post(client, hall.clerk, case, "accept", at(date(2026, 9, 28), 10, 5))
    notice = case.notices.get()
    assert notice.kind == NoticeKind.ACCEPTANCE
    text = _text(_page(client, hall.clerk, case, at(date(2026, 9, 28), 11)))
    notices = text[text.index('id="notices"') : text.index('id="steps"')]
    assert "受理通知书" in notices and notice.number in notices
    assert f'href="{reverse("cases:notice_print", args=[notice.pk])}"' in notices
    assert f'href="{reverse("cases:notice_pdf", args=[notice.pk])}"' in notices
    with time_machine.travel(at(date(2026, 9, 28), 11), tick=False):
        assert client.get(reverse("cases:notice_print", args=[notice.pk])).status_code == 200


def test_r_case_12_the_visit_form_lists_the_centre_s_active_staff_as_django_would_without_a_profile_each(
    hall: Any,
) -> None:
    from django import forms

    from cases.forms_case import VisitForm
    from org.models import StaffProfile

    case = make_case(window=hall.window, item=make_item_for(hall.window, hall.post), received_by=hall.clerk)
    staff = StaffProfile.objects.filter(center=case.center, is_active=True).order_by("name", "pk")
    stock = forms.ModelChoiceField(queryset=staff, required=False)
    form = VisitForm(case=case)
    field = form.fields["responsible"]
    assert [(str(v), label) for v, label in field.choices] == [(str(v), label) for v, label in stock.choices]
    assert len(field.choices) == staff.count() + 1  # and the empty choice
    chosen = VisitForm({"purpose": "询问进度", "responsible": str(hall.backup.pk)}, case=case)
    assert chosen.is_valid(), chosen.errors
    assert chosen.cleaned_data["responsible"] == hall.backup
    outsider = VisitForm({"purpose": "询问进度", "responsible": str(hall.outsider.pk)}, case=case)
    assert not outsider.is_valid() and "responsible" in outsider.errors  # only the centre's staff


def test_the_clock_reads_its_ledger_only_when_it_ever_stopped(hall: Any, client: Client) -> None:
    """The statement that reads the case also asks which lists have rows and whether the clock ever stopped: a
    clock that never did is derived without reading its ledger, one that did reads it and shows the frozen
    days."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    quiet, stopped = _accepted(hall), _accepted(hall)
    _post(
        client,
        hall.clerk,
        stopped,
        "suspend",
        at(date(2026, 10, 9), 10),
        {"kind": "testing", "reason": "送检", "expected_days": 5},
    )
    with time_machine.travel(at(date(2026, 10, 12), 10), tick=False):
        client.force_login(hall.clerk.user)
        pages = {}
        for case in (quiet, stopped):
            with CaptureQueriesContext(connection) as queries:
                pages[case.pk] = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
            pages[case.pk, "sql"] = [
                q["sql"] for q in queries.captured_queries if "workdays_timerspan" in q["sql"]
            ]
    assert len(pages[quiet.pk, "sql"]) == 1 and "EXISTS" in pages[quiet.pk, "sql"][0]  # asked, not read
    assert '"cases_case"' in pages[quiet.pk, "sql"][0]  # asked with the case's own row
    assert len(pages[stopped.pk, "sql"]) == 2  # asked, then read
    frozen = clock_view(Case.objects.get(pk=stopped.pk)).remaining_at_stop
    assert frozen is not None and "剩余时限（已冻结）" in pages[stopped.pk]
    remaining = pages[stopped.pk].split('<dd class="remaining">', 1)[1].split("</dd>", 1)[0]
    assert remaining == f"{frozen} 个工作日"
    assert "剩余时限（已冻结）" not in pages[quiet.pk]
