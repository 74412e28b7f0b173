"""The rows of one case that the case page lists (its steps, notices, extensions, extension requests,
payments, visits and events), each with the forward relations the page names, in the page's order.

The page reads half a dozen such lists on every request. Through the ORM each cost more to build than the
database's work (a queryset with its joins compiled anew every time, for a list that is often empty); here
each shape — a model, the relations it is read with, its order — is written once per process and run with
the case's key, and the instances are built as the ORM builds them (`org.selectors.joined_instances`).
Most cases have no suspension, extension, payment or visit, and most clocks never stopped: `page_lists` asks
which lists have rows, and whether the clock's ledger has any, in one statement, and reads only those.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any, TypeVar, cast

from django.db import connection
from django.db.models import Field, Model

from common.sql import Layout, joined_columns, joined_instances
from workdays.models import TimerSpan
from workdays.timers import no_spans

from ..models import Case, CaseStep, Extension, ExtensionRequest, Notice, Payment, Suspension, Visit

M = TypeVar("M", bound=Model)


@lru_cache(maxsize=64)
def _rows_sql(
    model: type[Model], related: tuple[str, ...], order_by: tuple[str, ...], vendor: str
) -> tuple[str, Layout]:
    del vendor  # part of the key: quoting and converters differ per database
    q = connection.ops.quote_name
    opts = model._meta
    aliased: list[tuple[str, type[Model]]] = [("t0", model)]
    joins = []
    for n, name in enumerate(related, start=1):
        field = cast(Field, opts.get_field(name))
        target = field.related_model
        assert isinstance(target, type) and (field.many_to_one or field.one_to_one) and field.concrete, name
        alias = f"t{n}"
        aliased.append((alias, target))
        joins.append(
            f"LEFT OUTER JOIN {q(target._meta.db_table)} {alias} "
            f"ON {alias}.{q(str(target._meta.pk.column))} = t0.{q(str(field.column))}"
        )
    columns, layout = joined_columns(aliased)
    order = ", ".join(
        f"t0.{q(str(cast(Field, opts.get_field(o.lstrip('-'))).column))}{' DESC' if o.startswith('-') else ''}"
        for o in order_by
    )
    case_column = str(cast(Field, opts.get_field("case")).column)
    sql = (
        f"SELECT {', '.join(columns)} FROM {q(opts.db_table)} t0 {' '.join(joins)} "  # noqa: S608 - names from the models
        f"WHERE t0.{q(case_column)} = %s ORDER BY {order}"
    )
    return sql, layout


def rows_of_case(
    model: type[M], case: Case, *, related: tuple[str, ...] = (), order_by: tuple[str, ...] = ("id",)
) -> list[M]:
    """The rows of `model` whose `case` is `case`, in the order of `order_by` (field names of `model`, "-" for
    descending), each with its case and its forward relations `related` read in the same statement (cached
    on the instance as `case.<rows>.select_related(...)` would: None for an empty relation). One query."""
    sql, layout = _rows_sql(model, tuple(related), tuple(order_by), connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [case.pk])
        fetched = cursor.fetchall()
    rows: list[M] = []
    for row in fetched:
        instance, *relations = joined_instances(layout, row)
        instance._state.fields_cache["case"] = case
        for name, obj in zip(related, relations, strict=True):
            instance._state.fields_cache[name] = obj if obj.pk is not None else None
        rows.append(cast(M, instance))
    return rows


Probe = tuple[type[Model], str]  # a model and the name of its indexed foreign key


@lru_cache(maxsize=16)
def _exists_sql(probes: tuple[Probe, ...], vendor: str) -> str:
    del vendor  # part of the key: quoting differs per database
    q = connection.ops.quote_name
    asked = []
    for model, key in probes:
        column = str(cast(Field, model._meta.get_field(key)).column)
        asked.append(f"EXISTS (SELECT 1 FROM {q(model._meta.db_table)} WHERE {q(column)} = %s)")  # noqa: S608 - names from the models
    return f"SELECT {', '.join(asked)}"


def _rows_exist(probes: Sequence[tuple[type[Model], str, Any]]) -> list[bool]:
    """For each (model, foreign key, value) whether `model` has a row with that value: one statement, each probe
    an index lookup."""
    sql = _exists_sql(tuple((model, key) for model, key, _value in probes), connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for _model, _key, value in probes])
        found = cursor.fetchone()
    return [bool(present) for present in found]


def kinds_with_rows(case: Case, models: Sequence[type[Model]]) -> set[type[Model]]:
    """Which of `models` (each with a `case` foreign key, indexed) have a row of `case`: one statement, each
    probe an index lookup, so that a page reads only the lists it will show."""
    found = _rows_exist([(model, "case", case.pk) for model in models])
    return {model for model, present in zip(models, found, strict=True) if present}


# The lists of the case page other than the history, each read with the relations it names, in its order.
PAGE_LISTS: dict[type[Model], tuple[tuple[str, ...], tuple[str, ...]]] = {
    CaseStep: (("post", "handler"), ("order", "id")),
    Suspension: ((), ("started_on", "id")),
    Extension: (("approved_by", "notice"), ("approved_at", "id")),
    Notice: (("issued_by",), ("issued_at", "id")),
    ExtensionRequest: (("requested_by", "decided_by", "extension"), ("requested_at", "id")),
    Payment: (("fee", "recorded_by"), ("paid_at", "id")),
    Visit: (("responsible", "recorded_by"), ("at", "id")),
}


# The questions `page_lists` asks, as `common.sql.select_one_probed` asks them with the case's row (joined with
# its timer): whether each list has rows, and whether the clock's ledger has any.
PAGE_PROBES: tuple[tuple[type[Model], str, str | None], ...] = (
    *((model, "case", None) for model in PAGE_LISTS),
    (TimerSpan, "timer", "timer"),
)


def page_lists(case: Case, found: Sequence[bool] | None = None) -> dict[type[Model], list[Any]]:
    """The rows of each of `PAGE_LISTS` of `case` (`rows_of_case`), by model: only the lists that have rows are
    read, the others are empty. The same statement asks whether the case's clock ever stopped: when its ledger
    is empty, the timer is told so (`workdays.timers.no_spans`) and the clock does not read it. `found`: the
    answers to `PAGE_PROBES` already read with the case (`cases.access.case_page_for_user`); else they are
    asked here, in one statement."""
    models = tuple(PAGE_LISTS)
    timer = case.timer if case.timer_id is not None and Case.timer.is_cached(case) else None
    if found is None:
        probes: list[tuple[type[Model], str, Any]] = [(model, "case", case.pk) for model in models]
        if timer is not None:
            probes.append((TimerSpan, "timer", timer.pk))
        found = _rows_exist(probes)
    if timer is not None and not found[len(models)]:
        no_spans(timer)
    return {
        model: rows_of_case(model, case, related=related, order_by=order) if present else []
        for (model, (related, order)), present in zip(PAGE_LISTS.items(), found[: len(models)], strict=True)
    }
