"""What the staffing services share: who may act, text clean-up, aware moments."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import RuleViolation
from org.access import require_role, roles_at
from org.models import Center

RULE = "R-ATT-2"


def may_act(actor: Any, center: Center, allowed: Iterable[str]) -> None:
    """Refuse unless `actor` may act at `center` with one of `allowed` (every service asks it itself, so that
    the page, the API and a command refuse alike). `actor` None is the system (a command, the demo). A centre
    where the actor holds no role is another centre's business (R-ORG-1)."""
    if actor is None:
        return
    if not roles_at(actor, center):
        raise RuleViolation(
            "R-ORG-1",
            _("您在%(center)s没有任何角色，不能办理该中心的事务。") % {"center": center.name},
            code="other_center",
        )
    require_role(actor, center, allowed)


def user_of(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def aware(moment: Any, *, field: str, rule: str = RULE) -> datetime:
    if not isinstance(moment, datetime) or timezone.is_naive(moment):
        raise RuleViolation(rule, _("时间须包含时区。"), field=field)
    return moment
