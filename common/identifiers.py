"""The two national identifiers an application carries, checked by their check characters.

- The resident identity number (公民身份号码, GB 11643-1999): 6 digits of the place of first registration,
  8 of the date of birth (YYYYMMDD), 3 of the order code, and a check character: the 17 digits weighted by
  2^(17-i) mod 11, their sum mod 11 mapped through `10X98765432`.
- The unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters from the 31 of
  `0123456789ABCDEFGHJKLMNPQRTUWXY` (no I, O, Z, S, V); the 17 first weighted by 3^i mod 31, the check
  character is the one whose value brings the sum to a multiple of 31.

Pure functions, no Django: the services say what is wrong in their own words and refuse with their own
rule; the demo invents valid numbers with the same check characters.
"""

from __future__ import annotations

import re
from datetime import date

ID_WEIGHTS = tuple(2 ** (17 - i) % 11 for i in range(17))  # 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, …
ID_CHECK = "10X98765432"
CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = tuple(3**i % 31 for i in range(17))  # 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, …

_ID_SHAPE = re.compile(r"[0-9]{17}[0-9X]")
_DIGITS_ONLY = re.compile(r"[0-9]{14,17}[0-9X]")


def resident_id_check_char(body: str) -> str:
    """The check character of the 17 digits `body`."""
    return ID_CHECK[sum(int(c) * w for c, w in zip(body, ID_WEIGHTS, strict=True)) % 11]


def credit_code_check_char(body: str) -> str:
    """The check character of the 17 characters `body` (from `CREDIT_CHARS`)."""
    total = sum(CREDIT_CHARS.index(c) * w for c, w in zip(body, CREDIT_WEIGHTS, strict=True))
    return CREDIT_CHARS[(31 - total % 31) % 31]


def looks_like_resident_id(value: str) -> bool:
    """Whether `value` is meant as a resident identity number: 15 to 18 digits (the last may be X). Other
    documents (a passport, a permit for Hong Kong, Macao or Taiwan residents) carry letters."""
    return bool(_DIGITS_ONLY.fullmatch(value.upper()))


def resident_id_problem(value: str) -> str | None:
    """What is wrong with the resident identity number `value`: "shape", "birth_date" or "check_char" (None:
    it is valid)."""
    value = value.upper()
    if not _ID_SHAPE.fullmatch(value):
        return "shape"
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return "birth_date"
    if born.year < 1900:
        return "birth_date"
    if resident_id_check_char(value[:17]) != value[17]:
        return "check_char"
    return None


def credit_code_problem(value: str) -> str | None:
    """What is wrong with the unified social credit code `value`: "shape" or "check_char" (None: it is
    valid)."""
    value = value.upper()
    if len(value) != 18 or any(c not in CREDIT_CHARS for c in value):
        return "shape"
    if credit_code_check_char(value[:17]) != value[17]:
        return "check_char"
    return None
