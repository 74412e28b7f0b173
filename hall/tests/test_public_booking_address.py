"""The public booking's limit per address (R-CASE-13) counts the client's address behind the trusted proxy: a
forwarded address written by the client is not believed, and clients behind the same proxy are apart."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from cases.tests.factories import at

pytestmark = pytest.mark.usefixtures("national_calendar")

NOW = at(date(2026, 10, 8), 9)


def _book(n: int, peer: str, forwarded: str) -> int:
    response = APIClient().post(
        reverse("api:appointment_list", kwargs={"center": "demo-county"}),
        {
            "window": "A01",
            "applicant_name": f"预约人{n}",
            "applicant_phone": "13700000000",
            "starts_at": "2026-10-12T09:00:00+08:00",
        },
        format="json",
        REMOTE_ADDR=peer,
        HTTP_X_FORWARDED_FOR=forwarded,
    )
    return int(response.status_code)


@override_settings(TRUSTED_PROXIES=["127.0.0.1"])
def test_r_case_13_the_booking_limit_counts_the_client_behind_the_proxy(hall: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        # Straight to the server with a new forwarded address each time: counted as the peer it is.
        spoofed = [_book(n, "203.0.113.7", f"10.9.0.{n}") for n in range(6)]
        # Through the proxy, with a made-up address in front of the one the proxy appended.
        proxied = [_book(n + 10, "127.0.0.1", f"10.9.1.{n}, 198.51.100.1") for n in range(6)]
        neighbour = _book(20, "127.0.0.1", "198.51.100.2")

    assert spoofed == [201] * 5 + [429]
    assert proxied == [201] * 5 + [429]
    assert neighbour == 201  # another client behind the same proxy books as usual
