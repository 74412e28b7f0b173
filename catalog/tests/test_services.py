"""The catalogue's services, rule by rule (R-CAT-1/2/3/6, R-DATA-1)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from catalog import services
from catalog.models import Fee, Item, ItemStatus, ItemVersion, Material, Step, VersionState
from catalog.tests.factories import make_published_item, set_policy
from common.errors import RuleViolation
from common.history import history_of
from org.tests import factories as org_factories

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _create(hall: Any, **kw: Any) -> Item:
    fields: dict[str, Any] = {
        "code": "FTB-001",
        "name": "对外贸易经营者备案登记",
        "statutory_limit_days": 20,
        "promised_limit_days": 10,
        "legal_basis": "《中华人民共和国对外贸易法》第九条",
        "conditions": "依法办理工商登记的企业。",
        "result_name": "对外贸易经营者备案登记表",
    }
    fields.update(kw)
    return services.item_create(
        actor=hall.coordination.user, center=hall.center, department=hall.department, **fields
    )


def _draft(item: Item) -> ItemVersion:
    return item.versions.get(state=VersionState.DRAFT)


def _complete(hall: Any, item: Item) -> ItemVersion:
    draft = _draft(item)
    actor = hall.coordination.user
    services.material_add(actor=actor, version=draft, name="备案登记表", original_count=1, copy_count=0)
    services.material_add(actor=actor, version=draft, name="营业执照", original_count=0, copy_count=1)
    services.fee_add(actor=actor, version=draft, name="工本费", amount="0", legal_basis="免收")
    services.step_add(actor=actor, version=draft, name="受理", post=hall.post)
    return draft


def _published(hall: Any, **kw: Any) -> Item:
    item = _create(hall, **kw)
    services.version_publish(
        actor=hall.coordination.user, version=_complete(hall, item), change_note="首次发布"
    )
    item.refresh_from_db()
    return item


def _refused(rule: str, call: Any, **kwargs: Any) -> RuleViolation:
    with pytest.raises(RuleViolation) as caught:
        call(**kwargs)
    assert caught.value.rule == rule
    return caught.value


# --- R-CAT-1 -------------------------------------------------------------------------------------------


def test_r_cat_1_item_create_makes_item_with_draft_version_1_and_history(hall):
    item = _create(hall)
    assert item.status == ItemStatus.DRAFT
    assert item.current_version is None
    [version] = item.versions.all()
    assert (version.number, version.state, version.name) == (1, VersionState.DRAFT, "对外贸易经营者备案登记")
    assert version.created_by == hall.coordination.user
    [entry] = history_of(item)
    assert entry.action == "item_create"
    assert entry.actor == hall.coordination.user
    assert entry.changes["code"] == "FTB-001"


def test_r_cat_1_publish_refuses_incomplete_item_listing_what_is_missing(hall):
    item = _create(hall, legal_basis="", conditions="", result_name="")
    draft = _draft(item)
    exc = _refused("R-CAT-1", services.version_publish, actor=hall.coordination.user, version=draft)
    assert (
        exc.message
        == "发布前须补全：法定依据、办理条件、办理结果、申请材料（至少一项）、办理环节（至少一项，须指定岗位）"
    )
    assert exc.field == "legal_basis"
    item.refresh_from_db()
    draft.refresh_from_db()
    assert item.status == ItemStatus.DRAFT and item.current_version is None
    assert draft.state == VersionState.DRAFT and draft.published_at is None
    assert [e.action for e in history_of(item)] == ["item_create"]


def test_r_cat_1_publish_refuses_without_materials(hall):
    item = _create(hall)
    draft = _draft(item)
    services.step_add(actor=hall.coordination.user, version=draft, name="受理", post=hall.post)
    exc = _refused("R-CAT-1", services.version_publish, actor=hall.coordination.user, version=draft)
    assert exc.message == "发布前须补全：申请材料（至少一项）"


def test_r_cat_1_name_is_required(hall):
    exc = _refused("R-CAT-1", _create, hall=hall, name="  ")
    assert exc.message == "事项名称不能为空"
    assert not Item.objects.exists()


def test_r_cat_1_step_post_must_serve_the_items_department(hall):
    item = _create(hall)
    draft = _draft(item)
    other_post = org_factories.make_post(hall.other_window)
    exc = _refused(
        "R-CAT-1",
        services.step_add,
        actor=hall.coordination.user,
        version=draft,
        name="受理",
        post=other_post,
    )
    assert exc.message == "环节岗位须设在本部门的窗口或受理本部门事项的综合窗口"
    foreign = org_factories.make_post(org_factories.make_window(hall.outsider.center))
    _refused(
        "R-CAT-1", services.step_add, actor=hall.coordination.user, version=draft, name="受理", post=foreign
    )
    assert not Step.objects.exists()
    # A comprehensive window serving the department may perform it.
    hall.other_window.served_departments.add(hall.department)
    step = services.step_add(actor=hall.coordination.user, version=draft, name="受理", post=other_post)
    assert step.order == 1


def test_r_cat_1_fee_needs_legal_basis_and_non_negative_amount(hall):
    draft = _draft(_create(hall))
    actor = hall.coordination.user
    exc = _refused(
        "R-CAT-7", services.fee_add, actor=actor, version=draft, name="工本费", amount="5", legal_basis=""
    )
    assert exc.message == "收费须注明收费依据"
    exc = _refused(
        "R-CAT-7", services.fee_add, actor=actor, version=draft, name="工本费", amount="-1", legal_basis="x"
    )
    assert exc.message == "收费标准不能为负数"
    fee = services.fee_add(
        actor=actor, version=draft, name="工本费", amount="10.50", legal_basis="价费字〔2020〕1号"
    )
    assert (fee.amount, fee.order) == (Decimal("10.50"), 1)


def test_material_and_step_rows_are_ordered_and_removable_on_a_draft(hall):
    item = _create(hall)
    draft = _complete(hall, item)
    assert list(draft.materials.values_list("order", "name")) == [(1, "备案登记表"), (2, "营业执照")]
    first = draft.materials.get(order=1)
    services.material_remove(actor=hall.coordination.user, material=first)
    assert list(draft.materials.values_list("name", flat=True)) == ["营业执照"]
    services.fee_remove(actor=hall.coordination.user, fee=draft.fees.get())
    services.step_remove(actor=hall.coordination.user, step=draft.steps.get())
    assert not draft.fees.exists() and not draft.steps.exists()
    actions = [e.action for e in history_of(item)]
    assert actions[:3] == ["step_remove", "fee_remove", "material_remove"]
    removed = history_of(item).get(action="material_remove")
    assert removed.changes["name"] == "备案登记表"


def test_material_update_changes_a_draft_row(hall):
    draft = _complete(hall, _create(hall))
    material = draft.materials.get(order=2)
    services.material_update(actor=hall.coordination.user, material=material, copy_count=2, notes="加盖公章")
    material.refresh_from_db()
    assert (material.copy_count, material.notes) == (2, "加盖公章")


# --- R-CAT-2 -------------------------------------------------------------------------------------------


def test_r_cat_2_promised_limit_over_half_is_refused_on_save_and_nothing_changes(hall):
    item = _create(hall)
    draft = _draft(item)
    exc = _refused(
        "R-CAT-2",
        services.version_update,
        actor=hall.coordination.user,
        version=draft,
        promised_limit_days=12,
    )
    assert (
        exc.message
        == "承诺时限（12个工作日）超过法定时限（20个工作日）的50%，依规须在法定时限内再缩短50%以上"
    )
    assert exc.field == "promised_limit_days"
    draft.refresh_from_db()
    assert (draft.statutory_limit_days, draft.promised_limit_days) == (20, 10)
    assert [e.action for e in history_of(item)] == ["item_create"]


def test_r_cat_2_refused_on_item_create_creates_nothing(hall):
    exc = _refused("R-CAT-2", _create, hall=hall, statutory_limit_days=20, promised_limit_days=11)
    assert (
        exc.message
        == "承诺时限（11个工作日）超过法定时限（20个工作日）的50%，依规须在法定时限内再缩短50%以上"
    )
    assert not Item.objects.exists() and not ItemVersion.objects.exists()


def test_r_cat_2_promised_above_statutory_is_refused_with_the_same_rule(hall):
    draft = _draft(_create(hall))
    _refused(
        "R-CAT-2",
        services.version_update,
        actor=hall.coordination.user,
        version=draft,
        promised_limit_days=25,
    )


def test_r_cat_2_exactly_half_is_accepted(hall):
    item = _create(hall, statutory_limit_days=15, promised_limit_days=7)
    draft = _draft(item)
    services.version_update(
        actor=hall.coordination.user, version=draft, statutory_limit_days=30, promised_limit_days=15
    )
    draft.refresh_from_db()
    assert (draft.statutory_limit_days, draft.promised_limit_days) == (30, 15)
    entry = history_of(item).get(action="version_update")
    assert entry.changes == {"version": 1, "statutory_limit_days": [15, 30], "promised_limit_days": [7, 15]}


def test_r_cat_2_immediate_item_promised_limit_must_be_zero(hall):
    exc = _refused(
        "R-CAT-2", _create, hall=hall, case_type="immediate", statutory_limit_days=5, promised_limit_days=1
    )
    assert exc.message == "即办件的承诺时限应为0个工作日（当场办结），不能为1个工作日"
    item = _create(hall, case_type="immediate", statutory_limit_days=5, promised_limit_days=0)
    assert _draft(item).promised_limit_days == 0


def test_r_cat_2_centre_policy_ratio_40_refuses_half(hall):
    set_policy(hall.center, "promised_limit_max_ratio", 40)
    exc = _refused("R-CAT-2", _create, hall=hall, statutory_limit_days=20, promised_limit_days=10)
    assert (
        exc.message
        == "承诺时限（10个工作日）超过法定时限（20个工作日）的40%，依规须在法定时限内再缩短60%以上"
    )
    item = _create(hall, statutory_limit_days=20, promised_limit_days=8)
    assert _draft(item).promised_limit_days == 8


def test_r_cat_2_checked_again_on_publish(hall):
    item = _create(hall)
    draft = _complete(hall, item)
    with time_machine.travel(datetime(2025, 6, 2, 10, 0, tzinfo=SHANGHAI)):
        set_policy(hall.center, "promised_limit_max_ratio", 40, effective_from=datetime(2025, 6, 1).date())
        exc = _refused("R-CAT-2", services.version_publish, actor=hall.coordination.user, version=draft)
    assert exc.message.startswith("承诺时限（10个工作日）超过法定时限（20个工作日）的40%")
    draft.refresh_from_db()
    assert draft.state == VersionState.DRAFT


def test_r_cat_2_check_promised_limit_alone(hall):
    services.check_promised_limit(
        center=hall.center, statutory_limit_days=0, promised_limit_days=0, case_type="promised"
    )
    with pytest.raises(RuleViolation):
        services.check_promised_limit(
            center=hall.center, statutory_limit_days=3, promised_limit_days=2, case_type="reported"
        )


# --- R-CAT-3 -------------------------------------------------------------------------------------------


def test_r_cat_3_publish_makes_the_version_current_and_immutable(hall):
    item = _create(hall)
    draft = _complete(hall, item)
    moment = datetime(2025, 3, 3, 9, 30, tzinfo=SHANGHAI)
    with time_machine.travel(moment, tick=False):
        version = services.version_publish(
            actor=hall.coordination.user, version=draft, change_note="首次发布"
        )
    item.refresh_from_db()
    assert item.status == ItemStatus.PUBLISHED
    assert item.current_version == version
    assert (version.state, version.published_at, version.published_by) == (
        VersionState.PUBLISHED,
        moment,
        hall.coordination.user,
    )
    assert version.change_note == "首次发布"
    assert services.item_accepts_applications(item)
    entry = history_of(item).get(action="version_publish")
    assert (entry.rule, entry.reason, entry.changes) == (
        "R-CAT-3",
        "首次发布",
        {"version": 1, "superseded": None},
    )

    actor = hall.coordination.user
    exc = _refused("R-CAT-3", services.version_update, actor=actor, version=version, name="改名")
    assert exc.message == "已发布的版本不可修改，请新建修订版本"
    _refused("R-CAT-3", services.material_add, actor=actor, version=version, name="新材料")
    _refused("R-CAT-3", services.material_remove, actor=actor, material=version.materials.first())
    _refused("R-CAT-3", services.fee_add, actor=actor, version=version, name="费", amount=1, legal_basis="x")
    _refused("R-CAT-3", services.step_remove, actor=actor, step=version.steps.first())
    _refused("R-CAT-3", services.version_publish, actor=actor, version=version)
    version.refresh_from_db()
    assert version.name == "对外贸易经营者备案登记"
    assert version.materials.count() == 2 and version.steps.count() == 1


def test_r_cat_3_editing_a_published_item_creates_draft_2_and_leaves_1_unchanged(hall):
    item = _published(hall)
    v1 = item.current_version
    draft = services.version_draft_for(actor=hall.coordination.user, item=item)
    assert (draft.number, draft.state) == (2, VersionState.DRAFT)
    assert draft.name == v1.name and draft.legal_basis == v1.legal_basis and draft.promised_limit_days == 10
    assert list(draft.materials.values_list("order", "name", "original_count", "copy_count")) == list(
        v1.materials.values_list("order", "name", "original_count", "copy_count")
    )
    assert list(draft.fees.values_list("name", "amount")) == [("工本费", Decimal("0.00"))]
    assert list(draft.steps.values_list("name", "post")) == [("受理", hall.post.pk)]
    assert services.version_draft_for(actor=hall.coordination.user, item=item) == draft  # the open draft

    services.version_update(actor=hall.coordination.user, version=draft, promised_limit_days=5, name="新名称")
    services.material_add(actor=hall.coordination.user, version=draft, name="授权委托书")
    v1.refresh_from_db()
    assert (v1.name, v1.promised_limit_days, v1.state) == (
        "对外贸易经营者备案登记",
        10,
        VersionState.PUBLISHED,
    )
    assert v1.materials.count() == 2
    item.refresh_from_db()
    assert item.current_version == v1


def test_r_cat_3_publishing_draft_2_supersedes_version_1(hall):
    item = _published(hall)
    v1 = item.current_version
    draft = services.version_draft_for(actor=hall.coordination.user, item=item)
    services.version_update(actor=hall.coordination.user, version=draft, promised_limit_days=5)
    v2 = services.version_publish(actor=hall.coordination.user, version=draft, change_note="压缩承诺时限")
    v1.refresh_from_db()
    item.refresh_from_db()
    assert v1.state == VersionState.SUPERSEDED
    assert (item.current_version, item.current_version.promised_limit_days) == (v2, 5)
    assert list(item.versions.values_list("number", "state")) == [
        (2, VersionState.PUBLISHED),
        (1, VersionState.SUPERSEDED),
    ]
    _refused(
        "R-CAT-3", services.version_update, actor=hall.coordination.user, version=v1, promised_limit_days=3
    )
    assert history_of(item).filter(action="version_publish").first().changes == {
        "version": 2,
        "superseded": 1,
    }


def test_r_cat_3_factory_items_are_revised_the_same_way(hall):
    item = make_published_item(hall.center, hall.department, post=hall.post)
    draft = services.version_draft_for(actor=hall.coordination.user, item=item)
    assert draft.number == 2 and draft.materials.count() == 2 and draft.fees.count() == 1
    services.version_publish(actor=hall.coordination.user, version=draft)
    item.refresh_from_db()
    assert item.current_version == draft


# --- R-CAT-6 -------------------------------------------------------------------------------------------


def test_r_cat_6_withdrawal_needs_a_reason_and_changes_nothing_without(hall):
    item = _published(hall)
    exc = _refused("R-CAT-6", services.item_withdraw, actor=hall.coordination.user, item=item, reason="  ")
    assert exc.field == "reason"
    item.refresh_from_db()
    assert item.status == ItemStatus.PUBLISHED and item.withdrawn_at is None
    assert services.item_accepts_applications(item)


def test_r_cat_6_withdrawn_item_accepts_nothing_and_cannot_be_published_again(hall):
    item = _published(hall)
    draft = services.version_draft_for(actor=hall.coordination.user, item=item)
    moment = datetime(2025, 4, 1, 15, 0, tzinfo=SHANGHAI)
    with time_machine.travel(moment, tick=False):
        services.item_withdraw(actor=hall.coordination.user, item=item, reason="省政府令第5号取消该事项")
    item.refresh_from_db()
    assert (item.status, item.withdrawn_at, item.withdrawal_reason) == (
        ItemStatus.WITHDRAWN,
        moment,
        "省政府令第5号取消该事项",
    )
    assert not services.item_accepts_applications(item)
    entry = history_of(item).get(action="item_withdraw")
    assert (entry.rule, entry.reason) == ("R-CAT-6", "省政府令第5号取消该事项")

    actor = hall.coordination.user
    assert (
        _refused("R-CAT-6", services.version_publish, actor=actor, version=draft).message
        == "该事项已取消，不能再发布"
    )
    _refused("R-CAT-6", services.version_update, actor=actor, version=draft, name="x")
    _refused("R-CAT-6", services.version_draft_for, actor=actor, item=item)
    _refused("R-CAT-6", services.item_withdraw, actor=actor, item=item, reason="再次")
    draft.refresh_from_db()
    assert draft.state == VersionState.DRAFT


def test_r_cat_6_unpublished_item_does_not_accept_applications(hall):
    assert not services.item_accepts_applications(_create(hall))


# --- R-DATA-1 ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"basic_code": "12345"}, "basic_code", "基本编码应为12位数字或大写字母（如 000105001000）"),
        ({"implementation_code": "ABC-123"}, "implementation_code", "实施编码应为18至40位数字或大写字母"),
        ({"item_type": "99"}, "item_type", "事项类型代码无效（行政许可01 … 公共服务20）"),
        ({"level": 5}, "level", "行使层级须为1（国家级）至4（县级）"),
        ({"level": 0}, "level", "行使层级须为1（国家级）至4（县级）"),
        ({"visits_required": -1}, "visits_required", "到现场次数不能为负数"),
    ],
)
def test_r_data_1_codes_type_level_and_visits_are_validated(hall, fields, field, message):
    draft = _draft(_create(hall))
    exc = _refused("R-DATA-1", services.version_update, actor=hall.coordination.user, version=draft, **fields)
    assert (exc.field, exc.message) == (field, message)
    draft.refresh_from_db()
    assert (draft.basic_code, draft.item_type, draft.level, draft.visits_required) == ("", "01", 4, 1)


def test_r_data_1_valid_codes_are_stored_upper_case(hall):
    item = _create(
        hall,
        basic_code="000105001000",
        implementation_code="11330100002491939q3000105001000",
        item_type="20",
        level=3,
        visits_required=0,
    )
    draft = _draft(item)
    assert (draft.basic_code, draft.implementation_code) == (
        "000105001000",
        "11330100002491939Q3000105001000",
    )
    assert (draft.item_type, draft.level, draft.visits_required) == ("20", 3, 0)


def test_r_data_1_item_code_is_unique_and_url_safe(hall):
    _create(hall)
    exc = _refused("R-DATA-1", _create, hall=hall)
    assert exc.message == "事项编号 FTB-001 已存在"
    _refused("R-DATA-1", _create, hall=hall, code="FTB 002")
    assert Item.objects.count() == 1


def test_r_data_1_materials_carry_counts_and_conditional_ones_a_condition(hall):
    draft = _draft(_create(hall))
    actor = hall.coordination.user
    exc = _refused(
        "R-DATA-1", services.material_add, actor=actor, version=draft, name="委托书", is_required=False
    )
    assert (exc.field, exc.message) == ("condition", "非必要材料须注明适用情形")
    exc = _refused("R-DATA-1", services.material_add, actor=actor, version=draft, name="x", original_count=0)
    assert exc.message == "原件份数和复印件份数不能同时为0"
    _refused("R-DATA-1", services.material_add, actor=actor, version=draft, name="x", copy_count=-2)
    assert not Material.objects.exists()
    m = services.material_add(
        actor=actor,
        version=draft,
        name="授权委托书",
        is_required=False,
        condition="委托代理人办理的",
        copy_count=1,
    )
    assert (m.original_count, m.copy_count, m.is_required, m.condition) == (1, 1, False, "委托代理人办理的")
    _refused("R-DATA-1", services.material_update, actor=actor, material=m, condition="")


def test_r_data_1_special_procedures_must_be_known_kinds(hall):
    draft = _draft(_create(hall))
    exc = _refused(
        "R-CAT-1",
        services.version_update,
        actor=hall.coordination.user,
        version=draft,
        special_procedures=["hearing", "nap"],
    )
    assert exc.field == "special_procedures"
    services.version_update(
        actor=hall.coordination.user, version=draft, special_procedures=["expert_review", "hearing"]
    )
    draft.refresh_from_db()
    assert draft.special_procedures == ["hearing", "expert_review"]
    assert draft.special_procedure_labels == ["听证", "专家评审"]


def test_r_clk_5_extension_allowed_needs_a_maximum_defaulting_to_policy(hall):
    draft = _draft(_create(hall))
    actor = hall.coordination.user
    exc = _refused(
        "R-CLK-5",
        services.version_update,
        actor=actor,
        version=draft,
        extension_allowed=True,
        max_extension_days=0,
    )
    assert exc.message == "依法可延期的事项须设定最长延期天数（至少1个工作日）"
    draft = services.version_update(actor=actor, version=draft, extension_allowed=True)
    assert (draft.extension_allowed, draft.max_extension_days) == (True, 10)
    set_policy(hall.center, "extension_default_days", 15)
    item = _create(hall, code="FTB-002", extension_allowed=True)
    assert _draft(item).max_extension_days == 15


def test_field_lengths_are_refused_not_database_errors(hall):
    draft = _draft(_create(hall))
    exc = _refused(
        "R-CAT-1", services.version_update, actor=hall.coordination.user, version=draft, name="名" * 201
    )
    assert exc.field == "name"
    draft.refresh_from_db()
    assert draft.name == "对外贸易经营者备案登记"


def test_department_of_another_centre_is_refused(hall):
    foreign = org_factories.make_department(hall.outsider.center)
    with pytest.raises(RuleViolation) as caught:
        services.item_create(
            actor=hall.coordination.user,
            center=hall.center,
            department=foreign,
            code="X-1",
            name="x",
            statutory_limit_days=2,
            promised_limit_days=1,
        )
    assert caught.value.rule == "R-ORG-1"


def test_fee_copy_keeps_amounts(hall):
    item = _published(hall)
    draft = services.version_draft_for(actor=hall.coordination.user, item=item)
    assert Fee.objects.filter(version=draft).count() == 1
