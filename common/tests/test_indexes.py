"""The indexes the migrations leave, read back from the database: every foreign key can be looked up by an
index, and no index repeats the leading columns of another.

Django gives every foreign key an index of its own. Where a composite index or a unique constraint already
leads with that key, the single-column index serves no lookup the composite does not, and every INSERT (and
every UPDATE that cannot stay on its page) pays for it: a case's event, a clock, a day of attendance. Such a key
is declared `db_index=False` (`common.models.center_key(indexed=False)` for the centre's). The other half keeps
that from going too far: a key nothing leads with would make each check before a referenced row is deleted
(PROTECT) a scan of the table.

Partial indexes (a condition) serve only their rows, so they neither cover nor are covered (one key is led by a
partial index on purpose: `LED_BY_A_PARTIAL_INDEX`). Many-to-many tables Django creates on its own are outside:
their shape is Django's.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import ForeignKey, Model

from common.tests.own_apps import own_apps
from workdays.models import TimerWarning

# Keys that only the rows of a partial index carry, so that the partial index finds every row that has one.
LED_BY_A_PARTIAL_INDEX = {
    # The post of an open case's current step, set at acceptance and cleared when the case is decided or withdrawn
    # (`case_open_by_post`).
    "cases_case.current_post_id",
}


# PostgreSQL: the index Django adds beside a text column's own, with the `varchar_pattern_ops` operator class, so
# that `LIKE 'prefix%'` can use an index. Same columns, but it answers other questions.
PATTERN_OPS_SUFFIX = "_like"


@dataclass(frozen=True)
class Index:
    name: str
    columns: tuple[str, ...]
    unique: bool


def _tables() -> list[type[Model]]:
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in own_apps() and not model._meta.auto_created and model._meta.managed
    ]


def _partial(model: type[Model]) -> set[str]:
    """The names of the model's indexes and unique constraints that carry a condition."""
    declared = [*model._meta.indexes, *model._meta.constraints]
    return {item.name for item in declared if getattr(item, "condition", None) is not None}


def _indexes(model: type[Model]) -> list[Index]:
    """The table's full (not partial) indexes and unique constraints, as the database reports them."""
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, model._meta.db_table)
    partial = _partial(model)
    return [
        Index(name, tuple(info["columns"]), bool(info["unique"] or info["primary_key"]))
        for name, info in found.items()
        if (info["index"] or info["unique"] or info["primary_key"])
        and name not in partial
        and info["columns"]
        and all(info["columns"])
    ]


@pytest.mark.django_db
def test_no_index_repeats_the_leading_columns_of_another():
    redundant = []
    for model in _tables():
        indexes = _indexes(model)
        for index in indexes:
            if index.unique or index.name.endswith(PATTERN_OPS_SUFFIX):
                continue  # it enforces a rule of its own, or serves LIKE 'prefix%' (another operator class)
            for other in indexes:
                wider = other.name != index.name and len(other.columns) >= len(index.columns)
                if wider and other.columns[: len(index.columns)] == index.columns:
                    redundant.append(f"{model._meta.db_table}: {index.name} {index.columns} ⊆ {other.name}")
                    break
    assert redundant == []


@pytest.mark.django_db
def test_every_foreign_key_leads_an_index():
    unindexed = []
    for model in _tables():
        leading = {index.columns[0] for index in _indexes(model)}
        for field in model._meta.concrete_fields:
            if isinstance(field, ForeignKey) and field.column not in leading:
                unindexed.append(f"{model._meta.db_table}.{field.column}")
    assert sorted(unindexed) == sorted(LED_BY_A_PARTIAL_INDEX)


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a schema change inside the test's transaction")
def test_key_indexes_dropped_comes_back_when_its_migration_is_reversed():
    """`common.migration_operations.KeyIndexesDropped` going backwards creates each index again, under its name and
    on its column; forwards again drops them (inside the test's transaction, rolled back after it)."""
    table = TimerWarning._meta.db_table
    named = "workdays_timerwarning_center_id_44befa61"

    def indexes() -> dict[str, list[str]]:
        with connection.cursor() as cursor:
            found = connection.introspection.get_constraints(cursor, table)
        return {name: info["columns"] for name, info in found.items() if info["index"]}

    executor = MigrationExecutor(connection)
    executor.migrate([("workdays", "0006_timer_warning_open_partial")])
    assert indexes()[named] == ["center_id"]
    executor = MigrationExecutor(connection)
    executor.migrate([("workdays", "0007_covered_keys_unindexed")])
    assert named not in indexes()
