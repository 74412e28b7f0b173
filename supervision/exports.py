"""The complaint inbox as a spreadsheet (.xlsx, openpyxl in write-only mode), without any complainant's
identity: the complainant column says "实名（身份保密）" or "匿名" only (R-CMP-4)."""

from __future__ import annotations

from datetime import datetime
from typing import IO, Any

from django.utils import timezone
from django.utils.translation import gettext as _

from common.xlsx import table_workbook
from org.models import Center

from .selectors.complaints import InboxRow


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
    """The rows as an .xlsx file, rewound, to be streamed (`common.xlsx`)."""
    workbook, _count = table_workbook(
        title=_("投诉"),
        headers=_headers(),
        rows=(row_values(row) for row in rows),
        about=[
            (_("中心"), center.name),
            (_("导出时间"), at),
            (_("注意"), _("投诉人身份予以保密，不在导出文件中。")),
        ],
        count_label=_("件数"),
    )
    return workbook
