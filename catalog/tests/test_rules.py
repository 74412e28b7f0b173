"""The catalogue's plain arithmetic, without a database."""

from datetime import date

from catalog import rules


def test_r_cat_2_max_promised_days_rounds_down():
    assert rules.max_promised_days(20, 50) == 10
    assert rules.max_promised_days(15, 50) == 7
    assert rules.max_promised_days(20, 40) == 8


def test_r_cat_2_exactly_the_ratio_is_within():
    assert rules.promised_within_ratio(20, 10, 50)
    assert not rules.promised_within_ratio(20, 11, 50)
    assert rules.promised_within_ratio(15, 7, 50)
    assert not rules.promised_within_ratio(15, 8, 50)
    assert rules.promised_within_ratio(0, 0, 50)


def test_months_before_clamps_to_month_end():
    assert rules.months_before(date(2025, 3, 31), 1) == date(2025, 2, 28)
    assert rules.months_before(date(2024, 3, 31), 1) == date(2024, 2, 29)
    assert rules.months_before(date(2025, 6, 15), 12) == date(2024, 6, 15)
    assert rules.months_before(date(2025, 1, 10), 13) == date(2023, 12, 10)


def test_r_cat_4_review_due_only_after_more_than_the_period():
    today = date(2025, 6, 15)
    assert not rules.review_due(date(2024, 6, 15), today, 12)  # exactly a year: not yet
    assert rules.review_due(date(2024, 6, 14), today, 12)
    assert not rules.review_due(None, today, 12)


def test_r_data_1_code_formats():
    assert rules.BASIC_CODE_RE.match("000105001000")
    assert not rules.BASIC_CODE_RE.match("00010500100")  # 11 characters
    assert not rules.BASIC_CODE_RE.match("0001-5001000")
    assert rules.IMPLEMENTATION_CODE_RE.match("11330100002491939Q3000105001000")
    assert not rules.IMPLEMENTATION_CODE_RE.match("1133010000249193")  # too short
    assert rules.ITEM_CODE_RE.match("FTB-001")
    assert not rules.ITEM_CODE_RE.match("FTB 001")
    assert not rules.ITEM_CODE_RE.match("../x")
