"""A centre with a registered terminal and two mapped PINs, set up through the services as the office would."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
import time_machine

from staffing import services
from staffing.models import Terminal

from .helpers import MAPPED_SINCE, SERIAL, at


@dataclass
class Site:
    hall: Any
    terminal: Terminal


@pytest.fixture
def site(hall: Any, national_calendar: Any) -> Site:
    """The hall's terminal at the entrance; the clerk clocks as PIN 1001, the backup as 1002."""
    office = hall.office.user
    with time_machine.travel(at(2026, 12, 1), tick=False):
        terminal = services.terminal_register(
            actor=office, center=hall.center, serial=SERIAL, name="大厅入口"
        )
        services.pin_map(actor=office, staff=hall.clerk, pin="1001", valid_from=MAPPED_SINCE)
        services.pin_map(actor=office, staff=hall.backup, pin="1002", valid_from=MAPPED_SINCE)
    return Site(hall=hall, terminal=terminal)
