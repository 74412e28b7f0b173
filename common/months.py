"""Calendar months as the pages name them: `?month=YYYY-MM`, and the links to the month before and after."""

from __future__ import annotations

from datetime import date


def parse_month(raw: str | None) -> tuple[int, int] | None:
    """(year, month) of `raw` written YYYY-MM with a year from 2000 to 2100, else None."""
    try:
        year, month = (int(part) for part in (raw or "").split("-"))
        date(year, month, 1)
    except ValueError:
        return None
    return (year, month) if 2000 <= year <= 2100 else None


def shift_month(year: int, month: int, by: int) -> str:
    """The month `by` months after (before, when negative) `year`-`month`, written YYYY-MM."""
    index = year * 12 + month - 1 + by
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def previous_month(day: date) -> tuple[int, int]:
    """(year, month) of the month before `day`'s."""
    return (day.year - 1, 12) if day.month == 1 else (day.year, day.month - 1)
