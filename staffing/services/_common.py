"""What the staffing services share: who may act, text clean-up, aware moments."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import RuleViolation
from org.access import may_act  # noqa: F401 - the services import it from here

RULE = "R-ATT-2"


def user_of(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def aware(moment: Any, *, field: str, rule: str = RULE) -> datetime:
    if not isinstance(moment, datetime) or timezone.is_naive(moment):
        raise RuleViolation(rule, _("时间须包含时区。"), field=field)
    return moment
