"""Attendance under load: a year of a 500-person centre on PostgreSQL, its monthly sheet and a batch of 10,000
pushed clock events, each against the hand-written SQL that does the same, measured in the same run.

The scratch database `govhall_hb_staffing` on the PostgreSQL server (BENCH_POSTGRES_URL, or DATABASE_URL when
it is PostgreSQL) is migrated and holds one bench centre: 500 staff, each with a PIN (mapped since before the
year), one terminal, and the year YEAR: 4 clock events a person a working day (Monday to Friday, about
520,000 events) and every person's stored day (`AttendanceDay`, working and rest days, about 180,000 rows) with
every day of the year closed (`AttendanceClose`). The filling bypasses the services on purpose: the events, the
days and the closes are written with one INSERT ... SELECT FROM generate_series each (the staff and the PINs
with `bulk_create`), because the services are what is measured, not the filling. The data is kept for the
next run (the database's comment records the shape) and loaded again only when SHAPE_VERSION changes.

Two figures, in a child process whose DATABASE_URL names the scratch database, DEBUG off:

A. the monthly attendance sheet of one centre (`staffing.selectors.attendance_sheet`, month MONTH of YEAR:
   500 people x 30 days) against the equivalent hand-written SQL through the same connection: one SELECT of
   the same rows and columns (each stored day's person, name, badge number, day, status and counts, by badge
   number), fetched. Alternating, BENCH_STAFFING_SHEETS runs each (default 15), medians; the ratio
   SQL/govhall, target >= 0.5 (govhall at most twice the SQL).
B. a batch of 10,000 ATTLOG lines (20 events for each of the 500 PINs) POSTed to
   `/iclock/cdata?SN=...&table=ATTLOG` through Django's test client (the whole request: the terminal's check,
   parsing, the PINs, the insert, the upload's report), which must answer `OK: 10000`, against a bare write of
   the same 10,000 rows: one `INSERT ... ON CONFLICT DO NOTHING` by `executemany` into the same table, in its
   own transaction. Every repeat uses fresh event times (so every row is really inserted) and its rows (and
   upload) are deleted afterwards, outside the timing. Alternating, BENCH_STAFFING_BATCHES repeats each
   (default 5) after one warm-up each, medians; the ratio bare/govhall, and the time per batch.

C and D (`assessment`): closing the month's assessment (R-ASM-16) and the closed month's sheet, each against
its hand-written SQL; see the function's docstring.

Run alone with `python -m bench staffing` (DJANGO_SETTINGS_MODULE defaults to config.settings.dev).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SCRATCH_DB = "govhall_hb_staffing"
WORKER_FLAG = "--staffing-worker"
SHAPE_VERSION = 4  # bump when `load` changes the shape: the kept data is then loaded again
WINDOWS = 50  # the staff sit at 50 windows, 10 each: all of them are assessed (R-ASM)
BENCH_CENTER = "bench-staffing"
SERIAL = "BENCHSTAFF0001"
STAFF = 500
YEAR, MONTH = 2025, 6
BATCH_PER_PIN = 20  # events a PIN in the batch of figure B: 500 x 20 = 10,000
BATCH_FIRST_DAY = date(2026, 1, 5)  # the batch's days: after the loaded year, none of them closed
TIMEOUT_S = int(os.environ.get("BENCH_CASES_TIMEOUT", "1200"))
HISTORY_FIRST = date(
    YEAR - 3, 1, 1
)  # the cases were received over four years, the last of them the year YEAR
LATE_EVERY = 50  # one case in 50 fell overdue (its `Overdue` record names who answered for it)
SHUTTLE_EVERY = 200  # one case in 200 made its applicant come twice (a shuttle, R-CASE-12)


def _cases() -> int:
    return int(os.environ.get("BENCH_STAFFING_CASES", "1000000"))


def _sheets() -> int:
    return int(os.environ.get("BENCH_STAFFING_SHEETS", "15"))


def _batches() -> int:
    return int(os.environ.get("BENCH_STAFFING_BATCHES", "5"))


# --- the centre and its year (in the child process connected to the scratch database) ---------------------


def _marker() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = current_database()"
        )
        row = cursor.fetchone()
    return str(row[0] or "") if row else ""


def _shape() -> str:
    return f"bench-staffing shape {SHAPE_VERSION}; {STAFF} staff; year {YEAR}; {_cases()} cases"


def _mark() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        # A utility statement takes no bound parameters: the text is ours.
        literal = "'" + _shape().replace("'", "''") + "'"
        cursor.execute(f'COMMENT ON DATABASE "{connection.settings_dict["NAME"]}" IS {literal}')


def load() -> dict[str, Any]:
    """The bench centre and its year, loaded unless kept; returns the centre, the terminal and {pin: staff id}.

    Bypasses the services on purpose (see the module's docstring): bulk SQL, not what is measured."""
    from django.db import connection, transaction
    from django.utils import timezone

    from bench.pages_bench import _insert_select
    from org.models import Center, Department, StaffProfile, Window
    from org.tests import factories as f
    from staffing import attendance as rules
    from staffing.models import (
        AttendanceClose,
        AttendanceDay,
        ClockEvent,
        PinMapping,
        Terminal,
        TerminalUpload,
    )

    name = connection.settings_dict["NAME"]
    assert connection.vendor == "postgresql" and str(name).startswith("govhall_hb_")
    center = Center.objects.filter(code=BENCH_CENTER).first()
    if center is not None and _marker() == _shape():
        print(
            f"staffing: {name}: reusing its year ({ClockEvent.objects.filter(center=center).count():,} events)"
        )
    else:
        began = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO off")
            tables = [m._meta.db_table for m in (ClockEvent, TerminalUpload, AttendanceDay, AttendanceClose)]
            tables += ["supervision_assessmentcorrection", "supervision_assessmententry"]
            tables += ["supervision_assessmentscore", "supervision_assessmentmonth"]
            tables += ["cases_visit", "cases_overdue", "cases_case", "catalog_item", "org_post"]
            cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
        with transaction.atomic():
            if center is None:
                center = f.make_center(code=BENCH_CENTER, name="基准考勤中心")
            Terminal.objects.filter(center=center).delete()
            PinMapping.objects.filter(center=center).delete()
            StaffProfile.objects.filter(center=center).delete()
            department = Department.objects.filter(center=center).first() or f.make_department(
                center, name="基准考勤局"
            )
            windows = list(Window.objects.filter(center=center).order_by("number")) or [
                f.make_window(center, department, number=f"W{n:02d}", name=f"基准窗口{n}")
                for n in range(1, WINDOWS + 1)
            ]
            people = StaffProfile.objects.bulk_create(
                StaffProfile(
                    center=center,
                    department=department,
                    window=windows[(i - 1) % len(windows)],
                    name=f"考勤职员{i}",
                    badge_number=f"S{i:04d}",
                    title="科员",
                )
                for i in range(1, STAFF + 1)
            )
            since = timezone.make_aware(datetime(YEAR - 1, 12, 1))
            PinMapping.objects.bulk_create(
                PinMapping(center=center, pin=str(1000 + i), staff=person, valid_from=since)
                for i, person in enumerate(people, start=1)
            )
            Terminal.objects.create(center=center, serial=SERIAL, name="基准考勤机", location="大厅入口")
        terminal = Terminal.objects.get(serial=SERIAL)
        params: dict[str, Any] = {
            "center": center.pk,
            "terminal": terminal.pk,
            "first": date(YEAR, 1, 1),
            "last": date(YEAR, 12, 31),
            "working": rules.WORKING_DAY,
            "rest_kind": rules.REST_DAY,
            "rest": rules.REST,
            "on_time": rules.ON_TIME,
            "late": rules.LATE,
        }
        days_of_year = "FROM generate_series(%(first)s::date, %(last)s::date, interval '1 day') AS d(t)"
        year = f"{days_of_year} CROSS JOIN staffing_pinmapping p WHERE p.center_id = %(center)s"
        clocks = (
            "CROSS JOIN (VALUES (time '08:50', 0), (time '12:01', 2), (time '13:40', 3), (time '17:31', 1)) "
            "AS k(at, status)"
        )
        working = "extract(isodow FROM d.t) < 6"
        # Four clocks a working day: in (08:50 + up to 14 minutes: late after 09:00 now and then), lunch out and
        # in, out; each a few minutes apart from one person and day to the next.
        jitter = "mod(p.staff_id * 7 + extract(doy FROM d.t)::int * 3, 15)::int"
        clock_at = (
            f"((d.t::date + k.at + make_interval(mins => {jitter}, secs => mod(p.staff_id, 60)))"
            " AT TIME ZONE 'Asia/Shanghai')"
        )
        events = _insert_select(
            ClockEvent,
            {
                "center_id": "%(center)s",
                "terminal_id": "%(terminal)s",
                "pin": "p.pin",
                "time": clock_at,
                "day": "d.t::date",
                "staff_id": "p.staff_id",
                "status": "k.status",
                "verify": "15",
                "source": "'terminal'",
                "received_at": f"{clock_at} + interval '2 seconds'",
            },
            f"{days_of_year} CROSS JOIN staffing_pinmapping p {clocks} "
            f"WHERE p.center_id = %(center)s AND {working}",
            params,
        )
        late = f"({working} AND {jitter} > 10)"
        first_clock = (
            f"((d.t::date + time '08:50' + make_interval(mins => {jitter}, secs => mod(p.staff_id, 60)))"
        )
        first_clock += " AT TIME ZONE 'Asia/Shanghai')"
        days = _insert_select(
            AttendanceDay,
            {
                "center_id": "%(center)s",
                "staff_id": "p.staff_id",
                "day": "d.t::date",
                "kind": f"CASE WHEN {working} THEN %(working)s ELSE %(rest_kind)s END",
                "status": f"CASE WHEN NOT {working} THEN %(rest)s WHEN {late} THEN %(late)s ELSE %(on_time)s END",
                "late": f"CASE WHEN {late} THEN 1 ELSE 0 END",
                "late_minutes": f"CASE WHEN {late} THEN {jitter} - 10 ELSE 0 END",
                "expected_minutes": f"CASE WHEN {working} THEN 480 ELSE 0 END",
                "first_clock": f"CASE WHEN {working} THEN {first_clock} END",
                "last_clock": f"CASE WHEN {working} THEN {first_clock} + interval '8 hours 41 minutes' END",
                "clocks": f"CASE WHEN {working} THEN 4 ELSE 0 END",
                "sittings": "'[]'::jsonb",
                "computed_at": "(d.t::date + 2 + time '01:00') AT TIME ZONE 'Asia/Shanghai'",
            },
            year,
            params,
        )
        closes = _insert_select(
            AttendanceClose,
            {
                "center_id": "%(center)s",
                "day": "d.t::date",
                "closed_at": "(d.t::date + 2 + time '01:00') AT TIME ZONE 'Asia/Shanghai'",
                "people": str(STAFF),
            },
            days_of_year,
            params,
        )
        cases = load_cases(center, people, windows)
        with connection.cursor() as cursor:
            for model in (ClockEvent, AttendanceDay, AttendanceClose, PinMapping, StaffProfile):
                cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
            for table in ("cases_case", "cases_overdue", "cases_visit"):
                cursor.execute(f"VACUUM ANALYZE {table}")
        _mark()
        print(
            f"staffing: {name}: loaded {STAFF} staff, {events:,} clock events, {days:,} stored days, "
            f"{closes} closed days, {cases['cases']:,} cases ({cases['overdue']:,} overdue, "
            f"{cases['shuttles']:,} shuttles) in {time.perf_counter() - began:.1f} s"
        )
    terminal = Terminal.objects.get(serial=SERIAL)
    pins = dict(PinMapping.objects.filter(center=center).values_list("pin", "staff_id"))
    return {"center": center, "terminal": terminal, "pins": pins}


def load_cases(center: Any, people: list[Any], windows: list[Any]) -> dict[str, int]:
    """BENCH_STAFFING_CASES (default 1,000,000) closed cases of the bench centre, received over the four years
    up to the end of YEAR, each handled by one of the 500 staff at that person's window: 90% archived, 6%
    withdrawn, 4% not accepted. One in LATE_EVERY fell overdue — decided a month after acceptance, with its
    `Overdue` record naming its handler — and one in SHUTTLE_EVERY made its applicant come twice (a shuttle
    `Visit`), so that the month's case facts (R-ASM-9) are read among a million cases, about 400 overdue records
    and 100 shuttles a month. One INSERT ... SELECT each, like the year of attendance."""
    from bench.pages_bench import _insert_select
    from cases.models import Case, Overdue, Visit
    from catalog.tests.factories import make_published_item
    from org.tests import factories as f

    staff = [p.pk for p in people]
    post = f.make_post(windows[0], a=people[0], backups=[people[1]], name="基准受理岗")
    item = make_published_item(center, windows[0].department, post=post, code="BENCH-STAFF-1")
    assert item.current_version is not None
    params: dict[str, Any] = {
        "n": _cases(),
        "center": center.pk,
        "item": item.pk,
        "version": item.current_version_id,
        "case_type": item.current_version.case_type,
        "staff": staff,
        "windows": [w.pk for w in windows],
        "first": HISTORY_FIRST,
        "days": (date(YEAR, 12, 31) - HISTORY_FIRST).days + 1,
        "late": LATE_EVERY,
        "shuttle": SHUTTLE_EVERY,
    }
    state = "CASE WHEN mod(g, 50) < 45 THEN 'archived' WHEN mod(g, 50) < 48 THEN 'withdrawn' ELSE 'not_accepted' END"
    archived = f"(({state}) = 'archived')"
    received_on = "(%(first)s::date + mod(g::bigint * 7919, %(days)s)::int)"
    decided_on = f"({received_on} + CASE WHEN mod(g, %(late)s) = 0 THEN 30 ELSE 7 END)"
    # The handler: staff k, who sits at window k mod WINDOWS (as `load` seats them); g / LATE_EVERY mixes the
    # handlers of the overdue cases (every LATE_EVERY-th) over all the staff.
    k = f"mod(g + g / %(late)s, {STAFF})"
    who = f"(%(staff)s::bigint[])[1 + {k}]"
    at = "(({day}) + time '{hhmm}') AT TIME ZONE 'Asia/Shanghai'"
    counts = {
        "cases": _insert_select(
            Case,
            {
                "center_id": "%(center)s",
                "number": f"CASE WHEN {archived} THEN 'BS-' || g ELSE '' END",
                "query_code": "lpad(mod(g * 37, 1000000)::text, 6, '0')",
                "item_id": "%(item)s",
                "version_id": "%(version)s",
                "window_id": f"(%(windows)s::bigint[])[1 + mod({k}, {len(windows)})]",
                "state": state,
                "case_type": "%(case_type)s",
                "applicant_name": "'基准申请人' || g",
                "received_at": at.format(day=received_on, hhmm="09:30"),
                "received_by_id": who,
                "accepted_on": f"CASE WHEN {archived} THEN {received_on} END",
                "accepted_by_id": f"CASE WHEN {archived} THEN {who} END",
                "limit_days": "10",
                "decided_at": f"CASE WHEN {archived} THEN {at.format(day=decided_on, hhmm='10:00')} END",
                "decided_by_id": f"CASE WHEN {archived} THEN {who} END",
                "delivered_at": f"CASE WHEN {archived} THEN {at.format(day=decided_on + ' + 2', hhmm='10:00')} END",
                "closed_at": at.format(day=received_on + " + 10", hhmm="16:00"),
                "responsible_id": f"CASE WHEN {archived} THEN {who} END",
                "responsible_acting_as": f"CASE WHEN {archived} THEN 'A' ELSE '' END",
                "revision": "3",
            },
            "FROM generate_series(1, %(n)s) AS g",
            params,
        )
    }
    cases = "FROM cases_case c WHERE c.center_id = %(center)s"
    counts["overdue"] = _insert_select(
        Overdue,
        {
            "center_id": "c.center_id",
            "case_id": "c.id",
            "deadline": "c.accepted_on + 14",
            "overdue_on": "c.accepted_on + 15",
            "window_id": "c.window_id",
            "responsible_id": "c.responsible_id",
            "acting_as": "'A'",
            "recorded_at": "((c.accepted_on + 15) + time '00:10') AT TIME ZONE 'Asia/Shanghai'",
        },
        f"{cases} AND c.state = 'archived' AND (c.decided_at AT TIME ZONE 'Asia/Shanghai')::date "
        "> c.accepted_on + 14",
        params,
    )
    counts["shuttles"] = _insert_select(
        Visit,
        {
            "case_id": "c.id",
            "at": "c.received_at + interval '3 days'",
            "purpose": "'补正后再次到场'",
            "caused_by_administration": "true",
            "is_shuttle": "true",
            "responsible_id": "c.responsible_id",
            "recorded_by_id": "c.received_by_id",
        },
        f"{cases} AND c.state = 'archived' AND mod(c.id, %(shuttle)s) = 1",
        params,
    )
    return counts


# --- figure A: the monthly sheet ----------------------------------------------------------------------------

SHEET_SQL = """
SELECT d.staff_id, s.name, s.badge_number, d.day, d.status, d.late, d.early,
       d.late_minutes, d.early_minutes, d.absent_minutes
FROM staffing_attendanceday d JOIN org_staffprofile s ON s.id = d.staff_id
WHERE d.center_id = %s AND d.day BETWEEN %s AND %s
ORDER BY s.badge_number, d.staff_id, d.day
"""


def sheet(fx: dict[str, Any]) -> None:
    from django.db import connection

    from staffing.selectors import attendance_sheet, month_bounds

    center = fx["center"]
    first, last = month_bounds(YEAR, MONTH)

    def govhall() -> int:
        return sum(len(row.days) for row in attendance_sheet(center, YEAR, MONTH))

    def bare() -> int:
        with connection.cursor() as cursor:
            cursor.execute(SHEET_SQL, [center.pk, first, last])
            return len(cursor.fetchall())

    shown, read = govhall(), bare()  # warm, and both read the same rows
    assert shown == read, (shown, read)
    times: dict[str, list[float]] = {"govhall": [], "sql": []}
    for _ in range(_sheets()):
        for label, run in (("govhall", govhall), ("sql", bare)):
            began = time.perf_counter()
            run()
            times[label].append(time.perf_counter() - began)
    ours, sql = statistics.median(times["govhall"]), statistics.median(times["sql"])
    print(
        f"staffing: monthly sheet {YEAR}-{MONTH:02d} ({STAFF} people, {shown:,} days), median of {_sheets()}: "
        f"attendance_sheet {ours * 1000:.1f} ms, hand-written SQL {sql * 1000:.1f} ms "
        f"= {sql / ours:.2f}x (target >= 0.5x: govhall at most 2x the SQL)"
    )


# --- figure B: a batch of 10,000 pushed events --------------------------------------------------------------


def _batch_times(pins: list[str], slot: int) -> list[tuple[str, datetime]]:
    """The batch's (pin, local wall-clock time) pairs of repeat `slot`: every PIN on BATCH_PER_PIN days, at
    08:00 plus `slot` seconds, so that each repeat's events are new."""
    return [
        (
            pin,
            datetime.combine(BATCH_FIRST_DAY + timedelta(days=j), datetime.min.time())
            + timedelta(hours=8, seconds=slot),
        )
        for pin in pins
        for j in range(BATCH_PER_PIN)
    ]


def batch(fx: dict[str, Any]) -> None:
    from django.db import connection, transaction
    from django.test import Client
    from django.utils import timezone

    from staffing.models import ClockEvent, TerminalUpload

    terminal, pins = fx["terminal"], fx["pins"]
    order = sorted(pins)
    size = len(pins) * BATCH_PER_PIN
    path = f"/iclock/cdata?SN={SERIAL}&table=ATTLOG&Stamp=1"
    client = Client(HTTP_HOST="127.0.0.1")
    slots = iter(range(1, 3600))
    since = timezone.make_aware(datetime.combine(BATCH_FIRST_DAY, datetime.min.time()))

    def cleanup() -> None:
        ClockEvent.objects.filter(terminal=terminal, time__gte=since).delete()
        TerminalUpload.objects.filter(terminal=terminal).delete()

    def govhall() -> float:
        body = "\n".join(
            f"{pin}\t{moment:%Y-%m-%d %H:%M:%S}\t0\t15\t0\t0"
            for pin, moment in _batch_times(order, next(slots))
        )
        began = time.perf_counter()
        response = client.post(path, data=body + "\n", content_type="text/plain")
        took = time.perf_counter() - began
        answer = response.content.decode()
        assert response.status_code == 200 and answer == f"OK: {size}", (response.status_code, answer[:200])
        assert ClockEvent.objects.filter(terminal=terminal, time__gte=since).count() == size
        cleanup()
        return took

    columns = "center_id, terminal_id, pin, time, day, staff_id, status, verify, source, received_at"
    insert = (
        f"INSERT INTO staffing_clockevent ({columns}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
        "ON CONFLICT DO NOTHING"
    )

    def bare() -> float:
        now = timezone.now()
        rows = []
        for pin, moment in _batch_times(order, next(slots)):
            aware = timezone.make_aware(moment)
            rows.append(
                (
                    terminal.center_id,
                    terminal.pk,
                    pin,
                    aware,
                    moment.date(),
                    pins[pin],
                    0,
                    15,
                    "terminal",
                    now,
                )
            )
        began = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(insert, rows)
        took = time.perf_counter() - began
        assert ClockEvent.objects.filter(terminal=terminal, time__gte=since).count() == size
        cleanup()
        return took

    cleanup()
    govhall(), bare()  # warm
    times: dict[str, list[float]] = {"govhall": [], "bare": []}
    for _ in range(_batches()):
        times["govhall"].append(govhall())
        times["bare"].append(bare())
    ours, raw = statistics.median(times["govhall"]), statistics.median(times["bare"])
    print(
        f"staffing: a batch of {size:,} ATTLOG lines in one request (answered OK: {size}), median of "
        f"{_batches()}: {ours * 1000:.0f} ms per batch ({size / ours:,.0f} events/s; repeats "
        f"{', '.join(f'{t * 1000:.0f}' for t in times['govhall'])} ms), bare INSERT ... ON CONFLICT DO NOTHING "
        f"{raw * 1000:.0f} ms = {raw / ours:.2f}x"
    )


# --- figures C and D: closing the month's assessment, and its sheet --------------------------------------------

FACTS_SQL = """
SELECT d.staff_id,
       sum(d.late) AS late, sum(d.early) AS early,
       count(*) FILTER (WHERE d.status = 'absent' AND d.kind <> 'duty') AS absent,
       count(*) FILTER (WHERE d.status = 'off_post') AS off_post,
       array_agg(d.day ORDER BY d.day) FILTER (WHERE d.late > 0) AS late_days
FROM staffing_attendanceday d JOIN org_staffprofile s ON s.id = d.staff_id
WHERE d.center_id = %s AND d.day BETWEEN %s AND %s AND s.window_id IS NOT NULL
GROUP BY d.staff_id
"""

# The month's overdue cases and shuttles per person who answered for them, with their case numbers.
CASES_SQL = """
SELECT o.responsible_id, count(*), array_agg(c.number ORDER BY o.overdue_on, o.id)
FROM cases_overdue o JOIN cases_case c ON c.id = o.case_id
WHERE o.center_id = %s AND o.overdue_on BETWEEN %s AND %s AND o.responsible_id IS NOT NULL
GROUP BY o.responsible_id
"""

SHUTTLES_SQL = """
SELECT v.responsible_id, count(*), array_agg(c.number ORDER BY v.at, v.id)
FROM cases_visit v JOIN cases_case c ON c.id = v.case_id
WHERE c.center_id = %s AND v.is_shuttle AND v.at >= %s AND v.at < %s AND v.responsible_id IS NOT NULL
GROUP BY v.responsible_id
"""

SCORES_SQL = """
SELECT sc.staff_id, s.name, s.badge_number, w.number, sc.categories, sc.score, sc.fund, sc.stops, sc.loses_award
FROM supervision_assessmentscore sc JOIN supervision_assessmentmonth m ON m.id = sc.assessment_id
JOIN org_staffprofile s ON s.id = sc.staff_id LEFT JOIN org_window w ON w.id = sc.window_id
WHERE m.center_id = %s AND m.year = %s AND m.month = %s
ORDER BY w.number, s.badge_number, sc.staff_id
"""


def _forget_month(center: Any) -> None:
    from supervision.models import AssessmentCorrection, AssessmentEntry, AssessmentMonth, AssessmentScore

    AssessmentCorrection.objects.filter(score__assessment__center=center).delete()
    AssessmentScore.objects.filter(assessment__center=center).delete()
    AssessmentEntry.objects.filter(center=center).delete()
    AssessmentMonth.objects.filter(center=center).delete()


def assessment(fx: dict[str, Any]) -> None:
    """C: `assessment_close` of month MONTH (500 people: the facts read, the entries and scores stored) against
    the hand-written equivalent — one aggregating SELECT of the same facts per person, then the same number of
    entry and score rows written by `executemany` — each in its own transaction, the month forgotten between runs
    (outside the timing). D: the closed month's sheet (`assessment_sheet`) against one SELECT of the same scores.
    The centre holds a million cases (`load_cases`): the case facts read the month's overdue records and
    shuttles among them, and so does the hand-written SQL (with their case numbers)."""
    import json
    from decimal import Decimal

    from django.db import connection, transaction
    from django.utils import timezone

    from staffing.selectors import month_bounds
    from supervision.models import AssessmentEntry, AssessmentScore
    from supervision.selectors.assessment_month import assessment_sheet
    from supervision.services.assessment import assessment_close

    center = fx["center"]
    first, last = month_bounds(YEAR, MONTH)
    month_span = [
        timezone.make_aware(datetime.combine(first, datetime.min.time())),
        timezone.make_aware(datetime.combine(last + timedelta(days=1), datetime.min.time())),
    ]
    month_span = [
        timezone.make_aware(datetime.combine(first, datetime.min.time())),
        timezone.make_aware(datetime.combine(last + timedelta(days=1), datetime.min.time())),
    ]
    runs = _sheets()

    def govhall() -> int:
        return assessment_close(actor=None, center=center, year=YEAR, month=MONTH).people

    def bare() -> int:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(FACTS_SQL, [center.pk, first, last])
            rows = cursor.fetchall()
            cursor.execute(CASES_SQL, [center.pk, first, last])
            late_cases = cursor.fetchall()
            cursor.execute(SHUTTLES_SQL, [center.pk, *month_span])
            shuttles = cursor.fetchall()
            cursor.execute(
                "INSERT INTO supervision_assessmentmonth (center_id, year, month, closed_at, policy, people)"
                " VALUES (%s, %s, %s, %s, %s, %s) RETURNING id",
                [center.pk, YEAR, MONTH, timezone.now(), "{}", len(rows)],
            )
            month_id = cursor.fetchone()[0]
            now = timezone.now()
            entries = [
                (
                    center.pk,
                    staff_id,
                    YEAR,
                    MONTH,
                    "late",
                    late,
                    late * 5,
                    "facts",
                    json.dumps([str(d) for d in days or []]),
                    "",
                    "",
                    now,
                )
                for staff_id, late, _early, _absent, _off, days in rows
                if late
            ]
            entries += [
                (center.pk, staff_id, YEAR, MONTH, code, n, n * 2, "facts", json.dumps(numbers), "", "", now)
                for code, found in (("late_case", late_cases), ("shuttle", shuttles))
                for staff_id, n, numbers in found
            ]
            cursor.executemany(
                "INSERT INTO supervision_assessmententry (center_id, staff_id, year, month, code, quantity, points,"
                " source, facts, note, evidence_name, entered_at, evidence) VALUES"
                " (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, '')",
                entries,
            )
            categories = json.dumps({"attendance": {"points": "30", "raw": "0", "taken": "0"}})
            cursor.executemany(
                "INSERT INTO supervision_assessmentscore (center_id, assessment_id, staff_id, window_id, categories,"
                " conduct, attendance, cases, discipline, score, deducted, fund, stops, loses_award, revision)"
                " SELECT %s, %s, s.id, s.window_id, %s, 30, 30 - %s, 20, 20, %s, %s, %s, '', false, 0"
                " FROM org_staffprofile s WHERE s.id = %s",
                [
                    (
                        center.pk,
                        month_id,
                        categories,
                        5 * late,
                        100 - 5 * late,
                        5 * late,
                        Decimal(150) - Decimal("7.5") * late,
                        staff_id,
                    )
                    for staff_id, late, _early, _absent, _off, _days in rows
                ],
            )
        return len(rows)

    _forget_month(center)
    shown = govhall()
    entries = AssessmentEntry.objects.filter(center=center).count()
    _forget_month(center)
    written = bare()
    assert shown == written == STAFF, (shown, written)
    times: dict[str, list[float]] = {"govhall": [], "sql": []}
    for _ in range(runs):
        for label, run in (("govhall", govhall), ("sql", bare)):
            _forget_month(center)
            began = time.perf_counter()
            run()
            times[label].append(time.perf_counter() - began)
    ours, sql = statistics.median(times["govhall"]), statistics.median(times["sql"])
    print(
        f"assessment: closing {YEAR}-{MONTH:02d} ({STAFF} people, {entries:,} entries from the facts), median of "
        f"{runs}: assessment_close {ours * 1000:.1f} ms, hand-written SQL aggregation and writes {sql * 1000:.1f} ms "
        f"= {sql / ours:.2f}x (target >= 0.5x: govhall at most 2x the SQL)"
    )

    _forget_month(center)
    govhall()
    today = timezone.localdate()

    def page() -> int:
        return len(assessment_sheet(center, YEAR, MONTH, today=today).rows)

    def select() -> int:
        with connection.cursor() as cursor:
            cursor.execute(SCORES_SQL, [center.pk, YEAR, MONTH])
            return len(cursor.fetchall())

    assert page() == select() == STAFF == AssessmentScore.objects.filter(assessment__center=center).count()
    times = {"govhall": [], "sql": []}
    for _ in range(runs):
        for label, run in (("govhall", page), ("sql", select)):
            began = time.perf_counter()
            run()
            times[label].append(time.perf_counter() - began)
    ours, sql = statistics.median(times["govhall"]), statistics.median(times["sql"])
    print(
        f"assessment: the closed month's sheet ({STAFF} people), median of {runs}: assessment_sheet "
        f"{ours * 1000:.1f} ms, hand-written SQL {sql * 1000:.1f} ms = {sql / ours:.2f}x (target >= 0.5x)"
    )
    _forget_month(center)


def work() -> None:
    from django.conf import settings

    settings.DEBUG = False  # as in production: no query log
    fx = load()
    sheet(fx)
    batch(fx)
    assessment(fx)


# --- the run ----------------------------------------------------------------------------------------------


def main() -> None:
    from bench import scratch

    db = scratch.postgres_server()
    if db is None:
        print("staffing: skipped (neither DATABASE_URL nor BENCH_POSTGRES_URL is PostgreSQL)")
        return
    scratch.ensure_database(db, SCRATCH_DB)
    env = dict(os.environ, DATABASE_URL=scratch.url(db, SCRATCH_DB), CONN_MAX_AGE="0")
    scratch.migrate(env, f"staffing: {SCRATCH_DB}")
    subprocess.run(
        [sys.executable, "-m", "bench.staffing_bench", WORKER_FLAG],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=TIMEOUT_S,
    )


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    if sys.argv[1:] == [WORKER_FLAG]:
        work()
    else:
        main()
