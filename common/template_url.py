"""Django's `{% url %}` tag, with a link to a fixed view rendered once per language and address prefix.

Every staff page links to the same handful of fixed pages (the header's home, sign-out and language switch,
the workbench's "receive" and "log an inquiry"), and `reverse` walks the URL patterns each time. A link whose
view name and arguments are literals depends only on the URL configuration in use, the script prefix (where
govhall is mounted), the language (the URL patterns may carry it), the current application namespace and
autoescaping: the node keeps the result per those after the first render. Anything else (a view name or an
argument from a variable or with a filter) renders as Django renders it, and so does a first render that
fails.

The project's template engine loads this module as a builtin after Django's (`TEMPLATES[...]["OPTIONS"]
["builtins"]` in `config/settings/base.py`), so its `url` replaces Django's in every template.
`common/tests/test_template_constants.py` compares the output with Django's.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.template import defaulttags
from django.template.base import Parser, Token
from django.urls import get_script_prefix, get_urlconf

from .templatetags.constant_i18n import KeptRendering, current_language, is_constant

register = template.Library()


def _current_app(context: Any) -> str | None:
    """What `URLNode.render` passes to `reverse` as the current application."""
    request = getattr(context, "request", None)
    try:
        return request.current_app  # type: ignore[union-attr]
    except AttributeError:
        try:
            return request.resolver_match.namespace  # type: ignore[union-attr]
        except AttributeError:
            return None


class ConstantURLNode(KeptRendering, defaulttags.URLNode):
    """`{% url "name" "literal" … %}`, kept per URL configuration, script prefix, language, current
    application and autoescaping."""

    def key(self, context: Any) -> tuple[Any, ...]:
        return (
            get_urlconf() or settings.ROOT_URLCONF,
            get_script_prefix(),
            current_language(context),
            _current_app(context),
            bool(context.autoescape),
        )


@register.tag
def url(parser: Parser, token: Token) -> defaulttags.URLNode:
    node = defaulttags.url(parser, token)
    fixed = [node.view_name, *node.args, *node.kwargs.values()]
    if not all(is_constant(expression) for expression in fixed):
        return node
    return ConstantURLNode(node.view_name, node.args, node.kwargs, node.asvar)
