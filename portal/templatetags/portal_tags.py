"""Template helpers of the public pages: centre-aware URLs, and the catalogue's display labels."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from catalog.templatetags.catalog_tags import special_procedure_labels, working_days

register = template.Library()


@register.simple_tag(takes_context=True)
def portal_url(context: template.Context, name: str, **kwargs: Any) -> str:
    """The URL of portal page `name` at the page's centre (`portal_center`), or at the default centre."""
    center = context.get("portal_center")
    if center is not None:
        kwargs = {"center_code": center.code, **kwargs}
    return reverse(f"portal:{name}", kwargs=kwargs or None)


# The catalogue's display filters, for the portal's templates too.
register.filter("special_procedure_labels", special_procedure_labels)
register.filter("working_days", working_days)
