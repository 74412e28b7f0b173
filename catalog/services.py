"""Every write to the catalogue (R-CAT-1/2/3/4/6, R-DATA-1).

An item's content lives in versions. Only a draft version changes; publishing freezes it and supersedes the
previous published version (R-CAT-3). Every function owns its transaction, refuses with `RuleViolation`
(nothing changed) and appends a history entry on the item.

Removing a material, fee or step from a *draft* deletes the row: a draft has never been public and no case
refers to it; the history entry keeps what was removed. Published and superseded versions are never changed.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from common import files as uploads
from common.errors import RuleViolation
from common.history import diff, record, snapshot
from org.models import Center, Department, Post
from policy.selectors import policy_value

from . import rules
from .models import (
    CaseType,
    Fee,
    Item,
    ItemLevel,
    ItemStatus,
    ItemType,
    ItemVersion,
    Material,
    SpecialProcedureKind,
    Step,
    VersionState,
)

# The fields of a version an editor may change; `change_note` is written when publishing.
VERSION_FIELDS: list[str] = [
    "name",
    "basic_code",
    "implementation_code",
    "item_type",
    "level",
    "handling_forms",
    "visits_required",
    "legal_basis",
    "content",
    "conditions",
    "statutory_limit_days",
    "promised_limit_days",
    "case_type",
    "result_name",
    "special_procedures",
    "on_spot_decision",
    "extension_allowed",
    "max_extension_days",
    "consultation_phone",
    "supervision_phone",
    "place",
    "hours",
]
MATERIAL_FIELDS: list[str] = [
    "order",
    "name",
    "original_count",
    "copy_count",
    "is_required",
    "condition",
    "notes",
    "blank_form",
    "sample",
]
FEE_FIELDS: list[str] = ["order", "name", "amount", "unit", "legal_basis"]
STEP_FIELDS: list[str] = ["order", "name", "post", "description", "limit_days"]

IMMUTABLE_MESSAGE = gettext_noop("已发布的版本不可修改，请新建修订版本")


# --- helpers -------------------------------------------------------------------------------------------


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _int(value: Any, *, field: str, label: str, rule: str) -> int:
    if isinstance(value, bool):
        raise RuleViolation(rule, _("%(label)s须为整数") % {"label": label}, field=field)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise RuleViolation(rule, _("%(label)s须为整数") % {"label": label}, field=field) from None
    if number != value and not isinstance(value, str):
        raise RuleViolation(rule, _("%(label)s须为整数") % {"label": label}, field=field)
    if number < 0:
        raise RuleViolation(rule, _("%(label)s不能为负数") % {"label": label}, field=field)
    return number


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _full_clean(obj: Any, *, exclude: list[str]) -> None:
    """Field-level checks of the model (lengths, choices) as a refusal instead of a database error."""
    try:
        obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        label = obj._meta.get_field(field).verbose_name if field != "__all__" else ""
        raise RuleViolation("R-CAT-1", f"{label}：{'；'.join(messages)}".lstrip("："), field=field) from None


def _lock_version(version: ItemVersion) -> ItemVersion:
    return ItemVersion.objects.select_for_update().select_related("item", "item__center").get(pk=version.pk)


def _require_editable(version: ItemVersion) -> None:
    """R-CAT-3: only a draft changes. R-CAT-6: a withdrawn item changes no more."""
    if version.state != VersionState.DRAFT:
        raise RuleViolation("R-CAT-3", _(IMMUTABLE_MESSAGE))
    if version.item.status == ItemStatus.WITHDRAWN:
        raise RuleViolation("R-CAT-6", _("该事项已取消，不能再修改"))


def _snapshot(obj: Any, fields: list[str]) -> dict[str, Any]:
    """`common.history.snapshot`, with file fields as their stored name (an empty one has no url)."""
    files = {f: (getattr(obj, f).name or "") for f in fields if isinstance(getattr(obj, f), FieldFile)}
    return {**snapshot(obj, [f for f in fields if f not in files]), **files}


def _next_order(queryset: Any) -> int:
    return (queryset.aggregate(m=Max("order"))["m"] or 0) + 1


def _row_save(
    *, actor: Any, row: Material | Fee | Step, fields: list[str], action: str, exclude: list[str]
) -> None:
    """Check and save a new material, fee or step of a (locked, editable) draft, with a history entry on the
    item naming what was added."""
    _full_clean(row, exclude=exclude)
    row.save()
    version = row.version
    record(
        subject=version.item,
        action=action,
        actor=actor,
        changes={"version": version.number, **_snapshot(row, fields)},
    )


def _row_remove(*, actor: Any, row: Material | Fee | Step, fields: list[str], action: str) -> None:
    """Delete a material, fee or step of a draft; the history entry on the item keeps what was removed."""
    with transaction.atomic():
        version = _lock_version(row.version)
        _require_editable(version)
        gone = _snapshot(row, fields)
        type(row).objects.filter(pk=row.pk).delete()
        record(subject=version.item, action=action, actor=actor, changes={"version": version.number, **gone})


# --- R-CAT-2 -------------------------------------------------------------------------------------------


def check_promised_limit(
    *,
    center: Center,
    statutory_limit_days: int,
    promised_limit_days: int,
    case_type: str,
    on: date | None = None,
) -> None:
    """R-CAT-2: the promised limit is the statutory limit cut by at least (100 - ratio)%; immediate = 0."""
    statutory = _int(statutory_limit_days, field="statutory_limit_days", label=_("法定时限"), rule="R-CAT-2")
    promised = _int(promised_limit_days, field="promised_limit_days", label=_("承诺时限"), rule="R-CAT-2")
    if case_type == CaseType.IMMEDIATE:
        if promised != 0:
            raise RuleViolation(
                "R-CAT-2",
                _("即办件的承诺时限应为0个工作日（当场办结），不能为%(promised)s个工作日")
                % {"promised": promised},
                field="promised_limit_days",
            )
        return
    ratio = int(policy_value(center, "promised_limit_max_ratio", on))
    if promised > statutory or not rules.promised_within_ratio(statutory, promised, ratio):
        raise RuleViolation(
            "R-CAT-2",
            _(
                "承诺时限（%(promised)s个工作日）超过法定时限（%(statutory)s个工作日）的%(ratio)s%%，"
                "依规须在法定时限内再缩短%(shorten)s%%以上"
            )
            % {"promised": promised, "statutory": statutory, "ratio": ratio, "shorten": 100 - ratio},
            field="promised_limit_days",
        )


# --- version content -----------------------------------------------------------------------------------


def _validated_version_values(center: Center, values: dict[str, Any]) -> dict[str, Any]:
    """Normalise and check a version's editable values (R-CAT-1, R-CAT-2, R-DATA-1, R-CLK-5)."""
    v = dict(values)
    for key in (
        "name",
        "basic_code",
        "implementation_code",
        "handling_forms",
        "legal_basis",
        "content",
        "conditions",
        "result_name",
        "consultation_phone",
        "supervision_phone",
        "place",
        "hours",
    ):
        v[key] = _text(v.get(key))
    if not v["name"]:
        raise RuleViolation("R-CAT-1", _("事项名称不能为空"), field="name")
    # R-DATA-1: the national platform's codes.
    v["basic_code"] = v["basic_code"].upper()
    v["implementation_code"] = v["implementation_code"].upper()
    if v["basic_code"] and not rules.BASIC_CODE_RE.match(v["basic_code"]):
        raise RuleViolation(
            "R-DATA-1", _("基本编码应为12位数字或大写字母（如 000105001000）"), field="basic_code"
        )
    if v["implementation_code"] and not rules.IMPLEMENTATION_CODE_RE.match(v["implementation_code"]):
        raise RuleViolation("R-DATA-1", _("实施编码应为18至40位数字或大写字母"), field="implementation_code")
    if v.get("item_type") not in ItemType.values:
        raise RuleViolation("R-DATA-1", _("事项类型代码无效（行政许可01 … 公共服务20）"), field="item_type")
    level = v.get("level")
    if isinstance(level, bool) or level not in ItemLevel.values:
        raise RuleViolation("R-DATA-1", _("行使层级须为1（国家级）至4（县级）"), field="level")
    v["visits_required"] = _int(
        v.get("visits_required"), field="visits_required", label=_("到现场次数"), rule="R-DATA-1"
    )
    if v.get("case_type") not in CaseType.values:
        raise RuleViolation("R-CAT-1", _("办件类型无效"), field="case_type")
    procedures = v.get("special_procedures") or []
    if not isinstance(procedures, list | tuple) or any(
        p not in SpecialProcedureKind.values for p in procedures
    ):
        raise RuleViolation(
            "R-CAT-1",
            _("特别程序须从听证、招标、拍卖、检验、检疫、鉴定、专家评审等中选择"),
            field="special_procedures",
        )
    v["special_procedures"] = [p for p in SpecialProcedureKind.values if p in procedures]
    v["on_spot_decision"] = bool(v.get("on_spot_decision"))
    v["extension_allowed"] = bool(v.get("extension_allowed"))
    check_promised_limit(
        center=center,
        statutory_limit_days=v.get("statutory_limit_days"),  # type: ignore[arg-type]
        promised_limit_days=v.get("promised_limit_days"),  # type: ignore[arg-type]
        case_type=v["case_type"],
    )
    v["statutory_limit_days"] = int(v["statutory_limit_days"])
    v["promised_limit_days"] = int(v["promised_limit_days"])
    # R-CLK-5: an extension allowed by law has a maximum length (default from the centre's policy).
    if v.get("max_extension_days") in (None, ""):
        v["max_extension_days"] = (
            int(policy_value(center, "extension_default_days")) if v["extension_allowed"] else 0
        )
    v["max_extension_days"] = _int(
        v["max_extension_days"], field="max_extension_days", label=_("最长延期"), rule="R-CLK-5"
    )
    if v["extension_allowed"] and v["max_extension_days"] < 1:
        raise RuleViolation(
            "R-CLK-5", _("依法可延期的事项须设定最长延期天数（至少1个工作日）"), field="max_extension_days"
        )
    return v


def _check_complete(version: ItemVersion) -> None:
    """R-CAT-1: what a published guide must contain."""
    missing: list[tuple[str, str]] = []
    for field, label in (
        ("name", _("事项名称")),
        ("legal_basis", _("法定依据")),
        ("conditions", _("办理条件")),
        ("result_name", _("办理结果")),
    ):
        if not _text(getattr(version, field)):
            missing.append((field, label))
    if not version.materials.exists():
        missing.append(("materials", _("申请材料（至少一项）")))
    if not version.steps.exists():
        missing.append(("steps", _("办理环节（至少一项，须指定岗位）")))
    if missing:
        # Translators: "、" separates the items of a list.
        raise RuleViolation(
            "R-CAT-1",
            _("发布前须补全：%(details)s") % {"details": _("、").join(label for _field, label in missing)},
            field=missing[0][0],
        )


# --- items and versions --------------------------------------------------------------------------------


def item_create(
    *,
    actor: Any,
    center: Center,
    department: Department,
    code: str,
    name: str,
    statutory_limit_days: int,
    promised_limit_days: int,
    case_type: str = CaseType.PROMISED,
    **version_fields: Any,
) -> Item:
    """A new item with its draft version 1 (R-CAT-1). R-CAT-2 and R-DATA-1 are checked on save."""
    unknown = set(version_fields) - set(VERSION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown version fields: {sorted(unknown)}")
    code = _text(code)
    if not rules.ITEM_CODE_RE.match(code):
        raise RuleViolation(
            "R-DATA-1", _("事项编号只能由字母、数字、点、横线和下划线组成（最多40位）"), field="code"
        )
    if department.center_id != center.pk:
        raise RuleViolation("R-ORG-1", _("实施部门不属于本中心"), field="department")
    defaults = {
        f.name: f.get_default() for f in ItemVersion._meta.concrete_fields if f.name in VERSION_FIELDS
    }
    defaults["max_extension_days"] = None
    values = _validated_version_values(
        center,
        {
            **defaults,
            **version_fields,
            "name": name,
            "statutory_limit_days": statutory_limit_days,
            "promised_limit_days": promised_limit_days,
            "case_type": case_type,
        },
    )
    with transaction.atomic():
        if Item.objects.filter(center=center, code=code).exists():
            raise RuleViolation("R-DATA-1", _("事项编号 %(code)s 已存在") % {"code": code}, field="code")
        item = Item(center=center, department=department, code=code, status=ItemStatus.DRAFT)
        version = ItemVersion(
            item=item, number=1, state=VersionState.DRAFT, created_by=_user(actor), **values
        )
        _full_clean(version, exclude=["item", "created_by", "published_by"])
        item.save()
        version.item = item
        version.save()
        record(
            subject=item,
            action="item_create",
            actor=actor,
            changes={"code": code, "department": department, "version": 1, **values},
        )
    return item


def version_draft_for(*, actor: Any, item: Item) -> ItemVersion:
    """The item's open draft; else a new draft n+1 copied from the published version (R-CAT-3)."""
    with transaction.atomic():
        item = Item.objects.select_for_update().get(pk=item.pk)
        if item.status == ItemStatus.WITHDRAWN:
            raise RuleViolation("R-CAT-6", _("该事项已取消，不能再修订或发布"))
        draft = item.versions.filter(state=VersionState.DRAFT).first()
        if draft is not None:
            return draft
        source = item.current_version or item.versions.order_by("-number").first()
        if source is None:  # pragma: no cover - item_create always makes version 1
            raise RuleViolation("R-CAT-1", _("该事项没有任何版本"))
        number = (item.versions.aggregate(m=Max("number"))["m"] or 0) + 1
        draft = ItemVersion.objects.create(
            item=item,
            number=number,
            state=VersionState.DRAFT,
            created_by=_user(actor),
            **{f: getattr(source, f) for f in VERSION_FIELDS},
        )
        Material.objects.bulk_create(
            Material(version=draft, **{f: getattr(m, f) for f in MATERIAL_FIELDS})
            for m in source.materials.all()
        )
        Fee.objects.bulk_create(
            Fee(version=draft, **{f: getattr(x, f) for f in FEE_FIELDS}) for x in source.fees.all()
        )
        Step.objects.bulk_create(
            Step(
                version=draft,
                order=s.order,
                name=s.name,
                post_id=s.post_id,
                description=s.description,
                limit_days=s.limit_days,
            )
            for s in source.steps.all()
        )
        record(
            subject=item,
            action="version_draft",
            actor=actor,
            changes={"version": number, "copied_from": source.number},
            rule="R-CAT-3",
        )
    return draft


def version_update(*, actor: Any, version: ItemVersion, **fields: Any) -> ItemVersion:
    """Change a draft's content (R-CAT-3: drafts only; R-CAT-2, R-DATA-1 checked). Returns the saved draft."""
    unknown = set(fields) - set(VERSION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown version fields: {sorted(unknown)}")
    with transaction.atomic():
        version = _lock_version(version)
        _require_editable(version)
        before = snapshot(version, VERSION_FIELDS)
        current = {f: getattr(version, f) for f in VERSION_FIELDS}
        if (
            "max_extension_days" not in fields
            and fields.get("extension_allowed")
            and not current["extension_allowed"]
        ):
            current["max_extension_days"] = current["max_extension_days"] or None
        values = _validated_version_values(version.item.center, {**current, **fields})
        for key, value in values.items():
            setattr(version, key, value)
        _full_clean(version, exclude=["item", "created_by", "published_by"])
        version.save()
        changes = diff(before, snapshot(version, VERSION_FIELDS))
        if changes:
            record(
                subject=version.item,
                action="version_update",
                actor=actor,
                changes={"version": version.number, **changes},
            )
    return version


def version_publish(*, actor: Any, version: ItemVersion, change_note: str = "") -> ItemVersion:
    """Publish a draft: it becomes the item's current, immutable version; the previous one is superseded."""
    with transaction.atomic():
        version = _lock_version(version)
        item = Item.objects.select_for_update().get(pk=version.item_id)
        if version.state != VersionState.DRAFT:
            raise RuleViolation("R-CAT-3", _(IMMUTABLE_MESSAGE))
        if item.status == ItemStatus.WITHDRAWN:
            raise RuleViolation("R-CAT-6", _("该事项已取消，不能再发布"))
        _validated_version_values(item.center, {f: getattr(version, f) for f in VERSION_FIELDS})
        _check_complete(version)
        previous = item.versions.filter(state=VersionState.PUBLISHED).first()
        if previous is not None:
            previous.state = VersionState.SUPERSEDED
            previous.save(update_fields=["state"])
        now = timezone.now()
        version.state = VersionState.PUBLISHED
        version.published_at = now
        version.published_by = _user(actor)
        version.change_note = _text(change_note)
        version.save(update_fields=["state", "published_at", "published_by", "change_note"])
        item.status = ItemStatus.PUBLISHED
        item.current_version = version
        item.save(update_fields=["status", "current_version"])
        record(
            subject=item,
            action="version_publish",
            actor=actor,
            rule="R-CAT-3",
            reason=version.change_note,
            changes={"version": version.number, "superseded": previous.number if previous else None},
        )
    version.item = item
    return version


def item_withdraw(*, actor: Any, item: Item, reason: str) -> Item:
    """R-CAT-6: an item cancelled or adjusted by a higher authority accepts no new application."""
    reason = _text(reason)
    if not reason:
        raise RuleViolation("R-CAT-6", _("取消事项须注明取消依据（如上级取消或调整的文件）"), field="reason")
    with transaction.atomic():
        item = Item.objects.select_for_update().get(pk=item.pk)
        if item.status == ItemStatus.WITHDRAWN:
            raise RuleViolation("R-CAT-6", _("该事项已取消"))
        previous = item.status
        item.status = ItemStatus.WITHDRAWN
        item.withdrawn_at = timezone.now()
        item.withdrawal_reason = reason
        item.save(update_fields=["status", "withdrawn_at", "withdrawal_reason"])
        record(
            subject=item,
            action="item_withdraw",
            actor=actor,
            reason=reason,
            rule="R-CAT-6",
            changes={"status": [previous, ItemStatus.WITHDRAWN.value]},
        )
    return item


def item_accepts_applications(item: Item) -> bool:
    """R-CAT-6: only a published, not withdrawn item with a current version takes new applications."""
    return item.status == ItemStatus.PUBLISHED and item.current_version_id is not None


# --- materials -----------------------------------------------------------------------------------------


def _validated_material(values: dict[str, Any]) -> dict[str, Any]:
    v = dict(values)
    v["name"] = _text(v.get("name"))
    v["condition"] = _text(v.get("condition"))
    v["notes"] = _text(v.get("notes"))
    v["is_required"] = bool(v.get("is_required"))
    if not v["name"]:
        raise RuleViolation("R-CAT-1", _("材料名称不能为空"), field="name")
    v["original_count"] = _int(
        v.get("original_count"), field="original_count", label=_("原件份数"), rule="R-DATA-1"
    )
    v["copy_count"] = _int(v.get("copy_count"), field="copy_count", label=_("复印件份数"), rule="R-DATA-1")
    if v["original_count"] + v["copy_count"] == 0:
        raise RuleViolation("R-DATA-1", _("原件份数和复印件份数不能同时为0"), field="original_count")
    if not v["is_required"] and not v["condition"]:
        raise RuleViolation("R-DATA-1", _("非必要材料须注明适用情形"), field="condition")
    return v


def _material_file(key: str, upload: Any) -> Any:
    """A new blank form or filled-in sample (R-CAT-1), checked by its content (common.files: PDF, JPG, PNG,
    DOCX or XLSX; never HTML, SVG or a script) and renamed for storage. A stored file or none passes."""
    if not upload or isinstance(upload, FieldFile):
        return upload
    label = _("空白表格") if key == "blank_form" else _("填写样本")
    kind = uploads.check_upload(
        upload,
        kinds=uploads.FORMS,
        rule="R-CAT-1",
        field=key,
        what=_("%(what)s“%(file)s”") % {"what": label, "file": getattr(upload, "name", "")},
    )
    return uploads.prepare(upload, kind)


def material_add(
    *,
    actor: Any,
    version: ItemVersion,
    name: str,
    original_count: int = 1,
    copy_count: int = 0,
    is_required: bool = True,
    condition: str = "",
    notes: str = "",
    blank_form: Any = None,
    sample: Any = None,
) -> Material:
    values = _validated_material(
        {
            "name": name,
            "original_count": original_count,
            "copy_count": copy_count,
            "is_required": is_required,
            "condition": condition,
            "notes": notes,
        }
    )
    blank_form = _material_file("blank_form", blank_form)
    sample = _material_file("sample", sample)
    with transaction.atomic():
        version = _lock_version(version)
        _require_editable(version)
        material = Material(version=version, order=_next_order(version.materials), **values)
        if blank_form:
            material.blank_form = blank_form
        if sample:
            material.sample = sample
        _row_save(
            actor=actor, row=material, fields=MATERIAL_FIELDS, action="material_add", exclude=["version"]
        )
    return material


def material_update(*, actor: Any, material: Material, **fields: Any) -> Material:
    unknown = set(fields) - set(MATERIAL_FIELDS)
    if unknown:
        raise TypeError(f"Unknown material fields: {sorted(unknown)}")
    with transaction.atomic():
        version = _lock_version(material.version)
        _require_editable(version)
        material = Material.objects.get(pk=material.pk)
        before = _snapshot(material, MATERIAL_FIELDS)
        text_fields = ["name", "original_count", "copy_count", "is_required", "condition", "notes"]
        values = _validated_material({**{f: getattr(material, f) for f in text_fields}, **fields})
        for key in text_fields:
            setattr(material, key, values[key])
        if "order" in fields:
            material.order = _int(fields["order"], field="order", label=_("序号"), rule="R-CAT-1")
        for key in ("blank_form", "sample"):
            if key in fields:
                setattr(material, key, _material_file(key, fields[key]) or "")
        _full_clean(material, exclude=["version"])
        material.save()
        changes = diff(before, _snapshot(material, MATERIAL_FIELDS))
        if changes:
            record(
                subject=version.item,
                action="material_update",
                actor=actor,
                changes={"version": version.number, "material": material.name, **changes},
            )
    return material


def material_remove(*, actor: Any, material: Material) -> None:
    _row_remove(actor=actor, row=material, fields=MATERIAL_FIELDS, action="material_remove")


# --- fees ----------------------------------------------------------------------------------------------


def fee_add(
    *, actor: Any, version: ItemVersion, name: str, amount: Any, legal_basis: str, unit: str = ""
) -> Fee:
    """A fee with its standard and legal basis (R-CAT-1, R-CAT-7). An item with no fee is free."""
    name, legal_basis, unit = _text(name), _text(legal_basis), _text(unit)
    if not name:
        raise RuleViolation("R-CAT-1", _("收费项目名称不能为空"), field="name")
    try:
        amount = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        raise RuleViolation("R-CAT-7", _("收费标准须为金额"), field="amount") from None
    if not amount.is_finite() or amount < 0:
        raise RuleViolation("R-CAT-7", _("收费标准不能为负数"), field="amount")
    if not legal_basis:
        raise RuleViolation("R-CAT-7", _("收费须注明收费依据"), field="legal_basis")
    with transaction.atomic():
        version = _lock_version(version)
        _require_editable(version)
        fee = Fee(
            version=version,
            order=_next_order(version.fees),
            name=name,
            amount=amount,
            unit=unit,
            legal_basis=legal_basis,
        )
        _row_save(actor=actor, row=fee, fields=FEE_FIELDS, action="fee_add", exclude=["version"])
    return fee


def fee_remove(*, actor: Any, fee: Fee) -> None:
    _row_remove(actor=actor, row=fee, fields=FEE_FIELDS, action="fee_remove")


# --- steps ---------------------------------------------------------------------------------------------


def posts_for_item(item: Item) -> Any:
    """Posts that may perform a step of `item`: at its department's windows or a comprehensive window
    serving the department (R-CAT-1, R-ORG-3)."""
    return (
        Post.objects.filter(center_id=item.center_id, is_active=True)
        .filter(
            Q(window__department_id=item.department_id) | Q(window__served_departments=item.department_id)
        )
        .distinct()
    )


def step_add(
    *,
    actor: Any,
    version: ItemVersion,
    name: str,
    post: Post,
    description: str = "",
    limit_days: int | None = None,
) -> Step:
    """An ordered step of the procedure, performed by whoever holds `post` (R-CAT-1, R-ORG-7)."""
    name, description = _text(name), _text(description)
    if not name:
        raise RuleViolation("R-CAT-1", _("环节名称不能为空"), field="name")
    if limit_days in ("", None):
        limit_days = None
    else:
        limit_days = _int(limit_days, field="limit_days", label=_("环节时限"), rule="R-CAT-1")
    with transaction.atomic():
        version = _lock_version(version)
        _require_editable(version)
        if not posts_for_item(version.item).filter(pk=post.pk).exists():
            raise RuleViolation(
                "R-CAT-1", _("环节岗位须设在本部门的窗口或受理本部门事项的综合窗口"), field="post"
            )
        step = Step(
            version=version,
            order=_next_order(version.steps),
            name=name,
            post=post,
            description=description,
            limit_days=limit_days,
        )
        _row_save(actor=actor, row=step, fields=STEP_FIELDS, action="step_add", exclude=["version", "post"])
    return step


def step_remove(*, actor: Any, step: Step) -> None:
    _row_remove(actor=actor, row=step, fields=STEP_FIELDS, action="step_remove")
