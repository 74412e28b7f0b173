"""A per-process cache of values that change rarely (the calendar, policy values), kept right across processes.

Building such a value costs queries, and the services ask for it on every request, so each process keeps the
values it built. A kept value is used only while both of these are unchanged:

- the cache's own version counter in this process, bumped by every write in this process (so a change made here
  is seen at once, even inside the writing transaction), and
- a generation number in Django's cache (shared by every process when the cache is Redis), bumped by the same
  writes. It is read at most once every `check_seconds` per process, so other processes see a change within that
  time, at the cost of one cache read per interval.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from django.core.cache import cache

V = TypeVar("V")


class ProcessCache(Generic[V]):
    """Values built by `build(key)`, kept in this process until a write anywhere bumps the generation."""

    def __init__(self, name: str, build: Callable[[Hashable], V], *, check_seconds: float = 1.0) -> None:
        self.generation_key = f"{name}:generation"
        self._build = build
        self._check_seconds = check_seconds
        self._lock = threading.Lock()
        self._local = 0
        self._shared: int | None = None
        self._checked_at = float("-inf")
        self._values: dict[Hashable, tuple[tuple[int, int | None], V]] = {}

    def _generation(self) -> int | None:
        now = time.monotonic()
        if now - self._checked_at >= self._check_seconds:
            self._shared = cache.get(self.generation_key)
            self._checked_at = now
        return self._shared

    def get(self, key: Hashable) -> V:
        stamp = (self._local, self._generation())
        hit = self._values.get(key)
        if hit is not None and hit[0] == stamp:
            return hit[1]
        value = self._build(key)
        with self._lock:
            if stamp[0] == self._local:
                self._values[key] = (stamp, value)
        return value

    def bump(self, *, shared: bool = True) -> None:
        """Forget every kept value in this process; with `shared`, in every other process too."""
        with self._lock:
            self._local += 1
            self._values.clear()
            self._checked_at = float("-inf")
        if shared:
            try:
                cache.incr(self.generation_key)
            except ValueError:  # no such key yet
                cache.add(self.generation_key, 1, timeout=None)

    def clear(self) -> None:
        """Forget the kept values of this process (tests call it: a rolled-back test leaves no trace)."""
        self.bump(shared=False)
