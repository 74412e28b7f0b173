"""Role grants (R-ORG-1): a role at a centre (and its child centres), possibly tied to one window.

Who grants: a role that keeps the centre's staff (`CAN_GRANT_ROLES`), at a centre where it holds that role (or
one below it), to a person of such a centre, never to itself; and the platform operator, through the admin.
A grant at, or to a person of, a centre where the actor holds no role is refused with R-ORG-1."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import RuleViolation
from common.history import record

from ..access import CAN_GRANT_ROLES
from ..models import Center, Role, RoleGrant, StaffProfile, Window
from ._common import _in_center, _may_act, _user

# Roles tied to one window when granted together with a window.
WINDOW_ROLES = frozenset({Role.WINDOW_HEAD, Role.CHIEF_REPRESENTATIVE, Role.WINDOW_STAFF})


@transaction.atomic
def role_grant(
    *, actor: Any, user: Any, center: Center, role: str, window: Window | None = None
) -> RoleGrant:
    """Give `user` a role at `center` (and its child centres, R-ORG-1). An identical active grant is returned."""
    _may_act(actor, center, CAN_GRANT_ROLES, operator=True)
    if role not in Role.values:
        raise RuleViolation("R-ORG-1", _("角色“%(role)s”无效。") % {"role": role}, field="role")
    if user is None:
        raise RuleViolation("R-ORG-1", _("该工作人员没有登录账号，不能授予角色。"), field="user")
    if actor is not None and user.pk == actor.pk:
        raise RuleViolation("R-ORG-1", _("不能给自己授予角色。"), field="user", code="own_grant")
    profile = StaffProfile.objects.filter(user=user).select_related("center").first()
    if profile is not None and profile.center_id != center.pk:
        _may_act(actor, profile.center, CAN_GRANT_ROLES, operator=True)  # the person is another centre's
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
    grant = RoleGrant.objects.select_for_update(of=("self",)).select_related("center").get(pk=grant.pk)
    _may_act(actor, grant.center, CAN_GRANT_ROLES, operator=True)
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
