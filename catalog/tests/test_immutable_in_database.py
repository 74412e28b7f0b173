"""A published version cannot be changed by any path, not only through the services (R-CAT-3): on PostgreSQL,
the production database, triggers refuse changes to a published or superseded version and to its materials,
fees and steps; the only change such a version takes is published -> superseded. Drafts stay editable."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from catalog import services
from catalog.models import Fee, Item, ItemVersion, Material, Step, VersionState
from catalog.tests.factories import make_published_item

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the triggers exist on PostgreSQL, the production database"
    ),
]


@pytest.fixture
def item(hall: Any) -> Item:
    return make_published_item(hall.center, hall.department, post=hall.post, promised_limit_days=5)


def _refused(change: Callable[[], Any]) -> None:
    with pytest.raises(DatabaseError, match="R-CAT-3"), transaction.atomic():
        change()


def _sql(statement: str, *params: Any) -> None:
    """Raw SQL, past the ORM (whose protected foreign keys would refuse a delete first)."""
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_r_cat_3_a_published_version_refuses_changes_in_the_database(item: Item) -> None:
    version = item.current_version
    assert version is not None
    _refused(lambda: ItemVersion.objects.filter(pk=version.pk).update(promised_limit_days=1))
    _refused(lambda: ItemVersion.objects.filter(pk=version.pk).update(state=VersionState.DRAFT))
    _refused(lambda: _sql("DELETE FROM catalog_itemversion WHERE id = %s", version.pk))
    version.refresh_from_db()
    assert (version.state, version.promised_limit_days) == (VersionState.PUBLISHED, 5)


def test_r_cat_3_the_materials_fees_and_steps_of_a_published_version_refuse_changes(
    item: Item, hall: Any
) -> None:
    version = item.current_version
    material = version.materials.first()
    fee = version.fees.get()
    _refused(lambda: Material.objects.filter(pk=material.pk).update(name="改过的材料"))
    _refused(lambda: Material.objects.create(version=version, order=9, name="新增材料", copy_count=1))
    _refused(lambda: Fee.objects.filter(pk=fee.pk).update(amount="99.00"))
    _refused(lambda: Fee.objects.filter(pk=fee.pk).delete())
    _refused(lambda: Step.objects.create(version=version, order=2, name="新增环节", post=hall.post))
    _refused(lambda: Step.objects.filter(version=version).update(limit_days=1))
    assert [m.name for m in version.materials.order_by("order")] == ["申请材料1", "申请材料2"]
    assert str(version.fees.get().amount) == "10.00"
    assert version.steps.count() == 1


def test_r_cat_3_a_draft_is_edited_and_published_and_its_predecessor_superseded(item: Item) -> None:
    first = item.current_version
    draft = services.version_draft_for(actor=None, item=item)
    Material.objects.filter(version=draft, order=1).update(name="修订后的材料")
    Fee.objects.filter(version=draft).update(amount="12.00")
    services.version_publish(actor=None, version=draft, change_note="调整材料名称和收费")
    first.refresh_from_db()
    draft.refresh_from_db()
    assert (first.state, draft.state) == (VersionState.SUPERSEDED, VersionState.PUBLISHED)
    assert first.materials.get(order=1).name == "申请材料1"  # the old version says what it said
    # Superseded is final too.
    _refused(lambda: ItemVersion.objects.filter(pk=first.pk).update(state=VersionState.PUBLISHED))
