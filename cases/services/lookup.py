"""The public progress lookup (R-PUB-2): a case number and its query code show state, dates and deadline.

Nothing personal is ever returned (no applicant, no staff). A wrong code and an unknown number give the same
answer (None), so that the lookup cannot tell which case numbers exist; codes are compared in constant time.

Guessing is throttled without letting anyone lock the real applicant out. Failed attempts are counted in the
cache per client address and per case number, each for `WINDOW_SECONDS` from its first failure:

- an address with `MAX_FAILURES` failures is refused every attempt, a right code included, until its window
  ends (this is the only refusal);
- a number with `NUMBER_GUARD_FAILURES` failures is under guard: one more failure against it uses up the
  failing address's whole allowance at once, so that a guesser spread over many addresses gets one guess per
  address on that number instead of `MAX_FAILURES`. The number itself is never refused: the right code, from an
  address that is not refused, is always answered.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import date, datetime

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import RuleViolation
from common.throttle import count_attempt, throttle_key
from org.models import Center
from workdays.models import TimerState

from ..models import Case, CaseState

MAX_FAILURES = 10  # per client address and window
# Per case number and window; past it, each failure against the number costs the address its whole allowance.
NUMBER_GUARD_FAILURES = 10
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


def _failures(key: str) -> int:
    return int(cache.get(key) or 0)


def case_lookup_throttled(
    *, center: Center, number: str, query_code: str, client: str
) -> PublicCaseView | None:
    """`case_lookup` guarded by the failure counters of the client address and of the case number.

    Refused with R-PUB-2 only while the client address has `MAX_FAILURES` failures in its window. A failure
    counts against the address and the number; against a number under guard (`NUMBER_GUARD_FAILURES`) it
    uses up the address's allowance at once. Failures against other addresses never refuse this one, so a
    guesser cannot lock the applicant out of their own case.
    """
    client_key = _key("ip", client)
    if _failures(client_key) >= MAX_FAILURES:
        raise RuleViolation("R-PUB-2", _("查询过于频繁，请15分钟后再试"), code="throttled")
    found = case_lookup(center=center, number=number, query_code=query_code)
    if found is None:
        against_number = count_attempt(
            _key("number", f"{center.pk}:{_normalise_number(number)}"), WINDOW_SECONDS
        )
        if against_number > NUMBER_GUARD_FAILURES:
            # The address's window restarts here: it is refused for WINDOW_SECONDS from this failure.
            cache.set(client_key, MAX_FAILURES, WINDOW_SECONDS)
        else:
            count_attempt(client_key, WINDOW_SECONDS)
    return found
