""" "Where is my case?" on the phone, in a real browser (issue 9, item 9).

The clerk at the window (王受理) signs in through the login form, opens 办件查询 from the menu, types the
caller's ID number as read out (the check character in lower case), finds the caller's two applications and
only those, opens one of them and the file uploaded with it, comes back, and exports the list: the downloaded
file opens with openpyxl and holds the same rows, in the same order, as the page. The applications are
received through the intake service beforehand, one of them with an uploaded PDF.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from playwright.sync_api import Page, expect

from cases.models import Case
from cases.services.intake import case_receive
from cases.tests.factories import at, make_item_for
from common.models import PersonalDataAccess
from org.tests.factories import PASSWORD

pytestmark = pytest.mark.browser

ID_NUMBER = "42010619880710001X"  # valid (GB 11643), its check character is X
CALLER = "刘德明"
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture
def received(transactional_db: Any, hall: Any, national_calendar: Any) -> list[Case]:
    """Three applications at A01: two of the caller's (the first with an uploaded file), one of someone else."""
    item = make_item_for(hall.window, hall.post, code="FTB-001", name="对外贸易经营者备案登记")
    first_material = item.current_version.materials.order_by("order").first()  # type: ignore[union-attr]
    assert first_material is not None

    def receive(day: date, name: str, id_number: str, **kw: Any) -> Case:
        applicant = {"name": name, "id_number": id_number, "phone": "13912345678"}
        return case_receive(
            actor=hall.clerk, window=hall.window, item=item, applicant=applicant, at=at(day, 9, 30), **kw
        )

    upload = SimpleUploadedFile("营业执照.pdf", PDF, content_type="application/pdf")
    return [
        receive(date(2026, 11, 2), CALLER, ID_NUMBER, uploads={first_material.pk: upload}),
        receive(date(2026, 11, 3), "陈小红", "110101198512010012"),
        receive(date(2026, 11, 4), CALLER, ID_NUMBER),
    ]


def _log_in(page: Page, live_server: Any, staff: Any) -> None:
    page.goto(f"{live_server.url}{reverse('org:login')}")
    page.get_by_label("登录名").fill(staff.user.username)
    page.get_by_label("密码").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()


def _listed_references(page: Page) -> list[str]:
    """The first cell of each row listed: the number, or the label of a case not accepted yet."""
    return [
        text.strip()
        for text in page.locator("#search-table tbody tr.case-row td:first-child a").all_inner_texts()
    ]


def test_a_clerk_finds_a_case_by_the_callers_id_number_opens_it_and_exports_the_list(
    live_server: Any, page: Page, hall: Any, received: list[Case], tmp_path: Any
) -> None:
    mine_first, someone_else, mine_second = received
    _log_in(page, live_server, hall.clerk)

    with page.expect_navigation():
        page.locator(".mainnav").get_by_role("link", name="办件查询", exact=True).click()
    expect(page.locator("h1")).to_have_text("办件查询")
    expect(page.locator("#search-table tbody tr.case-row")).to_have_count(3)

    # The number as read out on the phone; htmx replaces the results and the address follows.
    page.get_by_label("证件号码").fill(ID_NUMBER.lower())
    page.get_by_role("button", name="查询", exact=True).click()
    expect(page.locator("#search-count")).to_contain_text("共 2 件")
    expect(page.locator("#search-table tbody tr.case-row")).to_have_count(2)
    expect(page).to_have_url(re.compile(rf"{reverse('desk:case_search')}\?.*id_number={ID_NUMBER.lower()}"))
    rows = page.locator("#search-table tbody tr.case-row")
    expect(rows.nth(0)).to_have_attribute("data-case", str(mine_second.pk))  # newest first
    expect(rows.nth(1)).to_have_attribute("data-case", str(mine_first.pk))
    expect(page.locator("#search-table")).not_to_contain_text("陈小红")
    expect(rows.nth(0)).to_contain_text(CALLER)
    expect(rows.nth(0)).to_contain_text("已收件待审查")
    assert not page.locator(f'tr[data-case="{someone_else.pk}"]').count()
    listed = _listed_references(page)
    assert PersonalDataAccess.objects.filter(purpose="按证件号码查找办件").count() == 2

    # The case page of the first application, and back to the list.
    with page.expect_navigation():
        rows.nth(1).get_by_role("link").first.click()
    expect(page).to_have_url(f"{live_server.url}{reverse('cases:case_detail', args=[mine_first.pk])}")
    expect(page.locator("body")).to_contain_text(CALLER)
    # The clerk of the window sees the number masked, and in full on asking.
    expect(page.locator("#applicant")).to_contain_text(
        f"{ID_NUMBER[:3]}{'*' * (len(ID_NUMBER) - 7)}{ID_NUMBER[-4:]}"
    )
    page.get_by_role("link", name="显示完整证件号码和联系方式").click()
    expect(page.locator("#applicant")).to_contain_text(ID_NUMBER)
    # The file uploaded with it opens from the checklist (a new tab), answered to the clerk of the window.
    file_link = page.locator("#checklist").get_by_role("link", name="查看上传文件", exact=True)
    expect(file_link).to_have_count(1)
    file_url = f"{live_server.url}{file_link.get_attribute('href')}"
    with page.expect_popup() as popup_info:
        file_link.click()
    opened = popup_info.value
    expect(opened).to_have_url(file_url)
    answer = page.request.get(file_url)
    assert (answer.status, answer.headers["content-type"], answer.body()) == (200, "application/pdf", PDF)
    opened.close()
    page.go_back()
    expect(page.locator("#search-table tbody tr.case-row")).to_have_count(2)

    # The export: the same rows, in the same order, in a file openpyxl opens.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="导出Excel", exact=True).click()
    download = download_info.value
    assert download.suggested_filename.startswith("办件查询-") and download.suggested_filename.endswith(
        ".xlsx"
    )
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    book = openpyxl.load_workbook(target)
    sheet = book["办件"]
    exported = list(sheet.iter_rows(values_only=True))
    assert exported[0][0] == "办件编号"
    assert [row[0] for row in exported[1:]] == ["尚未受理（暂无办件编号）"] * 2
    assert [row[0] for row in exported[1:]] == listed
    assert [row[3] for row in exported[1:]] == [CALLER, CALLER]
    received_on = [row[6] for row in exported[1:]]
    assert received_on == [datetime(2026, 11, 4), datetime(2026, 11, 2)]  # dates, as openpyxl reads them
    assert PersonalDataAccess.objects.filter(purpose="导出按证件号码查找的办件").count() == 2
