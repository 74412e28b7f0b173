"""Reading the calendar: the `WorkCalendar` of a centre (cached) and its working hours (R-CLK-1, R-CLK-3, R-CLK-7).

Caching: building a calendar costs two small queries, and every deadline needs one, so each process keeps the
calendars it built, keyed by centre. A cached calendar is used only while both of these are unchanged:

- the process's own version counter, bumped by `workdays.services` on every write (so a change made in this
  process is seen at once, even inside the writing transaction), and
- a generation number kept in Django's cache (shared by every process when the cache is Redis), bumped by the
  same writes after they commit. It is read at most once every `SHARED_CHECK_SECONDS` per process, so other
  processes see a change within that time, at the cost of one cache read per interval.
"""

from __future__ import annotations

import threading
import time as _time
from dataclasses import dataclass
from datetime import date

from django.core.cache import cache
from django.db.models import Q, QuerySet

from common.models import HistoryEntry
from org.models import Center
from policy.registry import KEYS
from policy.selectors import policy_table

from .clock import WorkCalendar, WorkingHours, parse_hhmm, parse_month_day, working_hours_on
from .models import CalendarDay, CalendarYear, DayKind

GENERATION_KEY = "workdays:calendar:generation"
SHARED_CHECK_SECONDS = 1.0

_lock = threading.Lock()
_local_version = 0
_shared_generation: int | None = None
_shared_checked_at = float("-inf")
_calendars: dict[int | None, tuple[tuple[int, int | None], WorkCalendar]] = {}


def bump_calendar_version(*, shared: bool = True) -> None:
    """Forget every cached calendar in this process; with `shared`, in every other process too."""
    global _local_version, _shared_checked_at
    with _lock:
        _local_version += 1
        _calendars.clear()
        _shared_checked_at = float("-inf")
    if shared:
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:  # no such key yet
            cache.add(GENERATION_KEY, 1, timeout=None)


def clear_calendar_cache() -> None:
    """Forget the cached calendars of this process (tests call it: a rolled-back test leaves no trace)."""
    bump_calendar_version(shared=False)


def _current_generation() -> int | None:
    global _shared_generation, _shared_checked_at
    now = _time.monotonic()
    if now - _shared_checked_at >= SHARED_CHECK_SECONDS:
        _shared_generation = cache.get(GENERATION_KEY)
        _shared_checked_at = now
    return _shared_generation


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


def calendar_for(center: Center | None) -> WorkCalendar:
    """The working-day calendar of `center` (national only when None): national schedule + centre overrides."""
    center_id = None if center is None else center.pk
    stamp = (_local_version, _current_generation())
    hit = _calendars.get(center_id)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    calendar = _build(center_id)
    with _lock:
        if stamp[0] == _local_version:
            _calendars[center_id] = (stamp, calendar)
    return calendar


def working_hours_for(center: Center | None, on: date) -> WorkingHours:
    """The centre's hours on `on`, from its policy values in force that day (R-CLK-7). One query."""
    if center is None:
        values = {key: spec.default for key, spec in KEYS.items()}
    else:
        values = {row.key: row.value for row in policy_table(center, on)}
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
