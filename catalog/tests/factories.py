"""Catalogue rows for tests, built directly (the services are tested on their own)."""

from __future__ import annotations

import itertools
from contextlib import AbstractContextManager
from typing import Any

from django.utils import timezone

from catalog.models import Fee, Item, ItemStatus, ItemVersion, Material, Step, VersionState
from common.tests.triggers import triggers_off
from org.models import Center, Department, Post
from org.tests import factories as org_factories

_seq = itertools.count(1)
VERSION_PART_TABLES = ("catalog_material", "catalog_fee", "catalog_step")


def make_published_item(
    center: Center,
    department: Department | None = None,
    *,
    post: Post | None = None,
    materials: int = 2,
    fees: int = 1,
    steps: list[tuple[str, Post]] | None = None,
    **fields: Any,
) -> Item:
    """A published item with `materials` materials, `fees` fees and its steps: `steps` as (name, post) in
    order, or by default one step 受理 at `post` (none without a post)."""
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
    fields.setdefault("published_at", timezone.now())
    # Built as a draft and published last: a published version's parts are immutable (R-CAT-3).
    version = ItemVersion.objects.create(item=item, number=1, state=VersionState.DRAFT, **fields)
    for i in range(1, materials + 1):
        Material.objects.create(version=version, order=i, name=f"申请材料{i}", copy_count=1)
    for i in range(1, fees + 1):
        Fee.objects.create(
            version=version, order=i, name=f"工本费{i}", amount="10.00", legal_basis="价费字〔2020〕1号"
        )
    if steps is None:
        steps = [("受理", post)] if post is not None else []
    for order, (name, at_post) in enumerate(steps, start=1):
        Step.objects.create(version=version, order=order, name=name, post=at_post)
    version.state = VersionState.PUBLISHED
    version.save(update_fields=["state"])
    item.current_version = version
    item.save(update_fields=["current_version"])
    return item


def amending_published() -> AbstractContextManager[None]:
    """Change a published version or its materials, fees and steps behind the services' back, to set up a
    test. On PostgreSQL the immutability triggers (R-CAT-3) refuse it, so they are off inside the block."""
    return triggers_off(
        *[(table, f"{table}_immutable") for table in ("catalog_itemversion", *VERSION_PART_TABLES)]
    )


def set_policy(center: Center, key: str, value: Any, effective_from: Any = None) -> None:
    """A policy value in force from `effective_from` (default: long ago), written directly for tests."""
    from datetime import date

    from policy.models import PolicyValue
    from policy.registry import KEYS
    from policy.selectors import clear_policy_cache

    PolicyValue.objects.create(
        center=center,
        key=key,
        value=value,
        effective_from=effective_from or date(2015, 4, 1),
        rule=KEYS[key].rule,
    )
    clear_policy_cache()  # written behind the services' back: the process's kept values are stale
