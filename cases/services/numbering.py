"""Case and notice numbers: per centre, kind and year, issued under a row lock so none is given twice."""

from __future__ import annotations

from datetime import date

from django.db import connection, transaction

from org.models import Center

from ..models import NumberSequence

PREFIXES = {
    "case": "",
    "correction": "补正",
    "refusal": "不受",
    "acceptance": "受理",
    "special_procedure": "特程",
    "extension": "延期",
    "approval": "准予",
    "denial": "不准",
}


def next_number(*, center: Center, kind: str, on: date) -> str:
    """The next number of `kind` at `center` for `on`'s year, e.g. `DEMO-COUNTY-2026-000123`."""
    last = _increment(center, kind, on.year)
    if last is None:  # the first number of its kind this year: make the row, under its lock
        with transaction.atomic():
            sequence, _ = NumberSequence.objects.select_for_update().get_or_create(
                center=center, kind=kind, year=on.year
            )
            sequence.last += 1
            sequence.save(update_fields=["last"])
        last = sequence.last
    code = center.code.upper()
    if kind == "case":
        return f"{code}-{on:%Y%m%d}-{last:05d}"
    return f"{code}{PREFIXES.get(kind, kind)}〔{on.year}〕{last}号"


def _increment(center: Center, kind: str, year: int) -> int | None:
    """Add one to an existing sequence and return its new value, in one statement (the UPDATE holds the row
    lock until the caller's transaction ends); None when the sequence has no row yet."""
    table, center_id, kind_, year_, last = (
        connection.ops.quote_name(name)
        for name in (NumberSequence._meta.db_table, "center_id", "kind", "year", "last")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {last} = {last} + 1 "  # noqa: S608 - names from the model, values as parameters
            f"WHERE {center_id} = %s AND {kind_} = %s AND {year_} = %s RETURNING {last}",
            [center.pk, kind, year],
        )
        row = cursor.fetchone()
    return None if row is None else int(row[0])
