"""Catalogue rows for tests, built directly (the services are tested on their own)."""

from __future__ import annotations

import itertools
from typing import Any

from django.utils import timezone

from catalog.models import Fee, Item, ItemStatus, ItemVersion, Material, Step, VersionState
from org.models import Center, Department, Post
from org.tests import factories as org_factories

_seq = itertools.count(1)


def make_published_item(
    center: Center,
    department: Department | None = None,
    *,
    post: Post | None = None,
    materials: int = 2,
    fees: int = 1,
    **fields: Any,
) -> Item:
    n = next(_seq)
    department = department or org_factories.make_department(center)
    item = Item.objects.create(
        center=center,
        department=department,
        code=fields.pop("code", f"ITEM-{n:04d}"),
        status=ItemStatus.PUBLISHED,
    )
    fields.setdefault("name", f"测试事项{n}")
    fields.setdefault("statutory_limit_days", 20)
    fields.setdefault("promised_limit_days", 10)
    fields.setdefault("legal_basis", "《中华人民共和国行政许可法》")
    fields.setdefault("conditions", "申请人依法设立。")
    fields.setdefault("result_name", "许可证")
    version = ItemVersion.objects.create(
        item=item, number=1, state=VersionState.PUBLISHED, published_at=timezone.now(), **fields
    )
    for i in range(1, materials + 1):
        Material.objects.create(version=version, order=i, name=f"申请材料{i}", copy_count=1)
    for i in range(1, fees + 1):
        Fee.objects.create(
            version=version, order=i, name=f"工本费{i}", amount="10.00", legal_basis="价费字〔2020〕1号"
        )
    if post is not None:
        Step.objects.create(version=version, order=1, name="受理", post=post)
    item.current_version = version
    item.save(update_fields=["current_version"])
    return item


def set_policy(center: Center, key: str, value: Any, effective_from: Any = None) -> None:
    """A policy value in force from `effective_from` (default: long ago), written directly for tests."""
    from datetime import date

    from policy.models import PolicyValue
    from policy.registry import KEYS

    PolicyValue.objects.create(
        center=center,
        key=key,
        value=value,
        effective_from=effective_from or date(2015, 4, 1),
        rule=KEYS[key].rule,
    )
