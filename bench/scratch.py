"""Scratch databases for the PostgreSQL benchmarks: which server, how to name a database on it, how to create,
recreate and migrate one. Every scratch database lives on the server the settings' DATABASE_URL names when
that is PostgreSQL, else on BENCH_POSTGRES_URL's; the database the settings name is never written to."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
MIGRATE_TIMEOUT_S = int(os.environ.get("BENCH_CASES_TIMEOUT", "1200"))


def postgres_server() -> Mapping[str, Any] | None:
    """The settings' database when it is PostgreSQL, else BENCH_POSTGRES_URL's, else None."""
    from django.conf import settings

    db: Mapping[str, Any] = settings.DATABASES["default"]
    if "postgresql" not in db["ENGINE"] and os.environ.get("BENCH_POSTGRES_URL"):
        # The demo runs on SQLite; the PostgreSQL figures are about the production database.
        import dj_database_url

        db = dj_database_url.parse(os.environ["BENCH_POSTGRES_URL"])
    return db if "postgresql" in db["ENGINE"] else None


def url(db: Mapping[str, Any], name: str) -> str:
    """A DATABASE_URL for the database `name` on `db`'s server."""
    user = quote(str(db.get("USER") or ""), safe="")
    password = quote(str(db.get("PASSWORD") or ""), safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = str(db.get("HOST") or "127.0.0.1")
    port = str(db.get("PORT") or "5432")
    return f"postgres://{auth}{host}:{port}/{name}"


def conninfo(db: Mapping[str, Any], name: str) -> str:
    """A libpq connection string for the database `name` on `db`'s server (for psycopg directly)."""
    import psycopg

    return str(
        psycopg.conninfo.make_conninfo(
            host=str(db.get("HOST") or "127.0.0.1"),
            port=str(db.get("PORT") or "5432"),
            user=str(db.get("USER") or "") or None,
            password=str(db.get("PASSWORD") or "") or None,
            dbname=name,
        )
    )


def ensure_database(db: Mapping[str, Any], name: str, *, fresh: bool = False) -> None:
    """Create the database `name` when absent; with `fresh`, drop it first (nobody else connects to it)."""
    import psycopg

    with psycopg.connect(conninfo(db, "postgres"), autocommit=True) as conn:
        if fresh:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if found is None:
            conn.execute(f'CREATE DATABASE "{name}"')
            if not fresh:
                print(f"bench: created the scratch database {name}")


def migrate(env: Mapping[str, str], label: str) -> None:
    """`manage.py migrate` in a child process whose environment (DATABASE_URL) names the scratch database."""
    began = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=dict(env),
        check=True,
        timeout=MIGRATE_TIMEOUT_S,
    )
    print(f"{label}: migrated in {time.perf_counter() - began:.1f} s")
