"""Appointments, outside hours included, and late service (R-CASE-13)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
import time_machine

from cases.tests.factories import at, make_case, make_item_for
from cases.tests.handling_helpers import DAY
from common.errors import PermissionDenied, RuleViolation
from common.history import history_of
from hall.models import Appointment, AppointmentStatus
from hall.selectors import appointments_by_window, todays_appointments
from hall.services import (
    appointment_book,
    appointment_cancel,
    appointment_no_show,
    appointment_serve,
    late_minutes,
)

BOOKING_DAY = date(2026, 9, 1)  # bookings are made ahead of time


# --- appointments -----------------------------------------------------------------------------------------


def _book(hall: Any, starts_at: datetime, **kw: Any) -> Appointment:
    with time_machine.travel(at(BOOKING_DAY, 9), tick=False):
        return appointment_book(
            window=hall.window,
            item=kw.pop("item", None),
            applicant_name=kw.pop("applicant_name", "张三"),
            applicant_phone="13900000000",
            starts_at=starts_at,
        )


@pytest.mark.parametrize(
    ("starts_at", "outside"),
    [
        (at(date(2026, 10, 12), 9, 30), False),  # Monday morning
        (at(date(2026, 10, 12), 12, 0), True),  # lunch break
        (at(date(2026, 10, 12), 17, 30), True),  # after closing (17:00 outside summer)
        (at(date(2026, 9, 29), 17, 15), False),  # summer hours: the afternoon ends at 17:30
        (at(date(2026, 10, 4), 10, 0), True),  # National Day holiday
        (at(date(2026, 10, 10), 10, 0), False),  # the make-up working Saturday
    ],
)
def test_r_case_13_appointments_outside_hours_are_allowed_and_flagged(
    hall: Any, national_calendar: Any, starts_at: datetime, outside: bool
) -> None:
    item = make_item_for(hall.window, hall.post)
    appointment = _book(hall, starts_at, item=item)
    appointment.refresh_from_db()
    assert (appointment.status, appointment.outside_hours, appointment.starts_at) == (
        AppointmentStatus.BOOKED,
        outside,
        starts_at,
    )
    assert history_of(appointment).get().action == "book"


def test_r_case_13_no_booking_in_the_past(hall: Any) -> None:
    with pytest.raises(RuleViolation) as refused:
        _book(hall, at(date(2026, 8, 31), 9))
    assert (refused.value.rule, refused.value.field) == ("R-CASE-13", "starts_at")
    assert Appointment.objects.count() == 0


def test_r_case_13_no_booking_of_an_item_the_window_does_not_serve(hall: Any) -> None:
    foreign = make_item_for(hall.other_window, hall.post)
    with pytest.raises(RuleViolation) as refused:
        _book(hall, at(date(2026, 10, 12), 9), item=foreign)
    assert (refused.value.message, refused.value.field) == ("该窗口不办理此事项。", "item")


@pytest.mark.parametrize(
    ("day", "served", "minutes"),
    [
        (date(2026, 10, 12), ((16, 40), (17, 25)), 25),  # closes 17:00
        (date(2026, 9, 29), ((17, 0), (17, 45)), 15),  # summer: closes 17:30
        (date(2026, 10, 12), ((15, 0), (16, 59)), 0),  # finished before closing
        (date(2026, 10, 12), ((18, 0), (18, 20)), 20),  # booked after hours: only the time served counts
        (date(2026, 10, 4), ((10, 0), (10, 40)), 40),  # a holiday: all of it
    ],
)
def test_r_case_13_late_service_minutes_after_closing(
    hall: Any, national_calendar: Any, day: date, served: Any, minutes: int
) -> None:
    (h1, m1), (h2, m2) = served
    appointment = _book(hall, at(day, h1, m1))
    item = make_item_for(hall.window, hall.post)
    case = make_case(window=hall.window, item=item, received_by=hall.clerk, accepted_on=day)
    result = appointment_serve(
        actor=hall.clerk,
        appointment=appointment,
        served_from=at(day, h1, m1),
        served_until=at(day, h2, m2),
        case=case,
    )
    result.refresh_from_db()
    assert (result.status, result.late_service_minutes, result.served_by, result.case) == (
        AppointmentStatus.SERVED,
        minutes,
        hall.clerk,
        case,
    )
    assert history_of(result).filter(action="serve").get().changes["late_service_minutes"] == minutes


def test_r_case_13_late_minutes_is_plain_arithmetic() -> None:
    closing = at(DAY, 17, 30)
    assert late_minutes(served_from=at(DAY, 17), served_until=at(DAY, 17, 59), closing=closing) == 29
    assert late_minutes(served_from=at(DAY, 17), served_until=at(DAY, 17, 20), closing=closing) == 0
    assert late_minutes(served_from=at(DAY, 9), served_until=at(DAY, 9, 45), closing=None) == 45


def test_r_case_13_serving_checks(hall: Any, national_calendar: Any) -> None:
    appointment = _book(hall, at(date(2026, 10, 12), 9))
    with pytest.raises(RuleViolation) as refused:
        appointment_serve(
            actor=hall.clerk,
            appointment=appointment,
            served_from=at(date(2026, 10, 12), 10),
            served_until=at(date(2026, 10, 12), 9),
        )
    assert refused.value.field == "served_until"
    with pytest.raises(PermissionDenied):
        appointment_serve(
            actor=hall.outsider,
            appointment=appointment,
            served_from=at(date(2026, 10, 12), 9),
            served_until=at(date(2026, 10, 12), 10),
        )
    appointment_serve(
        actor=hall.clerk,
        appointment=appointment,
        served_from=at(date(2026, 10, 12), 9),
        served_until=at(date(2026, 10, 12), 9, 20),
    )
    with pytest.raises(RuleViolation) as refused:
        appointment_serve(
            actor=hall.clerk,
            appointment=appointment,
            served_from=at(date(2026, 10, 12), 9),
            served_until=at(date(2026, 10, 12), 9, 20),
        )
    assert refused.value.message == "预约当前状态为“已办理”，不能办理。"


def test_r_case_13_no_show_only_after_the_booked_time(hall: Any, national_calendar: Any) -> None:
    appointment = _book(hall, at(date(2026, 10, 12), 9))
    with pytest.raises(RuleViolation) as refused:
        appointment_no_show(actor=hall.clerk, appointment=appointment, at=at(date(2026, 10, 12), 8, 59))
    assert refused.value.message == "预约时间未到，不能登记未到。"
    result = appointment_no_show(actor=hall.clerk, appointment=appointment, at=at(date(2026, 10, 12), 9, 30))
    assert result.status == AppointmentStatus.NO_SHOW


def test_r_case_13_todays_appointments_of_a_window(hall: Any, national_calendar: Any) -> None:
    day = date(2026, 10, 12)
    late = _book(hall, at(day, 16), applicant_name="乙")
    early = _book(hall, at(day, 8, 30), applicant_name="甲")
    cancelled = _book(hall, at(day, 10), applicant_name="丙")
    _book(hall, at(date(2026, 10, 13), 9), applicant_name="丁")  # another day
    appointment_cancel(appointment=cancelled, reason="申请人来电取消")
    assert list(todays_appointments(hall.window, day)) == [early, late]
    assert list(todays_appointments(hall.other_window, day)) == []
    assert appointments_by_window([hall.other_window, hall.window], day) == [
        (hall.other_window, []),
        (hall.window, [early, late]),
    ]
    with pytest.raises(RuleViolation):
        appointment_cancel(appointment=cancelled)
