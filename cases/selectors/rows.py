"""Cases as rows of a list: the few columns a list shows, read as plain values.

A list of cases (the workbench's panels) shows a dozen columns of each case and links to its page. Building a
`Case` with its item, version, window, responsible person and timer for every row costs far more than the
database's work (six model instances of up to sixty fields each, per row); a row here is one tuple from the
database turned into a frozen `CaseRow`, and its link is the case page's URL pattern filled in, not reversed
per row. Its colour comes from the timer's stored state, deadline and first yellow day read with the row
(`clock.warning_from`, what `annotate_warning` says in SQL): building that expression into the query cost
more than the rows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any, cast

from django.db import connection
from django.db.models import Field, QuerySet

from catalog.models import Item, ItemVersion
from common.links import keyed_url
from common.sql import convert_rows, field_converters
from org.models import StaffProfile, Window
from workdays.models import Timer

from ..models import ActingAs, Case, CaseState
from .clock import TIMER, warning_from


@dataclass(frozen=True, slots=True)
class CaseRow:
    """One case as a list shows it (`warning`: the colour on the day the list was read, R-CLK-6)."""

    pk: int
    number: str
    is_priority: bool
    item_code: str
    version_name: str
    applicant: str  # the organisation when there is one, else the person
    window_id: int
    window_number: str
    state: str
    deadline: date | None
    deadline_provisional: bool
    warning: str
    responsible_id: int | None
    responsible_name: str
    responsible_acting_as: str
    received_by_id: int | None
    current_post_id: int | None

    @property
    def url(self) -> str:
        return _case_url(self.pk)

    @property
    def state_label(self) -> str:
        return str(CaseState(self.state).label)

    @property
    def acting_as_label(self) -> str:
        return str(ActingAs(self.responsible_acting_as).label) if self.responsible_acting_as else ""


_COLUMNS = (
    "pk",
    "number",
    "is_priority",
    "item__code",
    "version__name",
    "organisation_name",
    "applicant_name",
    "window_id",
    "window__number",
    "state",
    f"{TIMER}deadline",
    f"{TIMER}provisional",
    f"{TIMER}state",
    f"{TIMER}warn_from",
    "responsible_id",
    "responsible__name",
    "responsible_acting_as",
    "received_by_id",
    "current_post_id",
)


def _case_url(pk: int) -> str:
    return keyed_url("cases:case_detail", pk)


def case_rows(queryset: QuerySet[Any], today: date, *, limit: int) -> list[CaseRow]:
    """The first `limit` cases of `queryset` (in its order) as rows, with their colour on `today`."""
    return _rows(queryset.values_list(*_COLUMNS)[:limit], today)


# --- the same rows by a statement written out (the workbench's panels, on every request) ----------------------
#
# A panel's queryset (the user's scope, the open states, the panel's filter, the order, a dozen columns over
# five joins) cost more to compile than to run. `RowQuery` writes the same SELECT: the scope of
# `cases.access.cases_for_user` (`cases.access.case_scope_sql`, from the same ids), the caller's condition,
# the same order and columns.
#
# The cases are chosen, ordered and cut to the panel's size joined to their timer only (the order is the
# timer's deadline); the item's code, the version's name, the window's number and the responsible person's
# name are read for the rows kept, each by key in the select list. Joined to all six tables, PostgreSQL spent
# more time planning the statement (1.3-1.8 ms, anew on each request: its parameters change) than running it
# (0.3 ms); so it plans in 0.5 ms.

# The relations a column of `_COLUMNS` is read through: (model, the case's key to it).
_BY_KEY: dict[str, tuple[type[Any], str]] = {
    "item": (Item, "item_id"),
    "version": (ItemVersion, "version_id"),
    "window": (Window, "window_id"),
    "responsible": (StaffProfile, "responsible_id"),
}


@cache
def _select_sql(vendor: str) -> tuple[str, str, list[tuple[list[Any], Any]]]:
    """The outer SELECT list (`_COLUMNS` over the chosen rows `c`), the inner one (the case columns and timer
    columns the outer reads, and the order's), and the converters of each column of `_COLUMNS`."""
    del vendor  # part of the key: quoting and converters differ per database
    q = connection.ops.quote_name
    outer: list[str] = []
    inner: dict[str, None] = {f"c.{q('received_at')}": None}  # ordered, without repeats
    fields: list[Any] = []
    for name in _COLUMNS:
        head, _, tail = name.partition("__")
        if head == "timer":
            field = cast(Field, Timer._meta.get_field(tail))
            alias = q(f"t_{field.column}")
            inner[f"t.{q(str(field.column))} AS {alias}"] = None
            outer.append(f"c.{alias}")
        elif tail:
            model, key = _BY_KEY[head]
            field = cast(Field, model._meta.get_field(tail))
            table = q(model._meta.db_table)
            outer.append(f"(SELECT x.{q(str(field.column))} FROM {table} x WHERE x.{q('id')} = c.{q(key)})")  # noqa: S608 - names from the models
            inner[f"c.{q(key)}"] = None
        else:
            field = cast(Field, Case._meta.get_field("id" if name == "pk" else name))
            outer.append(f"c.{q(str(field.column))}")
            inner[f"c.{q(str(field.column))}"] = None
        fields.append(field)
    return ", ".join(outer), ", ".join(inner), field_converters(fields)


_FIXED = re.compile(r"[a-z][a-z_]*")


class RowQuery:
    """A WHERE over the cases (alias `c`) built with its parameters: `in_`, `eq`, `is_null`, and `any_`/`all_`
    of conditions. Values are bound by name (so that conditions compose in any order), never written into the
    text — but for `in_fixed`'s, the code's own states."""

    def __init__(self) -> None:
        self.params: dict[str, Any] = {}

    def _bind(self, value: Any) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f"%({name})s"

    def in_(self, column: str, values: Any) -> str:
        values = list(values)
        if not values:
            return "1 = 0"
        marks = ", ".join(self._bind(value) for value in values)
        return f"c.{connection.ops.quote_name(column)} IN ({marks})"

    def in_fixed(self, column: str, values: Iterable[str]) -> str:
        """`column` among a fixed set of the code's own values (states), written into the text as literals.

        A list's statement is prepared (psycopg, after a few runs on a connection) and PostgreSQL then plans it
        once for any parameters, unless that generic plan looks dearer than planning each run with the
        values. A state bound as a parameter hides from the planner which partial index it may use (the open
        queues are indexed `WHERE state IN (<open states>)`): the generic plan could use none, so every run
        was planned anew, which cost the database more than running it. Written as literals, the states are
        part of the statement, the generic plan uses the partial index, and the statement is planned once
        per connection (docs/decisions.md, "Fixed values written into the statement"). Only values of the
        code, never a user's: each must be a plain lower-case word.
        """
        chosen = sorted(set(values))
        if not chosen:
            return "1 = 0"
        for value in chosen:
            if not _FIXED.fullmatch(value):
                raise ValueError(f"not a fixed value of the code: {value!r}")
        literals = ", ".join(f"'{value}'" for value in chosen)
        return f"c.{connection.ops.quote_name(column)} IN ({literals})"

    def eq(self, column: str, value: Any) -> str:
        return f"c.{connection.ops.quote_name(column)} = {self._bind(value)}"

    def is_null(self, column: str) -> str:
        return f"c.{connection.ops.quote_name(column)} IS NULL"

    @staticmethod
    def any_(*conditions: str) -> str:
        return "(" + " OR ".join(conditions) + ")" if conditions else "1 = 0"

    @staticmethod
    def all_(*conditions: str) -> str:
        return "(" + " AND ".join(conditions) + ")"


def open_rows(condition: str, where: RowQuery, today: date, *, limit: int) -> list[CaseRow]:
    """The first `limit` cases matching `condition` (over `where`'s parameters), soonest deadline first (no
    deadline last), then by reception and key — the order of the workbench's panels — as rows."""
    q = connection.ops.quote_name
    outer, inner, converters = _select_sql(connection.vendor)

    def order(deadline: str) -> str:
        if connection.features.supports_order_by_nulls_modifier:
            first = f"{deadline} ASC NULLS LAST"
        else:
            first = f"CASE WHEN {deadline} IS NULL THEN 1 ELSE 0 END ASC, {deadline} ASC"
        return f"ORDER BY {first}, c.{q('received_at')} ASC, c.{q('id')} ASC"

    case, timer = q(Case._meta.db_table), q(Timer._meta.db_table)
    chosen = (
        f"SELECT {inner} FROM {case} c LEFT OUTER JOIN {timer} t ON t.{q('id')} = c.{q('timer_id')} "  # noqa: S608 - names from the models
        f"WHERE {condition} {order('t.' + q('deadline'))} LIMIT %(limit)s"
    )
    sql = f"SELECT {outer} FROM ({chosen}) c {order('c.' + q('t_deadline'))}"  # noqa: S608 - names from the models
    with connection.cursor() as cursor:
        cursor.execute(sql, {**where.params, "limit": limit})
        fetched = cursor.fetchall()
    return _rows(convert_rows(fetched, converters), today)


def count_rows(condition: str, where: RowQuery) -> int:
    """How many cases match `condition`."""
    sql = f"SELECT COUNT(*) FROM {connection.ops.quote_name(Case._meta.db_table)} c WHERE {condition}"  # noqa: S608 - names from the models
    with connection.cursor() as cursor:
        cursor.execute(sql, where.params)
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def _rows(rows: Any, today: date) -> list[CaseRow]:
    return [
        CaseRow(
            pk=pk,
            number=number,
            is_priority=is_priority,
            item_code=item_code,
            version_name=version_name,
            applicant=organisation or applicant,
            window_id=window_id,
            window_number=window_number,
            state=state,
            deadline=deadline,
            deadline_provisional=bool(provisional),
            warning=warning_from(timer_state, deadline, warn_from, today),
            responsible_id=responsible_id,
            responsible_name=responsible_name or "",
            responsible_acting_as=acting_as,
            received_by_id=received_by_id,
            current_post_id=current_post_id,
        )
        for (
            pk,
            number,
            is_priority,
            item_code,
            version_name,
            organisation,
            applicant,
            window_id,
            window_number,
            state,
            deadline,
            provisional,
            timer_state,
            warn_from,
            responsible_id,
            responsible_name,
            acting_as,
            received_by_id,
            current_post_id,
        ) in rows
    ]
