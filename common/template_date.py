"""Django's `date` filter, with the numeric formats the pages use written out without parsing them each time.

Every staff list shows dates as `Y-m-d` or `Y-m-d H:i`, a case page about ten of them, a month's sheet
hundreds. Django's filter builds a `DateFormat` and splits the format string on every call (about 14 µs); a
format made only of the numeric specifiers below (year, month, day, hour, minute, second, with or without
leading zeros) and literal text is split once per process and filled from the value's fields (about 3 µs).
Everything else — no format or a named one (`DATE_FORMAT`, localised), a specifier that names a month, a
weekday or a time zone, a time specifier on a date, a value that is not exactly a `date` or a `datetime` —
goes to Django's filter as before. Like Django's, the filter receives an aware datetime already in the
current time zone (`expects_localtime`).

The project's template engine loads this module as a builtin after Django's (`TEMPLATES[...]["OPTIONS"]
["builtins"]` in `config/settings/base.py`), so its `date` replaces Django's in every template.
`common/tests/test_template_date.py` compares the output with Django's.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from django import template
from django.template import defaultfilters
from django.utils.dateformat import re_escaped, re_formatchars
from django.utils.formats import FORMAT_SETTINGS

register = template.Library()

# The specifiers written out here, each as `django.utils.dateformat` writes it (`"%02d" % day` and so on).
_DATE_PARTS: dict[str, Callable[[Any], str]] = {
    "Y": lambda v: f"{v.year:04d}",
    "y": lambda v: f"{v.year % 100:02d}",
    "m": lambda v: f"{v.month:02d}",
    "n": lambda v: str(v.month),
    "d": lambda v: f"{v.day:02d}",
    "j": lambda v: str(v.day),
}
_TIME_PARTS: dict[str, Callable[[Any], str]] = {
    "H": lambda v: f"{v.hour:02d}",
    "G": lambda v: str(v.hour),
    "i": lambda v: f"{v.minute:02d}",
    "s": lambda v: f"{v.second:02d}",
}
_PARTS = {**_DATE_PARTS, **_TIME_PARTS}

# A compiled format: its pieces, each a literal text or a specifier's writer; and whether it has time parts.
Compiled = tuple[tuple[str | Callable[[Any], str], ...], bool]


@lru_cache(maxsize=256)
def _compiled(fmt: str) -> Compiled | None:
    """`fmt` split as `Formatter.format` splits it, or None when it has a specifier not written out here."""
    pieces: list[str | Callable[[Any], str]] = []
    has_time = False
    for i, piece in enumerate(re_formatchars.split(fmt)):
        if i % 2:
            if piece not in _PARTS:
                return None
            has_time |= piece in _TIME_PARTS
            pieces.append(_PARTS[piece])
        elif piece:
            pieces.append(re_escaped.sub(r"\1", piece))
    return tuple(pieces), has_time


def date_filter(value: Any, arg: Any = None) -> str:
    """`{{ value|date:"Y-m-d H:i" }}`: what Django's `date` filter gives."""
    kind = type(value)
    if (kind is datetime or kind is date) and arg and isinstance(arg, str) and arg not in FORMAT_SETTINGS:
        compiled = _compiled(arg)
        if compiled is not None and not (compiled[1] and kind is date):
            return "".join(p if isinstance(p, str) else p(value) for p in compiled[0])
    return str(defaultfilters.date(value, arg))


register.filter("date", date_filter, expects_localtime=True, is_safe=False)
