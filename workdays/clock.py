"""The working-day clock (R-CLK-1, R-CLK-2, R-CLK-3, R-CLK-7): pure arithmetic, no ORM.

A `WorkCalendar` holds only the exceptions to the plain Monday–Friday week: holidays that fall on a weekday and
adjusted working days (调休上班) that fall on a weekend. Counting never walks day by day:

- the number of weekdays up to a date is closed-form arithmetic on the date's ordinal (5 per whole week);
- the exceptions up to a date are found by binary search (`bisect`) in two sorted lists;

so `count_working_days` is O(log n) in the number of exceptions, and `add_working_days` jumps to the right
weekday arithmetically, then corrects for the exceptions it jumped over with a few more O(log n) steps.

Past the years whose official schedule is loaded, only weekends count as rest days and a deadline reaching there
is flagged provisional (R-CLK-3).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

SATURDAY = 5


def _weekdays_through(ordinal: int) -> int:
    """Monday–Friday days with ordinal in [1, ordinal]. Ordinal 1 (0001-01-01) is a Monday."""
    weeks, rest = divmod(ordinal, 7)
    return 5 * weeks + min(rest, 5)


def _first_ordinal_with_weekdays(count: int) -> int:
    """The smallest ordinal n with `_weekdays_through(n) >= count` (a weekday); `count` >= 1."""
    weeks, rest = divmod(count - 1, 5)
    return 7 * weeks + rest + 1


@dataclass(frozen=True)
class Deadline:
    """A computed deadline: the last working day of a limit, and whether it relied on an unloaded year."""

    date: date
    provisional: bool


class WorkCalendar:
    """The working days of one centre: the plain week, minus holidays, plus adjusted working days.

    Only weekdays of `holidays` and weekend days of `workdays` are kept: other dates restate the plain week and
    are ignored, so the two lists can never contradict each other. The caller decides which of two sources
    wins on a date (a centre over the nation) before building the calendar.
    """

    __slots__ = ("_holiday_ordinals", "_holiday_set", "_holidays", "_loaded", "_workday_set", "_workdays")

    def __init__(self, holidays: Iterable[date], workdays: Iterable[date], loaded_years: Iterable[int]):
        holiday_set = frozenset(d for d in holidays if d.weekday() < SATURDAY)
        workday_set = frozenset(d for d in workdays if d.weekday() >= SATURDAY)
        self._holiday_set = holiday_set
        self._workday_set = workday_set
        self._holiday_ordinals = frozenset(d.toordinal() for d in holiday_set)
        self._holidays = sorted(self._holiday_ordinals)
        self._workdays = sorted(d.toordinal() for d in workday_set)
        self._loaded = frozenset(loaded_years)

    # --- what the calendar holds -----------------------------------------------------------------------

    @property
    def loaded_years(self) -> frozenset[int]:
        return self._loaded

    @property
    def holidays(self) -> frozenset[date]:
        """The weekday holidays (the weekend is not listed)."""
        return self._holiday_set

    @property
    def workdays(self) -> frozenset[date]:
        """The weekend days declared working days."""
        return self._workday_set

    def is_working_day(self, d: date) -> bool:
        if d.weekday() < SATURDAY:
            return d not in self._holiday_set
        return d in self._workday_set

    def is_provisional(self, d: date) -> bool:
        """True when `d` lies in a year whose official schedule is not loaded (R-CLK-3)."""
        return d.year not in self._loaded

    # --- counting --------------------------------------------------------------------------------------

    def _working_through(self, ordinal: int) -> int:
        """Working days with ordinal in [1, ordinal]: a cumulative count, so differences count spans."""
        return (
            _weekdays_through(ordinal)
            - bisect_right(self._holidays, ordinal)
            + bisect_right(self._workdays, ordinal)
        )

    def count_working_days(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end`; 0 when `end` <= `start`."""
        if end <= start:
            return 0
        return self._working_through(end.toordinal()) - self._working_through(start.toordinal())

    def _nth_working_day_after(self, start: date, days: int) -> date:
        """The `days`-th working day after `start` (`days` >= 1)."""
        holidays, workdays = self._holidays, self._workdays
        low = start.toordinal()  # the count there is below the target
        weekdays = _weekdays_through(low)
        target = weekdays - bisect_right(holidays, low) + bisect_right(workdays, low) + days
        # Jump as if every weekday were a working day, then jump again by what the holidays took away. `high`
        # is the first ordinal with `weekdays` weekdays, so it is a weekday and the count there is exact.
        # After the first correction the jumps at least double, so that even an endless run of holidays takes
        # O(log n) jumps; overshooting is harmless, the search below comes back.
        weekdays += days
        step = 0
        while True:
            high = _first_ordinal_with_weekdays(weekdays)
            reached = weekdays - bisect_right(holidays, high) + bisect_right(workdays, high)
            if reached >= target:
                break
            low = high
            step = max(target - reached, 2 * step)
            weekdays += step
        # Adjusted working days may have let the count reach the target earlier: the first ordinal whose count
        # reaches it lies in (low, high]; when `high` is a working day with the exact count, it is it.
        if reached != target or high in self._holiday_ordinals:
            while high - low > 1:
                middle = (low + high) // 2
                if self._working_through(middle) >= target:
                    high = middle
                else:
                    low = middle
        return date.fromordinal(high)

    def next_working_day(self, d: date) -> date:
        """`d` itself when it is a working day, else the first working day after it."""
        return d if self.is_working_day(d) else self._nth_working_day_after(d, 1)

    def add_working_days(self, start: date, days: int) -> Deadline:
        """The deadline of a limit of `days` working days accepted on `start` (R-CLK-1, R-CLK-2).

        The acceptance day is not counted; 0 days means the acceptance day itself, or the next working day
        when it is not one: a deadline never falls on a non-working day. Provisional when any day the count
        ran over lies in a year that is not loaded (R-CLK-3).
        """
        if days < 0:
            raise ValueError("days must not be negative")
        if days == 0:
            end = self.next_working_day(start)
            first = start
        else:
            end = self._nth_working_day_after(start, days)
            first = start + timedelta(days=1)
        return Deadline(end, self.is_span_provisional(first, end))

    def is_span_provisional(self, first: date, last: date) -> bool:
        """True when any day of [first, last] lies in a year that is not loaded (R-CLK-3)."""
        if first.year == last.year:
            return first.year not in self._loaded
        return any(year not in self._loaded for year in range(first.year, last.year + 1))


# --- working hours (R-CLK-7) ---------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkingHours:
    """The two sittings of one day (already shifted for summer when it applies)."""

    morning_start: time
    morning_end: time
    afternoon_start: time
    afternoon_end: time
    summer: bool = False

    def __str__(self) -> str:
        return (
            f"{self.morning_start:%H:%M}–{self.morning_end:%H:%M}，"
            f"{self.afternoon_start:%H:%M}–{self.afternoon_end:%H:%M}"
        )


def parse_hhmm(value: str) -> time:
    """'08:30' -> time(8, 30); ValueError otherwise."""
    hours, sep, minutes = value.partition(":")
    if not sep or len(hours) != 2 or len(minutes) != 2 or not (hours + minutes).isdigit():
        raise ValueError(f"not HH:MM: {value!r}")
    return time(int(hours), int(minutes))


def parse_month_day(value: str) -> tuple[int, int]:
    """'05-01' -> (5, 1), checked against a leap year so that 02-29 is allowed; ValueError otherwise."""
    month, sep, day = value.partition("-")
    if not sep or len(month) != 2 or len(day) != 2 or not (month + day).isdigit():
        raise ValueError(f"not MM-DD: {value!r}")
    date(2000, int(month), int(day))
    return int(month), int(day)


def _shift(t: time, minutes: int) -> time:
    total = min(t.hour * 60 + t.minute + minutes, 23 * 60 + 59)
    return time(total // 60, total % 60)


def in_summer(on: date, summer_start: tuple[int, int], summer_end: tuple[int, int]) -> bool:
    """Whether `on` falls in the summer timetable, both ends included (a range may run over New Year)."""
    key = (on.month, on.day)
    if summer_start <= summer_end:
        return summer_start <= key <= summer_end
    return key >= summer_start or key <= summer_end


def working_hours_on(
    on: date,
    *,
    morning_start: time,
    morning_end: time,
    afternoon_start: time,
    afternoon_end: time,
    summer_shift_minutes: int,
    summer_start: tuple[int, int],
    summer_end: tuple[int, int],
) -> WorkingHours:
    """The hours of `on`: in summer the afternoon starts and ends `summer_shift_minutes` later (R-CLK-7)."""
    summer = in_summer(on, summer_start, summer_end)
    shift = summer_shift_minutes if summer else 0
    return WorkingHours(
        morning_start, morning_end, _shift(afternoon_start, shift), _shift(afternoon_end, shift), summer
    )


def within_working_hours(moment_local: datetime, hours: WorkingHours, is_working_day: bool) -> bool:
    """Whether a local wall-clock moment is inside a sitting of a working day (start included, end not)."""
    if not is_working_day:
        return False
    t = moment_local.time()
    return hours.morning_start <= t < hours.morning_end or hours.afternoon_start <= t < hours.afternoon_end
