"""The month's attendance facts the assessment reads (R-ASM-5; R-ATT-1, R-ATT-2, R-ATT-6, R-ATT-7, R-ATT-8): from
the closed days, the leave requests, the roster and the spot checks only, in a fixed number of queries; through
the API for the supervision section, the office and the director, and a person's own on "我的请假"."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from api.tests.helpers import token_client
from org.tests import factories as f
from staffing import services
from staffing.models import (
    AttendanceDay,
    DutyEntry,
    DutyKind,
    FindingReason,
    LeaveRequest,
    LeaveState,
    SpotCheck,
    SpotCheckFinding,
)
from staffing.selectors_facts import StaffAttendanceFacts, attendance_facts, staffing_facts_of
from staffing.services import duty as duty_services
from staffing.services import spot_checks as spot_services

from .helpers import at, push
from .test_leave import ask, decide, give_back, leave_hall_fixture  # noqa: F401  (the fixture)

READ_AT = at(2026, 12, 16, 10)
FULL = ("07:58:00", "11:31:00", "13:58:00", "17:01:00")


def _clocks(client: Any, pin: str, day: date, times: tuple[str, ...]) -> None:
    with time_machine.travel(at(day.year, day.month, day.day, 18), tick=False):
        body = "".join(f"{pin}\t{day:%Y-%m-%d} {t}\t0\t15\t0\n" for t in times)
        assert push(client, body, stamp=f"{day:%m%d}{pin}").status_code == 200


@pytest.fixture
def month(client: Any, site: Any, leave_hall: Any) -> Any:
    """December 2026 of the clerk (PIN 1001) and the backup (PIN 1002), played through the services."""
    hall = site.hall
    clerk, backup = "1001", "1002"
    # The roster: the clerk on Saturday the 12th, the backup on Sunday the 13th.
    with time_machine.travel(at(2026, 12, 1, 10), tick=False):
        for day, person in ((date(2026, 12, 12), hall.clerk), (date(2026, 12, 13), hall.backup)):
            duty_services.roster_assign(
                actor=hall.office.user, center=hall.center, day=day, kind=DutyKind.REST_DAY, staff=person
            )
    # The backup's private leave, Wednesday and Thursday (4 half-days), returned on Thursday at 10:00: 3 taken.
    private = ask(hall, staff=hall.backup, start=(date(2026, 12, 9), "am"), end=(date(2026, 12, 10), "pm"))
    decide(private, hall.chief)
    decide(private, hall.director)
    give_back(private, hall.supervision, at(2026, 12, 10, 10))
    # The clerk's training, Friday morning (official, 1 half-day), never returned.
    training = ask(hall, kind="training", start=(date(2026, 12, 11), "am"), end=(date(2026, 12, 11), "am"))
    decide(training, hall.supervision)
    # Clocks: the clerk leaves on Monday without clocking out, clocks nothing on Tuesday; the backup is late on
    # Monday and keeps the Sunday duty.
    _clocks(client, clerk, date(2026, 12, 7), ("07:55:00", "11:35:00", "13:55:00"))
    _clocks(client, backup, date(2026, 12, 7), ("08:20:00", "11:31:00", "13:58:00", "17:01:00"))
    _clocks(client, backup, date(2026, 12, 8), FULL)
    for n in (9, 10, 14):
        _clocks(client, clerk, date(2026, 12, n), FULL)
    _clocks(client, backup, date(2026, 12, 10), ("09:58:00", "11:31:00", "13:58:00", "17:01:00"))
    _clocks(client, clerk, date(2026, 12, 11), ("13:58:00", "17:01:00"))
    _clocks(client, backup, date(2026, 12, 11), FULL)
    _clocks(client, backup, date(2026, 12, 13), FULL)
    _clocks(client, backup, date(2026, 12, 14), FULL)
    # Two spot checks on Monday the 14th find the clerk away without leave: one day.
    for hour in (10, 15):
        with time_machine.travel(at(2026, 12, 14, hour, 5), tick=False):
            spot_services.spot_check_record(
                actor=hall.supervision.user,
                center=hall.center,
                by=hall.supervision,
                at=at(2026, 12, 14, hour),
                seen=[spot_services.Seen(staff=hall.clerk, present=False)],
            )
    with time_machine.travel(at(2026, 12, 16, 9), tick=False):
        for n in range(7, 15):
            services.attendance_close_day(
                actor=hall.supervision.user, center=hall.center, day=date(2026, 12, n)
            )
    return hall


def _by_person(center: Any) -> dict[int, StaffAttendanceFacts]:
    with time_machine.travel(READ_AT, tick=False):
        return {facts.staff_id: facts for facts in attendance_facts(center, 2026, 12)}


def test_r_asm_5_r_att_2_r_att_8_the_months_facts_from_the_stored_days_leaves_roster_and_spot_checks(
    month: Any,
) -> None:
    hall = month
    facts = _by_person(hall.center)
    clerk, backup = facts[hall.clerk.pk], facts[hall.backup.pk]
    # R-ATT-2: a missing clock-out counts as leaving early; a day with no clock is absent without leave.
    assert (clerk.late, clerk.left_early, clerk.missing_clock_out, clerk.absent_days) == (0, 1, 1, 1)
    from staffing.models import AttendanceDay as _D

    print(
        list(_D.objects.filter(staff=hall.backup).values_list("day", "status", "late", "early", "sittings"))
    )
    assert (backup.late, backup.left_early, backup.absent_days) == (1, 0, 0)
    # R-ATT-8 and R-ATT-6: official and private half-days taken; the return ended the backup's leave early.
    assert (clerk.official_leave_half_days, clerk.private_leave_half_days) == (1, 0)
    assert (backup.official_leave_half_days, backup.private_leave_half_days) == (0, 3)
    assert (clerk.unreturned_leaves, backup.unreturned_leaves) == (1, 0)
    # R-ATT-1: the clerk missed the Saturday duty; the backup kept the Sunday's.
    assert (clerk.missed_duties, backup.missed_duties) == (1, 0)
    # R-ATT-7: two checks on one day count one day.
    assert (clerk.spot_check_days_without_leave, backup.spot_check_days_without_leave) == (1, 0)
    assert clerk.off_post_days == 0 and clerk.closed_days == 8
    # The centre's other active staff are listed with nothing against them.
    assert facts[hall.director.pk] == StaffAttendanceFacts(
        hall.director.pk, hall.director.name, hall.director.badge_number, 2026, 12
    )
    assert hall.outsider.pk not in facts


def test_r_asm_5_r_att_6_one_persons_facts_with_the_rows_behind_each_number(month: Any) -> None:
    hall = month
    with time_machine.travel(READ_AT, tick=False):
        clerk = staffing_facts_of(hall.clerk, 2026, 12)
        backup = staffing_facts_of(hall.backup, 2026, 12)
    assert clerk.facts == _by_person(hall.center)[hall.clerk.pk]
    assert [(d.day, d.status) for d in clerk.days] == [
        (date(2026, 12, 7), "left_early"),
        (date(2026, 12, 8), "absent"),
    ]
    assert [e.day for e in clerk.missed_duties] == [date(2026, 12, 12)]
    assert len(clerk.findings) == 2
    assert [(x.kind, x.official, x.half_days) for x in clerk.leaves] == [("training", True, 1)]
    assert [x.kind for x in clerk.unreturned_leaves] == ["training"]
    (taken,) = backup.leaves
    assert (taken.state, taken.half_days, taken.ends_at) == (LeaveState.RETURNED, 3, at(2026, 12, 10, 10))


def test_r_asm_5_a_day_not_closed_yet_and_a_pending_leave_count_nothing(
    client: Any, site: Any, leave_hall: Any
) -> None:
    hall = site.hall
    with time_machine.travel(at(2026, 12, 1, 10), tick=False):
        duty_services.roster_assign(
            actor=hall.office.user,
            center=hall.center,
            day=date(2026, 12, 12),
            kind=DutyKind.REST_DAY,
            staff=hall.clerk,
        )
    ask(hall, start=(date(2026, 12, 9), "am"), end=(date(2026, 12, 9), "pm"))  # pending
    facts = _by_person(hall.center)[hall.clerk.pk]
    assert (facts.missed_duties, facts.private_leave_half_days, facts.closed_days) == (0, 0, 0)


def _extra_person(hall: Any, n: int) -> None:
    """Another person with a marked day, a missed duty, a leave and a spot-check finding, written directly."""
    person = f.make_staff(hall.center, name=f"加{n}", badge_number=f"X{n:03d}")
    day = date(2026, 12, 7)
    now = timezone.now()
    AttendanceDay.objects.create(
        center=hall.center, staff=person, day=day, kind="working", status="late", late=1, computed_at=now
    )
    AttendanceDay.objects.create(
        center=hall.center,
        staff=person,
        day=date(2026, 12, 8),
        kind="working",
        status="absent",
        computed_at=now,
    )
    DutyEntry.objects.create(
        center=hall.center, day=date(2026, 12, 12), kind=DutyKind.REST_DAY, staff=person, assigned_at=now
    )
    tz = timezone.get_default_timezone()
    LeaveRequest.objects.create(
        center=hall.center,
        staff=person,
        kind="personal",
        start_date=date(2026, 12, 9),
        start_half="am",
        end_date=date(2026, 12, 9),
        end_half="pm",
        starts_at=datetime(2026, 12, 9, 8, tzinfo=tz),
        ends_at=datetime(2026, 12, 9, 17, tzinfo=tz),
        half_days=2,
        reason="事",
        state=LeaveState.APPROVED,
        requested_at=now,
    )
    check = SpotCheck.objects.create(
        center=hall.center, at=datetime(2026, 12, 14, 10, tzinfo=tz), by=hall.supervision
    )
    SpotCheckFinding.objects.create(
        center=hall.center,
        spot_check=check,
        staff=person,
        day=date(2026, 12, 14),
        present=False,
        reason=FindingReason.UNEXPLAINED,
    )


def _queries(center: Any) -> int:
    with time_machine.travel(READ_AT, tick=False):
        attendance_facts(center, 2026, 12)  # the calendar and the hours come from the process caches
        with CaptureQueriesContext(connection) as captured:
            result = attendance_facts(center, 2026, 12)
    assert result
    return len(captured.captured_queries)


def test_r_asm_5_the_facts_take_a_fixed_number_of_queries_whatever_the_size_of_the_centre(month: Any) -> None:
    hall = month
    _extra_person(hall, 1)
    few = _queries(hall.center)
    for n in range(2, 12):
        _extra_person(hall, n)
    many = _queries(hall.center)
    assert few == many <= 7
    facts = _by_person(hall.center)
    extra = next(x for x in facts.values() if x.name == "加5")
    assert (
        extra.late,
        extra.absent_days,
        extra.private_leave_half_days,
        extra.spot_check_days_without_leave,
    ) == (
        1,
        1,
        2,
        1,
    )
    assert (extra.missed_duties, extra.unreturned_leaves) == (1, 1)


# --- the API and the page ----------------------------------------------------------------------------------


def _url(name: str, hall: Any) -> str:
    return reverse(f"api:{name}", kwargs={"center": hall.center.code})


def test_r_asm_5_the_centres_facts_for_the_supervision_section_office_and_director_only(month: Any) -> None:
    hall = month
    with time_machine.travel(READ_AT, tick=False):
        for reader in (hall.supervision, hall.office, hall.director):
            answer = token_client(reader).get(_url("attendance_facts", hall), {"month": "2026-12"})
            assert answer.status_code == 200, answer.json()
            people = {p["staff_id"]: p for p in answer.json()["people"]}
            assert people[hall.clerk.pk]["missed_duties"] == 1
            assert people[hall.backup.pk]["private_leave_half_days"] == 3
        for other in (hall.clerk, hall.chief, hall.coordination):
            refused = token_client(other).get(_url("attendance_facts", hall), {"month": "2026-12"})
            assert refused.status_code == 403 and refused.json()["error"]["code"] == "permission_denied"
        assert token_client(hall.outsider).get(_url("attendance_facts", hall)).status_code == 404
        for bad in ("2026-13", "12-2026", "x"):
            wrong = token_client(hall.supervision).get(_url("attendance_facts", hall), {"month": bad})
            assert wrong.status_code == 400 and wrong.json()["error"]["field"] == "month"


def test_r_asm_5_a_staff_member_reads_only_their_own_facts(month: Any) -> None:
    hall = month
    with time_machine.travel(READ_AT, tick=False):
        mine = token_client(hall.clerk).get(_url("attendance_facts_me", hall), {"month": "2026-12"})
        assert mine.status_code == 200
        body = mine.json()
        assert body["facts"]["staff_id"] == hall.clerk.pk and body["facts"]["left_early"] == 1
        assert [d["day"] for d in body["days"]] == ["2026-12-07", "2026-12-08"]
        assert [m["day"] for m in body["missed_duties"]] == ["2026-12-12"]
        assert len(body["findings"]) == 2 and len(body["unreturned_leaves"]) == 1
        backup = token_client(hall.backup).get(_url("attendance_facts_me", hall), {"month": "2026-12"}).json()
        assert backup["facts"]["staff_id"] == hall.backup.pk
        assert token_client(hall.outsider).get(_url("attendance_facts_me", hall)).status_code == 404
    assert "attendance-facts/me" in _url("attendance_facts_me", hall)


def test_r_asm_5_my_month_on_my_leave_page(client: Any, month: Any, login: Any) -> None:
    hall = month
    with time_machine.travel(READ_AT, tick=False):
        login(hall.clerk)
        page = client.get("/staff/staffing/leave/?month=2026-12")
        assert page.status_code == 200
        box = page.content.decode().split('id="my-attendance"')[1].split("</section>")[0]
        assert "2026年12月" in box and "节假日值班未到岗" in box and "稽查发现擅自离岗" in box
        assert client.get("/staff/staffing/leave/?month=junk").status_code == 200
