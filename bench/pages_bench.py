"""The staff's lists over HTTP at 1,000 and at 1,000,000 cases: does a page cost what it shows, or what the
centre holds?

Two scratch databases on the PostgreSQL server (BENCH_POSTGRES_URL, or DATABASE_URL when it is PostgreSQL),
`govhall_hb_1k` and `govhall_hb_1m`, each migrated and holding one bench centre (24 windows, 3 staff per
window). Both hold the SAME open workload (`load_cases`: 600 open cases, deadlines around today so that some
are red and some yellow) and differ only in the closed history: 1,000 and BENCH_PAGES_CASES (default
1,000,000) cases in all. The cases are loaded with one INSERT ... SELECT FROM generate_series, their steps,
and the open cases' materials and events, each with one INSERT ... SELECT; the data is kept for the next run
(loading the million takes minutes) and only the open workload's dates are moved when the day has changed.
Every table is then analyzed, as a database in service would be (docs/operations.md, "Statistics").

Each database is served by its own gunicorn as in production (`config.wsgi`, production settings, DEBUG
off, persistent connections with CONN_MAX_AGE=60, `gunicorn.conf.py`'s threaded worker, BENCH_PAGES_WORKERS
of them, default 1: see WORKERS), and wrk (BENCH_PAGES_CONNECTIONS keep-alive connections, default 4;
BENCH_SECONDS each, default 5) measures requests per second, page by page, in BENCH_PAGES_ROUNDS rounds (default 3). Each
ratio is the median of the rounds' own ratios (all printed), and each of a round's ratios compares two
figures measured under the same conditions:

- 1M/1k: both servers are measured AT ONCE, one wrk each, started together, sharing the machine. The shared
  machine's speed moves by half within seconds (the bare view answered 1,119 to 3,195 req/s within one run),
  so two figures measured one after the other differed by as much as the pages' costs; at once, each server
  meets the same moments. Each gets about half the machine: these rates are printed as "at once", and their
  ratio is the ratio of the two pages' costs.
- against the bare view (the workbench and the case page): each server alone, the bare view just before the
  page on the same server (1k then 1M, then 1M then 1k, ...). A page and the bare view cannot be measured at
  once: wrk spends far more of the machine driving the bare view at thousands of requests a second.

The pages:

- the window workbench (`desk:workbench`), signed in as the clerk of window W01, who holds its post as A and
  is responsible for a third of its open cases;
- the case page (`cases:case_detail`) of one accepted case of W01 the clerk is responsible for (the same case
  number in both databases);
- the API case list (`api:case_list`, the first 40 rows) with the clerk's token: 40, so that both databases
  fill the page (the clerk's window holds 41 cases at 1,000; a default page of 50 would compare 41 rows with
  50, the cost of what is shown rather than of the centre's size);
- the supervision dashboard (`supervision:dashboard`) signed in as the centre's supervision section;
- and the bare /healthz view of the same server, the baseline.

Figures: each page's req/s at 1k and at 1M measured at once and their ratio 1M/1k (target >= 0.8: the page
costs what it shows), and for the workbench and the case page its req/s alone and the ratio to the bare view
(target >= 0.1), as above. Each page's SQL
query count is read once through the Django test client with `CaptureQueriesContext`, in a child process with
the server's settings, which also makes the sessions and the token (deleted afterwards); the same child times
IN_PROCESS_REQUESTS more requests of each page through the test client, one at a time. The child runs twice
per database (1k, 1M, then 1M, 1k), and the mean of its two medians is printed with the ratio 1M/1k (as a
speed: the time at 1k over the time at 1M). That figure has no HTTP, no
wrk and no second server sharing the two cores, so it scatters far less than the req/s on a shared machine.

Run alone with `python -m bench.pages_bench` (DJANGO_SETTINGS_MODULE defaults to config.settings.dev).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench.http_bench import DURATION_S, WARM_S, _free_port, _rps, _wait_up

ROOT = Path(__file__).resolve().parent.parent
IN_PROCESS_REQUESTS = 21  # requests per page timed in the child process (the median is printed)
API_PAGE_ROWS = 40  # rows of the API case list's page, filled at both sizes (see above)
BENCH_CENTER = "bench-pages"
CLERK = "bench-pages-clerk"
SUPERVISOR = "bench-pages-supervision"
LOAD_FLAG = "--load"
SESSIONS_FLAG = "--sessions"
SHAPE_VERSION = 3  # bump when `load_cases` changes the shape: the kept data is then loaded again
TIMEOUT_S = int(os.environ.get("BENCH_CASES_TIMEOUT", "1200"))


def _databases() -> list[tuple[str, str, int]]:
    return [
        ("1k", "govhall_hb_1k", 1_000),
        ("1M", "govhall_hb_1m", int(os.environ.get("BENCH_PAGES_CASES", "1000000"))),
    ]


# --- the bench centre and its cases (in the child process connected to a scratch database) ----------------


def _fixture() -> dict[str, Any]:
    """The bench centre, made once: 24 windows of one department, each with 3 staff and one post (A: the
    first, B: the second); one published item (two materials, one step); the clerk (the first staff member of
    W01, a user with the window-staff role there) and a supervision-section user."""
    from django.db import transaction

    from catalog.models import Item
    from catalog.tests.factories import make_published_item
    from org.models import Center, Post, Role, StaffProfile, Window
    from org.tests import factories as f

    with transaction.atomic():
        center = Center.objects.filter(code=BENCH_CENTER).first()
        if center is None:
            center = f.make_center(code=BENCH_CENTER, name="基准列表中心")
            department = f.make_department(center, code="bench", name="基准列表局")
            for i in range(1, 25):
                window = f.make_window(center, department, number=f"W{i:02d}", name=f"基准窗口{i}")
                user = f.make_user(CLERK) if i == 1 else None
                staff = [
                    f.make_staff(
                        center,
                        user=user if k == 0 else None,
                        with_user=False,
                        window=window,
                        department=department,
                        name=f"窗口{i}职员{k + 1}",
                    )
                    for k in range(3)
                ]
                if user is not None:
                    f.grant(user, center, Role.WINDOW_STAFF, window)
                post = f.make_post(window, a=staff[0], backups=[staff[1]], name=f"受理岗{i}")
                if i == 1:
                    make_published_item(center, department, post=post, code="BENCH-PAGES-1")
            supervisor = f.make_user(SUPERVISOR)
            f.make_staff(center, user=supervisor, name="基准督办")
            f.grant(supervisor, center, Role.SUPERVISION)
    windows = list(Window.objects.filter(center=center).order_by("number"))
    by_window = {
        w.pk: list(StaffProfile.objects.filter(window=w, user__isnull=True).order_by("pk")) for w in windows
    }
    by_window[windows[0].pk].insert(0, StaffProfile.objects.get(user__username=CLERK))
    item = Item.objects.select_related("current_version").get(center=center, code="BENCH-PAGES-1")
    assert item.current_version is not None
    return {
        "center": center,
        "windows": windows,
        "staff": [s.pk for w in windows for s in by_window[w.pk][:3]],  # 3 per window, in window order
        "posts": [Post.objects.get(window=w).pk for w in windows],
        "item": item,
        "step": item.current_version.steps.get().pk,
    }


def _insert_select(model: Any, expressions: Mapping[str, str], source: str, params: dict[str, Any]) -> int:
    """INSERT INTO the model's table SELECT `expressions` `source`; a non-null column not named gets the
    field's default (now() for an auto_now(_add) field), so that the load survives new columns."""
    from django.db import connection

    columns: list[str] = []
    values: list[str] = []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        column = str(field.column)
        if column in expressions:
            columns.append(column)
            values.append(expressions[column])
        elif not field.null:
            columns.append(column)
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                values.append("now()")
                continue
            key = f"default_{model._meta.model_name}_{column}"
            params[key] = field.get_db_prep_value(field.get_default(), connection)
            values.append(f"%({key})s")
    quoted = ", ".join(f'"{c}"' for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {model._meta.db_table} ({quoted}) SELECT {', '.join(values)} {source}", params
        )
        return int(cursor.rowcount)


def load_cases(total: int, fx: dict[str, Any], today: date) -> dict[str, int]:
    """The cases of a centre after years of work: `total` cases, of which the OPEN_CASES first are the open
    workload, the same in every database whatever `total` (so that a page that shows open cases shows the same
    rows at 1,000 and at 1,000,000 cases), and the rest closed history.

    Open (g = 1..OPEN_CASES): 80% accepted, 5% suspended, 15% received and not yet accepted (no number, no
    deadline, nobody responsible yet); spread over the 24 windows (g mod 24) and, within a window, over its 3
    staff as responsible persons ((g div 24) mod 3); an accepted or suspended case was accepted 0–19 days
    before `today` with a limit of 10, 15 or 20 working days (taken as 7/5 calendar days each), so that some
    are red and some yellow. Closed (g > OPEN_CASES): 90% archived (one in ten decided after its deadline),
    6% withdrawn, 4% not accepted, received over the HISTORY_DAYS before the last month. Every accepted case
    has its one step at its window's post (finished for the closed ones); the open accepted cases also have
    their two materials checked and two events (received, accepted); the closed history has no events."""
    from django.db import connection

    from cases.models import Case, CaseEvent, CaseMaterial, CaseStep
    from workdays.models import Timer

    open_cases = 600
    windows = len(fx["windows"])  # 24
    per_window = 3
    history_days = 8 * 365
    params: dict[str, Any] = {
        "n": total,
        "open": open_cases,
        "today": today,
        "center": fx["center"].pk,
        "item": fx["item"].pk,
        "version": fx["item"].current_version_id,
        "case_type": fx["item"].current_version.case_type,
        "windows": [w.pk for w in fx["windows"]],
        "staff": fx["staff"],
        "history": history_days,
        "step": fx["step"],
    }
    state = (
        "CASE WHEN g <= %(open)s THEN (CASE WHEN mod(g, 20) < 16 THEN 'accepted' "
        "WHEN mod(g, 20) = 16 THEN 'suspended' ELSE 'received' END) "
        "ELSE (CASE WHEN mod(g, 50) < 45 THEN 'archived' WHEN mod(g, 50) < 48 THEN 'withdrawn' "
        "ELSE 'not_accepted' END) END"
    )
    received_on = (
        "(CASE WHEN g > %(open)s THEN %(today)s::date - 30 - mod(g::bigint * 7919, %(history)s)::int "
        "WHEN mod(g, 20) <= 16 THEN %(today)s::date - mod(g * 7, 20) ELSE %(today)s::date - mod(g, 3) END)"
    )
    accepted = f"(({state}) IN ('accepted', 'suspended', 'archived'))"
    accepted_on = f"(CASE WHEN {accepted} THEN {received_on} END)"
    limit = "(10 + mod(g, 3) * 5)"
    decided_on = f"({accepted_on} + CASE WHEN mod(g, 10) = 0 THEN 30 ELSE 7 END)"
    archived = f"(({state}) = 'archived')"
    who = f"(%(staff)s::bigint[])[1 + mod(g, {windows}) * {per_window} + mod(g / {windows}, {per_window})]"
    at = "(({day}) + time '{hhmm}') AT TIME ZONE 'Asia/Shanghai'"
    expressions = {
        "center_id": "%(center)s",
        "number": f"CASE WHEN {accepted} THEN 'BP-' || g ELSE '' END",
        "query_code": "lpad(mod(g * 37, 1000000)::text, 6, '0')",
        "item_id": "%(item)s",
        "version_id": "%(version)s",
        "window_id": f"(%(windows)s::bigint[])[1 + mod(g, {windows})]",
        "state": state,
        "case_type": "%(case_type)s",
        "applicant_name": "'基准申请人' || g",
        "received_at": at.format(day=received_on, hhmm="09:30"),
        "received_by_id": who,
        "accepted_on": accepted_on,
        "accepted_by_id": f"CASE WHEN {accepted} THEN {who} END",
        "limit_days": limit,
        "decided_at": f"CASE WHEN {archived} THEN {at.format(day=decided_on, hhmm='10:00')} END",
        "decided_by_id": f"CASE WHEN {archived} THEN {who} END",
        "delivered_at": f"CASE WHEN {archived} THEN {at.format(day=decided_on + ' + 2', hhmm='10:00')} END",
        "closed_at": f"CASE WHEN g > %(open)s THEN {at.format(day=received_on + ' + 10', hhmm='16:00')} END",
        "responsible_id": f"CASE WHEN {accepted} THEN {who} END",
        "responsible_acting_as": f"CASE WHEN {accepted} THEN 'A' ELSE '' END",
        "revision": "3",
    }
    counts = {"cases": _insert_select(Case, expressions, "FROM generate_series(1, %(n)s) AS g", params)}
    # Every accepted case has its working-day timer: running (accepted), stopped (suspended, no deadline) or
    # finished (archived, one in ten after its deadline, those with their overdue day).
    timer_state = (
        "CASE c.state WHEN 'accepted' THEN 'running' WHEN 'suspended' THEN 'stopped' ELSE 'finished' END"
    )
    c_deadline = "(c.accepted_on + (c.limit_days * 7) / 5)"
    stopped = "c.state = 'suspended'"
    counts["timers"] = _insert_select(
        Timer,
        {
            "center_id": "c.center_id",
            "kind": "'case'",
            "subject_id": "c.id",
            "started_on": "c.accepted_on",
            "budget_days": "c.limit_days",
            "yellow_days": "2",
            "state": timer_state,
            "deadline": f"CASE WHEN {stopped} THEN NULL ELSE {c_deadline} END",
            "warn_from": f"CASE WHEN {stopped} THEN NULL ELSE {c_deadline} - 2 END",
            "finished_on": "(c.decided_at AT TIME ZONE 'Asia/Shanghai')::date",
            "red_since": f"CASE WHEN (c.decided_at AT TIME ZONE 'Asia/Shanghai')::date > {c_deadline} "
            f"THEN {c_deadline} + 1 END",
        },
        "FROM cases_case c WHERE c.center_id = %(center)s AND c.accepted_on IS NOT NULL",
        params,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Case._meta.db_table} c SET timer_id = t.id FROM {Timer._meta.db_table} t "
            "WHERE t.kind = 'case' AND t.subject_id = c.id AND c.center_id = %(center)s",
            params,
        )
    mine = "FROM cases_case c JOIN org_post p ON p.window_id = c.window_id WHERE c.center_id = %(center)s"
    counts["steps"] = _insert_select(
        CaseStep,
        {
            "case_id": "c.id",
            "step_id": "%(step)s",
            "order": "1",
            "name": "'受理'",
            "post_id": "p.id",
            "handler_id": "CASE WHEN c.decided_at IS NOT NULL THEN c.responsible_id END",
            "acting_as": "CASE WHEN c.decided_at IS NOT NULL THEN 'A' ELSE '' END",
            "opinion": "CASE WHEN c.decided_at IS NOT NULL THEN '同意' ELSE '' END",
            "started_at": "(c.accepted_on + time '11:00') AT TIME ZONE 'Asia/Shanghai'",
            "finished_at": "c.decided_at - interval '1 hour'",
        },
        f"{mine} AND c.accepted_on IS NOT NULL",
        params,
    )
    open_accepted = "c.state IN ('accepted', 'suspended')"
    counts["materials"] = _insert_select(
        CaseMaterial,
        {
            "case_id": "c.id",
            "material_id": "m.id",
            "status": "'present'",
            "checked_at": "c.received_at + interval '30 minutes'",
            "checked_by_id": "c.received_by_id",
            "was_present_at_first_check": "true",
        },
        "FROM cases_case c JOIN catalog_material m ON m.version_id = c.version_id "
        f"WHERE c.center_id = %(center)s AND {open_accepted}",
        params,
    )
    counts["events"] = 0
    for seq, action, to_state, where in (
        (1, "received", "received", "c.state IN ('received', 'accepted', 'suspended')"),
        (2, "accepted", "accepted", open_accepted),
    ):
        counts["events"] += _insert_select(
            CaseEvent,
            {
                "case_id": "c.id",
                "seq": str(seq),
                "at": "c.received_at"
                if seq == 1
                else "(c.accepted_on + time '11:00') AT TIME ZONE 'Asia/Shanghai'",
                "actor_id": "c.received_by_id",
                "acting_as": "'A'",
                "action": f"'{action}'",
                "from_state": "''" if seq == 1 else "'received'",
                "to_state": f"'{to_state}'",
                "prev_hash": "''" if seq == 1 else "md5(c.id || ':1') || md5(c.id || ':1:')",
                "hash": f"md5(c.id || ':{seq}') || md5(c.id || ':{seq}:')",
            },
            f"FROM cases_case c WHERE c.center_id = %(center)s AND {where}",
            params,
        )
    with connection.cursor() as cursor:
        for model in (Case, Timer, CaseStep, CaseMaterial, CaseEvent):
            cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
    return counts


def _marker() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = current_database()"
        )
        row = cursor.fetchone()
    return str(row[0] or "") if row else ""


def _mark(total: int, today: date) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        text = f"bench-pages shape {SHAPE_VERSION}; {total} cases; open workload dated {today.isoformat()}"
        # A utility statement takes no bound parameters (they are bound on the server): the text is ours.
        literal = "'" + text.replace("'", "''") + "'"
        cursor.execute(f'COMMENT ON DATABASE "{connection.settings_dict["NAME"]}" IS {literal}')


def load(total: int) -> None:
    """In the child process, connected to one scratch database: the centre, then its cases (loaded, kept, or
    their open workload moved to today), then the statistics of every table."""
    from django.db import connection

    try:
        _load(total)
    finally:
        # The centre's own tables (posts, holdings, windows: a few dozen rows) never reach autovacuum's
        # threshold of 50 changed rows; without statistics the planner guesses their sizes. A database in
        # service has them (docs/operations.md, "Statistics"); so does this one.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _load(total: int) -> None:
    from django.db import connection
    from django.db.models import F
    from django.utils import timezone

    from cases.models import OPEN_STATES, Case, CaseStep
    from workdays.models import Timer

    name = connection.settings_dict["NAME"]
    assert connection.vendor == "postgresql" and str(name).startswith("govhall_hb_")
    fx = _fixture()
    today = timezone.localdate()
    marker = _marker()
    kept = marker.startswith(f"bench-pages shape {SHAPE_VERSION}; {total} cases; ")
    have = Case.objects.filter(center=fx["center"]).count()
    if kept and have == total:
        loaded_on = date.fromisoformat(marker.rsplit(" ", 1)[-1])
        shift = (today - loaded_on).days
        if shift:
            # Only the open workload is dated relative to today; the history just grows a few days older.
            open_cases = Case.objects.filter(center=fx["center"], state__in=list(OPEN_STATES))
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {CaseStep._meta.db_table} SET started_at = started_at + make_interval(days => %s) "
                    f"WHERE finished_at IS NULL AND case_id IN (SELECT id FROM {Case._meta.db_table} "
                    "WHERE center_id = %s AND state = ANY(%s))",
                    [shift, fx["center"].pk, list(OPEN_STATES)],
                )
            open_cases.update(
                received_at=F("received_at") + timedelta(days=shift),
                accepted_on=F("accepted_on") + timedelta(days=shift),
            )
            Timer.objects.filter(center=fx["center"]).exclude(state="finished").update(
                started_on=F("started_on") + timedelta(days=shift),
                deadline=F("deadline") + timedelta(days=shift),
                warn_from=F("warn_from") + timedelta(days=shift),
            )
            _mark(total, today)
            print(f"pages: {name}: kept its {total:,} cases, open workload moved by {shift} days to today")
        else:
            print(f"pages: {name}: reusing its {total:,} cases")
        return
    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
        # Only the bench centre's scratch database: its case rows and whatever points at them go.
        # Keys from 1 again, so that both databases show the same rows with the same links.
        # The timers are not the cases' children (a case points at its timer): they go with them by name.
        cursor.execute(f"TRUNCATE {Case._meta.db_table}, {Timer._meta.db_table} RESTART IDENTITY CASCADE")
    counts = load_cases(total, fx, today)
    _mark(total, today)
    print(
        f"pages: {name}: loaded {counts['cases']:,} cases, {counts['steps']:,} steps, "
        f"{counts['materials']:,} materials and {counts['events']:,} events in {time.perf_counter() - began:.1f} s"
    )


# --- sessions and query counts (in a child process with the server's settings) ----------------------------


def sessions() -> dict[str, Any]:
    """Sign the clerk and the supervisor in, make the clerk's API token, read each page once through the test
    client counting its queries, and describe what the pages show."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from cases.models import Case, CaseState
    from desk.selectors import workbench
    from org.models import StaffProfile

    users = get_user_model().objects
    clerk, supervisor = users.get(username=CLERK), users.get(username=SUPERVISOR)
    staff = StaffProfile.objects.get(user=clerk)
    case = (
        Case.objects.filter(
            center__code=BENCH_CENTER, window=staff.window, state=CaseState.ACCEPTED, responsible=staff
        )
        .order_by("number")
        .first()
    )
    assert case is not None, "no open case of the clerk"
    token, _ = Token.objects.get_or_create(user=clerk)
    pages = {
        "workbench": (clerk, reverse("desk:workbench"), {}),
        "case page": (clerk, reverse("cases:case_detail", kwargs={"pk": case.pk}), {}),
        "API case list": (
            None,
            reverse("api:case_list", kwargs={"center": BENCH_CENTER}) + f"?limit={API_PAGE_ROWS}",
            {"Authorization": f"Token {token.key}"},
        ),
        "supervision dashboard": (supervisor, reverse("supervision:dashboard"), {}),
    }
    clients: dict[str, Client] = {}
    out: dict[str, Any] = {"pages": {}, "sessions": [], "case": case.number}
    for label, (user, path, headers) in pages.items():
        client = Client(HTTP_HOST="127.0.0.1")
        if user is not None:
            if user.username not in clients:
                client.force_login(user, backend="org.auth.StaffModelBackend")
                clients[user.username] = client
                out["sessions"].append(client.session.session_key)
            client = clients[user.username]
        client.get(path, headers=headers)  # warm: the first request of a process fills per-process caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, headers=headers)
        query_count = len(queries.captured_queries)  # read now: the next request empties the log
        timings = []
        for _ in range(IN_PROCESS_REQUESTS):
            started = time.perf_counter()
            client.get(path, headers=headers)
            timings.append(time.perf_counter() - started)
        page: dict[str, Any] = {
            "path": path,
            "status": response.status_code,
            "queries": query_count,
            "bytes": len(response.content),
            "headers": dict(headers),
            "ms": [statistics.median(timings) * 1000],
        }
        if user is not None:
            page["headers"] = {
                "Cookie": f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
            }
        out["pages"][label] = page
    shown = workbench(clerk, staff, timezone.now())
    out["workbench"] = f"my queue {shown.mine.total}, window queue {shown.window_queue.total}"
    return out


def _forget(url: str, session_keys: list[str]) -> None:
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
        conn.execute("DELETE FROM org_staffsession WHERE session_key = ANY(%s)", [session_keys])


# --- the run ----------------------------------------------------------------------------------------------


def _child(flag: str, env: Mapping[str, str], *args: str, capture: bool = False) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "bench.pages_bench", flag, *args],
        cwd=ROOT,
        env=dict(env),
        check=not capture,
        capture_output=capture,
        text=True,
        timeout=TIMEOUT_S,
    )
    if capture and out.returncode != 0:
        raise RuntimeError(f"pages: {flag} failed:\n{out.stderr}")
    return out.stdout


def main() -> None:
    from bench import scratch

    db = scratch.postgres_server()
    if db is None:
        print("pages: skipped (neither DATABASE_URL nor BENCH_POSTGRES_URL is PostgreSQL)")
        return
    servers: dict[str, dict[str, Any]] = {}
    for label, name, total in _databases():
        scratch.ensure_database(db, name)
        env = dict(os.environ, DATABASE_URL=scratch.url(db, name), CONN_MAX_AGE="0")
        scratch.migrate(env, f"pages: {name}")
        _child(LOAD_FLAG, env, str(total))
        servers[label] = {"name": name, "total": total, "url": scratch.url(db, name)}
    production = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="bench-" + "k" * 50,
        HISTORY_SEAL_KEY="bench-seal-" + "s" * 50,
        PERSONAL_DATA_KEY="bench-personal-" + "p" * 50,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
        CONN_MAX_AGE="60",
        GUNICORN_ACCESS_LOG="",  # no access log under wrk
        GUNICORN_MAX_REQUESTS="0",  # no worker restarts in the middle of a measure
    )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=production,
        check=True,
    )
    processes = []
    try:
        for server in servers.values():
            server["env"] = dict(production, DATABASE_URL=server["url"])
            server["port"] = _free_port()
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "config.wsgi"]
                    + ["-w", str(WORKERS)]
                    + ["-b", f"127.0.0.1:{server['port']}", "--log-level", "warning"],
                    cwd=ROOT,
                    env=server["env"],
                )
            )
        for server in servers.values():
            server["base"] = f"http://127.0.0.1:{server['port']}"
            _wait_up(server["base"] + "/healthz")
        # 1k, 1M, then 1M, 1k: a drift of the machine's speed falls on both sides of the in-process times.
        order = list(servers.values())
        for server in order + order[::-1]:
            shown = json.loads(_child(SESSIONS_FLAG, server["env"], capture=True).strip().splitlines()[-1])
            if "shown" not in server:
                server["shown"] = shown
                continue
            server["shown"]["sessions"] += shown["sessions"]
            for label, page in shown["pages"].items():
                server["shown"]["pages"][label]["ms"] += page["ms"]
        try:
            _measure(servers)
        finally:
            for server in servers.values():
                _forget(server["url"], server["shown"]["sessions"])
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=10)


def _rounds() -> int:
    return int(os.environ.get("BENCH_PAGES_ROUNDS", "3"))


BARE = "/healthz"
# One worker per server (gunicorn.conf.py's threaded worker, 8 threads), and 4 keep-alive connections per wrk
# run. With two workers, a run's connections fell on one worker or on both, each run anew (a worker accepts
# every connection that arrives while it is awake, and wrk opens them all at once): the bare view measured
# 1,119 or 3,195 req/s within one run, and the same page 0.5x or 1.0x of itself from one round to the next,
# with 4 connections or 16. With one worker, every figure is one process's, and the ratios compare costs.
WORKERS = int(os.environ.get("BENCH_PAGES_WORKERS", "1"))
CONNECTIONS = int(os.environ.get("BENCH_PAGES_CONNECTIONS", "4"))
# The pages whose req/s is also compared with the bare view (target >= 0.1).
TO_BARE = ("workbench", "case page")


@dataclass
class Measured:
    """One page's req/s round by round: `together`, both servers measured at once; with the bare view, `alone`,
    each server by itself, and `bare`, the bare view's req/s measured on the same server just before."""

    together: dict[str, list[float]]
    alone: dict[str, list[float]]
    bare: dict[str, list[float]]

    def larger_to_smaller_rounds(self) -> list[float]:
        """1M/1k of each round, both servers measured at once."""
        return [large / small for small, large in zip(self.together["1k"], self.together["1M"], strict=True)]

    def larger_to_smaller(self) -> float:
        """1M/1k: the median of the rounds' ratios."""
        return statistics.median(self.larger_to_smaller_rounds())

    def to_bare_rounds(self, size: str) -> list[float]:
        """Each measure of the page alone against the bare view's measure just before it, on the same server."""
        return [page / bare for page, bare in zip(self.alone[size], self.bare[size], strict=True)]

    def to_bare(self, size: str) -> float:
        """The page against the bare view: the median of `to_bare_rounds`."""
        return statistics.median(self.to_bare_rounds(size))


def _listed(ratios: list[float]) -> str:
    return ", ".join(f"{ratio:.3f}" for ratio in ratios)


def _rates(figures: dict[str, list[float]]) -> str:
    return " | ".join(f"{size} {statistics.median(rates):,.1f} req/s" for size, rates in figures.items())


def _at_once(servers: dict[str, dict[str, Any]], path_of: Any) -> dict[str, float]:
    """req/s of one page on every server, measured at the same time (one wrk each, started together)."""
    with ThreadPoolExecutor(len(servers)) as pool:
        running = {}
        for size, server in servers.items():
            path, headers = path_of(server)
            running[size] = pool.submit(
                _rps, server["base"] + path, extra_headers=headers, connections=CONNECTIONS
            )
        return {size: future.result() for size, future in running.items()}


def _measure_page(servers: dict[str, dict[str, Any]], path_of: Any, *, with_bare: bool = False) -> Measured:
    """BENCH_PAGES_ROUNDS rounds of one page: at once on both servers; with `with_bare`, then on each server
    alone, preceded by the bare view on the same server (1k, 1M, then 1M, 1k, ...)."""

    def empty() -> dict[str, list[float]]:
        return {size: [] for size in servers}

    measured = Measured(empty(), empty(), empty())
    for r in range(_rounds()):
        for size, rate in _at_once(servers, path_of).items():
            measured.together[size].append(rate)
        if not with_bare:
            continue
        for size in list(servers)[:: 1 if r % 2 == 0 else -1]:
            base = servers[size]["base"]
            measured.bare[size].append(_rps(base + BARE, connections=CONNECTIONS))
            path, headers = path_of(servers[size])
            measured.alone[size].append(_rps(base + path, extra_headers=headers, connections=CONNECTIONS))
    return measured


def _measure(servers: dict[str, dict[str, Any]]) -> None:
    small, large = servers["1k"], servers["1M"]
    print(
        f"pages: one bench centre, the same 600 open cases in both databases, {small['total']:,} vs "
        f"{large['total']:,} cases in all (the rest closed history); gunicorn as in production (gunicorn.conf.py, {WORKERS} threaded worker(s)) per database, "
        f"{CONNECTIONS} connections, {DURATION_S} s per wrk run after {WARM_S} s not counted, no worker recycling, "
        f"page by page in {_rounds()} rounds (each rate the median of its rounds, each ratio the median of the "
        "rounds' ratios, listed in brackets): 1M/1k of both servers measured at once, sharing the machine; "
        f"{' and '.join(TO_BARE)} also measured alone, each just after the bare view on the same server; "
        f"workbench of the clerk of W01 ({small['shown']['workbench']} at 1k; "
        f"{large['shown']['workbench']} at 1M), case page of {small['shown']['case']}"
    )
    results: list[tuple[str, dict[str, Any], Measured | None]] = []
    bare: dict[str, list[float]] = {size: [] for size in servers}
    for label, page in small["shown"]["pages"].items():
        problems = [
            f"{size} answered {server['shown']['pages'][label]['status']}"
            for size, server in servers.items()
            if server["shown"]["pages"][label]["status"] != 200
        ]
        if problems:
            results.append((label, page, None))
            continue
        measured = _measure_page(
            servers,
            lambda server, label=label: (
                server["shown"]["pages"][label]["path"],
                server["shown"]["pages"][label]["headers"],
            ),
            with_bare=label in TO_BARE,
        )
        for size in servers:
            bare[size] += measured.bare[size]
        results.append((label, page, measured))
    if all(bare.values()):
        print(
            f"pages.bare view ({BARE}): 1k {statistics.median(bare['1k']):,.0f} req/s | "
            f"1M {statistics.median(bare['1M']):,.0f} req/s (baseline; the median of its measures, "
            f"from {min(bare['1k'] + bare['1M']):,.0f} to {max(bare['1k'] + bare['1M']):,.0f})"
        )
    for label, page, rps in results:
        if rps is None:
            answers = {size: server["shown"]["pages"][label]["status"] for size, server in servers.items()}
            print(f"pages.{label} ({page['path']}): not measured, answered {answers} to the test client")
            continue
        queries = {size: server["shown"]["pages"][label]["queries"] for size, server in servers.items()}
        ms = {
            size: statistics.mean(server["shown"]["pages"][label]["ms"]) for size, server in servers.items()
        }
        to_bare = ""
        if label in TO_BARE:
            to_bare = (
                f"; alone {_rates(rps.alone)}, vs the bare view {rps.to_bare('1k'):.3f}x at 1k "
                f"({_listed(rps.to_bare_rounds('1k'))}), {rps.to_bare('1M'):.3f}x at 1M "
                f"({_listed(rps.to_bare_rounds('1M'))}) (target >= 0.1)"
            )
        print(
            f"pages.{label} ({page['path']}): at once {_rates(rps.together)} -> "
            f"1M/1k = {rps.larger_to_smaller():.3f}x ({_listed(rps.larger_to_smaller_rounds())}) "
            f"(target >= 0.8){to_bare}; "
            f"in process {ms['1k']:.1f} ms at 1k, {ms['1M']:.1f} ms at 1M -> 1M/1k = {ms['1k'] / ms['1M']:.3f}x; "
            f"{queries['1k']} queries at 1k, {queries['1M']} at 1M; "
            f"{page['bytes']:,} bytes at 1k, {large['shown']['pages'][label]['bytes']:,} at 1M"
        )


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    if LOAD_FLAG in sys.argv[1:]:
        load(int(sys.argv[sys.argv.index(LOAD_FLAG) + 1]))
    elif SESSIONS_FLAG in sys.argv[1:]:
        print(json.dumps(sessions()))
    else:
        main()
