"""Writes to the calendar, and the clock's entry points for other apps (R-CLK-1, R-CLK-2, R-CLK-3, R-CLK-7).

Other apps compute deadlines with `add_working_days(center=…, start=…, days=…)`; they never build a
`WorkCalendar` themselves. Every write here records a history entry, invalidates the cached calendars and
rederives every unfinished working-day timer (`workdays.timers`) and tells the listeners of `workdays.hooks`, in
the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import RuleViolation
from common.history import record
from common.i18n import stored
from org.models import Center

from . import hooks
from .calendar_file import KINDS, NAME_MAX, Entry
from .clock import Deadline, within_working_hours
from .models import CalendarDay, CalendarYear, DayKind
from .selectors import bump_calendar_version, calendar_for, working_hours_for
from .timers import timers_recompute_for_center

RULE_DATA = "R-CLK-3"
MIN_YEAR, MAX_YEAR = 1990, 2100
SATURDAY = 5
PACKAGE_SOURCE = "chinesecalendar {version}（国务院办公厅节假日安排）"


# --- the clock -----------------------------------------------------------------------------------------


def add_working_days(*, center: Center | None, start: date, days: int) -> Deadline:
    """The deadline `days` working days after `start` at `center` (R-CLK-1, R-CLK-2; provisional: R-CLK-3)."""
    if days < 0:
        raise RuleViolation("R-CLK-2", _("时限天数不能为负数。"), field="days")
    try:
        return calendar_for(center).add_working_days(start, days)
    except (OverflowError, ValueError):
        raise RuleViolation("R-CLK-2", _("时限过长，超出可计算的日期范围。"), field="days") from None


def is_within_working_hours(*, center: Center, moment: datetime) -> bool:
    """Whether an aware `moment` falls in the centre's working hours on a working day (R-CLK-7)."""
    local = timezone.localtime(moment)
    day = local.date()
    return within_working_hours(
        local, working_hours_for(center, day), calendar_for(center).is_working_day(day)
    )


# --- writing the calendar ------------------------------------------------------------------------------


def _invalidate() -> None:
    bump_calendar_version()  # this process sees the change at once, inside the transaction too
    transaction.on_commit(bump_calendar_version)  # and no process keeps a calendar read before the commit


def _check_year(year: int, field: str = "year") -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise RuleViolation(
            RULE_DATA, _("年份须在 %(min)s–%(max)s 之间。") % {"min": MIN_YEAR, "max": MAX_YEAR}, field=field
        )


def _is_plain(day: date, kind: str) -> bool:
    """A row that only restates the plain week: a weekend holiday, or a Monday–Friday working day."""
    weekend = day.weekday() >= SATURDAY
    return (kind == DayKind.HOLIDAY) == weekend


def _validated_entries(year: int, entries: Iterable[Entry]) -> dict[date, tuple[str, str]]:
    found: dict[date, tuple[str, str]] = {}
    for number, (day, kind, name) in enumerate(entries, start=1):
        if not isinstance(day, date) or isinstance(day, datetime):
            raise RuleViolation(
                RULE_DATA, _("第%(number)s条：日期无效。") % {"number": number}, field="entries"
            )
        if day.year != year:
            raise RuleViolation(
                RULE_DATA,
                _("第%(number)s条：日期 %(day)s 不在 %(year)s 年内。")
                % {"number": number, "day": day, "year": year},
                field="entries",
            )
        if kind not in KINDS:
            raise RuleViolation(
                RULE_DATA,
                _("第%(number)s条：类别“%(kind)s”无效。") % {"number": number, "kind": kind},
                field="entries",
            )
        if len(name) > NAME_MAX:
            raise RuleViolation(
                RULE_DATA,
                _("第%(number)s条：名称过长（最多%(name_max)s个字）。")
                % {"number": number, "name_max": NAME_MAX},
                field="entries",
            )
        if day in found:
            raise RuleViolation(
                RULE_DATA,
                _("第%(number)s条：日期 %(day)s 重复。") % {"number": number, "day": day},
                field="entries",
            )
        found[day] = (kind, name)
    return found


def _as_row(day: date, kind: str, name: str) -> list[str]:
    return [day.isoformat(), kind, name]


def calendar_load_year(
    *,
    actor: Any,
    year: int,
    entries: list[tuple[date, str, str]],
    source: str,
    center: Center | None = None,
) -> CalendarYear:
    """Load (or reload) one year's schedule, nationally or for one centre (R-CLK-3).

    `entries` are `(date, "holiday" | "workday", name)`. The national calendar stores only exceptions to the
    plain week (a weekday holiday, a weekend working day): rows restating the plain week, which official
    notices list as part of a holiday range, are accepted and not stored. A centre stores every row, since
    each overrides the national day on that date. Reloading replaces the year's rows of that scope: the
    history entry lists what was added, removed and changed.
    """
    _check_year(year)
    source = source.strip()
    if not source:
        raise RuleViolation(RULE_DATA, _("请注明日历来源（如国务院办公厅通知文号）。"), field="source")
    if len(source) > 200:
        raise RuleViolation(RULE_DATA, _("来源过长（最多200个字）。"), field="source")
    wanted = _validated_entries(year, entries)
    if center is None:
        wanted = {d: v for d, v in wanted.items() if not _is_plain(d, v[0])}

    with transaction.atomic():
        existing = {row.date: row for row in CalendarDay.objects.filter(center=center, date__year=year)}
        before = {d: (row.kind, row.name) for d, row in existing.items()}
        added = sorted(d for d in wanted if d not in existing)
        removed = sorted(d for d in existing if d not in wanted)
        changed = sorted(
            d for d in wanted if d in existing and (existing[d].kind, existing[d].name) != wanted[d]
        )
        CalendarDay.objects.bulk_create(
            [
                CalendarDay(center=center, date=d, kind=wanted[d][0], name=wanted[d][1], source=source)
                for d in added
            ]
        )
        for d in changed:
            day_row = existing[d]
            day_row.kind, day_row.name = wanted[d]
            day_row.source = source
            day_row.save(update_fields=["kind", "name", "source"])
        if removed:
            # The year's official list replaces the old one; the history entry keeps every removed row.
            CalendarDay.objects.filter(pk__in=[existing[d].pk for d in removed]).delete()

        calendar_year = CalendarYear.objects.filter(center=center, year=year).first()
        old_source = calendar_year.source if calendar_year else ""
        if calendar_year is None:
            calendar_year = CalendarYear.objects.create(center=center, year=year, source=source)
            action = "calendar_year_load"
        else:
            action = "calendar_year_reload"
            if calendar_year.source != source:
                calendar_year.source = source
                calendar_year.save(update_fields=["source"])

        record(
            subject=calendar_year,
            action=action,
            actor=actor,
            center=center,
            rule=RULE_DATA,
            changes={
                "year": year,
                "source": [old_source, source],
                "added": [_as_row(d, *wanted[d]) for d in added],
                "removed": [_as_row(d, *before[d]) for d in removed],
                "changed": [[_as_row(d, *before[d]), _as_row(d, *wanted[d])] for d in changed],
            },
        )
        _invalidate()
        if added or removed or changed or action == "calendar_year_load":
            # Derived dates (timers' deadlines) follow, in this transaction (see workdays.hooks).
            _calendar_changed(center, reason=f"日历变更：载入{year}年节假日安排（{source}）")
    return calendar_year


def calendar_day_set(
    *, actor: Any, center: Center | None, day: date, kind: str, name: str, reason: str = ""
) -> CalendarDay:
    """Declare one date a holiday or a working day, nationally (`center` None) or for one centre (R-CLK-3).

    A centre's row overrides the national day on that date, for that centre only. Setting the kind the
    date already has changes nothing.
    """
    _check_year(day.year, field="day")
    if kind not in KINDS:
        raise RuleViolation(RULE_DATA, _("类别须为“休息日”或“调休上班”。"), field="kind")
    name = name.strip()
    if len(name) > NAME_MAX:
        raise RuleViolation(
            RULE_DATA, _("名称过长（最多%(name_max)s个字）。") % {"name_max": NAME_MAX}, field="name"
        )
    with transaction.atomic():
        row = CalendarDay.objects.select_for_update().filter(center=center, date=day).first()
        if row is not None and row.kind == kind and row.name == name:
            return row
        old_kind, old_name = (row.kind, row.name) if row else ("", "")
        if row is None:
            row = CalendarDay.objects.create(center=center, date=day, kind=kind, name=name, source="人工设置")
            action = "calendar_day_add"
        else:
            row.kind, row.name, row.source = kind, name, "人工设置"
            row.save(update_fields=["kind", "name", "source"])
            action = "calendar_day_change"
        record(
            subject=row,
            action=action,
            actor=actor,
            center=center,
            rule=RULE_DATA,
            reason=reason,
            changes={
                "date": day,
                "kind": [old_kind, kind],
                "name": [old_name, name],
            },
        )
        _invalidate()
        _calendar_changed(
            center,
            reason=f"日历变更：{day.isoformat()} 设为{stored(DayKind(kind).label)}"
            + (f"（{name}）" if name else ""),
        )
    return row


def _calendar_changed(center: Center | None, *, reason: str) -> None:
    """Inside the calendar write's transaction: every unfinished timer of the centre (every centre for the
    national schedule) is rederived, its owner writing each moved deadline into the subject's history; then the
    listeners of `workdays.hooks` hear of the change."""
    timers_recompute_for_center(center=center, reason=reason)
    hooks.calendar_changed(center, reason=reason)


# --- seeding from the chinesecalendar package ----------------------------------------------------------


def package_years() -> range:
    """The years the installed chinesecalendar package covers."""
    import chinese_calendar

    years = {d.year for d in chinese_calendar.holidays}
    return range(min(years), max(years) + 1)


def package_entries(year: int) -> list[Entry]:
    """The national exceptions of `year` from the chinesecalendar package: weekday holidays (with the
    festival's Chinese name) and weekend working days."""
    import chinese_calendar
    from chinese_calendar import Holiday

    def chinese(value: str) -> str:
        try:
            return str(Holiday(value).chinese)
        except ValueError:
            return str(value)

    entries: list[Entry] = []
    for day, value in chinese_calendar.holidays.items():
        if day.year == year and day.weekday() < SATURDAY:
            entries.append((day, DayKind.HOLIDAY.value, chinese(value)))
    for day, value in chinese_calendar.workdays.items():
        if day.year == year and day.weekday() >= SATURDAY:
            entries.append((day, DayKind.WORKDAY.value, f"{chinese(value)}调休上班"))
    return sorted(entries)


def seed_national_calendar(*, years: Iterable[int] | None = None) -> int:
    """Load the national schedule of `years` (default: every year the package covers) from the
    chinesecalendar package. Idempotent: a year already loaded with the same rows is not touched.
    Returns the number of years loaded or changed."""
    import chinese_calendar

    covered = package_years()
    wanted_years = sorted(set(covered if years is None else years))
    for year in wanted_years:
        if year not in covered:
            raise RuleViolation(
                RULE_DATA,
                _("内置节假日数据只覆盖 %(first)s–%(last)s 年；%(year)s 年请用文件载入。")
                % {"first": covered.start, "last": covered.stop - 1, "year": year},
                field="years",
            )
    source = PACKAGE_SOURCE.format(version=getattr(chinese_calendar, "__version__", ""))
    loaded_or_changed = 0
    for year in wanted_years:
        entries = package_entries(year)
        stored = set(
            CalendarDay.objects.filter(center=None, date__year=year).values_list("date", "kind", "name")
        )
        if CalendarYear.objects.filter(center=None, year=year).exists() and stored == set(entries):
            continue
        calendar_load_year(actor=None, year=year, entries=entries, source=source)
        loaded_or_changed += 1
    return loaded_or_changed
