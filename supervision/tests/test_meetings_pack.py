"""The monthly meeting's pack (R-MTG-2): per window, for the month before the meeting, the cases received and
completed, the on-time rate, the overdue cases, the complaints (a count), the assessment scores, the attendance and
the A/B gaps; read in a fixed number of queries; served as a page with ECharts from the static files (no inline
script), a PDF with server-drawn SVG charts and an Excel workbook with one sheet per table."""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from cases.models import CaseState
from cases.tests.factories import make_case, make_item_for
from org.tests import factories as f
from supervision.charts import Series, bar_chart_svg, nice_max
from supervision.models import Meeting
from supervision.selectors.pack import meeting_pack
from supervision.services.meetings import meeting_schedule
from supervision.tests.complaint_helpers import register
from supervision.views.meetings import pack_html

pytestmark = pytest.mark.usefixtures("national_calendar")

TZ = ZoneInfo("Asia/Shanghai")


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=TZ)


@pytest.fixture
def november(hall: Any) -> Any:
    """November 2026 at the A01 window: two cases received on 2 November and decided, one after its deadline
    (overdue) and one in time; an anonymous complaint; a post of the B02 window with no B."""
    item = make_item_for(hall.window, hall.post)
    make_case(
        window=hall.window,
        item=item,
        received_by=hall.clerk,
        state=CaseState.APPROVED,
        received_on=date(2026, 11, 2),
        accepted_on=date(2026, 11, 2),
        decided_at=at(11, 10),
        deadline=date(2026, 11, 5),
    )
    make_case(
        window=hall.window,
        item=item,
        received_by=hall.clerk,
        state=CaseState.APPROVED,
        received_on=date(2026, 11, 2),
        accepted_on=date(2026, 11, 2),
        decided_at=at(11, 12),
        deadline=date(2026, 11, 20),
    )
    register(hall, identity=None)
    f.make_post(hall.other_window, a=hall.other_clerk, backups=[], name="审核岗")
    with time_machine.travel(at(11, 30, 10), tick=False):
        meeting = meeting_schedule(
            actor=hall.office.user,
            center=hall.center,
            starts_at=at(12, 3),
            place="三楼会议室",
            chair=hall.director,
            recorder=hall.office,
        )
    return meeting


def test_r_mtg_2_the_pack_counts_each_window_s_month(hall: Any, november: Meeting) -> None:
    with time_machine.travel(at(12, 2, 10), tick=False):
        pack = meeting_pack(hall.center, 2026, 11, today=date(2026, 12, 2))
    rows = {row.window.number: row for row in pack.windows}
    a01, b02 = rows["A01"], rows[hall.other_window.number]
    assert (a01.received, a01.completed, a01.timed, a01.on_time) == (2, 2, 2, 1)
    assert str(a01.on_time_rate) == "50.0"
    assert (a01.overdue, a01.complaints) == (1, 1)
    assert {s.name for s in a01.scores} == {hall.clerk.name, hall.backup.name, hall.chief.name}
    assert (b02.received, b02.on_time_rate, b02.complaints) == (0, None, 0)
    assert b02.posts_without_b == ["审核岗"] and a01.posts_without_b == []
    data = pack.chart_data()
    assert data["labels"] == [w.window.number for w in pack.windows]
    assert data["on_time_rate"][0] == 50.0
    # The complainant is never in the pack.
    assert "陈投诉" not in pack_html(november, pack)


def test_r_mtg_2_the_pack_is_read_in_a_fixed_number_of_queries(hall: Any, november: Meeting) -> None:
    def count() -> int:
        with time_machine.travel(at(12, 2, 10), tick=False), CaptureQueriesContext(connection) as queries:
            meeting_pack(hall.center, 2026, 11, today=date(2026, 12, 2))
        return len(queries)

    count()  # warm the per-process caches (calendar, policy)
    before = count()
    for n in range(3):
        window = f.make_window(hall.center, number=f"C{n:02d}")
        head = f.make_staff(hall.center, window=window)
        window.head = head
        window.save()
        f.make_post(window, a=head, backups=[])
        register(hall, identity=None, window=window, person=head)
    assert count() == before


def test_r_mtg_2_the_pack_page_draws_with_echarts_from_the_static_files(
    hall: Any, november: Meeting, login: Any
) -> None:
    assert finders.find("vendor/echarts/echarts.min.js") is not None
    assert finders.find("supervision/js/charts.js") is not None
    with time_machine.travel(at(12, 2, 10), tick=False):
        response = login(hall.chief).get(reverse("supervision:meeting_pack", args=[november.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert '<script id="pack-data" type="application/json">' in body
    assert "/static/vendor/echarts/echarts.min.js" in body
    assert "/static/supervision/js/charts.js" in body
    # Every script is a file of this site or the JSON data: the policy's script-src 'self' lets them run.
    assert "script-src 'self'" in response["Content-Security-Policy"]
    for tag in re.findall(r"<script[^>]*>", body):
        assert "src=" in tag or 'type="application/json"' in tag, tag


def test_r_mtg_2_the_pack_is_for_the_leaders_the_office_supervision_and_the_windows_heads(
    hall: Any, november: Meeting, login: Any
) -> None:
    url = reverse("supervision:meeting_pack", args=[november.pk])
    assert login(hall.clerk).get(url).status_code == 403
    assert (
        login(hall.clerk).get(reverse("supervision:meeting_pack_xlsx", args=[november.pk])).status_code == 403
    )
    assert login(hall.outsider).get(url).status_code == 404
    with time_machine.travel(at(12, 2, 10), tick=False):
        assert login(hall.supervision).get(url).status_code == 200


def test_r_mtg_2_the_pack_as_pdf_with_server_drawn_charts(hall: Any, november: Meeting, login: Any) -> None:
    pypdf = pytest.importorskip("pypdf")
    with time_machine.travel(at(12, 2, 10), tick=False):
        response = login(hall.director).get(reverse("supervision:meeting_pack_pdf", args=[november.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = "".join(page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(response.content)).pages)
    squeezed = "".join(text.split())
    assert "收件与办结" in squeezed  # a chart's title, drawn as SVG text
    assert "按时办结率" in squeezed
    assert "A01" in squeezed


def test_r_mtg_2_the_pack_as_excel_one_sheet_per_table(hall: Any, november: Meeting, login: Any) -> None:
    with time_machine.travel(at(12, 2, 10), tick=False):
        response = login(hall.office).get(reverse("supervision:meeting_pack_xlsx", args=[november.pk]))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["办件", "考核得分", "考勤", "AB岗缺口", "说明"]
    cases = list(workbook["办件"].iter_rows(values_only=True))
    assert cases[0][:3] == ("窗口", "收件", "办结")
    assert ("A01 外经贸局窗口", 2, 2, 50.0, 1, 1) in cases


def test_r_mtg_2_bar_chart_svg_draws_bars_axis_and_escaped_chinese_labels() -> None:
    svg = bar_chart_svg(
        title="收件与办结",
        labels=["A01", "B<02>"],
        series=[Series("收件", [3, 0]), Series("办结", [2, None])],
    )
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count("<rect") == 3 + 2  # three bars (None draws none) and two legend keys
    assert "收件与办结" in svg and "B&lt;02&gt;" in svg
    assert (nice_max(0), nice_max(3), nice_max(37), nice_max(100)) == (1.0, 5.0, 50.0, 100.0)
