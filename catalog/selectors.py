"""Reading the catalogue: published items, search, the yearly review list, guides (R-CAT-1/3/4)."""

from __future__ import annotations

from datetime import date, datetime, time
from functools import reduce
from operator import and_, or_

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.errors import NotFound
from common.history import history_of
from common.models import HistoryEntry
from org.models import Center
from policy.selectors import policy_value

from . import rules
from .models import Item, ItemStatus, ItemVersion, Material, Step, VersionState

# Fields of an item the text search looks in (R-PUB-1: the public finds a guide by any word of it).
SEARCH_FIELDS = [
    "code",
    "department__name",
    "department__short_name",
    "current_version__name",
    "current_version__content",
    "current_version__conditions",
    "current_version__result_name",
    "current_version__basic_code",
    "current_version__implementation_code",
]


def published_items(center: Center) -> QuerySet[Item]:
    """Items the public may see and apply for, by department and code."""
    return (
        Item.objects.filter(center=center, status=ItemStatus.PUBLISHED, current_version__isnull=False)
        .select_related("department", "current_version")
        .order_by("department__code", "code")
    )


def withdrawn_items(center: Center) -> QuerySet[Item]:
    """Items cancelled or adjusted (R-CAT-6), which the portal also publishes (R-PUB-1)."""
    return (
        Item.objects.filter(center=center, status=ItemStatus.WITHDRAWN)
        .select_related("department", "current_version")
        .order_by("-withdrawn_at", "code")
    )


def _terms(query: str) -> list[str]:
    return [t for t in (query or "").split() if t]


def _text_filter(terms: list[str], fields: list[str]) -> Q:
    """Every term must appear in at least one field (case-insensitive)."""
    return reduce(and_, (reduce(or_, (Q(**{f"{f}__icontains": t}) for f in fields)) for t in terms), Q())


def search_items(center: Center, query: str) -> QuerySet[Item]:
    """Published items matching every whitespace-separated term of `query` in name, code, department or
    guide content. Items whose name holds every term come first, then by department and code."""
    terms = _terms(query)
    items = published_items(center)
    if not terms:
        return items
    name_hit = reduce(and_, (Q(current_version__name__icontains=t) for t in terms))
    return (
        items.filter(_text_filter(terms, SEARCH_FIELDS))
        .annotate(
            name_hit=Case(When(name_hit, then=Value(True)), default=Value(False), output_field=BooleanField())
        )
        .order_by("-name_hit", "department__code", "code")
    )


def _review_cutoff(center: Center, today: date) -> datetime:
    months = int(policy_value(center, "guide_review_months", today))
    cutoff_day = rules.months_before(today, months)
    return timezone.make_aware(datetime.combine(cutoff_day, time.min))


def items_due_for_review(center: Center, today: date) -> QuerySet[Item]:
    """R-CAT-4: published items whose current version was published more than N months (policy
    `guide_review_months`, default 12) before `today`."""
    return published_items(center).filter(current_version__published_at__lt=_review_cutoff(center, today))


def staff_items(
    center: Center,
    *,
    today: date,
    query: str = "",
    department_id: int | None = None,
    status: str = "",
) -> QuerySet[Item]:
    """Every item of the centre for the catalogue editors, each annotated with `draft_number` (the open
    draft's number or None) and `review_due` (R-CAT-4). One query."""
    draft = ItemVersion.objects.filter(item=OuterRef("pk"), state=VersionState.DRAFT)
    items = (
        Item.objects.filter(center=center)
        .select_related("department", "current_version")
        .annotate(
            draft_number=Subquery(draft.values("number")[:1]),
            draft_name=Subquery(draft.values("name")[:1]),
            review_due=Case(
                When(
                    Q(
                        status=ItemStatus.PUBLISHED,
                        current_version__published_at__lt=_review_cutoff(center, today),
                    ),
                    then=Value(True),
                ),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
    )
    if department_id:
        items = items.filter(department_id=department_id)
    if status == "review_due":
        items = items.filter(review_due=True)
    elif status:
        items = items.filter(status=status)
    terms = _terms(query)
    if terms:
        fields = [*SEARCH_FIELDS, "versions__name"]
        # Search drafts' names too; Exists keeps one row per item.
        matching = Item.objects.filter(pk=OuterRef("pk")).filter(_text_filter(terms, fields))
        items = items.filter(Exists(matching))
    return items.order_by("department__code", "code")


def _version_content() -> list[Prefetch]:
    return [
        Prefetch("materials"),
        Prefetch("fees"),
        Prefetch("steps", queryset=Step.objects.select_related("post__window", "post__holder_a")),
    ]


def item_guide(item: Item) -> ItemVersion:
    """The current published version with its materials, fees and steps (R-CAT-3). NotFound if none."""
    if item.current_version_id is None:
        raise NotFound()
    return (
        ItemVersion.objects.select_related("item__department", "item__center")
        .prefetch_related(*_version_content())
        .get(pk=item.current_version_id)
    )


def version_detail(item: Item, number: int) -> ItemVersion:
    """Any version of `item` (draft preview, history) with its content prefetched. NotFound if none."""
    version = (
        ItemVersion.objects.select_related("item__department", "item__center", "published_by", "created_by")
        .prefetch_related(*_version_content())
        .filter(item=item, number=number)
        .first()
    )
    if version is None:
        raise NotFound()
    return version


def open_draft(item: Item) -> ItemVersion | None:
    """The item's draft with its content, or None."""
    return (
        ItemVersion.objects.select_related("item__department", "item__center")
        .prefetch_related(*_version_content())
        .filter(item=item, state=VersionState.DRAFT)
        .first()
    )


def item_versions(item: Item) -> QuerySet[ItemVersion]:
    return (
        ItemVersion.objects.filter(item=item)
        .select_related("published_by__staff_profile")
        .order_by("-number")
    )


ACTION_LABELS = {
    "item_create": _("新建事项"),
    "version_draft": _("新建修订草稿"),
    "version_update": _("修改草稿"),
    "version_publish": _("发布"),
    "item_withdraw": _("取消事项"),
    "material_add": _("添加材料"),
    "material_update": _("修改材料"),
    "material_remove": _("删除材料"),
    "fee_add": _("添加收费"),
    "fee_remove": _("删除收费"),
    "step_add": _("添加环节"),
    "step_remove": _("删除环节"),
}
CHANGE_LABELS = {
    **{f.name: str(f.verbose_name) for f in ItemVersion._meta.concrete_fields},
    "version": _("版本"),
    "copied_from": _("复制自版本"),
    "superseded": _("替代版本"),
    "code": _("事项编号"),
    "department": _("实施部门"),
    "status": _("状态"),
    "post": _("岗位"),
    "original_count": _("原件份数"),
    "copy_count": _("复印件份数"),
    "is_required": _("必要"),
    "condition": _("适用情形"),
    "notes": _("要求"),
    "amount": _("标准（元）"),
    "unit": _("计费单位"),
    "order": _("序号"),
    "description": _("说明"),
    "limit_days": _("环节时限"),
    "blank_form": _("空白表格"),
    "sample": _("填写样本"),
}


def history_rows(item: Item) -> list[tuple[HistoryEntry, str, list[tuple[str, object]]]]:
    """The item's history for display: each entry with its action and changed fields in Chinese."""
    return [
        (
            e,
            str(ACTION_LABELS.get(e.action, e.action)),
            [(str(CHANGE_LABELS.get(k, k)), v) for k, v in e.changes.items()],
        )
        for e in item_history(item)[:200]
    ]


def item_history(item: Item) -> QuerySet[HistoryEntry]:
    """Every recorded change to the item and its versions, newest first."""
    return history_of(item).select_related("actor__staff_profile").order_by("-at", "-id")


# --- published versions, kept per process ------------------------------------------------------------------
#
# A published (or superseded) version never changes (R-CAT-3; on PostgreSQL triggers refuse any change to it,
# its materials, fees or steps), so the case services read it with its parts from a per-process store instead of
# joining it on every transition. Only versions that were published when read are kept; the objects are shared:
# callers read them and never assign to them.

_PUBLISHED_KEPT = 4096
_published: dict[int, ItemVersion] = {}


def published_version(version_id: int) -> ItemVersion:
    """The published or superseded version `version_id` with its materials, fees and steps, from this process's
    store after the first read. Its item (whose status changes) and its steps' posts (whose holders change) are
    not part of it: read them from the case."""
    version = _published.get(version_id)
    if version is not None:
        return version
    version = ItemVersion.objects.prefetch_related("materials", "fees", "steps").get(pk=version_id)
    if version.state != VersionState.DRAFT:
        if len(_published) >= _PUBLISHED_KEPT:
            _published.clear()
        _published[version_id] = version
    return version


def clear_published_versions() -> None:
    """Forget the kept versions (tests: ids of rolled-back rows may be used again)."""
    _published.clear()


# --- a material's blank form and sample (R-CAT-1) -------------------------------------------------------------

# The files a checklist material may carry, by the word that names them in a URL.
MATERIAL_FILES = {"form": ("blank_form", _("空白表格")), "sample": ("sample", _("填写样本"))}


def material_file(versions: QuerySet[ItemVersion], material_id: int, slot: str) -> tuple[FieldFile, str]:
    """The blank form (`slot` "form") or sample ("sample") of the material `material_id` of one of `versions`
    (the caller scopes them: the public gets the current published version only), and the name it is
    downloaded under (item code, material, what it is). NotFound for anything else or a material without
    that file."""
    if slot not in MATERIAL_FILES:
        raise NotFound()
    field, label = MATERIAL_FILES[slot]
    material = (
        Material.objects.filter(pk=material_id, version__in=versions).select_related("version__item").first()
    )
    stored = getattr(material, field, None) if material is not None else None
    if material is None or not stored:
        raise NotFound()
    return stored, f"{material.version.item.code}-{material.name}-{label}"
