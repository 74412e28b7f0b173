"""The portal's front pages for the anonymous public: home, centre picker, search, departments."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.urls import reverse

from cases.tests.factories import make_case
from catalog.models import Item
from catalog.tests.factories import make_published_item
from org.tests import factories as org_factories


def _page(client: Any, url: str, data: dict[str, str] | None = None, status: int = 200) -> str:
    response = client.get(url, data or {})
    assert response.status_code == status, url
    return response.content.decode()


def test_home_of_a_centre_shows_phones_search_and_links(client: Any, hall: Any) -> None:
    hall.center.consultation_phone = "0571-86000001"
    hall.center.complaint_phone = "0571-86000002"
    hall.center.save()
    code = hall.center.code
    page = _page(client, reverse("portal:home", kwargs={"center_code": code}))
    assert "<h1>示范县政务服务中心</h1>" in page
    assert "0571-86000001" in page and "0571-86000002" in page
    assert f'action="{reverse("portal:item_search", kwargs={"center_code": code})}"' in page
    assert 'name="q"' in page
    for name in ["item_search", "departments", "staff_board"]:
        assert f'href="{reverse(f"portal:{name}", kwargs={"center_code": code})}"' in page
    assert reverse("org:login") in page  # staff may sign in from the public site (not from the kiosk)


def test_root_with_several_top_level_centres_shows_the_centre_picker(client: Any, hall: Any) -> None:
    page = _page(client, reverse("portal:home"))
    assert "选择政务服务中心" in page
    assert f'href="{reverse("portal:home", kwargs={"center_code": "demo-county"})}"' in page
    assert f'href="{reverse("portal:home", kwargs={"center_code": "other-county"})}"' in page


def test_root_with_one_centre_shows_it(client: Any, db: Any) -> None:
    org_factories.make_center(code="county", name="示范县政务服务中心")
    org_factories.make_center(code="closed", name="已停用中心", is_active=False)
    page = _page(client, reverse("portal:home"))
    assert "<h1>示范县政务服务中心</h1>" in page
    assert "选择政务服务中心" not in page


def test_root_of_a_city_centre_with_a_county_below_it_offers_both(client: Any, db: Any) -> None:
    # The demo's shape: the city centre publishes nothing itself, its county centre does. The root does not
    # pick the city for the visitor: it lets them choose.
    city = org_factories.make_center(code="city", name="示范市政务服务中心")
    org_factories.make_center(code="county", name="下属县中心", parent=city)
    org_factories.make_center(code="closed", name="已停用中心", is_active=False)
    page = _page(client, reverse("portal:home"))
    assert "选择政务服务中心" in page
    assert f'href="{reverse("portal:home", kwargs={"center_code": "city"})}"' in page
    assert f'href="{reverse("portal:home", kwargs={"center_code": "county"})}"' in page
    assert "隶属：示范市政务服务中心" in page
    assert "已停用中心" not in page


def test_r_pub_2_the_progress_lookup_works_from_the_home_page(
    client: Any, hall: Any, guide_item: Item
) -> None:
    case = make_case(window=hall.window, item=guide_item, received_by=hall.clerk)
    home = _page(client, reverse("portal:home", kwargs={"center_code": hall.center.code}))
    form = re.search(
        r'<form method="post" class="card progress-form" action="([^"]+)">(.*?)</form>', home, re.S
    )
    assert form is not None
    assert form.group(1) == reverse("portal:case_lookup", kwargs={"center_code": hall.center.code})
    assert 'name="number"' in form.group(2) and 'name="query_code"' in form.group(2)
    response = client.post(form.group(1), {"number": case.number, "query_code": case.query_code})
    assert response.status_code == 200
    page = response.content.decode()
    assert f"<td>{case.number}</td>" in page and "<td>对外贸易经营者备案登记</td>" in page
    assert "办件编号或查询码不正确" not in page


def test_root_without_any_centre_says_so(client: Any, db: Any) -> None:
    assert "尚未设置政务服务中心。" in _page(client, reverse("portal:home"))
    assert client.get(reverse("portal:item_search")).status_code == 404


def test_search_finds_published_items_by_chinese_text(client: Any, hall: Any, guide_item: Item) -> None:
    make_published_item(hall.center, hall.department, name="进出口许可证申领")
    url = reverse("portal:item_search", kwargs={"center_code": hall.center.code})
    page = _page(client, url, {"q": "备案"})
    assert "“备案”的搜索结果：1 项" in page
    guide = reverse("portal:item_guide", kwargs={"center_code": hall.center.code, "item_code": "FTB-001"})
    assert f'<a href="{guide}">对外贸易经营者备案登记</a>' in page
    assert "进出口许可证申领" not in page
    page = _page(client, url, {"q": "没有这种事项"})
    assert "没有找到相关事项" in page


def test_search_without_query_lists_every_published_item_by_department(
    client: Any, hall: Any, guide_item: Item
) -> None:
    other_department = org_factories.make_department(hall.center, code="zz-police", name="公安局车管所")
    make_published_item(hall.center, other_department, name="机动车注册登记")
    page = _page(client, reverse("portal:item_search", kwargs={"center_code": hall.center.code}))
    assert page.index("<h2>外经贸局</h2>") < page.index("对外贸易经营者备案登记")
    assert page.index("<h2>公安局车管所</h2>") < page.index("机动车注册登记")


def test_search_with_too_long_query_is_a_form_error_not_a_crash(client: Any, hall: Any) -> None:
    url = reverse("portal:item_search", kwargs={"center_code": hall.center.code})
    page = _page(client, url, {"q": "长" * 101})
    assert "errorlist" in page


def test_search_of_one_centre_never_shows_another_centres_items(client: Any, hall: Any) -> None:
    other = org_factories.make_center(code="far-county")
    make_published_item(other, name="外地备案事项")
    page = _page(
        client, reverse("portal:item_search", kwargs={"center_code": hall.center.code}), {"q": "备案"}
    )
    assert "外地备案事项" not in page


def test_departments_lists_windows_numbers_and_phones(client: Any, hall: Any, guide_item: Item) -> None:
    hall.department.phone = "0571-86002000"
    hall.department.save()
    hall.window.phone = "0571-86002001"
    hall.window.save()
    page = _page(client, reverse("portal:departments", kwargs={"center_code": hall.center.code}))
    assert "<h2>外经贸局</h2>" in page
    assert "0571-86002000" in page
    assert "<td>A01</td><td>外经贸局窗口</td><td>常设窗口</td><td>0571-86002001</td>" in page
    assert "对外贸易经营者备案登记" in page
    assert "B02" in page


def test_short_urls_use_the_default_centre(client: Any, hall: Any, guide_item: Item) -> None:
    assert "对外贸易经营者备案登记" in _page(client, reverse("portal:item_search"))
    assert "<h2>外经贸局</h2>" in _page(client, reverse("portal:departments"))
    # A Tuesday morning: the hall is open.
    with time_machine.travel(datetime(2026, 3, 3, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        assert "王受理" in _page(client, reverse("portal:staff_board"))


def test_public_pages_make_no_write_and_need_no_login(client: Any, hall: Any, guide_item: Item) -> None:
    code = hall.center.code
    for name in ["home", "item_search", "departments", "staff_board"]:
        _page(client, reverse(f"portal:{name}", kwargs={"center_code": code}))
    response = client.post(reverse("portal:item_search", kwargs={"center_code": code}), {"q": "备案"})
    assert response.status_code == 405


def test_search_query_count_is_bounded(
    client: Any, hall: Any, guide_item: Item, django_assert_max_num_queries: Any
) -> None:
    for _ in range(5):
        make_published_item(hall.center, hall.department, name="备案类事项")
    url = reverse("portal:item_search", kwargs={"center_code": hall.center.code})
    with django_assert_max_num_queries(4):
        assert client.get(url, {"q": "备案"}).status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get(url).status_code == 200


def test_departments_query_count_is_bounded(
    client: Any, hall: Any, guide_item: Item, django_assert_max_num_queries: Any
) -> None:
    for _ in range(3):
        department = org_factories.make_department(hall.center)
        org_factories.make_window(hall.center, department)
        make_published_item(hall.center, department)
    with django_assert_max_num_queries(5):
        response = client.get(reverse("portal:departments", kwargs={"center_code": hall.center.code}))
    assert response.status_code == 200


def test_r_pub_2_the_qr_address_of_a_notice_opens_the_lookup_with_the_number_filled_in(
    client: Any, hall: Any, guide_item: Item
) -> None:
    case = make_case(window=hall.window, item=guide_item, received_by=hall.clerk)
    url = reverse("portal:case_lookup", kwargs={"center_code": hall.center.code})
    page = _page(client, url, {"number": case.number})
    assert re.search(rf'name="number"[^>]*value="{case.number}"', page)
    assert case.query_code not in page  # the code is never in the address: it is typed by hand
