"""Full agency through the API (R-AGT-1 … R-AGT-4, R-AGT-6), with token clients as an API client signs in: each
operation's success, its refusal (the rule id in `error.rule`, or 403 for who may not act) leaving nothing
changed, and 404 for a user of another centre. The hand-over recipient's identity number is only ever masked."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
import time_machine

from agency import services
from agency.models import AgencyDelay, AgencyLicence, AgencyProject, AgencyTask, LicenceStage, ProjectState
from api.tests.helpers import token_client
from org.models import StaffProfile

from .helpers import CREDIT_CODE, ID_NUMBER, at, confirmed, handed_over, issue, licence_of, propose

pytestmark = pytest.mark.usefixtures("national_calendar")


def _base(hall: Any) -> str:
    return f"/api/v1/centers/{hall.center.code}"


def _post(staff: StaffProfile, url: str, data: dict[str, Any] | None = None, *, when: datetime) -> Any:
    with time_machine.travel(when, tick=False):
        return token_client(staff).post(url, data or {}, format="json")


def _rule(response: Any) -> str:
    assert response.status_code == 422, response.content
    return str(response.json()["error"]["rule"])


def test_r_agt_1_a_project_is_proposed_and_shown_on_the_board(hall: Any) -> None:
    url = f"{_base(hall)}/agency-projects"
    values = {
        "name": "新能源电池生产线项目",
        "enterprise_name": "示范新能源科技有限公司",
        "credit_code": CREDIT_CODE,
        "scope": "development_zone",
    }
    assert _post(hall.clerk, url, values, when=at(4, 1)).status_code == 403
    assert _rule(
        _post(hall.coordination, url, {**values, "credit_code": "91331000MA2A0B1C0X"}, when=at(4, 1))
    ) == ("R-AGT-1")
    assert (
        _rule(_post(hall.coordination, url, {**values, "scope": "major_project"}, when=at(4, 1))) == "R-AGT-1"
    )
    assert not AgencyProject.objects.exists()

    proposed = _post(hall.coordination, url, values, when=at(4, 1))
    assert proposed.status_code == 201, proposed.content
    assert proposed.json()["state"] == ProjectState.PROPOSED and proposed.json()["team"] == []

    board = token_client(hall.clerk).get(url)
    assert board.status_code == 200
    (row,) = board.json()
    assert row["id"] == proposed.json()["id"] and row["licences"] == 0
    assert row["by_stage"] == dict.fromkeys(LicenceStage.values, 0)
    assert token_client(hall.clerk).get(url, {"state": "closed"}).json() == []
    assert token_client(hall.clerk).get(url, {"state": "nonsense"}).status_code == 400

    outsider = token_client(hall.outsider)
    assert outsider.get(url).status_code == 404
    assert outsider.get(f"{url}/{row['id']}").status_code == 404


def test_r_agt_2_the_director_confirms_a_project_and_forms_its_team(hall: Any, deputy: Any) -> None:
    project = propose(hall)
    url = f"{_base(hall)}/agency-projects/{project.pk}/confirm"
    team = {"leader": deputy.pk, "coordination_head": hall.coordination.pk, "windows": [hall.window.pk]}

    assert _post(hall.coordination, url, team, when=at(4, 2)).status_code == 403
    assert _rule(_post(hall.director, url, {**team, "leader": hall.clerk.pk}, when=at(4, 2))) == "R-AGT-2"
    assert _post(hall.director, url, {**team, "windows": [2**31 - 1]}, when=at(4, 2)).status_code == 400
    assert _post(hall.outsider, url, team, when=at(4, 2)).status_code == 404
    project.refresh_from_db()
    assert project.state == ProjectState.PROPOSED

    done = _post(hall.director, url, team, when=at(4, 2))
    assert done.status_code == 200, done.content
    assert done.json()["state"] == ProjectState.CONFIRMED
    assert {(m["staff"], m["role"]) for m in done.json()["team"]} == {
        (deputy.pk, "leader"),
        (hall.coordination.pk, "coordination"),
        (hall.chief.pk, "chief_representative"),
    }
    assert _rule(_post(hall.director, url, team, when=at(4, 2))) == "R-AGT-2"


def test_r_agt_3_the_team_assigns_a_task_the_window_takes_and_finishes_it(hall: Any, deputy: Any) -> None:
    project = confirmed(hall, deputy)
    url = f"{_base(hall)}/agency-projects/{project.pk}/tasks"
    task = {"window": hall.window.pk, "title": "准备外商投资备案材料", "due_days": 3}

    assert _post(hall.clerk, url, task, when=at(4, 7)).status_code == 403
    assert _post(hall.outsider, url, task, when=at(4, 7)).status_code == 404
    assert _post(deputy, url, {**task, "due_days": 0}, when=at(4, 7)).status_code == 400
    assert not AgencyTask.objects.exists()

    assigned = _post(deputy, url, task, when=at(4, 7))
    assert assigned.status_code == 201, assigned.content
    (row,) = assigned.json()["tasks"]
    assert row["state"] == "assigned" and row["window"] == "A01" and row["due_on"] == "2026-04-10"

    take = f"{_base(hall)}/agency-tasks/{row['id']}/take"
    finish = f"{_base(hall)}/agency-tasks/{row['id']}/finish"
    assert _rule(_post(hall.chief, finish, {"result": "已办结"}, when=at(4, 7, 10))) == "R-AGT-3"
    assert _post(hall.clerk, take, when=at(4, 7, 10)).status_code == 403
    assert _post(hall.outsider, take, when=at(4, 7, 10)).status_code == 404
    taken = _post(hall.chief, take, when=at(4, 7, 10))
    assert taken.status_code == 200, taken.content
    assert taken.json()["tasks"][0]["taken_by"] == hall.chief.name
    assert _rule(_post(hall.chief, take, when=at(4, 7, 11))) == "R-AGT-3"

    finished = _post(hall.chief, finish, {"result": "材料已备齐并提交"}, when=at(4, 9))
    assert finished.status_code == 200, finished.content
    assert finished.json()["tasks"][0]["state"] == "done"
    assert finished.json()["tasks"][0]["result"] == "材料已备齐并提交"


def test_r_agt_4_a_licence_is_listed_and_moved_stage_by_stage(hall: Any, deputy: Any) -> None:
    project = confirmed(hall, deputy)
    url = f"{_base(hall)}/agency-projects/{project.pk}/licences"
    licence = {"name": "外商投资企业备案回执", "window": hall.window.pk}

    assert _post(hall.clerk, url, licence, when=at(4, 3)).status_code == 403
    assert _post(hall.outsider, url, licence, when=at(4, 3)).status_code == 404
    listed = _post(deputy, url, licence, when=at(4, 3))
    assert listed.status_code == 201, listed.content
    assert _rule(_post(deputy, url, licence, when=at(4, 3))) == "R-AGT-4"
    (row,) = listed.json()["licences"]
    assert row["stage"] == LicenceStage.GATHERING

    move = f"{_base(hall)}/agency-licences/{row['id']}/move"
    assert _rule(_post(hall.coordination, move, {"to_stage": "issued"}, when=at(4, 8))) == "R-AGT-4"
    assert _post(hall.outsider, move, {"to_stage": "complete"}, when=at(4, 8)).status_code == 404
    moved = _post(hall.chief, move, {"to_stage": "complete"}, when=at(4, 8))
    assert moved.status_code == 200, moved.content
    assert moved.json()["licences"][0]["stage"] == LicenceStage.COMPLETE
    assert [c["to_stage"] for c in moved.json()["licences"][0]["log"]][-1] == LicenceStage.COMPLETE
    # The joint review is the team's act, not the window's.
    assert _post(hall.chief, move, {"to_stage": "joint_review"}, when=at(4, 9)).status_code == 403
    assert _rule(_post(deputy, move, {"to_stage": "gathering"}, when=at(4, 9))) == "R-AGT-4"
    assert AgencyLicence.objects.get().stage == LicenceStage.COMPLETE

    board = token_client(hall.clerk).get(f"{_base(hall)}/agency-projects").json()
    assert board[0]["licences"] == 1 and board[0]["by_stage"]["complete"] == 1


def test_r_agt_6_a_delay_is_recorded_against_a_window_involved(hall: Any, deputy: Any) -> None:
    proposed = propose(hall)
    delay = {"kind": "overdue", "description": "逾期未提交材料", "window": hall.window.pk}
    early = _post(
        hall.coordination, f"{_base(hall)}/agency-projects/{proposed.pk}/delays", delay, when=at(4, 2)
    )
    assert _rule(early) == "R-AGT-6"

    project = confirmed(hall, deputy, when=at(4, 2))
    url = f"{_base(hall)}/agency-projects/{project.pk}/delays"
    assert _post(hall.clerk, url, delay, when=at(4, 20)).status_code == 403
    assert _post(hall.outsider, url, delay, when=at(4, 20)).status_code == 404
    assert _rule(_post(deputy, url, {**delay, "window": hall.other_window.pk}, when=at(4, 20))) == "R-AGT-6"
    assert not AgencyDelay.objects.exists()

    recorded = _post(deputy, url, delay, when=at(4, 20))
    assert recorded.status_code == 201, recorded.content
    (row,) = recorded.json()["delays"]
    assert row["kind"] == "overdue" and row["window"] == "A01" and row["reported_on"] is None


def test_r_agt_5_the_project_shows_the_hand_over_recipient_s_id_number_only_masked(
    hall: Any, deputy: Any
) -> None:
    project = confirmed(hall, deputy)
    handed_over(hall, deputy, project, when=at(4, 22))
    response = token_client(hall.clerk).get(f"{_base(hall)}/agency-projects/{project.pk}")
    assert response.status_code == 200
    hand_over = response.json()["hand_over"]
    assert hand_over["recipient_name"] == "陈接收" and hand_over["licences"] == 1
    assert hand_over["recipient_id_number"] == ID_NUMBER[:3] + "*" * 11 + ID_NUMBER[-4:]
    assert ID_NUMBER not in response.content.decode()
    assert response.json()["licences"][0]["licence_number"] == "证字001号"


def test_r_agt_5_the_signed_hand_over_register_prints_through_the_api_with_the_id_number_masked(
    hall: Any, deputy: Any
) -> None:
    import io

    from pypdf import PdfReader

    project = confirmed(hall, deputy)
    url = f"{_base(hall)}/agency-projects/{project.pk}/hand-over.pdf"
    assert token_client(hall.clerk).get(url).status_code == 404  # nothing signed yet
    handed_over(hall, deputy, project, when=at(4, 22))
    named = token_client(hall.clerk).get(f"{_base(hall)}/agency-projects/{project.pk}").json()
    assert named["hand_over"]["pdf"] == url
    assert token_client(hall.outsider).get(url).status_code == 404  # another centre
    printed = token_client(hall.clerk).get(url)
    assert printed.status_code == 200 and printed["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(printed.content)).pages)
    assert "证字001号" in text and "陈接收" in text
    assert ID_NUMBER not in text and ID_NUMBER[-4:] in text


def test_r_agt_2_the_team_adds_a_window_s_chief_representative_later(hall: Any, deputy: Any) -> None:
    project = confirmed(hall, deputy)
    hall.other_window.chief_representative = hall.other_clerk
    hall.other_window.save()
    url = f"{_base(hall)}/agency-projects/{project.pk}/members"
    member = {"window": hall.other_window.pk, "staff": hall.other_clerk.pk}

    assert _post(hall.clerk, url, member, when=at(4, 3)).status_code == 403
    assert _post(hall.outsider, url, member, when=at(4, 3)).status_code == 404
    assert _rule(_post(deputy, url, {**member, "staff": hall.clerk.pk}, when=at(4, 3))) == "R-AGT-2"
    assert _post(deputy, url, {**member, "window": 2**31 - 1}, when=at(4, 3)).status_code == 400
    assert project.members.count() == 3

    added = _post(deputy, url, member, when=at(4, 3))
    assert added.status_code == 201, added.content
    assert {"staff": hall.other_clerk.pk, "name": hall.other_clerk.name, "role": "chief_representative",
            "window": "B02"} in added.json()["team"]  # fmt: skip
    assert _rule(_post(deputy, url, member, when=at(4, 3))) == "R-AGT-2"


def test_r_agt_3_the_team_records_a_meeting(hall: Any, deputy: Any) -> None:
    project = confirmed(hall, deputy)
    url = f"{_base(hall)}/agency-projects/{project.pk}/meetings"
    meeting = {
        "held_at": at(4, 3, 10).isoformat(),
        "place": "二楼会商室",
        "minutes": "明确分工",
        "attendees": [deputy.pk, hall.chief.pk],
    }

    assert _post(hall.clerk, url, meeting, when=at(4, 3, 12)).status_code == 403
    assert _post(hall.outsider, url, meeting, when=at(4, 3, 12)).status_code == 404
    future = _post(deputy, url, {**meeting, "held_at": at(4, 3, 15).isoformat()}, when=at(4, 3, 12))
    assert _rule(future) == "R-AGT-3" and future.json()["error"]["field"] == "held_at"
    assert _post(deputy, url, {**meeting, "attendees": []}, when=at(4, 3, 12)).status_code == 400
    assert not project.meetings.exists()

    recorded = _post(deputy, url, meeting, when=at(4, 3, 12))
    assert recorded.status_code == 201, recorded.content
    (row,) = recorded.json()["meetings"]
    assert row["place"] == "二楼会商室" and sorted(row["attendees"]) == sorted([deputy.name, hall.chief.name])


def test_r_agt_6_the_day_a_delay_was_reported_is_recorded(hall: Any, deputy: Any) -> None:
    project = confirmed(hall, deputy)
    delay = services.agency_delay_record(
        actor=deputy.user,
        project=project,
        kind="shirking",
        description="推诿不接收任务",
        window=hall.window,
        at=at(4, 20),
    )
    url = f"{_base(hall)}/agency-delays/{delay.pk}/report"

    assert _post(hall.clerk, url, {"reported_on": "2026-04-21"}, when=at(4, 22)).status_code == 403
    assert _post(hall.outsider, url, {"reported_on": "2026-04-21"}, when=at(4, 22)).status_code == 404
    early = _post(deputy, url, {"reported_on": "2026-04-19"}, when=at(4, 22))
    assert _rule(early) == "R-AGT-6" and early.json()["error"]["code"] == "reported_on"
    assert _post(deputy, url, {"reported_on": "nonsense"}, when=at(4, 22)).status_code == 400
    delay.refresh_from_db()
    assert delay.reported_on is None

    reported = _post(deputy, url, {"reported_on": "2026-04-21"}, when=at(4, 22))
    assert reported.status_code == 200, reported.content
    assert reported.json()["delays"][0]["reported_on"] == "2026-04-21"
    assert _rule(_post(deputy, url, {"reported_on": "2026-04-22"}, when=at(4, 22))) == "R-AGT-6"


def test_r_agt_5_the_hand_over_is_signed_and_the_project_closed(hall: Any, deputy: Any) -> None:
    project = confirmed(hall, deputy)
    licence = licence_of(hall, project)
    url = f"{_base(hall)}/agency-projects/{project.pk}/hand-over"
    close = f"{_base(hall)}/agency-projects/{project.pk}/close"
    sign = {"recipient_name": "陈接收", "recipient_id_number": ID_NUMBER, "note": "如数移交"}

    not_issued = _post(deputy, url, sign, when=at(4, 10))
    assert _rule(not_issued) == "R-AGT-5" and not_issued.json()["error"]["code"] == "not_all_issued"
    assert _rule(_post(deputy, close, when=at(4, 10))) == "R-AGT-5"
    issue(hall, licence)
    assert _post(hall.clerk, url, sign, when=at(4, 22)).status_code == 403
    assert _post(hall.outsider, url, sign, when=at(4, 22)).status_code == 404
    bad_id = _post(deputy, url, {**sign, "recipient_id_number": ID_NUMBER[:-1] + "0"}, when=at(4, 22))
    assert _rule(bad_id) == "R-AGT-5" and bad_id.json()["error"]["field"] == "recipient_id_number"
    project.refresh_from_db()
    assert project.state == ProjectState.CONFIRMED

    signed = _post(deputy, url, sign, when=at(4, 22))
    assert signed.status_code == 201, signed.content
    hand_over = signed.json()["hand_over"]
    assert signed.json()["state"] == ProjectState.HANDED_OVER
    assert hand_over["signed_by"] == deputy.name and hand_over["note"] == "如数移交"
    assert hand_over["rows"] == [
        {"name": "外商投资企业备案回执", "licence_number": "证字001号", "issued_on": "2026-04-20",
         "issuer": hall.department.name}
    ]  # fmt: skip
    assert hand_over["pdf"] == f"{_base(hall)}/agency-projects/{project.pk}/hand-over.pdf"
    assert ID_NUMBER not in signed.content.decode()
    assert _rule(_post(deputy, url, sign, when=at(4, 22))) == "R-AGT-5"

    assert _post(hall.clerk, close, when=at(4, 23)).status_code == 403
    assert _post(hall.outsider, close, when=at(4, 23)).status_code == 404
    closed = _post(deputy, close, when=at(4, 23))
    assert closed.status_code == 200, closed.content
    assert closed.json()["state"] == ProjectState.CLOSED and closed.json()["closed_at"]
    assert _rule(_post(deputy, close, when=at(4, 24))) == "R-AGT-5"
