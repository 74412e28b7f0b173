"""A major project's joint approval in a real browser (issue 12), each step on its real date of November 2026 on
the national calendar, each person in their own browser: the application received and accepted once at the lead
window by its clerk, the joint case opened from the case page by the lead's chief (赵首席 of the 外经贸局),
notifications to 4 departments on 4 different days, each department's receipt starting its own clock (its
deadline checked on the page after each step), housing's second procedure stopping its clock until the one
correction, planning overrunning its limit and recorded (seen on the supervision section's page), the joint
review meeting countersigned by the 5 chief representatives, every opinion in and the lead's final inspection;
the public lookup shows one case."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

import pytest
import time_machine
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from org.tests.factories import PASSWORD
from workdays.timers import timers_sweep

from ..models import JointCase
from ..services import joint_flow_publish
from .helpers import Project, at, co_department, make_project

pytestmark = pytest.mark.browser


@pytest.fixture
def project(transactional_db: Any, hall: Any, national_calendar: Any) -> Project:
    """The joint item of the hall's department with 4 co-departments (the table's second version adds the
    transport bureau, 6 working days); its case is received and accepted in the test."""
    made = make_project(hall, accepted=False)
    transport = co_department(hall, "tr", "交通运输局", "C04")
    joint_flow_publish(
        actor=hall.coordination.user,
        item=made.item,
        lead_department=hall.department,
        lanes=[
            {"department": co.department, "items": f"{co.department.name}审批", "limit_days": days}
            for co, days in ((made.planning, 5), (made.housing, 10), (made.environment, 5), (transport, 6))
        ],
        effective_from=date(2026, 1, 1),
    )
    made.transport = transport  # type: ignore[attr-defined]
    return made


@contextmanager
def _signed_in(browser: Browser, live_server: Any, staff: Any, url: str) -> Iterator[Page]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{live_server.url}{reverse('org:login')}?next={quote(url)}")
        page.get_by_label("登录名").fill(staff.user.username)
        page.get_by_label("密码").fill(PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="登录").click()
        expect(page).to_have_url(f"{live_server.url}{url}")
        yield page
    finally:
        context.close()


def _press(page: Page, row: str, button: str) -> None:
    with page.expect_navigation():
        page.locator(row).get_by_role("button", name=button, exact=True).click()
    expect(page.locator(".messages")).to_be_visible()


def _deadline(page: Page, department: str) -> Any:
    return expect(page.locator(f'tr[data-department="{department}"] td[data-deadline]'))


def _on(when: datetime) -> Any:
    return time_machine.travel(when, tick=True)


def test_r_par_3_r_par_4_r_par_5_r_par_7_r_par_8_r_par_10_r_par_11_a_major_project_in_the_browser(
    browser: Browser, live_server: Any, hall: Any, project: Project
) -> None:
    chiefs = {
        "自然资源和规划局": project.planning.chief,
        "住房和城乡建设局": project.housing.chief,
        "生态环境局": project.environment.chief,
        "交通运输局": project.transport.chief,  # type: ignore[attr-defined]
    }
    # Mon 2 Nov: the application is received and accepted once, at the lead window, by its clerk.
    with _on(at(11, 2, 8)), _signed_in(browser, live_server, hall.clerk, reverse("desk:workbench")) as clerk:
        with clerk.expect_navigation():
            clerk.locator(".wb-links").get_by_role("link", name="收件", exact=True).click()
        clerk.get_by_label("申请事项").select_option(label=str(project.item))
        with clerk.expect_navigation():
            clerk.get_by_role("button", name="下一步", exact=True).click()
        receive = clerk.locator("#receive-form")
        receive.get_by_label("申请人姓名或名称").fill("江城新材料有限公司")
        receive.get_by_label("证件号码").fill("91420100MA4K0000XY")
        receive.get_by_label("联系电话").fill("13900000001")
        with clerk.expect_navigation():
            receive.get_by_role("button", name="收件", exact=True).click()
        expect(clerk.locator(".msg")).to_have_text("已收件，请审查材料。")
        check = clerk.locator("#action-check")
        if not check.evaluate("details => details.open"):
            check.locator("summary").click()
        for row in check.locator("tbody tr").all():
            row.locator("select").select_option(label="齐全")
        with clerk.expect_navigation():
            check.get_by_role("button", name="保存审查结果", exact=True).click()
        accept = clerk.locator("#action-accept")
        if not accept.evaluate("details => details.open"):
            accept.locator("summary").click()
        with clerk.expect_navigation():
            accept.get_by_role("button", name="予以受理", exact=True).click()
        expect(clerk.locator(".msg")).to_contain_text("已受理")
        case_url = clerk.url.removeprefix(live_server.url)
        expect(clerk.locator('[data-link="joint_open"]')).to_have_count(0)  # the lead's chief opens it

    # The lead's chief representative opens the joint case from the case page.
    with _on(at(11, 2, 9)), _signed_in(browser, live_server, hall.chief, case_url) as lead:
        with lead.expect_navigation():
            lead.locator('[data-link="joint_open"]').click()
        lead.get_by_label("省并联审批平台项目代码").fill("2611-P-1")
        with lead.expect_navigation():
            lead.get_by_role("button", name="启动并联审批", exact=True).click()
        expect(lead.locator(".messages")).to_contain_text("已启动并联审批")
    joint_case = JointCase.objects.get()
    project.case = joint_case.case
    assert joint_case.project_code == "2611-P-1"
    url = reverse("joint:detail", args=[joint_case.pk])
    assert joint_case.lanes.count() == 4  # the table in force: the second version

    # The lead notifies one department a day; each receives on the day it is notified.
    expected = {
        "自然资源和规划局": "2026-11-09",  # 5 working days from Mon 2 Nov
        "住房和城乡建设局": "2026-11-17",  # 10 from Tue 3 Nov
        "生态环境局": "2026-11-11",  # 5 from Wed 4 Nov
        "交通运输局": "2026-11-13",  # 6 from Thu 5 Nov
    }
    for day, name in enumerate(expected, start=2):
        with _on(at(11, day, 9)), _signed_in(browser, live_server, hall.chief, url) as lead:
            _press(lead, f'tr[data-department="{name}"]', "抄告")
            expect(lead.locator(f'tr[data-department="{name}"]')).to_contain_text("抄告〔2026〕")
        with _on(at(11, day, 15)), _signed_in(browser, live_server, chiefs[name], url) as department:
            _press(department, f'tr[data-department="{name}"]', "签收")
            _deadline(department, name).to_contain_text(expected[name])

    # Housing lacks a document: its clock stops on Thu 5 Nov until the one correction on Tue 10 Nov.
    with _on(at(11, 5, 16)), _signed_in(browser, live_server, project.housing.chief, url) as housing:
        housing.get_by_placeholder("缺件书面理由").fill("缺少施工图审查合格书。")
        with housing.expect_navigation():
            housing.get_by_role("button", name="缺件，进入二次程序").click()
        _deadline(housing, "住房和城乡建设局").to_contain_text("暂停计时")
        expect(housing.locator("#joint-state")).to_have_text("二次程序（待补正）")

    # Planning overruns its limit (Mon 9 Nov): the morning sweep of Tue 10 Nov records it.
    with _on(at(11, 10, 7)):
        timers_sweep(today=date(2026, 11, 10))
    with _on(at(11, 10, 9)), _signed_in(browser, live_server, hall.clerk, url) as clerk:
        with clerk.expect_navigation():
            clerk.get_by_role("button", name="申请人已补正，恢复计时").click()
        _deadline(clerk, "住房和城乡建设局").to_contain_text("2026-11-20")  # 5, 6 and 9 Nov added
        _deadline(clerk, "自然资源和规划局").to_contain_text("超时")
    lateness = reverse("joint:lateness") + "?start=2026-11-01&end=2026-11-30"
    with _on(at(11, 10, 10)), _signed_in(browser, live_server, hall.supervision, lateness) as supervision:
        expect(supervision.locator('tr[data-department="自然资源和规划局"]')).to_contain_text("1")

    # The joint review meeting on Tue 10 Nov: convened on the 2nd, the lead's opinion, 5 countersignatures.
    with (
        _on(at(11, 2, 16)),
        _signed_in(browser, live_server, hall.coordination, reverse("joint:meetings")) as office,
    ):
        office.get_by_label("地点").fill("三楼联审室")
        with office.expect_navigation():
            office.get_by_role("button", name="安排").click()
        meeting_url = office.url.removeprefix(live_server.url)
    with _on(at(11, 10, 14)), _signed_in(browser, live_server, hall.chief, meeting_url) as lead:
        lead.get_by_label("联审意见").fill("原则同意，住建局按施工图审查意见办理。")
        with lead.expect_navigation():
            lead.get_by_role("button", name="记录联审意见").click()
        with lead.expect_navigation():
            lead.get_by_role("button", name="会签").click()
    for chief in chiefs.values():
        with _on(at(11, 10, 15)), _signed_in(browser, live_server, chief, meeting_url) as signer:
            with signer.expect_navigation():
                signer.get_by_role("button", name="会签").click()
            expect(signer.locator(".agenda-item")).to_contain_text(chief.name)
    assert joint_case.lanes.count() == 4

    # Every opinion in (each its own day), the lead inspects on Thu 12 Nov.
    for name, chief in chiefs.items():
        with _on(at(11, 11, 10)), _signed_in(browser, live_server, chief, url) as department:
            row = department.locator(f'tr[data-department="{name}"] + tr')
            row.get_by_role("combobox").select_option("agree")
            with department.expect_navigation():
                row.get_by_role("button", name="出具意见").click()
    with _on(at(11, 12, 10)), _signed_in(browser, live_server, hall.chief, url) as lead:
        lead.get_by_label("最终审批验收意见").fill("各部门意见齐全，验收通过。")
        with lead.expect_navigation():
            lead.get_by_role("button", name="验收").click()
        expect(lead.locator("#joint-state")).to_have_text("已最终审批验收")

    # The applicant's lookup finds one case.
    case = JointCase.objects.select_related("case").get(pk=joint_case.pk).case
    with _on(at(11, 12, 11)):
        context = browser.new_context(locale="zh-CN")
        public = context.new_page()
        public.goto(f"{live_server.url}{reverse('portal:home', kwargs={'center_code': hall.center.code})}")
        public.locator('form.progress-form input[name="number"]').fill(case.number)
        public.locator('form.progress-form input[name="query_code"]').fill(case.query_code)
        with public.expect_navigation():
            public.locator("form.progress-form button[type=submit]").click()
        expect(public.locator("body")).to_contain_text(case.number)
        context.close()
