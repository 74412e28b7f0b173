"""What the organisation's services share: the acting user, text clean-up, field checks as refusals."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from common.errors import RuleViolation

from ..models import Center


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
