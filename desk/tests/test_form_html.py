"""`common.templatetags.form_html`: the staff pages' fields written out in Python are Django's own widgets, byte
for byte, whatever the widget, its value, its attributes and the form's state (unbound, bound, with errors);
and a form's block of fields (`templates/_form_fields.html`) is the markup of the template it replaced."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import django.forms
import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.template import Context, Template
from django.test.html import parse_html
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from cases import forms_case
from common.errors import RuleViolation
from common.templatetags.form_html import errors_html, widget_html
from desk import forms as desk_forms

TRICKY = "<b>\"A&B\"</b> 'x'"


class Everything(forms.Form):
    text = forms.CharField(label="文本", max_length=20, help_text="说明")
    optional = forms.CharField(required=False, widget=forms.TextInput(attrs={"placeholder": TRICKY}))
    number = forms.IntegerField(min_value=1, max_value=9, initial=3)
    decimal = forms.DecimalField(max_digits=5, decimal_places=2, required=False)
    localized = forms.DecimalField(
        max_digits=7, decimal_places=2, localize=True, required=False, initial=1234.5
    )
    hidden = forms.CharField(widget=forms.HiddenInput, initial=TRICKY)
    email = forms.EmailField(required=False)
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    flag = forms.BooleanField(required=False, initial=True)
    off = forms.BooleanField(required=False, widget=forms.CheckboxInput(attrs={"disabled": True}))
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), initial=TRICKY)
    empty_note = forms.CharField(widget=forms.Textarea, required=False)
    choice = forms.ChoiceField(
        choices=[
            ("", "— 未选 —"),
            ("a", gettext_lazy("甲")),
            ("<b>", TRICKY),
            ("safe", mark_safe("<i>i</i>")),
        ],
        initial="<b>",
        widget=forms.Select(attrs={"data-clears": "id_note"}),
    )
    grouped = forms.ChoiceField(
        choices=[("组一", [("1", "一"), ("2", "二")]), ("组<二>", [("3", "三")]), ("4", "四")],
        required=False,
    )
    numbers = forms.TypedChoiceField(choices=[(1, 1), (2, 2)], coerce=int, required=False)
    radio = forms.ChoiceField(choices=[("x", "X"), ("y", "Y")], widget=forms.RadioSelect, required=False)
    many = forms.MultipleChoiceField(choices=[("x", "X"), ("y", "Y")], required=False)
    file = forms.FileField(required=False)
    shown_initial = forms.CharField(required=False, show_hidden_initial=True, initial="i")


def _same(form: forms.Form) -> None:
    for field in form:
        assert str(widget_html(field)) == str(field), field.name
        assert str(errors_html(field.errors)) == str(field.errors), field.name
    assert str(errors_html(form.non_field_errors())) == str(form.non_field_errors())


def test_unbound_fields_are_djangos() -> None:
    _same(Everything())
    _same(Everything(auto_id="id_act_%s", prefix="p"))
    _same(Everything(auto_id=False))


@pytest.mark.parametrize(
    "data",
    [
        {},
        {
            "text": TRICKY,
            "number": "12",
            "decimal": "x",
            "flag": "on",
            "note": "",
            "choice": "a",
            "grouped": "3",
        },
        {
            "text": "ok",
            "number": "2",
            "hidden": mark_safe("<s>"),
            "day": "2026-01-05",
            "numbers": "2",
            "radio": "y",
        },
        {
            "email": "not an address",
            "many": ["x", "y"],
            "note": TRICKY,
            "choice": "nope",
            "localized": "1.234,5",
        },
    ],
)
def test_bound_fields_and_errors_are_djangos(data: dict[str, Any]) -> None:
    form = Everything(data)
    form.is_valid()
    form.add_error(None, TRICKY)
    _same(form)


def test_the_filters_in_a_template_match_the_field() -> None:
    form = Everything({"text": TRICKY})
    form.is_valid()
    fast = Template(
        "{% load form_html %}{% for f in form %}{{ f|widget_html }}{{ f.errors|errors_html }}{% endfor %}"
    )
    slow = Template("{% for f in form %}{{ f }}{{ f.errors }}{% endfor %}")
    assert fast.render(Context({"form": form})) == slow.render(Context({"form": form}))


def test_the_case_page_and_desk_forms_without_a_database() -> None:
    """The forms the staff pages show most, with the widgets they declare (no query: no model choices)."""
    for form_class in (
        forms_case.RefuseForm,
        forms_case.ResumeForm,
        forms_case.ExtendForm,
        forms_case.ExtensionRefuseForm,
        forms_case.StepForm,
        forms_case.DecideForm,
        forms_case.DeliverForm,
        forms_case.WithdrawForm,
        forms_case.PriorityForm,
        forms_case.NoticeDeliveryForm,
        forms_case.ReportUpForm,
        forms_case.ReportReturnedForm,
    ):
        _same(form_class(case=None, auto_id="id_x_%s"))  # type: ignore[arg-type]
        bound = form_class({"reason": TRICKY, "days": "0"}, case=None, auto_id="id_x_%s")  # type: ignore[arg-type]
        bound.is_valid()
        _same(bound)
    _same(forms_case.RevisionForm())
    assert desk_forms  # the desk's forms go through the same filters (`templates/_form_fields.html`)


class Overriding(DjangoTemplates):
    """A renderer that finds its own attrs.html before Django's: the fast path must leave it to Django."""

    @cached_property
    def engine(self) -> Any:
        djangos = str(Path(django.forms.__file__).parent / "templates")
        return self.backend(
            {
                "APP_DIRS": False,
                "DIRS": [],
                "NAME": "overriding",
                "OPTIONS": {
                    "loaders": [
                        (
                            "django.template.loaders.locmem.Loader",
                            {"django/forms/widgets/attrs.html": " data-x"},
                        ),
                        ("django.template.loaders.filesystem.Loader", [djangos]),
                    ]
                },
            }
        )


def test_a_renderer_with_other_widget_templates_is_left_to_django() -> None:
    form = Everything(renderer=Overriding())
    for field in form:
        assert str(widget_html(field)) == str(field), field.name
    assert "data-x" in str(widget_html(form["text"]))


@pytest.mark.django_db
def test_a_select_of_staff_read_from_its_choices_is_djangos() -> None:
    """The visit form's list of the centre's staff (a model choice, its options read as (key, name)), unbound
    and with one chosen; a select is written from its choices without Django's dict per option."""
    from cases.models import Case
    from org.tests.factories import make_center, make_staff

    center = make_center()
    staff = [make_staff(center, name=name) for name in ("乙", TRICKY, "甲")]
    case = Case(center=center)
    _same(forms_case.VisitForm(case=case, auto_id="id_v_%s"))
    chosen = forms_case.VisitForm({"purpose": "x", "responsible": str(staff[1].pk)}, case=case)
    assert chosen.is_valid(), chosen.errors
    _same(chosen)
    assert "selected" in str(widget_html(chosen["responsible"]))


# `templates/_form_fields.html` as it was written in the template language, before `form_html.fields_html`.
FIELDS_TEMPLATE = """{% load form_html %}{% if errors_above and form.non_field_errors %}<div class="refusal" role="alert">{% for e in form.non_field_errors %}{{ e }}{% if not forloop.last %}<br>{% endif %}{% endfor %}</div>{% endif %}
{% for field in form %}
  <div class="field{% if field.widget_type == "textarea" or field.widget_type == "checkboxselectmultiple" %} wide{% endif %}{% if field.errors or refusal.field == field.name %} invalid{% endif %}">
    {% if field.widget_type == "checkbox" %}
      <label>{{ field|widget_html }} {{ field.label }}</label>
    {% else %}
      <label for="{{ field.id_for_label }}">{{ field.label }}</label>
      {{ field|widget_html }}
    {% endif %}
    {% if field.help_text %}<small class="muted">{{ field.help_text }}</small>{% endif %}
    {{ field.errors|errors_html }}
  </div>
{% endfor %}
{% if not errors_above %}{{ form.non_field_errors|errors_html }}{% endif %}
"""


@pytest.mark.parametrize("errors_above", [False, True])
@pytest.mark.parametrize("refused", [None, "note", "flag", "nothing"])
@pytest.mark.parametrize("data", [None, {}, {"text": TRICKY, "number": "12", "flag": "on", "note": ""}])
def test_a_forms_block_of_fields_is_the_markup_of_the_template_it_replaced(
    data: dict[str, Any] | None, refused: str | None, errors_above: bool
) -> None:
    form = Everything(data) if data is not None else Everything()
    if data is not None:
        form.is_valid()
        form.add_error(None, TRICKY)
        form.add_error(None, "第二条")
    refusal = RuleViolation("R-CASE-2", TRICKY, field=refused) if refused else None
    context = {"form": form, "refusal": refusal, "errors_above": errors_above}
    ours = Template('{% include "_form_fields.html" %}').render(Context(context))
    theirs = Template(FIELDS_TEMPLATE).render(Context(context))
    assert parse_html(ours) == parse_html(theirs)  # the same elements, attributes and text


def test_no_form_no_fields() -> None:
    assert Template('{% include "_form_fields.html" %}').render(Context({})).strip() == ""
