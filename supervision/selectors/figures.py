"""The centre's work over a period, per window and per day: what the supervision dashboard draws for the dates
chosen, and what the monthly meeting's pack (R-MTG-2) shows for its month.

- received: `cases.Case` received (`received_at`) in the period;
- completed: decided (`decided_at`) in the period; on time when the case's timer finished on or before its
  deadline (the rate is over the completed cases that had a deadline);
- overdue: `cases.Overdue`, the cases whose timer fell overdue in the period (R-CLK-9), by the window stored then;
- complaints: `supervision.Complaint` registered in the period against a window (a count: never the
  complainant, R-CMP-4);
- shuttles: the applicants' second visits caused by the administration (两头跑, R-CASE-12), by the case's window.

Each figure is one query grouped by the database over an index that starts with the centre and the date (so a
period costs what it holds, not what the centre's history holds); the days are the centre's calendar days.
A period is at most MAX_DAYS long. Callers scope the centre through `org.access` first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar

from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from cases.models import Case, Overdue, Visit
from common.periods import MAX_PERIOD_DAYS
from org.models import Center, Window

from ..models import Complaint

MAX_DAYS = MAX_PERIOD_DAYS  # the longest period the dashboard draws: a year


@dataclass
class WindowFigures:
    """One window's work in a period."""

    window: Window
    received: int = 0
    completed: int = 0
    on_time: int = 0
    timed: int = 0  # completed cases that had a deadline (the rate's denominator)
    overdue: int = 0
    complaints: int = 0
    shuttles: int = 0

    @property
    def on_time_rate(self) -> Decimal | None:
        """Percent, one decimal; None when nothing with a deadline was completed."""
        if not self.timed:
            return None
        return (Decimal(100 * self.on_time) / self.timed).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class DailySeries:
    """The centre's work day by day over a period, as the charts draw it."""

    days: list[date]
    received: list[int] = field(default_factory=list)
    completed: list[int] = field(default_factory=list)
    overdue: list[int] = field(default_factory=list)

    def chart_data(self) -> dict[str, Any]:
        return {
            "labels": [day.strftime("%m-%d") for day in self.days],
            "received": self.received,
            "completed": self.completed,
            "overdue": self.overdue,
        }


def day_start(day: date) -> datetime:
    """The first moment of `day` in the centre's time zone."""
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


Row = TypeVar("Row", bound=WindowFigures)


def window_figures(
    center: Center,
    first: date,
    last: date,
    *,
    make: Callable[[Window], Row] = WindowFigures,  # type: ignore[assignment]
) -> list[Row]:
    """Every active window of `center` with its figures from `first` to `last` (both included), in window
    order; `make` builds each row (the pack's rows carry more). Five grouped queries and the windows."""
    start, end = day_start(first), day_start(last + timedelta(days=1))
    windows = list(Window.objects.filter(center=center, is_active=True).order_by("number"))
    rows = {w.pk: make(w) for w in windows}
    cases = Case.objects.filter(center=center)
    grouped: list[tuple[str, Any]] = [
        ("received", cases.filter(received_at__gte=start, received_at__lt=end).values("window_id")),
        (
            "overdue",
            Overdue.objects.filter(center=center, overdue_on__gte=first, overdue_on__lte=last).values(
                "window_id"
            ),
        ),
        (
            "complaints",
            Complaint.objects.filter(
                center=center, received_on__gte=first, received_on__lte=last, window__isnull=False
            ).values("window_id"),
        ),
        (
            "shuttles",
            Visit.objects.filter(case__center=center, is_shuttle=True, at__gte=start, at__lt=end).values(
                window_id=F("case__window_id")
            ),
        ),
    ]
    for attribute, values in grouped:
        for window_id, n in values.annotate(n=Count("pk")).values_list("window_id", "n").order_by():
            if window_id in rows:
                setattr(rows[window_id], attribute, n)
    for window_id, n, timed, on_time in (
        cases.filter(decided_at__gte=start, decided_at__lt=end)
        .values("window_id")
        .annotate(
            n=Count("pk"),
            timed=Count("pk", filter=Q(timer__deadline__isnull=False, timer__finished_on__isnull=False)),
            on_time=Count("pk", filter=Q(timer__finished_on__lte=F("timer__deadline"))),
        )
        .values_list("window_id", "n", "timed", "on_time")
        .order_by()
    ):
        if window_id in rows:
            row = rows[window_id]
            row.completed, row.timed, row.on_time = n, timed, on_time
    return [rows[w.pk] for w in windows]


def daily_series(center: Center, first: date, last: date) -> DailySeries:
    """The centre's cases received, completed and fallen overdue on each day from `first` to `last`. Three
    grouped queries."""
    start, end = day_start(first), day_start(last + timedelta(days=1))
    tz = timezone.get_current_timezone()
    cases = Case.objects.filter(center=center)
    counts: dict[str, dict[date, int]] = {}
    for name, values in (
        (
            "received",
            cases.filter(received_at__gte=start, received_at__lt=end).values(
                day=TruncDate("received_at", tzinfo=tz)
            ),
        ),
        (
            "completed",
            cases.filter(decided_at__gte=start, decided_at__lt=end).values(
                day=TruncDate("decided_at", tzinfo=tz)
            ),
        ),
        (
            "overdue",
            Overdue.objects.filter(center=center, overdue_on__gte=first, overdue_on__lte=last).values(
                day=F("overdue_on")
            ),
        ),
    ):
        counts[name] = dict(values.annotate(n=Count("pk")).values_list("day", "n").order_by())
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return DailySeries(
        days=days,
        received=[counts["received"].get(day, 0) for day in days],
        completed=[counts["completed"].get(day, 0) for day in days],
        overdue=[counts["overdue"].get(day, 0) for day in days],
    )


def figures_chart_data(rows: list[WindowFigures]) -> dict[str, Any]:
    """The per-window numbers the charts draw, as plain JSON."""
    return {
        "labels": [w.window.number for w in rows],
        "names": [w.window.name for w in rows],
        "received": [w.received for w in rows],
        "completed": [w.completed for w in rows],
        "on_time_rate": [float(r) if (r := w.on_time_rate) is not None else None for w in rows],
        "overdue": [w.overdue for w in rows],
        "complaints": [w.complaints for w in rows],
        "shuttles": [w.shuttles for w in rows],
    }
