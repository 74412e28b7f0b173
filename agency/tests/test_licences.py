"""Every licence tracked to issuance (R-AGT-4), handed over on a register signed on both sides and printed
(R-AGT-5), delays recorded for the discipline authority (R-AGT-6), and the project board with its Excel export."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from agency import services
from agency.models import (
    AgencyDelay,
    AgencyLicence,
    DelayKind,
    HandOver,
    LicenceStage,
    LicenceStageChange,
    ProjectState,
)
from common.errors import PermissionDenied, RuleViolation
from org.models import Role
from org.tests import factories as f

from .helpers import ID_NUMBER, at, confirmed, issue, propose

pytestmark = pytest.mark.usefixtures("national_calendar")


def _licence(hall: Any, project: Any, name: str = "外商投资企业备案回执") -> AgencyLicence:
    return services.agency_licence_add(
        actor=hall.coordination.user, project=project, name=name, window=hall.window, at=at(4, 3)
    )


# --- R-AGT-4: licences ------------------------------------------------------------------------------------------


def test_r_agt_4_a_licence_moves_stage_by_stage_to_issuance_each_change_logged(
    hall: Any, deputy: Any, login: Any
) -> None:
    project = confirmed(hall, deputy)
    client = login(deputy)
    with time_machine.travel(at(4, 3), tick=False):
        assert (
            client.post(
                reverse("agency:licence_add", args=[project.pk]),
                {"name": "建设工程规划许可证", "window": hall.window.pk, "item_code": "", "case_number": ""},
            ).status_code
            == 302
        )
    licence = AgencyLicence.objects.get()
    url = reverse("agency:licence_move", args=[project.pk])
    steps = [
        (at(4, 7), hall.chief, {"to_stage": "complete"}),  # the window gathered the materials
        (at(4, 9), deputy, {"to_stage": "joint_review"}),  # the team reviews them together
        (at(4, 10), hall.coordination, {"to_stage": "submitted"}),
        (
            at(4, 20),
            hall.chief,
            {"to_stage": "issued", "licence_number": "建字第2026-018号", "issued_on": "2026-04-20"},
        ),
    ]
    for moment, who, data in steps:
        with time_machine.travel(moment, tick=False):
            response = login(who).post(url, {"licence": licence.pk, "reason": "", **data})
        assert response.status_code == 302, data
    licence.refresh_from_db()
    assert (licence.stage, licence.licence_number, licence.issued_on) == (
        LicenceStage.ISSUED,
        "建字第2026-018号",
        date(2026, 4, 20),
    )
    log = [
        (c.from_stage, c.to_stage, c.at, c.actor_id)
        for c in LicenceStageChange.objects.filter(licence=licence)
    ]
    assert log == [
        ("", "gathering", at(4, 3), deputy.user.pk),
        ("gathering", "complete", at(4, 7), hall.chief.user.pk),
        ("complete", "joint_review", at(4, 9), deputy.user.pk),
        ("joint_review", "submitted", at(4, 10), hall.coordination.user.pk),
        ("submitted", "issued", at(4, 20), hall.chief.user.pk),
    ]
    with pytest.raises(TypeError):
        LicenceStageChange.objects.filter(licence=licence).delete()  # append-only


def test_r_agt_4_no_skipping_ahead_and_no_going_back_without_a_reason(
    hall: Any, deputy: Any, login: Any
) -> None:
    project = confirmed(hall, deputy)
    licence = _licence(hall, project)
    client = login(deputy)
    url = reverse("agency:licence_move", args=[project.pk])
    response = client.post(url, {"licence": licence.pk, "to_stage": "joint_review"})
    assert response.status_code == 422
    assert "证照进度须逐步推进：下一步是“材料齐全”。（R-AGT-4）" in response.content.decode()
    assert client.post(url, {"licence": licence.pk, "to_stage": "complete"}).status_code == 302
    response = client.post(url, {"licence": licence.pk, "to_stage": "gathering", "reason": ""})
    assert (
        response.status_code == 422 and "退回以前的进度须说明原因。（R-AGT-4）" in response.content.decode()
    )
    assert (
        client.post(
            url, {"licence": licence.pk, "to_stage": "gathering", "reason": "缺少土地证明"}
        ).status_code
        == 302
    )
    licence.refresh_from_db()
    assert licence.stage == LicenceStage.GATHERING
    assert LicenceStageChange.objects.filter(licence=licence).last().reason == "缺少土地证明"
    services.agency_licence_move(actor=deputy.user, licence=licence, to_stage="complete")
    services.agency_licence_move(actor=deputy.user, licence=licence, to_stage="joint_review")
    services.agency_licence_move(actor=deputy.user, licence=licence, to_stage="submitted")
    with pytest.raises(RuleViolation) as refused:
        services.agency_licence_move(actor=deputy.user, licence=licence, to_stage="issued")
    assert (refused.value.rule, refused.value.code) == ("R-AGT-4", "no_number")


def test_r_agt_4_the_joint_review_is_the_team_s_and_the_window_moves_only_its_own(
    hall: Any, deputy: Any, login: Any
) -> None:
    project = confirmed(hall, deputy)
    licence = _licence(hall, project)
    url = reverse("agency:licence_move", args=[project.pk])
    assert (
        login(hall.other_clerk).post(url, {"licence": licence.pk, "to_stage": "complete"}).status_code == 403
    )
    assert login(hall.clerk).post(url, {"licence": licence.pk, "to_stage": "complete"}).status_code == 403
    assert login(hall.chief).post(url, {"licence": licence.pk, "to_stage": "complete"}).status_code == 302
    assert login(hall.chief).post(url, {"licence": licence.pk, "to_stage": "joint_review"}).status_code == 403
    licence.refresh_from_db()
    assert licence.stage == LicenceStage.COMPLETE


def test_r_agt_4_the_board_shows_each_project_s_licences_by_stage_in_bounded_queries(
    hall: Any, deputy: Any, login: Any
) -> None:
    first = confirmed(hall, deputy)
    a, b = _licence(hall, first, "备案回执"), _licence(hall, first, "规划许可证")
    _licence(hall, first, "施工许可证")
    issue(hall, a)
    services.agency_licence_move(actor=hall.coordination.user, licence=b, to_stage="complete")
    propose(hall, name="物流园项目")
    client = login(hall.clerk)
    client.get(reverse("agency:board"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("agency:board"))
    assert response.status_code == 200
    body = response.content.decode()
    row = body.split(f'id="project-{first.pk}"')[1].split("</tr>")[0]
    cells = row.split('<td class="num">')[1:]
    # 3 licences: gathering 1, complete 1, joint review 0, submitted 0, issued 1; no tasks, no delays.
    assert [c.split("<")[0] for c in cells[:6]] == ["3", "1", "1", "0", "0", "1"]
    assert "物流园项目" in body
    for _ in range(3):
        propose(hall, name="另一个项目")
    with CaptureQueriesContext(connection) as more:
        client.get(reverse("agency:board"))
    assert len(more) == len(queries)


def test_r_agt_4_the_board_exports_to_excel(hall: Any, deputy: Any, login: Any) -> None:
    project = confirmed(hall, deputy)
    issue(hall, _licence(hall, project))
    response = login(hall.office).get(reverse("agency:board_xlsx"))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["全程代办项目", "说明"]
    rows = list(workbook["全程代办项目"].iter_rows(values_only=True))
    assert rows[0][:7] == (
        "项目名称",
        "企业名称",
        "统一社会信用代码",
        "代办范围",
        "状态",
        "牵头副主任",
        "证照数",
    )
    assert rows[0][7:12] == ("收集材料", "材料齐全", "集中会审", "已报办", "已发证")
    assert rows[1][:12] == (
        "新能源电池生产线项目",
        "示范新能源科技有限公司",
        project.credit_code,
        "落户经济开发区的投资项目",
        "代办中",
        "孙副主任",
        1,
        0,
        0,
        0,
        0,
        1,
    )
    assert len(rows) == 2


# --- R-AGT-5: the hand-over ------------------------------------------------------------------------------------------


def test_r_agt_5_the_hand_over_waits_until_every_licence_is_issued(
    hall: Any, deputy: Any, login: Any
) -> None:
    project = confirmed(hall, deputy)
    issue(hall, _licence(hall, project, "备案回执"))
    _licence(hall, project, "规划许可证")
    data = {"recipient_name": "陈接收", "recipient_id_number": ID_NUMBER, "note": ""}
    response = login(deputy).post(reverse("agency:hand_over_sign", args=[project.pk]), data)
    assert response.status_code == 422
    assert "证照全部办齐后方可移交，尚未发证：规划许可证。（R-AGT-5）" in response.content.decode()
    assert not HandOver.objects.exists()
    with pytest.raises(RuleViolation) as refused:
        services.agency_project_close(actor=deputy.user, project=project)
    assert refused.value.code == "not_handed_over"


def test_r_agt_5_the_register_lists_each_licence_signed_on_both_sides(
    hall: Any, deputy: Any, login: Any
) -> None:
    project = confirmed(hall, deputy)
    issue(hall, _licence(hall, project, "备案回执"), number="备2026-07号", on=date(2026, 4, 16))
    issue(hall, _licence(hall, project, "规划许可证"), number="建字第2026-018号", on=date(2026, 4, 20))
    client = login(deputy)
    url = reverse("agency:hand_over_sign", args=[project.pk])
    bad = client.post(url, {"recipient_name": "陈接收", "recipient_id_number": ID_NUMBER[:17] + "0"})
    assert bad.status_code == 422 and "接收人身份证号无效。（R-AGT-5）" in bad.content.decode()
    with time_machine.travel(at(4, 22, 15), tick=False):
        response = client.post(
            url, {"recipient_name": "陈接收", "recipient_id_number": ID_NUMBER, "note": ""}
        )
    assert response.status_code == 302
    hand_over = HandOver.objects.get()
    assert (hand_over.signed_by_id, hand_over.signed_at, hand_over.recipient_name) == (
        deputy.pk,
        at(4, 22, 15),
        "陈接收",
    )
    assert [(r.name, r.licence_number, r.issued_on, r.issuer) for r in hand_over.rows.all()] == [
        ("备案回执", "备2026-07号", date(2026, 4, 16), "外经贸局"),
        ("规划许可证", "建字第2026-018号", date(2026, 4, 20), "外经贸局"),
    ]
    project.refresh_from_db()
    assert project.state == ProjectState.HANDED_OVER
    page = client.get(reverse("agency:project_detail", args=[project.pk])).content.decode()
    assert "331***********" + ID_NUMBER[-4:] in page and ID_NUMBER not in page
    assert login(deputy).post(reverse("agency:project_close", args=[project.pk])).status_code == 302
    project.refresh_from_db()
    assert project.state == ProjectState.CLOSED


def test_r_agt_5_the_register_prints_on_one_a4_page(hall: Any, deputy: Any, login: Any) -> None:
    pypdf = pytest.importorskip("pypdf")
    project = confirmed(hall, deputy)
    issue(hall, _licence(hall, project, "备案回执"), number="备2026-07号")
    services.handover_sign(
        actor=deputy.user,
        project=project,
        recipient_name="陈接收",
        recipient_id_number=ID_NUMBER,
        at=at(4, 22),
    )
    response = login(hall.clerk).get(reverse("agency:hand_over_pdf", args=[project.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    text = "".join((reader.pages[0].extract_text() or "").split())
    for expected in (
        "全程代办证照交接登记表",
        "备案回执",
        "备2026-07号",
        "孙副主任",
        "陈接收",
        "331***********",
    ):
        assert expected in text
    assert ID_NUMBER not in text
    other = propose(hall, name="物流园项目")
    assert login(hall.clerk).get(reverse("agency:hand_over_pdf", args=[other.pk])).status_code == 404


# --- R-AGT-6: delays ---------------------------------------------------------------------------------------------------


def test_r_agt_6_a_delay_by_a_window_is_recorded_and_reported_to_the_discipline_authority(
    hall: Any, deputy: Any, login: Any
) -> None:
    project = confirmed(hall, deputy)
    task = services.agency_task_assign(
        actor=deputy.user, project=project, window=hall.window, title="补齐用地材料", due_days=3, at=at(4, 7)
    )
    client = login(hall.coordination)
    with time_machine.travel(at(4, 15), tick=False):
        response = client.post(
            reverse("agency:delay_record", args=[project.pk]),
            {
                "kind": DelayKind.OVERDUE,
                "window": hall.window.pk,
                "task": task.pk,
                "description": "逾期三日未接收",
            },
        )
    assert response.status_code == 302
    delay = AgencyDelay.objects.get()
    assert (
        delay.kind,
        delay.window_id,
        delay.member_id,
        delay.task_id,
        delay.recorded_at,
        delay.reported_on,
    ) == (
        DelayKind.OVERDUE,
        hall.window.pk,
        None,
        task.pk,
        at(4, 15),
        None,
    )
    report = reverse("agency:delay_report", args=[project.pk])
    with time_machine.travel(at(4, 16), tick=False):
        assert (
            client.post(report, {"delay": delay.pk, "reported_on": "2026-04-17"}).status_code == 422
        )  # future
        assert client.post(report, {"delay": delay.pk, "reported_on": "2026-04-16"}).status_code == 302
    delay.refresh_from_db()
    assert delay.reported_on == date(2026, 4, 16)
    page = client.get(reverse("agency:project_detail", args=[project.pk])).content.decode()
    assert "逾期三日未接收" in page and "2026-04-16" in page


def test_r_agt_6_a_delay_names_a_member_or_a_window_involved_and_the_leadership_records_it(
    hall: Any, deputy: Any, login: Any
) -> None:
    project = confirmed(hall, deputy)
    url = reverse("agency:delay_record", args=[project.pk])
    client = login(deputy)
    response = client.post(url, {"kind": DelayKind.SHIRKING, "description": "互相推诿"})
    assert (
        response.status_code == 422
        and "请指明造成延误的专班成员或窗口。（R-AGT-6）" in response.content.decode()
    )
    response = client.post(
        url, {"kind": DelayKind.SHIRKING, "window": hall.other_window.pk, "description": "推诿"}
    )
    assert response.status_code == 422
    assert f"窗口{hall.other_window.number}未参与本项目。（R-AGT-6）" in response.content.decode()
    with pytest.raises(RuleViolation) as refused:  # the page offers only the team's members
        services.agency_delay_record(
            actor=deputy.user,
            project=project,
            kind=DelayKind.PERFUNCTORY,
            member=hall.clerk,
            description="敷衍",
        )
    assert (refused.value.rule, refused.value.message) == ("R-AGT-6", "王受理不是本项目专班成员。")
    assert (
        client.post(
            url, {"kind": DelayKind.PERFUNCTORY, "member": hall.chief.pk, "description": "敷衍"}
        ).status_code
        == 302
    )
    assert (
        login(hall.chief)
        .post(url, {"kind": DelayKind.SHIRKING, "member": deputy.pk, "description": "x"})
        .status_code
        == 403
    )
    other_deputy = f.make_staff(hall.center, name="李副主任")
    f.grant(other_deputy.user, hall.center, Role.DEPUTY)
    services.agency_delay_record(
        actor=other_deputy.user,
        project=project,
        kind=DelayKind.SHIRKING,
        member=deputy,
        description="牵头不力",
    )
    with pytest.raises(PermissionDenied):
        services.agency_delay_record(
            actor=hall.supervision.user,
            project=project,
            kind=DelayKind.SHIRKING,
            member=deputy,
            description="x",
        )
    assert AgencyDelay.objects.count() == 2
