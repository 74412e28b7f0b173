"""Plain factory functions for organisation rows. Tests build what they need and nothing more."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models

from org.models import (
    Center,
    Department,
    Post,
    PostBackup,
    PostHolding,
    PostRole,
    Role,
    RoleGrant,
    StaffProfile,
    Window,
)

_seq = itertools.count(1)
PASSWORD = "correct-horse-battery-9"
# Posts built here are held by their A and Bs since long before any moment a test asks about.
HELD_SINCE = datetime(2000, 1, 1, tzinfo=UTC)


def make_center(**kw: Any) -> Center:
    n = next(_seq)
    kw.setdefault("code", f"center-{n}")
    kw.setdefault("name", f"测试县政务服务中心{n}")
    kw.setdefault("complaint_phone", "0000-12345")
    return Center.objects.create(**kw)


def make_department(center: Center, **kw: Any) -> Department:
    n = next(_seq)
    kw.setdefault("code", f"dept-{n}")
    kw.setdefault("name", f"测试局{n}")
    return Department.objects.create(center=center, **kw)


def make_user(username: str | None = None, **kw: Any) -> Any:
    username = username or f"user{next(_seq)}"
    return get_user_model().objects.create_user(username=username, password=PASSWORD, **kw)


def make_staff(center: Center, *, user: Any = None, with_user: bool = True, **kw: Any) -> StaffProfile:
    n = next(_seq)
    if user is None and with_user:
        user = make_user()
    kw.setdefault("name", f"职员{n}")
    kw.setdefault("badge_number", f"T{n:05d}")
    kw.setdefault("title", "科员")
    return StaffProfile.objects.create(center=center, user=user, **kw)


def make_window(center: Center, department: Department | None = None, **kw: Any) -> Window:
    n = next(_seq)
    department = department or make_department(center)
    kw.setdefault("number", f"W{n:02d}")
    kw.setdefault("name", f"{department.name}窗口")
    return Window.objects.create(center=center, department=department, **kw)


def make_post(
    window: Window,
    *,
    a: StaffProfile | None = None,
    backups: list[StaffProfile] | None = None,
    held_from: datetime = HELD_SINCE,
    **kw: Any,
) -> Post:
    """A post with its A and Bs (the current assignment) and their holdings, open since `held_from`."""
    center = window.center
    kw.setdefault("name", f"受理岗{next(_seq)}")
    a = a or make_staff(center, window=window, department=window.department)
    post = Post.objects.create(center=center, window=window, holder_a=a, **kw)
    if backups is None:
        backups = [make_staff(center, window=window, department=window.department)]
    PostHolding.objects.create(post=post, staff=a, role=PostRole.A, order=0, valid_from=held_from)
    for order, b in enumerate(backups, start=1):
        PostBackup.objects.create(post=post, staff=b, order=order)
        PostHolding.objects.create(post=post, staff=b, role=PostRole.B, order=order, valid_from=held_from)
    return post


def add_backup(post: Post, staff: StaffProfile, *, order: int, held_from: datetime = HELD_SINCE) -> None:
    """One more B of `post` in cover position `order` (the current list and its holding); the Bs already at
    `order` or after move one place down."""
    PostBackup.objects.filter(post=post, order__gte=order).update(order=models.F("order") + 1)
    PostHolding.objects.filter(post=post, role=PostRole.B, order__gte=order).update(
        order=models.F("order") + 1
    )
    PostBackup.objects.create(post=post, staff=staff, order=order)
    PostHolding.objects.create(post=post, staff=staff, role=PostRole.B, order=order, valid_from=held_from)


def grant(user: Any, center: Center, role: Role | str, window: Window | None = None) -> RoleGrant:
    return RoleGrant.objects.create(user=user, center=center, role=role, window=window)
