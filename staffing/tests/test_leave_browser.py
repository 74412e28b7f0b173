"""A leave in a real browser (issue 10): the clerk (王受理) asks for 2.5 days naming a B who is on leave then —
refused; names another B — approved by the window head (赵首席) and then the director (钱主任), each in their own
login; the B sees the hand-over, and his workbench the case on the day he is the B on duty; the supervision section's return closes it.

Dates (2026 national schedule): asked Thu 12-03; Mon 12-07 morning to Wed 12-09 morning = 5 working half-days
(2.5 days: the director tier, R-ATT-4); the first B (李备岗) is away all of Tue 12-08."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from cases.tests.factories import make_case, make_item_for
from org.models import AbsenceKind
from org.services import absence_record
from org.tests.factories import PASSWORD
from staffing.models import LeaveRequest, LeaveState

from .helpers import at
from .test_leave import THURSDAY

pytestmark = pytest.mark.browser


@pytest.fixture
def browser_hall(transactional_db: Any, leave_hall: Any) -> Any:
    return leave_hall


from .test_leave import leave_hall_fixture  # noqa: E402, F401  (the fixture)


@contextmanager
def signed_in(browser: Browser, live_server: Any, staff: Any, next_url: str) -> Iterator[Page]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    try:
        tab = context.new_page()
        tab.set_default_timeout(15_000)
        tab.goto(f"{live_server.url}{reverse('org:login')}?next={next_url}")
        tab.get_by_label("登录名").fill(staff.user.username)
        tab.get_by_label("密码").fill(PASSWORD)
        with tab.expect_navigation():
            tab.get_by_role("button", name="登录").click()
        yield tab
    finally:
        context.close()


def fill_request(page: Page, hall: Any, backup: Any) -> None:
    page.get_by_label("请假类别").select_option(label="事假")
    page.get_by_label("开始日期").fill("2026-12-07")
    page.get_by_label("开始于").select_option(label="上午")
    page.get_by_label("结束日期").fill("2026-12-09")
    page.get_by_label("结束于").select_option(label="上午")
    page.get_by_label("事由", exact=True).fill("家中有事")
    page.get_by_label(f"岗位“{hall.post.name}”（{hall.window.name}）的顶岗B角").select_option(
        label=backup.name
    )
    with page.expect_navigation():
        page.get_by_role("button", name="提交申请").click()


def approve(browser: Browser, live_server: Any, staff: Any, leave: LeaveRequest) -> None:
    with signed_in(browser, live_server, staff, reverse("staffing:leave_approvals")) as tab:
        with tab.expect_navigation():
            tab.locator(f"#leave-{leave.pk} a").click()
        with tab.expect_navigation():
            tab.get_by_role("button", name="批准", exact=True).click()
        expect(tab.locator(".messages")).to_contain_text("已批准")


def test_r_att_5_r_att_4_r_att_9_r_att_6_a_leave_in_the_browser(
    live_server: Any, browser: Browser, browser_hall: Any
) -> None:
    hall = browser_hall
    case = make_case(
        window=hall.window,
        item=make_item_for(hall.window, hall.post),
        received_by=hall.clerk,
        current_post=hall.post,
    )
    with time_machine.travel(THURSDAY, tick=True):
        absence_record(
            actor=hall.supervision.user,
            staff=hall.backup,
            kind=AbsenceKind.LEAVE,
            starts_at=at(2026, 12, 8, 8),
            ends_at=at(2026, 12, 8, 17),
        )
        with signed_in(browser, live_server, hall.clerk, reverse("staffing:leave_mine")) as tab:
            expect(tab.locator("h1")).to_have_text("我的请假")
            fill_request(tab, hall, hall.backup)
            expect(tab.locator(".refusal")).to_contain_text("R-ATT-5")
            expect(tab.locator(".refusal")).to_contain_text(hall.backup.name)
            assert not LeaveRequest.objects.exists()
            fill_request(tab, hall, hall.backup2)
            expect(tab.locator("#leave-state")).to_have_text("审批中")
        leave = LeaveRequest.objects.get()
        assert leave.half_days == 5
        approve(browser, live_server, hall.chief, leave)
        approve(browser, live_server, hall.director, leave)
    leave.refresh_from_db()
    assert leave.state == LeaveState.APPROVED
    # The hand-over record is the named B's for the whole period; the post's work goes, at each moment, to the
    # first B in cover order who is on duty (org routing): on Tuesday, with the first B away, that is him.
    with (
        time_machine.travel(at(2026, 12, 7, 10), tick=True),
        signed_in(browser, live_server, hall.backup2, reverse("staffing:leave_mine")) as tab,
    ):
        expect(tab.locator("#handovers")).to_contain_text(case.number)
    with (
        time_machine.travel(at(2026, 12, 8, 10), tick=True),
        signed_in(browser, live_server, hall.backup2, reverse("desk:workbench")) as tab,
    ):
        expect(tab.locator("#covered")).to_contain_text(case.number)
    with time_machine.travel(at(2026, 12, 8, 11), tick=True):
        url = reverse("staffing:leave_detail", args=[leave.pk])
        with signed_in(browser, live_server, hall.supervision, url) as tab:
            tab.get_by_label("销假方式").select_option(label="电话")
            with tab.expect_navigation():
                tab.get_by_role("button", name="销假", exact=True).click()
            expect(tab.locator("#leave-state")).to_have_text("已销假")
    leave.refresh_from_db()
    assert leave.state == LeaveState.RETURNED and leave.returned_at is not None
