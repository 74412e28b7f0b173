"""The JSON path for clock events (R-ATT-2): the same events and rules as the iClock protocol."""

from __future__ import annotations

import json

import time_machine

from staffing import services
from staffing.models import AttendanceDay, ClockEvent, Terminal, TerminalUpload

from .helpers import DAY, SERIAL, at, push

URL = f"/api/v1/terminals/{SERIAL}/clock-events"
EVENTS = [
    {"pin": "1001", "time": "2026-12-07 07:58:00", "status": 0, "verify": 15},
    {"pin": "1001", "time": "2026-12-07T11:30:30+08:00", "status": 1, "verify": 15},
    {"pin": "1001", "time": "2026-12-07 25:61:00"},
    "1001 2026-12-07 14:00:00",
    {"pin": "1001", "time": "2026-12-07 13:59:00", "verify": "face"},
    {"pin": "1001", "time": "2026-12-07 17:00:00"},
    {"pin": "4242", "time": "2026-12-07 17:00:00"},
]


def _post(client, body, url=URL, **extra):
    return client.post(url, data=json.dumps(body), content_type="application/json", **extra)


def test_r_att_2_json_events_are_taken_with_each_bad_one_reported(client, site):
    with time_machine.travel(at(2026, 12, 8, 9), tick=False):
        first = _post(client, {"events": EVENTS})
        replay = _post(client, {"events": EVENTS})
        services.attendance_close_day(actor=None, center=site.hall.center, day=DAY)

    assert first.status_code == 200
    assert first.json() == {
        "received": 7,
        "stored": 3,
        "duplicates": 0,
        "rejected": 4,
        "after_close": 0,
        "problems": [
            {"number": 3, "reason": "time", "message": "时间无效（应为 YYYY-MM-DD HH:MM:SS，2000–2099年）。"},
            {
                "number": 4,
                "reason": "fields",
                "message": "不是一条打卡记录（应为：考勤号、时间、状态、验证方式，以制表符分隔）。",
            },
            {"number": 5, "reason": "verify", "message": "验证方式无效（应为0–255的整数）。"},
            {
                "number": 7,
                "reason": "unmapped",
                "message": "该考勤号在本中心未对应任何工作人员（请先登记考勤号，再让考勤机重新上传）。",
            },
        ],
    }
    assert (replay.json()["stored"], replay.json()["duplicates"]) == (0, 3)
    assert ClockEvent.objects.count() == 3
    assert TerminalUpload.objects.filter(protocol="api").count() == 2
    day = AttendanceDay.objects.get(staff=site.hall.clerk, day=DAY)
    # No clock-in after lunch (13:59 was refused): counted as late.
    assert (day.status, day.late, day.no_clock_in, day.early) == ("late", 1, 1, 0)


def test_r_att_2_the_same_event_by_either_protocol_is_one_event(client, site):
    with time_machine.travel(at(2026, 12, 8, 9), tick=False):
        push(client, "1001\t2026-12-07 07:58:00\t0\t15\t0\t0\t0\n")
        answer = _post(client, {"events": [{"pin": "1001", "time": "2026-12-07 07:58:00", "status": 0}]})

    assert (answer.json()["stored"], answer.json()["duplicates"]) == (0, 1)
    assert ClockEvent.objects.count() == 1


def test_r_att_2_json_from_an_unknown_terminal_is_refused_with_the_rule(client, site):
    with time_machine.travel(at(2026, 12, 8, 9), tick=False):
        response = _post(client, {"events": EVENTS}, url="/api/v1/terminals/NOPE-1/clock-events")

    assert response.status_code == 422
    assert response.json() == {
        "error": {
            "rule": "R-ATT-2",
            "message": "考勤机 NOPE-1 未在任何中心登记。",
            "field": "serial",
            "code": "unknown_terminal",
        }
    }
    assert (ClockEvent.objects.count(), TerminalUpload.objects.count()) == (0, 0)


def test_r_att_2_a_malformed_envelope_is_a_400_naming_the_field(client, site):
    with time_machine.travel(at(2026, 12, 8, 9), tick=False):
        not_a_list = _post(client, {"events": {"pin": "1001"}})
        bad_clock = _post(client, {"events": [], "device_time": "yesterday"})

    assert (not_a_list.status_code, not_a_list.json()["error"]["field"]) == (400, "events")
    assert (bad_clock.status_code, bad_clock.json()["error"]["field"]) == (400, "device_time")
    assert ClockEvent.objects.count() == 0


def test_r_att_2_the_terminals_clock_offset_is_recorded(client, site):
    # The terminal's clock is three minutes fast: it says 09:03:00 when the server says 09:00:00.
    with time_machine.travel(at(2026, 12, 8, 9), tick=False):
        _post(client, {"events": [], "device_time": "2026-12-08 09:03:00"})
    terminal = Terminal.objects.get(serial=SERIAL)
    assert (terminal.clock_offset_seconds, terminal.clock_checked_at) == (180, at(2026, 12, 8, 9))

    # By iClock, real-time: a clock stamped 09:13:01 arrives at 09:10:02 by the server; an offline batch
    # arriving later only lowers its own lead, not the offset the terminal keeps.
    with time_machine.travel(at(2026, 12, 8, 9, 10, 2), tick=False):
        push(client, "1001\t2026-12-08 09:13:01\t0\t15\t0\t0\t0\n")
    with time_machine.travel(at(2026, 12, 8, 12), tick=False):
        push(client, "1001\t2026-12-08 08:01:00\t0\t15\t0\t0\t0\n")

    assert list(TerminalUpload.objects.order_by("id").values_list("clock_lead_seconds", flat=True)) == [
        180,
        179,
        -14340,
    ]
    assert Terminal.objects.get(serial=SERIAL).clock_offset_seconds == 180
