"""Case and notice numbers: per centre, kind and year, issued under a row lock so none is given twice. A notice's
number is an official document number (文号) in the centre's Chinese short name; a case's is Latin and digits."""

from __future__ import annotations

from collections.abc import Sequence
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
    "joint_notice": "抄告",
}


def next_number(*, center: Center, kind: str, on: date) -> str:
    """The next number of `kind` at `center` for `on`'s year: a case's `DEMO-COUNTY-20260930-00123`, a notice's
    `示县政务受理〔2026〕12号` (the centre's Chinese short name, the kind, the year, the sequence)."""
    return next_numbers(center=center, wanted=[(kind, on)])[0]


def next_numbers(*, center: Center, wanted: Sequence[tuple[str, date]]) -> list[str]:
    """The next number of each (kind, day) asked, in order, each kind at most once: one statement for the
    kinds of a year (a case's number and its acceptance receipt's are taken together)."""
    years: dict[int, list[str]] = {}
    for kind, on in wanted:
        years.setdefault(on.year, []).append(kind)
    last: dict[tuple[str, int], int] = {}
    for year, kinds in years.items():
        found = _increment(center, kinds, year)
        for kind in kinds:
            if kind not in found:  # the first number of its kind this year: make the row, under its lock
                with transaction.atomic():
                    sequence, _ = NumberSequence.objects.select_for_update().get_or_create(
                        center=center, kind=kind, year=year
                    )
                    sequence.last += 1
                    sequence.save(update_fields=["last"])
                found[kind] = sequence.last
            last[(kind, year)] = found[kind]
    return [_format(center, kind, on, last[(kind, on.year)]) for kind, on in wanted]


# At most this much of a centre's full name stands in a notice number when it has no short name (the number
# column holds 60 characters: the name, the kind's two characters, 〔year〕, the sequence and 号).
NAME_IN_NUMBER_MAX = 40


def document_short_name(center: Center) -> str:
    """The centre's Chinese name in its notice numbers (机关代字): its short name, else its full name. Never the
    Latin code, which is for case numbers and addresses."""
    return (center.short_name_zh or "").strip() or center.name.strip()[:NAME_IN_NUMBER_MAX]


def _format(center: Center, kind: str, on: date, last: int) -> str:
    if kind == "case":
        # The case number is typed into the progress lookup and printed in the QR address: Latin and digits.
        return f"{center.code.upper()}-{on:%Y%m%d}-{last:05d}"
    return f"{document_short_name(center)}{PREFIXES.get(kind, kind)}〔{on.year}〕{last}号"


def _increment(center: Center, kinds: Sequence[str], year: int) -> dict[str, int]:
    """Add one to each existing sequence of `kinds` and return {kind: new value}, in one statement (the UPDATE
    holds the rows' locks until the caller's transaction ends); a kind without a row yet is missing."""
    table, center_id, kind_, year_, last = (
        connection.ops.quote_name(name)
        for name in (NumberSequence._meta.db_table, "center_id", "kind", "year", "last")
    )
    marks = ", ".join(["%s"] * len(kinds))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {last} = {last} + 1 "  # noqa: S608 - names from the model, values as parameters
            f"WHERE {center_id} = %s AND {year_} = %s AND {kind_} IN ({marks}) RETURNING {kind_}, {last}",
            [center.pk, year, *kinds],
        )
        return {str(kind): int(value) for kind, value in cursor.fetchall()}
