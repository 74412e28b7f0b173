"""The leave pages (R-ATT-3 … R-ATT-6, R-ATT-9, R-ORG-7) through the test client: a clerk asks for 2.5 days
naming a B who is away then — refused; names another B — approved by the window head and then the director,
each in their own login; the B sees the hand-over; the return closes it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import time_machine
from django.urls import reverse

from cases.tests.factories import make_case, make_item_for
from org.models import AbsenceKind
from org.services import absence_record
from staffing.models import LeaveRequest, LeaveState

from .helpers import at
from .test_leave import THURSDAY, leave_hall_fixture  # noqa: F401  (the fixture)


def as_user(client: Any, staff: Any, when: datetime, method: str, url: str, data: Any = None) -> Any:
    with time_machine.travel(when, tick=False):
        client.force_login(staff.user)
        if method == "get":
            return client.get(url)
        return client.post(url, data or {})


def form(hall: Any, backup: Any) -> dict[str, Any]:
    return {
        "kind": "personal",
        "start_date": "2026-12-07",
        "start_half": "am",
        "end_date": "2026-12-09",
        "end_half": "am",
        "reason": "家中有事",
        f"cover_{hall.post.pk}": str(backup.pk),
    }


def test_r_att_5_r_att_4_r_att_9_r_att_6_a_leave_through_the_pages(leave_hall: Any, client: Any) -> None:
    hall = leave_hall
    case = make_case(
        window=hall.window,
        item=make_item_for(hall.window, hall.post),
        received_by=hall.clerk,
        current_post=hall.post,
    )
    with time_machine.travel(THURSDAY, tick=False):
        absence_record(
            actor=hall.supervision.user,
            staff=hall.backup,
            kind=AbsenceKind.LEAVE,
            starts_at=at(2026, 12, 8, 8),
            ends_at=at(2026, 12, 8, 17),
        )
    mine = reverse("staffing:leave_mine")
    page = as_user(client, hall.clerk, THURSDAY, "get", mine)
    assert page.status_code == 200 and "新的请假申请" in page.content.decode()
    # The B named is on leave on Tuesday: refused, nothing saved.
    refused = as_user(client, hall.clerk, THURSDAY, "post", mine, form(hall, hall.backup))
    assert refused.status_code == 422
    assert "R-ATT-5" in refused.content.decode() and hall.backup.name in refused.content.decode()
    assert not LeaveRequest.objects.exists()
    # Another B: accepted, waiting for the window head.
    done = as_user(client, hall.clerk, THURSDAY, "post", mine, form(hall, hall.backup2))
    leave = LeaveRequest.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse("staffing:leave_detail", args=[leave.pk])
    decide = reverse("staffing:leave_decide", args=[leave.pk])
    # The director may not sign before the window head.
    early = as_user(client, hall.director, THURSDAY, "post", decide, {"decision": "approve"})
    assert early.status_code == 422 and "R-ATT-4" in early.content.decode()
    approvals = as_user(client, hall.chief, THURSDAY, "get", reverse("staffing:leave_approvals"))
    assert f"leave-{leave.pk}" in approvals.content.decode()
    assert as_user(client, hall.chief, THURSDAY, "post", decide, {"decision": "approve"}).status_code == 302
    assert (
        as_user(client, hall.director, THURSDAY, "post", decide, {"decision": "approve"}).status_code == 302
    )
    leave.refresh_from_db()
    assert leave.state == LeaveState.APPROVED
    # During the leave the B sees the hand-over with the open case.
    during = at(2026, 12, 7, 10)
    b_page = as_user(client, hall.backup2, during, "get", mine).content.decode()
    assert "移交给我的工作" in b_page and case.number in b_page
    # The return on Tuesday closes it.
    back = at(2026, 12, 8, 9)
    returned = as_user(
        client,
        hall.supervision,
        back,
        "post",
        reverse("staffing:leave_return", args=[leave.pk]),
        {"how": "phone", "note": "电话销假"},
    )
    assert returned.status_code == 302
    leave.refresh_from_db()
    assert leave.absence is not None
    assert (leave.state, leave.returned_at, leave.absence.ends_at) == (LeaveState.RETURNED, back, back)
    detail = as_user(client, hall.clerk, back, "get", reverse("staffing:leave_detail", args=[leave.pk]))
    assert "已销假" in detail.content.decode()


def test_r_att_4_a_wrong_approver_is_refused_on_the_page_and_nothing_changes(
    leave_hall: Any, client: Any
) -> None:
    hall = leave_hall
    data = form(hall, hall.backup) | {"end_date": "2026-12-07", "end_half": "pm"}  # one day: the deputy
    as_user(client, hall.clerk, THURSDAY, "post", reverse("staffing:leave_mine"), data)
    leave = LeaveRequest.objects.get()
    decide = reverse("staffing:leave_decide", args=[leave.pk])
    answer = as_user(client, hall.supervision, THURSDAY, "post", decide, {"decision": "approve"})
    assert answer.status_code == 422 and "R-ATT-4" in answer.content.decode()
    leave.refresh_from_db()
    assert leave.state == LeaveState.PENDING
    # Someone with no part in it does not see the request at all.
    assert (
        as_user(
            client, hall.other_clerk, THURSDAY, "get", reverse("staffing:leave_detail", args=[leave.pk])
        ).status_code
        == 404
    )
    assert as_user(client, hall.deputy, THURSDAY, "post", decide, {"decision": "approve"}).status_code == 302


def test_r_att_6_an_unreturned_leave_is_flagged_on_the_approvals_page(leave_hall: Any, client: Any) -> None:
    hall = leave_hall
    data = form(hall, hall.backup) | {"end_date": "2026-12-07", "end_half": "pm"}
    as_user(client, hall.clerk, THURSDAY, "post", reverse("staffing:leave_mine"), data)
    leave = LeaveRequest.objects.get()
    as_user(
        client,
        hall.deputy,
        THURSDAY,
        "post",
        reverse("staffing:leave_decide", args=[leave.pk]),
        {"decision": "approve"},
    )
    page = as_user(client, hall.supervision, at(2026, 12, 8, 9), "get", reverse("staffing:leave_approvals"))
    assert page.status_code == 200 and "逾期未销假" in page.content.decode()
