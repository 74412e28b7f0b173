"""The public service guide (R-PUB-1 procedures and fees, R-CAT-3 publication, R-CAT-6 withdrawn items)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from catalog import services as catalog_services
from catalog.models import Item, VersionState
from catalog.tests.factories import make_published_item
from org.tests import factories as org_factories

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _guide_url(item: Item) -> str:
    return reverse("portal:item_guide", kwargs={"center_code": item.center.code, "item_code": item.code})


def _page(client: Any, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_r_pub_1_guide_shows_every_field_of_the_item(client: Any, guide_item: Item) -> None:
    page = _page(client, _guide_url(guide_item))
    version = guide_item.current_version
    assert version is not None and version.published_at is not None
    for text in [
        "对外贸易经营者备案登记",
        "FTB-001",
        "000117001000",  # R-DATA-1 basic code
        "11330000002482345A4000117001000",  # implementation code
        "公共服务（20）",  # item type with its code
        "县级",
        "窗口办理、网上办理",
        "外经贸局",
        "《中华人民共和国对外贸易法》第九条",
        "对从事货物进出口或者技术进出口的对外贸易经营者进行备案登记。",
        "依法办理工商登记或者其他执业手续的法人、其他组织或者个人。",
        "申请材料1",
        "申请材料2",
        "视情形：委托他人办理的",
        "受理",
        "审核发证",
        "A01 受理岗",  # the window and post of a step
        "核对材料并发证",
        "20个工作日",  # statutory
        "5个工作日",  # promised
        "承诺件",
        "对外贸易经营者备案登记表",
        # R-CLK-4: expert review is left out of the limit; a site survey is part of it (R-ORG-5 only).
        '专家评审<span class="muted">（特别程序所需时间不计入办理时限）</span>',
        '现场勘查<span class="muted">（所需时间计入办理时限）</span>',
        "首席代表可现场办结",
        "0571-86001001",
        "0571-86001002",
        "中心二楼A01窗口",
        "工作日 08:00–11:30，14:00–17:00",
        f"第 {version.number} 版",
        f"发布日期：{version.published_at.astimezone(SHANGHAI):%Y-%m-%d}",  # zero-padded ISO
    ]:
        assert text in page, text


def test_r_pub_1_guide_shows_fees_with_their_basis(client: Any, guide_item: Item) -> None:
    page = _page(client, _guide_url(guide_item))
    assert "工本费1" in page and "10.00 元" in page and "价费字〔2020〕1号" in page
    assert "证书费" in page and "25.50 元/本" in page and "浙价费〔2019〕88号" in page
    assert "免费" not in page


def test_r_pub_1_guide_of_an_item_without_fees_says_free(client: Any, hall: Any) -> None:
    item = make_published_item(hall.center, hall.department, post=hall.post, fees=0)
    page = _page(client, _guide_url(item))
    assert "<strong>免费</strong>（本事项不收取任何费用）" in page
    assert "收费依据" not in page


def test_r_pub_1_withdrawn_item_is_shown_as_cancelled_with_date_and_reason(
    client: Any, hall: Any, guide_item: Item
) -> None:
    with time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI), tick=False):
        catalog_services.item_withdraw(
            actor=hall.coordination.user, item=guide_item, reason="省政府浙政发〔2026〕5号取消该事项"
        )
    page = _page(client, _guide_url(guide_item))
    assert "已取消" in page
    assert "本事项已于 2026-03-02 取消，不再受理申请。" in page
    assert "省政府浙政发〔2026〕5号取消该事项" in page
    # No application is possible: neither the materials checklist nor the notice is offered.
    assert "申请材料1" not in page
    assert "一次性告知书" not in page
    notice = reverse("portal:item_notice", kwargs={"center_code": hall.center.code, "item_code": "FTB-001"})
    assert client.get(notice).status_code == 404
    assert client.get(notice.replace("notice/", "notice.pdf")).status_code == 404
    # The cancelled item is published in the list of cancelled items, and not among the guides.
    listing = _page(client, reverse("portal:item_search", kwargs={"center_code": hall.center.code}))
    cancelled = listing.split("已取消的事项", 1)
    assert len(cancelled) == 2 and "对外贸易经营者备案登记" in cancelled[1]
    assert "对外贸易经营者备案登记" not in cancelled[0]


def test_r_cat_3_guide_shows_current_published_version_then_the_new_one(
    client: Any, hall: Any, guide_item: Item
) -> None:
    actor = hall.coordination.user
    draft = catalog_services.version_draft_for(actor=actor, item=guide_item)
    catalog_services.version_update(
        actor=actor, version=draft, conditions="新版办理条件：企业已取得营业执照。"
    )
    # While the change is a draft, the public still sees version 1.
    page = _page(client, _guide_url(guide_item))
    assert "第 1 版" in page
    assert "依法办理工商登记或者其他执业手续的法人、其他组织或者个人。" in page
    assert "新版办理条件" not in page

    catalog_services.version_publish(actor=actor, version=draft, change_note="调整办理条件")
    page = _page(client, _guide_url(guide_item))
    assert "第 2 版" in page
    assert "新版办理条件：企业已取得营业执照。" in page
    assert "依法办理工商登记或者其他执业手续的法人、其他组织或者个人。" not in page
    assert "调整办理条件" in page
    assert guide_item.versions.get(number=1).state == VersionState.SUPERSEDED


def test_r_cat_3_a_draft_item_is_never_public(client: Any, hall: Any) -> None:
    item = catalog_services.item_create(
        actor=hall.coordination.user,
        center=hall.center,
        department=hall.department,
        code="FTB-DRAFT",
        name="尚未发布的事项",
        statutory_limit_days=20,
        promised_limit_days=10,
    )
    kwargs = {"center_code": hall.center.code, "item_code": item.code}
    for name in ["item_guide", "item_notice", "item_notice_pdf", "kiosk_item"]:
        response = client.get(reverse(f"portal:{name}", kwargs=kwargs))
        assert response.status_code == 404, name
        assert "尚未发布的事项" not in response.content.decode()
    for url in [
        reverse("portal:item_search", kwargs={"center_code": hall.center.code}),
        reverse("portal:item_search", kwargs={"center_code": hall.center.code}) + "?q=尚未发布",
        reverse("portal:departments", kwargs={"center_code": hall.center.code}),
        reverse("portal:kiosk_guides", kwargs={"center_code": hall.center.code}),
    ]:
        assert "尚未发布的事项" not in _page(client, url)


def test_r_cat_3_item_of_another_centre_is_not_found_under_this_centre(client: Any, hall: Any) -> None:
    other = org_factories.make_center(code="far-county")
    item = make_published_item(other, code="FAR-1")
    assert client.get(_guide_url(item)).status_code == 200
    url = reverse("portal:item_guide", kwargs={"center_code": hall.center.code, "item_code": "FAR-1"})
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("code", ["no-such-centre", "inactive-county"])
def test_unknown_or_inactive_centre_is_not_found(client: Any, db: Any, code: str) -> None:
    org_factories.make_center(code="inactive-county", is_active=False)
    for name in ["home", "item_search", "departments", "staff_board", "kiosk"]:
        assert client.get(reverse(f"portal:{name}", kwargs={"center_code": code})).status_code == 404


def test_guide_query_count_is_bounded(
    client: Any, hall: Any, guide_item: Item, django_assert_max_num_queries: Any
) -> None:
    url = _guide_url(guide_item)
    with django_assert_max_num_queries(8):
        assert client.get(url).status_code == 200
