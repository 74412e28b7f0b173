"""A complaint's timer turning yellow and red is a supervision record (R-DATA-3, R-CMP-5): the complaint's number
and the department of the window complained about, never the complainant, and never the person complained about
before any finding."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine

from supervision.services.complaints import complaint_answer
from supervision.tests.complaint_helpers import COMPLAINANT, at, register
from workdays.models import TimerWarning
from workdays.timers import timers_sweep

pytestmark = pytest.mark.usefixtures("national_calendar")


def test_r_data_3_r_cmp_5_a_complaint_left_unanswered_is_recorded_yellow_then_red(hall: Any) -> None:
    complaint = register(hall).complaint  # Monday 11-02, one working day to answer: due 11-03
    timers_sweep(today=date(2026, 11, 3))
    timers_sweep(today=date(2026, 11, 4))
    records = list(TimerWarning.objects.filter(kind="complaint", subject_id=complaint.pk).order_by("pk"))
    assert [(r.colour, r.subject_label, r.department, r.responsible) for r in records] == [
        ("yellow", complaint.number, hall.window.department, None),
        ("red", complaint.number, hall.window.department, None),
    ]
    with time_machine.travel(at(2026, 11, 4, 15), tick=False):
        complaint_answer(actor=hall.supervision.user, complaint=complaint, answer="已核实处理。")
    assert set(TimerWarning.objects.filter(subject_id=complaint.pk).values_list("result", flat=True)) == {
        "late"
    }
    assert COMPLAINANT["name"] not in str(list(TimerWarning.objects.values()))
