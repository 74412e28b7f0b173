"""The monthly meeting's pack (R-MTG-2): for the month before the meeting, per window, the cases received and
completed, the on-time rate, the cases that fell overdue, the complaints (a count: never the complainant), the
assessment scores of its staff, their attendance marks, and the A/B gaps.

Sources, each read once for the centre (a fixed number of queries whatever its size):

- cases: `cases.Case` received (`received_at`) and completed (decided, `decided_at`) in the month; on time when
  the case's timer finished on or before its deadline (the rate is over the completed cases that had a deadline);
- overdue: `cases.Overdue`, the cases whose timer fell overdue in the month (R-CLK-9);
- complaints: `supervision.Complaint` registered in the month against the window;
- assessment: `supervision.selectors.assessment_month.assessment_sheet` (stored once the month is closed, a
  preview before);
- attendance: `staffing.selectors_facts.attendance_facts` (late, left early, days absent without leave);
- A/B gaps: the posts with no B at the end of the month (`org.selectors.post_board`), and the days someone of the
  window was away while nobody covered their post (`off_post_days` of the attendance facts: all the Bs away too).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone

from org.models import Center, StaffProfile
from org.selectors import post_board
from staffing.selectors_facts import attendance_facts

from .assessment_month import assessment_sheet
from .figures import WindowFigures, figures_chart_data, window_figures


@dataclass
class StaffScore:
    staff_id: int
    name: str
    score: Decimal


@dataclass
class PackWindow(WindowFigures):
    """A window's month in the pack: its figures (`figures.window_figures`) and its people's."""

    scores: list[StaffScore] = field(default_factory=list)
    late: int = 0
    left_early: int = 0
    absent_days: int = 0
    posts_without_b: list[str] = field(default_factory=list)
    uncovered_days: int = 0

    @property
    def average_score(self) -> Decimal | None:
        if not self.scores:
            return None
        total = sum((s.score for s in self.scores), Decimal(0))
        return (total / len(self.scores)).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class Pack:
    center: Center
    year: int
    month: int
    assessment_closed: bool
    windows: list[PackWindow]

    def chart_data(self) -> dict[str, Any]:
        """The numbers the charts draw, as plain JSON (the page's ECharts and the PDF's SVG read the same)."""

        return {
            **figures_chart_data(list(self.windows)),
            "average_score": [float(a) if (a := w.average_score) is not None else None for w in self.windows],
            "late": [w.late for w in self.windows],
            "left_early": [w.left_early for w in self.windows],
            "absent_days": [w.absent_days for w in self.windows],
        }


def previous_month(year: int, month: int) -> tuple[int, int]:
    first = date(year, month, 1) - timedelta(days=1)
    return first.year, first.month


def _bounds(year: int, month: int) -> tuple[date, date, datetime, datetime]:
    first = date(year, month, 1)
    after = (first + timedelta(days=32)).replace(day=1)
    tz = timezone.get_current_timezone()
    return (
        first,
        after,
        datetime.combine(first, time.min, tzinfo=tz),
        datetime.combine(after, time.min, tzinfo=tz),
    )


def meeting_pack(center: Center, year: int, month: int, *, today: date) -> Pack:
    """The pack of `year`-`month` (the month covered, the one before the meeting) for every active window."""
    first, after, _start, end = _bounds(year, month)
    figures = window_figures(center, first, after - timedelta(days=1), make=PackWindow)
    rows = {w.window.pk: w for w in figures}

    def row(window_id: int | None) -> PackWindow | None:
        return rows.get(window_id) if window_id is not None else None

    # The assessment scores of the window's staff (the sheet of the month: stored once closed).
    sheet = assessment_sheet(center, year, month, today=today)
    for line in sheet.rows:
        if (target := row(line.staff.window_id)) is not None:
            target.scores.append(StaffScore(line.staff.pk, line.staff.name, line.total))
    # Attendance marks, by the window each person works at.
    window_of = dict(
        StaffProfile.objects.filter(center=center, window__isnull=False).values_list("pk", "window_id")
    )
    uncovered: dict[int, int] = defaultdict(int)
    for facts in attendance_facts(center, year, month):
        if (target := row(window_of.get(facts.staff_id))) is not None:
            target.late += facts.late
            target.left_early += facts.left_early
            target.absent_days += facts.absent_days
            uncovered[target.window.pk] += facts.off_post_days
    for window_id, days in uncovered.items():
        rows[window_id].uncovered_days = days
    # Posts with no B at the end of the month (or now, for the month running).
    moment = min(end - timedelta(seconds=1), timezone.now())
    for board_row in post_board(center, moment):
        if not board_row.backups and (target := row(board_row.post.window_id)) is not None:
            target.posts_without_b.append(board_row.post.name)
    return Pack(center, year, month, sheet.closed is not None, figures)
