"""The few statements on the case engine's hot path, written once per process instead of built per call.

Django's ORM builds the SQL of every query anew: for a row as wide as a case (about fifty columns) that costs
several times the database's own work (measured: ~0.9 ms of Python to lock a case with its timer through the
ORM, against ~0.2 ms for the same statement written out). The engine runs a handful of such statements on
every transition, always the same shapes, so this module writes each shape once per process — a row by
primary key (optionally locked, with forward one-to-one/foreign-key relations joined), an UPDATE of named
fields, an INSERT — and runs it with fresh parameters. Values go through the fields' own `get_db_prep_save` and
come back through the same converters the ORM applies, so instances look exactly as the ORM would make them.

Also the rows of a model matching equalities on its columns (a case's steps, its materials), and several rows in
one INSERT. Only these shapes: anything else is the ORM's. For the few hot page reads written out elsewhere
(who holds which post, the workbench's panels, the case page's lists), `joined_columns` and `joined_instances`
turn a joined row back into the instances the ORM would build, and `field_converters`/`convert_rows` its
values.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from functools import lru_cache
from typing import Any, TypeVar, cast

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Field, Model

M = TypeVar("M", bound=Model)


def _db() -> Any:
    """The default connection itself: the `connection` proxy looks itself up on every attribute, and the hot
    path touches it for every value."""
    return connections[DEFAULT_DB_ALIAS]


def _q(name: Any) -> str:
    return str(connection.ops.quote_name(str(name)))


@lru_cache(maxsize=256)
def _fields(model: type[Model]) -> tuple[Field, ...]:
    return tuple(model._meta.concrete_fields)


Converters = list[tuple[list[Any], Any]]


def field_converters(fields: Sequence[Field]) -> Converters:
    """Per field, the converters the ORM applies to a value read, with the column expression they are called
    with (some read its field: a decimal's places on SQLite). For a statement written out: `convert_rows`."""
    return _converters(fields, connection.vendor)


def convert_rows(rows: Iterable[Sequence[Any]], converters: Converters) -> list[list[Any]]:
    """Each row's values as the ORM would hand them over (`field_converters` of its columns)."""
    db = _db()
    return [_convert(values, converters, db) for values in rows]


def _converters(fields: Sequence[Field], vendor: str) -> Converters:
    del vendor  # part of the cache key: converters differ per database
    expression_converters = []
    for field in fields:
        col = field.get_col(field.model._meta.db_table)
        backend = connection.ops.get_db_converters(col)
        expression_converters.append(([*backend, *field.get_db_converters(connection)], col))
    return expression_converters


# A statement and its parameters (a list for %s, a mapping for %(name)s).
Statement = tuple[str, Sequence[Any] | Mapping[str, Any]]


# A question asked with a row: whether `model` has a row whose foreign key `key` points at the row read (`of`
# None) or at its relation named `of`.
Probe = tuple[type[Model], str, str | None]


@lru_cache(maxsize=256)
def _select(
    model: type[Model],
    related: tuple[str, ...],
    for_update: bool,
    vendor: str,
    probes: tuple[Probe, ...] = (),
) -> tuple[str, list[Any]]:
    """SELECT <model's columns>[, <each relation's columns>][, EXISTS (<each probe>)] FROM ... WHERE pk = %s
    [FOR UPDATE OF the row]."""
    del vendor
    table = model._meta.db_table
    parts = [f"T0.{_q(f.column)}" for f in _fields(model)]
    joins = []
    layout: list[Any] = [(model, None, _fields(model))]
    keys: dict[str | None, str] = {None: f"T0.{_q(model._meta.pk.column)}"}
    for n, name in enumerate(related, start=1):
        field = cast(Field, model._meta.get_field(name))
        target = field.related_model
        assert isinstance(target, type) and (field.many_to_one or field.one_to_one), (
            f"{name}: a forward relation"
        )
        alias = f"T{n}"
        joins.append(
            f"LEFT OUTER JOIN {_q(target._meta.db_table)} {alias} "
            f"ON (T0.{_q(field.column)} = {alias}.{_q(target._meta.pk.column)})"
        )
        parts += [f"{alias}.{_q(f.column)}" for f in _fields(target)]
        layout.append((target, name, _fields(target)))
        keys[name] = f"{alias}.{_q(target._meta.pk.column)}"
    for probed, key, of in probes:
        column = _q(cast(Field, probed._meta.get_field(key)).column)
        parts.append(f"EXISTS (SELECT 1 FROM {_q(probed._meta.db_table)} WHERE {column} = {keys[of]})")  # noqa: S608
    sql = (
        f"SELECT {', '.join(parts)} FROM {_q(table)} T0 {' '.join(joins)} "  # noqa: S608 - names from the models
        f"WHERE T0.{_q(model._meta.pk.column)} = %s"
    )
    if for_update and connection.features.has_select_for_update:
        sql += " FOR UPDATE OF T0" if connection.features.has_select_for_update_of else " FOR UPDATE"
    return sql, layout


def _convert(values: Sequence[Any], converters: list[tuple[list[Any], Any]], db: Any) -> list[Any]:
    out = list(values)
    for i, (funcs, col) in enumerate(converters):
        value = out[i]
        for func in funcs:
            value = func(value, col, db)
        out[i] = value
    return out


@lru_cache(maxsize=256)
def _model_converters(model: type[Model], vendor: str) -> Converters:
    return _converters(_fields(model), vendor)


def select_one(model: type[M], pk: Any, *, related: Iterable[str] = (), for_update: bool = False) -> M | None:
    """The row of `model` with primary key `pk`, with the forward relations `related` joined in (cached on the
    instance as `select_related` would), optionally locked (only its own row). None when there is no such row."""
    return select_one_probed(model, pk, related=related, for_update=for_update)[0]


def select_one_probed(
    model: type[M],
    pk: Any,
    *,
    related: Iterable[str] = (),
    probes: Sequence[Probe] = (),
    for_update: bool = False,
) -> tuple[M | None, list[bool]]:
    """`select_one`, and in the same statement, for each of `probes` (model, foreign key, None or the name of
    one of `related`), whether that model has a row pointing at the row read or at that relation (an index
    lookup each): the answers in the order of `probes`, all False when there is no such row."""
    instance, answers, _rows = select_one_with(
        model, pk, related=related, probes=probes, for_update=for_update
    )
    return instance, answers


def select_one_with(
    model: type[M],
    pk: Any,
    *,
    related: Iterable[str] = (),
    probes: Sequence[Probe] = (),
    for_update: bool = False,
    also: Sequence[Statement] = (),
) -> tuple[M | None, list[bool], list[list[tuple[Any, ...]]]]:
    """`select_one_probed`, and the rows of the reads `also`, sent with it (`rows_together`): after it, so that
    they run under its lock."""
    db = _db()
    vendor = db.vendor
    sql, layout = _select(model, tuple(related), for_update, vendor, tuple(probes))
    found, *rows = rows_together([(sql, [pk]), *also])
    row = found[0] if found else None
    if row is None:
        return None, [False] * len(probes), rows
    answers = [bool(found) for found in row[len(row) - len(probes) :]] if probes else []
    offset = 0
    instance: Any = None
    for target, name, fields in layout:
        values = _convert(row[offset : offset + len(fields)], _model_converters(target, vendor), db)
        offset += len(fields)
        obj = target.from_db(db.alias, [f.attname for f in fields], values)
        if name is None:
            instance = obj
        else:
            instance._state.fields_cache[name] = obj if obj.pk is not None else None
    return instance, answers, rows


def rows_together(statements: Sequence[Statement]) -> list[list[tuple[Any, ...]]]:
    """The rows of each of `statements`, in their order. On PostgreSQL they travel together (psycopg's pipeline
    mode: the server runs them in order, and the client waits for the answers once instead of once per
    statement; when they are a transaction's first statements, psycopg sends its BEGIN ahead of them and
    waits for that on its own); elsewhere one after another. For reads whose parameters do not depend on each
    other's answers: a statement that fails fails the ones after it. Each is a statement of its own, logged
    and counted as any other."""
    db = _db()
    if len(statements) < 2 or db.vendor != "postgresql":
        out = []
        for text, params in statements:
            with db.cursor() as cursor:
                cursor.execute(text, params)
                out.append(cursor.fetchall())
        return out
    db.ensure_connection()
    cursors = [db.cursor() for _statement in statements]
    try:
        with db.wrap_database_errors, db.connection.pipeline():
            for cursor, (text, params) in zip(cursors, statements, strict=True):
                cursor.execute(text, params)
        # The end of the pipeline sent them with a Sync and received every answer: one wait in all.
        return [cursor.fetchall() for cursor in cursors]
    finally:
        for cursor in cursors:
            cursor.close()


@lru_cache(maxsize=1024)
def _update_sql(model: type[Model], names: tuple[str, ...], vendor: str) -> tuple[str, tuple[Field, ...]]:
    del vendor
    fields = tuple(cast(Field, model._meta.get_field(name)) for name in names)
    sets = ", ".join(f"{_q(f.column)} = %s" for f in fields)
    table, pk = _q(model._meta.db_table), _q(model._meta.pk.column)
    return f"UPDATE {table} SET {sets} WHERE {pk} = %s", fields  # noqa: S608 - names from the model


def update_sql(instance: Model, names: Sequence[str], db: Any = None) -> tuple[str, list[Any]]:
    """The UPDATE of `names` of `instance`'s row to their current values on the instance, and its parameters."""
    db = db or _db()
    sql, fields = _update_sql(type(instance), tuple(names), db.vendor)
    params = [f.get_db_prep_save(getattr(instance, f.attname), db) for f in fields]
    return sql, [*params, instance.pk]


def update(instance: Model, names: Sequence[str], *, _now: bool = False) -> None:
    """Write `names` of `instance` to its row (one statement; inside `deferred()`, at the end of the block)."""
    pending = None if _now else _pending()
    if pending is not None:
        pending.update(instance, names)
        return
    db = _db()
    sql, params = update_sql(instance, names, db)
    with db.cursor() as cursor:
        cursor.execute(sql, params)


@lru_cache(maxsize=256)
def _insert_sql(model: type[Model], vendor: str) -> tuple[str, tuple[Field, ...]]:
    del vendor
    fields = tuple(f for f in _fields(model) if not f.primary_key)
    columns = ", ".join(_q(f.column) for f in fields)
    values = ", ".join(["%s"] * len(fields))
    pk = _q(model._meta.pk.column)
    table = _q(model._meta.db_table)
    return f"INSERT INTO {table} ({columns}) VALUES ({values}) RETURNING {pk}", fields  # noqa: S608 - model names


def insert_sql(instance: Model, *, ignore_conflicts: bool = False, db: Any = None) -> tuple[str, list[Any]]:
    """The INSERT of `instance` (every concrete field but the key, which the database gives: RETURNING it);
    with `ignore_conflicts`, a row that would break a unique constraint is left out (nothing returned)."""
    db = db or _db()
    sql, fields = _insert_sql(type(instance), db.vendor)
    if ignore_conflicts:
        if db.vendor == "sqlite":
            sql = sql.replace("INSERT INTO", "INSERT OR IGNORE INTO", 1)
        else:
            sql = sql.replace(" RETURNING ", " ON CONFLICT DO NOTHING RETURNING ", 1)
    return sql, [f.get_db_prep_save(f.pre_save(instance, add=True), db) for f in fields]


def insert(instance: Model, *, ignore_conflicts: bool = False, now: bool = False) -> bool:
    """Insert `instance` (one statement) and set its primary key. Returns whether a row was inserted (False only
    with `ignore_conflicts`, when the row was already there). Inside `deferred()` the row waits for the end of
    the block (and True is returned) unless `now` — say `now` when the key is needed at once."""
    pending = _pending()
    if pending is not None and not now:
        pending.insert(instance, ignore_conflicts)
        return True
    db = _db()
    sql, params = insert_sql(instance, ignore_conflicts=ignore_conflicts, db=db)
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return False
    _inserted(instance, row[0], db)
    return True


def _inserted(instance: Model, key: Any, db: Any) -> None:
    instance.pk = key
    instance._state.adding = False
    instance._state.db = db.alias


def update_then_insert(updated: Model, names: Sequence[str], inserted: Model) -> None:
    """Write `names` of `updated` and insert `inserted`, as one statement where the database can (PostgreSQL:
    the UPDATE in a WITH clause, which always runs to completion), else as two; inside `deferred()`, with the
    block's other writes."""
    pending = _pending()
    if pending is not None:
        pending.update(updated, names)
        pending.insert(inserted, False)
        return
    db = _db()
    if db.vendor != "postgresql":
        update(updated, names)
        insert(inserted)
        return
    update_text, update_params = update_sql(updated, names, db)
    insert_text, insert_params = insert_sql(inserted, db=db)
    with db.cursor() as cursor:
        cursor.execute(f"WITH changed AS ({update_text}) {insert_text}", [*update_params, *insert_params])
        _inserted(inserted, cursor.fetchone()[0], db)


def execute(text: str, params: Sequence[Any]) -> None:
    """Run a write that returns nothing (an UPDATE written by the caller); inside `deferred()`, at the end of the
    block with the others. It must not touch a row that another waiting write touches."""
    pending = _pending()
    if pending is not None:
        pending.entries.append(("raw", text, list(params)))
        return
    with _db().cursor() as cursor:
        cursor.execute(text, params)


# --- writes at the end of a block ------------------------------------------------------------------------------

_PENDING_ATTRIBUTE = "govhall_pending_writes"


class _Pending:
    """The writes waiting in a `deferred()` block, in the order they were made: UPDATEs of an instance's fields
    (one entry per row: a second UPDATE of the same instance adds its fields to the first), INSERTs, and raw
    writes. Values are read from the instances when the block ends, so a later change to a waiting instance is
    written too."""

    def __init__(self) -> None:
        self.entries: list[tuple[Any, ...]] = []
        self._updates: dict[tuple[type[Model], Any], tuple[Model, list[str]]] = {}
        self._inserts: set[int] = set()

    def update(self, instance: Model, names: Sequence[str]) -> None:
        if id(instance) in self._inserts:  # waiting to be inserted: the INSERT carries the new values
            return
        key = (type(instance), instance.pk)
        waiting = self._updates.get(key)
        if waiting is not None and waiting[0] is not instance:
            # The same row through another instance: what waits is written first, so the order holds.
            self.flush(_db())
            waiting = None
        if waiting is None:
            entry: tuple[Model, list[str]] = (instance, list(names))
            self._updates[key] = entry
            self.entries.append(("update", *entry))
        else:
            waiting[1].extend(n for n in names if n not in waiting[1])

    def insert(self, instance: Model, ignore_conflicts: bool) -> None:
        self._inserts.add(id(instance))
        self.entries.append(("insert", instance, ignore_conflicts))

    def flush(self, db: Any) -> None:
        """Run the waiting writes — on PostgreSQL as one statement, each write a data-modifying WITH query
        (every one runs to completion, on the same snapshot: no write reads another's row), with the keys of
        the inserted rows selected at the end; elsewhere one by one, in order."""
        entries, self.entries = self.entries, []
        self._updates.clear()
        self._inserts.clear()
        if not entries:
            return
        if db.vendor != "postgresql" or len(entries) == 1:
            for kind, *args in entries:
                if kind == "update":
                    update(args[0], args[1], _now=True)
                elif kind == "insert":
                    insert(args[0], ignore_conflicts=args[1], now=True)
                else:
                    with db.cursor() as cursor:
                        cursor.execute(args[0], args[1])
            return
        parts: list[str] = []
        params = _Bound()
        inserted: list[tuple[Model, str]] = []
        for n, (kind, *args) in enumerate(entries):
            if kind == "update":
                text, values = update_sql(args[0], args[1], db)
            elif kind == "insert":
                text, values = insert_sql(args[0], ignore_conflicts=args[1], db=db)
                inserted.append((args[0], f"w{n}"))
            else:
                text, values = args
            parts.append(f"w{n} AS ({params.named(text, values)})")
        keys = ", ".join(f"(SELECT * FROM {name})" for _, name in inserted) or "1"  # noqa: S608 - our aliases
        with db.cursor() as cursor:
            cursor.execute(f"WITH {', '.join(parts)} SELECT {keys}", params.values)
            row = cursor.fetchone()
        for (instance, _), key in zip(inserted, row, strict=False):
            if key is not None:
                _inserted(instance, key, db)


_PLACEHOLDER = re.compile(r"%%|%s")
# Values bound once however many times a statement uses them: each is typed by its Python type alone (a text or
# a NULL takes its type from where it stands, so one used in two places could be deduced two ways: never shared).
_SHAREABLE = (int, datetime, date)  # bool is an int; the key keeps the exact type


class _Bound:
    """The parameters of one statement built from several writes, each distinct value bound once.

    The writes of a transition repeat the same few values (the case's key, the centre's, the actor's, the
    moment): an acceptance's statement had 62 parameters for 43 distinct values. psycopg converts a statement's
    placeholders once and keeps the result, but not for a statement of more than 50 parameters, which it
    converted again on every run (about a twentieth of the acceptance's own processor time)."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}
        self._names: dict[tuple[type, Any], str] = {}

    def _name(self, value: Any) -> str:
        key = (type(value), value) if isinstance(value, _SHAREABLE) else None
        if key is not None and key in self._names:
            return self._names[key]
        name = f"v{len(self.values)}"
        self.values[name] = value
        if key is not None:
            self._names[key] = name
        return name

    def named(self, text: str, values: Sequence[Any]) -> str:
        """`text` with each `%s` replaced by the name of its value (`%%` kept)."""
        remaining = iter(values)

        def replace(match: re.Match[str]) -> str:
            return "%%" if match.group() == "%%" else f"%({self._name(next(remaining))})s"

        named = _PLACEHOLDER.sub(replace, text)
        if next(remaining, _PLACEHOLDER) is not _PLACEHOLDER:
            raise ValueError("more values than placeholders")
        return named


def _pending() -> _Pending | None:
    return cast("_Pending | None", getattr(_db(), _PENDING_ATTRIBUTE, None))


@contextmanager
def deferred() -> Iterator[None]:
    """Within the block, the writes made here (`insert`, `insert_many`, `update`, `update_then_insert`,
    `execute`) wait, and run together when the block ends without an error: on PostgreSQL in one statement.
    For a service that writes several rows once its checks have passed; open it inside the service's
    transaction, so that the writes run before it commits. Reads inside the block do not see the waiting
    writes. A nested block belongs to the outer one. An error drops what waits (the transaction rolls back)."""
    db = _db()
    if getattr(db, _PENDING_ATTRIBUTE, None) is not None:
        yield
        return
    pending = _Pending()
    setattr(db, _PENDING_ATTRIBUTE, pending)
    try:
        yield
        setattr(db, _PENDING_ATTRIBUTE, None)
        pending.flush(db)
    finally:
        setattr(db, _PENDING_ATTRIBUTE, None)


@lru_cache(maxsize=256)
def _columns(model: type[Model], vendor: str) -> str:
    del vendor
    return ", ".join(_q(f.column) for f in _fields(model))


@lru_cache(maxsize=256)
def _where_sql(
    model: type[Model], names: tuple[str, ...], order_by: tuple[str, ...], vendor: str
) -> tuple[str, tuple[Field, ...]]:
    opts = model._meta
    conditions = " AND ".join(f"{_q(cast(Field, opts.get_field(n)).column)} = %s" for n in names)
    order = ", ".join(
        f"{_q(cast(Field, opts.get_field(o.lstrip('-'))).column)}{' DESC' if o.startswith('-') else ''}"
        for o in order_by
    )
    sql = f"SELECT {_columns(model, vendor)} FROM {_q(opts.db_table)} WHERE {conditions}"  # noqa: S608 - model names
    if order:
        sql += f" ORDER BY {order}"
    return sql, tuple(cast(Field, opts.get_field(n)) for n in names)


def _instances(model: type[M], db: Any, sql: str, params: Sequence[Any]) -> list[M]:
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return instances_of(model, rows)


def instances_of(model: type[M], rows: Iterable[Sequence[Any]]) -> list[M]:
    """Rows of all the model's columns (as `where_statement` reads them) as the instances the ORM would build."""
    db = _db()
    converters = _model_converters(model, db.vendor)
    attnames = [f.attname for f in _fields(model)]
    return [model.from_db(db.alias, attnames, _convert(row, converters, db)) for row in rows]


def where_statement(model: type[Model], *, order_by: Sequence[str] = (), **equals: Any) -> Statement:
    """The statement of `select_where`, to read with others (`rows_together`; `instances_of` its rows)."""
    db = _db()
    names = tuple(equals)
    sql, fields = _where_sql(model, names, tuple(order_by), db.vendor)
    return sql, [
        f.get_db_prep_value(equals[n], db, prepared=False) for n, f in zip(names, fields, strict=True)
    ]


def select_where(model: type[M], *, order_by: Sequence[str] = (), **equals: Any) -> list[M]:
    """The rows of `model` whose columns equal `equals` (field names or attnames: `case_id=5`), in the order of
    `order_by` (field names, "-" for descending) — the ORM's `filter(...).order_by(...)` for plain equalities."""
    sql, params = where_statement(model, order_by=order_by, **equals)
    return _instances(model, _db(), sql, cast(Sequence[Any], params))


def select_rows(model: type[M], where: str, params: Sequence[Any]) -> list[M]:
    """The rows of `model` matching `where` — SQL written by the caller after WHERE (with its ORDER BY), over the
    model's own table, unaliased — for a hot filter that is not plain equalities. Parameters are passed as the
    database adapter takes them (dates and datetimes through `adapt`)."""
    db = _db()
    model_table = _q(model._meta.db_table)
    sql = f"SELECT {_columns(model, db.vendor)} FROM {model_table} WHERE {where}"  # noqa: S608 - the caller's SQL
    return _instances(model, db, sql, params)


def adapt(value: Any) -> Any:
    """`value` as the database adapter takes it in `select_rows`: datetimes and dates through the backend's own
    adaptation (SQLite stores them as text, in UTC), anything else as it is."""
    db = _db()
    if isinstance(value, datetime):
        return db.ops.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return db.ops.adapt_datefield_value(value)
    return value


def insert_many(instances: Sequence[Model]) -> None:
    """Insert `instances` (all of one model) in one statement and set their primary keys (the database returns
    them in the order of the rows, as Django's `bulk_create` relies on too)."""
    if not instances:
        return
    pending = _pending()
    if pending is not None:
        for instance in instances:
            pending.insert(instance, False)
        return
    if len(instances) == 1:
        insert(instances[0])
        return
    db = _db()
    sql, fields = _insert_sql(type(instances[0]), db.vendor)
    head, _, tail = sql.partition(" VALUES ")
    row, _, returning = tail.partition(" RETURNING ")
    params: list[Any] = []
    for instance in instances:
        params += [f.get_db_prep_save(f.pre_save(instance, add=True), db) for f in fields]
    with db.cursor() as cursor:
        cursor.execute(f"{head} VALUES {', '.join([row] * len(instances))} RETURNING {returning}", params)
        keys = [r[0] for r in cursor.fetchall()]
    for instance, key in zip(instances, keys, strict=True):
        _inserted(instance, key, db)


# Field types whose values the database adapter cannot take as they are: converted by the field itself.
_PREPARED_TYPES = frozenset(
    {"JSONField", "DateTimeField", "DateField", "DecimalField", "TimeField", "UUIDField"}
)


def _preparer(field: Field, db: Any) -> Callable[[Any], Any] | None:
    """How `insert_values` hands a value of `field` to the adapter: None when it takes the value as it is. An
    aware datetime and a date go straight to the backend's adaptation, which is where the field's own
    preparation ends for them (a third of its cost for a datetime, a tenth for a date); anything else of those
    types (a naive datetime, a string) goes through the field, as do JSON, decimals, times and UUIDs."""
    kind = field.get_internal_type()
    if kind not in _PREPARED_TYPES:
        return None
    prepare = field.get_db_prep_save
    if kind == "DateTimeField":
        adapt_datetime = db.ops.adapt_datetimefield_value

        def datetime_value(value: Any) -> Any:
            if isinstance(value, datetime) and value.utcoffset() is not None:
                return adapt_datetime(value)
            return prepare(value, db)

        return datetime_value
    if kind == "DateField":
        adapt_date = db.ops.adapt_datefield_value
        return lambda value: adapt_date(value) if type(value) is date else prepare(value, db)
    return lambda value: prepare(value, db)


def insert_values(
    model: type[Model], rows: Sequence[dict[str, Any]], *, ignore_conflicts: bool = False
) -> None:
    """Insert `rows` of `model` — each {attname: value}, a field left out taking its default — without building
    model instances or reading keys back. Only the values the adapter cannot take as they are (JSON, dates and
    times, decimals) go through their field. For many rows whose keys nobody needs: the close of a month writes
    a row per person. On PostgreSQL the rows go by COPY (500 rows: about a fifth of the time `executemany`
    takes, which psycopg sends as 500 statements in one pipeline; a multi-row INSERT is no faster, its
    thousands of placeholders costing as much to convert); elsewhere by `executemany`.

    With `ignore_conflicts`, a row that would break a unique constraint is left out, as `bulk_create` leaves it
    (a clock event received twice): on PostgreSQL by one INSERT … SELECT FROM UNNEST of an array per column ON
    CONFLICT DO NOTHING (COPY cannot skip a row), elsewhere by INSERT OR IGNORE."""
    if not rows:
        return
    db = _db()
    sql, fields = _insert_sql(model, db.vendor)
    sql = sql.partition(" RETURNING ")[0]
    preparers = [_preparer(f, db) for f in fields]
    defaults = {f.attname: f.get_default() for f in fields}
    params = []
    for row in rows:
        values = []
        for field, prepare in zip(fields, preparers, strict=True):
            value = row[field.attname] if field.attname in row else defaults[field.attname]
            values.append(value if prepare is None else prepare(value))
        params.append(values)
    with db.cursor() as cursor:
        if db.vendor != "postgresql":
            if ignore_conflicts:
                sql = sql.replace("INSERT INTO", "INSERT OR IGNORE INTO", 1)
            cursor.executemany(sql, params)
            return
        if ignore_conflicts:
            # As Django's `bulk_create` does on PostgreSQL: one array per column, whatever the number of rows
            # (types without their length, so that nothing is cut).
            head = sql.partition(" VALUES ")[0]
            arrays = ", ".join(f"(%s)::{f.db_type(db).split('(')[0]}[]" for f in fields)  # type: ignore[union-attr]
            cursor.execute(
                f"{head} SELECT * FROM UNNEST({arrays}) ON CONFLICT DO NOTHING",  # noqa: S608 - the model's names
                [list(column) for column in zip(*params, strict=True)],
            )
            return
        columns = ", ".join(db.ops.quote_name(f.column) for f in fields)
        with cursor.copy(f"COPY {db.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
            for values in params:
                copy.write_row(values)


# --- rows of several models, read by a statement the caller writes out ------------------------------------

# Per model of a row: the model, its attnames, and per column the converters the ORM applies to the value
# read, with the column expression they are called with (some read its field: a decimal's places).
Layout = tuple[tuple[type[Model], tuple[str, ...], Converters], ...]


def joined_columns(aliased: Any) -> tuple[list[str], Layout]:
    """For (alias, model) pairs: the columns to select, and each model's attnames with its columns' converters
    (what the ORM applies to the values it reads), to build the instances of a row with `joined_instances`."""
    layout = []
    columns: list[str] = []
    for alias, model in aliased:
        fields = _fields(model)
        columns += [f"{alias}.{_q(f.column)}" for f in fields]
        layout.append((model, tuple(f.attname for f in fields), _converters(fields, connection.vendor)))
    return columns, tuple(layout)


def joined_instances(layout: Layout, row: Any) -> list[Any]:
    """The instances of the models of `layout` in one row, as the ORM would build them."""
    db = _db()
    built = []
    offset = 0
    for model, attnames, converters in layout:
        values = _convert(row[offset : offset + len(attnames)], converters, db)
        built.append(model.from_db(db.alias, attnames, values))
        offset += len(attnames)
    return built
