"""`{% translate "constant" %}` rendered once per language: `{% load i18n constant_i18n %}`.

Every staff page translates a few dozen fixed strings (`{% translate "收件" %}`). Django's tag builds a lazy
translation, looks it up in the catalogue and escapes it on every render: on the workbench that was about a
twentieth of the page. A constant's rendering depends only on the language and on autoescaping, so the node
keeps it per (language, autoescape) after the first render. Anything else (a variable, a filter, a context
that is not a constant) renders as Django renders it.

Loaded after `i18n`, this library's `translate` and `trans` replace Django's in that template; every other tag
is Django's. The pages every staff member opens all day load it (the staff layout, the workbench, the case
page); others need not. `makemessages` reads the templates' text, not the library, and still finds the
strings. `common/tests/test_template_constants.py` compares the output with Django's.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.base import FilterExpression, Parser, Token, Variable
from django.templatetags import i18n as django_i18n
from django.utils import translation

register = template.Library()


def is_constant(expression: FilterExpression | None) -> bool:
    """A literal with no filters (or nothing at all): the same value in every context. The parser keeps a
    quoted literal as its text, or as a `Variable` holding it."""
    if expression is None:
        return True
    if expression.filters:
        return False
    var = expression.var
    return isinstance(var, str) or (isinstance(var, Variable) and var.literal is not None)


class ConstantTranslateNode(django_i18n.TranslateNode):
    """`{% translate "text" %}` of a constant: rendered by Django the first time for each language and
    autoescaping, then given again."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rendered: dict[tuple[str | None, bool], str] = {}

    def render(self, context: Any) -> str:
        key = (translation.get_language(), bool(context.autoescape))
        value = self.rendered.get(key)
        if value is None:
            if self.asvar:
                super().render(context)
                value = context[self.asvar]
            else:
                value = super().render(context)
            self.rendered[key] = value
        if self.asvar:
            context[self.asvar] = value
            return ""
        return value


@register.tag("translate")
@register.tag("trans")
def do_translate(parser: Parser, token: Token) -> django_i18n.TranslateNode:
    node = django_i18n.do_translate(parser, token)
    if not (is_constant(node.filter_expression) and is_constant(node.message_context)):
        return node
    return ConstantTranslateNode(node.filter_expression, node.noop, node.asvar, node.message_context)
