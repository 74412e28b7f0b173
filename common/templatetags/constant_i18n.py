"""`{% translate "constant" %}` rendered once per language: `{% load i18n constant_i18n %}`.

Every staff page translates a few dozen fixed strings (`{% translate "收件" %}`). Django's tag builds a lazy
translation, looks it up in the catalogue and escapes it on every render: on the workbench that was about a
twentieth of the page. A constant's rendering depends only on the language and on autoescaping, so the node
keeps it per (language, autoescape) after the first render, the language asked once per template rendered.
Anything else (a variable, a filter, a context that is not a constant) renders as Django renders it.

Loaded after `i18n`, this library's `translate`, `trans` and `language` replace Django's in that template;
every other tag is Django's. The pages every staff member opens all day load it (the staff layout, the
workbench, the case page); others need not. `makemessages` reads the templates' text, not the library, and
still finds the strings. `common/tests/test_template_constants.py` compares the output with Django's.
"""

from __future__ import annotations

from html import escape
from typing import Any

from django import template
from django.conf import settings
from django.template.base import FilterExpression, Parser, Token, Variable
from django.templatetags import i18n as django_i18n
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

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


class KeptRendering:
    """A tag node of constants (Django's `TranslateNode` or `URLNode` under it) that renders through Django
    the first time for each `key` and then gives what it kept; `{% … as var %}` sets the variable either way."""

    asvar: str | None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rendered: dict[tuple[Any, ...], str] = {}

    def key(self, context: Any) -> tuple[Any, ...]:
        """What the rendering depends on besides the constants themselves."""
        raise NotImplementedError

    def render(self, context: Any) -> str:
        key = self.key(context)
        value = self.rendered.get(key)
        if value is None:
            rendered = super().render(context)  # type: ignore[misc]
            value = context[self.asvar] if self.asvar else rendered
            self.rendered[key] = value
        if self.asvar:
            context[self.asvar] = value
            return ""
        return value


# The active language, asked once per template rendered (the render context's own scope) rather than once per
# node: asking is a lookup in the request's thread-and-task-local state, and a page has fifty constants.
_LANGUAGE = "govhall_language"


def current_language(context: Any) -> str | None:
    """`translation.get_language()`, kept in the render context of the template being rendered. `{% language %}`
    (this library's) renders its block with a scope of its own, so a constant inside it is asked again."""
    render_context = context.render_context
    language = render_context.get(_LANGUAGE)
    if language is None:
        language = render_context[_LANGUAGE] = translation.get_language()
    return language


class ConstantTranslateNode(KeptRendering, django_i18n.TranslateNode):
    """`{% translate "text" %}` of a constant, kept per language and autoescaping."""

    def key(self, context: Any) -> tuple[Any, ...]:
        return (current_language(context), bool(context.autoescape))


class LanguageNode(django_i18n.LanguageNode):
    """Django's `{% language %}`, its block rendered in a render-context scope of its own (`current_language`)."""

    def render(self, context: Any) -> str:
        with context.render_context.push():
            return super().render(context)


@register.tag("language")
def language(parser: Parser, token: Token) -> LanguageNode:
    node = django_i18n.language(parser, token)
    return LanguageNode(node.nodelist, node.language)


@register.tag("translate")
@register.tag("trans")
def do_translate(parser: Parser, token: Token) -> django_i18n.TranslateNode:
    node = django_i18n.do_translate(parser, token)
    if not (is_constant(node.filter_expression) and is_constant(node.message_context)):
        return node
    return ConstantTranslateNode(node.filter_expression, node.noop, node.asvar, node.message_context)


# The language switch's buttons by the page's language and the languages offered (`other_language_buttons`).
_BUTTONS: dict[tuple[str | None, tuple[str, ...]], str] = {}


@register.simple_tag
def other_language_buttons(current: str | None) -> SafeString:
    """The buttons of the language switch (`_language_form.html`): one per language of `LANGUAGES` other than
    `current`, named in its own language, written once per process for each. It replaced a loop over
    `{% get_available_languages %}` with `{% get_language_info %}` on every page, staff and public."""
    codes = tuple(code for code, _name in settings.LANGUAGES)
    key = (current, codes)
    buttons = _BUTTONS.get(key)
    if buttons is None:
        buttons = _BUTTONS[key] = "".join(
            f'<button type="submit" class="link" name="language" value="{escape(code)}" lang="{escape(code)}">'
            f"{escape(str(translation.get_language_info(code)['name_local']))}</button>"
            for code in codes
            if code != current
        )
    return mark_safe(buttons)  # noqa: S308 - every value is escaped
