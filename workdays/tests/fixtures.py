"""Test fixtures of the calendar, for every app's tests.

`national_calendar` seeds the national schedule of 2025–2026 from the chinesecalendar package and returns the
national `WorkCalendar`. Import it into a test module with
`from workdays.tests.fixtures import national_calendar  # noqa: F401`.

`fresh_calendar_cache` (autouse where this module is a plugin) forgets the calendars cached in this process
before each test: the database is rolled back between tests, the process cache is not.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from workdays.clock import WorkCalendar
from workdays.selectors import calendar_for, clear_calendar_cache
from workdays.services import seed_national_calendar


@pytest.fixture(autouse=True)
def fresh_calendar_cache() -> Iterator[None]:
    clear_calendar_cache()
    yield
    clear_calendar_cache()


@pytest.fixture
def national_calendar(db: Any) -> Iterator[WorkCalendar]:
    clear_calendar_cache()
    seed_national_calendar(years=[2025, 2026])
    yield calendar_for(None)
    clear_calendar_cache()
