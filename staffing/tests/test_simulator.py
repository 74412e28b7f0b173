"""The terminal simulator (scripts/iclock_simulator.py) against a running server, as an installer runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import time_machine

from staffing import services
from staffing.models import AttendanceDay, ClockEvent

from .helpers import DAY, SERIAL, at

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "iclock_simulator.py"


def _simulate(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own script, our own arguments
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, check=False
    )


def test_r_att_2_the_simulator_speaks_the_protocol_to_a_live_server(live_server, site, tmp_path):
    batch = tmp_path / "clocks.txt"
    batch.write_text(
        "# the rest of the clerk's day, and the backup's, as an installer writes it\n"
        "1001,2026-12-07 11:30:05,1\n"
        "1001\t2026-12-07 13:59:00\t0\t15\t0\t0\t0\n"
        "1001,2026-12-07 17:00:40,1\n"
        "1002,2026-12-07 08:00:00\n"
        "1002,2026-12-07 17:00:00,1\n",
        encoding="utf-8",
    )
    one = _simulate(
        "--server", live_server.url, "--serial", SERIAL, "--pin", "1001", "--at", "2026-12-07 08:01:00"
    )
    many = _simulate("--server", live_server.url, "--serial", SERIAL, "--batch", str(batch), "--no-handshake")
    unknown = _simulate("--server", live_server.url, "--serial", "NOT-HERE", "--pin", "1001")

    assert one.returncode == 0, one.stderr
    assert f"GET OPTION FROM: {SERIAL}" in one.stdout
    assert "--> upload of 1 record(s): HTTP 200\n    OK: 1\n" in one.stdout
    assert "[X-Govhall-Result] stored=1; duplicates=0; rejected=0; after-close=0" in one.stdout
    assert "--> poll for commands: HTTP 200\n    OK\n" in one.stdout
    assert many.returncode == 0, many.stderr
    assert "OK: 5" in many.stdout and "GET OPTION FROM" not in many.stdout
    assert unknown.returncode == 1
    assert (
        "HTTP 403" in unknown.stdout and "ERROR: R-ATT-2 考勤机 NOT-HERE 未在任何中心登记。" in unknown.stdout
    )
    assert ClockEvent.objects.count() == 6

    with time_machine.travel(at(2026, 12, 8, 9)):
        services.attendance_close_day(actor=None, center=site.hall.center, day=DAY)
    clerk = AttendanceDay.objects.get(staff=site.hall.clerk, day=DAY)
    backup = AttendanceDay.objects.get(staff=site.hall.backup, day=DAY)
    assert (clerk.status, clerk.late, clerk.late_minutes) == ("late", 1, 1)
    assert (backup.status, backup.late, backup.early) == ("late", 1, 1)


def test_r_att_2_the_simulator_says_when_the_server_cannot_be_reached(tmp_path):
    result = _simulate("--server", "http://127.0.0.1:9", "--serial", SERIAL, "--pin", "1001")

    assert result.returncode == 2
    assert "cannot reach http://127.0.0.1:9" in result.stderr
