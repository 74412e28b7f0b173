"""The coordination section edits and publishes an item in a real browser (R-CAT-2, R-CAT-3).

Chromium drives the pages as a person would: the login form, the draft form, the refusal, the publish
button; then an anonymous visitor reads the public guide in a fresh browser context (no cookies).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from catalog.models import Item, ItemVersion, VersionState
from catalog.tests.factories import make_published_item
from org.tests.factories import PASSWORD

pytestmark = pytest.mark.browser

OLD_NAME = "对外贸易经营者备案登记"
NEW_NAME = "对外贸易经营者备案登记（含变更）"
NEW_CONDITIONS = "依法办理市场主体登记的法人、其他组织或者个人，拟从事货物或技术进出口。"
CHANGE_NOTE = "承诺时限由5个工作日调整为10个工作日，补充变更登记情形"
R_CAT_2_REFUSAL = (
    "承诺时限（12个工作日）超过法定时限（20个工作日）的50%，依规须在法定时限内再缩短50%以上（R-CAT-2）"
)


@pytest.fixture
def item(transactional_db: Any, hall: Any, settings: Any, tmp_path: Path) -> Item:
    """A published item (version 1) with a step performed by the hall's post, so it can be republished."""
    settings.PDF_CACHE_DIR = tmp_path / "pdf-cache"  # publishing pre-renders the notice PDF
    return make_published_item(
        hall.center,
        hall.department,
        post=hall.post,
        code="FTB-001",
        name=OLD_NAME,
        statutory_limit_days=20,
        promised_limit_days=5,
        conditions="依法办理工商登记的法人。",
    )


def _log_in(page: Page, live_server: Any, staff: Any, next_url: str) -> None:
    """Sign in through the real login form and land on `next_url`."""
    page.goto(f"{live_server.url}{reverse('org:login')}?next={next_url}")
    page.get_by_label("登录名").fill(staff.user.username)
    page.get_by_label("密码").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(f"{live_server.url}{next_url}")


def _save_draft(page: Page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="保存草稿", exact=True).click()


def _publish(page: Page, note: str) -> None:
    page.locator("#publish-form [name=change_note]").fill(note)
    with page.expect_navigation():
        # "发布" is also the section's heading: the button, by role.
        page.locator("#publish-form").get_by_role("button", name="发布", exact=True).click()


def _guide_url(live_server: Any, item: Item) -> str:
    path = reverse("portal:item_guide", kwargs={"center_code": item.center.code, "item_code": item.code})
    return f"{live_server.url}{path}"


def _draft(item: Item) -> ItemVersion:
    return ItemVersion.objects.get(item=item, state=VersionState.DRAFT)


def test_r_cat_2_browser_coordination_edits_is_refused_over_half_then_publishes(
    live_server: Any, page: Page, browser: Any, hall: Any, item: Item
) -> None:
    edit_path = reverse("catalog:item_edit", kwargs={"pk": item.pk})
    _log_in(page, live_server, hall.coordination, edit_path)

    # Opening the edit page of a published item opens draft version 2, copied from version 1.
    expect(page.locator("h1")).to_have_text(f"编辑事项 FTB-001 · {OLD_NAME}")
    expect(page.get_by_text("第2版草稿")).to_be_visible()
    form = page.locator("#version-form")
    expect(form.locator("[name=promised_limit_days]")).to_have_value("5")

    # 12 of 20 working days is more than half the statutory limit: refused, nothing saved.
    form.locator("[name=statutory_limit_days]").fill("20")
    form.locator("[name=promised_limit_days]").fill("12")
    _save_draft(page)
    expect(page.locator(".refusal")).to_have_text(R_CAT_2_REFUSAL)
    expect(form.locator("[name=promised_limit_days]")).to_have_value("12")  # the input is kept to correct
    draft = _draft(item)
    assert (draft.number, draft.statutory_limit_days, draft.promised_limit_days) == (2, 20, 5)

    # Exactly half is allowed; with a new name and conditions the draft saves.
    form.locator("[name=promised_limit_days]").fill("10")
    form.locator("[name=name]").fill(NEW_NAME)
    form.locator("[name=conditions]").fill(NEW_CONDITIONS)
    _save_draft(page)
    expect(page.locator(".msg")).to_have_text("草稿已保存。")
    expect(page.locator(".refusal")).to_have_count(0)
    expect(form.locator("[name=promised_limit_days]")).to_have_value("10")
    draft = _draft(item)
    assert (draft.name, draft.conditions, draft.promised_limit_days) == (NEW_NAME, NEW_CONDITIONS, 10)

    _publish(page, CHANGE_NOTE)
    expect(page).to_have_url(f"{live_server.url}{reverse('catalog:item_history', kwargs={'pk': item.pk})}")
    expect(page.locator(".msg")).to_have_text("已发布第2版，服务指南即日公开。")
    item.refresh_from_db()
    assert item.current_version is not None
    assert (item.current_version.number, item.current_version.state) == (2, VersionState.PUBLISHED)
    assert item.current_version.change_note == CHANGE_NOTE

    # An anonymous visitor, in a browser context of their own, reads version 2 on the public guide.
    context = browser.new_context(locale="zh-CN")
    try:
        visitor = context.new_page()
        visitor.goto(_guide_url(live_server, item))
        guide = visitor.locator("article.guide")
        expect(guide.locator("h1")).to_have_text(f"{NEW_NAME} 现行")
        expect(guide).to_contain_text("第 2 版")
        expect(guide).to_contain_text(NEW_CONDITIONS)
        expect(guide.locator("th:text-is('承诺时限') + td")).to_have_text("10个工作日")
        expect(guide.locator("th:text-is('法定时限') + td")).to_have_text("20个工作日")
        expect(guide).to_contain_text(f"本版修订说明：{CHANGE_NOTE}")
        expect(guide).not_to_contain_text("依法办理工商登记的法人。")
        expect(visitor.get_by_text("工作人员登录")).to_be_visible()  # not signed in
    finally:
        context.close()


def test_r_cat_3_browser_draft_stays_private_until_published_and_versions_are_kept(
    live_server: Any, page: Page, browser: Any, hall: Any, item: Item
) -> None:
    context = browser.new_context(locale="zh-CN")
    visitor = context.new_page()
    try:
        _log_in(page, live_server, hall.coordination, reverse("catalog:item_edit", kwargs={"pk": item.pk}))
        page.locator("#version-form [name=name]").fill(NEW_NAME)
        _save_draft(page)
        expect(page.locator(".msg")).to_have_text("草稿已保存。")

        # The saved draft is not public: the visitor still reads version 1.
        visitor.goto(_guide_url(live_server, item))
        expect(visitor.locator("article.guide h1")).to_have_text(f"{OLD_NAME} 现行")
        expect(visitor.locator("article.guide")).to_contain_text("第 1 版")

        _publish(page, "更名")
        expect(page.locator(".msg")).to_have_text("已发布第2版，服务指南即日公开。")
        # The history page lists both versions: 2 published, 1 superseded and kept.
        rows = page.locator("table").first.locator("tbody tr")
        expect(rows).to_have_count(2)
        expect(rows.nth(0).locator("td").nth(0)).to_have_text("第2版")
        expect(rows.nth(0).locator("td").nth(1)).to_have_text("现行")
        expect(rows.nth(1).locator("td").nth(0)).to_have_text("第1版")
        expect(rows.nth(1).locator("td").nth(1)).to_have_text("已替代")

        visitor.reload()
        expect(visitor.locator("article.guide h1")).to_have_text(f"{NEW_NAME} 现行")
        expect(visitor.locator("article.guide")).to_contain_text("第 2 版")
    finally:
        context.close()
