"""Joint approval under load: 10,000 joint cases with 5 departments each on PostgreSQL, and the supervision
section's view of lateness by department (R-PAR-10) against the equivalent hand-written SQL, in the same run.

The scratch database `govhall_hb_joint` (BENCH_POSTGRES_URL, or DATABASE_URL when it is PostgreSQL) holds one
bench centre: a lead department and 5 co-departments, each with its window and chief representative, a joint
item and its flow-and-limits table, BENCH_JOINT_CASES (default 10,000) accepted cases over 2025 and 2026, each
with its joint case and 5 lanes (50,000), and a lateness record for about one lane in seven, spread over the two
years. The filling bypasses the services on purpose (one INSERT ... SELECT per table; the services are what the
tests prove, the view is what is measured) and is kept between runs.

The figure, in a child process on the scratch database (DEBUG off): `joint.selectors.lateness_by_department`
for the year 2025 against one hand-written SELECT of the same rows (each department's count, the most first),
alternating, BENCH_JOINT_RUNS runs each (default 25), medians; the ratio SQL/govhall, target >= 0.5 (govhall at
most twice the SQL).

Run alone with `python -m bench joint`.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SCRATCH_DB = "govhall_hb_joint"
WORKER_FLAG = "--joint-worker"
BENCH_CENTER = "bench-joint"
DEPARTMENTS = 5
TIMEOUT_S = int(os.environ.get("BENCH_CASES_TIMEOUT", "1200"))
FIRST, LAST = date(2025, 1, 1), date(2025, 12, 31)

LATENESS_SQL = """
SELECT d.id, d.name, count(*) AS n
FROM joint_jointlateness l JOIN org_department d ON d.id = l.department_id
WHERE l.center_id = %s AND l.overdue_on BETWEEN %s AND %s
GROUP BY d.id, d.name
ORDER BY n DESC, d.name
"""


def _cases() -> int:
    return int(os.environ.get("BENCH_JOINT_CASES", "10000"))


def _runs() -> int:
    return int(os.environ.get("BENCH_JOINT_RUNS", "25"))


def load() -> Any:
    """The bench centre and its joint cases, loaded unless kept; returns the centre."""
    from django.db import connection, transaction

    from bench.pages_bench import _insert_select
    from cases.models import Case
    from catalog.tests.factories import make_published_item
    from joint.models import JointCase, JointFlow, JointFlowLane, JointLane, JointLateness
    from org.models import Center
    from org.tests import factories as f

    center = Center.objects.filter(code=BENCH_CENTER).first()
    if center is not None and JointCase.objects.filter(center=center).count() == _cases():
        print(f"joint: {SCRATCH_DB}: reusing its {_cases():,} joint cases")
        return center
    began = time.perf_counter()
    with connection.cursor() as cursor:
        tables = ["joint_jointlateness", "joint_jointlane", "joint_jointcase_present", "joint_jointcase"]
        cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
    with transaction.atomic():
        if center is None:
            center = f.make_center(code=BENCH_CENTER, name="基准并联中心")
            lead = f.make_department(center, code="lead", name="基准牵头局")
            window = f.make_window(center, lead, number="L01", name="牵头窗口")
            chief = f.make_staff(center, window=window, department=lead, name="牵头首席")
            post = f.make_post(window, a=chief, name="受理岗")
            item = make_published_item(
                center, lead, post=post, code="BENCH-JOINT", case_type="joint", promised_limit_days=20
            )
            flow = JointFlow.objects.create(
                center=center, item=item, version=1, lead_department=lead, effective_from=date(2024, 1, 1),
                published_at=f.HELD_SINCE,
            )  # fmt: skip
            for n in range(1, DEPARTMENTS + 1):
                department = f.make_department(center, code=f"co{n}", name=f"基准协办局{n}")
                co_window = f.make_window(center, department, number=f"C{n:02d}", name=f"协办窗口{n}")
                co_chief = f.make_staff(center, window=co_window, department=department, name=f"协办首席{n}")
                co_window.chief_representative = co_chief
                co_window.save(update_fields=["chief_representative"])
                JointFlowLane.objects.create(
                    flow=flow, department=department, items=f"协办事项{n}", limit_days=5 + n, order=n
                )
    from catalog.models import Item
    from org.models import StaffProfile, Window

    item = Item.objects.select_related("current_version").get(center=center, code="BENCH-JOINT")
    flow = JointFlow.objects.get(item=item)
    lead_window = Window.objects.get(center=center, number="L01")
    chief = StaffProfile.objects.get(center=center, name="牵头首席")
    Case.objects.filter(center=center).delete()
    params: dict[str, Any] = {
        "n": _cases(),
        "center": center.pk,
        "item": item.pk,
        "version": item.current_version_id,
        "window": lead_window.pk,
        "staff": chief.pk,
        "flow": flow.pk,
        "lead": flow.lead_department_id,
        "first": date(2025, 1, 1),
    }
    received = "(%(first)s::date + mod(g * 7919, 700))"
    at = "((" + received + ") + time '09:30') AT TIME ZONE 'Asia/Shanghai'"
    cases = _insert_select(
        Case,
        {
            "center_id": "%(center)s",
            "number": "'BJ-' || g",
            "query_code": "lpad(mod(g * 37, 1000000)::text, 6, '0')",
            "item_id": "%(item)s",
            "version_id": "%(version)s",
            "window_id": "%(window)s",
            "state": "'accepted'",
            "case_type": "'joint'",
            "applicant_name": "'基准申请人' || g",
            "organisation_name": "'基准企业' || g",
            "received_at": at,
            "received_by_id": "%(staff)s",
            "accepted_on": received,
            "accepted_by_id": "%(staff)s",
            "limit_days": "20",
            "responsible_id": "%(staff)s",
            "responsible_acting_as": "'A'",
            "revision": "2",
        },
        "FROM generate_series(1, %(n)s) AS g",
        params,
    )
    _insert_select(
        JointCase,
        {
            "center_id": "c.center_id",
            "case_id": "c.id",
            "flow_id": "%(flow)s",
            "lead_department_id": "%(lead)s",
            "state": "'reviewing'",
            "opened_at": "c.received_at + interval '1 hour'",
            "opened_by_id": "%(staff)s",
        },
        "FROM cases_case c WHERE c.center_id = %(center)s",
        params,
    )
    lanes = _insert_select(
        JointLane,
        {
            "center_id": "j.center_id",
            "joint_case_id": "j.id",
            "department_id": "fl.department_id",
            "items": "fl.items",
            "limit_days": "fl.limit_days",
            "order": "fl.order",
            "notice_number": "'抄告' || j.id || '-' || fl.order",
            "notified_at": "j.opened_at",
            "received_at": "j.opened_at + interval '1 day'",
        },
        "FROM joint_jointcase j CROSS JOIN joint_jointflowlane fl WHERE j.center_id = %(center)s "
        "AND fl.flow_id = %(flow)s",
        params,
    )
    late = _insert_select(
        JointLateness,
        {
            "center_id": "l.center_id",
            "lane_id": "l.id",
            "department_id": "l.department_id",
            "deadline": "(l.received_at AT TIME ZONE 'Asia/Shanghai')::date + l.limit_days + 2",
            "overdue_on": "(l.received_at AT TIME ZONE 'Asia/Shanghai')::date + l.limit_days + 3",
            "recorded_at": "l.received_at + interval '20 days'",
        },
        "FROM joint_jointlane l WHERE l.center_id = %(center)s AND mod(l.id * 31 + l.department_id, 7) = 0",
        params,
    )
    with connection.cursor() as cursor:
        for table in ("cases_case", "joint_jointcase", "joint_jointlane", "joint_jointlateness"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    print(
        f"joint: {SCRATCH_DB}: loaded {cases:,} joint cases, {lanes:,} departments' parts and {late:,} lateness "
        f"records in {time.perf_counter() - began:.1f} s"
    )
    return center


def work() -> None:
    from django.conf import settings
    from django.db import connection

    from joint.selectors import lateness_by_department

    settings.DEBUG = False
    center = load()

    def govhall() -> int:
        return sum(row.late for row in lateness_by_department(center, FIRST, LAST))

    def bare() -> int:
        with connection.cursor() as cursor:
            cursor.execute(LATENESS_SQL, [center.pk, FIRST, LAST])
            return sum(row[2] for row in cursor.fetchall())

    shown, counted = govhall(), bare()
    assert shown == counted > 0, (shown, counted)
    times: dict[str, list[float]] = {"govhall": [], "sql": []}
    for _ in range(_runs()):
        for label, run in (("govhall", govhall), ("sql", bare)):
            began = time.perf_counter()
            run()
            times[label].append(time.perf_counter() - began)
    ours, sql = statistics.median(times["govhall"]), statistics.median(times["sql"])
    print(
        f"joint: lateness by department over {FIRST.year} ({shown:,} records among {_cases():,} joint cases "
        f"x {DEPARTMENTS} departments), median of {_runs()}: lateness_by_department {ours * 1000:.2f} ms, "
        f"hand-written SQL {sql * 1000:.2f} ms = {sql / ours:.2f}x (target >= 0.5x: govhall at most 2x the SQL)"
    )


def main() -> None:
    from bench import scratch

    db = scratch.postgres_server()
    if db is None:
        print("joint: skipped (neither DATABASE_URL nor BENCH_POSTGRES_URL is PostgreSQL)")
        return
    scratch.ensure_database(db, SCRATCH_DB)
    env = dict(os.environ, DATABASE_URL=scratch.url(db, SCRATCH_DB), CONN_MAX_AGE="0")
    scratch.migrate(env, f"joint: {SCRATCH_DB}")
    subprocess.run(
        [sys.executable, "-m", "bench.joint_bench", WORKER_FLAG],
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
