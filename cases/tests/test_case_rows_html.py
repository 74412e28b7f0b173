"""`cases.templatetags.case_rows` writes the case page's checklist, steps and history exactly as the template
loops it replaced did: every status and badge, with and without a condition, an upload, a note, a checker, a
handler as A or B, a post, a finish, an actor, a change of state; values to escape; no rows; in Chinese and in
English, and in two time zones (each date is shown in the active one)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from cases.models import ActingAs, Case, CaseEvent, CaseMaterial, CaseState, CaseStep, MaterialStatus
from cases.selectors.intake import ChecklistRow
from cases.templatetags.case_rows import checklist_rows_html, history_rows_html, step_rows_html
from catalog.models import Material
from org.models import Post, StaffProfile

# The loops of cases/case_detail.html and cases/case_history.html, before they were written out in Python.
CHECKLIST = Template(
    "{% load i18n %}"
    + '{% for row in checklist %}\n        <tr>\n          <td>{{ row.material.name }}{% if row.material.is_required %} <span class="badge">{% translate "必要" %}</span>{% endif %}{% if row.material.condition %}<br><small class="muted">{{ row.material.condition }}</small>{% endif %}{% if show_applicant and row.check.upload %}<br><a href="{% url \'cases:material_file\' case.pk row.material.pk %}" target="_blank" rel="noopener">{% translate "查看上传文件" %}</a>{% endif %}</td>\n          <td>{{ row.material.original_count }} / {{ row.material.copy_count }}</td>\n          <td>{% if row.check %}{% if row.check.status == "present" %}<span class="badge ok">{{ row.check.get_status_display }}</span>{% elif row.check.status == "not_applicable" %}<span class="badge">{{ row.check.get_status_display }}</span>{% else %}<span class="badge bad">{{ row.check.get_status_display }}</span>{% endif %}{% else %}<span class="muted">{% translate "未审查" %}</span>{% endif %}</td>\n          <td>{{ row.check.note|default:"" }}</td>\n          <td>{% if row.check %}{{ row.check.checked_by.name }} {{ row.check.checked_at|date:"m-d H:i" }}{% endif %}</td>\n        </tr>\n      {% empty %}\n        <tr><td colspan="5" class="muted">{% translate "该事项没有材料清单。" %}</td></tr>\n      {% endfor %}'
)
STEPS = Template(
    "{% load i18n %}"
    + '{% for s in steps %}\n        <tr>\n          <td>{{ s.order }}</td><td>{{ s.name }}</td><td>{{ s.post.name|default:"" }}</td>\n          <td class="acting-as">{% if s.handler %}{{ s.handler.name }}（{{ s.get_acting_as_display }}）{% endif %}</td>\n          <td>{{ s.opinion }}</td>\n          <td>{{ s.started_at|date:"Y-m-d H:i" }}</td><td>{{ s.finished_at|date:"Y-m-d H:i" }}</td>\n        </tr>\n      {% empty %}\n        <tr><td colspan="7" class="muted">{% translate "受理后按事项的办理环节生成。" %}</td></tr>\n      {% endfor %}'
)
HISTORY = Template(
    "{% load i18n %}"
    + '{% for row in events %}\n      <tr>\n        <td>{{ row.event.seq }}</td>\n        <td>{{ row.event.at|date:"Y-m-d H:i" }}</td>\n        <td>{% if row.event.actor %}{{ row.event.actor.name }}{% else %}<span class="muted">{% translate "系统" %}</span>{% endif %}</td>\n        <td class="acting-as">{{ row.acting_as }}</td>\n        <td>{{ row.label }}</td>\n        <td>{% if row.changed %}{{ row.from_label }} → {{ row.to_label }}{% else %}<span class="muted">{{ row.to_label }}</span>{% endif %}</td>\n        <td>{{ row.event.reason }}</td>\n      </tr>\n    {% empty %}\n      <tr><td colspan="7" class="muted">{% translate "暂无记录。" %}</td></tr>\n    {% endfor %}'
)

AT = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)  # another day in Beijing than in UTC
CLERK = StaffProfile(pk=7, name="张<三>")
CASE = Case(pk=144)


def _material(pk: int, **values: Any) -> Material:
    defaults: dict[str, Any] = {
        "name": f"材料{pk} <&>",
        "is_required": True,
        "condition": "",
        "original_count": 1,
    }
    return Material(pk=pk, **{**defaults, "copy_count": 2, **values})


def _check(status: str, **values: Any) -> CaseMaterial:
    return CaseMaterial(status=status, **{"note": "", "checked_by": CLERK, "checked_at": AT, **values})


CHECKLIST_ROWS = [
    ChecklistRow(_material(1), None),
    ChecklistRow(
        _material(2, is_required=False, condition='如有"分公司"\'时'), _check(MaterialStatus.PRESENT)
    ),
    ChecklistRow(_material(3), _check(MaterialStatus.NOT_APPLICABLE, note="不适用 <b>")),
    ChecklistRow(_material(4), _check(MaterialStatus.MISSING, upload="cases/4.pdf")),
    ChecklistRow(_material(5, original_count=0), _check(MaterialStatus.DEFECTIVE, note="x")),
]

STEP_ROWS = [
    CaseStep(
        order=1,
        name="受理 & 审查",
        post=Post(pk=3, name="审查岗<A>"),
        handler=CLERK,
        acting_as=ActingAs.A,
        opinion='同意 "通过"',
        started_at=AT,
        finished_at=AT,
    ),
    CaseStep(
        order=2, name="决定", post=Post(pk=4, name=""), handler=CLERK, acting_as=ActingAs.B, started_at=AT
    ),
    CaseStep(order=3, name="送达", post=None, handler=None, started_at=None),
]

HISTORY_ROWS = [
    {
        "event": CaseEvent(seq=1, at=AT, actor=CLERK, reason="理由 <i>"),
        "acting_as": ActingAs.A.label,  # lazy labels, translated when shown
        "label": MaterialStatus.PRESENT.label,
        "from_label": "收件",
        "to_label": CaseState.ACCEPTED.label,
        "changed": True,
    },
    {
        "event": CaseEvent(seq=2, at=AT, actor=None, reason=""),
        "acting_as": "",
        "label": "sweep & <warn>",
        "from_label": "已受理",
        "to_label": "已受理",
        "changed": False,
    },
]


@pytest.fixture(params=[("zh-hans", "Asia/Shanghai"), ("en", "UTC")], ids=["zh-beijing", "en-utc"])
def locale(request: pytest.FixtureRequest) -> Any:
    language, zone = request.param
    with translation.override(language), timezone.override(zone):
        yield


@pytest.mark.usefixtures("locale")
@pytest.mark.parametrize("show_applicant", [True, False])
@pytest.mark.parametrize("rows", [CHECKLIST_ROWS, []], ids=["rows", "none"])
def test_the_checklist_rows_are_the_template_loop(show_applicant: bool, rows: list[ChecklistRow]) -> None:
    expected = CHECKLIST.render(Context({"checklist": rows, "case": CASE, "show_applicant": show_applicant}))
    assert str(checklist_rows_html(rows, CASE, show_applicant)) == expected


@pytest.mark.usefixtures("locale")
@pytest.mark.parametrize("rows", [STEP_ROWS, []], ids=["rows", "none"])
def test_the_step_rows_are_the_template_loop(rows: list[CaseStep]) -> None:
    assert str(step_rows_html(rows)) == STEPS.render(Context({"steps": rows}))


@pytest.mark.usefixtures("locale")
@pytest.mark.parametrize("rows", [HISTORY_ROWS, []], ids=["rows", "none"])
def test_the_history_rows_are_the_template_loop(rows: list[dict[str, Any]]) -> None:
    assert str(history_rows_html(rows)) == HISTORY.render(Context({"events": rows}))


def test_the_rows_show_the_upload_link_only_to_those_who_see_the_applicant() -> None:
    url = reverse("cases:material_file", args=[144, 4])
    assert str(checklist_rows_html(CHECKLIST_ROWS, CASE, True)).count(f'<a href="{url}" target="_blank"') == 1
    assert 'target="_blank"' not in str(checklist_rows_html(CHECKLIST_ROWS, CASE, False))
