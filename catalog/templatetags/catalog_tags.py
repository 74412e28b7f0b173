"""Template helpers for the catalogue's documents (service guides, one-time notification): display labels."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from catalog.models import SpecialProcedureKind

register = template.Library()


@register.filter
def special_procedure_labels(values: Any) -> list[str]:
    """The Chinese names of the special procedures stored on a version (R-CLK-4)."""
    labels = dict(SpecialProcedureKind.choices)
    if not isinstance(values, list | tuple):
        return []
    return [str(labels.get(v, v)) for v in values]


@register.filter
def working_days(days: Any) -> str:
    """A limit in working days as the guide prints it; 0 is the same working day (即办, R-CAT-2)."""
    if days is None or days == "":
        return ""
    if int(days) == 0:
        return _("当场办结（当日）")
    count = int(days)
    return ngettext("%(days)d个工作日", "%(days)d个工作日", count) % {"days": count}
