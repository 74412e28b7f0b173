"""The complaint inbox as a spreadsheet (.xlsx, openpyxl in write-only mode), without any complainant's
identity: the complainant column says "实名（身份保密）" or "匿名" only (R-CMP-4)."""

from __future__ import annotations

import tempfile
from datetime import datetime
from typing import IO, Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from org.models import Center

from .selectors.complaints import InboxRow

DATE_FORMAT = "yyyy-mm-dd"


def _headers() -> list[tuple[str, float]]:
    return [
        (_("投诉编号"), 16),
        (_("登记日期"), 12),
        (_("投诉渠道"), 14),
        (_("被投诉窗口"), 16),
        (_("被投诉人"), 10),
        (_("投诉事由"), 30),
        (_("投诉事项"), 40),
        (_("投诉人"), 14),
        (_("受理科室"), 14),
        (_("状态"), 10),
        (_("答复期限"), 12),
        (_("预警"), 8),
        (_("剩余工作日"), 10),
        (_("逾期工作日"), 10),
        (_("答复日期"), 12),
        (_("处置级别"), 24),
        (_("投诉属实"), 8),
    ]


def _day(moment: datetime | None) -> Any:
    return timezone.localdate(moment) if moment is not None else None


def row_values(row: InboxRow) -> list[Any]:
    c = row.complaint
    window = f"{c.window.number} {c.window.name}" if c.window is not None else ""
    substantiated = "" if c.substantiated is None else (_("是") if c.substantiated else _("否"))
    return [
        c.number,
        c.received_on,
        c.get_channel_display(),
        window,
        c.person.name if c.person is not None else "",
        c.get_ground_display(),
        c.matter,
        c.complainant_label,
        c.get_receiving_section_display(),
        c.get_state_display(),
        row.deadline,
        row.colour_label,
        row.days_left,
        row.days_overdue,
        _day(c.answered_at),
        c.get_disposal_grade_display(),
        substantiated,
    ]


def complaints_workbook(rows: list[InboxRow], *, center: Center, at: datetime) -> IO[bytes]:
    """The rows as an .xlsx file, rewound, to be streamed (a temporary file: deleted once closed)."""
    workbook = Workbook(write_only=True)
    sheet: Any = workbook.create_sheet(_("投诉"))
    headers = _headers()
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
    for row in rows:
        cells: list[Any] = []
        for value in row_values(row):
            if hasattr(value, "isoformat"):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = DATE_FORMAT
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
    about: Any = workbook.create_sheet(_("说明"))
    about.column_dimensions["A"].width = 16
    about.column_dimensions["B"].width = 60
    about.append([_("中心"), center.name])
    about.append([_("导出时间"), at.replace(tzinfo=None)])
    about.append([_("件数"), len(rows)])
    about.append([_("注意"), _("投诉人身份予以保密，不在导出文件中。")])
    target = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the response, which closes it
    workbook.save(target)
    target.seek(0)
    return target
