"""Staff members, their logins and their work phones (R-ORG-9)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import RuleViolation
from common.history import diff, record, snapshot

from ..access import CAN_EDIT_ORGANISATION
from ..models import Center, Department, PhoneChange, Role, Section, StaffProfile, Window
from ._common import _check_fields, _checked_photo, _full_clean, _in_center, _may_act, _text, _user
from .roles import WINDOW_ROLES, role_grant

User = get_user_model()

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
    """A staff member, with a login (`username`, `password` checked by the password validators) and roles
    (each granted by `role_grant`, which checks who may grant it)."""
    _may_act(actor, center, CAN_EDIT_ORGANISATION)
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
    if "photo" in values:
        values["photo"] = _checked_photo(values["photo"])
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
    a staff member also disables their login and records the moment (`deactivated_at`): they are off duty
    from then on, not before (R-ORG-7)."""
    _check_fields(fields, STAFF_FIELDS)
    if "photo" in fields:
        fields["photo"] = _checked_photo(fields["photo"])
    staff = (
        StaffProfile.objects.select_for_update(of=("self",)).select_related("center", "user").get(pk=staff.pk)
    )
    _may_act(actor, staff.center, CAN_EDIT_ORGANISATION)
    new_phone = fields.pop("work_phone", None)
    if new_phone is not None and _text(new_phone) != staff.work_phone:
        staff_phone_change(actor=actor, staff=staff, new_phone=new_phone, changed_on=timezone.localdate())
        staff.refresh_from_db()
    before = snapshot(staff, list(fields))
    for key, value in fields.items():
        setattr(staff, key, _text(value) if isinstance(value, str) else value)
    _check_staff(staff)
    changes = diff(before, snapshot(staff, list(fields)))
    if "is_active" in changes:
        # The moment matters for the past (R-ORG-7): a deactivated holder is off duty from then on only.
        # The history entry's moment is the same change.
        staff.deactivated_at = None if staff.is_active else timezone.now()
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
    """R-ORG-9: a new work phone is reported to the office and kept as a dated change, by the staff member
    themselves or by a role that keeps the centre's staff."""
    staff = StaffProfile.objects.select_for_update(of=("self",)).select_related("center").get(pk=staff.pk)
    if actor is None or staff.user_id is None or staff.user_id != actor.pk:
        _may_act(actor, staff.center, CAN_EDIT_ORGANISATION)
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
