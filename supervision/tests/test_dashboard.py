"""The supervision dashboard (issue 3, item 9) against the 2026 national calendar, on 2026-10-14 (a Wednesday
after the National Day holidays): colours by window (R-CLK-6), overdue cases with the responsible person
(R-CLK-9), repeated correction notices (R-CASE-2), shuttles (R-CASE-12), the green-channel tracking list
(R-CASE-11), posts without a B on duty (R-ORG-6); roles, no applicant data, a bounded number of queries."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Case, CaseState, Notice, NoticeKind, Visit
from cases.selectors.clock import stored_warning
from cases.services.clock import clock_start
from cases.tests.factories import at, close_case, make_case, make_item_for, suspend_clock
from catalog.models import Item
from common.models import PersonalDataAccess
from org.models import Role
from org.services import absence_record
from org.tests import factories as f
from supervision.selectors.dashboard import dashboard, window_warning_counts
from workdays.timers import timers_sweep

pytestmark = pytest.mark.usefixtures("national_calendar")

TODAY = date(2026, 10, 14)
URL = reverse("supervision:dashboard")
_notice_seq = itertools.count(1)


@dataclass
class Scene:
    item: Item  # 5 working days, hall.window
    long_item: Item  # 20 working days, hall.window
    other_item: Item  # 5 working days, hall.other_window
    red_recent: Case  # accepted 09-30 → due 10-13: 1 working day overdue, B responsible
    red_old: Case  # accepted 09-21 → due 09-29 (Mid-Autumn on 09-25): 7 working days overdue, A responsible
    yellow: Case  # accepted 10-09 → due 10-15
    green: Case
    suspended: Case
    other_red: Case
    repeated: Case  # two correction notices
    shuttle: Visit
    priority: Case


def _accepted(item: Item, window: Any, staff: Any, accepted_on: date, **fields: Any) -> Case:
    case = make_case(window=window, item=item, received_by=staff, accepted_on=accepted_on, **fields)
    clock_start(case=case)
    case.refresh_from_db()
    return case


def _correction_notice(case: Case, staff: Any, day: date) -> Notice:
    return Notice.objects.create(
        center=case.center,
        case=case,
        kind=NoticeKind.CORRECTION,
        number=f"补正〔2026〕{next(_notice_seq)}号",
        issued_at=at(day, 10),
        issued_by=staff,
    )


def _scene(hall: Any) -> Scene:
    item = make_item_for(hall.window, hall.post, promised_limit_days=5)
    long_item = make_item_for(hall.window, hall.post, promised_limit_days=20)
    other_post = f.make_post(hall.other_window, a=hall.other_clerk, name="他窗受理岗")
    other_item = make_item_for(hall.other_window, other_post, promised_limit_days=5)
    w, o = hall.window, hall.other_window
    red_recent = _accepted(
        item, w, hall.clerk, date(2026, 9, 30), responsible=hall.backup, responsible_acting_as="B"
    )
    red_old = _accepted(
        item, w, hall.clerk, date(2026, 9, 21), responsible=hall.clerk, responsible_acting_as="A"
    )
    yellow = _accepted(item, w, hall.clerk, date(2026, 10, 9))
    green = _accepted(item, w, hall.clerk, date(2026, 10, 13))
    suspended = _accepted(item, w, hall.clerk, date(2026, 9, 30))
    suspend_clock(suspended, on=date(2026, 10, 9))
    other_red = _accepted(
        other_item,
        o,
        hall.other_clerk,
        date(2026, 9, 30),
        responsible=hall.other_clerk,
        responsible_acting_as="A",
    )
    _accepted(other_item, o, hall.other_clerk, date(2026, 10, 13))
    priority = _accepted(
        long_item,
        o,
        hall.other_clerk,
        date(2026, 10, 13),
        is_priority=True,
        priority_reason="重点招商项目",
        responsible=hall.other_clerk,
        responsible_acting_as="A",
    )
    # Not running: received, awaiting correction, decided long past its deadline.
    make_case(window=w, item=item, received_by=hall.clerk, state=CaseState.RECEIVED, received_on=TODAY)
    repeated = make_case(
        window=w,
        item=item,
        received_by=hall.clerk,
        state=CaseState.AWAITING_CORRECTION,
        received_on=date(2026, 10, 9),
    )
    _correction_notice(repeated, hall.clerk, date(2026, 10, 9))
    _correction_notice(repeated, hall.clerk, date(2026, 10, 12))
    once = make_case(
        window=w,
        item=item,
        received_by=hall.clerk,
        state=CaseState.AWAITING_CORRECTION,
        received_on=date(2026, 10, 9),
    )
    _correction_notice(once, hall.clerk, date(2026, 10, 9))
    decided = _accepted(item, w, hall.clerk, date(2026, 9, 1))
    close_case(decided, state=CaseState.APPROVED, on=date(2026, 9, 8))
    # A red case of another centre is not counted.
    outsider_window = f.make_window(hall.outsider.center, number="X01")
    outsider_post = f.make_post(outsider_window)
    outsider_item = make_item_for(outsider_window, outsider_post, promised_limit_days=5)
    _accepted(outsider_item, outsider_window, outsider_post.holder_a, date(2026, 9, 21))
    # Shuttles: one this month, one last month (not shown); a plain visit is no shuttle.
    shuttle = Visit.objects.create(
        case=other_red,
        at=at(date(2026, 10, 12), 15),
        purpose="补交盖章页（窗口首次未告知）",
        caused_by_administration=True,
        is_shuttle=True,
        responsible=hall.other_clerk,
        recorded_by=hall.other_clerk,
    )
    Visit.objects.create(
        case=red_old,
        at=at(date(2026, 9, 28), 10),
        purpose="上月两头跑",
        caused_by_administration=True,
        is_shuttle=True,
        recorded_by=hall.clerk,
    )
    Visit.objects.create(
        case=red_old, at=at(date(2026, 10, 12), 10), purpose="咨询进度", recorded_by=hall.clerk
    )
    timers_sweep(today=TODAY)  # the morning's sweep records who answered for each overdue case (R-CLK-9)
    return Scene(
        item,
        long_item,
        other_item,
        red_recent,
        red_old,
        yellow,
        green,
        suspended,
        other_red,
        repeated,
        shuttle,
        priority,
    )


@pytest.fixture
def scene(hall: Any) -> Scene:
    return _scene(hall)


def _get(login: Any, staff: Any, **params: str) -> Any:
    with time_machine.travel(at(TODAY, 10), tick=False):
        return login(staff).get(URL, params)


# --- the selector -------------------------------------------------------------------------------------------


def test_scene_dates_follow_the_2026_calendar(scene: Scene) -> None:
    assert (scene.red_recent.deadline, scene.red_old.deadline) == (date(2026, 10, 13), date(2026, 9, 29))
    assert (scene.yellow.deadline, scene.green.deadline) == (date(2026, 10, 15), date(2026, 10, 20))
    assert [stored_warning(c, TODAY) for c in (scene.red_recent, scene.yellow, scene.green)] == [
        "red",
        "yellow",
        "green",
    ]


def test_r_clk_6_dashboard_counts_red_and_yellow_by_window(hall: Any, scene: Scene) -> None:
    counts = window_warning_counts(hall.center, TODAY)
    assert counts == {
        hall.window.pk: {"red": 2, "yellow": 1, "green": 1, "suspended": 1},
        hall.other_window.pk: {"red": 1, "yellow": 0, "green": 2, "suspended": 0},
    }
    board = dashboard(hall.center, TODAY)
    assert [(w.window.number, w.red, w.yellow, w.green, w.suspended, w.total) for w in board.windows] == [
        ("A01", 2, 1, 1, 1, 5),
        ("B02", 1, 0, 2, 0, 3),
    ]
    assert board.totals == {"red": 3, "yellow": 1, "green": 3, "suspended": 1}
    # A day later the yellow case is due today (still yellow), the green one not yet yellow.
    assert window_warning_counts(hall.center, date(2026, 10, 15))[hall.window.pk] == {
        "red": 2,
        "yellow": 1,
        "green": 1,
        "suspended": 1,
    }
    # On 2026-10-16 the yellow case has turned red.
    assert window_warning_counts(hall.center, date(2026, 10, 16))[hall.window.pk]["red"] == 3


def test_r_clk_6_dashboard_page_shows_the_counts_by_window(login: Any, hall: Any, scene: Scene) -> None:
    html = _get(login, hall.supervision).content.decode()
    row_a = html[html.index('data-window="A01"') : html.index("</tr>", html.index('data-window="A01"'))]
    assert 'data-colour="red">2<' in row_a
    assert 'data-colour="yellow">1<' in row_a
    assert 'data-colour="green">1<' in row_a
    assert 'data-colour="suspended">1<' in row_a
    row_b = html[html.index('data-window="B02"') : html.index("</tr>", html.index('data-window="B02"'))]
    assert 'data-colour="red">1<' in row_b
    assert 'data-colour="yellow">0<' in row_b
    assert '<span class="n" data-colour="red">3</span>' in html
    assert '<span class="n" data-colour="yellow">1</span>' in html


def test_r_clk_9_dashboard_lists_overdue_with_responsible(login: Any, hall: Any, scene: Scene) -> None:
    board = dashboard(hall.center, TODAY)
    assert board.overdue.total == 3
    assert [
        (r.case.pk, r.window.number, r.deadline, r.days_overdue, r.responsible, r.responsible_acting_as)
        for r in board.overdue.rows
    ] == [
        (scene.red_old.pk, "A01", date(2026, 9, 29), 7, hall.clerk, "A"),
        (scene.red_recent.pk, "A01", date(2026, 10, 13), 1, hall.backup, "B"),
        (scene.other_red.pk, "B02", date(2026, 10, 13), 1, hall.other_clerk, "A"),
    ]
    html = _get(login, hall.supervision).content.decode()
    section = html[html.index('id="overdue"') : html.index('id="corrections"')]
    detail = reverse("cases:case_detail", args=[scene.red_recent.pk])
    row = section[section.index(detail) : section.index("</tr>", section.index(detail))]
    assert scene.red_recent.number in row
    assert "2026-10-13" in row
    assert '<td class="num cell-red">1</td>' in row
    assert '<td class="responsible">李备岗</td>' in row
    assert "B角" in row
    assert section.index(scene.red_old.number) < section.index(scene.red_recent.number)


def test_r_clk_9_overdue_list_is_capped_with_the_total(hall: Any, scene: Scene) -> None:
    from supervision.selectors.dashboard import overdue_listing

    listing = overdue_listing(hall.center, TODAY, total=3, limit=2)
    assert [r.case.pk for r in listing.rows] == [scene.red_old.pk, scene.red_recent.pk]
    assert listing.total == 3
    assert listing.capped


def test_r_case_2_dashboard_shows_repeated_correction_notices(login: Any, hall: Any, scene: Scene) -> None:
    board = dashboard(hall.center, TODAY)
    assert [(c.pk, c.correction_notices, c.extra_notices) for c in board.corrections.rows] == [
        (scene.repeated.pk, 2, 1)
    ]
    assert board.corrections.total == 1
    html = _get(login, hall.supervision).content.decode()
    section = html[html.index('id="corrections"') : html.index('id="shuttles"')]
    assert reverse("cases:case_detail", args=[scene.repeated.pk]) in section
    assert "尚未受理（暂无办件编号）" in section  # no case number before acceptance, and never an internal id
    assert 'data-notices="2"' in section
    assert "王受理" in section  # who received it


def test_r_case_12_dashboard_shows_shuttles(login: Any, hall: Any, scene: Scene) -> None:
    board = dashboard(hall.center, TODAY)
    assert [v.pk for v in board.shuttles.rows] == [scene.shuttle.pk]
    html = _get(login, hall.supervision).content.decode()
    section = html[html.index('id="shuttles"') : html.index('id="tracking"')]
    assert "本月两头跑（2026-10）" in section
    assert "2026-10-12 15:00" in section
    assert "补交盖章页（窗口首次未告知）" in section
    assert scene.other_red.number in section
    assert "孙他窗" in section
    assert "上月两头跑" not in html
    assert "咨询进度" not in html


def test_r_case_11_dashboard_shows_the_green_channel_tracking_list(
    login: Any, hall: Any, scene: Scene
) -> None:
    board = dashboard(hall.center, TODAY)
    assert [(c.pk, c.warning) for c in board.tracking.rows] == [(scene.priority.pk, "green")]
    html = _get(login, hall.supervision).content.decode()
    section = html[html.index('id="tracking"') : html.index('id="gaps"')]
    assert scene.priority.number in section
    assert "重点招商项目" in section
    assert "孙他窗（A角）" in section


def test_r_org_6_dashboard_shows_posts_without_a_b_on_duty(login: Any, hall: Any, scene: Scene) -> None:
    absence_record(
        actor=None,
        staff=hall.backup,
        kind="leave",
        starts_at=at(TODAY, 0, 0),
        ends_at=at(date(2026, 10, 15), 0, 0),
    )
    assert [p.pk for p in dashboard(hall.center, TODAY).gaps] == [hall.post.pk]
    assert dashboard(hall.center, date(2026, 10, 15)).gaps == []
    html = _get(login, hall.supervision).content.decode()
    section = html[html.index('id="gaps"') :]
    assert "受理岗（A角：王受理）" in section


def test_dashboard_shows_no_applicant_data(login: Any, hall: Any, scene: Scene) -> None:
    Case.objects.filter(center=hall.center).update(
        organisation_name="某某进出口贸易有限公司", applicant_email="a@b.cn"
    )
    response = _get(login, hall.director)
    html = response.content.decode()
    assert response.status_code == 200
    for name, id_number, phone in Case.objects.filter(center=hall.center).values_list(
        "applicant_name", "applicant_id_number", "applicant_phone"
    ):
        assert name not in html
        assert id_number not in html
        assert phone not in html
    assert "某某进出口贸易有限公司" not in html
    assert "a@b.cn" not in html
    assert not PersonalDataAccess.objects.exists()


def test_dashboard_empty_centre(login: Any, hall: Any) -> None:
    response = _get(login, hall.supervision)
    html = response.content.decode()
    assert response.status_code == 200
    assert "目前没有在办（计时中或暂停计时）的办件。" in html
    assert "没有超时办件。" in html


# --- who may see it -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["supervision", "director", "sysadmin", "coordination"])
def test_dashboard_roles_allowed(login: Any, hall: Any, persona: str) -> None:
    assert _get(login, getattr(hall, persona)).status_code == 200


def test_dashboard_deputy_allowed(login: Any, hall: Any) -> None:
    deputy = f.make_staff(hall.center, name="陈副主任")
    f.grant(deputy.user, hall.center, Role.DEPUTY)
    assert _get(login, deputy).status_code == 200


@pytest.mark.parametrize("persona", ["clerk", "backup", "chief", "other_clerk", "office"])
def test_dashboard_other_roles_forbidden(login: Any, hall: Any, persona: str) -> None:
    assert _get(login, getattr(hall, persona)).status_code == 403


def test_dashboard_anonymous_redirected_to_login(client: Any, hall: Any) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("org:login") in response["Location"]


def test_dashboard_of_another_centre_is_not_found(login: Any, hall: Any) -> None:
    assert _get(login, hall.outsider, center="demo-county").status_code == 404
    assert _get(login, hall.supervision, center="other-county").status_code == 404
    assert _get(login, hall.supervision, center="no-such-centre").status_code == 404


def test_dashboard_is_read_only(login: Any, hall: Any) -> None:
    with time_machine.travel(at(TODAY, 10), tick=False):
        assert login(hall.supervision).post(URL).status_code == 405


# --- cost -----------------------------------------------------------------------------------------------------


def _page_queries(login: Any, staff: Any) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert _get(login, staff).status_code == 200
    return len(queries)


def test_dashboard_query_count_does_not_grow_with_cases(login: Any, hall: Any, scene: Scene) -> None:
    _page_queries(login, hall.supervision)  # warm the calendar cache
    few = _page_queries(login, hall.supervision)
    for i in range(6):
        staff = hall.backup if i % 2 else hall.clerk
        case = _accepted(
            scene.item,
            hall.window,
            hall.clerk,
            date(2026, 9, 21 + i),
            responsible=staff,
            responsible_acting_as="A",
        )
        _accepted(scene.long_item, hall.other_window, hall.other_clerk, date(2026, 10, 13), is_priority=True)
        Visit.objects.create(
            case=case,
            at=at(TODAY, 9),
            purpose="两头跑",
            is_shuttle=True,
            responsible=staff,
            recorded_by=staff,
        )
        extra = make_case(
            window=hall.window, item=scene.item, received_by=staff, state=CaseState.AWAITING_CORRECTION
        )
        _correction_notice(extra, staff, date(2026, 10, 9))
        _correction_notice(extra, staff, date(2026, 10, 12))
    extra_window = f.make_window(hall.center, number="C03")
    extra_post = f.make_post(extra_window)
    extra_item = make_item_for(extra_window, extra_post, promised_limit_days=5)
    _accepted(
        extra_item, extra_window, extra_post.holder_a, date(2026, 9, 30), responsible=extra_post.holder_a
    )
    board = dashboard(hall.center, TODAY)
    assert (board.overdue.total, board.shuttles.total, board.corrections.total) == (10, 7, 7)
    assert _page_queries(login, hall.supervision) == few


# --- the period: the centre's work per window and per day, its charts, and the workbook -------------------------


def _period_rows(html: str) -> dict[str, dict[str, str]]:
    """{window number: {figure: text}} of the period's table."""
    import re

    rows: dict[str, dict[str, str]] = {}
    for number, body in re.findall(r'data-period-window="([^"]+)">(.*?)</tr>', html, re.S):
        rows[number] = dict(re.findall(r'data-figure="(\w+)">([^<]*)<', body))
    return rows


def test_dashboard_period_counts_each_windows_work_between_the_dates(
    login: Any, hall: Any, scene: Scene
) -> None:
    html = _get(login, hall.supervision, start="2026-09-01", end="2026-09-30").content.decode()
    rows = _period_rows(html)
    w, o = hall.window.number, hall.other_window.number
    # W: received red_old, red_recent, suspended and the case decided on 09-08 (in time: 100%); red_old fell
    # overdue on 09-30 and its applicant came twice on 09-28. O: received other_red.
    assert rows[w] == {
        "received": "4",
        "completed": "1",
        "on_time_rate": "100.0",
        "overdue": "1",
        "complaints": "0",
        "shuttles": "1",
    }
    assert rows[o] == {
        "received": "1",
        "completed": "0",
        "on_time_rate": "—",
        "overdue": "0",
        "complaints": "0",
        "shuttles": "0",
    }
    october = _period_rows(
        _get(login, hall.supervision, start="2026-10-01", end="2026-10-14").content.decode()
    )
    assert (october[w]["received"], october[o]["received"], october[o]["shuttles"]) == ("5", "2", "1")
    assert "期间统计（2026-09-01 至 2026-09-30）" in html


def test_dashboard_period_defaults_to_this_month_and_draws_its_charts(
    login: Any, hall: Any, scene: Scene
) -> None:
    import json
    import re

    html = _get(login, hall.supervision).content.decode()
    assert "期间统计（2026-10-01 至 2026-10-14）" in html
    days = json.loads(re.search(r'id="period-days" type="application/json">(.*?)</script>', html, re.S)[1])
    assert days["labels"][0] == "10-01" and len(days["labels"]) == 14
    assert sum(days["received"]) == 7  # 5 at W, 2 at O
    windows = json.loads(
        re.search(r'id="period-windows" type="application/json">(.*?)</script>', html, re.S)[1]
    )
    assert windows["labels"] == [hall.window.number, hall.other_window.number]
    assert 'data-chart="period-days"' in html and "vendor/echarts/echarts.min.js" in html


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"start": "2026-10-10", "end": "2026-10-01"}, "结束日期不能早于起始日期。"),
        ({"start": "2025-01-01", "end": "2026-10-01"}, "统计期间最长 366 天。"),
        ({"start": "not-a-date"}, "起始日期"),
    ],
)
def test_dashboard_period_refuses_a_bad_period_and_shows_this_month(
    login: Any, hall: Any, params: dict[str, str], error: str
) -> None:
    response = _get(login, hall.supervision, **params)
    html = response.content.decode()
    assert response.status_code == 200
    assert error in html
    assert "期间统计（2026-10-01 至 2026-10-14）" in html


def test_dashboard_exports_every_list_to_one_workbook(login: Any, hall: Any, scene: Scene) -> None:
    import io

    from openpyxl import load_workbook

    with time_machine.travel(at(TODAY, 10), tick=False):
        response = login(hall.supervision).get(
            reverse("supervision:dashboard_export"), {"start": "2026-09-01", "end": "2026-09-30"}
        )
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    assert book.sheetnames == [
        "期间统计",
        "在办计时",
        "超时办件",
        "多次补正告知",
        "两头跑",
        "预警督办记录",
        "办件考核事实",
        "绿色通道跟踪",
        "无B角在岗岗位",
        "说明",
    ]
    period = list(book["期间统计"].values)
    assert period[1][:7] == (str(hall.window), 4, 1, 100, 1, 0, 1)
    overdue = [row[0] for row in list(book["超时办件"].values)[1:]]
    assert str(scene.red_old) in overdue and str(scene.other_red) in overdue
    notes = dict(list(book["说明"].values))
    assert notes["统计期间"] == "2026-09-01 — 2026-09-30"


@pytest.mark.parametrize("persona", ["clerk", "chief", "office"])
def test_dashboard_export_refused_to_other_roles(login: Any, hall: Any, persona: str) -> None:
    with time_machine.travel(at(TODAY, 10), tick=False):
        assert login(getattr(hall, persona)).get(reverse("supervision:dashboard_export")).status_code == 403


def test_dashboard_statements_join_few_tables(login: Any, hall: Any, scene: Scene) -> None:
    # The planner's work grows with every join: the overdue list joined to seven tables spent 8-13 ms being
    # planned on PostgreSQL for 1 ms of running. Lists join what they filter or order by and read the rest by
    # key (docs/decisions.md, "Lists read by key").
    _accepted(scene.item, hall.window, hall.clerk, date(2026, 9, 21), responsible=hall.clerk)
    _accepted(scene.long_item, hall.other_window, hall.other_clerk, date(2026, 10, 13), is_priority=True)
    with CaptureQueriesContext(connection) as queries:
        assert _get(login, hall.supervision).status_code == 200
    # The session's read is every request's, not the dashboard's: a row by its key with who is signed in
    # (org.sessions), the same plan whatever the centre holds.
    joins = {
        query["sql"][:120]: query["sql"].count(" JOIN ")
        for query in queries.captured_queries
        if "org_staffsession" not in query["sql"]
    }
    assert max(joins.values()) <= 2, {sql: n for sql, n in joins.items() if n > 2}
