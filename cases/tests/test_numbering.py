"""Case and notice numbers (R-CASE-6): one sequence per centre, kind and year, each number given once."""

from __future__ import annotations

from datetime import date
from typing import Any

from cases.services.numbering import next_number
from org.tests import factories as f


def test_r_case_6_numbers_follow_on_per_centre_kind_and_year(hall: Any) -> None:
    center = hall.center
    on = date(2026, 10, 14)
    assert next_number(center=center, kind="case", on=on) == "DEMO-COUNTY-20261014-00001"
    assert next_number(center=center, kind="case", on=date(2026, 10, 15)) == "DEMO-COUNTY-20261015-00002"
    # Another kind, another year and another centre each start at 1.
    assert next_number(center=center, kind="acceptance", on=on) == "示范县政务服务中心受理〔2026〕1号"
    assert next_number(center=center, kind="case", on=date(2027, 1, 4)) == "DEMO-COUNTY-20270104-00001"
    other = f.make_center(code="far-county", name="远县政务服务中心")
    assert next_number(center=other, kind="case", on=on) == "FAR-COUNTY-20261014-00001"
    assert next_number(center=center, kind="acceptance", on=on) == "示范县政务服务中心受理〔2026〕2号"
    assert next_number(center=center, kind="case", on=on) == "DEMO-COUNTY-20261014-00003"
