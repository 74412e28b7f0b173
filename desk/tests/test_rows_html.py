"""`desk_rows.case_rows_html` writes the workbench's case rows exactly as the template loop it replaced did,
for every colour, with and without a number, the green channel, a provisional deadline, a responsible person
as A or B or none, the window column, values to escape, and in English as in Chinese."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from django.template import Context, Template
from django.utils import translation

from cases.selectors.rows import CaseRow
from desk.templatetags.desk_rows import case_rows_html, case_table_html

# The rows of desk/workbench_cases.html as a template loop, before they were written out in Python.
LOOP = Template(
    """{% load i18n %}{% for c in cases %}
    <tr class="case-row" data-case="{{ c.pk }}">
      <td class="nowrap"><a href="{{ c.url }}">{% if c.number %}{{ c.number }}{% else %}{% translate "尚未受理（暂无办件编号）" %}{% endif %}</a>{% if c.is_priority %} <span class="badge bad">{% translate "绿色通道" %}</span>{% endif %}</td>
      <td>{{ c.item_code }} {{ c.version_name }}</td>
      <td>{{ c.applicant }}</td>
      {% if show_window %}<td>{{ c.window_number }}</td>{% endif %}
      <td>{{ c.state_label }}</td>
      <td class="nowrap deadline{% if c.warning == 'red' or c.warning == 'yellow' %} deadline-{{ c.warning }}{% endif %}">{% if c.deadline %}{{ c.deadline|date:"Y-m-d" }}{% if c.deadline_provisional %}<small class="muted">（{% translate "暂定" %}）</small>{% endif %}{% else %}—{% endif %}</td>
      <td class="nowrap">{% if c.warning == "red" %}<span class="badge bad warning-red">{% translate "超时" %}</span>{% elif c.warning == "yellow" %}<span class="badge warn warning-yellow">{% translate "预警" %}</span>{% elif c.warning == "green" %}<span class="badge ok warning-green">{% translate "正常" %}</span>{% elif c.warning == "suspended" %}<span class="badge warning-suspended">{% translate "暂停计时" %}</span>{% else %}<span class="muted">{% translate "未计时" %}</span>{% endif %}</td>
      <td>{% if c.responsible_id %}{{ c.responsible_name }}{% if c.responsible_acting_as %}（{{ c.acting_as_label }}）{% endif %}{% else %}—{% endif %}</td>
    </tr>
  {% endfor %}"""
)

ROW = CaseRow(
    pk=12345,
    number="BJ-2026-0001",
    is_priority=False,
    item_code="JS-01",
    version_name="建设工程<规划>许可",
    applicant='某某 & "公司"',
    window_id=1,
    window_number="A<01>",
    state="accepted",
    deadline=date(2026, 1, 5),
    deadline_provisional=False,
    warning="green",
    responsible_id=7,
    responsible_name="张<三>",
    responsible_acting_as="A",
    received_by_id=7,
    current_post_id=3,
)

ROWS = [
    ROW,
    replace(ROW, pk=2, warning="red", is_priority=True, responsible_acting_as="B"),
    replace(ROW, pk=3, warning="yellow", deadline_provisional=True, responsible_acting_as=""),
    replace(ROW, pk=4, warning="suspended", state="suspended", deadline=None),
    replace(
        ROW,
        pk=5,
        number="",
        state="received",
        warning="",
        deadline=None,
        responsible_id=None,
        responsible_name="",
        responsible_acting_as="",
    ),
    replace(ROW, pk=6, state="awaiting_correction", warning="unknown"),
]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("show_window", [True, False])
def test_the_rows_are_the_template_loops(language: str, show_window: bool) -> None:
    with translation.override(language):
        expected = LOOP.render(Context({"cases": ROWS, "show_window": show_window}))
        assert str(case_rows_html(ROWS, show_window)) == expected


def test_no_rows_no_html() -> None:
    assert str(case_rows_html([], True)) == ""


# The table as desk/workbench_cases.html wrote it, included once per panel, before it was written out in Python.
TABLE = Template(
    """{% load i18n desk_rows %}{% comment %}A table of open cases.{% endcomment %}
<table class="compact cases">
  <thead><tr>
    <th>{% translate "办件编号" %}</th><th>{% translate "事项" %}</th><th>{% translate "申请人" %}</th>
    {% if show_window %}<th>{% translate "窗口" %}</th>{% endif %}
    <th>{% translate "状态" %}</th><th>{% translate "办结期限" %}</th><th>{% translate "预警" %}</th><th>{% translate "责任人" %}</th>
  </tr></thead>
  <tbody>
  {% if cases %}{{ cases|case_rows_html:show_window }}{% else %}
    <tr><td colspan="{% if show_window %}8{% else %}7{% endif %}" class="muted">{% translate "没有办件。" %}</td></tr>
  {% endif %}
  </tbody>
</table>
"""
)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("show_window", [True, False])
@pytest.mark.parametrize("rows", [ROWS, []])
def test_the_table_is_the_template_it_replaced(language: str, show_window: bool, rows: list[CaseRow]) -> None:
    with translation.override(language):
        expected = TABLE.render(Context({"cases": rows, "show_window": show_window}))
        assert str(case_table_html(rows, show_window)) == expected
