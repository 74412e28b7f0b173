"""The coordination section's catalogue pages: who may do what, refusals on the page, no N+1."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog import services
from catalog.models import Item, ItemStatus, ItemVersion, Material, VersionState
from catalog.services import VERSION_FIELDS
from catalog.tests.factories import amending_published, make_published_item
from common.history import history_of
from org.tests import factories as org_factories

SHANGHAI = ZoneInfo("Asia/Shanghai")
HX = {"HTTP_HX_REQUEST": "true"}


def _form_data(version: ItemVersion, **overrides: Any) -> dict[str, Any]:
    """What the edit form posts for `version`, with `overrides`."""
    data: dict[str, Any] = {}
    for key, value in {**model_to_dict(version, fields=VERSION_FIELDS), **overrides}.items():
        if value is False:
            continue  # an unticked checkbox is not posted
        data[key] = "on" if value is True else ("" if value is None else value)
    return data


@pytest.fixture
def item(hall):
    return make_published_item(
        hall.center, hall.department, post=hall.post, code="FTB-001", name="对外贸易经营者备案登记"
    )


def _url(name: str, item: Item, **kw: Any) -> str:
    return reverse(f"catalog:{name}", kwargs={"pk": item.pk, **kw})


# --- list ----------------------------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_log_in(item, client):
    response = client.get(reverse("catalog:item_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("org:login"))
    assert client.post(_url("item_withdraw", item), {"reason": "x"}).status_code == 302
    item.refresh_from_db()
    assert item.status == ItemStatus.PUBLISHED


def test_item_list_is_read_only_for_window_staff(hall, item, login):
    response = login(hall.clerk).get(reverse("catalog:item_list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "对外贸易经营者备案登记" in body
    assert reverse("catalog:item_create") not in body
    assert _url("item_edit", item) not in body
    assert _url("item_history", item) in body


def test_item_list_shows_status_draft_and_review_flag_to_coordination(hall, item, login):
    with amending_published():
        ItemVersion.objects.filter(pk=item.current_version_id).update(
            published_at=datetime(2020, 1, 2, 9, 0, tzinfo=SHANGHAI)
        )
    services.version_draft_for(actor=None, item=item)
    response = login(hall.coordination).get(reverse("catalog:item_list"))
    body = response.content.decode()
    assert _url("item_edit", item) in body
    assert "待年度复核" in body
    assert "第2版草稿" in body
    assert "2020-01-02" in body


def test_item_list_does_not_show_another_centres_items(hall, item, login):
    make_published_item(hall.outsider.center, code="OTHER-1", name="邻县独有事项")
    body = login(hall.coordination).get(reverse("catalog:item_list")).content.decode()
    assert "邻县独有事项" not in body


def test_item_list_filters_and_survives_bad_input(hall, item, login):
    client = login(hall.coordination)
    make_published_item(hall.center, hall.department, code="FTB-002", name="货物进口许可证")
    body = client.get(reverse("catalog:item_list"), {"q": "进口"}).content.decode()
    assert "货物进口许可证" in body and "对外贸易经营者备案登记" not in body
    body = client.get(reverse("catalog:item_list"), {"status": "withdrawn"}).content.decode()
    assert "货物进口许可证" not in body and "没有符合条件的事项" in body
    response = client.get(reverse("catalog:item_list"), {"department": "abc", "status": "nonsense"})
    assert response.status_code == 200


def test_item_list_query_count_does_not_grow_with_items(hall, login):
    client = login(hall.coordination)
    url = reverse("catalog:item_list")
    make_published_item(hall.center, hall.department)
    client.get(url)  # warm up session and caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for _ in range(8):
        services.version_draft_for(actor=None, item=make_published_item(hall.center, hall.department))
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["items"]) == 9
    assert len(many) == len(few)
    assert len(many) <= 10


# --- create --------------------------------------------------------------------------------------------


def _create_data(hall: Any, **kw: Any) -> dict[str, Any]:
    data = {
        "department": hall.department.pk,
        "code": "FTB-100",
        "name": "外商投资企业设立备案",
        "item_type": "01",
        "level": 4,
        "visits_required": 1,
        "statutory_limit_days": 20,
        "promised_limit_days": 10,
        "case_type": "promised",
    }
    data.update(kw)
    return data


def test_coordination_creates_an_item_and_lands_on_its_draft(hall, login):
    response = login(hall.coordination).post(reverse("catalog:item_create"), _create_data(hall))
    item = Item.objects.get(code="FTB-100")
    assert response.status_code == 302
    assert response["Location"] == _url("item_edit", item)
    assert item.versions.get().name == "外商投资企业设立备案"


def test_r_cat_2_item_create_refusal_is_shown_and_nothing_saved(hall, login):
    response = login(hall.coordination).post(
        reverse("catalog:item_create"), _create_data(hall, promised_limit_days=12)
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'class="refusal"' in body
    assert (
        "承诺时限（12个工作日）超过法定时限（20个工作日）的50%，依规须在法定时限内再缩短50%以上（R-CAT-2）"
        in body
    )
    assert not Item.objects.exists()


def test_window_staff_cannot_create(hall, login):
    client = login(hall.clerk)
    assert client.get(reverse("catalog:item_create")).status_code == 403
    assert client.post(reverse("catalog:item_create"), _create_data(hall)).status_code == 403
    assert not Item.objects.exists()


# --- edit ----------------------------------------------------------------------------------------------


def test_opening_edit_on_a_published_item_opens_its_next_draft(hall, item, login):
    client = login(hall.coordination)
    response = client.get(_url("item_edit", item))
    assert response.status_code == 200
    draft = item.versions.get(state=VersionState.DRAFT)
    assert draft.number == 2
    body = response.content.decode()
    for field in ("name", "statutory_limit_days", "promised_limit_days", "legal_basis", "case_type"):
        assert body.count(f'name="{field}"') == 1  # unique on the page: the row forms are prefixed
    assert "保存草稿</button>" in body and ">发布</button>" in body
    client.get(_url("item_edit", item))
    assert item.versions.count() == 2  # the same draft again


def test_r_cat_2_edit_refusal_is_shown_with_rule_and_the_draft_keeps_its_value(hall, item, login):
    client = login(hall.coordination)
    client.get(_url("item_edit", item))
    draft = item.versions.get(state=VersionState.DRAFT)
    response = client.post(_url("item_edit", item), _form_data(draft, promised_limit_days=12, name="改名"))
    assert response.status_code == 200
    body = response.content.decode()
    assert '<div class="refusal" role="alert">' in body
    assert (
        "承诺时限（12个工作日）超过法定时限（20个工作日）的50%，依规须在法定时限内再缩短50%以上（R-CAT-2）"
        in body
    )
    draft.refresh_from_db()
    assert (draft.promised_limit_days, draft.name) == (10, "对外贸易经营者备案登记")
    assert not history_of(item).filter(action="version_update").exists()


def test_saving_the_draft_changes_only_the_draft(hall, item, login):
    client = login(hall.coordination)
    client.get(_url("item_edit", item))
    draft = item.versions.get(state=VersionState.DRAFT)
    data = _form_data(draft, promised_limit_days=8, special_procedures=["expert_review"])
    response = client.post(_url("item_edit", item), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.promised_limit_days, draft.special_procedures) == (8, ["expert_review"])
    assert item.versions.get(number=1).promised_limit_days == 10


def test_bad_input_is_a_form_error_not_a_500(hall, item, login):
    client = login(hall.coordination)
    client.get(_url("item_edit", item))
    draft = item.versions.get(state=VersionState.DRAFT)
    response = client.post(_url("item_edit", item), _form_data(draft, promised_limit_days="abc", level=9))
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"promised_limit_days", "level"}


def test_window_staff_cannot_open_edit_pages(hall, item, login):
    client = login(hall.clerk)
    assert client.get(_url("item_edit", item)).status_code == 403
    assert client.post(_url("item_publish", item)).status_code == 403
    assert client.post(_url("item_withdraw", item), {"reason": "x"}).status_code == 403
    assert (
        client.post(
            _url("material_add", item),
            {"material-name": "x", "material-original_count": 1, "material-copy_count": 0},
        ).status_code
        == 403
    )
    assert item.versions.count() == 1
    item.refresh_from_db()
    assert item.status == ItemStatus.PUBLISHED


def test_another_centres_item_is_not_found(hall, item, login):
    client = login(hall.outsider)
    for name in ("item_edit", "item_history", "item_preview"):
        assert client.get(_url(name, item)).status_code == 404
    assert client.post(_url("item_withdraw", item), {"reason": "x"}).status_code == 404
    assert client.get(_url("version_detail", item, number=1)).status_code == 404
    assert item.versions.count() == 1


# --- materials, fees, steps (HTMX partials with a plain POST fallback) ---------------------------------


def test_material_rows_are_added_and_removed_by_htmx(hall, item, login):
    client = login(hall.coordination)
    client.get(_url("item_edit", item))
    draft = item.versions.get(state=VersionState.DRAFT)
    response = client.post(
        _url("material_add", item),
        {
            "material-name": "法定代表人身份证",
            "material-original_count": 1,
            "material-copy_count": 1,
            "material-is_required": "on",
        },
        **HX,
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<section class="card" id="materials">')
    assert "法定代表人身份证" in body
    added = draft.materials.get(name="法定代表人身份证")
    assert (added.order, added.copy_count) == (3, 1)
    response = client.post(_url("material_remove", item, row=added.pk), **HX)
    assert "法定代表人身份证" not in response.content.decode()
    assert draft.materials.count() == 2


def test_r_data_1_material_refusal_is_shown_in_the_section_and_nothing_saved(hall, item, login):
    client = login(hall.coordination)
    client.get(_url("item_edit", item))
    response = client.post(
        _url("material_add", item),
        {"material-name": "委托书", "material-original_count": 1, "material-copy_count": 0},
        **HX,
    )  # not required, without condition
    body = response.content.decode()
    assert 'class="refusal"' in body and "非必要材料须注明适用情形（R-DATA-1）" in body
    assert not Material.objects.filter(name="委托书").exists()


def test_plain_post_fallback_redirects_to_the_edit_page(hall, item, login):
    client = login(hall.coordination)
    client.get(_url("item_edit", item))
    response = client.post(
        _url("fee_add", item),
        {"fee-name": "证书工本费", "fee-amount": "5.00", "fee-legal_basis": "价费字〔2020〕1号"},
    )
    assert response.status_code == 302 and response["Location"] == _url("item_edit", item)
    assert item.versions.get(state=VersionState.DRAFT).fees.filter(name="证书工本费").exists()


def test_step_rows_by_htmx_only_offer_posts_of_the_department(hall, item, login):
    client = login(hall.coordination)
    page = client.get(_url("item_edit", item))
    other_post = org_factories.make_post(hall.other_window, name="他部门岗")
    choices = [str(p) for p in page.context["step_form"].fields["post"].queryset]
    assert choices == ["A01 受理岗"]
    response = client.post(_url("step_add", item), {"step-name": "审核", "step-post": other_post.pk}, **HX)
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    response = client.post(
        _url("step_add", item), {"step-name": "审核", "step-post": hall.post.pk, "step-limit_days": 3}, **HX
    )
    assert "审核" in response.content.decode()
    draft = item.versions.get(state=VersionState.DRAFT)
    assert list(draft.steps.values_list("order", "name", "limit_days")) == [(1, "受理", None), (2, "审核", 3)]


def test_rows_of_a_published_version_cannot_be_removed_through_the_page(hall, item, login):
    client = login(hall.coordination)
    published_material = item.current_version.materials.first()
    client.get(_url("item_edit", item))
    response = client.post(_url("material_remove", item, row=published_material.pk), **HX)
    assert 'class="refusal"' in response.content.decode()
    assert "已发布的版本不可修改，请新建修订版本（R-CAT-3）" in response.content.decode()
    assert Material.objects.filter(pk=published_material.pk).exists()


# --- publish, withdraw, history, preview ---------------------------------------------------------------


def test_publishing_the_draft_from_the_page(hall, item, login):
    client = login(hall.coordination)
    client.get(_url("item_edit", item))
    response = client.post(_url("item_publish", item), {"change_note": "压缩承诺时限"})
    assert response.status_code == 302 and response["Location"] == _url("item_history", item)
    item.refresh_from_db()
    assert item.current_version.number == 2
    assert item.current_version.change_note == "压缩承诺时限"
    assert item.versions.get(number=1).state == VersionState.SUPERSEDED
    body = client.get(_url("item_history", item)).content.decode()
    assert "压缩承诺时限" in body and "已替代" in body


def test_r_cat_1_publish_refusal_is_shown_on_the_edit_page(hall, login):
    item = services.item_create(
        actor=None,
        center=hall.center,
        department=hall.department,
        code="NEW-1",
        name="新事项",
        statutory_limit_days=10,
        promised_limit_days=5,
    )
    response = login(hall.coordination).post(_url("item_publish", item), {"change_note": ""})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'class="refusal"' in body and "发布前须补全：法定依据" in body and "（R-CAT-1）" in body
    item.refresh_from_db()
    assert item.status == ItemStatus.DRAFT


def test_r_cat_6_withdraw_from_the_page_needs_a_reason(hall, item, login):
    client = login(hall.coordination)
    response = client.post(_url("item_withdraw", item), {"reason": ""})
    assert response.status_code == 200
    assert "取消事项须注明取消依据（如上级取消或调整的文件）（R-CAT-6）" in response.content.decode()
    item.refresh_from_db()
    assert item.status == ItemStatus.PUBLISHED
    client.get(_url("item_edit", item))  # an open draft stays a draft of a withdrawn item
    response = client.post(_url("item_withdraw", item), {"reason": "市政府文件取消"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.withdrawal_reason) == (ItemStatus.WITHDRAWN, "市政府文件取消")
    response = client.get(_url("item_edit", item))
    assert response.status_code == 422
    assert "该事项已取消，不能再修订或发布" in response.content.decode()
    draft = item.versions.get(state=VersionState.DRAFT)
    response = client.post(_url("item_edit", item), _form_data(draft, name="改名"))
    assert response.status_code == 422
    response = client.post(_url("item_publish", item))
    assert "该事项已取消，不能再发布（R-CAT-6）" in response.content.decode()
    assert item.versions.count() == 2
    assert item.versions.get(number=2).state == VersionState.DRAFT


def test_history_and_guides_are_visible_to_the_centres_staff(hall, item, login):
    services.version_draft_for(actor=None, item=item)
    client = login(hall.clerk)
    assert "第1版" in client.get(_url("item_history", item)).content.decode()
    preview = client.get(_url("item_preview", item)).content.decode()
    assert "第2版草稿（预览，未公开）" in preview and "申请材料1" in preview
    v1 = client.get(_url("version_detail", item, number=1)).content.decode()
    assert "对外贸易经营者备案登记" in v1 and "工本费1" in v1
    assert client.get(_url("version_detail", item, number=9)).status_code == 404
