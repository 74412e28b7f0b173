"""Duty rosters and disputes through the API (R-ATT-1, R-PUB-6): the roster between two dates (bounded), assign,
swap with its reason, the day's duty leader, a dispute reported and closed; refusals in the error envelope."""

from __future__ import annotations

from typing import Any

import time_machine
from django.urls import reverse

from api.tests.helpers import token_client
from staffing.models import DutyDispute, DutyEntry, DutyKind

from .helpers import at

DAY = at(2026, 12, 1, 10)  # a Tuesday


def _url(name: str, hall: Any, **kw: Any) -> str:
    return reverse(f"api:{name}", kwargs={"center": hall.center.code, **kw})


def _assign(who: Any, hall: Any, day: str, kind: str, staff: Any) -> Any:
    return token_client(who).post(
        _url("duty_roster", hall), {"day": day, "kind": kind, "staff": staff.pk}, format="json"
    )


def test_r_att_1_the_office_assigns_through_the_api_and_the_roster_reads_between_two_dates(
    hall: Any, national_calendar: Any
) -> None:
    hall.clerk.work_phone = "0571-8888001"
    hall.clerk.save()
    with time_machine.travel(DAY, tick=False):
        made = _assign(hall.office, hall, "2026-12-05", DutyKind.REST_DAY, hall.clerk)
        assert made.status_code == 201, made.json()
        assert made.json()["phone"] == "0571-8888001" and made.json()["staff"]["id"] == hall.clerk.pk
        assert _assign(hall.office, hall, "2026-12-01", DutyKind.LEADER, hall.director).status_code == 201
        roster = token_client(hall.clerk).get(
            _url("duty_roster", hall), {"start": "2026-12-01", "end": "2026-12-31"}
        )
        assert roster.status_code == 200
        assert [(e["day"], e["kind"]) for e in roster.json()["entries"]] == [
            ("2026-12-01", "leader"),
            ("2026-12-05", "rest_day"),
        ]
        # Bounded: at most 62 days, and the end not before the start.
        too_long = token_client(hall.clerk).get(
            _url("duty_roster", hall), {"start": "2026-12-01", "end": "2027-02-01"}
        )
        assert too_long.status_code == 400 and too_long.json()["error"]["field"] == "end"
        backwards = token_client(hall.clerk).get(
            _url("duty_roster", hall), {"start": "2026-12-10", "end": "2026-12-01"}
        )
        assert backwards.status_code == 400
        far = token_client(hall.clerk).get(_url("duty_roster", hall), {"start": "9999-12-31"})
        assert far.status_code == 400 and far.json()["error"]["field"] == "start"
        junk = token_client(hall.clerk).get(_url("duty_roster", hall), {"start": "yesterday"})
        assert junk.status_code == 400 and junk.json()["error"]["field"] == "start"
        # Another centre's user sees nothing of this one.
        assert token_client(hall.outsider).get(_url("duty_roster", hall)).status_code == 404


def test_r_att_1_only_the_office_plans_and_the_days_kind_is_checked(
    hall: Any, national_calendar: Any
) -> None:
    with time_machine.travel(DAY, tick=False):
        for person in (hall.clerk, hall.supervision):
            refused = _assign(person, hall, "2026-12-05", DutyKind.REST_DAY, hall.clerk)
            assert refused.status_code == 403 and refused.json()["error"]["code"] == "permission_denied"
        working = _assign(hall.office, hall, "2026-12-07", DutyKind.REST_DAY, hall.clerk)
        assert working.status_code == 422 and working.json()["error"]["rule"] == "R-ATT-1"
        assert working.json()["error"]["field"] == "day"
        elsewhere = _assign(hall.office, hall, "2026-12-05", DutyKind.REST_DAY, hall.outsider)
        assert elsewhere.status_code == 400 and elsewhere.json()["error"]["field"] == "staff"
        outsider = _assign(hall.outsider, hall, "2026-12-05", DutyKind.REST_DAY, hall.clerk)
        assert outsider.status_code == 404
        bad_kind = _assign(hall.office, hall, "2026-12-05", "night", hall.clerk)
        assert bad_kind.status_code == 400 and bad_kind.json()["error"]["field"] == "kind"
    assert not DutyEntry.objects.exists()


def test_r_att_1_a_swap_needs_its_reason_and_keeps_the_old_entry(hall: Any, national_calendar: Any) -> None:
    with time_machine.travel(DAY, tick=False):
        entry_id = _assign(hall.office, hall, "2026-12-05", DutyKind.REST_DAY, hall.clerk).json()["id"]
        url = _url("duty_swap", hall, entry_id=entry_id)
        office = token_client(hall.office)
        no_reason = office.post(url, {"staff": hall.backup.pk, "reason": " "}, format="json")
        assert no_reason.status_code == 400 and no_reason.json()["error"]["field"] == "reason"
        same = office.post(url, {"staff": hall.clerk.pk, "reason": "家中有事"}, format="json")
        assert same.status_code == 422 and same.json()["error"]["rule"] == "R-ATT-1"
        clerk = token_client(hall.clerk).post(
            url, {"staff": hall.backup.pk, "reason": "家中有事"}, format="json"
        )
        assert clerk.status_code == 403
        swapped = office.post(url, {"staff": hall.backup.pk, "reason": "家中有事"}, format="json")
        assert swapped.status_code == 201, swapped.json()
        body = swapped.json()
        assert body["swapped_from"] == entry_id and body["swapped_from_staff"]["id"] == hall.clerk.pk
        assert body["swap_reason"] == "家中有事"
        again = office.post(url, {"staff": hall.other_clerk.pk, "reason": "再换"}, format="json")
        assert again.status_code == 422 and again.json()["error"]["field"] == "entry"
        roster = token_client(hall.clerk).get(
            _url("duty_roster", hall), {"start": "2026-12-05", "end": "2026-12-05"}
        )
        assert [e["staff"]["id"] for e in roster.json()["entries"]] == [hall.backup.pk]
        assert (
            token_client(hall.outsider)
            .post(url, {"staff": hall.backup.pk, "reason": "x"}, format="json")
            .status_code
            == 404
        )
    assert DutyEntry.objects.get(pk=entry_id).superseded_at is not None


def test_r_pub_6_disputes_go_to_the_days_duty_leader_who_records_the_outcome(
    hall: Any, national_calendar: Any
) -> None:
    with time_machine.travel(DAY, tick=False):
        clerk = token_client(hall.clerk)
        nobody = clerk.post(_url("disputes", hall), {"summary": "申请人对退回有异议"}, format="json")
        assert nobody.status_code == 422 and nobody.json()["error"]["code"] == "no_duty_leader"
        assert clerk.get(_url("duty_leader", hall)).json()["leader"] is None
        _assign(hall.office, hall, "2026-12-01", DutyKind.LEADER, hall.director)
        leader = clerk.get(_url("duty_leader", hall)).json()
        assert leader["day"] == "2026-12-01" and leader["leader"]["staff"]["id"] == hall.director.pk
        other_day = clerk.get(_url("duty_leader", hall), {"day": "2026-12-02"}).json()
        assert other_day["leader"] is None
        assert clerk.get(_url("duty_leader", hall), {"day": "x"}).status_code == 400

        reported = clerk.post(
            _url("disputes", hall), {"summary": "申请人对退回有异议", "window": hall.window.pk}, format="json"
        )
        assert reported.status_code == 201, reported.json()
        body = reported.json()
        assert body["leader"]["id"] == hall.director.pk and body["reporter"]["id"] == hall.clerk.pk
        assert body["window"]["number"] == "A01" and body["closed_at"] is None
        wrong_window = clerk.post(_url("disputes", hall), {"summary": "x", "window": 10**6}, format="json")
        assert wrong_window.status_code == 400 and wrong_window.json()["error"]["field"] == "window"
        assert (
            token_client(hall.outsider)
            .post(_url("disputes", hall), {"summary": "x"}, format="json")
            .status_code
            == 404
        )

        listed = clerk.get(_url("disputes", hall)).json()
        assert [d["id"] for d in listed] == [body["id"]]
        close = _url("dispute_close", hall, dispute_id=body["id"])
        refused = clerk.post(close, {"outcome": "已解释"}, format="json")
        assert refused.status_code == 403
        closed = token_client(hall.director).post(close, {"outcome": "当场解释，申请人认可"}, format="json")
        assert closed.status_code == 200 and closed.json()["closed_at"] is not None
        twice = token_client(hall.office).post(close, {"outcome": "再次"}, format="json")
        assert twice.status_code == 422 and twice.json()["error"]["code"] == "closed"
    assert DutyDispute.objects.get().outcome == "当场解释，申请人认可"
