"""The year file format (R-CLK-3): parsed strictly, refused with the line number. No database."""

from __future__ import annotations

from datetime import date

import pytest

from common.errors import RuleViolation
from workdays.calendar_file import format_calendar_text, parse_calendar_text

GOOD = """\ufeff# 2027 年节假日安排
2027-01-01,holiday,元旦

 2027-02-06 , workday , 春节调休上班
2027-02-11,holiday
"""


def test_r_clk_3_a_good_file_gives_its_year_and_rows():
    assert parse_calendar_text(GOOD) == (
        2027,
        [
            (date(2027, 1, 1), "holiday", "元旦"),
            (date(2027, 2, 6), "workday", "春节调休上班"),
            (date(2027, 2, 11), "holiday", ""),
        ],
    )


def test_r_clk_3_format_and_parse_are_inverse():
    year, entries = parse_calendar_text(GOOD)
    assert parse_calendar_text(format_calendar_text(year, entries)) == (year, entries)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2027-01-01,holiday,元旦\n2027-13-01,holiday,x", "第2行：日期“2027-13-01”无效，应为 YYYY-MM-DD。"),
        ("# c\n2027-1-1,holiday,元旦", "第2行：日期“2027-1-1”无效，应为 YYYY-MM-DD。"),
        ("2027-01-01,rest,元旦", "第1行：类别“rest”无效，应为 holiday（休息）或 workday（调休上班）。"),
        ("2027-01-01", "第1行：格式应为“日期,类别,名称”，例如 2027-01-01,holiday,元旦。"),
        ("2027-01-01,holiday,元旦,多余", "第1行：格式应为“日期,类别,名称”，例如 2027-01-01,holiday,元旦。"),
        ("2027-01-01,holiday,元旦\n2028-01-01,holiday,元旦", "第2行：日期 2028-01-01 不在 2027 年内。"),
        ("2027-01-01,holiday,元旦\n\n2027-01-01,holiday,又一次", "第3行：日期 2027-01-01 与第1行重复。"),
        ("2027-01-01,holiday," + "名" * 61, "第1行：名称过长（最多60个字）。"),
        ("# nothing\n", "文件中没有任何日期；如确无节假日，请指定年份。"),
    ],
)
def test_r_clk_3_a_bad_line_is_refused_with_its_number(text, message):
    with pytest.raises(RuleViolation) as refused:
        parse_calendar_text(text)
    assert (refused.value.rule, refused.value.message, refused.value.field) == ("R-CLK-3", message, "file")


def test_r_clk_3_the_year_given_must_hold_every_date():
    with pytest.raises(RuleViolation) as refused:
        parse_calendar_text("2027-01-01,holiday,元旦", year=2028)
    assert refused.value.message == "第1行：日期 2027-01-01 不在 2028 年内。"
    assert parse_calendar_text("# none this year\n", year=2030) == (2030, [])
