"""Lists as spreadsheets (.xlsx): one way for every page that exports what it shows (openpyxl in write-only mode,
rows go to disk as they are written).

The first sheet holds the rows under bold Chinese headers with their column widths, the header row frozen; a
value with `isoformat` (a date or a datetime) is a date cell formatted yyyy-mm-dd. The second sheet ("说明") says
what the rows are: what the page gives (the centre, when exported, the search conditions, a truncation, a
confidentiality note) and how many rows there are.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import IO, Any

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "yyyy-mm-dd"


def _local(value: Any) -> Any:
    """An aware datetime as the centre's wall-clock time (Excel has no time zones); anything else as it is."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def _append_table(
    workbook: Any, title: str, headers: Sequence[tuple[str, float]], rows: Iterable[Sequence[Any]]
) -> int:
    """One sheet of `workbook` (write-only) holding `rows` under bold `headers`; returns how many rows."""
    sheet: Any = workbook.create_sheet(title[:31])
    for index, (_header, width) in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for header, _width in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    count = 0
    for row in rows:
        cells: list[Any] = []
        for value in row:
            if hasattr(value, "isoformat"):
                cell = WriteOnlyCell(sheet, value=_local(value))
                cell.number_format = DATE_FORMAT
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
        count += 1
    return count


def _finish(workbook: Any, notes_rows: Sequence[tuple[str, Any]]) -> IO[bytes]:
    """Add the "说明" sheet and save `workbook` to a temporary file, rewound, to be streamed (deleted once
    closed)."""
    notes: Any = workbook.create_sheet(_("说明"))
    notes.column_dimensions["A"].width = 16
    notes.column_dimensions["B"].width = 60
    for label, value in notes_rows:
        notes.append([label, _local(value)])
    target = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the response, which closes it
    workbook.save(target)
    target.seek(0)
    return target


def table_workbook(
    *,
    title: str,
    headers: Sequence[tuple[str, float]],
    rows: Iterable[Sequence[Any]],
    about: Sequence[tuple[str, Any]] = (),
    count_label: str = "",
) -> tuple[IO[bytes], int]:
    """The rows as an .xlsx file, rewound, to be streamed, and how many rows it holds. The "说明" sheet holds the
    `about` rows, then the count under `count_label` (default 行数)."""
    workbook = Workbook(write_only=True)
    count = _append_table(workbook, title, headers, rows)
    return _finish(workbook, [*about, (count_label or _("行数"), count)]), count


def tables_workbook(
    *,
    tables: Sequence[tuple[str, Sequence[tuple[str, float]], Iterable[Sequence[Any]]]],
    about: Sequence[tuple[str, Any]] = (),
) -> IO[bytes]:
    """Several tables as one .xlsx file, one sheet per (title, headers, rows), then the "说明" sheet with `about`;
    rewound, to be streamed like `table_workbook`'s."""
    workbook = Workbook(write_only=True)
    for title, headers, rows in tables:
        _append_table(workbook, title, headers, rows)
    return _finish(workbook, about)


def xlsx_response(workbook: IO[bytes], filename: str) -> FileResponse:
    """A download of `workbook` (from `table_workbook` or `tables_workbook`) named `filename`."""
    return FileResponse(workbook, as_attachment=True, filename=filename, content_type=XLSX)
