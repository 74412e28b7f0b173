"""`seed_calendar` and `load_calendar` (R-CLK-3)."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from workdays.models import CalendarDay, CalendarYear
from workdays.tests.fixtures import fresh_calendar_cache  # noqa: F401

FILE_2027 = "# 2027\n2027-01-01,holiday,元旦\n2027-02-06,workday,春节调休上班\n"


@pytest.mark.django_db
def test_r_clk_3_seed_calendar_is_idempotent():
    out = StringIO()
    call_command("seed_calendar", "--years", "2025", "2026", stdout=out)
    assert out.getvalue() == "National calendar 2025–2026: 2 year(s) loaded or updated.\n"
    out = StringIO()
    call_command("seed_calendar", "--years", "2025", "2026", stdout=out)
    assert out.getvalue() == "National calendar 2025–2026: 0 year(s) loaded or updated.\n"
    assert sorted(CalendarYear.objects.values_list("year", flat=True)) == [2025, 2026]


@pytest.mark.django_db
def test_r_clk_3_seed_calendar_refuses_an_uncovered_year():
    with pytest.raises(CommandError, match="R-CLK-3: 内置节假日数据只覆盖"):
        call_command("seed_calendar", "--years", "2040")


@pytest.mark.django_db
def test_r_clk_3_load_calendar_national(tmp_path):
    path = tmp_path / "2027.txt"
    path.write_text(FILE_2027, encoding="utf-8")
    out = StringIO()
    call_command("load_calendar", str(path), stdout=out)
    assert out.getvalue() == "Calendar 2027 (national): 2 row(s) read from 2027.txt.\n"
    assert list(CalendarDay.objects.values_list("center", "date", "kind")) == [
        (None, date(2027, 1, 1), "holiday"),
        (None, date(2027, 2, 6), "workday"),
    ]
    assert CalendarYear.objects.get().source == "2027.txt"


def test_r_clk_3_load_calendar_for_a_centre(tmp_path, hall):
    path = tmp_path / "local.txt"
    path.write_text("2027-03-15,holiday,县庆\n", encoding="utf-8")
    call_command(
        "load_calendar",
        str(path),
        "--center",
        "demo-county",
        "--year",
        "2027",
        "--source",
        "县通知",
        stdout=StringIO(),
    )
    assert list(CalendarDay.objects.values_list("center", "date", "source")) == [
        (hall.center.pk, date(2027, 3, 15), "县通知")
    ]


@pytest.mark.django_db
def test_r_clk_3_load_calendar_refuses_a_bad_line_and_loads_nothing(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text("2027-01-01,holiday,元旦\n2027-02-30,holiday,x\n", encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("load_calendar", str(path))
    assert str(refused.value) == "R-CLK-3: 第2行：日期“2027-02-30”无效，应为 YYYY-MM-DD。"
    assert not CalendarDay.objects.exists() and not CalendarYear.objects.exists()


@pytest.mark.django_db
def test_load_calendar_unknown_centre_or_missing_file(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(FILE_2027, encoding="utf-8")
    with pytest.raises(CommandError, match="No centre with code 'nowhere'"):
        call_command("load_calendar", str(path), "--center", "nowhere")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("load_calendar", str(tmp_path / "missing.txt"))
