"""How the demo loads run: without Django's query log."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.test.utils import override_settings


@contextmanager
def without_query_log() -> Iterator[None]:
    """Run without Django's query log, which is on whenever DEBUG is (as in development, where `make run`
    loads the demo). The log keeps every query and on SQLite renders each one with one more query
    (`last_executed_query`); the demo load makes tens of thousands of queries through the services and runs
    about an eighth faster without it. Only the log is affected: the services run as they always do."""
    with override_settings(DEBUG=False):
        yield
