"""Every write to the organisation (R-ORG-1 … R-ORG-9), and the few reads the other apps build on.

Each function owns its transaction, refuses with `RuleViolation` (nothing changed) and appends a history entry
(who, what, why). Nothing is deleted: centres, departments, windows, posts and staff are deactivated
(`is_active=False`), authorisations and role grants are revoked, absences cancelled. The one exception is the
list of B holders of a post: reassigning it rewrites the link rows, and the history entry keeps the old list.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from common.errors import RuleViolation
from common.history import diff, record, snapshot

from .models import (
    Absence,
    AbsenceKind,
    Authorization,
    AuthorizationScope,
    BackupTraining,
    Center,
    Department,
    PhoneChange,
    Post,
    PostBackup,
    Role,
    RoleGrant,
    Section,
    SectionKind,
    StaffProfile,
    Window,
    WindowKind,
)

if TYPE_CHECKING:
    from catalog.models import ItemVersion

User = get_user_model()

CENTER_FIELDS = ["name", "parent", "address", "consultation_phone", "complaint_phone", "website", "is_active"]
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
STAFF_FIELDS = [
    "name",
    "title",
    "badge_number",
    "work_phone",
    "duties",
    "photo",
    "department",
    "section",
    "window",
    "is_active",
]
POST_FIELDS = ["name", "duties", "is_active"]

# Roles tied to one window when granted together with a window.
WINDOW_ROLES = frozenset({Role.WINDOW_HEAD, Role.CHIEF_REPRESENTATIVE, Role.WINDOW_STAFF})

REPLACEMENT_REASON = "另行委派"
POST_PEOPLE_MESSAGE = gettext_noop("每个岗位须设A角和至少一名B角")


# --- helpers -------------------------------------------------------------------------------------------


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _full_clean(obj: Any, *, rule: str, exclude: Sequence[str] = ()) -> None:
    """The model's field checks (lengths, choices, formats) as a refusal instead of a database error."""
    try:
        obj.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        label = obj._meta.get_field(field).verbose_name if field != "__all__" else ""
        raise RuleViolation(rule, f"{label}：{'；'.join(messages)}".lstrip("："), field=field) from None


def _check_fields(fields: dict[str, Any], allowed: Sequence[str]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")


def _in_center(obj: Any, center: Center, *, rule: str, field: str, label: str) -> None:
    if obj is not None and obj.center_id != center.pk:
        raise RuleViolation(
            rule, _("%(label)s须属于%(center)s。") % {"label": label, "center": center.name}, field=field
        )


def _aware(moment: datetime, *, field: str, rule: str) -> None:
    if not isinstance(moment, datetime) or timezone.is_naive(moment):
        raise RuleViolation(rule, _("时间须包含时区。"), field=field)


def _has_any_role(staff: StaffProfile, center: Center, roles: Iterable[str]) -> bool:
    if staff.user_id is None:
        return False
    return RoleGrant.objects.filter(
        user_id=staff.user_id, center=center, role__in=list(roles), revoked_at=None
    ).exists()


# --- duty: who is at work, who holds a post (R-ORG-7) --------------------------------------------------


def absence_in_force(moment: datetime) -> Q:
    """The filter for absences (not cancelled) that cover `moment`."""
    return Q(cancelled_at=None, starts_at__lte=moment, ends_at__gt=moment)


def absent_staff_ids(staff_ids: Iterable[int], moment: datetime) -> set[int]:
    """Which of `staff_ids` are absent at `moment`. One query."""
    ids = list(staff_ids)
    if not ids:
        return set()
    return set(
        Absence.objects.filter(absence_in_force(moment), staff_id__in=ids).values_list("staff_id", flat=True)
    )


def on_duty(staff: StaffProfile, moment: datetime) -> bool:
    """False while the staff member is inactive or has an absence (not cancelled) covering `moment`."""
    if not staff.is_active:
        return False
    return not Absence.objects.filter(absence_in_force(moment), staff=staff).exists()


@dataclass(frozen=True)
class Holder:
    staff: StaffProfile
    acting_as: str  # "A" or "B"


def pick_holder(
    holder_a: StaffProfile, backups: Sequence[StaffProfile], absent_ids: set[int]
) -> Holder | None:
    """R-ORG-7: A if on duty, else the first B (in order) on duty, else nobody."""

    def available(staff: StaffProfile) -> bool:
        return staff.is_active and staff.pk not in absent_ids

    if available(holder_a):
        return Holder(staff=holder_a, acting_as="A")
    for backup in backups:
        if available(backup):
            return Holder(staff=backup, acting_as="B")
    return None


def post_backups(post: Post) -> list[StaffProfile]:
    """The post's B holders in cover order."""
    return [link.staff for link in post.backup_links.select_related("staff").order_by("order", "id")]


def post_holder_at(post: Post, moment: datetime) -> Holder | None:
    """Who holds `post` at `moment`, and whether as A or as B (R-ORG-7)."""
    backups = post_backups(post)
    absent = absent_staff_ids([post.holder_a_id, *(b.pk for b in backups)], moment)
    return pick_holder(post.holder_a, backups, absent)


# --- centres and sections (R-ORG-1, R-ORG-2) -----------------------------------------------------------


@transaction.atomic
def center_create(*, actor: Any, code: str, name: str, parent: Center | None = None, **fields: Any) -> Center:
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
    parent = fields.get("parent", center.parent)
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
    section = Section.objects.select_for_update().get(pk=section.pk)
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
    department = Department.objects.select_for_update().get(pk=department.pk)
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


# --- staff and roles (R-ORG-9, R-ORG-1) ----------------------------------------------------------------


def _check_staff(staff: StaffProfile) -> None:
    center = staff.center
    if not staff.name:
        raise RuleViolation("R-ORG-9", _("请填写姓名。"), field="name")
    if not staff.badge_number:
        raise RuleViolation("R-ORG-9", _("请填写工号。"), field="badge_number")
    clash = StaffProfile.objects.filter(center=center, badge_number=staff.badge_number).exclude(pk=staff.pk)
    if clash.exists():
        raise RuleViolation(
            "R-ORG-9",
            _("工号“%(badge_number)s”已被使用。") % {"badge_number": staff.badge_number},
            field="badge_number",
        )
    _in_center(staff.department, center, rule="R-ORG-9", field="department", label=_("所属部门"))
    _in_center(staff.section, center, rule="R-ORG-9", field="section", label=_("所属科室"))
    _in_center(staff.window, center, rule="R-ORG-9", field="window", label=_("所在窗口"))
    _full_clean(staff, rule="R-ORG-9", exclude=["center", "user", "department", "section", "window"])


def _new_user(*, username: str, password: str | None, name: str) -> Any:
    username = _text(username)
    if not username:
        raise RuleViolation("R-ORG-9", _("请填写登录名。"), field="username")
    try:
        User._meta.get_field("username").run_validators(username)
    except ValidationError as exc:
        raise RuleViolation(
            "R-ORG-9", _("登录名无效：%(errors)s") % {"errors": "；".join(exc.messages)}, field="username"
        ) from None
    if User.objects.filter(username__iexact=username).exists():
        raise RuleViolation(
            "R-ORG-9", _("登录名“%(username)s”已被使用。") % {"username": username}, field="username"
        )
    user = User(username=username, first_name=name[:150])
    if password:
        try:
            password_validation.validate_password(password, user=user)
        except ValidationError as exc:
            raise RuleViolation(
                "R-ORG-9",
                _("密码不符合要求：%(errors)s") % {"errors": "；".join(exc.messages)},
                field="password",
            ) from None
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    return user


@transaction.atomic
def staff_create(
    *,
    actor: Any,
    center: Center,
    name: str,
    badge_number: str,
    title: str = "",
    username: str | None = None,
    password: str | None = None,
    roles: Iterable[str] = (),
    window: Window | None = None,
    department: Department | None = None,
    section: Section | None = None,
    **fields: Any,
) -> StaffProfile:
    """A staff member, with a login (`username`, `password` checked by the password validators) and roles."""
    _check_fields(fields, STAFF_FIELDS)
    roles = list(roles)
    for role in roles:
        if role not in Role.values:
            raise RuleViolation("R-ORG-1", _("角色“%(role)s”无效。") % {"role": role}, field="roles")
    if roles and not username:
        raise RuleViolation("R-ORG-1", _("授予角色须同时设置登录名。"), field="username")
    if password and not username:
        raise RuleViolation("R-ORG-9", _("设置密码须同时设置登录名。"), field="username")
    if department is None and window is not None:
        department = window.department
    values = {k: _text(v) if isinstance(v, str) else v for k, v in fields.items()}
    staff = StaffProfile(
        center=center,
        name=_text(name),
        badge_number=_text(badge_number),
        title=_text(title),
        window=window,
        department=department,
        section=section,
        **values,
    )
    _check_staff(staff)
    if username:
        staff.user = _new_user(username=username, password=password, name=staff.name)
    staff.save()
    record(
        subject=staff,
        action="create",
        actor=_user(actor),
        changes={
            **snapshot(
                staff, ["name", "title", "badge_number", "work_phone", "department", "section", "window"]
            ),
            "username": username or "",
            "roles": roles,
        },
        rule="R-ORG-9",
    )
    for role in roles:
        role_grant(
            actor=actor,
            user=staff.user,
            center=center,
            role=role,
            window=window if role in WINDOW_ROLES else None,
        )
    return staff


@transaction.atomic
def staff_update(*, actor: Any, staff: StaffProfile, reason: str = "", **fields: Any) -> StaffProfile:
    """Change a profile. A new work phone is recorded as a phone change dated today (R-ORG-9); deactivating
    a staff member also disables their login."""
    _check_fields(fields, STAFF_FIELDS)
    staff = (
        StaffProfile.objects.select_for_update(of=("self",)).select_related("center", "user").get(pk=staff.pk)
    )
    new_phone = fields.pop("work_phone", None)
    if new_phone is not None and _text(new_phone) != staff.work_phone:
        staff_phone_change(actor=actor, staff=staff, new_phone=new_phone, changed_on=timezone.localdate())
        staff.refresh_from_db()
    before = snapshot(staff, list(fields))
    for key, value in fields.items():
        setattr(staff, key, _text(value) if isinstance(value, str) else value)
    _check_staff(staff)
    changes = diff(before, snapshot(staff, list(fields)))
    if changes:
        staff.save()
        if "is_active" in changes and staff.user is not None and staff.user.is_active != staff.is_active:
            staff.user.is_active = staff.is_active
            staff.user.save(update_fields=["is_active"])
        record(
            subject=staff, action="update", actor=_user(actor), changes=changes, reason=reason, rule="R-ORG-9"
        )
    return staff


@transaction.atomic
def staff_phone_change(*, actor: Any, staff: StaffProfile, new_phone: str, changed_on: date) -> PhoneChange:
    """R-ORG-9: a new work phone is reported to the office and kept as a dated change."""
    staff = StaffProfile.objects.select_for_update().get(pk=staff.pk)
    new_phone = _text(new_phone)
    if not new_phone:
        raise RuleViolation("R-ORG-9", _("请填写新号码。"), field="new_phone")
    if new_phone == staff.work_phone:
        raise RuleViolation("R-ORG-9", _("新号码与原号码相同。"), field="new_phone")
    if not isinstance(changed_on, date) or changed_on > timezone.localdate():
        raise RuleViolation("R-ORG-9", _("变更日期不能晚于今天。"), field="changed_on")
    change = PhoneChange(
        center_id=staff.center_id,
        staff=staff,
        old_phone=staff.work_phone,
        new_phone=new_phone,
        changed_on=changed_on,
        reported_by=_user(actor),
    )
    _full_clean(change, rule="R-ORG-9", exclude=["center", "staff", "reported_by"])
    change.save()
    staff.work_phone = new_phone
    staff.save(update_fields=["work_phone"])
    record(
        subject=staff,
        action="phone_change",
        actor=_user(actor),
        changes={"work_phone": [change.old_phone, new_phone], "changed_on": changed_on},
        rule="R-ORG-9",
    )
    return change


@transaction.atomic
def role_grant(
    *, actor: Any, user: Any, center: Center, role: str, window: Window | None = None
) -> RoleGrant:
    """Give `user` a role at `center` (and its child centres, R-ORG-1). An identical active grant is returned."""
    if role not in Role.values:
        raise RuleViolation("R-ORG-1", _("角色“%(role)s”无效。") % {"role": role}, field="role")
    if user is None:
        raise RuleViolation("R-ORG-1", _("该工作人员没有登录账号，不能授予角色。"), field="user")
    _in_center(window, center, rule="R-ORG-1", field="window", label=_("窗口"))
    existing = RoleGrant.objects.filter(
        user=user, center=center, role=role, window=window, revoked_at=None
    ).first()
    if existing is not None:
        return existing
    grant = RoleGrant.objects.create(user=user, center=center, role=role, window=window)
    record(
        subject=grant,
        action="grant",
        actor=_user(actor),
        changes={"user": user.get_username(), "role": role, "window": window},
        rule="R-ORG-1",
    )
    return grant


@transaction.atomic
def role_revoke(*, actor: Any, grant: RoleGrant, reason: str = "") -> RoleGrant:
    grant = RoleGrant.objects.select_for_update().get(pk=grant.pk)
    if grant.revoked_at is not None:
        raise RuleViolation("R-ORG-1", _("该角色已撤销。"))
    grant.revoked_at = timezone.now()
    grant.save(update_fields=["revoked_at"])
    record(
        subject=grant,
        action="revoke",
        actor=_user(actor),
        changes={"revoked_at": grant.revoked_at},
        reason=reason,
        rule="R-ORG-1",
    )
    return grant


# --- posts with A and B (R-ORG-6) ----------------------------------------------------------------------


def _check_post_people(
    window: Window, holder_a: StaffProfile | None, backups: Sequence[StaffProfile]
) -> None:
    if holder_a is None:
        raise RuleViolation(
            "R-ORG-6", _("%(rule)s：请指定A角。") % {"rule": _(POST_PEOPLE_MESSAGE)}, field="holder_a"
        )
    if not backups:
        raise RuleViolation(
            "R-ORG-6", _("%(rule)s：请至少指定一名B角。") % {"rule": _(POST_PEOPLE_MESSAGE)}, field="backups"
        )
    if any(b.pk == holder_a.pk for b in backups):
        raise RuleViolation(
            "R-ORG-6",
            _("%(rule)s：B角不能与A角是同一人。") % {"rule": _(POST_PEOPLE_MESSAGE)},
            field="backups",
        )
    if len({b.pk for b in backups}) != len(backups):
        raise RuleViolation("R-ORG-6", _("同一人不能重复担任B角。"), field="backups")
    for person, field in [(holder_a, "holder_a"), *((b, "backups") for b in backups)]:
        _in_center(person, window.center, rule="R-ORG-6", field=field, label=f"{person.name}")
        if not person.is_active:
            raise RuleViolation(
                "R-ORG-6", _("%(person)s已停用，不能担任A角或B角。") % {"person": person.name}, field=field
            )


def _set_backups(post: Post, backups: Sequence[StaffProfile]) -> None:
    post.backup_links.all().delete()
    PostBackup.objects.bulk_create(
        [PostBackup(post=post, staff=b, order=order) for order, b in enumerate(backups, start=1)]
    )


@transaction.atomic
def post_create(
    *,
    actor: Any,
    window: Window,
    name: str,
    holder_a: StaffProfile,
    backups: Sequence[StaffProfile],
    duties: str = "",
) -> Post:
    """A post with its A and ordered Bs. Refused without a B (R-ORG-6)."""
    backups = list(backups)
    name = _text(name)
    if not name:
        raise RuleViolation("R-ORG-6", _("请填写岗位名称。"), field="name")
    if not window.is_active:
        raise RuleViolation("R-ORG-6", _("窗口已停用，不能设岗。"), field="window")
    if Post.objects.filter(window=window, name=name).exists():
        raise RuleViolation("R-ORG-6", _("该窗口已有“%(name)s”岗位。") % {"name": name}, field="name")
    _check_post_people(window, holder_a, backups)
    post = Post(center_id=window.center_id, window=window, name=name, duties=_text(duties), holder_a=holder_a)
    _full_clean(post, rule="R-ORG-6", exclude=["center", "window", "holder_a"])
    post.save()
    _set_backups(post, backups)
    record(
        subject=post,
        action="create",
        actor=_user(actor),
        changes={"name": name, "holder_a": str(holder_a), "backups": [str(b) for b in backups]},
        rule="R-ORG-6",
    )
    return post


@transaction.atomic
def post_assign(
    *,
    actor: Any,
    post: Post,
    holder_a: StaffProfile | None = None,
    backups: Sequence[StaffProfile] | None = None,
    reason: str = "",
) -> Post:
    """Change the A and/or the Bs (in cover order) of a post (R-ORG-6)."""
    post = Post.objects.select_for_update().select_related("window__center", "holder_a").get(pk=post.pk)
    old_a = post.holder_a
    old_backups = post_backups(post)
    new_a = holder_a if holder_a is not None else old_a
    new_backups = list(backups) if backups is not None else old_backups
    _check_post_people(post.window, new_a, new_backups)
    changes: dict[str, Any] = {}
    if new_a.pk != old_a.pk:
        changes["holder_a"] = [str(old_a), str(new_a)]
        post.holder_a = new_a
        post.save(update_fields=["holder_a"])
    if [b.pk for b in new_backups] != [b.pk for b in old_backups]:
        changes["backups"] = [[str(b) for b in old_backups], [str(b) for b in new_backups]]
        _set_backups(post, new_backups)
    if changes:
        record(
            subject=post, action="assign", actor=_user(actor), changes=changes, reason=reason, rule="R-ORG-6"
        )
    return post


@transaction.atomic
def post_update(*, actor: Any, post: Post, reason: str = "", **fields: Any) -> Post:
    _check_fields(fields, POST_FIELDS)
    post = Post.objects.select_for_update().get(pk=post.pk)
    before = snapshot(post, list(fields))
    for key, value in fields.items():
        setattr(post, key, _text(value) if isinstance(value, str) else value)
    if not post.name:
        raise RuleViolation("R-ORG-6", _("请填写岗位名称。"), field="name")
    if Post.objects.filter(window_id=post.window_id, name=post.name).exclude(pk=post.pk).exists():
        raise RuleViolation("R-ORG-6", _("该窗口已有“%(post)s”岗位。") % {"post": post.name}, field="name")
    _full_clean(post, rule="R-ORG-6", exclude=["center", "window", "holder_a"])
    changes = diff(before, snapshot(post, list(fields)))
    if changes:
        post.save()
        record(
            subject=post, action="update", actor=_user(actor), changes=changes, reason=reason, rule="R-ORG-6"
        )
    return post


# --- absences (R-ORG-7) --------------------------------------------------------------------------------


@transaction.atomic
def absence_record(
    *, actor: Any, staff: StaffProfile, kind: str, starts_at: datetime, ends_at: datetime, reason: str = ""
) -> Absence:
    """A period the staff member is away; their posts go to B meanwhile (R-ORG-7)."""
    if kind not in AbsenceKind.values:
        raise RuleViolation("R-ORG-7", _("离岗类别无效。"), field="kind")
    _aware(starts_at, field="starts_at", rule="R-ORG-7")
    _aware(ends_at, field="ends_at", rule="R-ORG-7")
    if ends_at <= starts_at:
        raise RuleViolation("R-ORG-7", _("结束时间须晚于开始时间。"), field="ends_at")
    absence = Absence(
        center_id=staff.center_id,
        staff=staff,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        reason=_text(reason),
    )
    absence.save()
    record(
        subject=staff,
        action="absence",
        actor=_user(actor),
        changes={"kind": kind, "starts_at": starts_at, "ends_at": ends_at, "absence": absence.pk},
        reason=absence.reason,
        rule="R-ORG-7",
    )
    return absence


@transaction.atomic
def absence_cancel(*, actor: Any, absence: Absence, reason: str) -> Absence:
    absence = Absence.objects.select_for_update().select_related("staff").get(pk=absence.pk)
    if absence.cancelled_at is not None:
        raise RuleViolation("R-ORG-7", _("该离岗记录已撤销。"))
    if not _text(reason):
        raise RuleViolation("R-ORG-7", _("请填写撤销原因。"), field="reason")
    absence.cancelled_at = timezone.now()
    absence.save(update_fields=["cancelled_at"])
    record(
        subject=absence.staff,
        action="absence_cancel",
        actor=_user(actor),
        changes={"absence": absence.pk, "cancelled_at": absence.cancelled_at},
        reason=_text(reason),
        rule="R-ORG-7",
    )
    return absence


# --- chief representative authorisations (R-ORG-4, R-ORG-5) --------------------------------------------


def _revoke(authorization: Authorization, *, actor: Any, reason: str) -> None:
    authorization.revoked_at = timezone.now()
    authorization.revoke_reason = reason
    authorization.save(update_fields=["revoked_at", "revoke_reason"])
    record(
        subject=authorization,
        action="revoke",
        actor=_user(actor),
        changes={"revoked_at": authorization.revoked_at},
        reason=reason,
        rule="R-ORG-4",
    )


@transaction.atomic
def authorization_grant(
    *,
    actor: Any,
    department: Department,
    representative: StaffProfile,
    document_number: str,
    signed_by: str,
    scopes: Iterable[str],
    valid_from: date,
    valid_until: date,
    document: Any = None,
    replaces: Authorization | None = None,
) -> Authorization:
    """Record the legal representative's written authorisation of a chief representative (R-ORG-4).

    With `replaces`, the new one is the centre's replacement (另行委派) and the old one is revoked.
    """
    scopes = list(dict.fromkeys(scopes))
    center = department.center
    if not scopes:
        raise RuleViolation("R-ORG-4", _("请至少选择一项授权范围。"), field="scopes")
    for scope in scopes:
        if scope not in AuthorizationScope.values:
            raise RuleViolation("R-ORG-4", _("授权范围“%(scope)s”无效。") % {"scope": scope}, field="scopes")
    if not _text(document_number):
        raise RuleViolation("R-ORG-4", _("请填写授权书文号。"), field="document_number")
    if not _text(signed_by):
        raise RuleViolation("R-ORG-4", _("请填写签署授权的法定代表人。"), field="signed_by")
    if not isinstance(valid_from, date) or not isinstance(valid_until, date):
        raise RuleViolation("R-ORG-4", _("请填写有效期。"), field="valid_from")
    if valid_until < valid_from:
        raise RuleViolation("R-ORG-4", _("截止日期不能早于生效日期。"), field="valid_until")
    _in_center(representative, center, rule="R-ORG-4", field="representative", label=_("首席代表"))
    if not representative.is_active:
        raise RuleViolation(
            "R-ORG-4",
            _("%(representative)s已停用，不能受托。") % {"representative": representative.name},
            field="representative",
        )
    if replaces is not None:
        replaces = Authorization.objects.select_for_update().get(pk=replaces.pk)
        if replaces.department_id != department.pk:
            raise RuleViolation("R-ORG-4", _("只能接替本部门的授权。"), field="replaces")
        if replaces.replaced_by.exists():
            raise RuleViolation("R-ORG-4", _("该授权已由另一份授权接替。"), field="replaces")
    authorization = Authorization(
        center=center,
        department=department,
        representative=representative,
        document_number=_text(document_number),
        signed_by=_text(signed_by),
        scopes=scopes,
        valid_from=valid_from,
        valid_until=valid_until,
        replaces=replaces,
    )
    if document:
        authorization.document = document
    _full_clean(
        authorization,
        rule="R-ORG-4",
        exclude=["center", "department", "representative", "replaces", "scopes"],
    )
    authorization.save()
    record(
        subject=authorization,
        action="grant",
        actor=_user(actor),
        changes={
            **snapshot(
                authorization,
                [
                    "department",
                    "representative",
                    "document_number",
                    "signed_by",
                    "scopes",
                    "valid_from",
                    "valid_until",
                ],
            ),
            "replaces": str(replaces) if replaces else "",
        },
        rule="R-ORG-4",
    )
    if replaces is not None and replaces.revoked_at is None:
        _revoke(replaces, actor=actor, reason=REPLACEMENT_REASON)
    return authorization


@transaction.atomic
def authorization_revoke(*, actor: Any, authorization: Authorization, reason: str) -> Authorization:
    authorization = Authorization.objects.select_for_update().get(pk=authorization.pk)
    if authorization.revoked_at is not None:
        raise RuleViolation("R-ORG-4", _("该授权已撤销。"))
    if not _text(reason):
        raise RuleViolation("R-ORG-4", _("请填写撤销原因。"), field="reason")
    _revoke(authorization, actor=actor, reason=_text(reason))
    return authorization


def authorization_in_force(
    *, representative: StaffProfile, scope: str, moment: datetime, department: Department | None = None
) -> Authorization | None:
    """The authorisation that gives `representative` the power `scope` at `moment` (R-ORG-4), if any.

    In force: valid on the local date of `moment` and not revoked at or before `moment`. An expired or revoked
    authorisation decides nothing.
    """
    day = timezone.localdate(moment)
    candidates = Authorization.objects.filter(
        Q(revoked_at=None) | Q(revoked_at__gt=moment),
        representative=representative,
        valid_from__lte=day,
        valid_until__gte=day,
    ).order_by("-valid_from", "-id")
    if department is not None:
        candidates = candidates.filter(department=department)
    for authorization in candidates:  # JSON containment is not portable to SQLite: check in Python.
        if scope in (authorization.scopes or []):
            return authorization
    return None


def can_decide_on_spot(*, staff: StaffProfile, version: ItemVersion, moment: datetime) -> bool:
    """R-ORG-5: the chief representative decides at the window only for an item marked for it, with no
    special procedure (hearing, bidding, testing, quarantine, appraisal, expert review, site survey,
    collective deliberation), under an authorisation in force for deciding general applications of the
    item's department."""
    if not version.on_spot_decision or version.special_procedures:
        return False
    if not staff.is_active:
        return False
    department = version.item.department
    return (
        authorization_in_force(
            representative=staff,
            scope=AuthorizationScope.DECIDE_GENERAL,
            moment=moment,
            department=department,
        )
        is not None
    )


# --- B training (R-ORG-8) ------------------------------------------------------------------------------


@transaction.atomic
def backup_training_record(
    *, actor: Any, post: Post, trainer: StaffProfile, trainee: StaffProfile, held_on: date, topic: str
) -> BackupTraining:
    """A hand-over or training of a B by the A (or another trainer) for a post (R-ORG-8)."""
    if not post.backup_links.filter(staff=trainee).exists():
        raise RuleViolation(
            "R-ORG-8", _("%(trainee)s不是该岗位的B角。") % {"trainee": trainee.name}, field="trainee"
        )
    if trainer.pk == trainee.pk:
        raise RuleViolation("R-ORG-8", _("传授人与受训人不能是同一人。"), field="trainer")
    _in_center(trainer, post.window.center, rule="R-ORG-8", field="trainer", label=_("传授人"))
    if not isinstance(held_on, date) or held_on > timezone.localdate():
        raise RuleViolation("R-ORG-8", _("培训日期不能晚于今天。"), field="held_on")
    topic = _text(topic)
    if not topic:
        raise RuleViolation("R-ORG-8", _("请填写培训内容。"), field="topic")
    training = BackupTraining(
        center_id=post.center_id, post=post, trainer=trainer, trainee=trainee, held_on=held_on, topic=topic
    )
    _full_clean(training, rule="R-ORG-8", exclude=["center", "post", "trainer", "trainee"])
    training.save()
    record(
        subject=post,
        action="training",
        actor=_user(actor),
        changes={"trainer": str(trainer), "trainee": str(trainee), "held_on": held_on, "topic": topic},
        rule="R-ORG-8",
    )
    return training
