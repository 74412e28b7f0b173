"""Counting attempts in a fixed window, in the cache that every process shares.

Production's cache is Redis or the database (`common.cache`), where `count_in_window` counts in one atomic
step, so that every process sees the same count and no count is lost when two count at once; the deploy
checks refuse a cache of one process (`common.checks`). In development and tests the cache is the process's
own, where counting is `add` then `incr`.

A throttle counts an attempt before it is made and refuses it when the count is past the limit, so that
requests running at the same time cannot all pass a check made before any of them was counted; an attempt
that should not count after all (a refused one, a success) is given back. Every key is a digest
(`throttle_key`): the cache never holds an address or a case number. Every refusal is logged with the
throttle's name and the client's address (`common.net.client_address`).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging

from django.core.cache import cache

logger = logging.getLogger("govhall.throttle")


def throttle_key(prefix: str, value: str) -> str:
    """A cache key for `value` that does not keep the value itself (an address, a case number) in the cache."""
    return f"{prefix}:{hashlib.sha256(value.encode()).hexdigest()}"


def count_attempt(key: str, window_seconds: int) -> int:
    """Count one attempt under `key`; the count so far. The window starts at the first attempt and is not
    extended by later ones; once it has ended, the next attempt starts a new one."""
    count_in_window = getattr(cache, "count_in_window", None)
    if count_in_window is not None:
        return int(count_in_window(key, window_seconds))
    if cache.add(key, 1, window_seconds):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.add(key, 1, window_seconds)
        return 1


def attempts(key: str) -> int:
    """The attempts counted under `key` in its current window (0 when none)."""
    return int(cache.get(key) or 0)


def give_back(key: str) -> None:
    """Take back one attempt counted under `key`; an ended window is left ended."""
    with contextlib.suppress(ValueError):  # the window ended meanwhile
        cache.decr(key)


def use_up(key: str, limit: int, window_seconds: int) -> None:
    """Set `key`'s count to `limit`, in a window that starts now: its next attempt is past the limit."""
    cache.set(key, limit, window_seconds)


def log_refusal(throttle: str, client: str) -> None:
    logger.warning("refused by the %s throttle: client %s", throttle, client)
