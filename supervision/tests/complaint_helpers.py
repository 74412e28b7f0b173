"""Shared set-up of the complaint tests: a named complaint against the clerk, made on a Monday."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import time_machine

from supervision.models import ComplaintChannel, ComplaintGround
from supervision.services.complaints import Registered, complaint_register

TZ = ZoneInfo("Asia/Shanghai")
COMPLAINANT = {
    "name": "陈投诉",
    "phone": "13912345678",
    "address": "示范县人民路8号",
    "id_number": "11010519491231002X",
}


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TZ)


MONDAY = at(2026, 11, 2)  # a working day
TUESDAY = at(2026, 11, 3)
WEDNESDAY = at(2026, 11, 4)
THURSDAY = at(2026, 11, 5)


def register(
    hall: Any,
    *,
    actor: Any = "supervision",
    channel: str = ComplaintChannel.ON_SITE,
    ground: str = ComplaintGround.P_RUDE,
    identity: dict[str, str] | None = COMPLAINANT,
    when: datetime = MONDAY,
    person: Any = "clerk",
    window: Any = "window",
    **kw: Any,
) -> Registered:
    user = getattr(hall, actor).user if isinstance(actor, str) else actor
    with time_machine.travel(when, tick=False):
        return complaint_register(
            actor=user,
            center=hall.center,
            channel=channel,
            ground=ground,
            matter=kw.pop("matter", "窗口人员态度生硬，与群众争吵。"),
            window=getattr(hall, window) if isinstance(window, str) else window,
            person=getattr(hall, person) if isinstance(person, str) else person,
            happened_at=kw.pop("happened_at", at(2026, 11, 2, 9)),
            place=kw.pop("place", "一楼大厅A01窗口"),
            identity=identity,
            **kw,
        )
