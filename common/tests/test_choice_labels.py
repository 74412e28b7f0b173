"""`common.models.Labelled`: a row's `get_<field>_display()` reads a table of labels built once per field, and
says exactly what Django's own would, in every language, for every choice of every model that uses it."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.db.models import Model
from django.utils import translation

from cases.models import Case, CaseState
from common.models import Labelled


def _labelled_fields() -> list[tuple[type[Model], object]]:
    return [
        (model, field)
        for model in apps.get_models()
        if issubclass(model, Labelled)
        for field in model._meta.concrete_fields
        if field.choices
    ]


def test_every_label_of_every_labelled_model_is_the_one_django_gives_in_every_language() -> None:
    fields = _labelled_fields()
    assert len(fields) > 20  # the domain's rows are labelled: cases, notices, steps, leave, complaints…
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for model, field in fields:
                for value, _label in [*field.flatchoices, ("not-a-choice", "")]:  # type: ignore[attr-defined]
                    row = model(**{field.attname: value})  # type: ignore[attr-defined]
                    ours = getattr(row, f"get_{field.name}_display")()  # type: ignore[attr-defined]
                    assert ours == Model._get_FIELD_display(row, field), (model, field, value, language)


def test_a_label_follows_the_language_of_the_request_not_the_one_it_was_first_read_in() -> None:
    case = Case(state=CaseState.ACCEPTED)
    with translation.override("zh-hans"):
        assert case.get_state_display() == "已受理办理中"
    with translation.override("en"):
        assert case.get_state_display() == "Accepted, being handled"
    case.state = "unknown"  # a value outside the choices is shown as it is, as Django does
    assert case.get_state_display() == "unknown"
