"""The day's attendance stored (R-ATT-2, R-CLK-7): closing, summer hours, leave from `org`, corrections with
their reasons, a wrong PIN mapping put right, and who may do what."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.management import call_command

from common.errors import PermissionDenied, RuleViolation
from common.history import history_of
from common.models import HistoryEntry
from org import services as org_services
from org.models import AbsenceKind
from policy import services as policy_services
from staffing import services
from staffing.models import AttendanceClose, AttendanceDay, ClockEvent, PinMapping
from staffing.selectors_facts import attendance_facts
from staffing.services.duty import roster_assign

from .helpers import DAY, at, push

SUMMER_DAY = date(2026, 7, 6)  # a Monday in summer (1 May – 30 September by default)
WINTER_CLOCKS = "1001\t{day} 08:00:00\t0\t15\n1001\t{day} 11:30:00\t1\t15\n1001\t{day} 14:20:00\t0\t15\n1001\t{day} 17:25:00\t1\t15\n"


def _close(hall, day, when):
    with time_machine.travel(when, tick=False):
        return services.attendance_close_day(actor=hall.supervision.user, center=hall.center, day=day)


def test_r_clk_7_summer_hours_move_the_afternoon_half_an_hour_later(client, site):
    hall = site.hall
    with time_machine.travel(at(2026, 7, 7, 9), tick=False):
        push(client, WINTER_CLOCKS.format(day="2026-07-06"))
    with time_machine.travel(at(2026, 12, 8, 9), tick=False):
        push(client, WINTER_CLOCKS.format(day="2026-12-07"))
    _close(hall, SUMMER_DAY, at(2026, 7, 8, 1))
    _close(hall, DAY, at(2026, 12, 9, 1))

    summer = AttendanceDay.objects.get(staff=hall.clerk, day=SUMMER_DAY)
    winter = AttendanceDay.objects.get(staff=hall.clerk, day=DAY)
    # In summer the afternoon is 14:30–17:30: 14:20 is in time, 17:25 is five minutes early.
    assert (summer.status, summer.late, summer.early, summer.early_minutes) == ("left_early", 0, 1, 5)
    assert [(s["start"], s["end"]) for s in summer.sittings] == [("08:00", "11:30"), ("14:30", "17:30")]
    # In winter (14:00–17:00) the same clocks are twenty minutes late and in time at the end.
    assert (winter.status, winter.late, winter.late_minutes, winter.early) == ("late", 1, 20, 0)


def test_r_clk_7_a_centres_own_summer_dates_are_read_on_the_day(client, site):
    hall = site.hall
    with time_machine.travel(at(2026, 1, 5), tick=False):
        policy_services.policy_set(
            actor=hall.sysadmin.user,
            center=hall.center,
            key="summer_start",
            value="07-15",
            effective_from=date(2026, 1, 6),
            note="本中心夏季作息自7月15日起",
        )
    with time_machine.travel(at(2026, 7, 7, 9), tick=False):
        push(client, WINTER_CLOCKS.format(day="2026-07-06"))
    _close(hall, SUMMER_DAY, at(2026, 7, 8, 1))

    day = AttendanceDay.objects.get(staff=hall.clerk, day=SUMMER_DAY)
    assert (day.status, day.late_minutes) == ("late", 20)  # 6 July is not summer at this centre


def test_r_att_2_leave_and_outings_recorded_in_org_are_read_for_the_day(client, site):
    hall = site.hall
    with time_machine.travel(at(2026, 12, 1), tick=False):
        org_services.absence_record(
            actor=hall.supervision.user,
            staff=hall.clerk,
            kind=AbsenceKind.LEAVE,
            starts_at=at(2026, 12, 7, 8),
            ends_at=at(2026, 12, 7, 11, 30),
            reason="事假半天",
        )
        org_services.absence_record(
            actor=hall.supervision.user,
            staff=hall.backup,
            kind=AbsenceKind.OUTING,
            starts_at=at(2026, 12, 7, 14),
            ends_at=at(2026, 12, 7, 17),
            reason="赴县局送审材料",
        )
    with time_machine.travel(at(2026, 12, 8, 9), tick=False):
        push(client, "1001\t2026-12-07 13:55:00\t0\t15\n1001\t2026-12-07 17:02:00\t1\t15\n")
        push(client, "1002\t2026-12-07 07:50:00\t0\t15\n1002\t2026-12-07 11:35:00\t1\t15\n")
    _close(hall, DAY, at(2026, 12, 8, 9, 30))

    clerk = AttendanceDay.objects.get(staff=hall.clerk, day=DAY)
    backup = AttendanceDay.objects.get(staff=hall.backup, day=DAY)
    assert (clerk.status, clerk.leave_minutes, [s["state"] for s in clerk.sittings]) == (
        "leave",
        210,
        ["leave", "worked"],
    )
    assert (backup.status, backup.outing_minutes, [s["state"] for s in backup.sittings]) == (
        "outing",
        180,
        ["worked", "outing"],
    )


def test_r_att_2_nobody_clocking_is_absent_and_a_rest_day_is_rest(site):
    hall = site.hall
    _close(hall, DAY, at(2026, 12, 8, 9))
    _close(hall, date(2026, 12, 5), at(2026, 12, 8, 9))  # a Saturday

    assert sorted(
        AttendanceDay.objects.filter(day=DAY).values_list("staff__name", "status", "absent_minutes")
    ) == [
        ("李备岗", "absent", 390),
        ("王受理", "absent", 390),
    ]
    assert set(AttendanceDay.objects.filter(day=date(2026, 12, 5)).values_list("kind", "status")) == {
        ("rest", "rest")
    }


def test_r_att_2_closing_a_day_twice_changes_nothing_and_today_cannot_be_closed(client, site):
    hall = site.hall
    with time_machine.travel(at(2026, 12, 8, 9), tick=False):
        push(client, "1001\t2026-12-07 08:00:00\t0\t15\n")
    first = _close(hall, DAY, at(2026, 12, 8, 9, 30))
    row = AttendanceDay.objects.get(staff=hall.clerk, day=DAY)
    second = _close(hall, DAY, at(2026, 12, 9, 9))

    assert (first.pk, first.people) == (second.pk, 2)
    assert AttendanceDay.objects.get(pk=row.pk).computed_at == row.computed_at
    assert HistoryEntry.objects.filter(subject_type="staffing.attendanceclose", action="close").count() == 1
    with pytest.raises(RuleViolation) as refused, time_machine.travel(at(2026, 12, 7, 18), tick=False):
        services.attendance_close_day(actor=None, center=hall.center, day=DAY)
    assert (refused.value.rule, refused.value.field) == ("R-ATT-2", "day")


def test_r_att_2_a_terminal_outage_is_corrected_with_the_attested_clocks(site):
    hall = site.hall
    _close(hall, DAY, at(2026, 12, 8, 9))
    row = AttendanceDay.objects.get(staff=hall.clerk, day=DAY)
    assert row.status == "absent"

    with time_machine.travel(at(2026, 12, 8, 10), tick=False):
        corrected = services.attendance_correct(
            actor=hall.office.user,
            staff=hall.clerk,
            day=DAY,
            reason="大厅考勤机12月7日全天断电，经稽查督办科核实到岗",
            clocks=[at(2026, 12, 7, 8), at(2026, 12, 7, 11, 30), at(2026, 12, 7, 14), at(2026, 12, 7, 17)],
        )

    assert (corrected.pk, corrected.status, corrected.revision, corrected.clocks) == (row.pk, "on_time", 1, 4)
    assert set(ClockEvent.objects.filter(staff=hall.clerk).values_list("source", "terminal", "pin")) == {
        ("correction", None, "")
    }
    entry = history_of(corrected).get()
    assert (entry.actor, entry.action, entry.rule) == (hall.office.user, "correct", "R-ATT-2")
    assert entry.reason == "大厅考勤机12月7日全天断电，经稽查督办科核实到岗"
    assert entry.changes == {
        "day": "2026-12-07",
        "revision": 1,
        "status": ["absent", "on_time"],
        "absent_minutes": [390, 0],
        "clocks": [0, 4],
        "added_clocks": ["08:00:00", "11:30:00", "14:00:00", "17:00:00"],
    }


def test_r_att_2_a_correction_needs_a_reason_a_past_day_and_the_clocks_of_that_day(site):
    hall = site.hall
    _close(hall, DAY, at(2026, 12, 8, 9))
    row = AttendanceDay.objects.get(staff=hall.clerk, day=DAY)

    with time_machine.travel(at(2026, 12, 8, 10), tick=False):
        with pytest.raises(RuleViolation) as no_reason:
            services.attendance_correct(actor=hall.supervision.user, staff=hall.clerk, day=DAY, reason="  ")
        with pytest.raises(RuleViolation) as other_day:
            services.attendance_correct(
                actor=hall.supervision.user,
                staff=hall.clerk,
                day=DAY,
                reason="补卡",
                clocks=[at(2026, 12, 8, 8)],
            )
        with pytest.raises(RuleViolation) as today:
            services.attendance_correct(
                actor=hall.supervision.user, staff=hall.clerk, day=date(2026, 12, 8), reason="补卡"
            )

    assert (no_reason.value.rule, no_reason.value.field) == ("R-ATT-2", "reason")
    assert (other_day.value.field, other_day.value.message) == (
        "clocks",
        "补录的打卡时间 2026-12-08 08:00 不在 2026-12-07。",
    )
    assert today.value.field == "day"
    unchanged = AttendanceDay.objects.get(pk=row.pk)
    assert (unchanged.status, unchanged.revision) == ("absent", 0)
    assert ClockEvent.objects.count() == 0
    assert not history_of(row).exists()


def test_r_att_2_only_the_supervision_section_or_the_office_corrects_a_day(site):
    hall = site.hall
    _close(hall, DAY, at(2026, 12, 8, 9))

    with time_machine.travel(at(2026, 12, 8, 10), tick=False):
        for who in (hall.clerk, hall.chief, hall.sysadmin):
            with pytest.raises(PermissionDenied):
                services.attendance_correct(actor=who.user, staff=hall.clerk, day=DAY, reason="补卡")
        with pytest.raises(RuleViolation) as outsider:
            services.attendance_correct(actor=hall.outsider.user, staff=hall.clerk, day=DAY, reason="补卡")

    assert outsider.value.rule == "R-ORG-1"
    assert AttendanceDay.objects.get(staff=hall.clerk, day=DAY).revision == 0


def test_r_att_2_a_wrong_pin_mapping_is_corrected_and_both_days_recomputed(client, site):
    hall = site.hall
    # The installer registered PIN 1001 for the clerk; it is the chief representative's, who has no other PIN.
    with time_machine.travel(at(2026, 12, 8, 9), tick=False):
        push(client, "1001\t2026-12-07 08:00:00\t0\t15\n1001\t2026-12-07 17:00:00\t1\t15\n")
    _close(hall, DAY, at(2026, 12, 8, 9, 30))
    wrong = PinMapping.objects.get(pin="1001")
    with time_machine.travel(at(2026, 12, 8, 10), tick=False):
        # Not onto someone who held a PIN meanwhile (the backup holds 1002).
        with pytest.raises(RuleViolation) as clash:
            services.pin_mapping_correct(
                actor=hall.office.user, mapping=wrong, staff=hall.backup, reason="录错"
            )
        # Not by the administrator, who keeps the mappings but does not correct attendance.
        with pytest.raises(PermissionDenied):
            services.pin_mapping_correct(
                actor=hall.sysadmin.user, mapping=wrong, staff=hall.chief, reason="录错"
            )
        services.pin_mapping_correct(
            actor=hall.office.user, mapping=wrong, staff=hall.chief, reason="安装时录错"
        )

    assert clash.value.message == "李备岗在该时间已有考勤号 1002，不能再对应考勤号 1001。"
    assert set(ClockEvent.objects.values_list("staff", flat=True)) == {hall.chief.pk}
    clerk = AttendanceDay.objects.get(staff=hall.clerk, day=DAY)
    chief = AttendanceDay.objects.get(staff=hall.chief, day=DAY)
    assert (clerk.status, clerk.clocks, clerk.revision) == ("absent", 0, 1)
    assert (chief.status, chief.late, chief.early, chief.clocks, chief.revision) == ("late", 1, 1, 2, 1)
    assert history_of(clerk).get().reason == "安装时录错"
    assert history_of(chief).get().changes["status"] == [None, "late"]
    assert history_of(wrong).get().changes == {
        "staff": ["王受理", "赵首席"],
        "pin": "1001",
        "events_moved": 2,
    }
    assert PinMapping.objects.get(pk=wrong.pk).staff == hall.chief


def test_r_att_2_registering_terminals_and_pins_is_the_office_or_the_administrator(site):
    hall = site.hall
    with time_machine.travel(at(2026, 12, 1), tick=False):
        with pytest.raises(PermissionDenied):
            services.terminal_register(
                actor=hall.supervision.user, center=hall.center, serial="X-1", name="后门"
            )
        with pytest.raises(PermissionDenied):
            services.pin_map(actor=hall.clerk.user, staff=hall.clerk, pin="7777")
        with pytest.raises(RuleViolation) as taken_serial:
            services.terminal_register(
                actor=hall.sysadmin.user, center=hall.center, serial=site.terminal.serial, name="重复"
            )
        with pytest.raises(RuleViolation) as taken_pin:
            services.pin_map(actor=hall.sysadmin.user, staff=hall.chief, pin="1001")
        with pytest.raises(RuleViolation) as bad_address:
            services.terminal_register(
                actor=hall.sysadmin.user,
                center=hall.center,
                serial="X-2",
                name="后门",
                allowed_addresses="10.0.0.300",
            )
        services.pin_map(actor=hall.sysadmin.user, staff=hall.clerk, pin="2001")

    assert (taken_serial.value.field, taken_pin.value.field, bad_address.value.field) == (
        "serial",
        "pin",
        "allowed_addresses",
    )
    assert taken_pin.value.message == "考勤号 1001 在该时间已对应王受理。"
    # A new PIN ends the person's old one at that moment; the old keeps its events.
    assert list(PinMapping.objects.filter(staff=hall.clerk).values_list("pin", "valid_until")) == [
        ("1001", at(2026, 12, 1)),
        ("2001", None),
    ]


def test_r_att_2_the_close_command_closes_the_days_due(site, capsys):
    hall = site.hall
    with time_machine.travel(at(2026, 12, 9, 0, 10), tick=False):
        call_command("close_attendance", center=hall.center.code)

    # Policy: a day stays open one whole day after it ends; on the 9th the days up to the 7th are closed.
    assert sorted(AttendanceClose.objects.values_list("day", flat=True)) == [
        date(2026, 12, 1),
        date(2026, 12, 2),
        date(2026, 12, 3),
        date(2026, 12, 4),
        date(2026, 12, 5),
        date(2026, 12, 6),
        date(2026, 12, 7),
    ]
    assert "demo-county 2026-12-07: 2 人" in capsys.readouterr().out


def test_r_att_5_leave_while_no_b_is_on_duty_counts_as_leaving_the_post(client, site):
    """The clerk is on leave on Monday morning; his post's only B (李备岗) is out from 10:00 to 11:00. For that
    hour nobody covers the post: the clerk's day is off post (脱岗), 60 minutes, though the leave was recorded."""
    hall = site.hall
    with time_machine.travel(at(2026, 12, 1), tick=False):
        org_services.absence_record(
            actor=hall.supervision.user,
            staff=hall.clerk,
            kind=AbsenceKind.LEAVE,
            starts_at=at(2026, 12, 7, 8),
            ends_at=at(2026, 12, 7, 11, 30),
            reason="事假半天",
        )
        org_services.absence_record(
            actor=hall.supervision.user,
            staff=hall.backup,
            kind=AbsenceKind.OUTING,
            starts_at=at(2026, 12, 7, 10),
            ends_at=at(2026, 12, 7, 11),
            reason="赴县局送审材料",
        )
    with time_machine.travel(at(2026, 12, 8, 9), tick=False):
        push(client, "1001\t2026-12-07 13:55:00\t0\t15\n1001\t2026-12-07 17:02:00\t1\t15\n")
        push(client, WINTER_CLOCKS.replace("1001", "1002").format(day="2026-12-07").replace("14:20", "13:58"))
    _close(hall, DAY, at(2026, 12, 8, 9, 30))

    clerk = AttendanceDay.objects.get(staff=hall.clerk, day=DAY)
    backup = AttendanceDay.objects.get(staff=hall.backup, day=DAY)
    assert (clerk.status, clerk.get_status_display(), clerk.uncovered_minutes, clerk.leave_minutes) == (
        "off_post",
        "脱岗（无人顶岗）",
        60,
        210,
    )
    # The B's outing is an outing: he holds no post as A, so nobody had to cover for him.
    assert (backup.status, backup.uncovered_minutes) == ("outing", 0)
    # The month's facts the assessment reads count the day off post (R-ASM-5), not absent.
    facts = {row.staff_id: row for row in attendance_facts(hall.center, 2026, 12)}
    assert (facts[hall.clerk.pk].off_post_days, facts[hall.clerk.pk].absent_days) == (1, 0)


def test_r_att_5_leave_covered_by_a_b_on_duty_is_leave(client, site):
    hall = site.hall
    with time_machine.travel(at(2026, 12, 1), tick=False):
        org_services.absence_record(
            actor=hall.supervision.user,
            staff=hall.clerk,
            kind=AbsenceKind.LEAVE,
            starts_at=at(2026, 12, 7, 8),
            ends_at=at(2026, 12, 7, 17),
            reason="事假一天",
        )
    _close(hall, DAY, at(2026, 12, 8, 9, 30))
    clerk = AttendanceDay.objects.get(staff=hall.clerk, day=DAY)
    assert (clerk.status, clerk.uncovered_minutes) == ("leave", 0)


def test_r_att_1_a_rest_day_on_the_duty_roster_is_worked_with_the_centres_hours(client, site):
    """Saturday 5 December: the clerk is on the weekend roster and clocks the day; the backup, also on it, does
    not come (absent); the office's other staff are resting."""
    hall = site.hall
    saturday = date(2026, 12, 5)
    with time_machine.travel(at(2026, 12, 1), tick=False):
        for person in (hall.clerk, hall.backup):
            roster_assign(
                actor=hall.office.user, center=hall.center, day=saturday, kind="rest_day", staff=person
            )
    with time_machine.travel(at(2026, 12, 6, 9), tick=False):
        push(client, WINTER_CLOCKS.format(day="2026-12-05").replace("14:20", "14:00"))
    _close(hall, saturday, at(2026, 12, 7, 1))
    clerk = AttendanceDay.objects.get(staff=hall.clerk, day=saturday)
    backup = AttendanceDay.objects.get(staff=hall.backup, day=saturday)
    assert (clerk.kind, clerk.status, clerk.expected_minutes) == ("duty", "on_time", 390)
    assert (backup.kind, backup.status, backup.absent_minutes) == ("duty", "absent", 390)
