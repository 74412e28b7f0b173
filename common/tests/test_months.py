"""Months as the pages name them (`common.months`)."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from common.months import parse_month, previous_month, shift_month


def test_a_month_is_read_only_as_yyyy_mm_within_the_years_served() -> None:
    assert parse_month("2026-02") == (2026, 2)
    for bad in (None, "", "2026", "2026-13", "2026-00", "26-1x", "1999-12", "2101-01", "2026-02-01"):
        assert parse_month(bad) is None


def test_the_month_before_january_is_the_last_december() -> None:
    assert previous_month(date(2026, 1, 15)) == (2025, 12)
    assert previous_month(date(2026, 3, 1)) == (2026, 2)


@given(st.integers(2005, 2095), st.integers(1, 12), st.integers(-48, 48))
def test_shifting_a_month_and_back_is_the_same_month(year: int, month: int, by: int) -> None:
    there = parse_month(shift_month(year, month, by))
    assert there is not None
    assert parse_month(shift_month(*there, -by)) == (year, month)
    assert shift_month(year, month, 0) == f"{year:04d}-{month:02d}"
