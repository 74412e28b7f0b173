"""The workbench's case tables, written out in Python (`{{ cases|case_table_html:show_window }}`).

A workbench shows up to PANEL_LIMIT cases in each of its panels, a dozen cells each; through the template
engine every cell is a lookup, a test or a translation, and the rows were half of the page's rendering (the
table itself, included once per panel, was most of the rest). Here a row is one string built from the
`CaseRow`'s plain values, every value escaped, the labels translated once per table in the request's
language. `desk/tests/test_rows_html.py` compares the output with the template it replaced.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape  # what django.utils.html.escape does, without its lazy-string wrapper (every cell)

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from cases.selectors.rows import CaseRow

register = template.Library()


def _badges() -> dict[str, str]:
    """The warning column by colour (R-CLK-6), in the active language."""
    return {
        "red": f'<span class="badge bad warning-red">{escape(gettext("超时"))}</span>',
        "yellow": f'<span class="badge warn warning-yellow">{escape(gettext("预警"))}</span>',
        "green": f'<span class="badge ok warning-green">{escape(gettext("正常"))}</span>',
        "suspended": f'<span class="badge warning-suspended">{escape(gettext("暂停计时"))}</span>',
        "": f'<span class="muted">{escape(gettext("未计时"))}</span>',
    }


@register.filter(is_safe=True)
def case_rows_html(cases: Iterable[CaseRow], show_window: bool) -> SafeString:
    """One `<tr class="case-row">` per case: number (or "not accepted yet") with its link and the green
    channel, item, applicant, window (with `show_window`), state, deadline with its colour, warning and the
    person responsible as A or B."""
    not_numbered = escape(gettext("尚未受理（暂无办件编号）"))
    priority = f' <span class="badge bad">{escape(gettext("绿色通道"))}</span>'
    provisional = f'<small class="muted">（{escape(gettext("暂定"))}）</small>'
    badges = _badges()
    states: dict[str, str] = {}  # each label translated once per table, not once per row
    acting: dict[str, str] = {}
    out = []
    for c in cases:
        number = escape(c.number) if c.number else not_numbered
        window = f"<td>{escape(c.window_number)}</td>" if show_window else ""
        colour = f" deadline-{escape(c.warning)}" if c.warning in ("red", "yellow") else ""
        if c.deadline:
            deadline = f"{c.deadline:%Y-%m-%d}" + (provisional if c.deadline_provisional else "")
        else:
            deadline = "—"
        if c.responsible_id:
            if c.responsible_acting_as not in acting:
                acting[c.responsible_acting_as] = (
                    f"（{escape(c.acting_as_label)}）" if c.responsible_acting_as else ""
                )
            acting_as = acting[c.responsible_acting_as]
            responsible = f"{escape(c.responsible_name)}{acting_as}"
        else:
            responsible = "—"
        if c.state not in states:
            states[c.state] = escape(c.state_label)
        out.append(
            f'\n    <tr class="case-row" data-case="{c.pk}">\n'
            f'      <td class="nowrap"><a href="{escape(c.url)}">{number}</a>'
            f"{priority if c.is_priority else ''}</td>\n"
            f"      <td>{escape(c.item_code)} {escape(c.version_name)}</td>\n"
            f"      <td>{escape(c.applicant)}</td>\n"
            f"      {window}\n"
            f"      <td>{states[c.state]}</td>\n"
            f'      <td class="nowrap deadline{colour}">{deadline}</td>\n'
            f'      <td class="nowrap">{badges.get(c.warning, badges[""])}</td>\n'
            f"      <td>{responsible}</td>\n"
            "    </tr>\n  "
        )
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


@register.filter(is_safe=True)
def case_table_html(cases: Iterable[CaseRow], show_window: bool) -> SafeString:
    """A table of open cases: its head (with the window column when `show_window`), the rows of
    `case_rows_html`, or one row saying there are none."""
    heads = [gettext("办件编号"), gettext("事项"), gettext("申请人")]
    window = f"<th>{escape(gettext('窗口'))}</th>" if show_window else ""
    tail = [gettext("状态"), gettext("办结期限"), gettext("预警"), gettext("责任人")]
    cases = list(cases)
    body: str
    if cases:
        body = str(case_rows_html(cases, show_window))
    else:
        span = 8 if show_window else 7
        body = f'\n    <tr><td colspan="{span}" class="muted">{escape(gettext("没有办件。"))}</td></tr>\n  '
    return mark_safe(  # noqa: S308 - every label is escaped, the rows are
        '\n<table class="compact cases">\n  <thead><tr>\n'
        f"    {''.join(f'<th>{escape(h)}</th>' for h in heads)}\n"
        f"    {window}\n"
        f"    {''.join(f'<th>{escape(h)}</th>' for h in tail)}\n"
        f"  </tr></thead>\n  <tbody>\n  {body}\n  </tbody>\n</table>\n"
    )
