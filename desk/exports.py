"""Lists of cases as spreadsheets (.xlsx, openpyxl in write-only mode: rows go to disk as they are written).

The first sheet holds the rows, one per case, in the order of the page, under Chinese headers; dates are
dates (formatted yyyy-mm-dd), counts of working days are numbers. The second sheet says what was searched,
when and by whom, and whether rows were left out past the export's limit.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import IO, Any

from django.utils.translation import gettext as _

from cases.selectors import search
from cases.selectors.search import FoundCase
from common.xlsx import table_workbook
from org.models import Center

from .forms import CaseSearchForm


def _headers() -> list[tuple[str, float]]:
    """(header, column width) of the rows sheet."""
    return [
        (_("办件编号"), 30),
        (_("事项编号"), 12),
        (_("事项名称"), 36),
        (_("申请人"), 28),
        (_("窗口"), 8),
        (_("状态"), 18),
        (_("收件日期"), 12),
        (_("受理日期"), 12),
        (_("办结期限"), 12),
        (_("预警"), 10),
        (_("时限情况"), 20),
        (_("剩余工作日"), 10),
        (_("逾期工作日"), 10),
        (_("绿色通道"), 9),
        (_("责任人"), 10),
    ]


def row_values(row: FoundCase) -> list[Any]:
    """The cells of one case, in the order of the headers."""
    return [
        row.reference,
        row.item_code,
        row.item_name,
        row.applicant,
        row.window_number,
        row.state_label,
        row.received_on,
        row.accepted_on,
        row.deadline,
        row.warning_label,
        row.time_left_label,
        row.days_left,
        row.days_overdue,
        _("是") if row.is_priority else "",
        row.responsible_name,
    ]


def conditions_of(form: CaseSearchForm) -> list[tuple[str, str]]:
    """The search's conditions as (label, value shown), for the file's second sheet."""
    if not form.is_bound or not form.is_valid():
        return []
    shown = []
    for field in form.filter_fields():
        value = form.cleaned_data.get(field.name)
        if value in (None, ""):
            continue
        choices = dict(getattr(form.fields[field.name], "choices", []) or [])
        text = choices.get(value, value) if choices else value
        shown.append((str(field.label), str(text)))
    return shown


def cases_workbook(
    rows: Iterable[FoundCase],
    *,
    truncated: bool,
    center: Center,
    conditions: list[tuple[str, str]],
    at: datetime,
) -> IO[bytes]:
    """The rows as an .xlsx file, rewound, to be streamed (`common.xlsx`)."""
    about: list[tuple[str, Any]] = [(_("中心"), center.name), (_("导出时间"), at)]
    if truncated:
        about.append(
            (
                _("注意"),
                _("符合条件的办件超过%(n)d件，只导出了前%(n)d件；请缩小查询范围。")
                % {"n": search.EXPORT_LIMIT},
            )
        )
    about.extend(conditions)
    workbook, _count = table_workbook(
        title=_("办件"),
        headers=_headers(),
        rows=(row_values(row) for row in rows),
        about=about,
        count_label=_("件数"),
    )
    return workbook
