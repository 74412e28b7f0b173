"""Joint approval through the API, as each department uses it (R-PAR-2 … R-PAR-5, R-PAR-8 … R-PAR-11): a major
project accepted once at the lead window, notifications to its departments received on different days, one
department's second procedure, one late department recorded, the final inspection; each department's deadline
checked against the 2026 calendar at each step; refusals carry their rule id and change nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine

from api.tests.helpers import token_client
from workdays.timers import timers_sweep

from ..models import JointCase, JointLane, JointLateness
from .helpers import at, make_project

pytestmark = pytest.mark.usefixtures("national_calendar")


def _post(client: Any, url: str, data: dict[str, Any] | None = None, *, when: Any) -> Any:
    with time_machine.travel(when, tick=False):
        return client.post(url, data or {}, format="json")


def test_r_par_3_r_par_4_r_par_5_r_par_8_r_par_10_r_par_11_a_major_project_through_the_api(hall: Any) -> None:
    project = make_project(hall)
    base = f"/api/v1/centers/{hall.center.code}"
    lead = token_client(hall.chief)
    chiefs = {
        co.department.name: token_client(co.chief)
        for co in (project.planning, project.housing, project.environment)
    }

    # One door: the lead's chief representative opens the joint case on the accepted case (R-PAR-3).
    refused = _post(token_client(hall.clerk), f"{base}/cases/{project.case.pk}/joint", when=at(11, 2, 9))
    assert refused.status_code == 403
    opened = _post(lead, f"{base}/cases/{project.case.pk}/joint", {"project_code": "P-1"}, when=at(11, 2, 9))
    assert opened.status_code == 201, opened.content
    joint_id = opened.json()["id"]
    again = _post(lead, f"{base}/cases/{project.case.pk}/joint", when=at(11, 2, 9))
    assert again.status_code == 422 and again.json()["error"]["rule"] == "R-PAR-3"
    lanes = {lane["department"]: lane["id"] for lane in opened.json()["lanes"]}

    def deadlines() -> dict[str, str | None]:
        got = lead.get(f"{base}/joint-cases/{joint_id}")
        assert got.status_code == 200
        return {lane["department"]: lane["deadline"] for lane in got.json()["lanes"]}

    # Notified and received on different days; each clock from its own receipt (R-PAR-4).
    for name, day in (("自然资源和规划局", 2), ("住房和城乡建设局", 3), ("生态环境局", 4)):
        notified = _post(lead, f"{base}/joint-lanes/{lanes[name]}/notify", when=at(11, day, 9))
        assert notified.status_code == 200, notified.content
        received = _post(chiefs[name], f"{base}/joint-lanes/{lanes[name]}/receive", when=at(11, day, 15))
        assert received.status_code == 200, received.content
    assert deadlines() == {
        "自然资源和规划局": "2026-11-09",
        "住房和城乡建设局": "2026-11-17",
        "生态环境局": "2026-11-11",
    }

    # Housing lacks a document: its clock and environment's stop until the one correction (R-PAR-8).
    missing = _post(
        chiefs["住房和城乡建设局"],
        f"{base}/joint-lanes/{lanes['住房和城乡建设局']}/second-procedure",
        {"reason": "缺少施工图审查合格书。", "also": [lanes["生态环境局"]]},
        when=at(11, 5),
    )
    assert missing.status_code == 200, missing.content
    assert deadlines() == {"自然资源和规划局": "2026-11-09", "住房和城乡建设局": None, "生态环境局": None}
    corrected = _post(token_client(hall.clerk), f"{base}/joint-cases/{joint_id}/correction", when=at(11, 10))
    assert corrected.status_code == 200, corrected.content
    assert deadlines() == {
        "自然资源和规划局": "2026-11-09",
        "住房和城乡建设局": "2026-11-20",
        "生态环境局": "2026-11-16",
    }

    # Planning overran its limit: the morning sweep records it, and the supervision section sees it (R-PAR-10).
    with time_machine.travel(at(11, 10, 1), tick=False):
        timers_sweep(today=date(2026, 11, 10))
    assert JointLateness.objects.get().department == project.planning.department
    with time_machine.travel(at(11, 20), tick=False):
        lateness = token_client(hall.supervision).get(f"{base}/joint-lateness", {"start": "2026-11-01"})
        assert token_client(hall.clerk).get(f"{base}/joint-lateness").status_code == 403
    assert lateness.status_code == 200 and lateness.json() == [{"department": "自然资源和规划局", "late": 1}]

    # Clear opinions (R-PAR-5); an unclear one is refused with its rule.
    unclear = _post(
        chiefs["生态环境局"],
        f"{base}/joint-lanes/{lanes['生态环境局']}/opinion",
        {"opinion": "disagree"},
        when=at(11, 11),
    )
    assert unclear.status_code == 422 and unclear.json()["error"]["rule"] == "R-PAR-5"
    early = _post(lead, f"{base}/joint-cases/{joint_id}/inspect", {"result": "验收"}, when=at(11, 11))
    assert early.status_code == 422 and early.json()["error"]["rule"] == "R-PAR-11"
    for name, opinion, text in (
        ("自然资源和规划局", "agree", ""),
        ("住房和城乡建设局", "conditions", "须按审查意见修改施工图。"),
        ("生态环境局", "agree", ""),
    ):
        given = _post(
            chiefs[name],
            f"{base}/joint-lanes/{lanes[name]}/opinion",
            {"opinion": opinion, "text": text, "signed_by": "局长"},
            when=at(11, 12),
        )
        assert given.status_code == 200, given.content
    inspected = _post(
        lead, f"{base}/joint-cases/{joint_id}/inspect", {"result": "意见齐全，验收通过。"}, when=at(11, 13)
    )
    assert inspected.status_code == 200 and inspected.json()["state"] == "inspected"
    provincial = lead.get(f"{base}/joint-cases/{joint_id}/provincial")
    assert provincial.status_code == 200 and provincial.json()["project_code"] == "P-1"
    # The applicant sees one case: the joint case is its case.
    assert JointCase.objects.get().case_id == project.case.pk


def test_r_par_4_a_joint_case_is_read_only_by_its_departments_and_the_centre(hall: Any) -> None:
    project = make_project(hall)
    base = f"/api/v1/centers/{hall.center.code}"
    opened = _post(token_client(hall.chief), f"{base}/cases/{project.case.pk}/joint", when=at(11, 2, 9))
    joint_id = opened.json()["id"]
    lane = JointLane.objects.filter(joint_case_id=joint_id).first()
    assert lane is not None
    assert token_client(project.housing.clerk).get(f"{base}/joint-cases/{joint_id}").status_code == 200
    assert token_client(hall.supervision).get(f"{base}/joint-cases/{joint_id}").status_code == 200
    assert token_client(hall.other_clerk).get(f"{base}/joint-cases/{joint_id}").status_code == 404
    assert token_client(hall.outsider).get(f"{base}/joint-cases/{joint_id}").status_code == 404
    stranger = _post(token_client(hall.other_clerk), f"{base}/joint-lanes/{lane.pk}/receive", when=at(11, 3))
    assert stranger.status_code == 404
    lane.refresh_from_db()
    assert lane.received_at is None
