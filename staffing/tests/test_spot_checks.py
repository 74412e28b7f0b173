"""Spot checks (R-ATT-7): the supervision section records who was found at their post; an absence without leave
counts once per day and asks the person for an explanation, which they answer themselves. The board of today,
the month's sheet with its Excel export and the terminals page."""

from __future__ import annotations

import io
from datetime import date

import time_machine
from openpyxl import load_workbook

from org import services as org_services
from org.models import AbsenceKind
from staffing import selectors, services
from staffing.models import Explanation, SpotCheck, SpotCheckFinding
from staffing.services.duty import roster_assign

from .helpers import DAY, at, push

CHECKS = "/staff/staffing/spot-checks/"


def _check(client, hall, moment, **seen):
    """Post a spot check as the signed-in user; a success goes back to the spot checks page."""
    data = {"at": moment.strftime("%Y-%m-%dT%H:%M"), "note": ""}
    for attr, value in seen.items():
        data[f"s{getattr(hall, attr).pk}"] = value
    return client.post(f"{CHECKS}record/", data)


def test_r_att_7_an_absence_without_leave_asks_the_person_for_an_explanation(
    client, hall, national_calendar, login
):
    with time_machine.travel(at(2026, 12, 7, 8), tick=False):
        org_services.absence_record(
            actor=hall.office.user,
            staff=hall.backup,
            kind=AbsenceKind.LEAVE,
            starts_at=at(2026, 12, 7, 8),
            ends_at=at(2026, 12, 7, 17),
            reason="病假",
        )
    with time_machine.travel(at(2026, 12, 7, 10, 30), tick=False):
        login(hall.supervision)
        assert client.get(CHECKS).status_code == 200
        recorded = _check(
            client,
            hall,
            at(2026, 12, 7, 10),
            clerk="absent",
            backup="absent",
            other_clerk="present",
            chief="elsewhere",
        )
        assert recorded.status_code == 302
        reasons = {f.staff: f.reason for f in SpotCheckFinding.objects.all()}
        assert reasons == {
            hall.clerk: "unexplained",
            hall.backup: "on_leave",
            hall.other_clerk: "present",
            hall.chief: "on_duty_elsewhere",
        }
        explanation = Explanation.objects.get()
        assert explanation.staff == hall.clerk and explanation.answered_at is None

        # Someone else cannot see or answer it.
        login(hall.backup)
        assert "稽查时不在岗" not in client.get("/staff/staffing/explanations/").content.decode()
        answer = f"/staff/staffing/explanations/{explanation.pk}/answer/"
        assert client.post(answer, {"text": "代答"}).status_code == 404
        # The person answers, once.
        login(hall.clerk)
        assert "稽查时不在岗" in client.get("/staff/staffing/explanations/").content.decode()
        assert client.post(answer, {"text": ""}).status_code == 400
        assert client.post(answer, {"text": "去档案室调取材料，未登记外出"}).status_code == 302
        again = client.post(answer, {"text": "改写"})
        assert again.status_code == 422 and "不能修改" in again.content.decode()
        explanation.refresh_from_db()
        assert explanation.text == "去档案室调取材料，未登记外出" and explanation.answered_at is not None


def test_r_att_7_an_absence_without_leave_counts_once_per_day(client, hall, national_calendar, login):
    with time_machine.travel(at(2026, 12, 7, 16), tick=False):
        login(hall.supervision)
        assert _check(client, hall, at(2026, 12, 7, 10), clerk="absent").status_code == 302
        assert _check(client, hall, at(2026, 12, 7, 15), clerk="absent").status_code == 302
    with time_machine.travel(at(2026, 12, 8, 16), tick=False):
        login(hall.supervision)
        assert _check(client, hall, at(2026, 12, 8, 10), clerk="absent", backup="present").status_code == 302
        assert selectors.absences_without_leave(hall.center, date(2026, 12, 1), date(2026, 12, 31)) == {
            hall.clerk.pk: 2
        }
        assert Explanation.objects.filter(staff=hall.clerk).count() == 3
        counts = client.get(CHECKS).content.decode().split('id="counts"')[1].split("</section>")[0]
        assert "王受理：2天" in counts


def test_r_att_7_only_the_supervision_section_records_a_spot_check(client, hall, national_calendar, login):
    with time_machine.travel(at(2026, 12, 7, 16), tick=False):
        for person in (hall.coordination, hall.office, hall.clerk):
            login(person)
            assert _check(client, hall, at(2026, 12, 7, 10), clerk="absent").status_code == 403
        login(hall.clerk)
        assert client.get(CHECKS).status_code == 403
        login(hall.supervision)
        # A check of the future, or of nobody, is refused and changes nothing.
        future = _check(client, hall, at(2026, 12, 7, 17), clerk="absent")
        assert future.status_code == 422 and "不能晚于现在" in future.content.decode()
        assert _check(client, hall, at(2026, 12, 7, 10)).status_code == 422
        assert not SpotCheck.objects.exists() and not Explanation.objects.exists()


def test_r_att_7_the_board_of_today_the_sheet_and_the_terminals(client, site, login):
    hall = site.hall
    with time_machine.travel(at(2026, 12, 7, 8), tick=False):
        org_services.absence_record(
            actor=hall.office.user,
            staff=hall.chief,
            kind=AbsenceKind.OUTING,
            starts_at=at(2026, 12, 7, 8),
            ends_at=at(2026, 12, 7, 12),
        )
    with time_machine.travel(at(2026, 12, 7, 9, 30), tick=False):
        push(client, "1001\t2026-12-07 07:55:00\t0\t15\n1002\t2026-12-07 08:20:00\t0\t15\n")
        login(hall.clerk)
        assert client.get("/staff/staffing/board/").status_code == 403
        login(hall.supervision)
        board = client.get("/staff/staffing/board/").content.decode()
        assert '<tr class="state-at_post"><td>' in board
        row = lambda name: board.split(name)[1].split("</tr>")[0]  # noqa: E731
        assert "在岗" in row("王受理") and "迟到" in row("李备岗") and "外出" in row("赵首席")
        assert "去向不明" in row("孙他窗")
    with time_machine.travel(at(2026, 12, 9, 1), tick=False):
        services.attendance_close_day(actor=hall.supervision.user, center=hall.center, day=DAY)
        login(hall.clerk)
        assert client.get("/staff/staffing/sheet/?month=2026-12").status_code == 403
        login(hall.office)
        page = client.get("/staff/staffing/sheet/?month=2026-12").content.decode()
        assert "A01 窗口" in page and "王受理" in page
        export = client.get("/staff/staffing/sheet/?month=2026-12&format=xlsx")
        assert export.status_code == 200
        book = load_workbook(io.BytesIO(b"".join(export.streaming_content)))
        sheet = book.active
        assert sheet is not None
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][:3] == ("窗口", "工号", "姓名")
        clerk = next(r for r in rows if r[2] == "王受理")
        assert clerk[0] == "A01" and clerk[3 + 6] == "旷"  # 7 December: one clock in, none out: absent
        terminals = client.get("/staff/staffing/terminals/").content.decode()
        assert "CN-GH-0001" in terminals and "2026-12-07" in terminals


def test_r_att_1_r_att_2_the_board_expects_nobody_off_hours_and_only_the_duty_roster_on_a_rest_day(
    client, site, login
):
    hall = site.hall
    with time_machine.travel(at(2026, 12, 1), tick=False):
        roster_assign(
            actor=hall.office.user,
            center=hall.center,
            day=date(2026, 12, 5),
            kind="rest_day",
            staff=hall.clerk,
        )
    login(hall.supervision)
    with time_machine.travel(
        at(2026, 12, 5, 10), tick=False
    ):  # Saturday: the clerk is on duty, nobody clocked
        board = client.get("/staff/staffing/board/").content.decode()
    row = lambda name: board.split(name)[1].split("</tr>")[0]  # noqa: E731
    assert "去向不明" in row("王受理") and "不在班" in row("李备岗") and "不在班" in row("孙他窗")
    with time_machine.travel(at(2026, 12, 7, 7, 30), tick=False):  # Monday before the hall opens
        login(hall.supervision)  # signed in again: the Saturday's session has run idle
        board = client.get("/staff/staffing/board/").content.decode()
    assert "去向不明 <strong>0</strong>" in board and "不在班" in row("王受理")
