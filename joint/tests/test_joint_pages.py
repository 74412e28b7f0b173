"""The joint-approval pages (R-PAR-4 … R-PAR-7, R-PAR-10, R-PAR-11): each person is offered the steps they may
take, each step is one POST through the services, a refusal is shown with its rule and changes nothing, and the
supervision section reads lateness by department and exports it."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from workdays.timers import timers_sweep

from ..models import JointLane, ReviewItem
from ..services import joint_case_open
from .helpers import at, lane_of, make_project, opened

pytestmark = pytest.mark.usefixtures("national_calendar")


def _page(client: Any, url: str, when: Any) -> str:
    with time_machine.travel(when, tick=False):
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _post(client: Any, url: str, data: dict[str, Any] | None = None, *, when: Any) -> Any:
    with time_machine.travel(when, tick=False):
        return client.post(url, data or {})


def test_r_par_4_r_par_5_the_joint_case_page_offers_each_person_their_steps(hall: Any, login: Any) -> None:
    project = make_project(hall)
    joint_case = joint_case_open(actor=hall.chief.user, case=project.case, at=at(11, 2, 9))
    detail = reverse("joint:detail", args=[joint_case.pk])
    planning = lane_of(joint_case, project.planning)
    notify = reverse("joint:lane_notify", args=[planning.pk])
    receive = reverse("joint:lane_receive", args=[planning.pk])
    assert notify in _page(login(hall.chief), detail, at(11, 2, 10))  # the lead notifies
    assert notify not in _page(login(project.planning.chief), detail, at(11, 2, 10))
    # Someone of neither the lead nor an involved department does not see the case at all.
    with time_machine.travel(at(11, 2, 10), tick=False):
        assert login(hall.other_clerk).get(detail).status_code == 404
    assert _post(login(hall.chief), notify, when=at(11, 2, 10)).status_code == 302
    assert receive in _page(login(project.planning.clerk), detail, at(11, 2, 11))
    assert _post(login(project.planning.clerk), receive, when=at(11, 2, 15)).status_code == 302
    html = _page(login(project.planning.chief), detail, at(11, 3))
    assert "2026-11-09" in html  # its deadline, 5 working days from Monday 2 November
    opinion = reverse("joint:lane_opinion", args=[planning.pk])
    assert opinion in html and opinion not in _page(login(project.planning.clerk), detail, at(11, 3))
    refused = _post(
        login(project.planning.chief), opinion, {"opinion": "disagree", "text": ""}, when=at(11, 3)
    )
    assert refused.status_code == 422 and "R-PAR-5" in refused.content.decode()
    assert JointLane.objects.get(pk=planning.pk).opinion == ""
    given = _post(
        login(project.planning.chief),
        opinion,
        {"opinion": "conditions", "text": "退让道路红线。", "signed_by": "王局长"},
        when=at(11, 3),
    )
    assert given.status_code == 302 and JointLane.objects.get(pk=planning.pk).opinion == "conditions"
    with time_machine.travel(at(11, 3), tick=False):
        assert login(hall.chief).get(reverse("joint:list")).status_code == 200
        inbox = login(project.housing.chief).get(reverse("joint:list")).content.decode()
    assert "本部门没有待办的并联审批件。" in inbox  # housing has not been notified yet


def test_r_par_10_the_supervision_section_reads_lateness_by_department_and_exports_it(
    hall: Any, login: Any
) -> None:
    project = make_project(hall)
    opened(hall, project)
    with time_machine.travel(at(11, 10, 1), tick=False):
        timers_sweep(today=date(2026, 11, 10))
    url = reverse("joint:lateness")
    html = _page(login(hall.supervision), url + "?start=2026-11-01&end=2026-11-30", at(11, 20))
    assert 'data-department="自然资源和规划局"' in html
    with time_machine.travel(at(11, 20), tick=False):
        assert login(hall.clerk).get(url).status_code == 403
        exported = login(hall.supervision).get(
            url, {"start": "2026-11-01", "end": "2026-11-30", "format": "xlsx"}
        )
    book = load_workbook(io.BytesIO(b"".join(exported.streaming_content)), read_only=True)
    rows = list(book.worksheets[0].values)[1:]
    assert [(row[1], row[4]) for row in rows] == [("自然资源和规划局", project.planning.chief.name)]


def test_r_par_7_r_par_11_the_meeting_pages_countersign_and_the_lead_inspects(hall: Any, login: Any) -> None:
    project = make_project(hall)
    joint_case = opened(hall, project)
    convened = _post(
        login(hall.coordination), reverse("joint:meetings"), {"place": "三楼会议室"}, when=at(11, 2, 16)
    )
    assert convened.status_code == 302
    refused = _post(login(hall.clerk), reverse("joint:meetings"), {"place": "x"}, when=at(11, 2, 16))
    assert refused.status_code == 403
    item = ReviewItem.objects.get()
    meeting = reverse("joint:meeting", args=[item.meeting_id])
    opinion = reverse("joint:meeting_opinion", args=[item.meeting_id])
    countersign = reverse("joint:meeting_countersign", args=[item.meeting_id])
    early = _post(login(hall.chief), opinion, {"item": item.pk, "opinion": "原则同意"}, when=at(11, 9))
    assert early.status_code == 422 and "R-PAR-7" in early.content.decode()
    assert (
        _post(
            login(hall.chief), opinion, {"item": item.pk, "opinion": "原则同意"}, when=at(11, 10)
        ).status_code
        == 302
    )
    assert countersign in _page(login(project.housing.chief), meeting, at(11, 10, 11))
    assert countersign not in _page(login(project.housing.clerk), meeting, at(11, 10, 11))
    for chief in (hall.chief, project.planning.chief, project.housing.chief, project.environment.chief):
        assert _post(login(chief), countersign, {"item": item.pk}, when=at(11, 10, 11)).status_code == 302
    assert item.countersignatures.count() == 4
    # Every opinion in, the lead inspects on the case's page.
    for co in (project.planning, project.housing, project.environment):
        lane = lane_of(joint_case, co)
        url = reverse("joint:lane_opinion", args=[lane.pk])
        assert _post(login(co.chief), url, {"opinion": "agree"}, when=at(11, 11)).status_code == 302
    inspect = reverse("joint:case_inspect", args=[joint_case.pk])
    assert inspect in _page(login(hall.chief), reverse("joint:detail", args=[joint_case.pk]), at(11, 12))
    done = _post(login(hall.chief), inspect, {"result": "验收通过。"}, when=at(11, 12))
    assert done.status_code == 302
    joint_case.refresh_from_db()
    assert joint_case.state == "inspected"


def test_r_par_3_r_par_4_the_lead_opens_the_joint_case_from_its_list_and_prints_each_notification(
    hall: Any, login: Any
) -> None:
    from pypdf import PdfReader

    from ..models import JointCase

    project = make_project(hall)
    home = reverse("joint:list")
    opener = reverse("joint:open", args=[project.case.pk])
    assert opener in _page(login(hall.chief), home, at(11, 2, 9))  # awaiting its opening
    assert opener not in _page(login(hall.clerk), home, at(11, 2, 9))  # the lead's chief opens it
    refused = _post(
        login(hall.clerk), opener, {"departments": [project.planning.department.pk]}, when=at(11, 2, 9)
    )
    assert refused.status_code == 403 and not JointCase.objects.exists()
    opened_page = _post(
        login(hall.chief),
        opener,
        {
            "departments": [project.planning.department.pk, project.housing.department.pk],
            "present": [project.planning.department.pk],
            "project_code": "2611-P-9",
        },
        when=at(11, 2, 9),
    )
    assert opened_page.status_code == 302
    joint_case = JointCase.objects.get()
    assert sorted(lane.department.name for lane in joint_case.lanes.all()) == [
        "住房和城乡建设局",
        "自然资源和规划局",
    ]
    assert [p.name for p in joint_case.present.all()] == [project.planning.chief.name]
    lane = lane_of(joint_case, project.planning)
    pdf_url = reverse("joint:lane_notice_pdf", args=[lane.pk])
    with time_machine.travel(at(11, 2, 10), tick=False):
        assert login(hall.chief).get(pdf_url).status_code == 404  # not sent yet
    assert (
        _post(login(hall.chief), reverse("joint:lane_notify", args=[lane.pk]), when=at(11, 2, 10)).status_code
        == 302
    )
    with time_machine.travel(at(11, 2, 11), tick=False):
        pdf = login(project.planning.clerk).get(pdf_url)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.content))
    text = "".join(page.extract_text() for page in reader.pages)
    lane.refresh_from_db()
    assert len(reader.pages) == 1
    assert "并联审批抄告单" in text and lane.notice_number in text and "自然资源和规划局" in text
    assert project.case.applicant_id_number not in text


def test_r_par_3_the_lead_opens_the_joint_case_from_the_case_page(hall: Any, login: Any) -> None:
    from ..models import JointCase

    project = make_project(hall)
    case_page = reverse("cases:case_detail", args=[project.case.pk])
    opener = reverse("joint:open", args=[project.case.pk])
    assert f'href="{opener}"' in _page(login(hall.chief), case_page, at(11, 2, 9))
    assert opener not in _page(login(hall.clerk), case_page, at(11, 2, 9))  # the lead's chief opens it
    form = _page(login(hall.chief), opener, at(11, 2, 9))
    assert 'name="departments"' in form and project.planning.department.name in form
    # A clerk of the lead window is told who opens it, and offered no form; posting is refused.
    told = _page(login(hall.clerk), opener, at(11, 2, 9))
    assert 'name="departments"' not in told
    refused = _post(
        login(hall.clerk), opener, {"departments": [project.planning.department.pk]}, when=at(11, 2, 9)
    )
    assert refused.status_code == 403 and not JointCase.objects.exists()
    # Naming a department outside the flow-and-limits table is refused on the form, with its rule.
    outside = _post(login(hall.chief), opener, {"departments": [hall.department.pk]}, when=at(11, 2, 9))
    assert outside.status_code == 422 and "R-PAR-4" in outside.content.decode()
    assert not JointCase.objects.exists()
    done = _post(
        login(hall.chief), opener, {"departments": [project.planning.department.pk]}, when=at(11, 2, 9)
    )
    joint_case = JointCase.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse("joint:detail", args=[joint_case.pk])
    # Once opened the case page links to the departments' progress, and the opener leads there too.
    detail = reverse("joint:detail", args=[joint_case.pk])
    assert f'href="{detail}"' in _page(login(hall.clerk), case_page, at(11, 2, 10))
    with time_machine.travel(at(11, 2, 10), tick=False):
        assert login(hall.chief).get(opener)["Location"] == detail


def test_r_par_10_a_bad_lateness_period_is_told_and_this_month_is_shown(hall: Any, login: Any) -> None:
    html = _page(
        login(hall.supervision), reverse("joint:lateness") + "?start=2026-11-30&end=2026-11-01", at(11, 20)
    )
    assert "结束日期不能早于起始日期。" in html and "已按本月（截至今天）统计。" in html
    assert "2026-11-01 至 2026-11-20" in html


def test_r_par_2_r_par_3_the_leads_list_reads_each_case_its_table_in_force_in_a_fixed_number_of_queries(
    hall: Any, login: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cases.services.clock import clock_start
    from cases.tests.factories import make_case

    from .helpers import publish

    project = make_project(hall)  # accepted on 2 November under the table of 1 January (planning: 5 days)
    home = reverse("joint:list")
    client = login(hall.chief)

    def page() -> tuple[str, int]:
        with time_machine.travel(at(11, 20, 9), tick=False), CaptureQueriesContext(connection) as captured:
            response = client.get(home)
        assert response.status_code == 200
        return response.content.decode(), len(captured)

    _html, one = page()
    # A new version from 10 November gives the planning department 8 days: cases accepted since read it.
    publish(
        hall,
        project.item,
        [(project.planning, 8), (project.housing, 10), (project.environment, 5)],
        effective_from=date(2026, 11, 10),
    )
    later = []
    for day in (11, 12, 13):
        case = make_case(
            window=hall.window, item=project.item, received_by=hall.clerk, accepted_on=date(2026, 11, day)
        )
        clock_start(case=case)
        later.append(case)
    html, four = page()
    assert four == one  # the same queries for four cases as for one

    def planning_days(case: Any) -> str:
        form = html.split(reverse("joint:open", args=[case.pk]), 1)[1].split("</form>", 1)[0]
        return form.split("自然资源和规划局（", 1)[1].split("）", 1)[0]

    assert planning_days(project.case) == "自然资源和规划局审批，5个工作日"
    assert [planning_days(case) for case in later] == ["自然资源和规划局审批，8个工作日"] * 3
