"""The cache backends production uses, so that every throttle counts once for all processes.

Each is Django's own backend with two additions, so that a count cannot be lost or left without its end when
several processes count the same key at once:

- `count_in_window(key, window_seconds)`: count one more under `key` and return the count. The first count
  starts a window of `window_seconds`; later counts do not extend it; once it has ended, the next count starts
  a new one at 1. One atomic step.
- `incr` (and so `decr`) changes a live key only: it never creates a key, and never makes one outlive its
  window. (Django's Redis `incr` checks that the key exists and then increments it, so a key that expired in
  between comes back without an end; its database `incr` reads and writes in two steps, so two processes lose
  one of their counts.)

`RedisCache` serves when REDIS_URL is set; otherwise `DatabaseCache` keeps its entries in the table
`DATABASE_CACHE_TABLE`, created by the migration `common.0003_database_cache_table`. Development and tests use
Django's in-process cache (`common.throttle` counts there with add and incr); production refuses a cache that
is not shared (`common.checks.shared_cache_in_production`).
"""

from __future__ import annotations

import base64
import pickle
import time
from datetime import UTC, datetime
from typing import Any

from django.core.cache.backends import db, redis
from django.db import IntegrityError, connections, models, router, transaction
from django.utils.timezone import now as tz_now

DATABASE_CACHE_TABLE = "govhall_cache"
THROTTLE_MAX_ENTRIES = 100_000

# One Lua script, so that the check and the increment are one step for Redis.
_INCR_LIVE_KEY = "if redis.call('exists', KEYS[1]) == 1 then return redis.call('incrby', KEYS[1], ARGV[1]) end return false"


class RedisCache(redis.RedisCache):
    def count_in_window(self, key: str, window_seconds: int, version: int | None = None) -> int:
        key = self.make_and_validate_key(key, version=version)
        client = self._cache.get_client(key, write=True)
        with client.pipeline(transaction=True) as pipeline:  # MULTI … EXEC
            pipeline.set(key, 0, ex=window_seconds, nx=True)
            pipeline.incr(key)
            _, count = pipeline.execute()
        return int(count)

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        key = self.make_and_validate_key(key, version=version)
        client = self._cache.get_client(key, write=True)
        value = client.eval(_INCR_LIVE_KEY, 1, key, delta)
        if value is None:
            raise ValueError(f"Key '{key}' not found.")
        return int(value)


class DatabaseCache(db.DatabaseCache):
    """Django's database cache, with counts that two processes cannot interleave.

    A count first writes the key's row (an UPDATE that changes nothing): that takes the row's lock in
    PostgreSQL, and the database's write lock in SQLite, before the count is read, so a second process
    counting the same key waits and then reads the first one's result. Two processes inserting a new key at
    once collide on its primary key; the one that loses counts again, against the row the other inserted.
    """

    _table: str  # Django's, set in __init__

    def __init__(self, table: str, params: dict[str, Any]) -> None:
        # Room for every address and case number the throttles count within an hour: past MAX_ENTRIES, Django
        # culls the table (the ended entries first, then a share of the others).
        options = {"MAX_ENTRIES": THROTTLE_MAX_ENTRIES, **params.get("OPTIONS", {})}
        super().__init__(table, {**params, "OPTIONS": options})

    def _connection(self) -> tuple[str, Any]:
        alias = router.db_for_write(self.cache_model_class)
        return alias, connections[alias]

    def _locked_entry(self, cursor: Any, connection: Any, key: str) -> tuple[Any, datetime] | None:
        """The value and end of `key`'s row, locked until the transaction ends; None without a row."""
        qn = connection.ops.quote_name
        table, cache_key, expires_column = qn(self._table), qn("cache_key"), qn("expires")
        cursor.execute(
            f"UPDATE {table} SET {expires_column} = {expires_column} WHERE {cache_key} = %s",  # noqa: S608
            [key],
        )
        if not cursor.rowcount:
            return None
        cursor.execute(
            f"SELECT {qn('value')}, {expires_column} FROM {table} WHERE {cache_key} = %s",  # noqa: S608
            [key],
        )
        value, expires = cursor.fetchone()
        expression = models.Expression(output_field=models.DateTimeField())
        for converter in connection.ops.get_db_converters(expression) + expression.get_db_converters(
            connection
        ):
            expires = converter(expires, expression, connection)
        value = pickle.loads(base64.b64decode(connection.ops.process_clob(value).encode()))  # noqa: S301 - our own rows
        return value, expires

    def _encode(self, value: Any) -> str:
        return base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")

    def _write(self, cursor: Any, connection: Any, key: str, value: Any, expires: datetime | None) -> None:
        qn = connection.ops.quote_name
        table, cache_key = qn(self._table), qn("cache_key")
        if expires is None:
            cursor.execute(
                f"UPDATE {table} SET {qn('value')} = %s WHERE {cache_key} = %s",  # noqa: S608
                [self._encode(value), key],
            )
        else:
            cursor.execute(
                f"UPDATE {table} SET {qn('value')} = %s, {qn('expires')} = %s WHERE {cache_key} = %s",  # noqa: S608
                [self._encode(value), connection.ops.adapt_datetimefield_value(expires), key],
            )

    def _insert(
        self, cursor: Any, connection: Any, alias: str, key: str, value: Any, expires: datetime
    ) -> None:
        qn = connection.ops.quote_name
        table = qn(self._table)
        # Django's own bound on the table: past MAX_ENTRIES, drop the ended entries (and then some).
        cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608
        entries = cursor.fetchone()[0]
        if entries > self._max_entries:
            self._cull(alias, cursor, tz_now().replace(microsecond=0), entries)  # type: ignore[attr-defined]
        cursor.execute(
            f"INSERT INTO {table} ({qn('cache_key')}, {qn('value')}, {qn('expires')}) VALUES (%s, %s, %s)",  # noqa: S608
            [key, self._encode(value), connection.ops.adapt_datetimefield_value(expires)],
        )

    def _window_end(self, window_seconds: int) -> datetime:
        # As Django's database cache stores an entry's end: whole seconds, in UTC.
        end = datetime.fromtimestamp(time.time() + window_seconds, tz=UTC)
        return end.replace(microsecond=0)

    def count_in_window(self, key: str, window_seconds: int, version: int | None = None) -> int:
        key = self.make_and_validate_key(key, version=version)
        alias, connection = self._connection()
        for _ in range(3):
            try:
                with transaction.atomic(using=alias), connection.cursor() as cursor:
                    entry = self._locked_entry(cursor, connection, key)
                    if entry is not None and entry[1] >= tz_now():
                        count = int(entry[0]) + 1
                        self._write(cursor, connection, key, count, None)
                        return count
                    if entry is not None:  # its window has ended: a new one starts
                        self._write(cursor, connection, key, 1, self._window_end(window_seconds))
                    else:
                        self._insert(cursor, connection, alias, key, 1, self._window_end(window_seconds))
                    return 1
            except IntegrityError:
                continue  # another process inserted the key first: count against its row
        raise RuntimeError(f"Could not count under the cache key {key!r}.")

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        key = self.make_and_validate_key(key, version=version)
        alias, connection = self._connection()
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            entry = self._locked_entry(cursor, connection, key)
            if entry is None or entry[1] < tz_now():
                raise ValueError(f"Key '{key}' not found.")
            value = entry[0] + delta
            self._write(cursor, connection, key, value, None)
        return int(value)
