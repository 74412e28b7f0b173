"""Checking and normalising a policy value by its registry kind. Pure: no ORM.

Stored (JSON) forms: int -> int, decimal -> str ("150", "150.5"), time -> "HH:MM", month_day -> "MM-DD",
bool -> bool. A value that does not fit raises `ValueError` with a Chinese message for the user.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

# Bounds beyond "not negative", for keys where a larger number makes no sense.
INT_BOUNDS: dict[str, tuple[int, int]] = {
    "promised_limit_max_ratio": (0, 100),
    "yellow_ratio_percent": (0, 100),
    "joint_meeting_day": (1, 28),
    "summer_shift_minutes": (0, 240),
}
INT_MAX = 100_000
TRUE_WORDS = {"true", "1", "yes", "on", "是"}
FALSE_WORDS = {"false", "0", "no", "off", "否"}


def _int(key: str, value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(_("应为整数。"))
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        if not text.isdecimal() and not (text.startswith("-") and text[1:].isdecimal()):
            raise ValueError(_("应为整数。"))
        number = int(text)
    low, high = INT_BOUNDS.get(key, (0, INT_MAX))
    if number < 0:
        raise ValueError(_("不能为负数。"))
    if not low <= number <= high:
        raise ValueError(_("应在 %(low)s–%(high)s 之间。") % {"low": low, "high": high})
    return number


def _decimal(value: Any) -> str:
    if isinstance(value, bool | float):
        value = str(value) if isinstance(value, float) else "x"
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(_("应为数字，如 150 或 150.50。")) from None
    if not number.is_finite():
        raise ValueError(_("应为数字，如 150 或 150.50。"))
    if number < 0:
        raise ValueError(_("不能为负数。"))
    if number.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValueError(_("最多两位小数。"))
    if number > 10**9:
        raise ValueError(_("数值过大。"))
    return format((number + 0).normalize(), "f")  # "+ 0" turns -0 into 0


def _two_digit_pair(value: Any, sep: str, message: str) -> tuple[int, int]:
    text = str(value).strip()
    first, found, second = text.partition(sep)
    if not found or len(first) != 2 or len(second) != 2 or not (first + second).isdecimal():
        raise ValueError(message)
    return int(first), int(second)


def _time(value: Any) -> str:
    hours, minutes = _two_digit_pair(value, ":", _("应为“时:分”，如 08:30。"))
    if hours > 23 or minutes > 59:
        raise ValueError(_("应为“时:分”，如 08:30。"))
    return f"{hours:02d}:{minutes:02d}"


def _month_day(value: Any) -> str:
    month, day = _two_digit_pair(value, "-", _("应为“月-日”，如 05-01。"))
    try:
        date(2000, month, day)  # a leap year, so that 02-29 is accepted
    except ValueError:
        raise ValueError(_("应为有效的“月-日”，如 05-01。")) from None
    return f"{month:02d}-{day:02d}"


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueError(_("应为“是”或“否”。"))


def normalise(key: str, kind: str, value: Any) -> Any:
    """The value to store for `key` of registry `kind`; ValueError (Chinese message) when it does not fit."""
    if value is None:
        raise ValueError(_("请填写取值。"))
    if kind == "int":
        return _int(key, value)
    if kind == "decimal":
        return _decimal(value)
    if kind == "time":
        return _time(value)
    if kind == "month_day":
        return _month_day(value)
    if kind == "bool":
        return _bool(value)
    raise ValueError(_("未知的参数类型 %(kind)s。") % {"kind": kind})
