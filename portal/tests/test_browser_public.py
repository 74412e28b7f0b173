"""The public side in a real browser (R-CAT-3, R-PUB-4): search to guide, and the hall's touch screen."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from catalog.models import Item

pytestmark = pytest.mark.browser

NAME = "对外贸易经营者备案登记"


def _url(live_server: Any, name: str, **kwargs: str) -> str:
    return f"{live_server.url}{reverse(f'portal:{name}', kwargs=kwargs)}"


def test_r_cat_3_browser_visitor_searches_in_chinese_and_reaches_the_guide(
    transactional_db: Any, live_server: Any, page: Page, hall: Any, guide_item: Item
) -> None:
    code = hall.center.code
    page.goto(_url(live_server, "home", center_code=code))
    expect(page.locator("h1")).to_have_text("示范县政务服务中心")

    page.get_by_role("searchbox", name="搜索办事指南").fill("备案")
    with page.expect_navigation():
        page.get_by_role("button", name="搜索", exact=True).click()
    expect(page).to_have_url(f"{_url(live_server, 'item_search', center_code=code)}?q=%E5%A4%87%E6%A1%88")
    expect(page.locator("h2")).to_have_text("“备案”的搜索结果：1 项")
    row = page.locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator("td")).to_have_text(["FTB-001", NAME, "外经贸局", "5个工作日"])

    with page.expect_navigation():
        row.get_by_role("link", name=NAME).click()
    expect(page).to_have_url(_url(live_server, "item_guide", center_code=code, item_code="FTB-001"))
    guide = page.locator("article.guide")
    expect(guide.locator("h1")).to_have_text(f"{NAME} 现行")
    expect(guide).to_contain_text("第 1 版")
    expect(guide.locator("th:text-is('承诺时限') + td")).to_have_text("5个工作日")
    expect(guide).to_contain_text("依法办理工商登记或者其他执业手续的法人、其他组织或者个人。")
    expect(guide.get_by_role("link", name="一次性告知书")).to_be_visible()

    # A term nothing matches says so, in Chinese.
    page.goto(_url(live_server, "item_search", center_code=code) + "?q=驾驶证")
    expect(page.get_by_text("没有找到相关事项。请换个关键词，或拨打咨询电话。")).to_be_visible()


def test_r_pub_4_browser_kiosk_home_has_big_tiles_and_leads_to_the_guide_list(
    transactional_db: Any, live_server: Any, page: Page, hall: Any, guide_item: Item
) -> None:
    code = hall.center.code
    page.set_viewport_size({"width": 1080, "height": 1920})  # the hall's portrait touch screen
    page.goto(_url(live_server, "kiosk", center_code=code))
    expect(page.locator("h1")).to_have_text("欢迎来到示范县政务服务中心")
    expect(page.get_by_text("工作人员登录")).to_have_count(0)

    tiles = page.locator(".kiosk-tiles .tile")
    expect(tiles).to_have_text(["办事指南", "窗口人员", "进度查询"])
    for tile in tiles.all():
        box = tile.bounding_box()
        assert box is not None
        # Big touch targets: at least 14rem (224 px) high and a quarter of the screen wide.
        assert box["height"] >= 224 and box["width"] >= 1080 / 4, box
        font_px = float(tile.evaluate("e => getComputedStyle(e).fontSize").removesuffix("px"))
        assert font_px >= 32, font_px

    with page.expect_navigation():
        tiles.filter(has_text="办事指南").click()
    expect(page).to_have_url(_url(live_server, "kiosk_guides", center_code=code))
    expect(page.locator("h2")).to_have_text(["外经贸局"])
    entry = page.locator("a.item-row")
    expect(entry).to_have_count(1)
    expect(entry).to_have_text(f"{NAME} · 承诺5个工作日")
    box = entry.bounding_box()
    assert box is not None and box["height"] >= 56, box  # 3.5rem: one row is one easy touch

    with page.expect_navigation():
        entry.click()
    expect(page).to_have_url(_url(live_server, "kiosk_item", center_code=code, item_code="FTB-001"))
    expect(page.locator("article.guide h1")).to_have_text(f"{NAME} 现行")
    # The touch screen has no print or download buttons.
    expect(page.get_by_role("link", name="下载告知书（PDF）")).to_have_count(0)


def test_the_language_switch_works_and_no_page_breaks_the_content_security_policy(
    transactional_db: Any, live_server: Any, page: Page, hall: Any, guide_item: Item
) -> None:
    refused: list[str] = []
    page.on(
        "console",
        lambda message: refused.append(message.text) if "Content Security" in message.text else None,
    )
    code = hall.center.code
    for path in (
        _url(live_server, "kiosk", center_code=code),
        _url(live_server, "item_guide", center_code=code, item_code="FTB-001"),
        _url(live_server, "item_notice", center_code=code, item_code="FTB-001"),
    ):
        page.goto(path)
    expect(page.locator("body.kiosk")).to_have_count(0)
    page.goto(_url(live_server, "kiosk", center_code=code))
    expect(page.locator("body")).to_have_attribute("data-idle-home", f"/{code}/kiosk/")

    page.goto(_url(live_server, "home", center_code=code))
    # The switch is named in the language it switches to, so that a reader of English finds it.
    with page.expect_navigation():
        page.get_by_role("button", name="English", exact=True).click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="简体中文", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="English", exact=True)).to_have_count(0)
    assert refused == []


def test_r_pub_1_browser_the_service_guide_fits_a_phone_390_px_wide(
    transactional_db: Any, live_server: Any, page: Page, hall: Any, guide_item: Item
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    code = hall.center.code
    for path in (
        _url(live_server, "item_guide", center_code=code, item_code="FTB-001"),
        _url(live_server, "home", center_code=code),
    ):
        page.goto(path)
        expect(page.locator("h1").first).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (path, width)
    # Everything of the guide is still there, wrapped rather than cut.
    page.goto(_url(live_server, "item_guide", center_code=code, item_code="FTB-001"))
    expect(page.locator("article.guide")).to_contain_text("11330000002482345A4000117001000")
    expect(page.locator("article.guide")).to_contain_text("委托他人办理的")
