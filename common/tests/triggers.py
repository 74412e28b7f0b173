"""Switching PostgreSQL's guard triggers off inside one test, to write rows behind the services' back."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


@contextmanager
def triggers_off(*table_triggers: tuple[str, str]) -> Iterator[None]:
    """Disable each (table, trigger) inside the test's transaction and enable it again after. Nothing to do
    on SQLite, which has no such triggers."""
    postgres = connection.vendor == "postgresql"
    if postgres:
        _switch(table_triggers, "DISABLE")
    try:
        yield
    finally:
        if postgres:
            _switch(table_triggers, "ENABLE")


def _switch(table_triggers: tuple[tuple[str, str], ...], verb: str) -> None:
    with connection.cursor() as cursor:
        # Django's foreign keys are deferred; fire their checks first, or ALTER TABLE refuses to run.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, trigger in table_triggers:
            cursor.execute(f"ALTER TABLE {table} {verb} TRIGGER {trigger}")
