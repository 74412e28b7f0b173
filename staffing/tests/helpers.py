"""What the staffing tests share: the terminal's serial, the day, moments in the centre's time zone, and the
requests a terminal makes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
SERIAL = "CN-GH-0001"
DAY = date(2026, 12, 7)  # a Monday, a working day
MAPPED_SINCE = datetime(2026, 1, 1, tzinfo=SHANGHAI)


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)


def push(client: Any, body: str | bytes, *, serial: str = SERIAL, stamp: str = "1", **extra: Any) -> Any:
    """A terminal's upload of clock events, as the firmware sends it."""
    return client.post(
        f"/iclock/cdata?SN={serial}&table=ATTLOG&Stamp={stamp}", data=body, content_type="text/plain", **extra
    )


def handshake(client: Any, *, serial: str = SERIAL, **extra: Any) -> Any:
    return client.get(f"/iclock/cdata?SN={serial}&options=all&pushver=2.4.1&language=83", **extra)
