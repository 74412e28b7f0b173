"""The throttles' counts are shared by every process (common/cache.py, common/throttle.py): production counts
in the database or in Redis, two processes counting the same key at once neither lose nor repeat a count,
and a cache of one process is refused by the deploy checks."""

from __future__ import annotations

import json
import os
import runpy
import secrets
import subprocess
import sys
import textwrap
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import override_settings

from common.cache import DATABASE_CACHE_TABLE, THROTTLE_MAX_ENTRIES, DatabaseCache
from common.checks import shared_cache_in_production

ROOT = Path(__file__).resolve().parents[2]
# Enough that the two processes count at the same time (Django's own database cache loses counts then).
COUNTS_PER_PROCESS = 300

# One worker process of production: it counts under `key`, as the throttles do, once the test says go.
WORKER = textwrap.dedent(
    """
    import json, os, sys, time
    import django

    django.setup()
    from django.core.management import call_command
    from common.throttle import count_attempt

    if sys.argv[1] == "setup":
        call_command("createcachetable", verbosity=0)  # what the migration makes (checked on the test database)
        sys.exit(0)
    key, ready, go = sys.argv[2], sys.argv[3], sys.argv[4]
    open(ready, "w").close()
    while not os.path.exists(go):
        time.sleep(0.005)
    print(json.dumps([count_attempt(key, 600) for _ in range({count})]))
    """
).format(count=COUNTS_PER_PROCESS)


def _production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_SETTINGS_MODULE", "REDIS_URL", "DATABASE_URL")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=secrets.token_urlsafe(40),
        HISTORY_SEAL_KEY=secrets.token_urlsafe(40),
        PERSONAL_DATA_KEY=secrets.token_urlsafe(40),
        ALLOWED_HOSTS="govhall.example.gov.cn",
        # SQLite serialises the two processes' writes: the one waiting may wait long on a busy machine.
        DATABASE_URL=f"sqlite:///{tmp_path / 'govhall.sqlite3'}?timeout=120",
        GOVHALL_VAR_DIR=str(tmp_path),
        PYTHONPATH=str(ROOT),
        **extra,
    )
    return env


def _count_in_two_processes(tmp_path: Path, env: dict[str, str], key: str) -> list[list[int]]:
    script = tmp_path / "worker.py"
    script.write_text(WORKER)
    go = tmp_path / "go"
    workers = []
    for n in range(2):
        ready = tmp_path / f"ready-{n}"
        command = [sys.executable, str(script), "count", key, str(ready), str(go)]
        workers.append(
            (ready, subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True))  # noqa: S603
        )
    try:
        for ready, worker in workers:
            while not ready.exists():
                assert worker.poll() is None, "a worker stopped before counting"
                threading.Event().wait(0.01)
        go.touch()  # both count at once from here
        return [json.loads(worker.communicate(timeout=120)[0]) for _, worker in workers]
    finally:
        for _, worker in workers:
            if worker.poll() is None:
                worker.kill()


def test_two_production_processes_share_the_database_counts(tmp_path: Path) -> None:
    env = _production_env(tmp_path)
    subprocess.run(  # noqa: S603
        [sys.executable, "-c", WORKER, "setup"], cwd=ROOT, env=env, check=True, timeout=120
    )
    first, second = _count_in_two_processes(tmp_path, env, "throttle-test")
    # Every count was seen by both processes: together they counted 1 … 600, none twice, none lost.
    assert sorted(first + second) == list(range(1, 2 * COUNTS_PER_PROCESS + 1))
    assert first == sorted(first) and second == sorted(second)


def _redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


@pytest.mark.skipif(not _redis_reachable(), reason="no Redis at 127.0.0.1:6379")
def test_two_production_processes_share_the_redis_counts(tmp_path: Path) -> None:
    import redis

    env = _production_env(tmp_path, REDIS_URL="redis://127.0.0.1:6379/0")
    key = f"throttle-test-{secrets.token_hex(8)}"
    try:
        first, second = _count_in_two_processes(tmp_path, env, key)
        assert sorted(first + second) == list(range(1, 2 * COUNTS_PER_PROCESS + 1))
        # The count keeps the end of its window.
        assert 0 < redis.Redis(host="127.0.0.1", port=6379).ttl(f":1:{key}") <= 600
    finally:
        redis.Redis(host="127.0.0.1", port=6379).delete(f":1:{key}")


# --- the database cache's table and window -----------------------------------------------------------------


@pytest.mark.django_db
def test_the_migration_makes_the_table_production_names() -> None:
    settings = _production_settings({})
    assert settings["CACHES"]["default"]["BACKEND"] == "common.cache.DatabaseCache"
    assert settings["CACHES"]["default"]["LOCATION"] == DATABASE_CACHE_TABLE
    with connection.cursor() as cursor:
        assert DATABASE_CACHE_TABLE in connection.introspection.table_names(cursor)


@pytest.mark.django_db
def test_a_database_count_keeps_its_window_and_then_starts_again() -> None:
    cache = DatabaseCache(DATABASE_CACHE_TABLE, {})
    start = datetime(2026, 10, 8, 2, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as clock:
        assert [cache.count_in_window("k", 900) for _ in range(3)] == [1, 2, 3]
        clock.shift(timedelta(minutes=14))
        assert cache.count_in_window("k", 900) == 4  # later counts do not extend the window
        assert cache.decr("k") == 3
        clock.shift(timedelta(minutes=1, seconds=1))
        assert cache.get("k") is None
        with pytest.raises(ValueError):
            cache.decr("k")  # an ended count is not brought back
        assert cache.count_in_window("k", 900) == 1
        clock.shift(timedelta(minutes=14, seconds=59))
        assert cache.count_in_window("k", 900) == 2


@pytest.mark.django_db
def test_a_database_count_keeps_a_value_set_by_use_up() -> None:
    cache = DatabaseCache(DATABASE_CACHE_TABLE, {})
    assert cache._max_entries == THROTTLE_MAX_ENTRIES  # not Django's 300, which would cull live counts
    cache.set("k", 10, 900)
    assert cache.count_in_window("k", 900) == 11
    assert cache.incr("k", 2) == 13


# --- production settings and the deploy check --------------------------------------------------------------


def _production_settings(environ: dict[str, str]) -> dict[str, Any]:
    env = {
        "SECRET_KEY": secrets.token_urlsafe(40),
        "HISTORY_SEAL_KEY": secrets.token_urlsafe(40),
        "PERSONAL_DATA_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "govhall.example.gov.cn",
        **environ,
    }
    saved = {name: os.environ.get(name) for name in [*env, "REDIS_URL", "TRUSTED_PROXIES", "KIOSK_ADDRESSES"]}
    try:
        for name in ("REDIS_URL", "TRUSTED_PROXIES", "KIOSK_ADDRESSES"):
            os.environ.pop(name, None)
        os.environ.update(env)
        return runpy.run_module("config.settings.production")
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def test_production_counts_in_redis_when_set_and_trusts_the_local_proxy_by_default() -> None:
    with_redis = _production_settings({"REDIS_URL": "redis://cache.internal:6379/1"})
    assert with_redis["CACHES"]["default"] == {
        "BACKEND": "common.cache.RedisCache",
        "LOCATION": "redis://cache.internal:6379/1",
    }
    assert with_redis["TRUSTED_PROXIES"] == ["127.0.0.1", "::1"]
    assert with_redis["KIOSK_ADDRESSES"] == []
    configured = _production_settings(
        {"TRUSTED_PROXIES": "10.1.0.2, 10.1.0.3", "KIOSK_ADDRESSES": "10.20.0.0/28"}
    )
    assert (configured["TRUSTED_PROXIES"], configured["KIOSK_ADDRESSES"]) == (
        ["10.1.0.2", "10.1.0.3"],
        ["10.20.0.0/28"],
    )
    assert _production_settings({"TRUSTED_PROXIES": ""})["TRUSTED_PROXIES"] == []
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES"):
        _production_settings({"TRUSTED_PROXIES": "proxy.example"})


@pytest.mark.parametrize(
    "backend",
    [
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.dummy.DummyCache",
        "django.core.cache.backends.filebased.FileBasedCache",
    ],
)
def test_the_deploy_check_refuses_a_cache_of_one_process(backend: str) -> None:
    with override_settings(CACHES={"default": {"BACKEND": backend, "LOCATION": "/tmp/x"}}):  # noqa: S108
        assert [message.id for message in shared_cache_in_production()] == ["common.E001"]
        # Registered for `check --deploy` only: development and tests keep a cache of their own.
        deploy = [m.id for m in run_checks(tags=["caches"], include_deployment_checks=True)]
        assert "common.E001" in deploy
        assert "common.E001" not in [m.id for m in run_checks(tags=["caches"])]


def test_the_deploy_check_accepts_the_production_caches() -> None:
    for environ in ({}, {"REDIS_URL": "redis://cache.internal:6379/1"}):
        with override_settings(CACHES=_production_settings(environ)["CACHES"]):
            assert shared_cache_in_production() == []
