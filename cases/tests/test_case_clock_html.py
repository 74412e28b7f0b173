"""`cases.templatetags.case_rows.clock_html` writes the case page's clock panel as the template it replaced did
(cases/case_clock.html), compared as parsed HTML: not started, running in each colour with the days left or
overdue, a provisional deadline, no deadline, a procedure started after the deadline, stopped by a procedure
or by a report to a higher authority, frozen days or none, the higher authority's spans, deemed acceptance,
an extension, the green channel with and without a target, decision, delivery and the person responsible as A
or B or none; values to escape; in Chinese and in English."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.template import engines
from django.test.html import parse_html
from django.utils import translation

from cases.models import ActingAs, Case, CaseState, SpecialProcedureKind, Suspension
from cases.selectors.clock import ReportSpan
from cases.templatetags.case_rows import clock_html
from org.models import StaffProfile
from workdays.models import Timer

# cases/case_clock.html (the case page included it) before it was written out in Python.
TEMPLATE = engines["django"].from_string(
    '{% load i18n constant_i18n %}\n{% comment %}The clock of a case (R-CLK-4..9): deadline, warning colour and the working days left (or overdue), or "暂停计时" with the frozen remaining days.{% endcomment %}\n<section class="card clock {{ clock.warning }}" id="clock">\n  <h2>{% translate "办理时限" %}</h2>\n  {% if not clock %}\n    <p class="muted">{% if case.is_open %}{% translate "尚未受理，未开始计时。" %}{% else %}{% translate "未受理，不计时。" %}{% endif %}</p>\n  {% else %}\n  <dl class="facts">\n    <dt>{% translate "受理日期" %}</dt><dd>{{ case.accepted_on|date:"Y-m-d" }}{% if case.deemed_accepted %} <span class="badge warn">{% translate "视为受理" %}</span>{% endif %}</dd>\n    <dt>{% translate "承诺时限" %}</dt><dd>{% blocktranslate count n=case.limit_days %}{{ n }} 个工作日{% plural %}{{ n }} 个工作日{% endblocktranslate %}</dd>\n    {% if case.extension_days %}<dt>{% translate "已批准延期" %}</dt><dd>{% blocktranslate count n=case.extension_days %}{{ n }} 个工作日{% plural %}{{ n }} 个工作日{% endblocktranslate %}</dd>{% endif %}\n    {% if case.is_priority %}<dt>{% translate "绿色通道" %}</dt><dd><span class="badge bad">{% translate "绿色通道" %}</span> {{ case.priority_reason }}{% if case.priority_target_days is not None %}（{% blocktranslate count n=case.priority_target_days %}目标 {{ n }} 个工作日{% plural %}目标 {{ n }} 个工作日{% endblocktranslate %}）{% endif %}</dd>{% endif %}\n    {% if clock.suspended %}\n      <dt>{% translate "计时状态" %}</dt><dd class="suspended-flag"><strong>{% translate "暂停计时" %}</strong></dd>\n      {% if clock.running %}\n        <dt>{% translate "特别程序" %}</dt><dd class="running-procedure">{{ clock.running.get_kind_display }}（{% blocktranslate with d=clock.running.started_on|date:"Y-m-d" count n=clock.running.expected_days %}自 {{ d }} 起，预计 {{ n }} 个工作日{% plural %}自 {{ d }} 起，预计 {{ n }} 个工作日{% endblocktranslate %}）：{{ clock.running.reason }}</dd>\n      {% else %}\n        {% for r in clock.reports %}{% if not r.returned_on %}\n        <dt>{% translate "上报审批" %}</dt><dd>{% blocktranslate with a=r.authority d=r.sent_on|date:"Y-m-d" %}已于 {{ d }} 上报{{ a }}，审批中{% endblocktranslate %}</dd>\n        {% endif %}{% endfor %}\n      {% endif %}\n      <dt>{% translate "剩余时限（已冻结）" %}</dt><dd class="remaining">{% if clock.remaining is not None %}{% blocktranslate count n=clock.remaining %}{{ n }} 个工作日{% plural %}{{ n }} 个工作日{% endblocktranslate %}{% else %}—{% endif %}</dd>\n    {% else %}\n      {% if clock.running %}\n        <dt>{% translate "特别程序" %}</dt><dd class="running-procedure">{{ clock.running.get_kind_display }}（{% blocktranslate with d=clock.running.started_on|date:"Y-m-d" %}自 {{ d }} 起；已超过办结期限，不暂停计时{% endblocktranslate %}）：{{ clock.running.reason }}</dd>\n      {% endif %}\n      <dt>{% translate "办结期限" %}</dt>\n      <dd class="deadline">{% if case.deadline %}{{ case.deadline|date:"Y-m-d" }}{% if case.deadline_provisional %} <span class="badge warn provisional">{% translate "暂定（日历未发布）" %}</span>{% endif %}{% else %}—{% endif %}</dd>\n      {% if clock.warning %}\n        <dt>{% translate "预警" %}</dt>\n        <dd class="warning">{% if clock.warning == "green" %}<span class="badge ok">{% translate "正常" %}</span>{% elif clock.warning == "yellow" %}<span class="badge warn">{% translate "黄色预警" %}</span>{% elif clock.warning == "red" %}<span class="badge bad">{% translate "红色（超时）" %}</span>{% endif %}\n        {% if clock.overdue is not None %}<strong class="overdue">{% if clock.overdue %}{% blocktranslate count n=clock.overdue %}逾期{{ n }}个工作日{% plural %}逾期{{ n }}个工作日{% endblocktranslate %}{% else %}{% translate "已过办结期限（逾期不足1个工作日）" %}{% endif %}</strong>{% elif clock.remaining is not None %}{% blocktranslate count n=clock.remaining %}剩余 {{ n }} 个工作日{% plural %}剩余 {{ n }} 个工作日{% endblocktranslate %}{% endif %}</dd>\n      {% endif %}\n    {% endif %}\n    {% for r in clock.reports %}{% if r.returned_on %}\n      <dt>{% translate "上级机关审批" %}</dt><dd>{% blocktranslate with a=r.authority s=r.sent_on|date:"Y-m-d" e=r.returned_on|date:"Y-m-d" count n=r.working_days %}{{ a }}：{{ s }} 至 {{ e }}，{{ n }} 个工作日（单独计算）{% plural %}{{ a }}：{{ s }} 至 {{ e }}，{{ n }} 个工作日（单独计算）{% endblocktranslate %}</dd>\n    {% endif %}{% endfor %}\n    {% if case.decided_at %}<dt>{% translate "决定时间" %}</dt><dd>{{ case.decided_at|date:"Y-m-d H:i" }}</dd>{% endif %}\n    {% if case.delivery_due %}<dt>{% translate "送达期限" %}</dt><dd>{{ case.delivery_due|date:"Y-m-d" }}</dd>{% endif %}\n    {% if case.delivered_at %}<dt>{% translate "送达时间" %}</dt><dd>{{ case.delivered_at|date:"Y-m-d H:i" }}</dd>{% endif %}\n    {% if case.responsible %}<dt>{% translate "责任人" %}</dt><dd>{{ case.responsible.name }}{% if case.responsible_acting_as %}（{{ case.get_responsible_acting_as_display }}）{% endif %}</dd>{% endif %}\n  </dl>\n  {% endif %}\n</section>\n'
)

CLERK = StaffProfile(pk=7, name="张<三>")
AT = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)


def _case(**values: Any) -> Case:
    deadline, provisional = (
        values.pop("deadline", date(2026, 3, 30)),
        values.pop("deadline_provisional", False),
    )
    fields: dict[str, Any] = {"state": CaseState.ACCEPTED, "accepted_on": date(2026, 3, 2), "limit_days": 20}
    case = Case(**{**fields, **values})
    if case.accepted_on is not None:  # the deadline is the timer's
        case.timer = Timer(deadline=deadline, provisional=provisional)
    return case


def _clock(**values: Any) -> dict[str, Any]:
    return {
        "view": None,
        "warning": "green",
        "remaining": 12,
        "overdue": None,
        "suspended": False,
        "running": None,
        "reports": [],
        **values,
    }


PROCEDURE = Suspension(
    kind=SpecialProcedureKind.TESTING, reason="送检 <样品>", started_on=date(2026, 3, 9), expected_days=5
)
SENT = ReportSpan("省厅<审批>", date(2026, 3, 3), None, None)
BACK = ReportSpan("市局", date(2026, 2, 2), date(2026, 2, 10), 1)
BACK_LONG = ReportSpan("省厅", date(2026, 2, 2), date(2026, 2, 20), 12)

SCENES: dict[str, tuple[Case, dict[str, Any] | None]] = {
    "not started, open": (_case(state=CaseState.RECEIVED, accepted_on=None), None),
    "not started, closed": (_case(state=CaseState.NOT_ACCEPTED, accepted_on=None), None),
    "green": (
        _case(
            deemed_accepted=True,
            extension_days=1,
            is_priority=True,
            priority_reason="重点<项目>",
            priority_target_days=3,
            responsible=CLERK,
            responsible_acting_as=ActingAs.A,
        ),
        _clock(),
    ),
    "green, one day left": (
        _case(is_priority=True, priority_target_days=1, extension_days=7),
        _clock(remaining=1),
    ),
    "yellow, provisional": (
        _case(deadline_provisional=True, responsible=CLERK, responsible_acting_as=ActingAs.B),
        _clock(warning="yellow", remaining=2),
    ),
    "red": (_case(responsible=CLERK), _clock(warning="red", remaining=0, overdue=3)),
    "red, less than a day": (_case(), _clock(warning="red", remaining=0, overdue=0)),
    "red, procedure after the deadline": (_case(), _clock(warning="red", overdue=1, running=PROCEDURE)),
    "no deadline, no colour": (_case(deadline=None), _clock(warning="", remaining=None)),
    "colour without days": (_case(), _clock(remaining=None)),
    "stopped by a procedure": (
        _case(),
        _clock(warning="suspended", suspended=True, remaining=6, running=PROCEDURE),
    ),
    "stopped for a day": (
        _case(),
        _clock(warning="suspended", suspended=True, remaining=1, running=PROCEDURE),
    ),
    "stopped by a report": (
        _case(case_type="reported"),
        _clock(warning="suspended", suspended=True, remaining=None, reports=[BACK, SENT]),
    ),
    "decided and delivered": (
        _case(
            state=CaseState.DELIVERED,
            decided_at=AT,
            delivery_due=date(2026, 3, 12),
            delivered_at=AT,
            responsible=CLERK,
            responsible_acting_as=ActingAs.A,
        ),
        _clock(warning="", remaining=None, reports=[BACK, BACK_LONG]),
    ),
}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("scene", list(SCENES))
def test_the_clock_panel_is_the_template(scene: str, language: str) -> None:
    case, clock = SCENES[scene]
    with translation.override(language):
        expected = TEMPLATE.render({"case": case, "clock": clock})
        shown = str(clock_html(case, clock))
    assert parse_html(shown) == parse_html(expected), shown
