"""Reading the catalogue: search, the yearly review (R-CAT-4), guides without N+1."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from catalog import selectors, services
from catalog.models import ItemStatus, ItemVersion
from catalog.tests.factories import amending_published, make_published_item, set_policy
from common.errors import NotFound
from org.tests import factories as org_factories

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _publish_at(item, moment: datetime) -> None:
    with amending_published():
        ItemVersion.objects.filter(pk=item.current_version_id).update(published_at=moment)


@pytest.fixture
def catalogue(hall):
    police = org_factories.make_department(hall.center, code="vmo", name="公安局车管所", short_name="车管所")
    items = {
        "filing": make_published_item(
            hall.center,
            hall.department,
            code="FTB-001",
            name="对外贸易经营者备案登记",
            content="办理对外贸易经营者的备案登记",
        ),
        "licence": make_published_item(
            hall.center, hall.department, code="FTB-002", name="货物进口许可证", content="进口许可证申领"
        ),
        "plate": make_published_item(
            hall.center, police, code="VMO-001", name="机动车注册登记", conditions="新车须经查验"
        ),
    }
    # Not public: a draft item and a withdrawn one; another centre's item.
    draft = services.item_create(
        actor=None,
        center=hall.center,
        department=hall.department,
        code="FTB-009",
        name="备案登记草稿",
        statutory_limit_days=20,
        promised_limit_days=10,
    )
    withdrawn = make_published_item(hall.center, hall.department, code="FTB-010", name="已取消的备案登记")
    services.item_withdraw(actor=None, item=withdrawn, reason="上级取消")
    make_published_item(hall.outsider.center, code="FTB-001", name="对外贸易经营者备案登记")
    items.update(draft=draft, withdrawn=withdrawn)
    return items


def test_published_items_are_only_this_centres_published_ones(hall, catalogue):
    codes = [i.code for i in selectors.published_items(hall.center)]
    assert codes == ["FTB-001", "FTB-002", "VMO-001"]


def test_search_requires_every_term_in_some_field(hall, catalogue):
    assert [i.code for i in selectors.search_items(hall.center, "登记")] == ["FTB-001", "VMO-001"]
    assert [i.code for i in selectors.search_items(hall.center, "登记 车管所")] == ["VMO-001"]
    assert [i.code for i in selectors.search_items(hall.center, "  进口   许可 ")] == ["FTB-002"]
    assert [i.code for i in selectors.search_items(hall.center, "查验")] == ["VMO-001"]  # conditions
    assert [i.code for i in selectors.search_items(hall.center, "ftb-002")] == ["FTB-002"]  # code, any case
    assert [i.code for i in selectors.search_items(hall.center, "外经贸")] == [
        "FTB-001",
        "FTB-002",
    ]  # department
    assert list(selectors.search_items(hall.center, "登记 不存在")) == []
    assert len(selectors.search_items(hall.center, "")) == 3


def test_search_puts_name_matches_first(hall, catalogue):
    # "进口" is in FTB-002's name; FTB-001 only mentions it in its content.
    with amending_published():
        ItemVersion.objects.filter(item=catalogue["filing"]).update(content="含货物进口业务的备案")
    assert [i.code for i in selectors.search_items(hall.center, "进口")] == ["FTB-002", "FTB-001"]


def test_r_cat_4_items_published_over_a_year_ago_are_due_for_review(hall, catalogue):
    today = date(2025, 6, 15)
    _publish_at(catalogue["filing"], datetime(2024, 6, 14, 16, 0, tzinfo=SHANGHAI))  # over a year
    _publish_at(catalogue["licence"], datetime(2024, 6, 15, 9, 0, tzinfo=SHANGHAI))  # exactly a year
    _publish_at(catalogue["plate"], datetime(2025, 1, 1, 9, 0, tzinfo=SHANGHAI))
    assert [i.code for i in selectors.items_due_for_review(hall.center, today)] == ["FTB-001"]
    rows = {i.code: i.review_due for i in selectors.staff_items(hall.center, today=today)}
    assert rows == {
        "FTB-001": True,
        "FTB-002": False,
        "FTB-009": False,
        "FTB-010": False,  # withdrawn: no longer reprinted
        "VMO-001": False,
    }


def test_r_cat_4_review_period_is_the_centres_policy(hall, catalogue):
    set_policy(hall.center, "guide_review_months", 6)
    today = date(2025, 6, 15)
    _publish_at(catalogue["filing"], datetime(2024, 12, 14, 9, 0, tzinfo=SHANGHAI))
    _publish_at(catalogue["licence"], datetime(2024, 12, 15, 9, 0, tzinfo=SHANGHAI))
    _publish_at(catalogue["plate"], datetime(2025, 6, 1, 9, 0, tzinfo=SHANGHAI))
    assert [i.code for i in selectors.items_due_for_review(hall.center, today)] == ["FTB-001"]


def test_r_cat_4_a_new_version_clears_the_review_flag(hall, catalogue):
    item = catalogue["filing"]
    _publish_at(item, datetime(2023, 1, 1, 9, 0, tzinfo=SHANGHAI))
    today = date(2025, 6, 15)
    assert selectors.items_due_for_review(hall.center, today).filter(pk=item.pk).exists()
    services.step_add(
        actor=None,
        version=services.version_draft_for(actor=None, item=item),
        name="受理",
        post=hall.post,
    )
    services.version_publish(actor=None, version=item.versions.get(state="draft"), change_note="年度复核")
    assert not selectors.items_due_for_review(hall.center, today).filter(pk=item.pk).exists()


def test_staff_items_filter_and_annotate_the_open_draft(hall, catalogue):
    today = date(2025, 6, 15)
    services.version_draft_for(actor=None, item=catalogue["licence"])
    rows = {i.code: (i.status, i.draft_number) for i in selectors.staff_items(hall.center, today=today)}
    assert rows["FTB-002"] == (ItemStatus.PUBLISHED, 2)
    assert rows["FTB-009"] == (ItemStatus.DRAFT, 1)
    assert rows["FTB-001"] == (ItemStatus.PUBLISHED, None)
    assert [i.code for i in selectors.staff_items(hall.center, today=today, status="withdrawn")] == [
        "FTB-010"
    ]
    assert [i.code for i in selectors.staff_items(hall.center, today=today, query="草稿")] == ["FTB-009"]
    police = catalogue["plate"].department_id
    assert [i.code for i in selectors.staff_items(hall.center, today=today, department_id=police)] == [
        "VMO-001"
    ]


def test_item_guide_prefetches_its_content(hall, django_assert_num_queries):
    item = make_published_item(hall.center, hall.department, post=hall.post, materials=3, fees=2)
    with django_assert_num_queries(4):  # version, materials, fees, steps with posts and windows
        guide = selectors.item_guide(item)
        names = [m.name for m in guide.materials.all()]
        fees = [f.name for f in guide.fees.all()]
        steps = [(s.name, s.post.window.number) for s in guide.steps.all()]
    assert names == ["申请材料1", "申请材料2", "申请材料3"]
    assert fees == ["工本费1", "工本费2"]
    assert steps == [("受理", "A01")]


def test_item_guide_of_an_unpublished_item_is_not_found(hall):
    item = services.item_create(
        actor=None,
        center=hall.center,
        department=hall.department,
        code="X-1",
        name="x",
        statutory_limit_days=2,
        promised_limit_days=1,
    )
    with pytest.raises(NotFound):
        selectors.item_guide(item)
