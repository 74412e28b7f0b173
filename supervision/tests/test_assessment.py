"""The monthly 100-point assessment through its pages and services (R-ASM-1 … R-ASM-17): November 2026 is
clocked through the terminal protocol, each day closed, a deduction entered with its evidence, the month closed
by the supervision section from the stored facts, corrected with a reason; each person sees their own month."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from api.tests.helpers import token_client
from common.errors import PermissionDenied, RuleViolation
from common.models import HistoryEntry
from policy import services as policy_services
from staffing import services as staffing
from staffing.services.days import attendance_close_day
from staffing.tests.helpers import SERIAL, at, push
from supervision.models import AssessmentCorrection, AssessmentEntry, AssessmentMonth, AssessmentScore
from supervision.services.assessment import assessment_close, assessment_correct, assessment_deduct
from supervision.services.complaints import complaint_answer, complaint_close
from supervision.services.meetings import meeting_record_minutes, meeting_schedule
from supervision.tests.complaint_helpers import COMPLAINANT, register
from workdays.selectors import calendar_for

pytestmark = pytest.mark.usefixtures("national_calendar")

LATE_DAY = date(2026, 11, 3)  # clocked in at 08:10
ABSENT_DAY = date(2026, 11, 10)  # no clock at all
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _clocks(center: Any, year: int, month: int, pin: str = "1001") -> str:
    calendar = calendar_for(center)
    lines = []
    day = date(year, month, 1)
    while day.month == month:
        if calendar.is_working_day(day) and day != ABSENT_DAY:
            arrive = "08:10:00" if day == LATE_DAY else "07:55:00"
            for moment, status in ((arrive, 0), ("11:31:00", 1), ("13:55:00", 0), ("17:02:00", 1)):
                lines.append(f"{pin}\t{day.isoformat()} {moment}\t{status}\t15")
        day += timedelta(days=1)
    return "\n".join(lines) + "\n"


@pytest.fixture
def november(client: Any, hall: Any) -> Any:
    """The clerk (PIN 1001) clocks November: late once, absent one day; every day of the month is closed."""
    with time_machine.travel(at(2026, 10, 20), tick=False):
        staffing.terminal_register(actor=hall.office.user, center=hall.center, serial=SERIAL, name="大厅入口")
        staffing.pin_map(actor=hall.office.user, staff=hall.clerk, pin="1001", valid_from=at(2026, 10, 1))
    with time_machine.travel(at(2026, 12, 1, 8), tick=False):
        assert push(client, _clocks(hall.center, 2026, 11)).status_code == 200
        day = date(2026, 11, 1)
        while day.month == 11:
            attendance_close_day(actor=None, center=hall.center, day=day)
            day += timedelta(days=1)
    return hall


def _close(hall: Any, when: Any = None) -> AssessmentMonth:
    with time_machine.travel(when or at(2026, 12, 3, 9), tick=False):
        return assessment_close(actor=hall.supervision.user, center=hall.center, year=2026, month=11)


def test_r_asm_16_r_asm_5_r_asm_14_the_month_closes_from_the_stored_facts(november: Any, login: Any) -> None:
    hall = november
    client = login(hall.supervision)
    with time_machine.travel(at(2026, 12, 3, 9), tick=False):
        preview = client.get(reverse("supervision:assessment_sheet") + "?month=2026-11")
        assert preview.status_code == 200 and "未结账" in preview.content.decode()
        answer = client.post(reverse("supervision:assessment_close"), {"month": "2026-11"})
    assert answer.status_code == 302
    closed = AssessmentMonth.objects.get(center=hall.center, year=2026, month=11)
    scores = {s.staff: s for s in AssessmentScore.objects.filter(assessment=closed)}
    assert set(scores) == {hall.clerk, hall.backup, hall.chief, hall.other_clerk}  # the window staff
    clerk = scores[hall.clerk]
    # Late once (−5) and absent a day (−10), both from the closed days (R-ASM-5); the fund is 150 ÷ 100 × 85.
    assert (clerk.score, clerk.deducted, clerk.fund) == (Decimal(85), Decimal(15), Decimal("127.50"))
    assert clerk.categories["attendance"] == {"points": "30", "raw": "15", "taken": "15"}
    entries = {e.code: e for e in AssessmentEntry.objects.filter(staff=hall.clerk, year=2026, month=11)}
    assert (entries["late"].quantity, entries["late"].facts) == (1, ["2026-11-03"])
    assert (entries["absent"].quantity, entries["absent"].facts, entries["absent"].source) == (
        1,
        ["2026-11-10"],
        "facts",
    )
    assert (scores[hall.backup].score, scores[hall.backup].fund) == (Decimal(100), Decimal("150.00"))
    # Closing again is refused; the sheet shows the stored scores.
    with pytest.raises(RuleViolation) as again:
        _close(hall)
    assert again.value.rule == "R-ASM-16"
    with time_machine.travel(at(2026, 12, 3, 10), tick=False):
        sheet = client.get(reverse("supervision:assessment_sheet") + "?month=2026-11").content.decode()
    assert "已结账" in sheet and "data-score>85</td>" in sheet


def test_r_asm_16_a_month_not_over_or_not_clocked_cannot_be_closed(hall: Any) -> None:
    with time_machine.travel(at(2026, 11, 30, 18), tick=False), pytest.raises(RuleViolation) as early:
        assessment_close(actor=hall.supervision.user, center=hall.center, year=2026, month=11)
    assert early.value.rule == "R-ASM-16"
    with time_machine.travel(at(2026, 12, 3, 9), tick=False), pytest.raises(RuleViolation) as open_days:
        assessment_close(actor=hall.supervision.user, center=hall.center, year=2026, month=11)
    assert open_days.value.code == "attendance_open"
    assert not AssessmentMonth.objects.exists()
    # Only the supervision section closes.
    with time_machine.travel(at(2026, 12, 3, 9), tick=False), pytest.raises(PermissionDenied):
        assessment_close(actor=hall.director.user, center=hall.center, year=2026, month=11)
    with time_machine.travel(at(2026, 12, 3, 9), tick=False), pytest.raises(RuleViolation) as other:
        assessment_close(actor=hall.outsider.user, center=hall.center, year=2026, month=11)
    assert other.value.rule == "R-ORG-1"


def test_r_asm_1_a_conduct_deduction_needs_its_evidence(november: Any, login: Any) -> None:
    hall = november
    client = login(hall.supervision)
    url = reverse("supervision:assessment_deduct", args=[hall.clerk.pk])
    with time_machine.travel(at(2026, 11, 20, 10), tick=False):
        refused = client.post(
            url, {"month": "2026-11", "code": "quarrel", "quantity": "1", "note": "与群众争吵"}
        )
        assert refused.status_code == 422 and "R-ASM-1" in refused.content.decode()
        assert not AssessmentEntry.objects.exists()
        photo = SimpleUploadedFile("现场记录.pdf", PDF, content_type="application/pdf")
        answer = client.post(
            url,
            {"month": "2026-11", "code": "quarrel", "quantity": "1", "note": "与群众争吵", "evidence": photo},
        )
    assert answer.status_code == 302
    entry = AssessmentEntry.objects.get(staff=hall.clerk, code="quarrel")
    assert (entry.points, entry.source, entry.evidence_name) == (Decimal(7), "entered", "现场记录.pdf")
    # A fact the system knows is never entered by hand.
    with time_machine.travel(at(2026, 11, 20, 10), tick=False), pytest.raises(RuleViolation):
        assessment_deduct(
            actor=hall.supervision.user,
            staff=hall.clerk,
            year=2026,
            month=11,
            code="late",
            note="x",
            evidence=None,
        )
    closed = _close(hall)
    clerk = AssessmentScore.objects.get(assessment=closed, staff=hall.clerk)
    assert (clerk.score, clerk.categories["conduct"]["taken"]) == (Decimal(78), "7")
    # The clerk sees the deduction and its evidence on his own page, not his colleague's page.
    clerk_client = login(hall.clerk)
    with time_machine.travel(at(2026, 12, 3, 10), tick=False):
        mine = clerk_client.get(reverse("supervision:assessment_mine") + "?month=2026-11").content.decode()
        assert "与群众争吵" in mine and "2026-11-03" in mine and "现场记录.pdf" in mine
        assert (
            clerk_client.get(reverse("supervision:assessment_evidence", args=[entry.pk])).status_code == 200
        )
        other = clerk_client.get(
            reverse("supervision:assessment_person", args=[hall.backup.pk]) + "?month=2026-11"
        )
    assert other.status_code == 403


def test_r_asm_16_a_closed_month_changes_only_by_a_correction_with_its_reason(
    november: Any, login: Any
) -> None:
    hall = november
    closed = _close(hall)
    score = AssessmentScore.objects.get(assessment=closed, staff=hall.clerk)
    absent = AssessmentEntry.objects.get(staff=hall.clerk, code="absent")
    # Entering into a closed month is refused: it is corrected.
    with time_machine.travel(at(2026, 12, 4, 10), tick=False), pytest.raises(RuleViolation) as closed_refusal:
        assessment_deduct(
            actor=hall.supervision.user,
            staff=hall.clerk,
            year=2026,
            month=11,
            code="uniform",
            note="x",
            evidence=None,
        )
    assert closed_refusal.value.code == "closed"
    with time_machine.travel(at(2026, 12, 4, 10), tick=False), pytest.raises(RuleViolation) as no_reason:
        assessment_correct(actor=hall.supervision.user, score=score, reason=" ", replaces=absent, quantity=0)
    assert (no_reason.value.rule, no_reason.value.code) == ("R-ASM-16", "no_reason")
    client = login(hall.supervision)
    with time_machine.travel(at(2026, 12, 4, 10), tick=False):
        answer = client.post(
            reverse("supervision:assessment_correct", args=[hall.clerk.pk]),
            {
                "month": "2026-11",
                "entry": str(absent.pk),
                "quantity": "0",
                "reason": "考勤机故障，当日在岗已核实",
            },
        )
    assert answer.status_code == 302
    score.refresh_from_db()
    assert (score.score, score.fund, score.revision) == (Decimal(95), Decimal("142.50"), 1)
    correction = AssessmentCorrection.objects.get(score=score)
    assert (correction.before["score"], correction.after["score"]) == ("85", "95")
    assert (correction.before["fund"], correction.after["fund"]) == ("127.50", "142.50")
    assert (
        AssessmentEntry.objects.get(pk=absent.pk).quantity == 1
    )  # the fact stays; it is replaced, not edited
    assert HistoryEntry.objects.filter(
        action="assessment_correct", reason="考勤机故障，当日在岗已核实"
    ).exists()
    with time_machine.travel(at(2026, 12, 4, 11), tick=False):
        page = client.get(reverse("supervision:assessment_person", args=[hall.clerk.pk]) + "?month=2026-11")
    assert "考勤机故障，当日在岗已核实" in page.content.decode()


def test_r_asm_16_nobody_enters_or_corrects_their_own_month(november: Any) -> None:
    hall = november
    hall.supervision.window = hall.window  # a supervision officer who also sits at a window is assessed too
    hall.supervision.save()
    closed = _close(hall)
    own = AssessmentScore.objects.get(assessment=closed, staff=hall.supervision)
    with time_machine.travel(at(2026, 12, 4, 10), tick=False), pytest.raises(PermissionDenied):
        assessment_correct(actor=hall.supervision.user, score=own, reason="更正", code="late")
    assert own.corrections.count() == 0


def test_r_asm_12_an_image_breach_stops_the_quarters_fund_and_costs_the_award(november: Any) -> None:
    hall = november
    evidence = SimpleUploadedFile("通报.pdf", PDF, content_type="application/pdf")
    with time_machine.travel(at(2026, 11, 25, 10), tick=False):
        assessment_deduct(
            actor=hall.supervision.user,
            staff=hall.backup,
            year=2026,
            month=11,
            code="image",
            note="在网络发布不当言论，损害中心形象",
            evidence=evidence,
        )
    closed = _close(hall)
    backup = AssessmentScore.objects.get(assessment=closed, staff=hall.backup)
    assert (backup.score, backup.fund, backup.stops, backup.loses_award) == (
        Decimal(90),
        Decimal("0.00"),
        "quarter",
        True,
    )


def test_r_asm_15_thirty_deducted_in_the_year_is_shown_on_the_persons_page(november: Any, login: Any) -> None:
    hall = november
    with time_machine.travel(at(2026, 11, 25, 10), tick=False):
        for code in ("quarrel", "distraction", "idling", "uniform"):
            assessment_deduct(
                actor=hall.supervision.user,
                staff=hall.clerk,
                year=2026,
                month=11,
                code=code,
                note="巡查发现",
                evidence=SimpleUploadedFile("记录.pdf", PDF, content_type="application/pdf"),
            )
    _close(hall)
    with time_machine.travel(at(2026, 12, 4, 10), tick=False):
        page = (
            login(hall.clerk).get(reverse("supervision:assessment_mine") + "?month=2026-11").content.decode()
        )
    # Conduct 7+8+5+5 = 25 (of 30) and attendance 15: 40 deducted in 2026.
    assert "累计扣分 40 分" in page and "取消本年度评先评优资格" in page


def test_r_asm_17_the_points_in_force_for_the_month_are_used(november: Any) -> None:
    hall = november
    with time_machine.travel(at(2026, 10, 25), tick=False):
        policy_services.policy_set(
            actor=hall.sysadmin.user,
            center=hall.center,
            key="assessment_late_points",
            value="3",
            effective_from=date(2026, 11, 1),
            note="迟到扣分调整",
        )
    closed = _close(hall)
    clerk = AssessmentScore.objects.get(assessment=closed, staff=hall.clerk)
    assert clerk.score == Decimal(87)  # late −3 under November's policy, absent −10
    assert closed.policy["points"]["late"] == "3"


def test_r_cmp_7_r_asm_1_a_complaint_substantiated_in_the_month_is_deducted_at_its_close(
    november: Any,
) -> None:
    """A complaint of rudeness against the clerk, substantiated on 11-05: November's close deducts the quarrel
    (−7) with the complaint's number behind it; the complainant appears nowhere in the assessment."""
    hall = november
    complaint = register(hall).complaint
    with time_machine.travel(at(2026, 11, 5, 10), tick=False):
        complaint_answer(actor=hall.supervision.user, complaint=complaint, answer="经调查属实，已批评教育。")
        complaint_close(
            actor=hall.supervision.user, complaint=complaint, substantiated=True, finding="调取录像核实属实。"
        )
    closed = _close(hall)
    entry = AssessmentEntry.objects.get(staff=hall.clerk, code="quarrel")
    assert (entry.source, entry.points, entry.facts) == ("facts", Decimal(7), [complaint.number])
    clerk = AssessmentScore.objects.get(assessment=closed, staff=hall.clerk)
    assert clerk.score == Decimal(78)  # −7 conduct, −15 attendance
    stored = str(list(AssessmentEntry.objects.values()))
    assert COMPLAINANT["name"] not in stored and COMPLAINANT["phone"] not in stored


def test_r_mtg_4_r_asm_5_an_absence_from_the_monthly_meeting_without_cause_is_deducted(november: Any) -> None:
    """November's meeting (11-05, 09:00): the recorder signs the backup in late with a cause and nobody else; the
    minutes mark the clerk (A of his post: key staff) absent without cause. November's close deducts −5 for it."""
    hall = november
    with time_machine.travel(at(2026, 11, 2, 9), tick=False):
        meeting = meeting_schedule(
            actor=hall.office.user,
            center=hall.center,
            starts_at=at(2026, 11, 5, 9),
            place="三楼会议室",
            chair=hall.director,
            recorder=hall.office,
        )
    with time_machine.travel(at(2026, 11, 5, 11), tick=False):
        meeting_record_minutes(actor=hall.office.user, meeting=meeting, minutes="通报10月份各窗口办件情况。")
    closed = _close(hall)
    entry = AssessmentEntry.objects.get(staff=hall.clerk, code="meeting_absent")
    assert (entry.quantity, entry.points, entry.facts) == (1, Decimal(5), ["2026-11-05"])
    assert AssessmentScore.objects.get(assessment=closed, staff=hall.clerk).score == Decimal(80)


def test_r_asm_16_the_api_gives_the_sheet_to_its_readers_and_each_person_their_own_month(
    november: Any,
) -> None:
    hall = november
    _close(hall)
    base = f"/api/v1/centers/{hall.center.code}/assessment"
    with time_machine.travel(at(2026, 12, 4, 10), tick=False):
        sheet = token_client(hall.director).get(f"{base}?month=2026-11")
        refused = token_client(hall.clerk).get(f"{base}?month=2026-11")
        mine = token_client(hall.clerk).get(f"{base}/me?month=2026-11")
        outsider = token_client(hall.outsider).get(f"{base}/me?month=2026-11")
    assert sheet.status_code == 200 and sheet.json()["closed"] is True
    row = next(r for r in sheet.json()["rows"] if r["staff_id"] == hall.clerk.pk)
    assert (row["score"], row["fund"], row["categories"]["attendance"]) == ("85.0", "127.50", "15.0")
    assert refused.status_code == 403
    body = mine.json()
    assert body["row"]["score"] == "85.0"
    assert {(e["code"], e["rule"], tuple(e["facts"])) for e in body["entries"]} == {
        ("late", "R-ASM-5", ("2026-11-03",)),
        ("absent", "R-ASM-5", ("2026-11-10",)),
    }
    assert outsider.status_code in (403, 404)
