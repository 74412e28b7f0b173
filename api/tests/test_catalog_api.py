"""The catalogue over HTTP: public guides (R-CAT-3), coordination writes through the services (R-CAT-1/2/6),
scoping by centre (R-ORG-1)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from catalog.models import Item, ItemStatus, ItemVersion, VersionState
from catalog.tests.factories import make_published_item
from common.models import HistoryEntry

from .helpers import token_client

R_CAT_2_MESSAGE = "承诺时限（15个工作日）超过法定时限（20个工作日）的50%，依规须在法定时限内再缩短50%以上"


def url(name, hall, **kw):
    return reverse(f"api:{name}", kwargs={"center": hall.center.code, **kw})


@pytest.fixture
def item(hall):
    return make_published_item(
        hall.center, hall.department, post=hall.post, code="FTB-001", name="对外贸易经营者备案登记"
    )


@pytest.fixture
def draft_item(hall):
    """An item never published: only the centre's staff may see it."""
    response = token_client(hall.coordination).post(
        url("item_list", hall),
        {
            "department": "ftb",
            "code": "FTB-009",
            "name": "内部草稿事项",
            "statutory_limit_days": 20,
            "promised_limit_days": 10,
        },
        format="json",
    )
    assert response.status_code == 201
    return Item.objects.get(center=hall.center, code="FTB-009")


def test_public_lists_and_searches_published_items(hall, item, draft_item):
    client = APIClient()

    rows = client.get(url("item_list", hall)).json()["results"]
    assert [(r["code"], r["name"], r["status"]) for r in rows] == [
        ("FTB-001", "对外贸易经营者备案登记", "published")
    ]
    assert rows[0]["promised_limit_days"] == 10 and rows[0]["draft_version"] is None
    assert [r["code"] for r in client.get(url("item_list", hall), {"q": "备案"}).json()["results"]] == [
        "FTB-001"
    ]
    assert client.get(url("item_list", hall), {"q": "草稿"}).json()["results"] == []


def test_public_guide_has_materials_fees_and_steps(hall, item):
    response = APIClient().get(url("item_detail", hall, code="FTB-001"))

    assert response.status_code == 200
    body = response.json()
    guide = body["guide"]
    assert (body["code"], body["status"], body["center"]) == ("FTB-001", "published", "demo-county")
    assert body["department"] == {"code": "ftb", "name": "外经贸局"}
    assert (guide["name"], guide["number"], guide["state"]) == ("对外贸易经营者备案登记", 1, "published")
    assert [m["name"] for m in guide["materials"]] == ["申请材料1", "申请材料2"]
    assert [(f["name"], f["amount"]) for f in guide["fees"]] == [("工本费1", "10.00")]
    assert [(s["name"], s["post"]["window"]) for s in guide["steps"]] == [("受理", "A01")]
    assert body["draft_version"] is None


def test_r_org_1_api_drafts_are_hidden_from_the_public_and_other_centres(hall, item, draft_item):
    for client in (APIClient(), token_client(hall.outsider)):
        assert client.get(url("item_detail", hall, code="FTB-009")).status_code == 404
        assert [r["code"] for r in client.get(url("item_list", hall)).json()["results"]] == ["FTB-001"]
    assert token_client(hall.outsider).get(url("item_draft", hall, code="FTB-009")).status_code == 404
    # The centre's own staff see the draft.
    rows = token_client(hall.clerk).get(url("item_list", hall)).json()["results"]
    assert [(r["code"], r["name"], r["status"], r["draft_version"]) for r in rows] == [
        ("FTB-001", "对外贸易经营者备案登记", "published", None),
        ("FTB-009", "内部草稿事项", "draft", 1),
    ]
    assert (
        token_client(hall.clerk).get(url("item_draft", hall, code="FTB-009")).json()["name"] == "内部草稿事项"
    )


def test_r_cat_2_api_promised_limit_over_half_is_refused_and_nothing_is_created(hall):
    before = (Item.objects.count(), ItemVersion.objects.count(), HistoryEntry.objects.count())

    response = token_client(hall.coordination).post(
        url("item_list", hall),
        {
            "department": "ftb",
            "code": "FTB-002",
            "name": "进出口许可",
            "statutory_limit_days": 20,
            "promised_limit_days": 15,
        },
        format="json",
    )

    assert response.status_code == 422
    assert response.json() == {
        "error": {
            "rule": "R-CAT-2",
            "message": R_CAT_2_MESSAGE,
            "field": "promised_limit_days",
            "code": "rule_violation",
        }
    }
    assert (Item.objects.count(), ItemVersion.objects.count(), HistoryEntry.objects.count()) == before


def test_r_cat_2_api_draft_update_over_half_is_refused_and_the_draft_is_unchanged(hall, item):
    coordination = token_client(hall.coordination)
    assert coordination.post(url("item_draft", hall, code="FTB-001")).status_code == 201
    draft = ItemVersion.objects.get(item=item, state=VersionState.DRAFT)
    before = HistoryEntry.objects.count()

    response = coordination.patch(
        url("item_draft", hall, code="FTB-001"), {"promised_limit_days": 15}, format="json"
    )

    assert response.status_code == 422
    assert response.json()["error"] == {
        "rule": "R-CAT-2",
        "message": R_CAT_2_MESSAGE,
        "field": "promised_limit_days",
        "code": "rule_violation",
    }
    draft.refresh_from_db()
    assert draft.promised_limit_days == 10
    assert HistoryEntry.objects.count() == before


def test_coordination_writes_a_new_item_from_draft_to_published(hall):
    coordination = token_client(hall.coordination)
    code = "FTB-003"

    created = coordination.post(
        url("item_list", hall),
        {
            "department": "ftb",
            "code": code,
            "name": "外商投资项目备案",
            "statutory_limit_days": 20,
            "promised_limit_days": 5,
            "legal_basis": "《外商投资法》",
            "conditions": "依法设立的企业",
        },
        format="json",
    )
    assert created.status_code == 201
    assert (created.json()["status"], created.json()["guide"], created.json()["draft_version"]) == (
        "draft",
        None,
        1,
    )

    patched = coordination.patch(
        url("item_draft", hall, code=code), {"result_name": "备案通知书"}, format="json"
    )
    assert patched.status_code == 200 and patched.json()["result_name"] == "备案通知书"
    material = coordination.post(
        url("draft_materials", hall, code=code), {"name": "营业执照", "copy_count": 1}, format="json"
    )
    assert material.status_code == 201
    extra = coordination.post(
        url("draft_materials", hall, code=code), {"name": "多余材料"}, format="json"
    ).json()
    assert (
        coordination.delete(url("draft_material", hall, code=code, material_id=extra["id"])).status_code
        == 204
    )
    fee = coordination.post(
        url("draft_fees", hall, code=code),
        {"name": "工本费", "amount": "5.50", "legal_basis": "价费字〔2020〕1号"},
        format="json",
    )
    assert fee.status_code == 201 and fee.json()["amount"] == "5.50"
    step = coordination.post(
        url("draft_steps", hall, code=code), {"name": "受理", "post": hall.post.pk}, format="json"
    )
    assert step.status_code == 201 and step.json()["post"]["window"] == "A01"

    published = coordination.post(
        url("item_publish", hall, code=code), {"change_note": "首次发布"}, format="json"
    )
    assert published.status_code == 200
    guide = APIClient().get(url("item_detail", hall, code=code)).json()["guide"]
    assert (guide["number"], guide["state"], guide["change_note"]) == (1, "published", "首次发布")
    assert [m["name"] for m in guide["materials"]] == ["营业执照"]
    assert [f["name"] for f in guide["fees"]] == ["工本费"]
    # Nothing left to publish.
    again = coordination.post(url("item_publish", hall, code=code), {}, format="json")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "no_draft"


def test_publishing_an_incomplete_draft_is_refused(hall, draft_item):
    response = token_client(hall.coordination).post(
        url("item_publish", hall, code="FTB-009"), {}, format="json"
    )

    assert response.status_code == 422
    assert response.json()["error"]["rule"] == "R-CAT-1"
    draft_item.refresh_from_db()
    assert draft_item.status == ItemStatus.DRAFT


def test_r_cat_6_api_withdrawn_item_is_shown_withdrawn_and_takes_no_new_draft(hall, item):
    coordination = token_client(hall.coordination)

    assert (
        coordination.post(
            url("item_withdraw", hall, code="FTB-001"), {"reason": ""}, format="json"
        ).status_code
        == 400
    )
    response = coordination.post(
        url("item_withdraw", hall, code="FTB-001"), {"reason": "省政府取消"}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["withdrawal_reason"]) == ("withdrawn", "省政府取消")
    assert APIClient().get(url("item_detail", hall, code="FTB-001")).json()["status"] == "withdrawn"
    assert APIClient().get(url("item_list", hall)).json()["results"] == []
    refused = coordination.post(url("item_draft", hall, code="FTB-001"))
    assert refused.status_code == 422
    assert refused.json()["error"]["rule"] == "R-CAT-6"


def test_only_coordination_of_the_centre_writes_the_catalogue(hall, item):
    body = {
        "department": "ftb",
        "code": "FTB-004",
        "name": "某事项",
        "statutory_limit_days": 20,
        "promised_limit_days": 5,
    }

    assert APIClient().post(url("item_list", hall), body, format="json").status_code == 401
    assert token_client(hall.clerk).post(url("item_list", hall), body, format="json").status_code == 403
    assert token_client(hall.outsider).post(url("item_list", hall), body, format="json").status_code == 404
    assert (
        token_client(hall.clerk)
        .post(url("item_withdraw", hall, code="FTB-001"), {"reason": "x"}, format="json")
        .status_code
        == 403
    )
    assert not Item.objects.filter(code="FTB-004").exists()
    assert Item.objects.get(code="FTB-001").status == ItemStatus.PUBLISHED


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (
            {"code": "FTB-005", "name": "x", "statutory_limit_days": 20, "promised_limit_days": 5},
            "department",
        ),
        (
            {
                "department": "ftb",
                "code": "bad code",
                "name": "x",
                "statutory_limit_days": 20,
                "promised_limit_days": 5,
            },
            "code",
        ),
        (
            {
                "department": "ftb",
                "code": "FTB-005",
                "name": "x",
                "statutory_limit_days": -1,
                "promised_limit_days": 0,
            },
            "statutory_limit_days",
        ),
        (
            {
                "department": "ftb",
                "code": "FTB-005",
                "name": "x",
                "statutory_limit_days": 20,
                "promised_limit_days": "ten",
            },
            "promised_limit_days",
        ),
        (
            {
                "department": "ftb",
                "code": "FTB-005",
                "name": "x",
                "statutory_limit_days": 20,
                "promised_limit_days": 5,
                "case_type": "urgent",
            },
            "case_type",
        ),
        (
            {
                "department": "nope",
                "code": "FTB-005",
                "name": "x",
                "statutory_limit_days": 20,
                "promised_limit_days": 5,
            },
            "department",
        ),
    ],
)
def test_malformed_item_is_400_naming_the_field(hall, body, field):
    response = token_client(hall.coordination).post(url("item_list", hall), body, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["field"] == field
    assert not Item.objects.filter(code="FTB-005").exists()


def test_step_post_must_be_of_this_centre(hall, draft_item):
    response = token_client(hall.coordination).post(
        url("draft_steps", hall, code="FTB-009"), {"name": "受理", "post": 999_999}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["field"] == "post"
