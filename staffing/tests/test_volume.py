"""A terminal back from a long outage sends 10,000 events in one request (R-ATT-2): taken whole, with a handful
of statements whatever the size, and a month's sheet read in two queries."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from org.tests import factories as f
from staffing import iclock, services
from staffing.models import ClockEvent, TerminalUpload
from staffing.selectors import attendance_sheet

from .helpers import MAPPED_SINCE, at, push

PEOPLE = 20
CLOCKS_EACH = 500


def test_r_att_2_ten_thousand_events_are_taken_in_one_request(client, site):
    hall = site.hall
    with time_machine.travel(at(2026, 12, 1), tick=False):
        pins = []
        for n in range(PEOPLE):
            staff = f.make_staff(hall.center, name=f"职员{n:02d}")
            pin = f"{3000 + n}"
            services.pin_map(actor=hall.office.user, staff=staff, pin=pin, valid_from=MAPPED_SINCE)
            pins.append(pin)
    start = at(2026, 11, 1, 0, 0, 7)
    lines = [
        iclock.attlog_line(pin, (start + timedelta(minutes=80 * i + n)).replace(tzinfo=None))
        for i in range(CLOCKS_EACH)
        for n, pin in enumerate(pins)
    ]
    body = "\n".join(reversed(lines)) + "\n"  # newest first, as some firmwares send a backlog

    with time_machine.travel(at(2026, 12, 2, 9), tick=False), CaptureQueriesContext(connection) as queries:
        response = push(client, body)

    assert response.content == b"OK: 10000"
    # The events in one statement (an array per column on PostgreSQL, one `executemany` on SQLite), and ten
    # others: the terminal, the PINs, the upload, the count back, the closed days, the clock offset, the
    # terminal.
    inserts = [q for q in queries.captured_queries if 'INTO "staffing_clockevent"' in q["sql"]]
    assert len(inserts) == 1
    assert len(queries.captured_queries) - len(inserts) <= 12
    assert response["X-Govhall-Result"] == "stored=10000; duplicates=0; rejected=0; after-close=0"
    assert ClockEvent.objects.count() == 10_000
    assert TerminalUpload.objects.get().stored == 10_000

    with time_machine.travel(at(2026, 12, 2, 9, 5), tick=False):
        replay = push(client, body)
    assert replay["X-Govhall-Result"] == "stored=0; duplicates=10000; rejected=0; after-close=0"
    assert ClockEvent.objects.count() == 10_000


def test_r_att_2_the_monthly_sheet_reads_the_stored_days_in_two_queries(
    client, site, django_assert_num_queries
):
    hall = site.hall
    with time_machine.travel(at(2026, 12, 1, 9), tick=False):
        push(client, "1001\t2026-11-30 08:05:00\t0\t15\n1001\t2026-11-30 17:00:00\t1\t15\n")
        for day in range(23, 31):
            services.attendance_close_day(actor=None, center=hall.center, day=at(2026, 11, day).date())

    with django_assert_num_queries(2):
        sheet = attendance_sheet(hall.center, 2026, 11)

    assert [(row.name, len(row.days)) for row in sheet] == [("王受理", 8), ("李备岗", 8)]
    clerk = sheet[0]
    assert clerk.days[at(2026, 11, 30).date()] == {"status": "late", "late": 2, "early": 1}
    assert clerk.days[at(2026, 11, 29).date()] == {"status": "rest", "late": 0, "early": 0}
    assert (clerk.late, clerk.early, clerk.late_minutes) == (2, 1, 5)
