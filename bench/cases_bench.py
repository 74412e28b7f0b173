"""Cases: two figures, each against a baseline measured in the same run.

1. The supervision dashboard's warning aggregate (`supervision.selectors.dashboard.window_warning_counts`: the
   red/yellow/green/suspended cases of every window, one grouped query) over BENCH_CASES cases (default
   1,000,000) on PostgreSQL, against the same aggregate written by hand in SQL. Only when DATABASE_URL points
   at PostgreSQL: the bench then works in its own scratch database `govhall_bench` (BENCH_CASES_DB names
   another) on that server (created if absent, migrated with `manage.py migrate`, loaded with one INSERT ...
   SELECT FROM generate_series, and kept for the next run), in a child process whose DATABASE_URL names it.
   The database DATABASE_URL names is never written to by this part.
2. Accepting and deciding cases through the services (receive, check the materials, accept, complete the
   step, decide) against a bare bulk INSERT of the same rows (the cases with their events, notices, material
   checks, steps and the applicant's notification messages), BENCH_SERVICE_CASES cases (default 200), on
   whatever database the settings point at and, when part 1 runs, on PostgreSQL in the scratch database too.
   Both sides run with DEBUG off, as in production (with DEBUG on, Django logs every query, which costs the
   services' many small queries more than the bulk insert). Everything is written inside one transaction
   that is rolled back: the database is left as it was.

Run alone with `python -m bench.cases_bench` (DJANGO_SETTINGS_MODULE defaults to config.settings.dev).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SCRATCH_DB = os.environ.get("BENCH_CASES_DB", "govhall_bench")
BENCH_CENTER = "bench-cases"
WINDOWS = 24
TODAY = date(2026, 10, 14)  # the day the dashboard is read on (a Wednesday)
ROUNDS = 7
WORKER_FLAG = "--postgres-worker"
WORKER_TIMEOUT_S = int(os.environ.get("BENCH_CASES_TIMEOUT", "1200"))


def _cases_wanted() -> int:
    return int(os.environ.get("BENCH_CASES", "1000000"))


def _timed(func: Callable[[], Any], rounds: int = ROUNDS) -> tuple[float, Any]:
    """(median seconds over `rounds` runs after one warm-up run, the last result)."""
    result = func()
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - began)
    return statistics.median(times), result


# --- 1. the dashboard aggregate on PostgreSQL -------------------------------------------------------------


def dashboard_vs_sql() -> None:
    from bench import scratch

    db = scratch.postgres_server()
    if db is None:
        print("cases.dashboard: skipped (neither DATABASE_URL nor BENCH_POSTGRES_URL is PostgreSQL)")
        return
    scratch.ensure_database(db, SCRATCH_DB)
    env = dict(os.environ, DATABASE_URL=scratch.url(db, SCRATCH_DB), CONN_MAX_AGE="0")
    scratch.migrate(env, f"cases.dashboard: {SCRATCH_DB}")
    subprocess.run(
        [sys.executable, "-m", "bench.cases_bench", WORKER_FLAG],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=WORKER_TIMEOUT_S,
    )


def _bench_fixture() -> tuple[Any, list[Any], Any, Any]:
    """(center, windows, item, staff) of the bench centre in the scratch database, made once."""
    from catalog.models import Item
    from catalog.tests.factories import make_published_item
    from org.models import Center, Window
    from org.tests import factories as f

    center = Center.objects.filter(code=BENCH_CENTER).first()
    if center is None:
        center = f.make_center(code=BENCH_CENTER, name="基准测试中心")
        department = f.make_department(center, code="bench", name="基准测试局")
        for i in range(1, WINDOWS + 1):
            f.make_window(center, department, number=f"W{i:02d}", name=f"基准窗口{i}")
        first = Window.objects.filter(center=center).order_by("number").first()
        assert first is not None
        staff = f.make_staff(center, with_user=False, window=first, name="基准受理")
        post = f.make_post(first, a=staff, backups=[f.make_staff(center, with_user=False, window=first)])
        make_published_item(center, department, post=post, code="BENCH-1", promised_limit_days=10)
    windows = list(Window.objects.filter(center=center).order_by("number"))
    item = Item.objects.select_related("current_version").get(center=center, code="BENCH-1")
    staff = windows[0].posts.get().holder_a
    return center, windows, item, staff


def _load_cases(n: int, center: Any, windows: list[Any], item: Any, staff: Any) -> None:
    """`n` cases of the bench centre in one INSERT ... SELECT FROM generate_series: 60% archived, 35%
    accepted, 5% suspended; running cases accepted 0–19 days before TODAY with limits of 10–20 working
    days (taken as 7/5 calendar days each), so that a few are red and some yellow. Columns not named here get the model field's default."""
    from django.db import connection

    from cases.models import Case

    running = "mod(g, 20) >= 12"
    age = f"(CASE WHEN {running} THEN mod(g * 7, 20) ELSE 30 + mod(g, 370) END)"
    accepted_on = f"(%(today)s::date - {age})"
    limit = "(10 + mod(g, 3) * 5)"
    deadline = f"({accepted_on} + ({limit} * 7) / 5)"
    expressions = {
        "center_id": "%(center)s",
        "number": "'BENCH-' || g",
        "query_code": "lpad(mod(g, 1000000)::text, 6, '0')",
        "item_id": "%(item)s",
        "version_id": "%(version)s",
        "window_id": f"(%(windows)s::bigint[])[1 + mod(g, {len(windows)})]",
        "state": f"CASE WHEN NOT {running} THEN 'archived' WHEN mod(g, 20) < 19 THEN 'accepted' "
        "ELSE 'suspended' END",
        "case_type": "%(case_type)s",
        "applicant_name": "'基准申请人'",
        "received_at": f"({accepted_on} + time '09:30') AT TIME ZONE 'Asia/Shanghai'",
        "received_by_id": "%(staff)s",
        "accepted_on": accepted_on,
        "accepted_by_id": "%(staff)s",
        "limit_days": limit,
        "deadline": deadline,
        "warn_from": f"({deadline} - 2)",
        "responsible_id": "%(staff)s",
        "responsible_acting_as": "'A'",
        "revision": "3",
        "created_at": "now()",
    }
    params: dict[str, Any] = {
        "today": TODAY,
        "center": center.pk,
        "item": item.pk,
        "version": item.current_version_id,
        "windows": [w.pk for w in windows],
        "case_type": item.current_version.case_type,
        "staff": staff.pk,
        "n": n,
    }
    columns: list[str] = []
    values: list[str] = []
    for field in Case._meta.concrete_fields:
        if field.primary_key:
            continue
        column = str(field.column)
        if column in expressions:
            columns.append(column)
            values.append(expressions[column])
        elif not field.null:
            key = f"default_{column}"
            params[key] = field.get_db_prep_value(field.get_default(), connection)
            columns.append(column)
            values.append(f"%({key})s")
    sql = (
        f"INSERT INTO {Case._meta.db_table} ({', '.join(columns)}) "
        f"SELECT {', '.join(values)} FROM generate_series(1, %(n)s) AS g"
    )
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
        cursor.execute(sql, params)
        cursor.execute(f"VACUUM ANALYZE {Case._meta.db_table}")


HAND_WRITTEN_SQL = """
SELECT window_id,
       CASE WHEN state = 'suspended' THEN 'suspended'
            WHEN deadline < %(today)s THEN 'red'
            WHEN warn_from <= %(today)s THEN 'yellow'
            WHEN deadline IS NOT NULL THEN 'green'
            ELSE '' END AS warning,
       count(*)
  FROM cases_case
 WHERE center_id = %(center)s AND state IN ('accepted', 'suspended')
 GROUP BY 1, 2
"""


def _hand_written(center_id: int) -> dict[int, dict[str, int]]:
    from django.db import connection

    counts: dict[int, dict[str, int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(HAND_WRITTEN_SQL, {"today": TODAY, "center": center_id})
        for window_id, colour, n in cursor.fetchall():
            if colour:
                counts.setdefault(window_id, dict.fromkeys(("red", "yellow", "green", "suspended"), 0))[
                    colour
                ] = n
    return counts


def postgres_worker() -> None:
    """In the child process, connected to the scratch database: load the cases if needed, then time."""
    from django.db import connection, transaction

    from cases.models import Case
    from supervision.selectors.dashboard import dashboard, window_warning_counts

    assert connection.vendor == "postgresql" and connection.settings_dict["NAME"] == SCRATCH_DB
    n = _cases_wanted()
    center, windows, item, staff = _bench_fixture()
    have = Case.objects.filter(center=center).count()
    if have != n:
        began = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {Case._meta.db_table} CASCADE")
        _load_cases(n, center, windows, item, staff)
        print(f"cases.dashboard: loaded {n:,} cases into {SCRATCH_DB} in {time.perf_counter() - began:.1f} s")
    else:
        print(f"cases.dashboard: reusing the {n:,} cases already in {SCRATCH_DB}")
    running = Case.objects.filter(center=center, state__in=["accepted", "suspended"]).count()

    django_s, by_django = _timed(lambda: window_warning_counts(center, TODAY))
    sql_s, by_hand = _timed(lambda: _hand_written(center.pk))
    if by_django != by_hand:
        raise SystemExit("cases.dashboard: the selector and the hand-written SQL disagree")
    totals = {c: sum(row[c] for row in by_django.values()) for c in ("red", "yellow", "green", "suspended")}
    print(
        f"cases.dashboard window warnings over {n:,} cases ({running:,} running; {WINDOWS} windows; "
        f"red {totals['red']:,}, yellow {totals['yellow']:,}, green {totals['green']:,}, "
        f"suspended {totals['suspended']:,}): Django {django_s * 1000:,.1f} ms vs hand-written SQL "
        f"{sql_s * 1000:,.1f} ms = {django_s / sql_s:.2f}x (median of {ROUNDS})"
    )
    full_s, board = _timed(lambda: dashboard(center, TODAY), rounds=3)
    print(
        f"cases.dashboard whole page's reads (counts, {len(board.overdue.rows)} of {board.overdue.total:,} "
        f"overdue, corrections, shuttles, tracking, gaps): {full_s * 1000:,.1f} ms (median of 3)"
    )
    services_vs_insert()  # the services on PostgreSQL, next to the million cases


# --- 2. the services against a bare insert ----------------------------------------------------------------


class _Rollback(Exception):
    pass


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


def _moment(day: date, hh: int, mm: int = 0) -> datetime:
    from django.utils import timezone

    return timezone.make_aware(datetime.combine(day, datetime.min.time()) + timedelta(hours=hh, minutes=mm))


def _through_services(fx: dict[str, Any], n: int) -> list[int]:
    from cases.models import MaterialStatus
    from cases.services import handling, intake

    received, decided = date(2026, 9, 30), date(2026, 10, 9)
    materials = list(fx["item"].current_version.materials.values_list("pk", flat=True))
    ids = []
    for i in range(n):
        case = intake.case_receive(
            actor=fx["clerk"],
            window=fx["window"],
            item=fx["item"],
            applicant={"name": f"基准申请单位{i}", "phone": "13800000000"},
            at=_moment(received, 9, 30),
        )
        intake.case_check_materials(
            actor=fx["clerk"],
            case=case,
            results=dict.fromkeys(materials, (MaterialStatus.PRESENT, "")),
            at=_moment(received, 10),
        )
        intake.case_accept(actor=fx["clerk"], case=case, at=_moment(received, 11))
        handling.step_complete(actor=fx["clerk"], case=case, opinion="材料齐全，同意", at=_moment(decided, 9))
        handling.case_decide(
            actor=fx["chief"],
            case=case,
            approve=True,
            result_number=f"基准许〔2026〕{i + 1}号",
            result_valid_until=date(2031, 10, 8),
            at=_moment(decided, 11),
        )
        ids.append(case.pk)
    return ids


def _copies(case_ids: list[int]) -> list[tuple[Any, list[Any]]]:
    """Unsaved copies of the rows the services wrote for `case_ids`, by model (cases first, the outbox
    messages last), with new case numbers, notice numbers and message keys so that they can be inserted next
    to the originals."""
    from django.db.models import Q

    from cases.models import Case, CaseEvent, CaseMaterial, CaseStep, Notice
    from notify.models import OutboxMessage

    cases = list(Case.objects.filter(pk__in=case_ids).order_by("pk"))
    children = {
        model: list(model.objects.filter(case_id__in=case_ids).order_by("pk"))
        for model in (CaseMaterial, CaseStep, Notice, CaseEvent)
    }
    for case in cases:
        case._bench_old_pk = case.pk  # type: ignore[attr-defined]
        case.pk = None
        case.number = f"{case.number}-X"
    for notice in children[Notice]:
        assert isinstance(notice, Notice)
        notice.number = f"{notice.number}-X"
    about_cases = Q()
    for case_id in case_ids:
        about_cases |= Q(key__startswith=f"case:{case_id}:")
    messages = list(OutboxMessage.objects.filter(about_cases).order_by("pk")) if case_ids else []
    for message in messages:
        message.pk = None
        message.key = f"{message.key}-X"
    return [(Case, cases), *children.items(), (OutboxMessage, messages)]


def _bare_insert(copies: list[tuple[Any, list[Any]]]) -> int:
    from cases.models import Case

    _, cases = copies[0]
    Case.objects.bulk_create(cases, batch_size=500)
    new_pk = {case._bench_old_pk: case.pk for case in cases}
    rows = len(cases)
    for model, objects in copies[1:]:
        for obj in objects:
            obj.pk = None
            if hasattr(obj, "case_id"):
                obj.case_id = new_pk[obj.case_id]
        model.objects.bulk_create(objects, batch_size=500)
        rows += len(objects)
    return rows


def services_vs_insert() -> None:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext, override_settings

    n = int(os.environ.get("BENCH_SERVICE_CASES", "200"))
    figures: dict[str, float] = {}
    try:
        with transaction.atomic(), override_settings(DEBUG=False):
            fx = _service_fixture()
            began = time.perf_counter()
            case_ids = _through_services(fx, n)
            figures["services"] = time.perf_counter() - began
            with CaptureQueriesContext(connection) as queries:  # counted on a few more, outside the timing
                _through_services(fx, min(n, 20))
            figures["queries"] = len(queries.captured_queries) / min(n, 20)
            copies = _copies(case_ids)
            began = time.perf_counter()
            figures["rows"] = _bare_insert(copies)
            figures["bare"] = time.perf_counter() - began
            raise _Rollback
    except _Rollback:
        pass
    services_rate, bare_rate = n / figures["services"], n / figures["bare"]
    print(
        f"cases.services accept+decide on {connection.vendor}: {services_rate:,.1f} cases/s "
        f"(receive, check, accept, step, decide) vs bare bulk insert of the same {int(figures['rows']):,} rows "
        f"{bare_rate:,.0f} cases/s = {services_rate / bare_rate:.3f}x ({n} cases, "
        f"{figures['queries']:.0f} queries per case through the services; rolled back)"
    )


def main() -> None:
    dashboard_vs_sql()
    services_vs_insert()


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    if WORKER_FLAG in sys.argv[1:]:
        postgres_worker()
    else:
        main()
