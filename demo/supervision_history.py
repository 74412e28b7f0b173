"""The demo centre's year of assessments, made through the supervision services (R-ASM-1 … R-ASM-17).

`load_demo` runs it after the clocking year (whose closed days the assessment reads). Its parameters are data
(`demo/data/supervision.toml`). As the supervision officer it names:

- registers the year's complaints of supervision.toml at their own moments, answers them and closes them with
  their finding (`complaint_register`, `complaint_answer`, `complaint_close`): a substantiated one is deducted
  at its month's close (R-CMP-7);
- holds the year's monthly meetings at their own moments: scheduled, signed in (one late arrival and one absence
  without cause), minuted, with an action item each (`meeting_*`, `action_item_*`);
- enters the deductions of supervision.toml with their evidence (a short PDF record) while their month is open
  (`assessment_deduct`);
- closes, oldest first, every completed month whose days are all closed (the months the clocking year covers
  whole), except the last `open_months`, which stay open for the supervision section to close
  (`assessment_close`): each closes from the stored facts — late and early clocks, leave, absences, missed duty,
  overdue cases, shuttles;
- makes the corrections of supervision.toml on the closed months, with their reasons (`assessment_correct`).

Idempotent: a month closed, an entry made, a correction recorded are left as they are.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from common.errors import RuleViolation
from demo.data import DemoComplaint, read
from org.models import Center, StaffProfile, Window
from staffing.models import AttendanceClose
from supervision.models import (
    AssessmentCorrection,
    AssessmentEntry,
    AssessmentMonth,
    AssessmentScore,
    Complaint,
    EntrySource,
    Meeting,
)
from supervision.services.assessment import assessment_close, assessment_correct, assessment_deduct
from supervision.services.complaints import complaint_answer, complaint_close, complaint_register
from supervision.services.meetings import (
    action_item_close,
    action_item_create,
    meeting_record_minutes,
    meeting_schedule,
    meeting_sign_in,
)
from workdays.selectors import calendar_for

RECORD_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class SupervisionSummary:
    closed: list[str] = field(default_factory=list)
    created: Counter[str] = field(default_factory=Counter)
    refused: list[str] = field(default_factory=list)


def months_back(today: date, n: int) -> tuple[int, int]:
    """The n-th completed month before `today` (1: last month)."""
    index = today.year * 12 + today.month - 1 - n
    return index // 12, index % 12 + 1


def _month_days(year: int, month: int) -> list[date]:
    first = date(year, month, 1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


COMPLAINANTS = ("陈先生", "刘女士", "王先生", "张女士", "李先生", "赵女士")


def _working_day_near(center: Center, day: date) -> date:
    calendar = calendar_for(center)
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    return day


def play_complaints(
    center: Center,
    complaints: tuple[DemoComplaint, ...],
    actor: Any,
    staff: dict[str, StaffProfile],
    today: date,
    summary: SupervisionSummary,
) -> None:
    """Register, answer and close the year's complaints at their own moments (R-CMP-2 … R-CMP-7): around the
    10th of their month, answered `answer_after` working days later by phone (the complainants give invented
    fixed-line numbers: nobody real is sent anything), closed with the finding an hour after. Played once."""
    if Complaint.objects.filter(center=center).exists():
        return
    windows = {w.number: w for w in Window.objects.filter(center=center)}
    calendar = calendar_for(center)
    for n, spec in enumerate(complaints):
        year, month = months_back(today, spec.months_back)
        day = _working_day_near(center, date(year, month, 10))
        registered_at = timezone.make_aware(datetime.combine(day, time(9, 30)))
        answered_on = calendar.add_working_days(day, spec.answer_after).date if spec.answer_after else day
        answered_at = timezone.make_aware(datetime.combine(answered_on, time(15, 0)))
        identity = (
            {"name": COMPLAINANTS[n % len(COMPLAINANTS)], "phone": f"0713-88{n:02d}6{n:03d}"}
            if spec.named
            else None
        )
        try:
            complaint = complaint_register(
                actor=None if spec.channel in {"web", "director_mailbox"} else actor,
                center=center,
                channel=spec.channel,
                ground=spec.ground,
                matter=spec.matter,
                window=windows.get(spec.window),
                person=staff.get(spec.badge) if spec.badge else None,
                happened_at=registered_at - timedelta(days=1),
                place=f"一楼大厅{spec.window}窗口",
                involves_departments=spec.involves_departments,
                identity=identity,
                at=registered_at,
            ).complaint
            complaint_answer(
                actor=actor,
                complaint=complaint,
                answer=spec.finding,
                via="" if spec.channel == "web" and not spec.named else "phone",
                at=answered_at,
            )
            complaint_close(
                actor=actor,
                complaint=complaint,
                substantiated=spec.substantiated,
                finding=spec.finding,
                at=answered_at + timedelta(hours=1),
            )
        except RuleViolation as exc:
            summary.refused.append(f"{exc.rule} {spec.window}：{exc.message}")
            continue
        summary.created["complaints"] += 1


def play_meetings(
    center: Center, data: Any, staff: dict[str, StaffProfile], today: date, summary: SupervisionSummary
) -> None:
    """The monthly meetings of the completed months of the year, at their own moments (R-MTG-1 … R-MTG-4): the
    office schedules each on the 1st for the first working day from the 3rd at 09:00; the recorder signs everyone
    in a few minutes early, except one late arrival in the third month back and one absence in the sixth, both
    without cause (deducted at their month's close, R-ASM-5); the minutes at 11:00 with one action item for the
    named owner, closed three working days later, except the last month's (carried over)."""
    chair, recorder, owner = (
        staff.get(b) for b in (data.meeting_chair, data.meeting_recorder, data.meeting_owner)
    )
    if chair is None or recorder is None or owner is None or recorder.user is None:
        return
    calendar = calendar_for(center)
    for back in range(11, 0, -1):
        year, month = months_back(today, back)
        if Meeting.objects.filter(center=center, year=year, month=month).exists():
            continue
        day = _working_day_near(center, date(year, month, 3))
        starts = timezone.make_aware(datetime.combine(day, time(9)))
        try:
            meeting = meeting_schedule(
                actor=recorder.user,
                center=center,
                starts_at=starts,
                place=data.meeting_place,
                chair=chair,
                recorder=recorder,
                at=timezone.make_aware(datetime.combine(date(year, month, 1), time(8))),
            )
            attendees = list(meeting.attendees.select_related("staff").order_by("pk"))
            for n, attendee in enumerate(attendees):
                if back == 6 and n == len(attendees) - 1:
                    continue  # absent without cause
                late = back == 3 and n == len(attendees) - 1
                arrival = starts + (timedelta(minutes=12) if late else -timedelta(minutes=5))
                meeting_sign_in(actor=recorder.user, meeting=meeting, staff=attendee.staff, at=arrival)
            ends = starts + timedelta(hours=2)
            meeting_record_minutes(
                actor=recorder.user,
                meeting=meeting,
                minutes="通报上月各窗口办件、投诉和考核情况，部署本月工作。",
                at=ends,
            )
            item = action_item_create(
                actor=recorder.user,
                meeting=meeting,
                title="落实上月超时办件的整改，下次例会报告结果。",
                owner=owner,
                due_days=5,
                at=ends,
            )
            if back > 1:
                closed_on = calendar.add_working_days(day, 3).date
                action_item_close(
                    actor=owner.user if owner.user is not None else recorder.user,
                    item=item,
                    result="已逐件核查并整改，下月起每周通报。",
                    at=timezone.make_aware(datetime.combine(closed_on, time(16))),
                )
        except RuleViolation as exc:
            summary.refused.append(f"{exc.rule} {year}-{month:02d}：{exc.message}")
            continue
        summary.created["meetings"] += 1


def load_demo_supervision(*, center: Center) -> SupervisionSummary:
    """Play the demo centre's year of assessments (see the module's docstring)."""
    data = read().supervision
    summary = SupervisionSummary()
    today = timezone.localdate()
    staff = {s.badge_number: s for s in StaffProfile.objects.filter(center=center)}
    assessor = staff.get(data.assessor)
    if assessor is None or assessor.user is None:
        return summary
    actor = assessor.user
    play_complaints(center, data.complaints, actor, staff, today, summary)
    play_meetings(center, data, staff, today, summary)
    closed_days = set(AttendanceClose.objects.filter(center=center).values_list("day", flat=True))
    closable = [
        months_back(today, n)
        for n in range(12, data.open_months, -1)
        if all(day in closed_days for day in _month_days(*months_back(today, n)))
    ]
    done = set(AssessmentMonth.objects.filter(center=center).values_list("year", "month"))
    for spec in data.deductions:
        person = staff.get(spec.badge)
        year, month = months_back(today, spec.months_back)
        if person is None or (year, month) in done:
            continue
        if AssessmentEntry.objects.filter(staff=person, year=year, month=month, code=spec.code).exists():
            continue
        try:
            assessment_deduct(
                actor=actor,
                staff=person,
                year=year,
                month=month,
                code=spec.code,
                quantity=spec.quantity,
                note=spec.note,
                evidence=SimpleUploadedFile("稽查记录.pdf", RECORD_PDF, content_type="application/pdf"),
            )
        except RuleViolation as exc:
            summary.refused.append(f"{exc.rule} {person.name}：{exc.message}")
            continue
        summary.created["deductions"] += 1
    for year, month in closable:
        if (year, month) in done:
            continue
        try:
            closed = assessment_close(actor=actor, center=center, year=year, month=month)
        except RuleViolation as exc:
            summary.refused.append(f"{exc.rule} {year}-{month:02d}：{exc.message}")
            continue
        summary.closed.append(f"{year}-{month:02d}")
        summary.created["people scored"] += closed.people
    for correction in data.corrections:
        person = staff.get(correction.badge)
        year, month = months_back(today, correction.months_back)
        score = AssessmentScore.objects.filter(
            staff=person, assessment__center=center, assessment__year=year, assessment__month=month
        ).first()
        if person is None or score is None or AssessmentCorrection.objects.filter(score=score).exists():
            continue
        entry = AssessmentEntry.objects.filter(
            staff=person,
            year=year,
            month=month,
            code=correction.code,
            replaced_by__isnull=True,
            source__in=[EntrySource.ENTERED, EntrySource.FACTS],
        ).first()
        if entry is None:
            continue
        try:
            assessment_correct(actor=actor, score=score, reason=correction.reason, replaces=entry, quantity=0)
        except RuleViolation as exc:
            summary.refused.append(f"{exc.rule} {person.name}：{exc.message}")
            continue
        summary.created["corrections"] += 1
    return summary
