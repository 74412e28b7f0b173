"""The check characters of the resident identity number (GB 11643) and the credit code (GB 32100), proven on
published examples and against every single-character slip."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from common.identifiers import (
    CREDIT_CHARS,
    credit_code_check_char,
    credit_code_problem,
    looks_like_resident_id,
    resident_id_check_char,
    resident_id_problem,
)

bodies = st.builds(
    lambda place, born, order: f"{place}{born:%Y%m%d}{order}",
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)),
    st.text(alphabet="0123456789", min_size=3, max_size=3),
)
credit_bodies = st.text(alphabet=CREDIT_CHARS, min_size=17, max_size=17)


def test_published_examples_are_valid() -> None:
    assert resident_id_problem("11010519491231002X") is None  # the standard's example
    assert resident_id_problem("11010519491231002x") is None
    assert credit_code_problem("91350100M000100Y43") is None  # a published credit code


@given(bodies, st.integers(0, 17), st.sampled_from("0123456789X"))
def test_any_single_character_slip_in_an_identity_number_is_caught(body: str, at: int, slip: str) -> None:
    number = body + resident_id_check_char(body)
    assert resident_id_problem(number) is None
    wrong = number[:at] + slip + number[at + 1 :]
    if wrong != number and resident_id_problem(wrong) != "birth_date":
        assert resident_id_problem(wrong) in ("check_char", "shape")


@given(credit_bodies, st.integers(0, 17), st.sampled_from(CREDIT_CHARS))
def test_any_single_character_slip_in_a_credit_code_is_caught(body: str, at: int, slip: str) -> None:
    code = body + credit_code_check_char(body)
    assert credit_code_problem(code) is None
    wrong = code[:at] + slip + code[at + 1 :]
    if wrong != code:
        assert credit_code_problem(wrong) == "check_char"


def test_shapes_dates_and_other_documents() -> None:
    assert resident_id_problem("1101051949123100") == "shape"
    assert resident_id_problem("110105194902300021") == "birth_date"
    assert credit_code_problem("91350100M000100Y4") == "shape"
    assert credit_code_problem("91350100M000100I43") == "shape"
    assert looks_like_resident_id("110105194912310021") and looks_like_resident_id("1101051949123100")
    assert not looks_like_resident_id("E12345678") and not looks_like_resident_id("H1234567890")
