"""Template helpers of the public pages: centre-aware URLs and display labels."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from catalog.models import SpecialProcedureKind

register = template.Library()


@register.simple_tag(takes_context=True)
def portal_url(context: template.Context, name: str, **kwargs: Any) -> str:
    """The URL of portal page `name` at the page's centre (`portal_center`), or at the default centre."""
    center = context.get("portal_center")
    if center is not None:
        kwargs = {"center_code": center.code, **kwargs}
    return reverse(f"portal:{name}", kwargs=kwargs or None)


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
