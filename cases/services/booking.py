"""The public booking of appointments (R-CASE-13), throttled per client address.

Anyone may book a time at a window without signing in, so one address may make at most the centre's
`public_bookings_per_address_hour` booking attempts within an hour (counted in the cache from its first
attempt); further attempts are refused with R-CASE-13 until the hour ends. Staff-side bookings do not pass here.
"""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _

from catalog.models import Item
from common.errors import RuleViolation
from common.throttle import count_attempt, throttle_key
from org.models import Window
from policy.selectors import policy_value

from ..models import Appointment
from .handling import appointment_book

WINDOW_SECONDS = 60 * 60


def appointment_book_public(
    *,
    client: str,
    window: Window,
    item: Item | None,
    applicant_name: str,
    applicant_phone: str,
    starts_at: datetime,
) -> Appointment:
    """`appointment_book` for a member of the public at address `client`, refused (code "throttled") once the
    address has used the centre's hourly allowance of booking attempts."""
    allowed = int(policy_value(window.center, "public_bookings_per_address_hour"))
    if count_attempt(throttle_key("cases:booking", f"{window.center_id}:{client}"), WINDOW_SECONDS) > allowed:
        raise RuleViolation("R-CASE-13", _("预约过于频繁，请1小时后再试。"), code="throttled")
    return appointment_book(
        window=window,
        item=item,
        applicant_name=applicant_name,
        applicant_phone=applicant_phone,
        starts_at=starts_at,
    )
