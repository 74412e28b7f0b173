"""The centres, their sections, the departments stationed in the hall and their windows (R-ORG-1/2/3)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from common.errors import PermissionDenied, RuleViolation
from common.history import diff, record, snapshot

from ..access import CAN_EDIT_ORGANISATION, is_platform_operator
from ..models import (
    Center,
    Department,
    Role,
    RoleGrant,
    Section,
    SectionKind,
    StaffProfile,
    Window,
    WindowKind,
)
from ._common import _check_fields, _full_clean, _in_center, _may_act, _text, _user

CENTER_FIELDS = [
    "name",
    "short_name_zh",
    "parent",
    "address",
    "consultation_phone",
    "complaint_phone",
    "website",
    "is_active",
]
SECTION_FIELDS = ["kind", "name", "phone"]
DEPARTMENT_FIELDS = ["code", "name", "short_name", "legal_representative", "phone", "is_active"]
WINDOW_FIELDS = [
    "number",
    "name",
    "kind",
    "department",
    "head",
    "chief_representative",
    "deputy_in_charge",
    "phone",
    "is_active",
]


# --- centres and sections (R-ORG-1, R-ORG-2) -----------------------------------------------------------


def _may_shape_centres(actor: Any) -> None:
    """Setting up a centre, or placing it under another, is the platform's (R-ORG-1): the platform operator (in
    the admin) or the system itself. A centre's own roles never reach beyond their centre."""
    if actor is not None and not is_platform_operator(actor):
        raise PermissionDenied(_("只有平台运维人员可以设立中心或调整中心的上下级关系。"))


@transaction.atomic
def center_create(*, actor: Any, code: str, name: str, parent: Center | None = None, **fields: Any) -> Center:
    _may_shape_centres(actor)
    _check_fields(fields, CENTER_FIELDS)
    code, name = _text(code), _text(name)
    if not name:
        raise RuleViolation("R-ORG-1", _("请填写中心名称。"), field="name")
    if Center.objects.filter(code=code).exists():
        raise RuleViolation("R-ORG-1", _("中心代码“%(code)s”已被使用。") % {"code": code}, field="code")
    center = Center(code=code, name=name, parent=parent, **fields)
    _full_clean(center, rule="R-ORG-1")
    center.save()
    record(
        subject=center,
        center=center,
        action="create",
        actor=_user(actor),
        changes=snapshot(center, ["code", "name", "parent"]),
        rule="R-ORG-1",
    )
    return center


@transaction.atomic
def center_update(*, actor: Any, center: Center, reason: str = "", **fields: Any) -> Center:
    _check_fields(fields, CENTER_FIELDS)
    center = Center.objects.select_for_update().get(pk=center.pk)
    _may_act(actor, center, CAN_EDIT_ORGANISATION, operator=True)
    parent = fields.get("parent", center.parent)
    if "parent" in fields and (parent.pk if parent is not None else None) != center.parent_id:
        _may_shape_centres(actor)
    seen: set[int] = set()
    node_id = parent.pk if parent is not None else None
    while node_id is not None and node_id not in seen:  # walk up the stored hierarchy
        if node_id == center.pk:
            raise RuleViolation("R-ORG-1", _("上级中心不能是本中心或其下级中心。"), field="parent")
        seen.add(node_id)
        node_id = Center.objects.filter(pk=node_id).values_list("parent_id", flat=True).first()
    before = snapshot(center, list(fields))
    for key, value in fields.items():
        setattr(center, key, value)
    _full_clean(center, rule="R-ORG-1")
    changes = diff(before, snapshot(center, list(fields)))
    if changes:
        center.save()
        record(
            subject=center,
            center=center,
            action="update",
            actor=_user(actor),
            changes=changes,
            reason=reason,
            rule="R-ORG-1",
        )
    return center


@transaction.atomic
def section_create(*, actor: Any, center: Center, kind: str, name: str = "", phone: str = "") -> Section:
    """R-ORG-2: the centre's office, supervision section and coordination section (one of each)."""
    _may_act(actor, center, CAN_EDIT_ORGANISATION)
    if kind not in SectionKind.values:
        raise RuleViolation("R-ORG-2", _("科室类别无效。"), field="kind")
    if Section.objects.filter(center=center, kind=kind).exists():
        raise RuleViolation(
            "R-ORG-2", _("本中心已设%(kind)s。") % {"kind": SectionKind(kind).label}, field="kind"
        )
    with translation.override(None):  # the default name is stored as the source (Chinese) label
        default_name = str(SectionKind(kind).label)
    section = Section(center=center, kind=kind, name=_text(name) or default_name, phone=_text(phone))
    _full_clean(section, rule="R-ORG-2", exclude=["center"])
    section.save()
    record(
        subject=section,
        action="create",
        actor=_user(actor),
        changes=snapshot(section, SECTION_FIELDS),
        rule="R-ORG-2",
    )
    return section


@transaction.atomic
def section_update(*, actor: Any, section: Section, **fields: Any) -> Section:
    _check_fields(fields, ["name", "phone"])
    section = Section.objects.select_for_update(of=("self",)).select_related("center").get(pk=section.pk)
    _may_act(actor, section.center, CAN_EDIT_ORGANISATION)
    before = snapshot(section, list(fields))
    for key, value in fields.items():
        setattr(section, key, _text(value))
    if not section.name:
        raise RuleViolation("R-ORG-2", _("请填写科室名称。"), field="name")
    _full_clean(section, rule="R-ORG-2", exclude=["center"])
    changes = diff(before, snapshot(section, list(fields)))
    if changes:
        section.save()
        record(subject=section, action="update", actor=_user(actor), changes=changes, rule="R-ORG-2")
    return section


# --- departments and windows (R-ORG-2, R-ORG-3) --------------------------------------------------------


def _has_any_role(staff: StaffProfile, center: Center, roles: Iterable[str]) -> bool:
    if staff.user_id is None:
        return False
    return RoleGrant.objects.filter(
        user_id=staff.user_id, center=center, role__in=list(roles), revoked_at=None
    ).exists()


def _check_department(department: Department, center: Center) -> None:
    if not department.name:
        raise RuleViolation("R-ORG-3", _("请填写部门名称。"), field="name")
    if not department.code:
        raise RuleViolation("R-ORG-3", _("请填写部门代码。"), field="code")
    clash = Department.objects.filter(center=center, code=department.code).exclude(pk=department.pk)
    if clash.exists():
        raise RuleViolation(
            "R-ORG-3", _("部门代码“%(code)s”已被使用。") % {"code": department.code}, field="code"
        )
    _full_clean(department, rule="R-ORG-3", exclude=["center"])


@transaction.atomic
def department_create(*, actor: Any, center: Center, code: str, name: str, **fields: Any) -> Department:
    _may_act(actor, center, CAN_EDIT_ORGANISATION)
    _check_fields(fields, DEPARTMENT_FIELDS)
    values = {k: _text(v) if isinstance(v, str) else v for k, v in fields.items()}
    department = Department(center=center, code=_text(code), name=_text(name), **values)
    _check_department(department, center)
    department.save()
    record(
        subject=department,
        action="create",
        actor=_user(actor),
        changes=snapshot(department, ["code", "name", "short_name", "legal_representative"]),
        rule="R-ORG-3",
    )
    return department


@transaction.atomic
def department_update(*, actor: Any, department: Department, reason: str = "", **fields: Any) -> Department:
    _check_fields(fields, DEPARTMENT_FIELDS)
    department = (
        Department.objects.select_for_update(of=("self",)).select_related("center").get(pk=department.pk)
    )
    _may_act(actor, department.center, CAN_EDIT_ORGANISATION)
    before = snapshot(department, list(fields))
    for key, value in fields.items():
        setattr(department, key, _text(value) if isinstance(value, str) else value)
    if fields.get("is_active") is False and department.windows.filter(is_active=True).exists():
        raise RuleViolation("R-ORG-3", _("该部门仍有启用的窗口，请先停用其窗口。"), field="is_active")
    _check_department(department, department.center)
    changes = diff(before, snapshot(department, list(fields)))
    if changes:
        department.save()
        record(
            subject=department,
            action="update",
            actor=_user(actor),
            changes=changes,
            reason=reason,
            rule="R-ORG-3",
        )
    return department


def _check_window(window: Window, served: list[Department] | None) -> None:
    center = window.center
    if not window.number:
        raise RuleViolation("R-ORG-3", _("请填写窗口号。"), field="number")
    if not window.name:
        raise RuleViolation("R-ORG-3", _("请填写窗口名称。"), field="name")
    if window.kind not in WindowKind.values:
        raise RuleViolation("R-ORG-3", _("窗口类型无效。"), field="kind")
    if Window.objects.filter(center=center, number=window.number).exclude(pk=window.pk).exists():
        raise RuleViolation(
            "R-ORG-3", _("窗口号“%(number)s”已被使用。") % {"number": window.number}, field="number"
        )
    _in_center(window.department, center, rule="R-ORG-3", field="department", label=_("主管部门"))
    if window.department is not None and not window.department.is_active and window.is_active:
        raise RuleViolation("R-ORG-3", _("主管部门已停用。"), field="department")
    _in_center(window.head, center, rule="R-ORG-3", field="head", label=_("窗口负责人"))
    _in_center(
        window.chief_representative, center, rule="R-ORG-3", field="chief_representative", label=_("首席代表")
    )
    _in_center(
        window.deputy_in_charge, center, rule="R-ORG-2", field="deputy_in_charge", label=_("分管副主任")
    )
    if window.deputy_in_charge is not None and not _has_any_role(
        window.deputy_in_charge, center, [Role.DEPUTY, Role.DIRECTOR]
    ):
        raise RuleViolation("R-ORG-2", _("分管窗口的须为中心主任或分管副主任。"), field="deputy_in_charge")
    if served:
        if window.kind != WindowKind.COMPREHENSIVE:
            raise RuleViolation(
                "R-ORG-3", _("只有综合窗口可以受理其他部门的事项。"), field="served_departments"
            )
        for department in served:
            _in_center(
                department, center, rule="R-ORG-3", field="served_departments", label=_("综合受理的部门")
            )
    _full_clean(
        window,
        rule="R-ORG-3",
        exclude=["center", "department", "head", "chief_representative", "deputy_in_charge"],
    )


@transaction.atomic
def window_create(
    *,
    actor: Any,
    center: Center,
    department: Department,
    number: str,
    name: str,
    kind: str = WindowKind.STANDING,
    served_departments: Iterable[Department] | None = None,
    **fields: Any,
) -> Window:
    _may_act(actor, center, CAN_EDIT_ORGANISATION)
    _check_fields(fields, WINDOW_FIELDS)
    values = {k: _text(v) if isinstance(v, str) else v for k, v in fields.items()}
    window = Window(
        center=center, department=department, number=_text(number), name=_text(name), kind=kind, **values
    )
    served = list(served_departments or [])
    _check_window(window, served)
    window.save()
    if served:
        window.served_departments.set(served)
    changes = snapshot(
        window, ["number", "name", "kind", "department", "head", "chief_representative", "deputy_in_charge"]
    )
    if served:
        changes["served_departments"] = [str(d) for d in served]
    record(subject=window, action="create", actor=_user(actor), changes=changes, rule="R-ORG-3")
    return window


@transaction.atomic
def window_update(
    *,
    actor: Any,
    window: Window,
    served_departments: Iterable[Department] | None = None,
    reason: str = "",
    **fields: Any,
) -> Window:
    _check_fields(fields, WINDOW_FIELDS)
    window = Window.objects.select_for_update().select_related("center").get(pk=window.pk)
    _may_act(actor, window.center, CAN_EDIT_ORGANISATION)
    before = snapshot(window, list(fields))
    old_served = list(window.served_departments.order_by("code"))
    for key, value in fields.items():
        setattr(window, key, _text(value) if isinstance(value, str) else value)
    served = old_served if served_departments is None else list(served_departments)
    if window.kind != WindowKind.COMPREHENSIVE and served_departments is None:
        served = []
    if fields.get("is_active") is False and window.posts.filter(is_active=True).exists():
        raise RuleViolation("R-ORG-6", _("该窗口仍有启用的岗位，请先停用其岗位。"), field="is_active")
    _check_window(window, served)
    changes = diff(before, snapshot(window, list(fields)))
    if {d.pk for d in served} != {d.pk for d in old_served}:
        changes["served_departments"] = [[str(d) for d in old_served], [str(d) for d in served]]
    if changes:
        window.save()
        window.served_departments.set(served)
        rule = "R-ORG-2" if set(changes) == {"deputy_in_charge"} else "R-ORG-3"
        record(subject=window, action="update", actor=_user(actor), changes=changes, reason=reason, rule=rule)
    return window
