"""The public endpoints' throttles: the progress lookup cannot be locked for the applicant by failures from
other addresses (R-PUB-2), and the public booking is limited per client address by a policy value (R-CASE-13)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from cases.services.clock import clock_start
from cases.tests.factories import at, make_case, make_item_for
from hall.models import Appointment
from policy.services import policy_set

pytestmark = pytest.mark.usefixtures("national_calendar")

PROGRESS = reverse("api:progress")
NOW = at(date(2026, 10, 8), 9)


def _lookup(number: str, code: str, address: str) -> Any:
    return APIClient().post(
        PROGRESS,
        {"center": "demo-county", "number": number, "query_code": code},
        format="json",
        REMOTE_ADDR=address,
    )


def test_r_pub_2_api_failures_against_a_number_do_not_lock_the_applicant_out(hall: Any) -> None:
    item = make_item_for(hall.window, hall.post, promised_limit_days=5)
    case = make_case(
        window=hall.window,
        item=item,
        received_by=hall.clerk,
        accepted_on=date(2026, 9, 30),
        number="DEMO-COUNTY-20260930-00007",
        query_code="482913",
    )
    clock_start(case=case)

    attack = [_lookup(case.number, f"{n:06d}", f"10.9.0.{n}").status_code for n in range(40)]
    applicant = _lookup(case.number, "482913", "10.8.0.1")

    assert attack == [404] * 40
    assert applicant.status_code == 200
    assert applicant.json()["number"] == case.number
    # An attacking address that guessed past the number's guard is refused on its next attempt.
    assert _lookup(case.number, "482913", "10.9.0.39").status_code == 429


# --- the public booking ------------------------------------------------------------------------------------------


def _book(address: str, n: int = 0) -> Any:
    return APIClient().post(
        reverse("api:appointment_list", kwargs={"center": "demo-county"}),
        {
            "window": "A01",
            "applicant_name": f"预约人{n}",
            "applicant_phone": "13700000000",
            "starts_at": "2026-10-12T09:00:00+08:00",
        },
        format="json",
        REMOTE_ADDR=address,
    )


def test_r_case_13_public_booking_is_limited_per_address_by_the_policy_value(hall: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        made = [_book("10.0.0.1", n).status_code for n in range(5)]
        refused = _book("10.0.0.1", 5)
        elsewhere = _book("10.0.0.2", 6)

    assert made == [201] * 5
    assert refused.status_code == 429
    assert refused.json() == {
        "error": {
            "rule": "R-CASE-13",
            "message": "预约过于频繁，请1小时后再试。",
            "field": None,
            "code": "throttled",
        }
    }
    assert not Appointment.objects.filter(applicant_name="预约人5").exists()
    assert elsewhere.status_code == 201  # another address books as usual


def test_r_case_13_the_booking_limit_is_the_centres_policy_and_lasts_an_hour(hall: Any) -> None:
    policy_set(
        actor=None,
        center=hall.center,
        key="public_bookings_per_address_hour",
        value=2,
        effective_from=date(2026, 1, 1),
    )
    start = datetime(2026, 10, 8, 1, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as clock:
        assert [_book("10.0.0.3", n).status_code for n in range(3)] == [201, 201, 429]
        clock.shift(timedelta(minutes=59))
        assert _book("10.0.0.3", 3).status_code == 429
        clock.shift(timedelta(minutes=1, seconds=1))
        assert _book("10.0.0.3", 4).status_code == 201


def test_r_case_13_a_refused_booking_still_answers_its_rule(hall: Any) -> None:
    # Within the allowance, a refused booking (a time in the past) is still a 422 with its rule.
    with time_machine.travel(NOW, tick=False):
        response = APIClient().post(
            reverse("api:appointment_list", kwargs={"center": "demo-county"}),
            {
                "window": "A01",
                "applicant_name": "预约人",
                "applicant_phone": "13700000000",
                "starts_at": "2026-10-01T09:00:00+08:00",
            },
            format="json",
            REMOTE_ADDR="10.0.0.4",
        )
    assert (response.status_code, response.json()["error"]["rule"]) == (422, "R-CASE-13")
