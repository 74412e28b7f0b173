"""The month's score and fund (supervision.scoring), against a naive re-computation and the rules' examples."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from policy.registry import KEYS
from supervision import scoring
from supervision.scoring import BY_CODE, CATEGORIES, DEDUCTIONS, Entry, Policy, score_month

DEFAULT = Policy(
    category_points={code: Decimal(KEYS[key].default) for code, key, *_r in CATEGORIES},
    points={d.code: Decimal(KEYS[d.points_key].default) for d in DEDUCTIONS},
    fund_per_month=Decimal(KEYS["fund_per_month"].default),
)


def entries(**quantities: str | int) -> list[Entry]:
    return [Entry(code, Decimal(q)) for code, q in quantities.items()]


def test_r_asm_1_r_asm_14_conduct_deductions_and_the_fund_in_proportion() -> None:
    score = score_month(DEFAULT, entries(quarrel=1, impatience=1, uniform=1))
    assert (score.score, score.deducted, score.fund) == (Decimal(83), Decimal(17), Decimal("124.50"))
    conduct = score.categories[0]
    assert (conduct.category, conduct.raw, conduct.taken, conduct.score) == ("conduct", 17, 17, 13)


def test_r_asm_1_an_exposed_distraction_stops_the_months_fund() -> None:
    score = score_month(DEFAULT, entries(distraction_exposed=1))
    assert (score.score, score.stops, score.fund) == (Decimal(92), "month", Decimal("0.00"))


def test_r_asm_5_no_category_below_zero_and_half_days_count_half() -> None:
    score = score_month(DEFAULT, entries(absent=2, late=3, private_leave="0.5"))
    attendance = score.categories[1]
    assert (attendance.raw, attendance.taken, attendance.score) == (Decimal("37.5"), 30, 0)
    assert score.score == 70


def test_r_asm_12_an_image_breach_stops_the_quarter_and_costs_the_award() -> None:
    score = score_month(DEFAULT, entries(image=1, quarrel=1))
    assert (score.stops, score.loses_award, score.fund, score.score) == ("quarter", True, Decimal("0.00"), 83)
    assert scoring.quarter_months(5) == (4, 5, 6) and scoring.quarter_months(12) == (10, 11, 12)


def test_r_asm_15_thirty_deducted_in_a_year_loses_award_eligibility() -> None:
    assert scoring.year_eligible([Decimal(10), Decimal("19.5")], Decimal(30))
    assert not scoring.year_eligible([Decimal(10), Decimal(20)], Decimal(30))


def test_r_asm_17_the_points_are_the_policy_in_force() -> None:
    stricter = Policy(
        category_points=DEFAULT.category_points,
        points={**DEFAULT.points, "late": Decimal(3)},
        fund_per_month=Decimal(200),
    )
    assert score_month(stricter, entries(late=2)).fund == Decimal("188.00")
    assert score_month(DEFAULT, entries(late=2)).fund == Decimal("135.00")


def test_every_kind_is_in_a_category_with_a_rule() -> None:
    categories = {code for code, *_r in CATEGORIES}
    assert all(d.category in categories and d.rule.startswith("R-ASM-") for d in DEDUCTIONS)
    assert len(BY_CODE) == len(DEDUCTIONS)


@given(
    st.lists(
        st.tuples(
            st.sampled_from([d.code for d in DEDUCTIONS]), st.integers(0, 8).map(lambda n: Decimal(n) / 2)
        ),
        max_size=12,
    )
)
def test_r_asm_5_score_matches_a_naive_count_and_stays_within_bounds(raw: list[tuple[str, Decimal]]) -> None:
    score = score_month(DEFAULT, [Entry(code, q) for code, q in raw])
    naive = Decimal(0)
    for code, key, *_r in CATEGORIES:
        left = Decimal(KEYS[key].default)
        for entry_code, quantity in raw:
            if BY_CODE[entry_code].category == code:
                left -= quantity * DEFAULT.points[entry_code]
        naive += max(left, Decimal(0))
    assert score.score == naive
    assert Decimal(0) <= score.score <= Decimal(100)
    assert score.deducted == Decimal(100) - score.score
    stopped = any(BY_CODE[c].stops and q > 0 for c, q in raw)
    assert score.fund == (
        Decimal("0.00") if stopped else (Decimal(150) * naive / 100).quantize(Decimal("0.01"))
    )
