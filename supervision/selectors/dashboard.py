"""The supervision dashboard (issue 3, item 9): red and yellow cases by window (R-CLK-6), overdue cases with
the person responsible (R-CLK-9), repeated correction notices (R-CASE-2), shuttles (R-CASE-12), the leaders'
green-channel tracking list (R-CASE-11) and posts nobody could cover (R-ORG-6).

Everything over the centre's cases is counted by the database: the colours per window are one aggregate
query over the timers' stored `deadline`/`warn_from` (`cases.selectors.clock.annotate_warning`), and every list is
capped, so the page costs a fixed number of queries however many cases the centre holds. Callers scope the
centre through `org.access` first. Nothing here reads the applicant's personal data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone

from cases.models import Case, Notice, NoticeKind, Warning
from cases.selectors.clock import annotate_warning, overdue_row, red_cases
from cases.selectors.handling import leaders_tracking_list, shuttles
from cases.selectors.intake import extra_correction_notices
from org.models import Center, Post, Window
from org.selectors import posts_without_backup_on_duty
from workdays.models import TimerState, TimerWarning
from workdays.selectors import calendar_for

# How many rows each list shows at most (the totals are always exact).
OVERDUE_LIMIT = 200
CORRECTIONS_LIMIT = 100
SHUTTLES_LIMIT = 200
TRACKING_LIMIT = 200
WARNINGS_LIMIT = 200

COLOURS = (Warning.RED, Warning.YELLOW, Warning.GREEN, Warning.SUSPENDED)


@dataclass(frozen=True)
class WindowWarnings:
    """How many running cases of one window are of each colour on the dashboard's day (R-CLK-6)."""

    window: Window
    red: int
    yellow: int
    green: int
    suspended: int

    @property
    def total(self) -> int:
        return self.red + self.yellow + self.green + self.suspended


@dataclass(frozen=True)
class Listing:
    """The first `rows` of a list and how many there are in all."""

    rows: list[Any]
    total: int

    @property
    def capped(self) -> bool:
        return len(self.rows) < self.total


@dataclass(frozen=True)
class Dashboard:
    center: Center
    today: date
    windows: list[WindowWarnings]  # windows with at least one running case, in window order
    totals: dict[str, int]  # colour -> count over the whole centre
    overdue: Listing  # of OverdueRow, most overdue first
    corrections: Listing  # of Case annotated with correction_notices / extra_notices, noticed this month
    shuttles: Listing  # of Visit, this month
    tracking: Listing  # of Case annotated with `warning`: open green-channel cases
    gaps: list[Post]  # posts with no B on duty (R-ORG-6)
    warnings: Listing  # of TimerWarning: the month's warning records (R-DATA-3), latest first


def running_cases(center: Center) -> QuerySet[Case]:
    """The centre's cases whose clock runs or is stopped (accepted, in a special procedure, or reported up)."""
    return Case.objects.filter(center=center, timer__state__in=[TimerState.RUNNING, TimerState.STOPPED])


def window_warning_counts(center: Center, today: date) -> dict[int, dict[str, int]]:
    """{window id: {"red": n, "yellow": n, "green": n, "suspended": n}} of the centre's running cases on
    `today`. One aggregate query grouped by window and colour, evaluated entirely by the database; the result
    has at most four rows per window."""
    rows = (
        annotate_warning(running_cases(center), today)
        .values("window", "warning")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict[int, dict[str, int]] = {}
    for window_id, colour, n in rows.values_list("window", "warning", "n"):
        if colour:
            counts.setdefault(window_id, dict.fromkeys(map(str, COLOURS), 0))[colour] = n
    return counts


def window_warnings(center: Center, today: date) -> list[WindowWarnings]:
    """`window_warning_counts` with the windows themselves, in window-number order. Two queries."""
    counts = window_warning_counts(center, today)
    windows = Window.objects.in_bulk(list(counts))
    found = [
        WindowWarnings(
            window=windows[window_id],
            red=row[Warning.RED],
            yellow=row[Warning.YELLOW],
            green=row[Warning.GREEN],
            suspended=row[Warning.SUSPENDED],
        )
        for window_id, row in counts.items()
    ]
    return sorted(found, key=lambda w: (w.window.number, w.window.pk))


def overdue_listing(center: Center, today: date, *, total: int, limit: int = OVERDUE_LIMIT) -> Listing:
    """The `limit` most overdue cases (earliest deadline first) with their window, responsible person (as A
    or B) and the working days overdue (R-CLK-9); `total` is the centre's red count."""
    calendar = calendar_for(center)
    # The person is the one stored when the case fell overdue (cases.Overdue), as the assessment reads it.
    red = red_cases(center, today).prefetch_related("overdue__responsible")
    return Listing([overdue_row(case, calendar, today) for case in red[:limit]], total)


def repeated_corrections(center: Center, today: date) -> QuerySet[Case]:
    """`extra_correction_notices` (R-CASE-2) among the cases given a correction notice this month: found from
    the month's notices (few, through their index) rather than by grouping every notice of the centre's
    history (many)."""
    since = timezone.make_aware(datetime.combine(today.replace(day=1), time.min))
    this_month = Notice.objects.filter(
        center=center, kind=NoticeKind.CORRECTION, issued_at__gte=since
    ).values("case")
    return extra_correction_notices(center).filter(pk__in=this_month)


def warning_records(center: Center, first: date, last: date) -> QuerySet[TimerWarning]:
    """The warning records (R-DATA-3) of timers that turned yellow or red in [first, last], latest first, with
    their department and responsible person. Read through the (centre, day) index."""
    return (
        TimerWarning.objects.filter(center=center, turned_on__gte=first, turned_on__lte=last)
        .select_related("department", "responsible")
        .order_by("-turned_on", "-pk")
    )


def _listing(queryset: QuerySet[Any], limit: int) -> Listing:
    rows = list(queryset[: limit + 1])
    if len(rows) <= limit:
        return Listing(rows, len(rows))
    return Listing(rows[:limit], queryset.count())


def _moment_of(today: date) -> datetime:
    """Now when `today` is today, else mid-morning of `today` (so that a past or future day reads the same)."""
    now = timezone.now()
    if timezone.localdate(now) == today:
        return now
    return timezone.make_aware(datetime.combine(today, time(10, 0)))


def dashboard(center: Center, today: date, *, moment: datetime | None = None) -> Dashboard:
    """Everything the supervision dashboard shows for `center` on `today`; `moment` (default: now, or
    10:00 of `today` when it is another day) decides who is on duty for the gaps. A fixed number of queries
    whatever the number of cases."""
    moment = moment or _moment_of(today)
    windows = window_warnings(center, today)
    totals = {str(colour): sum(getattr(w, str(colour)) for w in windows) for colour in COLOURS}
    return Dashboard(
        center=center,
        today=today,
        windows=windows,
        totals=totals,
        overdue=overdue_listing(center, today, total=totals[Warning.RED]),
        corrections=_listing(repeated_corrections(center, today), CORRECTIONS_LIMIT),
        shuttles=_listing(shuttles(center, today), SHUTTLES_LIMIT),
        tracking=_listing(annotate_warning(leaders_tracking_list(center), today), TRACKING_LIMIT),
        gaps=posts_without_backup_on_duty(center, moment),
        warnings=_listing(warning_records(center, today.replace(day=1), today), WARNINGS_LIMIT),
    )
