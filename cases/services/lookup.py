"""The public progress lookup (R-PUB-2): a case number and its query code show state, dates and deadline.

Nothing personal is ever returned (no applicant, no staff). A wrong code and an unknown number give the same
answer (None), so that the lookup cannot tell which case numbers exist; codes are compared in constant time.

Guessing is throttled without letting anyone lock the real applicant out, or one person lock out a hall's
touch screen. Failed attempts are counted in the cache every process shares (`common.throttle`), each count
lasting `WINDOW_SECONDS` from the first attempt it counted, by the client's address
(`common.net.client_address`, which believes `X-Forwarded-For` only from the trusted proxies):

- an address with `MAX_FAILURES` failures is refused every attempt, a right code included, until its window
  ends;
- a number with `NUMBER_GUARD_FAILURES` failures is under guard: one more failure against it uses up the
  failing address's whole allowance at once, so that a guesser spread over many addresses gets one guess per
  address on that number instead of `MAX_FAILURES`. The number itself is never refused: the right code, from an
  address that is not refused, is always answered.

An address many people share — the hall's touch screens, the hall's guest network: the setting
`KIOSK_ADDRESSES` — is not one person, so one person's failures there must not refuse the next person. From
such an address the allowance of `MAX_FAILURES` is per case number (the person at the screen is looking up
their own case), and the address as a whole is refused only past `KIOSK_MAX_FAILURES` failures, far more than
people mistyping at one screen make in a window (one wrong code every 15 seconds for 15 minutes). A guesser at
the screen is thus stopped on a number after `MAX_FAILURES` failures, one guess is all a number under guard
allows them, and a guesser who tries many numbers is stopped at the ceiling, which is then the only way to
refuse the screen to everyone. The browser session is not used to tell people apart: a touch screen's browser
keeps one session for everyone who uses it, and a guesser with a script simply drops the cookie.

An attempt is counted before the case is read, so that requests sent at the same time cannot all pass a check
made before any of them was counted; a refused attempt and a success give their counts back, so that neither
uses up an allowance nor extends a window.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import RuleViolation
from common.net import address_in
from common.throttle import count_attempt, give_back, log_refusal, throttle_key, use_up
from org.models import Center
from workdays.models import TimerState

from ..models import Case, CaseState

MAX_FAILURES = 10  # per client address and window; from a shared address, per address and case number
# Per case number and window; past it, each failure against the number costs the address its whole allowance.
NUMBER_GUARD_FAILURES = 10
KIOSK_MAX_FAILURES = 60  # per shared address (settings.KIOSK_ADDRESSES) and window, whatever the numbers
WINDOW_SECONDS = 15 * 60
# Compared against when the number is unknown, so that both failures take the same path.
_NO_CODE = "\x00" * 12


@dataclass(frozen=True)
class PublicCaseView:
    """What the public may see of a case: no names, no ID numbers, no phones, no staff."""

    number: str
    item_name: str
    state: str
    state_label: str
    received_on: date
    accepted_on: date | None
    deadline: date | None
    deadline_provisional: bool
    suspended: bool
    decided_on: date | None
    delivered_on: date | None


def _local_date(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment is not None else None


def public_view(case: Case) -> PublicCaseView:
    return PublicCaseView(
        number=case.number,
        item_name=case.version.name,
        state=case.state,
        state_label=str(CaseState(case.state).label),
        received_on=timezone.localdate(case.received_at),
        accepted_on=case.accepted_on,
        deadline=case.deadline,
        deadline_provisional=case.deadline_provisional,
        suspended=case.timer is not None and case.timer.state == TimerState.STOPPED,
        decided_on=_local_date(case.decided_at),
        delivered_on=_local_date(case.delivered_at),
    )


def _normalise_number(number: str) -> str:
    return number.strip().upper()


def case_lookup(*, center: Center, number: str, query_code: str) -> PublicCaseView | None:
    """The public view of `center`'s case `number` if `query_code` is its code; otherwise None."""
    number = _normalise_number(number)
    code = query_code.strip()
    case = None
    if number:
        case = (
            Case.objects.filter(center=center, number=number)
            .exclude(query_code="")
            .select_related("version")
            .first()
        )
    stored = case.query_code if case is not None else _NO_CODE
    matches = hmac.compare_digest(stored.encode(), code.encode())
    if case is None or not matches or not code:
        return None
    return public_view(case)


def _key(kind: str, value: str) -> str:
    return throttle_key("cases:lookup:" + kind, value)


def _allowances(client: str, number_id: str) -> list[tuple[str, int]]:
    """The counts an attempt from `client` on `number_id` is made against, the narrowest first, with limits."""
    if address_in(client, settings.KIOSK_ADDRESSES):
        return [
            (_key("kiosk-number", f"{client}|{number_id}"), MAX_FAILURES),
            (_key("kiosk", client), KIOSK_MAX_FAILURES),
        ]
    return [(_key("ip", client), MAX_FAILURES)]


def case_lookup_throttled(
    *, center: Center, number: str, query_code: str, client: str
) -> PublicCaseView | None:
    """`case_lookup` guarded by the failure counts of the client address and of the case number.

    Refused with R-PUB-2 (nothing counted) while an allowance of the client is used up: its address's, or
    from a shared address that address's for this number or its ceiling. A failure counts against those
    allowances and against the number; against a number under guard (`NUMBER_GUARD_FAILURES`) it uses up the
    narrowest allowance at once. Failures from other addresses never refuse this one, so a guesser cannot lock
    the applicant out of their own case.
    """
    number_id = f"{center.pk}:{_normalise_number(number)}"
    allowances = _allowances(client, number_id)
    counted: list[str] = []
    for key, limit in allowances:
        counted.append(key)
        if count_attempt(key, WINDOW_SECONDS) > limit:
            for done in counted:
                give_back(done)
            log_refusal("progress lookup", client)
            raise RuleViolation("R-PUB-2", _("查询过于频繁，请15分钟后再试"), code="throttled")
    found = case_lookup(center=center, number=number, query_code=query_code)
    if found is not None:
        for done in counted:
            give_back(done)
        return found
    if count_attempt(_key("number", number_id), WINDOW_SECONDS) > NUMBER_GUARD_FAILURES:
        # The narrowest allowance's window restarts here: refused for WINDOW_SECONDS from this failure.
        narrowest, limit = allowances[0]
        use_up(narrowest, limit, WINDOW_SECONDS)
    return None
