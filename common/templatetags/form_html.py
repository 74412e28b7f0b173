"""Form fields written out in Python, byte for byte as Django's own widget templates write them.

A staff page holds several forms at once (the case page: every action the user may take), and Django renders
each widget through its templates: an `<input>` is two templates, a `<select>` one more per option, an empty
error list two. On the case page that was about half of the page's rendering. `{{ field|widget_html }}` gives
the same HTML as `{{ field }}` for the plain widgets (inputs of every type, checkboxes, text areas, selects)
without the template engine, and `{{ field.errors|errors_html }}` skips the templates of an empty error list;
anything else (radio buttons, multi-widgets, file inputs, a widget with its own `render`, a field showing its
hidden initial value, a form whose renderer finds other templates than Django's under these names) goes
through Django as before. `desk/tests/test_form_html.py` compares both, widget by
widget.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from html import escape as html_escape  # Django's escape, without its lazy-string wrapper
from pathlib import Path
from typing import Any, cast

import django.forms
from django import template
from django.forms import BoundField, Select, Widget
from django.forms.utils import ErrorList
from django.forms.widgets import ChoiceWidget
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString, mark_safe

register = template.Library()

_WIDGETS = "django/forms/widgets/"
# The templates that are `input.html` and nothing else.
_INPUTS = frozenset(
    f"{_WIDGETS}{name}.html"
    for name in (
        "input",
        "text",
        "number",
        "email",
        "url",
        "password",
        "hidden",
        "date",
        "datetime",
        "time",
        "search",
        "tel",
        "color",
        "checkbox",
    )
)
_SELECT = f"{_WIDGETS}select.html"
_SELECT_OPTION = f"{_WIDGETS}select_option.html"
_TEXTAREA = f"{_WIDGETS}textarea.html"
# What the templates above include.
_INCLUDED = (f"{_WIDGETS}input.html", f"{_WIDGETS}attrs.html", _SELECT_OPTION)
_DJANGOS = Path(django.forms.__file__).resolve().parent / "templates"


class _Unhandled(Exception):
    """A value the fast path does not write as the templates would: Django renders the widget instead."""


def _formatted(value: Any) -> str:
    """`{{ value|stringformat:'s' }}` under autoescaping."""
    if isinstance(value, tuple):
        raise _Unhandled
    if isinstance(value, SafeData):
        return str(value)
    return html_escape(f"{value}")


def _text(value: Any) -> str:
    """`{{ value }}` under autoescaping, for text (a number or a date would be localised: not handled)."""
    if isinstance(value, SafeData):
        return str(value)
    if isinstance(value, str):
        return html_escape(value)
    if isinstance(value, Promise):
        return html_escape(str(value))
    raise _Unhandled


def _attrs(attrs: Mapping[str, Any]) -> str:
    """django/forms/widgets/attrs.html."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            out.append(f" {_text(name)}")
        else:
            out.append(f' {_text(name)}="{_formatted(value)}"')
    return "".join(out)


def _input(widget: Mapping[str, Any]) -> str:
    value = widget["value"]
    shown = "" if value is None else f' value="{_formatted(value)}"'
    return f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'


def _textarea(widget: Mapping[str, Any]) -> str:
    value = widget["value"]
    body = _text(value) if value else ""
    return f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n{body}</textarea>'


# A select's options by group: (group name or None, [(value, label, attributes)]).
Groups = Iterable[tuple[Any, Iterable[tuple[Any, Any, Mapping[str, Any]]]]]
_SELECTED = {"selected": True}
_NOT_SELECTED: Mapping[str, Any] = {}


def _select_html(widget: Mapping[str, Any], groups: Groups) -> str:
    """django/forms/widgets/select.html with its options (select_option.html)."""
    out = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options in groups:
        if group_name:
            out.append(f'\n  <optgroup label="{_text(group_name)}">')
        for value, label, attrs in options:
            out.append(f'\n  <option value="{_formatted(value)}"{_attrs(attrs)}>{_text(label)}</option>\n')
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


def _select(widget: Mapping[str, Any]) -> str:
    def options(group: list[dict[str, Any]]) -> Any:
        for option in group:
            if option["template_name"] != _SELECT_OPTION:
                raise _Unhandled
            yield option["value"], option["label"], option["attrs"]

    return _select_html(widget, ((name, options(group)) for name, group, _index in widget["optgroups"]))


def _single_select(widget: Widget) -> bool:
    """A `Select` of one value whose options are Django's own: `_choices_select` writes it from its choices."""
    if not isinstance(widget, Select):
        return False
    kind = type(widget)
    return (
        not widget.allow_multiple_selected
        and kind.get_context is Select.get_context
        and kind.optgroups is ChoiceWidget.optgroups
        and kind.create_option is ChoiceWidget.create_option
        and widget.option_template_name == _SELECT_OPTION
        and not widget.option_inherits_attrs
        and widget.checked_attribute == _SELECTED
    )


def _choices_select(select: Select, widget: Mapping[str, Any]) -> str:
    """`_select` of what `ChoiceWidget.optgroups` would give, read straight from the choices: Django builds a
    dict of eleven keys for each option (a staff list has a hundred) only for the template to read three."""
    value = widget["value"]  # the selected values as text (`format_value`)
    has_selected = False

    def options(choices: Any) -> Any:
        nonlocal has_selected
        for subvalue, sublabel in choices:
            selected = not has_selected and str(subvalue) in value
            has_selected |= selected
            yield subvalue, sublabel, _SELECTED if selected else _NOT_SELECTED

    def groups() -> Any:
        for option_value, option_label in select.choices:
            if isinstance(option_label, (list, tuple)):
                yield option_value, options(option_label)
            else:
                yield None, options([("" if option_value is None else option_value, option_label)])

    return _select_html(widget, groups())


def _writer(template_name: str) -> Callable[[Mapping[str, Any]], str] | None:
    if template_name in _INPUTS:
        return _input
    if template_name == _TEXTAREA:
        return _textarea
    if template_name == _SELECT:
        return _select
    return None


@lru_cache(maxsize=64)
def _djangos(renderer: Any, template_name: str) -> bool:
    """`renderer` finds Django's own templates for the widget's template and those it includes (a project's
    override of a widget template is then rendered by Django, as it should)."""
    for name in (template_name, *_INCLUDED):
        found = renderer.get_template(name)
        origin = getattr(getattr(found, "template", found), "origin", None)
        if origin is None or not Path(str(origin.name)).resolve().is_relative_to(_DJANGOS):
            return False
    return True


def _plain(widget: Widget) -> bool:
    """The widget renders its context with its template and nothing more."""
    kind = type(widget)
    return kind.render is Widget.render and getattr(kind, "_render", None) is getattr(Widget, "_render", None)


@register.filter(is_safe=True)
def widget_html(field: BoundField) -> SafeString:
    """`str(field)`: the field's widget, as BoundField.as_widget renders it."""
    widget = field.field.widget
    write = _writer(widget.template_name)
    if (
        write is None
        or field.field.show_hidden_initial
        or not _plain(widget)
        or not _djangos(field.form.renderer, widget.template_name)
    ):
        return mark_safe(str(field))  # noqa: S308 - Django's own rendering, safe already
    if field.field.localize:
        widget.is_localized = True
    attrs = field.build_widget_attrs({}, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    try:
        if _single_select(widget):
            # The context without the options (`Widget.get_context`); the options from the choices.
            context = Widget.get_context(widget, field.html_name, field.value(), attrs)
            html = _choices_select(cast(Select, widget), context["widget"])
        else:
            context = widget.get_context(field.html_name, field.value(), attrs)
            html = write(context["widget"])
    except _Unhandled:
        return mark_safe(str(field))  # noqa: S308 - Django's own rendering, safe already
    return mark_safe(html.strip())  # noqa: S308 - every value above is escaped


@register.filter(is_safe=True)
def errors_html(errors: ErrorList) -> SafeString:
    """`str(errors)`: nothing for no errors, else Django's list."""
    if not errors:
        return mark_safe("")
    return mark_safe(str(errors))  # noqa: S308 - Django's own rendering, safe already


# The widgets whose field takes the whole row (`.field.wide`).
_WIDE = frozenset({"textarea", "checkboxselectmultiple"})


def fields_html(form: Any, *, refusal: Any = None, errors_above: bool = False) -> SafeString:
    """`templates/_form_fields.html`, which calls it: the fields of `form`, one `.field` block each (a checkbox
    inside its label), with help text and errors; `.invalid` when the field has errors or `refusal` (the
    service's RuleViolation shown by the page) names it; text areas and multiple checkboxes `.wide`. The
    form's other errors go below the fields, or above them in a refusal box with `errors_above`. The markup
    the template wrote, without the template engine: a form's block was most of an open panel's rendering.
    `desk/tests/test_form_html.py` compares it with that template."""
    if not form:
        return mark_safe("")
    refused = getattr(refusal, "field", None) if refusal else None
    out = []
    if errors_above:
        errors = form.non_field_errors()
        if errors:
            out.append(f'<div class="refusal" role="alert">{"<br>".join(_escaped(e) for e in errors)}</div>')
    for field in form:
        kind = field.widget_type
        errors = field.errors
        classes = "field"
        if kind in _WIDE:
            classes += " wide"
        if errors or (refused is not None and refused == field.name):
            classes += " invalid"
        label = _escaped(field.label)
        if kind == "checkbox":
            body = f"<label>{widget_html(field)} {label}</label>"
        else:
            body = f'<label for="{_escaped(field.id_for_label)}">{label}</label>\n      {widget_html(field)}'
        help_text = f'<small class="muted">{_escaped(field.help_text)}</small>' if field.help_text else ""
        out.append(
            f'\n  <div class="{classes}">\n      {body}\n    {help_text}\n    {errors_html(errors)}\n  </div>\n'
        )
    if not errors_above:
        out.append(str(errors_html(form.non_field_errors())))
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


def _escaped(value: Any) -> str:
    """`{{ value }}` under autoescaping, for the text of a form (labels, help texts, messages, ids)."""
    if value is None:
        return "None"
    if type(value) is str:  # the common case, without the lazy-aware wrapper of Django's escape
        return html_escape(value)
    return str(conditional_escape(value))


@register.simple_tag(takes_context=True)
def form_fields(context: Any) -> SafeString:
    """`{% form_fields %}`: `fields_html` of the context's `form`, `refusal` and `errors_above`."""
    return fields_html(
        context.get("form"), refusal=context.get("refusal"), errors_above=bool(context.get("errors_above"))
    )
