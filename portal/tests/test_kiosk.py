"""The hall's touch screen (R-PUB-4): guides and staff, large targets, no login, back home when idle."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.urls import reverse

from catalog.models import Item


def _get(client: Any, name: str, **kwargs: Any) -> str:
    response = client.get(reverse(f"portal:{name}", kwargs=kwargs))
    assert response.status_code == 200, name
    return response.content.decode()


def test_r_pub_4_kiosk_pages_render_for_anonymous_with_large_targets_and_no_login(
    client: Any, hall: Any, guide_item: Item
) -> None:
    code = hall.center.code
    pages = {
        "kiosk": _get(client, "kiosk", center_code=code),
        "kiosk_guides": _get(client, "kiosk_guides", center_code=code),
        "kiosk_staff": _get(client, "kiosk_staff", center_code=code),
        "kiosk_item": _get(client, "kiosk_item", center_code=code, item_code=guide_item.code),
    }
    for name, page in pages.items():
        assert '<body class="kiosk" data-idle-home=' in page, name
        assert "工作人员登录" not in page, name
        assert reverse("org:login") not in page, name
        # Back to the kiosk home after 120 s without a touch.
        home = reverse("portal:kiosk", kwargs={"center_code": code})
        assert f'data-idle-home="{home}" data-idle-seconds="120"' in page, name


def test_r_pub_4_kiosk_home_has_big_tiles_to_guides_and_staff(client: Any, hall: Any) -> None:
    page = _get(client, "kiosk", center_code=hall.center.code)
    guides = reverse("portal:kiosk_guides", kwargs={"center_code": hall.center.code})
    staff = reverse("portal:kiosk_staff", kwargs={"center_code": hall.center.code})
    assert f'<a class="tile" href="{guides}">办事指南</a>' in page
    assert f'<a class="tile alt" href="{staff}">窗口人员</a>' in page


def test_r_pub_4_kiosk_lists_guides_by_department_and_shows_the_guide(
    client: Any, hall: Any, guide_item: Item
) -> None:
    page = _get(client, "kiosk_guides", center_code=hall.center.code)
    item_url = reverse("portal:kiosk_item", kwargs={"center_code": hall.center.code, "item_code": "FTB-001"})
    assert "<h2>外经贸局</h2>" in page
    assert f'<a class="item-row" href="{item_url}">对外贸易经营者备案登记' in page
    guide = _get(client, "kiosk_item", center_code=hall.center.code, item_code="FTB-001")
    assert "申请材料1" in guide and "浙价费〔2019〕88号" in guide and "0571-86001001" in guide
    # No print or download buttons on a touch screen.
    assert "notice.pdf" not in guide
    url = reverse("portal:kiosk_guides", kwargs={"center_code": hall.center.code})
    assert "对外贸易经营者备案登记" in client.get(url, {"q": "备案"}).content.decode()
    assert "对外贸易经营者备案登记" not in client.get(url, {"q": "驾驶证"}).content.decode()


def test_r_pub_4_kiosk_staff_shows_on_duty_staff(client: Any, hall: Any) -> None:
    # A Tuesday morning: the hall is open.
    with time_machine.travel(datetime(2026, 3, 3, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        page = _get(client, "kiosk_staff", center_code=hall.center.code)
    assert "王受理" in page and "李备岗" in page and "赵首席" in page


def test_r_pub_4_kiosk_without_centre_code_uses_the_default_centre(client: Any, hall: Any) -> None:
    page = _get(client, "kiosk")
    assert "欢迎来到示范县政务服务中心" in page
