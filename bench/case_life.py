"""A whole case life through the services, against the peer's BPMN engine and a bare write of the same rows,
each measured in the same run on PostgreSQL.

A case life is 6 transitions, each one service call in its own transaction, committed, with autocommit
outside, as a request runs in production: receive (`cases.services.intake.case_receive`), check the
materials (`case_check_materials`), accept (`case_accept`), complete the step (`cases.services.handling.
step_complete`), decide (`case_decide`) and deliver (`case_deliver`), on the fixture of
`_service_fixture` (an item with two materials and one step at the clerk's post; a chief
representative authorised to decide). The lives are interleaved as the peer interleaves its requests: the
BENCH_LIFE_CASES cases (default 200) are received first, then each is checked, then each accepted, and so on,
so that consecutive transitions touch different rows. Each service is handed the case object the previous
one returned (a request's own loading of the case is not counted; every service locks and reads it again).

Three figures, measured side by side in each of BENCH_LIFE_RUNS rounds (default 7), each round in a turned
order (services, bare write, peer; then bare write, peer, services; ...), so that a slow spell of the shared
machine falls on each figure in turn. Reported: each figure's median over the rounds, and each ratio as the
median of the rounds' own ratios (the two figures of a ratio measured within seconds of each other):

1. transitions/s through the services, with DEBUG off (as in production);
2. the peer: `../shared/bench/peer_spiff/bench.py` (BENCH_PEER_DIR overrides the directory), SpiffWorkflow
   running a 6-task approval process saved to PostgreSQL after every task, one request per task, interleaved
   the same way; its `median_tasks_per_s` for BENCH_PEER_INSTANCES instances (default: as many as cases),
   in its own scratch database `govhall_hb_peer`. Skipped, and said so, when the directory is missing;
3. the bare write: exactly the rows the services wrote, in the same 6 transactions per case, interleaved the
   same way, with no reads and no checks: each transition's INSERTs (one multi-row INSERT per table) and
   UPDATEs with their final values, through psycopg directly, one committed transaction per transition.
   Which rows each transition writes is found, not listed: a probe case is lived through the services while
   every table of the database is read before and after each transition, and the rows that appeared,
   changed or disappeared are the transition's writes (so a new table of the engine is replayed without
   touching this file). Replayed rows point at the replayed life's own rows (a foreign key to a row the
   probe life created is remapped); text columns of a unique index get a suffix so that the copies can sit
   next to the originals; a row the life did not create (the centre's number sequence) is rewritten with the
   value it has (`SET col = col`), so that the services' next numbers are left as they were.

Outside the timed part, a few more lives are counted with `CaptureQueriesContext`: SQL statements per
transition besides BEGIN/COMMIT, by kind of transition, with SAVEPOINT/RELEASE counted apart, the
commits per transition, and how many of the statements were sent together with the case's lock in one round
trip (`common.sql.rows_together`: a batch, after the transaction's BEGIN, which psycopg sends and waits for on
its own; the bare write sends each of its statements alone). The work happens in the scratch database
`govhall_hb_life` on the PostgreSQL server (BENCH_POSTGRES_URL, or DATABASE_URL when it is PostgreSQL),
dropped, created and migrated afresh for every run so that runs start from the same state, in a child process
whose DATABASE_URL names it.

Targets the engine work measures itself against: at least 1.0x the peer, at least 0.75x the bare write, at
most 6 statements per transition.

Run alone with `python -m bench.case_life` (DJANGO_SETTINGS_MODULE defaults to config.settings.dev).
"""

from __future__ import annotations

import itertools
import json
import os
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
SCRATCH_DB = "govhall_hb_life"
PEER_DB = "govhall_hb_peer"
WORKER_FLAG = "--life-worker"
KINDS = ("receive", "check", "accept", "step", "decide", "deliver")
WARM_LIVES = 5  # lived before anything is counted or timed: fills caches and the number sequences
COUNTED_LIVES = 5  # lived with their statements counted, outside the timing
SAVEPOINT_SQL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")
# The transaction's own frame, which Django logs as queries with psycopg 3: not statements of the transition.
FRAME_SQL = ("BEGIN", "COMMIT", "ROLLBACK")
TIMEOUT_S = int(os.environ.get("BENCH_CASES_TIMEOUT", "1200"))


def _cases() -> int:
    return int(os.environ.get("BENCH_LIFE_CASES", "200"))


def _runs() -> int:
    return int(os.environ.get("BENCH_LIFE_RUNS", "7"))


def _peer_instances() -> int:
    return int(os.environ.get("BENCH_PEER_INSTANCES", str(_cases())))


def peer_dir() -> Path:
    """The peer baseline's directory: BENCH_PEER_DIR, else `../shared/bench/peer_spiff/` beside the repo."""
    return Path(os.environ.get("BENCH_PEER_DIR") or ROOT.parent / "shared" / "bench" / "peer_spiff")


# --- the lives through the services ------------------------------------------------------------------------


def _moment(day: date, hh: int, mm: int = 0) -> datetime:
    from django.utils import timezone

    return timezone.make_aware(datetime.combine(day, datetime.min.time()) + timedelta(hours=hh, minutes=mm))


def _service_fixture() -> dict[str, Any]:
    """A centre with a window, a post (A and B), a chief representative authorised to decide and an item with
    two materials and one step at the post — inside the caller's transaction."""
    from catalog.tests.factories import make_published_item
    from org.models import Role
    from org.services import authorization_grant
    from org.tests import factories as f

    center = f.make_center(code="bench-services", name="基准测试中心")
    department = f.make_department(center, code="bench", name="基准测试局")
    window = f.make_window(center, department, number="B01", name="基准窗口")
    clerk = f.make_staff(center, window=window, department=department, name="基准受理")
    f.grant(clerk.user, center, Role.WINDOW_STAFF, window)
    backup = f.make_staff(center, window=window, department=department, name="基准备岗")
    f.grant(backup.user, center, Role.WINDOW_STAFF, window)
    post = f.make_post(window, a=clerk, backups=[backup], name="受理岗")
    chief = f.make_staff(center, window=window, department=department, name="基准首席")
    f.grant(chief.user, center, Role.CHIEF_REPRESENTATIVE, window)
    window.chief_representative = chief
    window.head = chief
    window.save()
    item = make_published_item(center, department, post=post, promised_limit_days=5, statutory_limit_days=20)
    authorization_grant(
        actor=None,
        department=department,
        representative=chief,
        document_number="基准授〔2026〕1号",
        signed_by="基准局长",
        scopes=["decide_general"],
        valid_from=date(2026, 1, 1),
        valid_until=date(2026, 12, 31),
    )
    return {"center": center, "window": window, "clerk": clerk, "chief": chief, "item": item}


class Lives:
    """Case lives through the services on `_service_fixture`'s centre, interleaved."""

    # Decided within the limit (5 working days from 09-30), as most cases are.
    RECEIVED, DECIDED, DELIVERED = date(2026, 9, 30), date(2026, 10, 6), date(2026, 10, 8)

    def __init__(self, fx: dict[str, Any]) -> None:
        from cases.models import MaterialStatus

        self.fx = fx
        materials = fx["item"].current_version.materials.values_list("pk", flat=True)
        self.results = dict.fromkeys(materials, (MaterialStatus.PRESENT, ""))
        self.serial = itertools.count(1)

    def transition(self, kind: str, case: Any) -> Any:
        """One service call; returns the case to hand to the next transition."""
        from cases.models import DeliveryMethod
        from cases.services import handling, intake

        fx = self.fx
        if kind == "receive":
            n = next(self.serial)
            return intake.case_receive(
                actor=fx["clerk"],
                window=fx["window"],
                item=fx["item"],
                applicant={"name": f"基准申请单位{n}", "phone": "13800000000"},
                at=_moment(self.RECEIVED, 9, 30),
            )
        if kind == "check":
            return intake.case_check_materials(
                actor=fx["clerk"], case=case, results=self.results, at=_moment(self.RECEIVED, 10)
            )
        if kind == "accept":
            intake.case_accept(actor=fx["clerk"], case=case, at=_moment(self.RECEIVED, 11))
        elif kind == "step":
            handling.step_complete(
                actor=fx["clerk"], case=case, opinion="材料齐全，同意", at=_moment(self.DECIDED, 9)
            )
        elif kind == "decide":
            handling.case_decide(
                actor=fx["chief"],
                case=case,
                approve=True,
                result_number=f"基准许〔2026〕{case.pk}号",
                result_valid_until=date(2031, 10, 8),
                at=_moment(self.DECIDED, 11),
            )
        elif kind == "deliver":
            handling.case_deliver(
                actor=fx["clerk"], case=case, method=DeliveryMethod.PICKUP, at=_moment(self.DELIVERED, 10)
            )
        else:
            raise ValueError(kind)
        return case

    def run(self, n: int, around: Callable[[str], AbstractContextManager[Any]] | None = None) -> float:
        """Live `n` cases, interleaved; the seconds it took. `around(kind)` wraps each transition."""
        cases: list[Any] = [None] * n
        began = time.perf_counter()
        for kind in KINDS:
            for i in range(n):
                with around(kind) if around else nullcontext():
                    cases[i] = self.transition(kind, cases[i])
        return time.perf_counter() - began


@dataclass
class Statements:
    """SQL statements per kind of transition (BEGIN/COMMIT are not statements here), SAVEPOINT/RELEASE apart."""

    calls: Counter[str] = field(default_factory=Counter)
    statements: Counter[str] = field(default_factory=Counter)
    savepoints: Counter[str] = field(default_factory=Counter)
    commits: Counter[str] = field(default_factory=Counter)
    # Statements sent together (`common.sql.rows_together` on PostgreSQL: one round trip a batch, after the
    # transaction's BEGIN, which psycopg sends and waits for on its own), and batches.
    batched: Counter[str] = field(default_factory=Counter)
    batches: Counter[str] = field(default_factory=Counter)

    @contextmanager
    def __call__(self, kind: str) -> Iterator[None]:
        from django.db import connections
        from django.test.utils import CaptureQueriesContext

        from common import sql as common_sql

        connection = connections["default"]
        with (
            CaptureQueriesContext(connection) as queries,
            mock.patch.object(connection, "commit", wraps=connection.commit) as commit,
            mock.patch.object(common_sql, "rows_together", wraps=common_sql.rows_together) as together,
        ):
            yield
        self.calls[kind] += 1
        self.commits[kind] += commit.call_count
        for call in together.call_args_list:
            if len(call.args[0]) > 1:
                self.batched[kind] += len(call.args[0])
                self.batches[kind] += 1
        for query in queries.captured_queries:
            sql = query["sql"].lstrip().upper()
            if sql in FRAME_SQL:
                continue
            if sql.startswith(SAVEPOINT_SQL):
                self.savepoints[kind] += 1
            else:
                self.statements[kind] += 1

    def per(self, counter: Counter[str], kind: str | None = None) -> float:
        if kind is None:
            return sum(counter.values()) / max(1, sum(self.calls.values()))
        return counter[kind] / max(1, self.calls[kind])


# --- which rows a transition writes, and writing them bare --------------------------------------------------


@dataclass(frozen=True)
class Table:
    name: str
    pk: str
    columns: tuple[str, ...]
    types: tuple[str, ...]
    pk_generated: bool  # an identity or a default (a sequence) gives new rows their key
    foreign: dict[str, str]  # column -> referenced table
    # The columns of each unique index but the primary key, and whether the index is partial.
    unique: tuple[tuple[tuple[str, ...], bool], ...]

    def is_text(self, column: str) -> bool:
        return self.types[self.columns.index(column)].startswith(("character", "text"))

    def max_length(self, column: str) -> int | None:
        kind = self.types[self.columns.index(column)]
        return int(kind[kind.index("(") + 1 : -1]) if kind.startswith("character") and "(" in kind else None


def _schema(conn: Any) -> dict[str, Table]:
    """Every table of the database's current schema with a one-column primary key."""
    columns: dict[str, list[tuple[str, str, bool]]] = defaultdict(list)
    for table, column, kind, generated in conn.execute(
        """SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
                  a.attidentity <> '' OR a.atthasdef
             FROM pg_class c
             JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
             JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            WHERE c.relkind IN ('r', 'p')
            ORDER BY c.relname, a.attnum"""
    ):
        columns[table].append((column, kind, generated))
    indexes: dict[str, list[tuple[bool, list[str], bool]]] = defaultdict(list)
    for table, primary, names, partial in conn.execute(
        """SELECT c.relname, i.indisprimary,
                  array(SELECT a.attname FROM unnest(i.indkey) k JOIN pg_attribute a
                         ON a.attrelid = c.oid AND a.attnum = k),
                  i.indpred IS NOT NULL
             FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
             JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
            WHERE i.indisunique"""
    ):
        indexes[table].append((primary, list(names), partial))
    foreign: dict[str, dict[str, str]] = defaultdict(dict)
    for table, column, target in conn.execute(
        """SELECT c.relname, a.attname, t.relname
             FROM pg_constraint f JOIN pg_class c ON c.oid = f.conrelid JOIN pg_class t ON t.oid = f.confrelid
             JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
             JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = f.conkey[1]
            WHERE f.contype = 'f' AND cardinality(f.conkey) = 1"""
    ):
        foreign[table][column] = target
    tables = {}
    for name, cols in columns.items():
        primary = [names for is_primary, names, _p in indexes[name] if is_primary]
        if len(primary) != 1 or len(primary[0]) != 1:
            continue
        pk = primary[0][0]
        tables[name] = Table(
            name=name,
            pk=pk,
            columns=tuple(c for c, _k, _g in cols),
            types=tuple(k for _c, k, _g in cols),
            pk_generated=next(g for c, _k, g in cols if c == pk),
            foreign=foreign[name],
            unique=tuple(
                (tuple(names), partial)
                for is_primary, names, partial in indexes[name]
                if not is_primary and names
            ),
        )
    return tables


Snapshot = dict[str, dict[Any, tuple[Any, ...]]]


def _snapshot(conn: Any, tables: dict[str, Table]) -> Snapshot:
    """Every row of every table, by primary key (the scratch database is small: a fresh fixture and lives)."""
    snap: Snapshot = {}
    for table in tables.values():
        column_list = ", ".join(f'"{c}"' for c in table.columns)
        at = table.columns.index(table.pk)
        rows = conn.execute(f'SELECT {column_list} FROM "{table.name}"').fetchall()
        snap[table.name] = {row[at]: tuple(row) for row in rows}
    return snap


@dataclass
class Write:
    """One row a transition wrote: `values` are the whole row for an insert, the changed columns for an
    update; `row` is the row after the transition (before it, for a delete)."""

    table: str
    op: str  # insert, update, delete
    key: Any
    values: dict[str, Any]
    row: dict[str, Any]


class Probe:
    """Lives one case through the services, reading every table before and after each transition."""

    def __init__(self, conninfo: str) -> None:
        import psycopg

        self.conn = psycopg.connect(conninfo, autocommit=True)
        self.tables = _schema(self.conn)
        self.writes: dict[str, list[Write]] = {}

    @contextmanager
    def __call__(self, kind: str) -> Iterator[None]:
        before = _snapshot(self.conn, self.tables)
        yield
        after = _snapshot(self.conn, self.tables)
        writes: list[Write] = []
        for name, table in self.tables.items():
            old, new = before[name], after[name]
            for key, row in new.items():
                values = dict(zip(table.columns, row, strict=True))
                if key not in old:
                    writes.append(Write(name, "insert", key, values, values))
                elif old[key] != row:
                    changed = {
                        c: v for c, v, was in zip(table.columns, row, old[key], strict=True) if v != was
                    }
                    writes.append(Write(name, "update", key, changed, values))
            for key in old.keys() - new.keys():
                writes.append(Write(name, "delete", key, {}, dict(zip(table.columns, old[key], strict=True))))
        self.writes[kind] = writes

    def close(self) -> None:
        self.conn.close()


class BareWrite:
    """Replays the probe life's writes, transition by transition, for any number of lives: INSERTs of the
    rows each transition created (one multi-row INSERT per table, in foreign-key order), UPDATEs of the rows
    it changed (the changed columns with their final values), DELETEs of the rows it removed."""

    def __init__(self, conninfo: str, tables: dict[str, Table], writes: dict[str, list[Write]]) -> None:
        import psycopg

        self.conn = psycopg.connect(conninfo)  # psycopg's own transactions: one per transition, committed
        self.tables = tables
        self.writes = writes
        self.owned = {(w.table, w.key) for kind in KINDS for w in writes[kind] if w.op == "insert"}
        self.plans = {kind: self._plan(writes[kind]) for kind in KINDS}

    # Planning: each statement is prepared once per kind of transition; a life only remaps keys and suffixes.

    def _suffixed(self, table: Table, row: dict[str, Any]) -> set[str]:
        """The text columns to suffix so that a copy of `row` cannot break a unique index of `table`."""
        columns: set[str] = set()
        for index, partial in table.unique:
            if any((table.foreign.get(c), row[c]) in self.owned for c in index):
                continue  # the copy points at its own life's row: unique already
            if any(row[c] is None for c in index):
                continue  # NULLs never collide
            # A blank in a partial index is taken to be what its condition leaves out (Django's conditional
            # unique constraints exclude blank numbers); the same blank in a plain index is suffixed.
            text = [c for c in index if table.is_text(c) and not (partial and row[c] == "")]
            if not text and partial:
                continue
            if not text:
                raise SystemExit(f"case life: cannot replay a row of {table.name} uniquely (index {index})")
            columns.update(text)
        return columns

    def _value(self, table: Table, column: str, value: Any) -> Any:
        from psycopg.types.json import Jsonb

        if table.types[table.columns.index(column)] in ("json", "jsonb") and value is not None:
            return Jsonb(value)
        return value

    def _plan(self, writes: list[Write]) -> list[tuple[str, Any]]:
        inserts: dict[str, list[Write]] = defaultdict(list)
        for w in writes:
            if w.op == "insert":
                inserts[w.table].append(w)
        plan: list[tuple[str, Any]] = []
        for name in self._insert_order(inserts):
            table = self.tables[name]
            rows = sorted(inserts[name], key=lambda w: w.key)
            columns = [c for c in table.columns if c != table.pk or not table.pk_generated]
            if table.pk in columns and not table.is_text(table.pk):
                raise SystemExit(f"case life: cannot give a new key to a row of {name}")
            values = [[self._value(table, c, w.row[c]) for c in columns] for w in rows]
            suffixed = [self._suffixed(table, w.row) | ({table.pk} & set(columns)) for w in rows]
            marks = [
                [(i, table.max_length(c)) for i, c in enumerate(columns) if c in suffix]
                for suffix in suffixed
            ]
            foreign = [(i, table.foreign[c]) for i, c in enumerate(columns) if c in table.foreign]
            one = "(" + ", ".join(["%s"] * len(columns)) + ")"
            column_list = ", ".join(f'"{c}"' for c in columns)
            sql = (
                f'INSERT INTO "{name}" ({column_list}) '
                f'VALUES {", ".join([one] * len(rows))} RETURNING "{table.pk}"'
            )
            plan.append(("insert", (name, sql, [w.key for w in rows], values, marks, foreign)))
        for w in writes:
            table = self.tables[w.table]
            if w.op == "update":
                names = list(w.values)
                if (w.table, w.key) in self.owned:
                    suffix = self._suffixed(table, w.row)
                    sets = ", ".join(f'"{c}" = %s' for c in names)
                    changed = [self._value(table, c, w.values[c]) for c in names]
                    suffix_at = [(i, table.max_length(c)) for i, c in enumerate(names) if c in suffix]
                    refs = [(i, table.foreign[c]) for i, c in enumerate(names) if c in table.foreign]
                    sql = f'UPDATE "{w.table}" SET {sets} WHERE "{table.pk}" = %s'
                    plan.append(("update", (w.table, sql, w.key, changed, suffix_at, refs)))
                else:  # a shared row: written again as it stands, so that the services' state is untouched
                    sets = ", ".join(f'"{c}" = "{c}"' for c in names)
                    sql = f'UPDATE "{w.table}" SET {sets} WHERE "{table.pk}" = %s'
                    plan.append(("shared", (sql, w.key)))
            elif w.op == "delete":
                if (w.table, w.key) not in self.owned:
                    raise SystemExit(f"case life: a transition deleted a row of {w.table} it did not create")
                plan.append(("delete", (w.table, f'DELETE FROM "{w.table}" WHERE "{table.pk}" = %s', w.key)))
        return plan

    def _insert_order(self, inserts: dict[str, list[Write]]) -> list[str]:
        """The tables written, each after the tables its new rows point at."""
        order: list[str] = []
        pending = set(inserts)
        while pending:
            ready = sorted(
                name
                for name in pending
                if not any(
                    (target := self.tables[name].foreign.get(c)) in pending
                    and target != name
                    and (target, w.row[c]) in self.owned
                    for w in inserts[name]
                    for c in self.tables[name].foreign
                )
            )
            if not ready:
                raise SystemExit(f"case life: the new rows of {sorted(pending)} point at each other")
            order.extend(ready)
            pending.difference_update(ready)
        return order

    # Writing.

    @staticmethod
    def _apply(
        values: list[Any],
        marks: list[tuple[int, int | None]],
        foreign: list[tuple[int, str]],
        keys: dict[Any, Any],
        tag: str,
    ) -> list[Any]:
        out = list(values)
        for i, target in foreign:
            out[i] = keys.get((target, out[i]), out[i])
        for i, length in marks:
            text = str(out[i])
            out[i] = (text[: length - len(tag)] if length else text) + tag
        return out

    def transition(self, kind: str, keys: dict[Any, Any], tag: str) -> None:
        """One transition of one life, in one committed transaction; `keys` maps the probe's rows to the
        life's (filled as the life's rows are inserted)."""
        cursor = self.conn.cursor()
        for op, args in self.plans[kind]:
            if op == "insert":
                name, sql, probe_keys, rows, marks, foreign = args
                params = [
                    v
                    for row, m in zip(rows, marks, strict=True)
                    for v in self._apply(row, m, foreign, keys, tag)
                ]
                cursor.execute(sql, params)
                for probe_key, (new_key,) in zip(probe_keys, cursor.fetchall(), strict=True):
                    keys[(name, probe_key)] = new_key
            elif op == "update":
                name, sql, key, values, marks, foreign = args
                cursor.execute(sql, [*self._apply(values, marks, foreign, keys, tag), keys[(name, key)]])
            elif op == "shared":
                sql, key = args
                cursor.execute(sql, [key])
            else:
                name, sql, key = args
                cursor.execute(sql, [keys[(name, key)]])
        self.conn.commit()

    def run(self, n: int, tag: str) -> float:
        """`n` lives, interleaved like the services'; the seconds it took."""
        lives: list[dict[Any, Any]] = [{} for _ in range(n)]
        began = time.perf_counter()
        for kind in KINDS:
            for i in range(n):
                self.transition(kind, lives[i], f"~{tag}{i}")
        return time.perf_counter() - began

    def counts(self) -> dict[str, int]:
        return {
            name: self.conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]  # type: ignore[index]
            for name in sorted({w.table for kind in KINDS for w in self.writes[kind]})
        }

    def close(self) -> None:
        self.conn.close()


def _rows_written(writes: list[Write]) -> str:
    by = Counter((w.table, w.op) for w in writes)
    sign = {"insert": "+", "update": "~", "delete": "-"}
    return ", ".join(f"{table} {sign[op]}{n}" for (table, op), n in sorted(by.items()))


# --- the peer ---------------------------------------------------------------------------------------------


def _peer_round(n: int) -> float | None:
    """One run of the peer's bench with `n` instances: its tasks/s, or None (said why) when it cannot run."""
    dsn = os.environ.get("BENCH_PEER_DSN", "")
    script = peer_dir() / "bench.py"
    if not dsn or not script.exists():
        return None
    out = subprocess.run(
        [sys.executable, str(script), "pg", str(n), "1", "--pg-dsn", dsn],
        cwd=script.parent,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
    )
    summary = [line for line in out.stdout.splitlines() if line.startswith("SUMMARY ")]
    if out.returncode != 0 or not summary:
        print(f"case life: the peer failed ({out.returncode}): {out.stderr.strip()[-500:]}")
        return None
    return float(json.loads(summary[-1].removeprefix("SUMMARY "))["median_tasks_per_s"])


# --- the run ----------------------------------------------------------------------------------------------


def worker() -> None:
    """In the child process, connected to the fresh scratch database: fixture, warm-up, counts, probe, then
    the timed rounds (services, bare write, peer) and the figures."""
    from django.db import connection, transaction
    from django.test.utils import override_settings

    from bench import scratch

    assert connection.vendor == "postgresql" and connection.settings_dict["NAME"] == SCRATCH_DB
    n, runs, peer_n = _cases(), _runs(), _peer_instances()
    conninfo = scratch.conninfo(connection.settings_dict, SCRATCH_DB)
    with override_settings(DEBUG=False):
        with transaction.atomic():
            fx = _service_fixture()
        lives = Lives(fx)
        lives.run(WARM_LIVES)
        counted = Statements()
        lives.run(COUNTED_LIVES, around=counted)
        probe = Probe(conninfo)
        try:
            lives.run(1, around=probe)
        finally:
            probe.close()
        bare = BareWrite(conninfo, probe.tables, probe.writes)
        if not (peer_dir() / "bench.py").exists() or not os.environ.get("BENCH_PEER_DSN"):
            print(
                "case life: the peer figure is skipped: no bench.py in the peer directory "
                "(../shared/bench/peer_spiff/ beside the repository, or BENCH_PEER_DIR)"
            )
        try:
            services_s: list[float] = []
            bare_s: list[float] = []
            peer_by_round: list[float | None] = []

            def bare_round(r: int) -> None:
                before = bare.counts()
                bare_s.append(bare.run(n, tag=f"b{r}-"))
                after = bare.counts()
                expected: Counter[str] = Counter()
                for kind in KINDS:
                    for w in probe.writes[kind]:
                        expected[w.table] += {"insert": n, "update": 0, "delete": -n}[w.op]
                wrong = {
                    t: (after[t] - before[t], expected[t])
                    for t in after
                    if after[t] - before[t] != expected[t]
                }
                if wrong:
                    raise SystemExit(f"case life: the bare write wrote other rows than the services: {wrong}")

            measures: list[Callable[[int], None]] = [
                lambda r: services_s.append(lives.run(n)),
                bare_round,
                lambda r: peer_by_round.append(_peer_round(peer_n)),
            ]
            for r in range(runs):
                for measure in measures[r % 3 :] + measures[: r % 3]:
                    measure(r)
        finally:
            bare.close()
    peer_rates = [rate for rate in peer_by_round if rate is not None]

    transitions = len(KINDS) * n
    services = transitions / statistics.median(services_s)
    bare_rate = transitions / statistics.median(bare_s)
    # Each ratio: the median of the rounds' ratios, both figures of a round measured within seconds.
    to_bare = statistics.median(b / s for s, b in zip(services_s, bare_s, strict=True))
    by_kind = ", ".join(f"{kind} {counted.per(counted.statements, kind):.1f}" for kind in KINDS)
    savepoints = ", ".join(f"{kind} {counted.per(counted.savepoints, kind):.1f}" for kind in KINDS)
    commits = counted.per(counted.commits)
    batched = ", ".join(
        f"{kind} {counted.per(counted.batched, kind):.0f} in {counted.per(counted.batches, kind):.0f}"
        for kind in KINDS
    )
    rows = {kind: len(probe.writes[kind]) for kind in KINDS}
    statements = counted.per(counted.statements)
    if peer_rates:
        peer = statistics.median(peer_rates)
        to_peer = statistics.median(
            transitions / s / rate
            for s, rate in zip(services_s, peer_by_round, strict=True)
            if rate is not None
        )
        peer_part, peer_ratio = f"peer {peer:,.0f} tasks/s", f"X/Y = {to_peer:.3f}x the peer, "
    else:
        peer_part, peer_ratio = "peer skipped (see above)", ""
    print(
        f"case life: {services:,.1f} transitions/s through the services | {peer_part} | bare write "
        f"{bare_rate:,.0f} transitions/s -> {peer_ratio}X/Z = {to_bare:.3f}x the bare write "
        "(each ratio the median of the rounds' ratios); "
        f"{statements:.1f} statements per transition (by kind: {by_kind}) "
        "[targets: >= 1.0x the peer, >= 0.75x the bare write, <= 6 statements per transition]"
    )
    print(
        f"case life: {n} cases x {len(KINDS)} transitions per run, median of {runs} rounds "
        f"(services {', '.join(f'{transitions / s:,.1f}' for s in services_s)}; bare "
        f"{', '.join(f'{transitions / s:,.0f}' for s in bare_s)}"
        + (
            f"; peer {', '.join(f'{r:,.0f}' for r in peer_rates)} with {peer_n} instances"
            if peer_rates
            else ""
        )
        + f" per s); SAVEPOINT/RELEASE per transition besides the statements: {savepoints}; "
        f"{commits:.2f} commits per transition (counted on {COUNTED_LIVES} more lives); "
        f"{counted.per(counted.batched):.1f} of the statements per transition sent together with the case's "
        f"lock, in {counted.per(counted.batches):.1f} batches (by kind: {batched})"
    )
    print(
        f"case life: {sum(rows.values())} rows written per case life "
        f"({', '.join(f'{kind} {rows[kind]}' for kind in KINDS)}); "
        + "; ".join(f"{kind}: {_rows_written(probe.writes[kind])}" for kind in KINDS)
    )


def main() -> None:
    from bench import scratch

    db = scratch.postgres_server()
    if db is None:
        print("case life: skipped (neither DATABASE_URL nor BENCH_POSTGRES_URL is PostgreSQL)")
        return
    scratch.ensure_database(db, SCRATCH_DB, fresh=True)
    env = dict(os.environ, DATABASE_URL=scratch.url(db, SCRATCH_DB), CONN_MAX_AGE="0")
    env.pop("BENCH_PEER_DSN", None)
    scratch.migrate(env, f"case life: {SCRATCH_DB}")
    if (peer_dir() / "bench.py").exists():
        scratch.ensure_database(db, PEER_DB)
        env["BENCH_PEER_DSN"] = scratch.url(db, PEER_DB)
    subprocess.run(
        [sys.executable, "-m", "bench.case_life", WORKER_FLAG],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=TIMEOUT_S,
    )


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    if WORKER_FLAG in sys.argv[1:]:
        worker()
    else:
        main()
