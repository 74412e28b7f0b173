"""One application walked from the first inquiry to approval and the public lookup, in a real browser (issue 3).

Chromium drives only the staff pages and the portal, as the people of the hall would: the clerk at the
window (王受理, A of the 受理岗 post), the chief representative (赵首席, who heads the window and approves
extensions, R-CLK-5, and decides under a written authorisation, R-CASE-7), the coordination section (吴协调, who
files the extension) and an anonymous visitor. The setup is data only: a published item with two materials,
a promised limit of 10 working days, expert review among its special procedures and extensions allowed, and
the chief's authorisation.

Each step happens on its real 2026 date: `time_machine.travel(..., tick=True)` moves the clock of the whole
process, the live server's thread included. Every date asserted below is worked out by hand from the 2026
national schedule (the `national_calendar` fixture, from the State Council notice for 2026):

    Sun 09-20          make-up working day (调休上班)
    Fri 09-25..Sun 09-27  Mid-Autumn Festival, off
    Mon 09-28..Wed 09-30  working days
    Thu 10-01..Wed 10-07  National Day, off (10-08 is NOT a holiday: an ordinary Thursday)
    Thu 10-08, Fri 10-09  working days
    Sat 10-10          make-up working day (调休上班)
    Sun 10-11          off; from Mon 10-12 an ordinary calendar

- Received Mon 09-28; correction notice the same day; corrected materials and acceptance Wed 09-30.
- Acceptance (R-CLK-2: the acceptance day is not counted), 10 working days: 10-08 (1), 10-09 (2), 10-10 (3,
  Saturday make-up day), 10-12 (4), 10-13 (5), 10-14 (6), 10-15 (7), 10-16 (8), 10-19 (9), 10-20 (10)
  → deadline Tue 2026-10-20; on 09-30 there are 10 working days left.
- Expert review from Fri 10-09 (R-CLK-4): the clock stops with the working days 10-09..10-20 left: 10-09,
  10-10, 10-12, 10-13, 10-14, 10-15, 10-16, 10-19, 10-20 → 9 working days (frozen); no deadline is shown.
- Resumed Wed 10-14 (that day counts again): suspended working days 10-09, 10-10, 10-12, 10-13 → 4; the
  deadline moves by 4 working days: 10-21, 10-22, 10-23, 10-26 → Mon 2026-10-26.
- Extension of 3 working days on Thu 10-15 (R-CLK-5; the applicant must be told by 1 working day before the
  deadline, i.e. by 10-23): 10-27, 10-28, 10-29 → Thu 2026-10-29; on 10-15 there are 10 working days left
  (10-16, 10-19..10-23, 10-26..10-29).
- Approved Tue 10-20, before the deadline; the result is due for delivery within 10 working days (R-CASE-8):
  10-21, 10-22, 10-23, 10-26, 10-27, 10-28, 10-29, 10-30, 11-02, 11-03 → 2026-11-03.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from playwright.sync_api import Browser, Locator, Page, expect

from catalog.models import Item
from org.tests.factories import PASSWORD

from .factories import at, make_item_for
from .handling_helpers import authorise

pytestmark = pytest.mark.browser

ITEM_CODE = "FTB-001"
ITEM_NAME = "对外贸易经营者备案登记"
APPLICANT = "张明远"
APPLICANT_ID = "420106199003154324"
APPLICANT_PHONE = "13912345678"
MATERIAL_1 = "申请材料1"
MATERIAL_2 = "申请材料2"  # missing at the first check
RESULT_NUMBER = "外贸备案〔2026〕0001号"

RECEIVED_ON = date(2026, 9, 28)
ACCEPTED_ON = date(2026, 9, 30)
SUSPENDED_ON = date(2026, 10, 9)
RESUMED_ON = date(2026, 10, 14)
EXTENDED_ON = date(2026, 10, 15)
DECIDED_ON = date(2026, 10, 20)

DEADLINE_AT_ACCEPTANCE = "2026-10-20"
DEADLINE_AFTER_RESUMPTION = "2026-10-26"
DEADLINE_AFTER_EXTENSION = "2026-10-29"
DELIVERY_DUE = "2026-11-03"


@pytest.fixture
def item(transactional_db: Any, hall: Any, national_calendar: Any) -> Item:
    """A published item of the hall's department: one step 受理 at the clerk's post, materials 申请材料1 and
    申请材料2, 10 of 20 working days, expert review, up to 10 working days of extension; the chief
    representative holds a written authorisation to decide (R-ORG-4)."""
    authorise(hall)
    return make_item_for(
        hall.window,
        hall.post,
        code=ITEM_CODE,
        name=ITEM_NAME,
        statutory_limit_days=20,
        promised_limit_days=10,
        special_procedures=["expert_review"],
        extension_allowed=True,
        max_extension_days=10,
    )


def _log_in(page: Page, live_server: Any, staff: Any, next_url: str) -> None:
    """Sign in through the real login form and land on `next_url`."""
    page.goto(f"{live_server.url}{reverse('org:login')}?next={next_url}")
    page.get_by_label("登录名").fill(staff.user.username)
    page.get_by_label("密码").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(f"{live_server.url}{next_url}")


@contextmanager
def _signed_in(browser: Browser, live_server: Any, staff: Any, next_url: str) -> Iterator[Page]:
    """A browser of its own for `staff`, signed in and on `next_url` (sessions of other days have expired)."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    try:
        tab = context.new_page()
        _log_in(tab, live_server, staff, next_url)
        yield tab
    finally:
        context.close()


def _action(page: Page, action: str) -> Locator:
    """The case page's panel of `action`, unfolded as a person would (only the first panel starts open)."""
    panel = page.locator(f"#action-{action}")
    if not panel.evaluate("details => details.open"):
        panel.locator("summary").click()
    return panel


def _submit(page: Page, action: str, button: str = "提交") -> None:
    """Press the button of the panel `action` and wait for the page it leads to."""
    with page.expect_navigation():
        _action(page, action).get_by_role("button", name=button, exact=True).click()


def _open_notice(page: Page, kind: str) -> None:
    """Open the printable notice of `kind` from the case page's list of notices."""
    row = page.locator("#notices tbody tr", has_text=kind)
    with page.expect_navigation():
        row.get_by_role("link", name="打印", exact=True).click()


def _back_to_case(page: Page) -> None:
    with page.expect_navigation():
        page.get_by_role("link", name="返回办件", exact=True).click()


def _fact(page: Page, scope: str, label: str) -> Any:
    """The value next to `label` in a definition list (`dt` + `dd`) under `scope`."""
    return page.locator(f"{scope} dt:text-is('{label}') + dd")


def _expect_state(page: Page, label: str) -> None:
    expect(page.locator(".case-head .badge.state")).to_have_text(label)
    expect(_fact(page, "#case-facts", "状态")).to_have_text(label)


def _clock(page: Page, label: str) -> Any:
    return _fact(page, "#clock", label)


def test_r_case_1_r_case_2_r_case_6_r_clk_4_r_clk_5_r_case_7_r_pub_2_one_application_walks_from_inquiry_to_approval_and_public_lookup(
    live_server: Any, page: Page, browser: Browser, hall: Any, item: Item
) -> None:
    workbench_url = reverse("desk:workbench")

    # --- Mon 09-28: an inquiry at the window, closed as handled (R-CASE-1); the application is received,
    # checked with one material missing, and the one-time correction notice lists it (R-CASE-2).
    with time_machine.travel(at(RECEIVED_ON, 9, 0), tick=True):
        _log_in(page, live_server, hall.clerk, workbench_url)
        expect(page.locator("h1")).to_have_text("窗口工作台")
        expect(page.locator(".wb-head")).to_contain_text("2026-09-28")

        with page.expect_navigation():
            page.get_by_role("link", name="登记咨询", exact=True).click()
        form = page.locator("#inquiry-form")
        form.get_by_label("咨询内容").fill("对外贸易经营者备案需要哪些材料，多久办结？")
        form.get_by_label("咨询人").fill(APPLICANT)
        form.get_by_label("涉及事项").select_option(label=f"{ITEM_CODE} {ITEM_NAME}")
        with page.expect_navigation():
            form.get_by_role("button", name="登记", exact=True).click()
        expect(page.locator(".msg")).to_have_text("咨询已登记，您是首问责任人。")
        expect(page.locator("h1 .badge.state")).to_have_text("处理中")
        expect(_fact(page, "#inquiry-facts", "首问责任人")).to_have_text("王受理")

        handle = page.locator("#action-handle")
        handle.get_by_label("办理结果").select_option(label="已解答")
        handle.get_by_label("答复或理由").fill("已告知所需两份材料和承诺时限10个工作日，申请人当场递交申请。")
        with page.expect_navigation():
            handle.get_by_role("button", name="办结", exact=True).click()
        expect(page.locator(".msg")).to_have_text("咨询已办结。")
        expect(page.locator("h1 .badge.state")).to_have_text("已办结")
        expect(_fact(page, "#inquiry-facts", "办理结果")).to_have_text("已解答")

        with page.expect_navigation():
            page.get_by_role("link", name="← 窗口工作台").click()
        expect(page.locator("#inquiries-open")).to_contain_text("没有未办结的咨询。")

        with page.expect_navigation():
            page.locator(".wb-links").get_by_role("link", name="收件", exact=True).click()
        page.get_by_label("申请事项").select_option(label=f"{ITEM_CODE} {ITEM_NAME}")
        with page.expect_navigation():
            page.get_by_role("button", name="下一步", exact=True).click()
        expect(page.locator("#receive-item")).to_contain_text("10 个工作日")
        receive = page.locator("#receive-form")
        receive.get_by_label("申请人姓名或名称").fill(APPLICANT)
        receive.get_by_label("证件号码").fill(APPLICANT_ID)
        receive.get_by_label("联系电话").fill(APPLICANT_PHONE)
        with page.expect_navigation():
            receive.get_by_role("button", name="收件", exact=True).click()
        expect(page.locator(".msg")).to_have_text("已收件，请审查材料。")
        _expect_state(page, "已收件待审查")
        expect(page.locator("#clock")).to_contain_text("尚未受理，未开始计时。")
        # The applicant's ID number is masked on the page; asked for, it is shown in full in place (and logged).
        expect(_fact(page, "#applicant", "证件号码")).to_have_text(
            f"{APPLICANT_ID[:3]}{'*' * 11}{APPLICANT_ID[-4:]}"
        )
        page.get_by_role("link", name="显示完整证件号码和联系方式").click()
        expect(_fact(page, "#applicant", "证件号码")).to_have_text(APPLICANT_ID)
        expect(page.locator("#applicant")).not_to_contain_text("显示完整证件号码和联系方式")

        check = _action(page, "check")
        check.locator("tbody tr", has_text=MATERIAL_1).locator("select").select_option(label="齐全")
        check.locator("tbody tr", has_text=MATERIAL_2).locator("select").select_option(label="缺少")
        _submit(page, "check", "保存审查结果")
        expect(page.locator(".msg")).to_have_text("材料审查结果已保存。")
        expect(page.locator("#checklist tbody tr", has_text=MATERIAL_2)).to_contain_text("缺少")

        _submit(page, "correction", "出具补正告知书")
        expect(page.locator(".msg")).to_contain_text("已出具补正告知书")
        _expect_state(page, "待补正")

        _open_notice(page, "补正告知书")
        expect(page.locator("h1")).to_have_text("补正告知书")
        missing = page.locator("table.materials tbody tr")
        expect(missing).to_have_count(1)
        expect(missing.locator("td")).to_have_text(["1", MATERIAL_2, "缺少", ""])
        expect(page.locator("table.materials")).not_to_contain_text(MATERIAL_1)
        _back_to_case(page)
        case_url = page.url.removeprefix(live_server.url)

    # --- Wed 09-30: the applicant brings the missing material; checked again, accepted (R-CASE-6) with the
    # deadline 10-20 on the case page, on the acceptance receipt (with the query code) and on the workbench.
    with (
        time_machine.travel(at(ACCEPTED_ON, 9, 30), tick=True),
        _signed_in(browser, live_server, hall.clerk, case_url) as clerk,
    ):
        _submit(clerk, "resubmit", "申请人已提交补正材料")
        expect(clerk.locator(".msg")).to_have_text("已登记补正材料，请重新审查。")
        _expect_state(clerk, "已收件待审查")

        check = _action(clerk, "check")
        check.locator("tbody tr", has_text=MATERIAL_2).locator("select").select_option(label="齐全")
        _submit(clerk, "check", "保存审查结果")
        _submit(clerk, "accept", "予以受理")
        expect(clerk.locator(".msg")).to_contain_text("已受理，受理通知书")
        _expect_state(clerk, "已受理办理中")
        number = clerk.locator(".case-head h1").inner_text().strip()
        assert number, "an accepted case has its number"
        expect(_fact(clerk, "#case-facts", "办件编号")).to_have_text(number)
        expect(_clock(clerk, "受理日期")).to_have_text("2026-09-30")
        expect(_clock(clerk, "承诺时限")).to_have_text("10 个工作日")
        expect(_clock(clerk, "办结期限")).to_have_text(DEADLINE_AT_ACCEPTANCE)
        expect(_clock(clerk, "预警")).to_contain_text("正常")
        expect(_clock(clerk, "预警")).to_contain_text("剩余 10 个工作日")

        _open_notice(clerk, "受理通知书")
        receipt = clerk.locator("table.facts")
        expect(receipt.locator("th:text-is('办件编号') + td")).to_have_text(number)
        expect(receipt.locator("th:text-is('受理日期') + td")).to_have_text("2026年9月30日")
        expect(receipt.locator("th:text-is('承诺办结日期') + td")).to_have_text("2026年10月20日")
        query_code = receipt.locator("th:text-is('查询码') + td").inner_text().strip()
        assert len(query_code) == 6 and query_code.isdigit(), query_code

        clerk.goto(f"{live_server.url}{workbench_url}")
        row = clerk.locator("#my-queue tr.case-row", has_text=number)
        expect(row.locator("td.deadline")).to_have_text(DEADLINE_AT_ACCEPTANCE)
        expect(row).to_contain_text("已受理办理中")

    # --- Fri 10-09: expert review stops the clock (R-CLK-4) with its written notice, delivered on the spot.
    with (
        time_machine.travel(at(SUSPENDED_ON, 10, 0), tick=True),
        _signed_in(browser, live_server, hall.clerk, case_url) as clerk,
    ):
        suspend = _action(clerk, "suspend")
        suspend.get_by_label("特别程序").select_option(label="专家评审")
        suspend.get_by_label("事由").fill("经营范围涉及两用物项，需组织专家评审。")
        suspend.get_by_label("预计所需（工作日）").fill("3")
        _submit(clerk, "suspend")
        expect(clerk.locator(".msg")).to_have_text("已启动特别程序（专家评审），暂停计时。")
        _expect_state(clerk, "特别程序中（暂停计时）")
        expect(clerk.locator(".case-head")).to_contain_text("暂停计时")
        expect(_clock(clerk, "计时状态")).to_have_text("暂停计时")
        expect(_clock(clerk, "特别程序")).to_contain_text("专家评审（自 2026-10-09 起，预计 3 个工作日）")
        expect(_clock(clerk, "剩余时限（已冻结）")).to_have_text("9 个工作日")
        expect(clerk.locator("#clock dd.deadline")).to_have_count(0)

        notice_row = clerk.locator("#notices tbody tr", has_text="特别程序告知书")
        with clerk.expect_navigation():
            notice_row.get_by_role("button", name="记录送达").click()
        expect(clerk.locator(".msg")).to_contain_text("的送达。")
        expect(clerk.locator("#notices tbody tr", has_text="特别程序告知书")).to_contain_text(
            "2026-10-09 当面送达"
        )
        _open_notice(clerk, "特别程序告知书")
        facts = clerk.locator("table.facts")
        expect(facts.locator("th:text-is('特别程序') + td")).to_have_text("专家评审")
        expect(facts.locator("th:text-is('剩余办理期限') + td")).to_have_text(
            "9个工作日，自特别程序结束后继续计算"
        )

    # --- Wed 10-14: the review is over; the deadline moves by the 4 working days suspended → 10-26.
    with (
        time_machine.travel(at(RESUMED_ON, 10, 0), tick=True),
        _signed_in(browser, live_server, hall.clerk, case_url) as clerk,
    ):
        _action(clerk, "resume").get_by_label("特别程序结果").fill("专家评审意见：同意。")
        _submit(clerk, "resume")
        expect(clerk.locator(".msg")).to_have_text("特别程序已结束，恢复计时。")
        _expect_state(clerk, "已受理办理中")
        expect(clerk.locator(".case-head")).not_to_contain_text("暂停计时")
        expect(_clock(clerk, "办结期限")).to_have_text(DEADLINE_AFTER_RESUMPTION)
        expect(_clock(clerk, "预警")).to_contain_text("剩余 8 个工作日")
        expect(clerk.locator("#suspensions tbody tr")).to_contain_text("2026-10-14")

    # --- Thu 10-15: the chief representative, head of the window, extends by 3 working days (R-CLK-5) → 10-29;
    # the coordination section files the extension.
    with time_machine.travel(at(EXTENDED_ON, 10, 0), tick=True):
        with _signed_in(browser, live_server, hall.chief, case_url) as chief:
            extend = _action(chief, "extend")
            extend.get_by_label("延长（工作日）").fill("3")
            extend.get_by_label("延期理由").fill("需征求海关意见。")
            _submit(chief, "extend")
            expect(chief.locator(".msg")).to_have_text("已延期3个工作日。")
            expect(_clock(chief, "已批准延期")).to_have_text("3 个工作日")
            expect(_clock(chief, "办结期限")).to_have_text(DEADLINE_AFTER_EXTENSION)
            expect(_clock(chief, "预警")).to_contain_text("剩余 10 个工作日")
            expect(chief.locator("#extensions tbody tr")).to_contain_text("待备案")

            _open_notice(chief, "延期告知书")
            facts = chief.locator("table.facts")
            expect(facts.locator("th:text-is('原办结期限') + td")).to_have_text("2026年10月26日")
            expect(facts.locator("th:text-is('延长后的办结期限') + td")).to_have_text("2026年10月29日")

        with _signed_in(browser, live_server, hall.coordination, case_url) as coordination:
            with coordination.expect_navigation():
                coordination.locator("#extensions").get_by_role("button", name="备案").click()
            expect(coordination.locator(".msg")).to_have_text("延期已备案。")
            expect(coordination.locator("#extensions tbody tr")).to_contain_text("2026-10-15")

    # --- Tue 10-20: the clerk completes the step at his post; the authorised chief approves (R-CASE-7).
    with time_machine.travel(at(DECIDED_ON, 9, 30), tick=True):
        with _signed_in(browser, live_server, hall.clerk, case_url) as clerk:
            _action(clerk, "step").get_by_label("办理意见").fill("材料齐全，符合备案条件，拟同意。")
            _submit(clerk, "step")
            expect(clerk.locator(".msg")).to_have_text("“受理”环节已完成。")
            expect(clerk.locator("#steps tbody tr")).to_contain_text("王受理（A角）")
            expect(clerk.locator("#action-decide")).to_have_count(0)  # the clerk holds no authorisation

        with _signed_in(browser, live_server, hall.chief, case_url) as chief:
            decide = _action(chief, "decide")
            decide.get_by_role("radio", name="准予许可").check()
            decide.get_by_label("证照编号（准予许可须填写）").fill(RESULT_NUMBER)
            _submit(chief, "decide")
            expect(chief.locator(".msg")).to_contain_text("已作出决定，准予许可决定书")
            _expect_state(chief, "准予许可")
            expect(_fact(chief, "#case-facts", "证照编号")).to_have_text(RESULT_NUMBER)
            expect(_clock(chief, "办结期限")).to_have_text(DEADLINE_AFTER_EXTENSION)
            expect(_clock(chief, "决定时间")).to_contain_text("2026-10-20")
            expect(_clock(chief, "送达期限")).to_have_text(DELIVERY_DUE)

    # --- The same day, anyone with the number and the query code looks the case up on the portal (R-PUB-2):
    # state, dates and deadline, and nothing personal.
    with time_machine.travel(at(DECIDED_ON, 11, 0), tick=True):
        context = browser.new_context(locale="zh-CN")
        try:
            visitor = context.new_page()
            visitor.goto(
                f"{live_server.url}{reverse('portal:case_lookup', kwargs={'center_code': hall.center.code})}"
            )
            expect(visitor.locator("h1")).to_have_text("办件进度查询")
            visitor.get_by_label("办件编号").fill(number)
            visitor.get_by_label("查询码").fill(query_code)
            with visitor.expect_navigation():
                visitor.get_by_role("button", name="查询", exact=True).click()
            result = visitor.locator(".progress-result")
            shown = {
                "办件编号": number,
                "事项名称": ITEM_NAME,
                "当前状态": "准予许可",
                "收件日期": "2026-09-28",
                "受理日期": "2026-09-30",
                "办结期限": DEADLINE_AFTER_EXTENSION,
                "决定日期": "2026-10-20",
                "送达日期": "—",
            }
            expect(result.locator("th")).to_have_text(list(shown))
            expect(result.locator("td")).to_have_text(list(shown.values()))
            body = visitor.locator("body")
            for personal in (APPLICANT, APPLICANT_ID, APPLICANT_PHONE, "王受理", "赵首席"):
                expect(body).not_to_contain_text(personal)
        finally:
            context.close()
