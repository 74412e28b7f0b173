"""Links to an object's page from their pattern: `keyed_url(name, pk)` is `reverse(name, args=[pk])` for a view
taking one integer key, reversed once per process (and per script prefix and URL configuration) and filled
with the key. `reverse` walks the URL patterns each time; a list links each of its rows, and the case page
each of its actions, to pages of a handful of patterns."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

_MARK = 987654321  # a key no row has: its place in the reversed address is where a row's key goes


@lru_cache(maxsize=256)
def _keyed_pattern(url_name: str, prefix: str, urlconf: Any) -> tuple[str, str]:
    del prefix, urlconf  # part of the key: the address depends on them
    head, mark, tail = reverse(url_name, args=[_MARK]).partition(str(_MARK))
    assert mark, url_name
    return head, tail


def keyed_url(url_name: str, pk: int) -> str:
    """`reverse(url_name, args=[pk])` for a view taking one integer key, from its pattern reversed once per
    process (and per script prefix and URL configuration): a list links each of its rows, and the case page
    each of its actions, to a page of the same pattern."""
    head, tail = _keyed_pattern(url_name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    return f"{head}{int(pk)}{tail}"
