"""The monthly meeting through its services and pages (R-MTG-1, R-MTG-3, R-MTG-4): scheduled by the office with its
attendees computed by category, signed in by the recorder, the minutes marking the missing absent, causes excusing
a late arrival or an absence, agenda items submitted ahead, action items with their working-day timer, closed by
their owner and carried over to the next meeting while open; the facts the assessment reads (R-ASM-5)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from common.errors import PermissionDenied, RuleViolation
from common.models import HistoryEntry
from org.models import AbsenceKind, Role
from org.services.absences import absence_record
from org.tests import factories as f
from supervision.models import ActionItem, Meeting, MeetingAttendee
from supervision.models_meetings import ActionItemState, AttendanceStatus, AttendeeCategory, MeetingState
from supervision.selectors.meetings import meeting_facts, meeting_page
from supervision.services.meetings import (
    action_item_close,
    action_item_create,
    agenda_submit,
    meeting_excuse,
    meeting_record_minutes,
    meeting_schedule,
    meeting_sign_in,
)
from workdays import hooks
from workdays.models import Timer, TimerKind, TimerState

pytestmark = pytest.mark.usefixtures("national_calendar")

TZ = ZoneInfo("Asia/Shanghai")


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=TZ)


DEC_START = at(12, 3)  # Thursday 3 December 2026, 09:00
NOV_START = at(11, 3)  # Tuesday 3 November 2026, 09:00


@pytest.fixture
def deputy(hall: Any) -> Any:
    staff = f.make_staff(hall.center, name="孙副主任")
    f.grant(staff.user, hall.center, Role.DEPUTY)
    return staff


def schedule(hall: Any, starts_at: datetime = DEC_START, *, actor: Any = None, **kw: Any) -> Meeting:
    values = {"place": "三楼会议室", "chair": hall.director, "recorder": hall.office, **kw}
    with time_machine.travel(
        at(starts_at.month, 1, 8) if starts_at.day > 1 else at(starts_at.month - 1, 28), tick=False
    ):
        return meeting_schedule(
            actor=actor or hall.office.user, center=hall.center, starts_at=starts_at, **values
        )


# --- R-MTG-1: scheduling and the attendees ------------------------------------------------------------------------


def test_r_mtg_1_scheduled_by_the_office_with_its_attendees_by_category(hall: Any, deputy: Any) -> None:
    meeting = schedule(hall)
    rows = {row.staff_id: row for row in MeetingAttendee.objects.filter(meeting=meeting)}
    categories = {staff_id: row.category for staff_id, row in rows.items()}
    assert categories[hall.director.pk] == AttendeeCategory.LEADERSHIP
    assert categories[deputy.pk] == AttendeeCategory.LEADERSHIP
    for cadre in (hall.office, hall.supervision, hall.coordination, hall.sysadmin):
        assert categories[cadre.pk] == AttendeeCategory.OFFICE
    # The A01 window: its head (also its chief representative: listed once) and the A of its post (业务骨干).
    assert categories[hall.chief.pk] == AttendeeCategory.WINDOW_HEAD
    assert categories[hall.clerk.pk] == AttendeeCategory.KEY_STAFF
    assert rows[hall.clerk.pk].window_id == hall.window.pk
    # Not every window clerk: the B of the post and the clerk of a window who holds no post as A are not there,
    # nor anyone of another centre.
    for absent in (hall.backup, hall.other_clerk, hall.outsider):
        assert absent.pk not in rows
    assert all(row.status == AttendanceStatus.EXPECTED for row in rows.values())
    assert (meeting.year, meeting.month, meeting.state) == (2026, 12, MeetingState.SCHEDULED)
    assert HistoryEntry.objects.filter(action="meeting_schedule", rule="R-MTG-1").count() == 1


def test_r_mtg_1_a_new_chief_representative_of_another_window_is_listed_as_such(hall: Any) -> None:
    chief = f.make_staff(hall.center, window=hall.other_window, name="钱首席")
    hall.other_window.chief_representative = chief
    hall.other_window.save()
    meeting = schedule(hall)
    row = MeetingAttendee.objects.get(meeting=meeting, staff=chief)
    assert (row.category, row.window_id) == (AttendeeCategory.CHIEF_REPRESENTATIVE, hall.other_window.pk)


def test_r_mtg_1_the_chair_is_the_director_or_a_deputy_and_the_meeting_is_at_the_start_of_the_month(
    hall: Any, deputy: Any
) -> None:
    with pytest.raises(RuleViolation) as refused:
        schedule(hall, chair=hall.supervision)
    assert (refused.value.rule, refused.value.code) == ("R-MTG-1", "chair_not_leader")
    with pytest.raises(RuleViolation) as refused:
        schedule(hall, at(12, 15))  # past the 10th (policy meeting_latest_day)
    assert refused.value.code == "too_late_in_month"
    assert schedule(hall, chair=deputy).chair_id == deputy.pk
    with pytest.raises(RuleViolation) as refused:
        schedule(hall, at(12, 4))
    assert refused.value.code == "already_scheduled"
    assert Meeting.objects.count() == 1


def test_r_mtg_1_only_the_office_or_the_director_schedules(hall: Any) -> None:
    with pytest.raises(PermissionDenied):
        schedule(hall, actor=hall.clerk.user)
    with pytest.raises(RuleViolation) as refused:
        schedule(hall, actor=hall.outsider.user)
    assert refused.value.rule == "R-ORG-1"
    assert schedule(hall, actor=hall.director.user).pk


# --- R-MTG-1, R-MTG-4: sign-in, minutes, causes, and the facts the assessment reads ------------------------------


def test_r_mtg_1_r_mtg_4_sign_in_minutes_and_causes_give_the_assessment_its_facts(hall: Any) -> None:
    meeting = schedule(hall)
    # The supervision section's officer is on approved leave that morning: late, excused by the system.
    absence_record(
        actor=None,
        staff=hall.supervision,
        kind=AbsenceKind.LEAVE,
        starts_at=at(12, 3, 8),
        ends_at=at(12, 3, 12),
        at=at(12, 1),
    )
    recorder = hall.office.user
    with time_machine.travel(at(12, 3, 9, 30), tick=False):
        meeting_sign_in(actor=recorder, meeting=meeting, staff=hall.director, at=at(12, 3, 8, 55))
        meeting_sign_in(actor=recorder, meeting=meeting, staff=hall.office, at=at(12, 3, 9))
        late = meeting_sign_in(actor=recorder, meeting=meeting, staff=hall.clerk, at=at(12, 3, 9, 10))
        excused = meeting_sign_in(actor=recorder, meeting=meeting, staff=hall.supervision)
        # The recorder records why the coordination officer will not come.
        meeting_excuse(actor=recorder, meeting=meeting, staff=hall.coordination, cause="参加县政府专题会")
        with pytest.raises(PermissionDenied):
            meeting_sign_in(actor=hall.director.user, meeting=meeting, staff=hall.chief)
        with pytest.raises(RuleViolation) as refused:
            meeting_sign_in(actor=recorder, meeting=meeting, staff=hall.clerk)
        assert refused.value.code == "signed_in"
        with pytest.raises(RuleViolation) as refused:
            meeting_sign_in(actor=recorder, meeting=meeting, staff=hall.backup)
        assert refused.value.code == "not_attendee"
    assert (late.status, late.excused) == (AttendanceStatus.LATE, False)
    assert (excused.status, excused.excused, excused.cause_source) == (AttendanceStatus.LATE, True, "absence")
    with time_machine.travel(at(12, 3, 8), tick=False), pytest.raises(RuleViolation) as refused:
        meeting_record_minutes(actor=recorder, meeting=meeting, minutes="纪要")
    assert refused.value.code == "not_started"
    with time_machine.travel(at(12, 3, 11), tick=False):
        meeting_record_minutes(actor=recorder, meeting=meeting, minutes="一、通报11月各窗口办件情况。")
        with pytest.raises(RuleViolation) as refused:
            meeting_sign_in(actor=recorder, meeting=meeting, staff=hall.chief)
        assert refused.value.code == "closed"
    statuses = dict(MeetingAttendee.objects.filter(meeting=meeting).values_list("staff_id", "status"))
    assert statuses[hall.chief.pk] == AttendanceStatus.ABSENT
    assert statuses[hall.coordination.pk] == AttendanceStatus.ABSENT
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.HELD
    day = "2026-12-03"
    assert meeting_facts(hall.center, 2026, 12) == {
        hall.clerk.pk: ([day], []),
        hall.chief.pk: ([], [day]),
        hall.sysadmin.pk: ([], [day]),
    }
    # A cause recorded afterwards (the chief was called away by his department) takes the absence out.
    with time_machine.travel(at(12, 4), tick=False):
        meeting_excuse(actor=recorder, meeting=meeting, staff=hall.chief, cause="派出单位紧急会议")
        with pytest.raises(RuleViolation) as refused:
            meeting_excuse(actor=recorder, meeting=meeting, staff=hall.director, cause="x")
        assert refused.value.code == "present"
    assert hall.chief.pk not in meeting_facts(hall.center, 2026, 12)
    assert meeting_facts(hall.center, 2026, 11) == {}


def test_r_mtg_4_an_absence_in_force_at_the_start_excuses_an_absent_person_when_the_minutes_are_recorded(
    hall: Any,
) -> None:
    meeting = schedule(hall)
    absence_record(
        actor=None,
        staff=hall.chief,
        kind=AbsenceKind.OUTING,
        starts_at=at(12, 3, 8, 30),
        ends_at=at(12, 3, 17),
        at=at(12, 1),
    )
    with time_machine.travel(at(12, 3, 11), tick=False):
        meeting_record_minutes(actor=hall.office.user, meeting=meeting, minutes="纪要")
    row = MeetingAttendee.objects.get(meeting=meeting, staff=hall.chief)
    assert (row.status, row.excused, row.cause_source) == (AttendanceStatus.ABSENT, True, "absence")
    assert hall.chief.pk not in meeting_facts(hall.center, 2026, 12)
    assert hall.clerk.pk in meeting_facts(hall.center, 2026, 12)


# --- R-MTG-3: agenda and action items --------------------------------------------------------------------------


def test_r_mtg_3_matters_are_submitted_ahead_by_a_leader_or_a_window_head(hall: Any) -> None:
    meeting = schedule(hall)
    with time_machine.travel(at(12, 2, 15), tick=False):
        item = agenda_submit(
            actor=hall.chief.user, meeting=meeting, title="A01窗口增设自助终端", details="申请"
        )
        agenda_submit(actor=hall.director.user, meeting=meeting, title="年底值班安排")
        with pytest.raises(PermissionDenied):
            agenda_submit(actor=hall.clerk.user, meeting=meeting, title="窗口人员提交")
    assert item.window_id == hall.window.pk
    with time_machine.travel(at(12, 3, 9, 1), tick=False), pytest.raises(RuleViolation) as refused:
        agenda_submit(actor=hall.chief.user, meeting=meeting, title="会上临时提出")
    assert (refused.value.rule, refused.value.code) == ("R-MTG-3", "too_late")
    assert [a.title for a in meeting_page(meeting).agenda] == ["A01窗口增设自助终端", "年底值班安排"]


def test_r_mtg_3_action_items_run_a_working_day_timer_are_closed_by_their_owner_and_carried_over(
    hall: Any,
) -> None:
    november = schedule(hall, NOV_START)
    december = schedule(hall, DEC_START)
    with time_machine.travel(at(11, 3, 10), tick=False):
        item = action_item_create(
            actor=hall.office.user,
            meeting=november,
            title="整改A01窗口排队过长问题",
            owner=hall.clerk,
            due_days=5,
        )
        with pytest.raises(PermissionDenied):
            action_item_create(
                actor=hall.clerk.user, meeting=november, title="x", owner=hall.clerk, due_days=5
            )
        with pytest.raises(RuleViolation) as refused:
            action_item_create(
                actor=hall.director.user, meeting=november, title="x", owner=hall.outsider, due_days=5
            )
        assert refused.value.code == "owner"
    with time_machine.travel(at(11, 2, 10), tick=False), pytest.raises(RuleViolation) as refused:
        action_item_create(
            actor=hall.director.user, meeting=november, title="x", owner=hall.clerk, due_days=5
        )
    assert refused.value.code == "not_started"
    timer = item.timer
    assert timer is not None
    assert (timer.kind, timer.subject_id, timer.budget_days) == (TimerKind.ACTION_ITEM, item.pk, 5)
    assert (
        timer.deadline is not None and timer.deadline.isoformat() == "2026-11-10"
    )  # 5 working days from 3 Nov
    # The warning records name its owner (workdays.hooks).
    responsible = hooks.timer_responsible(timer, on=timer.deadline)
    assert (responsible.staff_id, responsible.department_id) == (hall.clerk.pk, hall.clerk.department_id)
    # The next meeting lists it while it is open.
    assert [i.pk for i in meeting_page(december).carried_over] == [item.pk]
    assert meeting_page(november).carried_over == []
    with time_machine.travel(at(11, 20), tick=False):
        with pytest.raises(PermissionDenied):
            action_item_close(actor=hall.other_clerk.user, item=item, result="已整改")
        with pytest.raises(RuleViolation) as refused:
            action_item_close(actor=hall.clerk.user, item=item, result=" ")
        assert refused.value.code == "no_result"
        closed = action_item_close(
            actor=hall.clerk.user, item=item, result="增设取号机一台，高峰期增开窗口。"
        )
    assert closed.state == ActionItemState.CLOSED
    finished = Timer.objects.get(pk=timer.pk)
    assert (finished.state, finished.red_since is not None) == (TimerState.FINISHED, True)  # late
    assert meeting_page(december).carried_over == []
    assert HistoryEntry.objects.filter(action="action_item_overdue", rule="R-MTG-3").count() == 1


# --- the pages ---------------------------------------------------------------------------------------------------


def test_r_mtg_1_r_mtg_3_the_pages_schedule_sign_in_and_refuse_with_the_rule(hall: Any, login: Any) -> None:
    client = login(hall.office)
    with time_machine.travel(at(11, 30, 10), tick=False):
        page = client.get(reverse("supervision:meeting_list"))
        assert page.status_code == 200 and "安排月例会" in page.content.decode()
        refused = client.post(
            reverse("supervision:meeting_schedule"),
            {
                "starts_at": "2026-12-20T09:00",
                "place": "会议室",
                "chair": hall.director.pk,
                "recorder": hall.office.pk,
            },
        )
        assert refused.status_code == 422 and "R-MTG-1" in refused.content.decode()
        done = client.post(
            reverse("supervision:meeting_schedule"),
            {
                "starts_at": "2026-12-03T09:00",
                "place": "会议室",
                "chair": hall.director.pk,
                "recorder": hall.office.pk,
            },
        )
    meeting = Meeting.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse(
        "supervision:meeting_detail", args=[meeting.pk]
    )
    with time_machine.travel(at(12, 3, 9, 15), tick=False):
        signed = client.post(
            reverse("supervision:meeting_sign_in", args=[meeting.pk]), {"staff": hall.clerk.pk, "at": "09:12"}
        )
        assert signed.status_code == 302
        early = client.post(reverse("supervision:meeting_minutes", args=[meeting.pk]), {"minutes": ""})
        assert early.status_code == 422
        detail = client.get(reverse("supervision:meeting_detail", args=[meeting.pk]))
    body = detail.content.decode()
    assert detail.status_code == 200
    assert f'id="attendee-{hall.clerk.pk}" data-status="late"' in body
    assert reverse("supervision:meeting_pack", args=[meeting.pk]) in body
    # A window head submits a matter on the page before the start; after it, refused with the rule (422).
    chief = login(hall.chief)
    with time_machine.travel(at(12, 3, 9, 30), tick=False):
        late = chief.post(reverse("supervision:meeting_agenda", args=[meeting.pk]), {"title": "会中议题"})
    assert late.status_code == 422 and "R-MTG-3" in late.content.decode()
    # Someone who is not the recorder cannot sign people in (403), another centre's user does not see it (404).
    with time_machine.travel(at(12, 3, 9, 20), tick=False):
        assert (
            chief.post(
                reverse("supervision:meeting_sign_in", args=[meeting.pk]), {"staff": hall.director.pk}
            ).status_code
            == 403
        )
    outsider = login(hall.outsider)
    assert outsider.get(reverse("supervision:meeting_detail", args=[meeting.pk])).status_code == 404


def test_r_mtg_3_action_item_pages_create_and_close(hall: Any, login: Any) -> None:
    meeting = schedule(hall)
    recorder = login(hall.office)
    with time_machine.travel(at(12, 3, 10), tick=False):
        created = recorder.post(
            reverse("supervision:meeting_action", args=[meeting.pk]),
            {"title": "落实AB岗培训", "owner": hall.chief.pk, "due_days": 3},
        )
    assert created.status_code == 302
    item = ActionItem.objects.get()
    owner = login(hall.chief)
    with time_machine.travel(at(12, 4, 10), tick=False):
        page = owner.get(reverse("supervision:meeting_detail", args=[meeting.pk]))
        assert reverse("supervision:action_item_close", args=[item.pk]) in page.content.decode()
        empty = owner.post(reverse("supervision:action_item_close", args=[item.pk]), {"result": ""})
        assert empty.status_code == 422
        closed = owner.post(
            reverse("supervision:action_item_close", args=[item.pk]), {"result": "已完成培训"}
        )
    assert closed.status_code == 302
    item.refresh_from_db()
    assert item.state == ActionItemState.CLOSED


def test_r_mtg_1_r_mtg_3_a_meeting_s_page_is_read_in_a_fixed_number_of_queries(hall: Any) -> None:
    november = schedule(hall, NOV_START)
    december = schedule(hall, DEC_START)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            page = meeting_page(december)
            [(row.staff.name, row.window, row.absence) for row in page.attendees]
            [
                (item.owner.name, item.timer, item.meeting.chair_id)
                for item in page.actions + page.carried_over
            ]
        return len(queries)

    before = count()
    with time_machine.travel(at(11, 3, 10), tick=False):
        for n in range(3):
            action_item_create(
                actor=hall.office.user, meeting=november, title=f"事项{n}", owner=hall.clerk, due_days=3
            )
    with time_machine.travel(at(12, 3, 10), tick=False):
        action_item_create(
            actor=hall.office.user, meeting=december, title="本月事项", owner=hall.chief, due_days=3
        )
    assert count() == before


def test_r_mtg_1_r_mtg_3_the_meeting_s_lists_export_to_excel(hall: Any, login: Any) -> None:
    import io

    from openpyxl import load_workbook

    november = schedule(hall, NOV_START)
    december = schedule(hall, DEC_START)
    with time_machine.travel(at(11, 3, 10), tick=False):
        action_item_create(
            actor=hall.office.user, meeting=november, title="整改排队过长", owner=hall.clerk, due_days=5
        )

    def book(response: Any) -> Any:
        assert response.status_code == 200, response.content[:500]
        return load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)

    client = login(hall.office)
    with time_machine.travel(at(12, 3, 10), tick=False):
        record = book(client.get(reverse("supervision:meeting_record_xlsx", args=[december.pk])))
        listing = book(client.get(reverse("supervision:meeting_list_xlsx")))
        outsider = login(hall.outsider).get(reverse("supervision:meeting_record_xlsx", args=[december.pk]))
    assert record.sheetnames == ["参会签到", "议题", "督办事项", "以前例会未办结", "说明"]
    attendees = list(record["参会签到"].values)[1:]
    assert len(attendees) == MeetingAttendee.objects.filter(meeting=december).count() > 0
    carried = list(record["以前例会未办结"].values)[1:]
    assert [(row[0], row[1], row[2]) for row in carried] == [("2026-11", "整改排队过长", hall.clerk.name)]
    assert [row[0] for row in list(listing["月例会"].values)[1:]] == ["2026-12", "2026-11"]
    assert outsider.status_code == 404
