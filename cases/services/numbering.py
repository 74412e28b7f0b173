"""Case and notice numbers: per centre, kind and year, issued under a row lock so none is given twice."""

from __future__ import annotations

from datetime import date

from django.db import transaction

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
    with transaction.atomic():
        sequence, _ = NumberSequence.objects.select_for_update().get_or_create(
            center=center, kind=kind, year=on.year
        )
        sequence.last += 1
        sequence.save(update_fields=["last"])
    code = center.code.upper()
    if kind == "case":
        return f"{code}-{on:%Y%m%d}-{sequence.last:05d}"
    return f"{code}{PREFIXES.get(kind, kind)}〔{on.year}〕{sequence.last}号"
