"""The rules of a case's timer (R-CLK-2, R-CLK-4, R-CLK-5, R-CLK-6, R-CLK-8, R-CASE-5, R-CASE-11): pure, no ORM.

A case's clock is a working-day timer (`workdays.timer`) started on the acceptance date. What is particular to
cases is only what goes into it:

- **The budget** is the promised limit (0 for an immediate item, which is due on its acceptance day, R-CLK-8)
  plus the approved extensions (R-CLK-5); a green-channel case with a shorter target keeps the shorter of the
  two (R-CASE-11). The legal limit (`limit_days`) itself is never changed.
- **The yellow threshold** is max(yellow_min_days, ceil(limit × ratio / 100)) working days, with the policy
  in force on the acceptance date, so that a stored warning date does not drift (R-CLK-6); every timer reads it
  from `workdays.selectors.yellow_days_for`.
- **What stops it** (R-CLK-4): hearing, bidding, auction, testing, quarantine, appraisal and expert review
  (听证、招标、拍卖、检验、检疫、鉴定、专家评审), and the time a reported case (报批件) spends with the higher
  authority (R-CASE-5). A site survey or a collective deliberation (现场勘查、集体讨论) keeps a chief
  representative from deciding on the spot (R-ORG-5) but does not stop the clock: it is part of the limit.
"""

from __future__ import annotations

from catalog.models import CLOCK_STOPPING_PROCEDURES, CaseType

REPORTED_UP = "reported_up"  # the reason of the span a reported case spends with the higher authority

__all__ = ["CLOCK_STOPPING_PROCEDURES", "REPORTED_UP", "budget_days", "stops_the_clock"]


def budget_days(
    *, case_type: str, limit_days: int, extension_days: int, priority_target_days: int | None
) -> int:
    """The working days the case's timer allows (R-CLK-5, R-CLK-8, R-CASE-11)."""
    base = 0 if case_type == CaseType.IMMEDIATE else limit_days
    budget = base + extension_days
    if priority_target_days is not None:
        budget = min(budget, priority_target_days)
    return budget


def stops_the_clock(procedure: str) -> bool:
    """Whether a special procedure's time is left out of the limit (R-CLK-4)."""
    return procedure in CLOCK_STOPPING_PROCEDURES
