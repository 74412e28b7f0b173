"""The month's close in a real browser (issue 11): the supervision section (周敏, the demo's `supervision` login)
opens last month's assessment sheet of the demo centre — its clocking, leave, complaints and deductions played
through the services — closes it from the stored facts, opens the person with the most deducted, and corrects
one of the deductions with its reason; the person's page then shows the score before and after. Then, from this
month's meeting, the pack of last month is drawn with ECharts on its page, and its PDF (whose charts carry their
Chinese titles) and Excel workbook are fetched from the page's links in the same signed-in browser."""

from __future__ import annotations

import io
from datetime import datetime, time, timedelta
from io import StringIO
from typing import Any

import openpyxl
import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from demo.data import read
from org.models import Center, StaffProfile
from supervision.models import AssessmentCorrection, AssessmentMonth, AssessmentScore, Meeting
from supervision.services.meetings import meeting_schedule

pytestmark = pytest.mark.browser


def _last_month() -> tuple[int, int]:
    first = timezone.localdate().replace(day=1)
    previous = first - timedelta(days=1)
    return previous.year, previous.month


@pytest.fixture
def demo_centre(transactional_db: Any, settings: Any) -> Center:
    """The demo centre with enough clocking days to cover last month whole (its rest days closed too), and this
    month's meeting, scheduled by the office on the 1st for the 10th (R-MTG-1)."""
    settings.DEMO_STAFFING_DAYS = 32
    call_command("load_demo", stdout=StringIO())
    county = Center.objects.get(code="demo-county")
    staff = {s.badge_number: s for s in StaffProfile.objects.filter(center=county)}
    first = timezone.localdate().replace(day=1)
    with time_machine.travel(timezone.make_aware(datetime.combine(first, time(8))), tick=False):
        meeting_schedule(
            actor=staff["ZX005"].user,
            center=county,
            starts_at=timezone.make_aware(datetime.combine(first.replace(day=10), time(9))),
            place="三楼会议室",
            chair=staff["ZX001"],
            recorder=staff["ZX005"],
        )
    return county


def _sign_in(page: Page, live_server: Any, username: str, next_url: str) -> None:
    page.goto(f"{live_server.url}{reverse('org:login')}?next={next_url}")
    page.get_by_label("登录名").fill(username)
    page.get_by_label("密码").fill(read().password)
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()


def test_r_asm_16_the_supervision_section_closes_last_month_and_corrects_a_deduction(
    live_server: Any, page: Page, demo_centre: Center
) -> None:
    year, month = _last_month()
    sheet_url = f"{reverse('supervision:assessment_sheet')}?month={year:04d}-{month:02d}"
    _sign_in(page, live_server, "supervision", sheet_url)
    expect(page.locator("#month-state")).to_have_text("未结账")
    with page.expect_navigation():
        page.get_by_role("button", name=f"结账（{year}年{month}月）").click()
    expect(page.locator(".messages")).to_contain_text("考核已结账")
    expect(page.locator("#month-state")).to_have_text("已结账")
    closed = AssessmentMonth.objects.get(center=demo_centre, year=year, month=month)
    assert closed.people > 0
    # The person with the most deducted, and one of their entered deductions.
    lowest = (
        AssessmentScore.objects.filter(assessment=closed).order_by("score", "staff__badge_number").first()
    )
    assert lowest is not None and lowest.deducted > 0
    before = lowest.score
    page.locator(f"#staff-{lowest.staff_id} a").click()
    page.wait_for_url(f"**/assessment/staff/{lowest.staff_id}/**")
    expect(page.locator("#entries")).to_be_visible()
    entry = page.get_by_label("更正的扣分")
    options = entry.locator("option").all_text_contents()
    assert len(options) > 1  # "—" and the deductions
    entry.select_option(index=1)
    page.get_by_label("更正后的次数（天数）").fill("0")
    page.get_by_label("更正理由").fill("复核录像，该项事实不成立，撤销扣分。")
    with page.expect_navigation():
        page.get_by_role("button", name="更正", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("已更正")
    expect(page.locator("#corrections")).to_contain_text("复核录像，该项事实不成立，撤销扣分。")
    lowest.refresh_from_db()
    correction = AssessmentCorrection.objects.get(score=lowest)
    assert lowest.score > before and correction.before["score"] != correction.after["score"]

    # This month's meeting: the pack of last month, drawn on the page and downloaded (R-MTG-2).
    today = timezone.localdate()
    meeting = Meeting.objects.get(center=demo_centre, year=today.year, month=today.month)
    page.goto(f"{live_server.url}{reverse('supervision:meeting_detail', args=[meeting.pk])}")
    with page.expect_navigation():
        page.locator("#pack-link").click()
    expect(page.locator("[data-chart] canvas, [data-chart] svg").first).to_be_visible()
    links = (
        page.locator("a", has_text="下载PDF").get_attribute("href"),
        page.locator("a", has_text="导出Excel").get_attribute("href"),
    )
    pdf = page.context.request.get(f"{live_server.url}{links[0]}")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    body = pdf.body()
    assert body.startswith(b"%PDF")
    text = "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(body)).pages)
    assert "收件与办结" in text and "工作人员平均考核得分" in text
    xlsx = page.context.request.get(f"{live_server.url}{links[1]}")
    assert xlsx.ok
    book = openpyxl.load_workbook(io.BytesIO(xlsx.body()))
    assert "考核得分" in book.sheetnames
