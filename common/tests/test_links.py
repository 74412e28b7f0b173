"""`common.links.keyed_url` gives what `reverse(name, args=[pk])` gives, for any key, under another address
prefix too, and refuses a view that takes no key."""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, clear_script_prefix, reverse, set_script_prefix
from hypothesis import given, settings
from hypothesis import strategies as st

from common.links import keyed_url

NAMES = ["cases:case_detail", "cases:case_accept", "cases:notice_pdf", "catalog:item_edit"]


@settings(max_examples=100, deadline=None)
@given(name=st.sampled_from(NAMES), pk=st.integers(min_value=1, max_value=2**63 - 1))
def test_a_keyed_link_is_the_reversed_one(name: str, pk: int) -> None:
    assert keyed_url(name, pk) == reverse(name, args=[pk])


def test_a_keyed_link_follows_the_address_prefix() -> None:
    try:
        set_script_prefix("/centre/")
        assert keyed_url("cases:case_detail", 7) == reverse("cases:case_detail", args=[7])
        assert keyed_url("cases:case_detail", 7).startswith("/centre/")
    finally:
        clear_script_prefix()
    assert not keyed_url("cases:case_detail", 7).startswith("/centre/")


def test_a_view_without_a_key_is_refused() -> None:
    with pytest.raises(NoReverseMatch):
        keyed_url("desk:workbench", 1)
