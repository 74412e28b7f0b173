"""The catalogue's arithmetic and code formats, in plain Python (no ORM), tested without a database."""

from __future__ import annotations

import calendar
import re
from datetime import date

# R-DATA-1 (GB/T 39046-2020). The national basic code (基本编码) is a 12-character code such as
# "000105001000"; digits, with capital letters accepted because some provinces end sub-item codes with one.
# The implementation code (实施编码) prefixes the implementing body's 18-character unified social credit code
# (and level/sequence digits) to it, so it is 18-40 capital letters and digits. Both are optional while a
# version is a draft and are normalised to upper case.
BASIC_CODE_RE = re.compile(r"^[0-9A-Z]{12}$")
IMPLEMENTATION_CODE_RE = re.compile(r"^[0-9A-Z]{18,40}$")
# The centre's own item number appears in public URLs: letters, digits, dot, dash, underscore.
ITEM_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")


def max_promised_days(statutory_limit_days: int, ratio_percent: int) -> int:
    """The longest promised limit allowed: statutory x ratio%, rounded down (R-CAT-2)."""
    return statutory_limit_days * ratio_percent // 100


def promised_within_ratio(statutory_limit_days: int, promised_limit_days: int, ratio_percent: int) -> bool:
    """R-CAT-2: the promised limit is at most `ratio_percent` % of the statutory limit (exact, no rounding)."""
    return promised_limit_days * 100 <= statutory_limit_days * ratio_percent


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier, clamped to the month's end (31 Mar - 1 month = 28/29 Feb)."""
    total = day.year * 12 + (day.month - 1) - months
    year, month = divmod(total, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def review_due(published_on: date | None, today: date, review_months: int) -> bool:
    """R-CAT-4: a guide published more than `review_months` months before `today` is due for review."""
    return published_on is not None and published_on < months_before(today, review_months)
