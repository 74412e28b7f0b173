"""Masked personal data: what a page shows of an applicant before anyone asks for it in full."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from common.masking import mask_email, mask_id_number, mask_phone


def test_a_resident_id_keeps_its_first_three_and_last_four_characters() -> None:
    assert mask_id_number("420000199001011238") == "420***********1238"
    assert mask_id_number("42000019900101X") == "420********101X"


def test_a_shorter_document_number_keeps_one_and_two_characters_and_a_very_short_one_none() -> None:
    assert mask_id_number("E12345678") == "E******78"
    assert mask_id_number("12345") == "*****"
    assert mask_id_number("") == ""


def test_a_phone_keeps_its_first_three_and_last_four_digits_and_an_address_its_first_letter_and_domain() -> (
    None
):
    assert mask_phone("13800000000") == "138****0000"
    assert mask_email("zhang.san@example.com") == "z***@example.com"


@settings(deadline=None)
@given(st.text(alphabet="0123456789X", max_size=30))
def test_a_masked_number_keeps_its_length_and_hides_at_least_half_of_it(number: str) -> None:
    masked = mask_id_number(number)
    assert len(masked) == len(number)
    shown = [c for c, m in zip(number, masked, strict=True) if m != "*"]
    assert all(m == "*" or m == c for c, m in zip(number, masked, strict=True))
    assert len(shown) <= min(7, len(number) // 2)
