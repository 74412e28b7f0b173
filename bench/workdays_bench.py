"""Working-day arithmetic (`workdays.clock.WorkCalendar`) against a naive day-by-day loop. No database.

The calendar is built straight from the chinesecalendar package (2004–2026). The workload is random: mostly
limits of 1–250 working days accepted in 2025–2026, plus some multi-year spans accepted in 2005–2020, the
same inputs for both sides. Run alone with `python -m bench.workdays_bench`.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import date, timedelta

import chinese_calendar

from workdays.clock import WorkCalendar

ONE = timedelta(days=1)
SEED = 20260930


def _calendar() -> WorkCalendar:
    years = {d.year for d in chinese_calendar.holidays}
    return WorkCalendar(chinese_calendar.holidays, chinese_calendar.workdays, years)


class NaiveCalendar:
    """The obvious implementation: look at every day after the start until enough working days are seen."""

    def __init__(self, calendar: WorkCalendar):
        self.holidays = set(calendar.holidays)
        self.workdays = set(calendar.workdays)

    def is_working_day(self, d: date) -> bool:
        if d.weekday() < 5:
            return d not in self.holidays
        return d in self.workdays

    def add_working_days(self, start: date, days: int) -> date:
        d = start
        if days == 0:
            while not self.is_working_day(d):
                d += ONE
            return d
        while days:
            d += ONE
            if self.is_working_day(d):
                days -= 1
        return d


def workload(count: int, seed: int = SEED) -> list[tuple[date, int]]:
    """`count` (start, days) pairs: 80% short limits in 2025–2026, 20% multi-year spans."""
    rng = random.Random(seed)
    short_first, short_span = date(2025, 1, 1), (date(2026, 6, 30) - date(2025, 1, 1)).days
    long_first, long_span = date(2005, 1, 1), (date(2020, 12, 31) - date(2005, 1, 1)).days
    pairs = []
    for _ in range(count):
        if rng.random() < 0.8:
            pairs.append((short_first + timedelta(days=rng.randrange(short_span)), rng.randint(1, 250)))
        else:
            pairs.append((long_first + timedelta(days=rng.randrange(long_span)), rng.randint(251, 1250)))
    return pairs


def _ops_per_second(
    func: Callable[[date, int], object], pairs: list[tuple[date, int]], min_seconds: float
) -> float:
    """Run `func` over `pairs` (repeatedly) for at least `min_seconds`; the best rate of the rounds."""
    best = 0.0
    spent = 0.0
    while spent < min_seconds:
        began = time.perf_counter()
        for start, days in pairs:
            func(start, days)
        elapsed = time.perf_counter() - began
        spent += elapsed
        best = max(best, len(pairs) / elapsed)
    return best


def run(min_seconds: float = 1.0) -> list[tuple[str, float]]:
    """[(name, value)]: ops/s of the clock, of the naive loop, and their ratio."""
    calendar = _calendar()
    naive = NaiveCalendar(calendar)
    pairs = workload(2000)
    for start, days in pairs[:300]:  # both sides must agree before their speed means anything
        assert calendar.add_working_days(start, days).date == naive.add_working_days(start, days)
    fast = _ops_per_second(calendar.add_working_days, pairs, min_seconds)
    slow = _ops_per_second(naive.add_working_days, pairs, min_seconds)
    return [
        ("workdays.add_working_days ops/s", fast),
        ("naive ops/s", slow),
        ("ratio", fast / slow),
    ]


def main() -> None:
    figures = dict(run())
    fast, slow, ratio = figures["workdays.add_working_days ops/s"], figures["naive ops/s"], figures["ratio"]
    print(f"workdays.add_working_days: {fast:,.0f} ops/s vs naive {slow:,.0f} ops/s = {ratio:.1f}x")


if __name__ == "__main__":
    main()
