"""Counting attempts in a fixed window, in the cache (shared by all workers when the cache is Redis)."""

from __future__ import annotations

import hashlib

from django.core.cache import cache


def throttle_key(prefix: str, value: str) -> str:
    """A cache key for `value` that does not keep the value itself (an address, a case number) in the cache."""
    return f"{prefix}:{hashlib.sha256(value.encode()).hexdigest()}"


def count_attempt(key: str, window_seconds: int) -> int:
    """Count one attempt under `key`; the count so far. The window starts at the first attempt and is not
    extended by later ones."""
    if cache.add(key, 1, window_seconds):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.add(key, 1, window_seconds)
        return 1
