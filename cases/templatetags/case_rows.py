"""The case page's tables of checklist, steps and history, written out in Python.

Every case page lists the item's materials with their checks, the handling steps and the history, a handful
of cells per row, each a lookup, a test, a date or a translation through the template engine: on a case of
two materials, two steps and two events those rows were about a fifth of the page's rendering, and a case
with a dozen of each costs six times that. Here a row is one string built from the row's values, every value
escaped as `{{ value }}` escapes it, each date formatted as `|date` formats it (in the active time zone), the
labels translated once per table in the request's language and, as `{% translate %}` writes them, not escaped
(the project's own texts). As with the workbench's rows (`desk_rows`), each function writes exactly what its
template loop wrote: `cases/tests/test_case_rows_html.py` renders both.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape  # what django.utils.html.escape does, without its lazy-string wrapper (every cell)
from typing import Any

from django import template
from django.urls import reverse
from django.utils.formats import localize
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]  # Django's, not in its stubs
from django.utils.translation import gettext, ngettext

from common.template_date import date_filter

from ..models import CaseStep, MaterialStatus
from ..selectors.intake import ChecklistRow

register = template.Library()

# The class of a check's result by status (any other: "badge bad").
_BADGES: dict[str, str] = {MaterialStatus.PRESENT: "badge ok", MaterialStatus.NOT_APPLICABLE: "badge"}


def _text(value: Any) -> str:
    """`{{ value }}` under autoescaping: text escaped, a number localised, None as "None"."""
    if isinstance(value, SafeData):
        return str(value)
    if isinstance(value, str):
        return escape(value)
    if isinstance(value, Promise):
        return escape(str(value))
    if type(value) is int:
        return str(value)
    return str(conditional_escape(localize(template_localtime(value))))


def _when(value: Any, fmt: str) -> str:
    """`{{ value|date:fmt }}`: the date or time in the active time zone, "" for none."""
    return escape(date_filter(template_localtime(value), fmt))


def _body(rows: list[str], *, colspan: int, none: str, indent: str) -> SafeString:
    """A table's rows joined, or the one row saying there are none (`{% empty %}`), at the loop's indent."""
    if not rows:
        rows = [f'\n{indent}  <tr><td colspan="{colspan}" class="muted">{none}</td></tr>\n{indent}']
    return mark_safe("".join(rows))  # noqa: S308 - every value is escaped, the label is the project's own


def _name(person: Any) -> str:
    """`{{ x.person.name }}`: the name, or "" when there is no one."""
    return "" if person is None else _text(person.name)


@register.filter(is_safe=True)
def history_rows_html(events: Iterable[dict[str, Any]]) -> SafeString:
    """The rows of the history (`cases/case_history.html`; R-CASE-10): number, time, actor (or the system),
    as A or B, action, from → to (or the state alone) and reason; one row saying there are none."""
    system = f'<span class="muted">{gettext("系统")}</span>'
    out = []
    for row in events:
        event = row["event"]
        actor = _name(event.actor) if event.actor else system
        if row["changed"]:
            states = f"{_text(row['from_label'])} → {_text(row['to_label'])}"
        else:
            states = f'<span class="muted">{_text(row["to_label"])}</span>'
        out.append(
            "\n      <tr>\n"
            f"        <td>{_text(event.seq)}</td>\n"
            f"        <td>{_when(event.at, 'Y-m-d H:i')}</td>\n"
            f"        <td>{actor}</td>\n"
            f'        <td class="acting-as">{_text(row["acting_as"])}</td>\n'
            f"        <td>{_text(row['label'])}</td>\n"
            f"        <td>{states}</td>\n"
            f"        <td>{_text(event.reason)}</td>\n"
            "      </tr>\n    "
        )
    return _body(out, colspan=7, none=gettext("暂无记录。"), indent="    ")


@register.simple_tag
def checklist_rows_html(checklist: Iterable[ChecklistRow], case: Any, show_applicant: bool) -> SafeString:
    """The rows of the checklist (R-CASE-2): each material with whether it is required, its condition and, for
    those who may see the applicant's data, its uploaded file; the originals and copies; the check's result
    by colour (or "not checked"), its note, and who checked it when; one row saying there are no materials."""
    required = f' <span class="badge">{gettext("必要")}</span>'
    upload = gettext("查看上传文件")
    unchecked = f'<span class="muted">{gettext("未审查")}</span>'
    out = []
    for row in checklist:
        material, check = row.material, row.check
        about = _text(material.name) + (required if material.is_required else "")
        if material.condition:
            about += f'<br><small class="muted">{_text(material.condition)}</small>'
        if show_applicant and check is not None and check.upload:
            url = escape(reverse("cases:material_file", args=[case.pk, material.pk]))
            about += f'<br><a href="{url}" target="_blank" rel="noopener">{upload}</a>'
        if check is None:
            result, note, checked = unchecked, "", ""
        else:
            badge = _BADGES.get(check.status, "badge bad")
            result = f'<span class="{badge}">{_text(check.get_status_display())}</span>'
            note = _text(check.note) if check.note else ""
            checked = f"{_name(check.checked_by)} {_when(check.checked_at, 'm-d H:i')}"
        out.append(
            "\n        <tr>\n"
            f"          <td>{about}</td>\n"
            f"          <td>{_text(material.original_count)} / {_text(material.copy_count)}</td>\n"
            f"          <td>{result}</td>\n"
            f"          <td>{note}</td>\n"
            f"          <td>{checked}</td>\n"
            "        </tr>\n      "
        )
    return _body(out, colspan=5, none=gettext("该事项没有材料清单。"), indent="      ")


@register.filter(is_safe=True)
def step_rows_html(steps: Iterable[CaseStep]) -> SafeString:
    """The rows of the handling steps: order, name, post, who handled it as A or B, opinion, started and
    finished; one row saying the steps come with acceptance."""
    out = []
    for step in steps:
        post = step.post
        handler = f"{_name(step.handler)}（{_text(step.get_acting_as_display())}）" if step.handler else ""
        out.append(
            "\n        <tr>\n"
            f"          <td>{_text(step.order)}</td><td>{_text(step.name)}</td>"
            f"<td>{_text(post.name) if post is not None and post.name else ''}</td>\n"
            f'          <td class="acting-as">{handler}</td>\n'
            f"          <td>{_text(step.opinion)}</td>\n"
            f"          <td>{_when(step.started_at, 'Y-m-d H:i')}</td><td>{_when(step.finished_at, 'Y-m-d H:i')}</td>\n"
            "        </tr>\n      "
        )
    return _body(out, colspan=7, none=gettext("受理后按事项的办理环节生成。"), indent="      ")


# --- the clock panel ------------------------------------------------------------------------------------------


def _days(n: Any) -> str:
    """`{% blocktranslate count n=n %}{{ n }} 个工作日{% plural %}…{% endblocktranslate %}`."""
    return ngettext("%(n)s 个工作日", "%(n)s 个工作日", n) % {"n": _text(n)}


def _warning_badge(warning: str) -> str:
    return {
        "green": f'<span class="badge ok">{gettext("正常")}</span>',
        "yellow": f'<span class="badge warn">{gettext("黄色预警")}</span>',
        "red": f'<span class="badge bad">{gettext("红色（超时）")}</span>',
    }.get(warning, "")


def _procedure(running: Any, since: str) -> str:
    """The special procedure in progress: its kind, since when (`since`, already escaped), and its reason."""
    return (
        f'<dt>{gettext("特别程序")}</dt><dd class="running-procedure">'
        f"{_text(running.get_kind_display())}（{since}）：{_text(running.reason)}</dd>"
    )


def _running_clock(case: Any, clock: dict[str, Any]) -> list[str]:
    """The facts of a running clock: a procedure started after the deadline, the deadline, the colour with the
    working days overdue or left."""
    out = []
    running = clock["running"]
    if running:
        since = gettext("自 %(d)s 起；已超过办结期限，不暂停计时") % {"d": _when(running.started_on, "Y-m-d")}
        out.append(_procedure(running, since))
    if case.deadline:
        deadline = _when(case.deadline, "Y-m-d")
        if case.deadline_provisional:
            deadline += f' <span class="badge warn provisional">{gettext("暂定（日历未发布）")}</span>'
    else:
        deadline = "—"
    out.append(f'<dt>{gettext("办结期限")}</dt>\n      <dd class="deadline">{deadline}</dd>')
    warning = clock["warning"]
    if warning:
        overdue, remaining = clock["overdue"], clock["remaining"]
        if overdue is not None:
            late = (
                ngettext("逾期%(n)s个工作日", "逾期%(n)s个工作日", overdue) % {"n": _text(overdue)}
                if overdue
                else gettext("已过办结期限（逾期不足1个工作日）")
            )
            days = f'<strong class="overdue">{late}</strong>'
        elif remaining is not None:
            days = ngettext("剩余 %(n)s 个工作日", "剩余 %(n)s 个工作日", remaining) % {"n": _text(remaining)}
        else:
            days = ""
        out.append(
            f"<dt>{gettext('预警')}</dt>\n"
            f'        <dd class="warning">{_warning_badge(str(warning))}\n        {days}</dd>'
        )
    return out


def _stopped_clock(clock: dict[str, Any]) -> list[str]:
    """The facts of a stopped clock: stopped, by which procedure or report, and the frozen working days left."""
    out = [
        f'<dt>{gettext("计时状态")}</dt><dd class="suspended-flag"><strong>{gettext("暂停计时")}</strong></dd>'
    ]
    running = clock["running"]
    if running:
        n = running.expected_days
        since = ngettext("自 %(d)s 起，预计 %(n)s 个工作日", "自 %(d)s 起，预计 %(n)s 个工作日", n) % {
            "d": _when(running.started_on, "Y-m-d"),
            "n": _text(n),
        }
        out.append(_procedure(running, since))
    else:
        for report in clock["reports"]:
            if not report.returned_on:
                sent = gettext("已于 %(d)s 上报%(a)s，审批中") % {
                    "a": _text(report.authority),
                    "d": _when(report.sent_on, "Y-m-d"),
                }
                out.append(f"<dt>{gettext('上报审批')}</dt><dd>{sent}</dd>")
    remaining = clock["remaining"]
    out.append(
        f'<dt>{gettext("剩余时限（已冻结）")}</dt><dd class="remaining">'
        f"{_days(remaining) if remaining is not None else '—'}</dd>"
    )
    return out


@register.simple_tag
def clock_html(case: Any, clock: dict[str, Any] | None) -> SafeString:
    """The clock panel of the case page (R-CLK-4..9, R-CASE-5): not started yet, or the acceptance (deemed or
    not), the promised limit, an extension, the green channel; stopped (by which procedure or report, with the
    frozen days left) or running (the deadline, provisional or not, and the colour with the days overdue or
    left); the higher authority's time on a reported case; decision, delivery and the person responsible."""
    head = f'<section class="card clock {_text(clock["warning"]) if clock else ""}" id="clock">\n'
    head += f"  <h2>{gettext('办理时限')}</h2>\n"
    if not clock:
        waiting = gettext("尚未受理，未开始计时。") if case.is_open else gettext("未受理，不计时。")
        return mark_safe(f'{head}  <p class="muted">{waiting}</p>\n</section>')  # noqa: S308 - the project's own text
    accepted = _when(case.accepted_on, "Y-m-d")
    if case.deemed_accepted:
        accepted += f' <span class="badge warn">{gettext("视为受理")}</span>'
    out = [
        f"<dt>{gettext('受理日期')}</dt><dd>{accepted}</dd>",
        f"<dt>{gettext('承诺时限')}</dt><dd>{_days(case.limit_days)}</dd>",
    ]
    if case.extension_days:
        out.append(f"<dt>{gettext('已批准延期')}</dt><dd>{_days(case.extension_days)}</dd>")
    if case.is_priority:
        target = ""
        if case.priority_target_days is not None:
            n = case.priority_target_days
            target = "（" + ngettext("目标 %(n)s 个工作日", "目标 %(n)s 个工作日", n) % {"n": _text(n)} + "）"
        out.append(
            f'<dt>{gettext("绿色通道")}</dt><dd><span class="badge bad">{gettext("绿色通道")}</span> '
            f"{_text(case.priority_reason)}{target}</dd>"
        )
    out += _stopped_clock(clock) if clock["suspended"] else _running_clock(case, clock)
    for report in clock["reports"]:
        if report.returned_on:
            n = report.working_days
            spent = ngettext(
                "%(a)s：%(s)s 至 %(e)s，%(n)s 个工作日（单独计算）",
                "%(a)s：%(s)s 至 %(e)s，%(n)s 个工作日（单独计算）",
                n,
            ) % {
                "a": _text(report.authority),
                "s": _when(report.sent_on, "Y-m-d"),
                "e": _when(report.returned_on, "Y-m-d"),
                "n": _text(n),
            }
            out.append(f"<dt>{gettext('上级机关审批')}</dt><dd>{spent}</dd>")
    if case.decided_at:
        out.append(f"<dt>{gettext('决定时间')}</dt><dd>{_when(case.decided_at, 'Y-m-d H:i')}</dd>")
    if case.delivery_due:
        out.append(f"<dt>{gettext('送达期限')}</dt><dd>{_when(case.delivery_due, 'Y-m-d')}</dd>")
    if case.delivered_at:
        out.append(f"<dt>{gettext('送达时间')}</dt><dd>{_when(case.delivered_at, 'Y-m-d H:i')}</dd>")
    if case.responsible:
        acting = (
            f"（{_text(case.get_responsible_acting_as_display())}）" if case.responsible_acting_as else ""
        )
        out.append(f"<dt>{gettext('责任人')}</dt><dd>{_name(case.responsible)}{acting}</dd>")
    facts = "\n    ".join(out)
    return mark_safe(f'{head}  <dl class="facts">\n    {facts}\n  </dl>\n</section>')  # noqa: S308 - every value is escaped
