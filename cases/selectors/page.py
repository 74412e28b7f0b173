"""The rows of one case that the case page lists (its steps, notices, extensions, extension requests,
payments, visits and events), each with the forward relations the page names, in the page's order.

The page reads half a dozen such lists on every request. Through the ORM each cost more to build than the
database's work (a queryset with its joins compiled anew every time, for a list that is often empty); here
each shape — a model, the relations it is read with, its order — is written once per process and run with
the case's key, and the instances are built as the ORM builds them (`org.selectors.joined_instances`).
Most cases have no suspension, extension, payment or visit, and most clocks never stopped: `page_lists` asks
which lists have rows, and whether the clock's ledger has any, in one statement (or takes the answers read with
the case), and reads only those — together, with the page's other rows, in one more (`rows_of_case_together`).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any, NamedTuple, TypeVar, cast

from django.db import connection
from django.db.models import Field, Model

from common.sql import Layout, joined_columns, joined_instances
from workdays.models import TimerSpan
from workdays.timers import no_spans

from ..models import (
    Case,
    CaseEvent,
    CaseStep,
    Extension,
    ExtensionRequest,
    Notice,
    Payment,
    Suspension,
    Visit,
)

M = TypeVar("M", bound=Model)


Shape = tuple[type[Model], tuple[str, ...], tuple[str, ...]]  # a model, the relations read with it, its order


class _Parts(NamedTuple):
    """A shape written out: its columns (t0 for the model, t1… for its relations) and their fields, its joins,
    its order (each column with its field, and its direction), and the layout of its columns."""

    columns: list[str]
    fields: list[Field]
    joins: str
    order: list[tuple[str, Field]]
    directions: list[str]
    layout: Layout


def _parts(shape: Shape) -> _Parts:
    model, related, order_by = shape
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
    order_fields = [cast(Field, opts.get_field(o.lstrip("-"))) for o in order_by]
    return _Parts(
        columns=columns,
        fields=[f for _alias, m in aliased for f in m._meta.concrete_fields],
        joins=" ".join(joins),
        order=[(f"t0.{q(str(f.column))}", f) for f in order_fields],
        directions=["DESC" if o.startswith("-") else "ASC" for o in order_by],
        layout=layout,
    )


def _from(model: type[Model], joins: str) -> str:
    q = connection.ops.quote_name
    case_column = str(cast(Field, model._meta.get_field("case")).column)
    return f"FROM {q(model._meta.db_table)} t0 {joins} WHERE t0.{q(case_column)} = %s"  # noqa: S608 - names from the models


@lru_cache(maxsize=64)
def _rows_sql(
    model: type[Model], related: tuple[str, ...], order_by: tuple[str, ...], vendor: str
) -> tuple[str, Layout]:
    del vendor  # part of the key: quoting and converters differ per database
    parts = _parts((model, related, order_by))
    ordering = ", ".join(
        f"{expr} {way}" for (expr, _f), way in zip(parts.order, parts.directions, strict=True)
    )
    return f"SELECT {', '.join(parts.columns)} {_from(model, parts.joins)} ORDER BY {ordering}", parts.layout  # noqa: S608


def _null(field: Field) -> str:
    """A NULL of `field`'s type: every branch of a UNION gives each column the same type."""
    return f"CAST(NULL AS {field.cast_db_type(connection)})"


@lru_cache(maxsize=64)
def _together_sql(shapes: tuple[Shape, ...], vendor: str) -> tuple[str, list[tuple[int, int, Layout]]]:
    """One statement for the rows of several shapes: a branch per shape (UNION ALL), each row led by its
    shape's number, each shape's columns and order in their own places (typed NULLs in the others), ordered
    by shape and then by each shape's order. With the statement, where each shape's columns lie in a row."""
    del vendor
    parts = [_parts(shape) for shape in shapes]
    placed: list[tuple[int, int, Layout]] = []
    start = 1  # after the shape's number
    for part in parts:
        placed.append((start, start + len(part.columns), part.layout))
        start += len(part.columns)
    branches = []
    for n, (model, _related, _order_by) in enumerate(shapes):
        values = [str(n)]
        for m, part in enumerate(parts):
            values += part.columns if m == n else [_null(f) for f in part.fields]
        for m, part in enumerate(parts):
            values += [expr if m == n else _null(field) for expr, field in part.order]
        branches.append(f"SELECT {', '.join(values)} {_from(model, parts[n].joins)}")  # noqa: S608
    positions = ["1"]  # ORDER BY positions count from 1: the shape's number, then the columns
    for part in parts:
        positions += [f"{start + i + 1} {way}" for i, way in enumerate(part.directions)]
        start += len(part.order)
    return f"{' UNION ALL '.join(branches)} ORDER BY {', '.join(positions)}", placed


def _instances(
    case: Case, related: tuple[str, ...], layout: Layout, fetched: Sequence[Sequence[Any]]
) -> list[Any]:
    rows = []
    for row in fetched:
        instance, *relations = joined_instances(layout, row)
        instance._state.fields_cache["case"] = case
        for name, obj in zip(related, relations, strict=True):
            instance._state.fields_cache[name] = obj if obj.pk is not None else None
        rows.append(instance)
    return rows


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
    return cast(list[M], _instances(case, tuple(related), layout, fetched))


def rows_of_case_together(case: Case, shapes: Sequence[Shape]) -> list[list[Any]]:
    """`rows_of_case` of each of `shapes` (model, related, order_by), in one statement: the rows of each, as
    `rows_of_case` gives them."""
    if not shapes:
        return []
    if len(shapes) == 1:
        model, related, order_by = shapes[0]
        return [rows_of_case(model, case, related=related, order_by=order_by)]
    sql, placed = _together_sql(tuple(shapes), connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [case.pk] * len(shapes))
        fetched = cursor.fetchall()
    by_shape: list[list[Sequence[Any]]] = [[] for _shape in shapes]
    for row in fetched:
        n = int(row[0])
        start, end, _layout = placed[n]
        by_shape[n].append(row[start:end])
    return [
        _instances(case, related, layout, by_shape[n])
        for n, ((_model, related, _order), (_start, _end, layout)) in enumerate(
            zip(shapes, placed, strict=True)
        )
    ]


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


# The history as the case page lists it: each event with its actor, in the chain's order.
HISTORY: Shape = (CaseEvent, ("actor",), ("seq", "id"))


# The questions `page_lists` asks, as `common.sql.select_one_probed` asks them with the case's row (joined with
# its timer): whether each list has rows, and whether the clock's ledger has any.
PAGE_PROBES: tuple[tuple[type[Model], str, str | None], ...] = (
    *((model, "case", None) for model in PAGE_LISTS),
    (TimerSpan, "timer", "timer"),
)


def page_lists(
    case: Case, found: Sequence[bool] | None = None, *, also: Sequence[Shape] = ()
) -> tuple[dict[type[Model], list[Any]], list[list[Any]]]:
    """The rows of each of `PAGE_LISTS` of `case` (`rows_of_case`), by model: only the lists that have rows are
    read, the others are empty; and the rows of each of `also` (the page's checklist checks and history, which
    every case has), all in one statement (`rows_of_case_together`). The statement that asks which lists have
    rows also asks whether the case's clock ever stopped: when its ledger is empty, the timer is told so
    (`workdays.timers.no_spans`) and the clock does not read it. `found`: the answers to `PAGE_PROBES` already
    read with the case (`cases.access.case_page_for_user`); else they are asked here, in one statement."""
    models = tuple(PAGE_LISTS)
    timer = case.timer if case.timer_id is not None and Case.timer.is_cached(case) else None
    if found is None:
        probes: list[tuple[type[Model], str, Any]] = [(model, "case", case.pk) for model in models]
        if timer is not None:
            probes.append((TimerSpan, "timer", timer.pk))
        found = _rows_exist(probes)
    if timer is not None and not found[len(models)]:
        no_spans(timer)
    present: list[Shape] = [
        (model, related, order)
        for (model, (related, order)), listed in zip(PAGE_LISTS.items(), found[: len(models)], strict=True)
        if listed
    ]
    read = rows_of_case_together(case, [*present, *also])
    lists: dict[type[Model], list[Any]] = dict.fromkeys(models, [])
    lists.update({model: rows for (model, _related, _order), rows in zip(present, read, strict=False)})
    return lists, read[len(present) :]
