"""`make bench`: every figure as a ratio against a baseline measured in the same run.

Needs the demo centre (make bench loads it). Sections:
  workdays  working-day arithmetic vs a naive day-by-day loop (no database)
  http      the public guide page, and the window workbench signed in as the demo clerk (with its query
            count), vs the bare /healthz view, same gunicorn server, under wrk
  pdf       the one-time notification as PDF (uncached) vs the same notice as HTML
  life      a whole case life (receive, check, accept, step, decide, deliver; each transition its own committed
            transaction) through the services on PostgreSQL, in transitions/s, vs the peer BPMN engine
            (../shared/bench/peer_spiff/, SpiffWorkflow saved after every task) and vs a bare write of the
            same rows in the same transactions; with the SQL statements per transition by kind
            (BENCH_LIFE_CASES, BENCH_LIFE_RUNS, BENCH_PEER_INSTANCES, BENCH_PEER_DIR)
  pages     the window workbench, a case page, the API case list and the supervision dashboard over HTTP
            (gunicorn as in production, wrk) at 1,000 and at 1,000,000 cases on PostgreSQL (the same 600 open
            cases, different closed history): req/s at each size, the ratio 1M/1k and the ratio to the bare
            /healthz view of the same server, with each page's query count (BENCH_PAGES_CASES sets the large size)
  staffing  a year of a 500-person centre on PostgreSQL (about 520,000 clock events): the monthly attendance
            sheet vs the equivalent hand-written SQL, a batch of 10,000 pushed events in one request vs a
            bare INSERT of the same rows, closing the month's assessment vs a hand-written aggregation and
            write of the same rows, and the closed month's sheet vs one SELECT (BENCH_STAFFING_SHEETS,
            BENCH_STAFFING_BATCHES)
  joint     10,000 joint cases with 5 departments each on PostgreSQL: the supervision section's view of lateness
            by department vs the equivalent hand-written SQL (BENCH_JOINT_CASES, BENCH_JOINT_RUNS)
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")


def main() -> int:
    import django

    django.setup()
    from bench import (
        case_life,
        http_bench,
        joint_bench,
        pages_bench,
        pdf_bench,
        staffing_bench,
        workdays_bench,
    )

    wanted = set(sys.argv[1:]) or {"workdays", "http", "pdf", "life", "pages", "staffing", "joint"}
    print("govhall benchmarks (ratios against a baseline measured in this run)")
    if "workdays" in wanted:
        workdays_bench.main()
    if "http" in wanted:
        http_bench.main()
    if "pdf" in wanted:
        pdf_bench.main()
    if "life" in wanted:
        case_life.main()
    if "pages" in wanted:
        pages_bench.main()
    if "staffing" in wanted:
        staffing_bench.main()
    if "joint" in wanted:
        joint_bench.main()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
