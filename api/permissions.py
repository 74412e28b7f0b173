"""Who may call what. Centre scoping and roles come from `org.access`; this module only adapts them to DRF.

- Public reads (calendar, published catalogue, centres) need no sign-in.
- Organisation reads need a signed-in user who may see the centre (`org.access.visible_center_ids`);
  a centre outside that answers 404, as if it did not exist (R-ORG-1).
- Writes need the role of `org.access` for the operation at that centre (403 otherwise).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar, cast

from django.db.models import Model, QuerySet
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.permissions import AllowAny, IsAuthenticated

from common.errors import NotFound, PermissionDenied
from org import access
from org.models import Center, StaffProfile

# Token first: an anonymous call then answers 401 with `WWW-Authenticate: Token` rather than 403.
AUTHENTICATION_CLASSES = [TokenAuthentication, SessionAuthentication]

M = TypeVar("M", bound=Model)

Public = AllowAny
SignedIn = IsAuthenticated


def public_center(code: str) -> Center:
    """An active centre by code, for anyone (centres are public bodies); NotFound otherwise."""
    center = Center.objects.filter(code=code, is_active=True).first()
    if center is None:
        raise NotFound()
    return center


def staff_center(user: Any, code: str) -> Center:
    """A centre the signed-in `user` may see (their own, or one below a centre where they hold a role)."""
    return cast(Center, access.get_for_user(user, Center.objects.all(), center_field="id", code=code))


def own_profile_at(user: Any, code: str) -> tuple[StaffProfile, Center]:
    """The signed-in staff member's own profile and their centre named by `code`, for the pages of "my …": 403
    for a user without a staff profile, 404 for a centre that is not theirs."""
    where = staff_center(user, code)
    profile = getattr(user, "staff_profile", None)
    if profile is None:
        raise PermissionDenied("此操作只对有工作人员档案的用户开放。")
    if profile.center_id != where.pk:
        raise NotFound()
    return profile, where


def fetch(user: Any, queryset: QuerySet[M], **lookup: Any) -> M:
    """One object of `queryset` the user may see (`org.access.get_for_user`); NotFound otherwise."""
    return cast(M, access.get_for_user(user, queryset, **lookup))


def sees_center(user: Any, center: Center) -> bool:
    """Whether `user` is staff who may see `center`'s internal records (drafts, staff, authorisations)."""
    return getattr(user, "is_authenticated", False) and center.pk in access.visible_center_ids(user)


def require_role(user: Any, center: Center, allowed: Iterable[str]) -> None:
    """403 unless `user` holds one of `allowed` at `center` (or a centre above it)."""
    access.require_role(user, center, allowed)


def has_role(user: Any, center: Center, allowed: Iterable[str]) -> bool:
    return access.has_role(user, center, allowed)
