"""Leave through the API (R-ATT-3 … R-ATT-6): request, decide, return; a refusal is 422 with the rule id."""

from __future__ import annotations

from typing import Any

import time_machine
from django.urls import reverse

from api.tests.helpers import token_client
from staffing.models import LeaveRequest, LeaveState

from .helpers import at
from .test_leave import THURSDAY, leave_hall_fixture  # noqa: F401  (the fixture)


def url(name: str, hall: Any, **kw: Any) -> str:
    return reverse(f"api:{name}", kwargs={"center": hall.center.code, **kw})


def test_r_att_4_r_att_6_a_leave_through_the_api(leave_hall: Any) -> None:
    hall = leave_hall
    body = {
        "kind": "personal",
        "start_date": "2026-12-07",
        "start_half": "am",
        "end_date": "2026-12-07",
        "end_half": "pm",
        "reason": "家中有事",
        "covers": {str(hall.post.pk): hall.backup.pk},
    }
    with time_machine.travel(THURSDAY, tick=False):
        sick = token_client(hall.clerk).post(
            url("leave_create", hall), {**body, "kind": "sick"}, format="json"
        )
        assert sick.status_code in (400, 422) and sick.json()["error"]["rule"] == "R-ATT-3"
        created = token_client(hall.clerk).post(url("leave_create", hall), body, format="json")
        assert created.status_code == 201, created.json()
        leave_id = created.json()["id"]
        assert created.json()["days"] == 1 and created.json()["official"] is False
        wrong = token_client(hall.supervision).post(
            url("leave_decide", hall, leave_id=leave_id), {"decision": "approve"}, format="json"
        )
        assert wrong.status_code == 422 and wrong.json()["error"]["rule"] == "R-ATT-4"
        assert (
            token_client(hall.other_clerk).get(url("leave_detail", hall, leave_id=leave_id)).status_code
            == 404
        )
        ok = token_client(hall.deputy).post(
            url("leave_decide", hall, leave_id=leave_id), {"decision": "approve"}, format="json"
        )
        assert ok.status_code == 200 and ok.json()["state"] == LeaveState.APPROVED
        assert ok.json()["handovers"][0]["to"] == hall.backup.pk
    with time_machine.travel(at(2026, 12, 7, 15), tick=False):
        back = token_client(hall.supervision).post(
            url("leave_return", hall, leave_id=leave_id), {"how": "in_person"}, format="json"
        )
        assert back.status_code == 200 and back.json()["state"] == LeaveState.RETURNED
    assert LeaveRequest.objects.get(pk=leave_id).returned_at == at(2026, 12, 7, 15)
