"""`common.template_date`: the `date` filter of every template gives exactly what Django's gives, for any value
and any format — the numeric formats written out, everything else passed to Django."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

import pytest
from django.template import Context, Engine, engines
from django.template.defaultfilters import date as djangos_date
from django.utils import timezone as dj_timezone
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from common.template_date import date_filter

# Django's specifiers (numeric, textual, time zone), literal text and escapes.
PIECES = [
    *"YymndjHGisaAbcDeEfFgGhIlLMNoOPrSStTUuwWzZ",
    "-",
    ":",
    " ",
    "年",
    "月",
    "日",
    "\\Y",
    "\\",
    "<b>",
    "T",
]

values = st.one_of(
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 30)),
    st.datetimes(
        min_value=datetime(1900, 1, 2),
        max_value=datetime(2100, 1, 1),
        timezones=st.sampled_from([UTC, timezone(timedelta(hours=8)), timezone(timedelta(hours=-5))]),
    ),
    st.dates(),
    st.times(),
    st.sampled_from([None, "", "2026-12-07", 0, 20261207]),
)
formats = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=8).map("".join),
    st.sampled_from(
        ["Y-m-d", "Y-m-d H:i", "m-d H:i", "H:i", "Y年n月j日", "DATE_FORMAT", "SHORT_DATETIME_FORMAT"]
    ),
    st.none(),
)


def _outcome(filter_: Any, value: Any, fmt: Any) -> tuple[str, Any]:
    try:
        return "ok", filter_(value, fmt)
    except Exception as exc:  # noqa: BLE001 - the kind of failure is what is compared
        return "error", type(exc)


@settings(max_examples=400, deadline=None)
@given(value=values, fmt=formats, language=st.sampled_from(["zh-hans", "en"]))
def test_the_filter_gives_what_djangos_gives_for_any_value_and_format(
    value: Any, fmt: Any, language: str
) -> None:
    with translation.override(language):
        assert _outcome(date_filter, value, fmt) == _outcome(djangos_date, value, fmt)


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "UTC", "America/New_York"])
def test_a_template_shows_an_aware_datetime_in_the_current_time_zone_as_djangos_filter_does(
    zone: str,
) -> None:
    moment = datetime(2026, 12, 31, 17, 5, 9, tzinfo=UTC)
    source = '{{ v|date:"Y-m-d H:i:s" }}|{{ v|date:"Y年n月j日 G时" }}|{{ d|date:"Y-m-d" }}|{{ t|date:"H:i" }}'
    values = {"v": moment, "d": date(2026, 1, 5), "t": time(9, 30)}
    djangos = Engine(builtins=[]).from_string(source)  # Django's own filters only
    with dj_timezone.override(zone):
        ours = engines["django"].from_string(source).render(values)
        assert ours == djangos.render(Context(values))
    assert ours.startswith(
        {"Asia/Shanghai": "2027-01-01 01:05:09", "UTC": "2026-12-31 17:05:09"}.get(zone, "2026")
    )
