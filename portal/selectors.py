"""Reads for the public side (R-PUB-1, R-PUB-4, R-CAT-3).

The public sees only active centres, published items (and withdrawn ones, marked as cancelled) and the
on-duty staff board. Searching and listing the catalogue goes through `catalog.selectors`; this module adds
only what is specific to the public pages.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import F, QuerySet

from catalog.models import Item, ItemStatus, ItemVersion, VersionState
from org.models import Center, Department

# Items the public may open: published ones, and withdrawn ones (shown as cancelled, R-PUB-1). Never drafts.
PUBLIC_ITEM_STATES = (ItemStatus.PUBLISHED, ItemStatus.WITHDRAWN)


def public_centers() -> QuerySet[Center]:
    """Every active centre, parents first, for the centre picker."""
    return (
        Center.objects.filter(is_active=True)
        .select_related("parent")
        .order_by(F("parent_id").asc(nulls_first=True), "code")
    )


def top_level_centers() -> QuerySet[Center]:
    return Center.objects.filter(is_active=True, parent=None).order_by("id")


def default_center() -> Center | None:
    """The centre shown when the URL names none: the first active top-level centre (the deployment's own)."""
    return top_level_centers().first()


def center_by_code(code: str) -> Center | None:
    """An active centre by its code, or None (the view answers 404)."""
    return Center.objects.filter(code=code, is_active=True).first()


def public_item(center: Center, code: str) -> Item | None:
    """The item the public may open at `center`: published or withdrawn, never a draft-only item."""
    return (
        Item.objects.filter(center=center, code=code, status__in=PUBLIC_ITEM_STATES)
        .select_related("center", "department", "current_version")
        .first()
    )


def last_public_version(item: Item) -> ItemVersion | None:
    """The version a withdrawn item was last published under (its name and codes stay on the record)."""
    if item.current_version is not None and item.current_version.state != VersionState.DRAFT:
        return item.current_version
    return (
        item.versions.exclude(state=VersionState.DRAFT).exclude(published_at=None).order_by("-number").first()
    )


@dataclass
class DepartmentItems:
    department: Department
    items: list[Item] = field(default_factory=list)


def group_by_department(items: Iterable[Item]) -> list[DepartmentItems]:
    """Items grouped under their department, departments in code order, items in code order."""
    groups: dict[int, DepartmentItems] = {}
    for item in items:
        group = groups.get(item.department_id)
        if group is None:
            group = groups[item.department_id] = DepartmentItems(department=item.department)
        group.items.append(item)
    ordered = sorted(groups.values(), key=lambda g: (g.department.code, g.department.pk))
    for group in ordered:
        group.items.sort(key=lambda i: i.code)
    return ordered
