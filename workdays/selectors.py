"""Reading the calendar: the `WorkCalendar` of a centre (cached) and its working hours (R-CLK-1, R-CLK-3, R-CLK-7).

Caching: building a calendar costs two small queries, and every deadline needs one, so each process keeps the
calendars it built, keyed by centre (`common.process_cache.ProcessCache`): a calendar write in this process is
seen at once, one in another process within a second.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from common.models import HistoryEntry
from common.process_cache import ProcessCache
from org.models import Center
from policy.registry import KEYS
from policy.selectors import policy_values

from .clock import WorkCalendar, WorkingHours, parse_hhmm, parse_month_day, working_hours_on
from .models import CalendarDay, CalendarYear, DayKind
from .timer import yellow_threshold


def _build(center_id: int | None) -> WorkCalendar:
    """The national exceptions with the centre's own rows overriding them on the same date."""
    scope = Q(center=None) if center_id is None else Q(center=None) | Q(center_id=center_id)
    effective: dict[date, tuple[bool, str]] = {}  # date -> (is the centre's row, kind)
    for day, kind, own_center in CalendarDay.objects.filter(scope).values_list("date", "kind", "center_id"):
        is_own = own_center is not None
        if day not in effective or is_own:
            effective[day] = (is_own, kind)
    holidays = [d for d, (_own, kind) in effective.items() if kind == DayKind.HOLIDAY]
    workdays = [d for d, (_own, kind) in effective.items() if kind == DayKind.WORKDAY]
    years = CalendarYear.objects.filter(scope).values_list("year", flat=True)
    return WorkCalendar(holidays, workdays, set(years))


def _build_any(center_id: Any) -> WorkCalendar:
    return _build(center_id)


_calendars: ProcessCache[WorkCalendar] = ProcessCache("workdays:calendar", _build_any)
GENERATION_KEY = _calendars.generation_key


def bump_calendar_version(*, shared: bool = True) -> None:
    """Forget every cached calendar in this process; with `shared`, in every other process too."""
    _calendars.bump(shared=shared)


def clear_calendar_cache() -> None:
    """Forget the cached calendars of this process (tests call it: a rolled-back test leaves no trace)."""
    _calendars.clear()


def calendar_for(center: Center | None) -> WorkCalendar:
    """The working-day calendar of `center` (national only when None): national schedule + centre overrides."""
    return _calendars.get(None if center is None else center.pk)


HOUR_KEYS = (
    "morning_start",
    "morning_end",
    "afternoon_start",
    "afternoon_end",
    "summer_shift_minutes",
    "summer_start",
    "summer_end",
)


def yellow_days_for(*, center: Center, limit_days: int, on: date) -> int:
    """The yellow threshold (R-CLK-6) of a working-day limit started on `on`, from the centre's policy in force
    that day: every timer (a case, a department's lane, an action item, an agency task) warns alike."""
    values = policy_values(center, ["yellow_min_days", "yellow_ratio_percent"], on)
    return yellow_threshold(
        limit_days=limit_days,
        yellow_min_days=int(values["yellow_min_days"]),
        yellow_ratio_percent=int(values["yellow_ratio_percent"]),
    )


def working_hours_for(center: Center | None, on: date) -> WorkingHours:
    """The centre's hours on `on`, from its policy values in force that day (R-CLK-7); kept per process."""
    if center is None:
        values = {key: KEYS[key].default for key in HOUR_KEYS}
    else:
        values = policy_values(center, list(HOUR_KEYS), on)
    return working_hours_on(
        on,
        morning_start=parse_hhmm(values["morning_start"]),
        morning_end=parse_hhmm(values["morning_end"]),
        afternoon_start=parse_hhmm(values["afternoon_start"]),
        afternoon_end=parse_hhmm(values["afternoon_end"]),
        summer_shift_minutes=int(values["summer_shift_minutes"]),
        summer_start=parse_month_day(values["summer_start"]),
        summer_end=parse_month_day(values["summer_end"]),
    )


# --- pages ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadedYear:
    year: int
    national_source: str
    center_source: str


def loaded_years(center: Center | None) -> list[LoadedYear]:
    """The years loaded nationally or for the centre, with their sources."""
    national: dict[int, str] = {}
    own: dict[int, str] = {}
    scope = Q(center=None) if center is None else Q(center=None) | Q(center=center)
    for year, source, center_id in CalendarYear.objects.filter(scope).values_list(
        "year", "source", "center_id"
    ):
        (national if center_id is None else own)[year] = source
    return [LoadedYear(y, national.get(y, ""), own.get(y, "")) for y in sorted(national.keys() | own.keys())]


def year_days(center: Center | None, year: int) -> QuerySet[CalendarDay]:
    """The stored exceptions of `year`: national rows when `center` is None, else the centre's own rows."""
    rows = CalendarDay.objects.filter(date__year=year)
    return rows.filter(center=None) if center is None else rows.filter(center=center)


def calendar_history(center: Center | None, limit: int = 20) -> list[HistoryEntry]:
    """The latest calendar changes, national and the centre's own."""
    scope = Q(center=None) if center is None else Q(center=None) | Q(center=center)
    labels = [CalendarYear._meta.label_lower, CalendarDay._meta.label_lower]
    return list(
        HistoryEntry.objects.filter(scope, subject_type__in=labels)
        .select_related("actor__staff_profile")
        .order_by("-at", "-id")[:limit]
    )
