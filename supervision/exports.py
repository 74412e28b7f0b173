"""The supervision section's lists as spreadsheets (.xlsx through `common.xlsx`): the complaint inbox, without
any complainant's identity (the complainant column says "实名（身份保密）" or "匿名" only, R-CMP-4), and the
dashboard, every list it shows as a sheet of one workbook (no applicant's personal data: case numbers, items,
windows and the staff who answered), and a monthly meeting's record (attendance, agenda, action items)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import IO, Any

from django.utils import timezone
from django.utils.translation import gettext as _

from common.xlsx import table_workbook, tables_workbook
from org.models import Center

from .selectors.assessment import CaseFacts
from .selectors.complaints import InboxRow
from .selectors.dashboard import Dashboard
from .selectors.figures import WindowFigures
from .selectors.meetings import MeetingPage


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


def _name(person: Any) -> str:
    return person.name if person is not None else ""


def dashboard_workbook(
    board: Dashboard,
    figures: list[WindowFigures],
    facts: CaseFacts,
    *,
    first: date,
    last: date,
    at: datetime,
) -> IO[bytes]:
    """The dashboard as an .xlsx file, one sheet per list it shows (each as capped as on the page), rewound."""
    period = f"{first:%Y-%m-%d} — {last:%Y-%m-%d}"
    tables: list[tuple[str, Sequence[tuple[str, float]], Any]] = [
        (
            _("期间统计"),
            [(_("窗口"), 24), (_("收件"), 8), (_("办结"), 8), (_("按时办结率（%）"), 14), (_("超时"), 8)]
            + [(_("投诉"), 8), (_("两头跑"), 8)],
            (
                [str(w.window), w.received, w.completed, w.on_time_rate, w.overdue, w.complaints, w.shuttles]
                for w in figures
            ),
        ),
        (
            _("在办计时"),
            [
                (_("窗口"), 24),
                (_("超时"), 8),
                (_("预警"), 8),
                (_("正常"), 8),
                (_("暂停计时"), 10),
                (_("合计"), 8),
            ],
            ([str(w.window), w.red, w.yellow, w.green, w.suspended, w.total] for w in board.windows),
        ),
        (
            _("超时办件"),
            [(_("办件编号"), 18), (_("事项"), 30), (_("窗口"), 24), (_("办结期限"), 12)]
            + [(_("超时（工作日）"), 14), (_("责任人"), 12), (_("身份"), 8)],
            (
                [
                    str(row.case),
                    row.case.version.name,
                    str(row.window),
                    row.deadline,
                    row.days_overdue,
                    _name(row.responsible),
                    row.responsible_acting_as,
                ]
                for row in board.overdue.rows
            ),
        ),
        (
            _("多次补正告知"),
            [
                (_("办件编号"), 18),
                (_("事项"), 30),
                (_("窗口"), 24),
                (_("收件人"), 12),
                (_("补正告知次数"), 14),
            ],
            (
                [str(c), c.version.name, str(c.window), _name(c.received_by), c.correction_notices]
                for c in board.corrections.rows
            ),
        ),
        (
            _("两头跑"),
            [(_("来访时间"), 18), (_("办件编号"), 18), (_("窗口"), 24), (_("事由"), 30), (_("责任人"), 12)],
            (
                [v.at, str(v.case), str(v.case.window), v.purpose, _name(v.responsible)]
                for v in board.shuttles.rows
            ),
        ),
        (
            _("预警督办记录"),
            [(_("变色日"), 12), (_("类型"), 8), (_("对象"), 24), (_("依据"), 10), (_("期限"), 12)]
            + [(_("责任部门"), 16), (_("责任人"), 12), (_("结果"), 12)],
            (
                [
                    r.turned_on,
                    r.get_colour_display(),
                    f"{r.get_kind_display()} {r.subject_label}",
                    r.rule,
                    r.deadline,
                    r.department.name if r.department else "",
                    _name(r.responsible),
                    r.get_result_display() if r.result else "",
                ]
                for r in board.warnings.rows
            ),
        ),
        (
            _("办件考核事实"),
            [(_("责任人"), 12), (_("超时办件"), 10), (_("两头跑"), 10), (_("应扣分"), 10)],
            ([_name(r.staff), r.late, r.shuttles, r.deduction] for r in facts.rows),
        ),
        (
            _("绿色通道跟踪"),
            [
                (_("办件编号"), 18),
                (_("事项"), 30),
                (_("窗口"), 24),
                (_("绿色通道事由"), 24),
                (_("办结期限"), 12),
            ]
            + [(_("责任人"), 12)],
            (
                [str(c), c.version.name, str(c.window), c.priority_reason, c.deadline, _name(c.responsible)]
                for c in board.tracking.rows
            ),
        ),
        (
            _("无B角在岗岗位"),
            [(_("窗口"), 24), (_("岗位"), 16), (_("A角"), 12)],
            ([str(p.window), p.name, _name(p.holder_a)] for p in board.gaps),
        ),
    ]
    return tables_workbook(
        tables=tables,
        about=[
            (_("中心"), board.center.name),
            (_("统计日期"), board.today),
            (_("统计期间"), period),
            (_("导出时间"), at),
            (_("说明"), _("各列表与看板一致，最多列出看板所示的行数；不含申请人个人信息。")),
        ],
    )


def _action_rows(items: list[Any], *, with_meeting: bool) -> Any:
    for item in items:
        meeting = [f"{item.meeting.year}-{item.meeting.month:02d}"] if with_meeting else []
        deadline = item.timer.deadline if item.timer is not None else None
        yield [*meeting, item.title, _name(item.owner), item.due_days, deadline, item.get_state_display()] + [
            item.result,
            item.closed_at,
        ]


def meeting_workbook(page: MeetingPage, *, at: datetime) -> IO[bytes]:
    """A meeting's record as an .xlsx file: the attendees with their sign-in (R-MTG-1), the agenda, and the
    action items, its own and those carried over from earlier meetings (R-MTG-3); rewound."""
    meeting = page.meeting
    actions = [(_("督办事项"), 40), (_("责任人"), 12), (_("办理时限（工作日）"), 16), (_("期限"), 12)]
    actions += [(_("状态"), 10), (_("办理结果"), 40), (_("办结时间"), 16)]
    return tables_workbook(
        tables=[
            (
                _("参会签到"),
                [(_("姓名"), 12), (_("类别"), 16), (_("窗口"), 10), (_("签到"), 10), (_("签到时间"), 16)]
                + [(_("原因"), 30)],
                (
                    [
                        row.staff.name,
                        row.get_category_display(),
                        row.window.number if row.window is not None else "",
                        row.get_status_display(),
                        row.signed_in_at,
                        row.cause if row.excused else "",
                    ]
                    for row in page.attendees
                ),
            ),
            (
                _("议题"),
                [(_("议题"), 40), (_("窗口"), 10), (_("提交人"), 12), (_("提交时间"), 16), (_("说明"), 50)],
                (
                    [
                        item.title,
                        item.window.number if item.window is not None else "",
                        _name(item.submitted_by),
                        item.submitted_at,
                        item.details,
                    ]
                    for item in page.agenda
                ),
            ),
            (_("督办事项"), actions, _action_rows(page.actions, with_meeting=False)),
            (
                _("以前例会未办结"),
                [(_("例会"), 10), *actions],
                _action_rows(page.carried_over, with_meeting=True),
            ),
        ],
        about=[
            (_("中心"), meeting.center.name),
            (_("例会"), f"{meeting.year}-{meeting.month:02d}"),
            (_("时间"), meeting.starts_at),
            (_("地点"), meeting.place),
            (_("会议纪要"), meeting.minutes),
            (_("导出时间"), at),
        ],
    )


def meetings_workbook(meetings: list[Any], *, center: Center, at: datetime) -> IO[bytes]:
    """The list of monthly meetings with their attendance counts as an .xlsx file, rewound."""
    workbook, _count = table_workbook(
        title=_("月例会"),
        headers=[(_("月份"), 10), (_("开会时间"), 16), (_("地点"), 20), (_("主持人"), 12), (_("记录人"), 12)]
        + [(_("状态"), 10), (_("应到"), 8), (_("迟到"), 8), (_("缺席"), 8)],
        rows=(
            [
                f"{m.year}-{m.month:02d}",
                m.starts_at,
                m.place,
                _name(m.chair),
                _name(m.recorder),
                m.get_state_display(),
                m.expected,
                m.late,
                m.absent,
            ]
            for m in meetings
        ),
        about=[(_("中心"), center.name), (_("导出时间"), at)],
    )
    return workbook
