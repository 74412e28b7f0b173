"""The iClock / ADMS push conversation with real-format request bodies (R-ATT-2), and the day it yields."""

from __future__ import annotations

import time_machine

from common.models import HistoryEntry
from org.tests import factories as f
from staffing import services
from staffing.models import AttendanceDay, ClockEvent, Terminal, TerminalUpload
from staffing.selectors import days_to_review

from .helpers import DAY, SERIAL, at, handshake, push

# What a terminal sends: PIN, time, status (0 in, 1 out), verify type (15 face), work code, two reserved fields.
BATCH = (
    "1001\t2026-12-07 07:58:12\t0\t15\t0\t0\t0\n"
    "1002\t2026-12-07 08:00:59\t0\t15\t0\t0\t0\n"
    "1001\t2026-12-07 11:31:02\t1\t15\t0\t0\t0\r\n"
    "1001\t2026-12-07 14:10:30\t0\t15\t0\t0\t0\n"
    "1001\t2026-13-40 25:00:00\t0\t15\t0\t0\t0\n"  # line 5: not a time
    "1001\t2026-12-07 17:00:05\t1\t15\t0\t0\t0\n"
    "9999\t2026-12-07 08:03:00\t0\t15\t0\t0\t0\n"  # line 7: a PIN mapped to nobody
    "1002\t2026-12-07 17:30:00\t1\t15\t0\t0\t0\n"
)
NEXT_MORNING = at(2026, 12, 8, 9, 0)


def _state() -> tuple[int, int, int]:
    return ClockEvent.objects.count(), TerminalUpload.objects.count(), AttendanceDay.objects.count()


def test_r_att_2_handshake_answers_the_options_in_plain_text(client, site):
    with time_machine.travel(NEXT_MORNING, tick=False):
        response = handshake(client)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == (
        f"GET OPTION FROM: {SERIAL}\n"
        "ATTLOGStamp=0\n"
        "OPERLOGStamp=9999\n"
        "ATTPHOTOStamp=9999\n"
        "ErrorDelay=60\n"
        "Delay=30\n"
        "TransTimes=00:00;14:05\n"
        "TransInterval=1\n"
        "TransFlag=TransData AttLog\n"
        "TimeZone=8\n"
        "Realtime=1\n"
        "Encrypt=0\n"
    )
    assert "Set-Cookie" not in response.headers
    terminal = Terminal.objects.get(serial=SERIAL)
    assert (terminal.last_seen_at, terminal.last_address, terminal.push_version) == (
        NEXT_MORNING,
        "127.0.0.1",
        "2.4.1",
    )


def test_r_att_2_a_batch_with_a_malformed_line_and_its_replay_then_the_day(client, site):
    hall = site.hall
    with time_machine.travel(NEXT_MORNING, tick=False):
        assert handshake(client).status_code == 200
        first = push(client, BATCH, stamp="9001")
        replay = push(client, BATCH, stamp="9001")
        poll = client.get(f"/iclock/getrequest?SN={SERIAL}")
        again = handshake(client)

    # The batch: six events taken, the bad line and the unknown PIN reported and skipped.
    assert first.status_code == 200
    assert first.content == b"OK: 6"
    assert first["X-Govhall-Result"] == "stored=6; duplicates=0; rejected=2; after-close=0"
    assert first["X-Govhall-Rejected"] == "line 5: time; line 7: unmapped"
    upload = TerminalUpload.objects.order_by("id").first()
    assert (upload.lines, upload.stored, upload.duplicates, upload.rejected, upload.stamp) == (
        8,
        6,
        0,
        2,
        "9001",
    )
    assert [(p["number"], p["reason"]) for p in upload.problems] == [(5, "time"), (7, "unmapped")]
    assert upload.problems[0]["text"] == "1001\t2026-13-40 25:00:00\t0\t15\t0\t0\t0"
    assert upload.problems[1]["message"].startswith("该考勤号在本中心未对应任何工作人员")
    # The replay: the same six, nothing new.
    assert replay.content == b"OK: 6"
    assert replay["X-Govhall-Result"] == "stored=0; duplicates=6; rejected=2; after-close=0"
    assert ClockEvent.objects.count() == 6
    assert sorted(ClockEvent.objects.filter(staff=hall.clerk).values_list("time", flat=True)) == [
        at(2026, 12, 7, 7, 58, 12),
        at(2026, 12, 7, 11, 31, 2),
        at(2026, 12, 7, 14, 10, 30),
        at(2026, 12, 7, 17, 0, 5),
    ]
    event = ClockEvent.objects.get(staff=hall.backup, time=at(2026, 12, 7, 17, 30))
    assert (event.pin, event.status, event.verify, event.day, event.terminal_id) == (
        "1002",
        1,
        15,
        DAY,
        site.terminal.pk,
    )
    # The poll has no command; the next handshake resumes from the terminal's stamp.
    assert (poll.status_code, poll.content) == (200, b"OK")
    assert "ATTLOGStamp=9001\n" in again.content.decode()

    with time_machine.travel(NEXT_MORNING, tick=False):
        services.attendance_close_day(actor=hall.supervision.user, center=hall.center, day=DAY)

    clerk = AttendanceDay.objects.get(staff=hall.clerk, day=DAY)
    assert (clerk.kind, clerk.status, clerk.late, clerk.late_minutes, clerk.early, clerk.clocks) == (
        "working",
        "late",
        1,
        10,
        0,
        4,
    )
    assert clerk.sittings == [
        {
            "start": "08:00",
            "end": "11:30",
            "state": "worked",
            "in": {"expected": "08:00", "clocked": "07:58", "mark": "on_time", "minutes": 0},
            "out": {"expected": "11:30", "clocked": "11:31", "mark": "on_time", "minutes": 0},
        },
        {
            "start": "14:00",
            "end": "17:00",
            "state": "worked",
            "in": {"expected": "14:00", "clocked": "14:10", "mark": "late", "minutes": 10},
            "out": {"expected": "17:00", "clocked": "17:00", "mark": "on_time", "minutes": 0},
        },
    ]
    assert (clerk.first_clock, clerk.last_clock) == (at(2026, 12, 7, 7, 58, 12), at(2026, 12, 7, 17, 0, 5))
    # The backup clocked in the morning and out in the evening only: no clock-out at noon counts as early, no
    # clock-in after lunch as late (R-ATT-2).
    backup = AttendanceDay.objects.get(staff=hall.backup, day=DAY)
    assert (backup.status, backup.late, backup.early, backup.no_clock_in, backup.no_clock_out) == (
        "late",
        1,
        1,
        1,
        1,
    )


def test_r_att_2_an_unknown_serial_is_refused_and_nothing_is_stored(client, site):
    before = _state()
    with time_machine.travel(NEXT_MORNING, tick=False):
        answers = [
            handshake(client, serial="ZK-UNKNOWN-7"),
            push(client, BATCH, serial="ZK-UNKNOWN-7"),
            client.get("/iclock/getrequest?SN=ZK-UNKNOWN-7"),
        ]

    for response in answers:
        assert response.status_code == 403
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        assert response.content.decode() == "ERROR: R-ATT-2 考勤机 ZK-UNKNOWN-7 未在任何中心登记。\n"
        assert response["X-Govhall-Refused"] == "unknown_terminal"
    assert _state() == before
    assert not Terminal.objects.filter(serial="ZK-UNKNOWN-7").exists()


def test_r_att_2_a_request_without_a_serial_is_refused(client, site):
    response = push(client, BATCH, serial="")

    assert (response.status_code, response.content.decode()) == (
        400,
        "ERROR: R-ATT-2 请求未带有效的考勤机序列号（SN）。\n",
    )
    assert ClockEvent.objects.count() == 0


def test_r_att_2_another_centres_terminal_with_this_centres_pins_stores_nothing(client, site):
    other_center = site.hall.outsider.center
    f.grant(site.hall.outsider.user, other_center, "office")
    with time_machine.travel(at(2026, 12, 1), tick=False):
        services.terminal_register(
            actor=site.hall.outsider.user, center=other_center, serial="CN-OTHER-0001", name="邻县大厅"
        )

    with time_machine.travel(NEXT_MORNING, tick=False):
        response = push(client, BATCH, serial="CN-OTHER-0001")

    # PINs 1001 and 1002 are this centre's clerk and backup; at the other centre they map to nobody.
    assert response.content == b"OK: 0"
    assert response["X-Govhall-Result"] == "stored=0; duplicates=0; rejected=8; after-close=0"
    assert ClockEvent.objects.count() == 0


def test_r_att_2_a_terminal_outside_its_allowed_addresses_is_refused(client, site):
    with time_machine.travel(at(2026, 12, 1), tick=False):
        services.terminal_update(
            actor=site.hall.office.user, terminal=site.terminal, allowed_addresses="10.8.0.0/24, 10.9.0.5"
        )

    with time_machine.travel(NEXT_MORNING, tick=False):
        refused = push(client, BATCH)
        taken = push(client, BATCH, REMOTE_ADDR="10.8.0.17")

    assert refused.status_code == 403
    assert refused.content.decode() == "ERROR: R-ATT-2 考勤机 CN-GH-0001 不能从地址 127.0.0.1 上传。\n"
    assert taken.content == b"OK: 6"
    assert set(ClockEvent.objects.values_list("upload__address", flat=True)) == {"10.8.0.17"}


def test_r_att_2_a_disabled_terminal_is_refused(client, site):
    with time_machine.travel(at(2026, 12, 1), tick=False):
        services.terminal_update(
            actor=site.hall.office.user, terminal=site.terminal, is_active=False, reason="报废"
        )

    with time_machine.travel(NEXT_MORNING, tick=False):
        response = push(client, BATCH)

    assert response.status_code == 403
    assert response["X-Govhall-Refused"] == "inactive_terminal"
    assert ClockEvent.objects.count() == 0


def test_r_att_2_garbage_stores_no_event_and_is_told_why(client, site):
    with time_machine.travel(NEXT_MORNING, tick=False):
        response = push(client, b"\x00\xff\xfegarbage\n\nnot a line at all\n<html>\n")

    assert response.status_code == 200
    assert response.content == b"OK: 0"
    assert response["X-Govhall-Result"] == "stored=0; duplicates=0; rejected=3; after-close=0"
    assert response["X-Govhall-Rejected"] == "line 1: fields; line 3: fields; line 4: fields"
    assert ClockEvent.objects.count() == 0


def test_r_att_2_other_tables_are_acknowledged_and_not_stored(client, site):
    with time_machine.travel(NEXT_MORNING, tick=False):
        response = client.post(
            f"/iclock/cdata?SN={SERIAL}&table=OPERLOG&Stamp=1",
            data="OPLOG 4\t0\t2026-12-07 08:00:00\t0\t0\t0\t0\n",
            content_type="text/plain",
        )

    assert (response.status_code, response.content) == (200, b"OK")
    assert (ClockEvent.objects.count(), TerminalUpload.objects.count()) == (0, 0)


def test_r_att_2_events_arriving_out_of_order_and_offline_make_the_same_day(client, site):
    hall = site.hall
    with time_machine.travel(at(2026, 12, 7, 17, 1), tick=False):
        push(client, "1001\t2026-12-07 17:00:30\t1\t15\t0\t0\t0\n1001\t2026-12-07 14:02:00\t0\t15\t0\t0\t0\n")
    with time_machine.travel(
        at(2026, 12, 8, 8, 15), tick=False
    ):  # the terminal was offline until the morning
        push(client, "1001\t2026-12-07 11:30:10\t1\t15\t0\t0\t0\n1001\t2026-12-07 07:59:00\t0\t15\t0\t0\t0\n")
    with time_machine.travel(at(2026, 12, 9, 0, 30), tick=False):
        services.attendance_close_day(actor=None, center=hall.center, day=DAY)

    day = AttendanceDay.objects.get(staff=hall.clerk, day=DAY)
    assert (day.status, day.late, day.early, day.late_minutes, day.clocks) == ("late", 1, 0, 2, 4)
    assert [s["in"]["clocked"] for s in day.sittings] == ["07:59", "14:02"]


def test_r_att_2_a_batch_after_the_close_is_stored_and_changes_the_day_only_by_a_correction(client, site):
    hall = site.hall
    with time_machine.travel(NEXT_MORNING, tick=False):
        push(client, "1001\t2026-12-07 07:59:00\t0\t15\t0\t0\t0\n1001\t2026-12-07 17:01:00\t1\t15\t0\t0\t0\n")
        services.attendance_close_day(actor=None, center=hall.center, day=DAY)
    closed = AttendanceDay.objects.get(staff=hall.clerk, day=DAY)
    assert (closed.status, closed.no_clock_in, closed.no_clock_out, closed.revision) == ("late", 1, 1, 0)

    # The terminal at the back door was offline: its batch for the 7th arrives on the 10th.
    with time_machine.travel(at(2026, 12, 10, 9), tick=False):
        late = push(
            client, "1001\t2026-12-07 11:31:00\t1\t15\t0\t0\t0\n1001\t2026-12-07 13:57:00\t0\t15\t0\t0\t0\n"
        )
        review = days_to_review(hall.center, DAY, DAY)

    assert late["X-Govhall-Result"] == "stored=2; duplicates=0; rejected=0; after-close=2"
    unchanged = AttendanceDay.objects.get(pk=closed.pk)
    assert (unchanged.status, unchanged.clocks, unchanged.revision) == ("late", 2, 0)
    assert review == [(hall.clerk.pk, DAY, 2, 4)]

    with time_machine.travel(at(2026, 12, 10, 9, 5), tick=False):
        corrected = services.attendance_correct(
            actor=hall.supervision.user, staff=hall.clerk, day=DAY, reason="后门考勤机离线，12月10日补传"
        )

    assert (corrected.status, corrected.late, corrected.early, corrected.clocks, corrected.revision) == (
        "on_time",
        0,
        0,
        4,
        1,
    )
    entry = HistoryEntry.objects.get(subject_type="staffing.attendanceday", subject_id=str(corrected.pk))
    assert (entry.action, entry.actor, entry.reason, entry.rule) == (
        "correct",
        hall.supervision.user,
        "后门考勤机离线，12月10日补传",
        "R-ATT-2",
    )
    assert entry.changes == {
        "day": "2026-12-07",
        "revision": 1,
        "status": ["late", "on_time"],
        "late": [1, 0],
        "early": [1, 0],
        "clocks": [2, 4],
    }
