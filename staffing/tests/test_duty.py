"""Duty rosters (R-ATT-1, R-PUB-6): the office plans weekend and holiday duty on rest days and the duty leader
on working days, a swap is recorded and never rewritten, a missed duty is flagged from the clock events, a
dispute goes to the day's duty leader, and the portal publishes names and work phones."""

from __future__ import annotations

from datetime import date

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from staffing import selectors
from staffing.models import DutyDispute, DutyEntry, DutyKind

from .helpers import at, push

ROSTER = "/staff/staffing/duty/"


def _assign(client, day, kind, staff):
    return client.post(f"{ROSTER}assign/", {"day": day, "kind": kind, "staff": staff.pk})


def test_r_att_1_the_office_assigns_duty_and_the_portal_publishes_names_and_work_phones(
    client, hall, national_calendar, login
):
    hall.clerk.work_phone = "0571-8888001"
    hall.clerk.save()
    hall.director.work_phone = "0571-8888000"
    hall.director.save()
    with time_machine.travel(at(2026, 12, 1, 10), tick=False):
        login(hall.office)
        page = client.get(f"{ROSTER}?month=2026-12")
        assert page.status_code == 200
        # The proposal lists the month's rest days still without duty: 5 and 6 December, not the 7th.
        proposal = page.content.decode().split("本月尚未安排节假日值班的休息日")[1].split("</p>")[0]
        assert "12-05" in proposal and "12-06" in proposal and "12-07" not in proposal
        assert _assign(client, "2026-12-05", DutyKind.REST_DAY, hall.clerk).status_code == 302
        assert _assign(client, "2026-12-01", DutyKind.LEADER, hall.director).status_code == 302
        assert _assign(client, "2026-12-02", DutyKind.LEADER_WINDOW, hall.director).status_code == 302
        entry = DutyEntry.objects.get(day=date(2026, 12, 5))
        assert (entry.staff, entry.phone, entry.assigned_by) == (hall.clerk, "0571-8888001", hall.office.user)

        client.logout()
        public = client.get("/demo-county/duty/")
        assert public.status_code == 200
        body = public.content.decode()
        leader_box = body.split('id="duty-leader"')[1].split("</section>")[0]
        assert "钱主任" in leader_box and "0571-8888000" in leader_box
        assert "王受理" in body and "0571-8888001" in body
        assert "领导坐班" in body
        assert "/demo-county/duty/" in client.get("/demo-county/").content.decode()


def test_r_att_1_rest_day_duty_only_on_rest_days_and_the_leader_only_on_working_days(
    client, hall, national_calendar, login
):
    with time_machine.travel(at(2026, 12, 1, 10), tick=False):
        login(hall.office)
        refused = _assign(client, "2026-12-07", DutyKind.REST_DAY, hall.clerk)
        assert refused.status_code == 422
        assert "节假日值班只能排在休息日和节假日" in refused.content.decode()
        refused = _assign(client, "2026-12-05", DutyKind.LEADER, hall.director)
        assert refused.status_code == 422
        assert "值班领导和领导坐班只能排在工作日" in refused.content.decode()
        # Someone of another centre cannot be put on the roster (the form does not even offer them).
        assert _assign(client, "2026-12-05", DutyKind.REST_DAY, hall.outsider).status_code == 400
        assert not DutyEntry.objects.exists()


def test_r_att_1_only_the_office_plans_the_roster(client, hall, national_calendar, login):
    with time_machine.travel(at(2026, 12, 1, 10), tick=False):
        for person in (hall.clerk, hall.supervision, hall.coordination):
            login(person)
            assert client.get(ROSTER).status_code == 200  # everyone reads the roster
            assert _assign(client, "2026-12-05", DutyKind.REST_DAY, hall.clerk).status_code == 403
        assert not DutyEntry.objects.exists()
        login(hall.office)
        _assign(client, "2026-12-05", DutyKind.REST_DAY, hall.clerk)
        entry = DutyEntry.objects.get()
        login(hall.clerk)
        swap = client.post(f"{ROSTER}{entry.pk}/swap/", {"staff": hall.backup.pk, "reason": "家中有事"})
        assert swap.status_code == 403
        assert DutyEntry.objects.get().staff == hall.clerk


def test_r_att_1_a_swap_is_recorded_and_never_rewrites_the_entry(client, hall, national_calendar, login):
    with time_machine.travel(at(2026, 12, 1, 10), tick=False):
        login(hall.office)
        _assign(client, "2026-12-05", DutyKind.REST_DAY, hall.clerk)
        original = DutyEntry.objects.get()
        # A swap needs a reason.
        assert client.post(f"{ROSTER}{original.pk}/swap/", {"staff": hall.backup.pk}).status_code == 400
        swapped = client.post(f"{ROSTER}{original.pk}/swap/", {"staff": hall.backup.pk, "reason": "家中有事"})
        assert swapped.status_code == 302
        original.refresh_from_db()
        assert original.staff == hall.clerk and original.superseded_at is not None
        new = DutyEntry.objects.get(superseded_at=None)
        assert (new.staff, new.swapped_from, new.swap_reason) == (hall.backup, original, "家中有事")
        page = client.get(f"{ROSTER}?month=2026-12").content.decode()
        assert "原王受理，换班：家中有事" in page
        # The old entry cannot be swapped again: the roster has moved on.
        again = client.post(f"{ROSTER}{original.pk}/swap/", {"staff": hall.other_clerk.pk, "reason": "再换"})
        assert again.status_code == 422
        assert "已被换班" in again.content.decode()
        assert DutyEntry.objects.count() == 2
        # The portal shows who is on duty now, not who was swapped out.
        client.logout()
        body = client.get("/demo-county/duty/").content.decode()
        assert "李备岗" in body and "王受理" not in body
    # Once the day has passed, the roster is the record a missed duty is read from: no more swaps.
    with time_machine.travel(at(2026, 12, 7, 10), tick=False):
        login(hall.office)
        late = client.post(f"{ROSTER}{new.pk}/swap/", {"staff": hall.clerk.pk, "reason": "补登"})
        assert late.status_code == 422 and "已过去的值班不能换班" in late.content.decode()
        assert DutyEntry.objects.count() == 2


def test_r_att_1_a_missed_duty_is_flagged_from_the_clock_events(client, site, login):
    hall = site.hall
    with time_machine.travel(at(2026, 12, 1, 10), tick=False):
        login(hall.office)
        for day in ("2026-12-05", "2026-12-06"):
            _assign(client, day, DutyKind.REST_DAY, hall.clerk)
            _assign(client, day, DutyKind.REST_DAY, hall.backup)
        client.logout()
    with time_machine.travel(at(2026, 12, 6, 9), tick=False):
        push(client, "1001\t2026-12-05 09:00:00\t0\t15\n1002\t2026-12-05 09:05:00\t0\t15\n")
        push(client, "1001\t2026-12-06 09:00:00\t0\t15\n", stamp="2")
    missed = selectors.missed_duties(hall.center, date(2026, 12, 1), date(2026, 12, 6))
    assert [(e.day, e.staff) for e in missed] == [(date(2026, 12, 6), hall.backup)]
    with time_machine.travel(at(2026, 12, 8, 10), tick=False):
        login(hall.office)
        box = (
            client.get(f"{ROSTER}?month=2026-12")
            .content.decode()
            .split('id="missed"')[1]
            .split("</section>")[0]
        )
        assert "2026-12-06 李备岗" in box and "王受理" not in box


def test_r_att_1_a_dispute_goes_to_the_days_duty_leader_who_records_the_outcome(
    client, hall, national_calendar, login
):
    with time_machine.travel(at(2026, 12, 1, 10), tick=False):
        login(hall.clerk)
        refused = client.post(
            f"{ROSTER}disputes/", {"summary": "申请人对收费有异议", "window": hall.window.pk}
        )
        assert refused.status_code == 422 and "今天没有安排值班领导" in refused.content.decode()
        login(hall.office)
        _assign(client, "2026-12-01", DutyKind.LEADER, hall.director)
        login(hall.clerk)
        reported = client.post(
            f"{ROSTER}disputes/", {"summary": "申请人对收费有异议", "window": hall.window.pk}
        )
        assert reported.status_code == 302
        dispute = DutyDispute.objects.get()
        assert (dispute.leader, dispute.reporter, dispute.window) == (hall.director, hall.clerk, hall.window)
        # The clerk cannot close it; the duty leader does, once.
        assert client.post(f"{ROSTER}disputes/{dispute.pk}/close/", {"outcome": "已解释"}).status_code == 403
        login(hall.director)
        closed = client.post(f"{ROSTER}disputes/{dispute.pk}/close/", {"outcome": "已向申请人解释收费依据"})
        assert closed.status_code == 302
        again = client.post(f"{ROSTER}disputes/{dispute.pk}/close/", {"outcome": "改写"})
        assert again.status_code == 422
        dispute.refresh_from_db()
        assert dispute.outcome == "已向申请人解释收费依据" and dispute.closed_at is not None
        assert "已向申请人解释收费依据" in client.get(ROSTER).content.decode()


def test_r_pub_6_the_portal_roster_shows_only_the_coming_weeks(client, hall, national_calendar, login):
    with time_machine.travel(at(2026, 11, 1, 10), tick=False):
        login(hall.office)
        assert _assign(client, "2026-11-07", DutyKind.REST_DAY, hall.clerk).status_code == 302
        assert _assign(client, "2026-12-05", DutyKind.REST_DAY, hall.backup).status_code == 302
        client.logout()
    with time_machine.travel(at(2026, 12, 1, 10), tick=False):
        body = client.get("/demo-county/duty/").content.decode()
        assert "李备岗" in body and "王受理" not in body
        assert "今日无值班领导安排" in body


def test_r_att_1_the_roster_page_reads_a_bounded_number_of_queries_and_never_fails_on_a_bad_month(
    client, hall, national_calendar, login
):
    with time_machine.travel(at(2026, 12, 1, 10), tick=False):
        login(hall.office)
        _assign(client, "2026-12-05", DutyKind.REST_DAY, hall.clerk)
        with CaptureQueriesContext(connection) as few:
            client.get(f"{ROSTER}?month=2026-12")
        for day in ("2026-12-06", "2026-12-12", "2026-12-13", "2026-12-19", "2026-12-20"):
            _assign(client, day, DutyKind.REST_DAY, hall.backup)
            _assign(client, day, DutyKind.REST_DAY, hall.other_clerk)
        with CaptureQueriesContext(connection) as many:
            page = client.get(f"{ROSTER}?month=2026-12")
        assert len(many) == len(few)
        assert page.content.decode().count('id="swap') >= 11
        for month in ("2026-13", "abc", "2026", "1900-01"):
            assert client.get(f"{ROSTER}?month={month}").status_code == 200
