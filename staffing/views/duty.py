"""The staff pages of duty rosters, disputes, spot checks and explanations, the supervision board of today,
the monthly attendance sheet (with its Excel export) and the terminals (R-ATT-1, R-ATT-7, R-PUB-6, R-CLK-7).

Thin: reads through `staffing.selectors`, each write one service call; a refusal re-renders the page with the
rule's message (422) and nothing changed; a role refusal is the 403 page.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from common.errors import NotFound, PermissionDenied, RuleViolation
from common.months import parse_month, shift_month
from common.xlsx import table_workbook, xlsx_response
from org.access import CAN_CORRECT_ATTENDANCE, CAN_SUPERVISE, has_role, home_center, require_role
from org.models import Center, StaffProfile, Window
from workdays.selectors import calendar_for, working_hours_for

from .. import selectors
from ..models import DayStatus, DutyDispute, DutyEntry, DutyKind, Explanation
from ..services import duty as duty_services
from ..services import spot_checks as spot_services

# Who reads the attendance of the whole centre: the supervision section and the leadership, and the office,
# which closes and corrects days.
CAN_READ_ATTENDANCE = CAN_SUPERVISE | CAN_CORRECT_ATTENDANCE
ROSTER_WEEKS_SHOWN = 6


def _center(request: HttpRequest) -> Center:
    return home_center(request.user)


def _month(request: HttpRequest) -> tuple[int, int]:
    """`?month=YYYY-MM`, else this month."""
    today = timezone.localdate()
    return parse_month(request.GET.get("month")) or (today.year, today.month)


def _staff_choices(center: Center) -> Any:
    return StaffProfile.objects.filter(center=center, is_active=True).order_by("badge_number")


# --- duty roster ------------------------------------------------------------------------------------------


class AssignForm(forms.Form):
    day = forms.DateField(label=gettext_lazy("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=gettext_lazy("类别"), choices=DutyKind.choices)
    staff = forms.ModelChoiceField(label=gettext_lazy("值班人员"), queryset=StaffProfile.objects.none())

    def __init__(self, *args: Any, center: Center, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = _staff_choices(center)  # type: ignore[attr-defined]


class SwapForm(forms.Form):
    staff = forms.ModelChoiceField(label=gettext_lazy("换给"), queryset=StaffProfile.objects.none())
    reason = forms.CharField(label=gettext_lazy("换班原因"), max_length=500)

    def __init__(self, *args: Any, center: Center, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = _staff_choices(center)  # type: ignore[attr-defined]


class DisputeForm(forms.Form):
    window = forms.ModelChoiceField(
        label=gettext_lazy("窗口"), queryset=Window.objects.none(), required=False
    )
    summary = forms.CharField(label=gettext_lazy("纠纷情况"), max_length=2000, widget=forms.Textarea)

    def __init__(self, *args: Any, center: Center, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["window"].queryset = Window.objects.filter(center=center)  # type: ignore[attr-defined]


class OutcomeForm(forms.Form):
    outcome = forms.CharField(label=gettext_lazy("处理结果"), max_length=2000, widget=forms.Textarea)


def _roster_context(
    request: HttpRequest,
    center: Center,
    year: int,
    month: int,
    *,
    failed: int | None = None,
    swap_form: SwapForm | None = None,
    outcome_form: OutcomeForm | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """The month's calendar; each entry carries its swap form and each open dispute its outcome form (own ids,
    the staff choices read once), the one that failed bound with its errors."""
    first = date(year, month, 1)
    last = date(year, month, calendar.monthrange(year, month)[1])
    today = timezone.localdate()
    work = calendar_for(center)
    can_plan = has_role(request.user, center, duty_services.CAN_PLAN_DUTY)
    assign_form = extra.pop("assign_form", None) or AssignForm(center=center)
    choices = list(assign_form.fields["staff"].choices) if can_plan else []  # type: ignore[union-attr]
    by_day: dict[date, list[DutyEntry]] = {}
    for entry in selectors.roster_between(center, first, last):
        if can_plan:
            swap = swap_form if failed == entry.pk and swap_form is not None else SwapForm(center=center)
            swap.auto_id = f"swap{entry.pk}_%s"
            swap.fields["staff"].choices = choices  # type: ignore[attr-defined]
            entry.swap_form = swap  # type: ignore[attr-defined]
        by_day.setdefault(entry.day, []).append(entry)
    weeks = [
        [
            {
                "day": day,
                "in_month": day.month == month,
                "working": work.is_working_day(day),
                "today": day == today,
                "entries": by_day.get(day, []),
            }
            for day in week
        ]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    ]
    proposal: list[date] = []
    if can_plan:
        proposal = duty_services.roster_generate(actor=request.user, center=center, year=year, month=month)
    profile = getattr(request.user, "staff_profile", None)
    disputes = selectors.recent_disputes(center, today - timedelta(days=7))
    for dispute in disputes:
        form = outcome_form if failed == -dispute.pk and outcome_form is not None else OutcomeForm()
        form.auto_id = f"dispute{dispute.pk}_%s"
        dispute.outcome_form = form  # type: ignore[attr-defined]
    return {
        "center": center,
        "year": year,
        "month": month,
        "weeks": weeks,
        "previous": shift_month(year, month, -1),
        "next": shift_month(year, month, 1),
        "can_plan": can_plan,
        "proposal": proposal,
        "missed": selectors.missed_duties(center, first, min(last, today - timedelta(days=1))),
        "leader": duty_services.duty_leader_of(center, today),
        "disputes": disputes,
        "me": profile,
        "assign_form": assign_form,
        "dispute_form": DisputeForm(center=center),
        **extra,
    }


def _render_roster(
    request: HttpRequest, center: Center, year: int, month: int, *, status: int = 200, **extra: Any
) -> HttpResponse:
    context = _roster_context(request, center, year, month, **extra)
    return render(request, "staffing/duty_roster.html", context, status=status)


def _back_to_month(day: date) -> HttpResponse:
    return redirect(f"{reverse('staffing:duty_roster')}?month={day:%Y-%m}")


@login_required
@require_GET
def duty_roster(request: HttpRequest) -> HttpResponse:
    """The month's roster as a calendar, today's duty leader and the disputes reported to them (R-ATT-1)."""
    year, month = _month(request)
    return _render_roster(request, _center(request), year, month)


@login_required
@require_POST
def duty_assign(request: HttpRequest) -> HttpResponse:
    center = _center(request)
    require_role(request.user, center, duty_services.CAN_PLAN_DUTY)
    form = AssignForm(request.POST, center=center)
    today = timezone.localdate()
    if not form.is_valid():
        return _render_roster(request, center, today.year, today.month, status=400, assign_form=form)
    data = form.cleaned_data
    try:
        duty_services.roster_assign(
            actor=request.user, center=center, day=data["day"], kind=data["kind"], staff=data["staff"]
        )
    except RuleViolation as exc:
        day = data["day"]
        return _render_roster(request, center, day.year, day.month, status=422, assign_form=form, refusal=exc)
    messages.success(request, _("已排班。"))
    return _back_to_month(data["day"])


def _entry(request: HttpRequest, center: Center, pk: int) -> DutyEntry:
    entry = DutyEntry.objects.filter(center=center, pk=pk).first()
    if entry is None:
        raise NotFound()
    return entry


@login_required
@require_POST
def duty_swap(request: HttpRequest, pk: int) -> HttpResponse:
    center = _center(request)
    require_role(request.user, center, duty_services.CAN_PLAN_DUTY)
    entry = _entry(request, center, pk)
    form = SwapForm(request.POST, center=center)
    if not form.is_valid():
        return _render_roster(
            request, center, entry.day.year, entry.day.month, status=400, swap_form=form, failed=entry.pk
        )
    try:
        duty_services.roster_swap(
            actor=request.user,
            entry=entry,
            staff=form.cleaned_data["staff"],
            reason=form.cleaned_data["reason"],
        )
    except RuleViolation as exc:
        return _render_roster(
            request,
            center,
            entry.day.year,
            entry.day.month,
            status=422,
            swap_form=form,
            failed=entry.pk,
            refusal=exc,
        )
    messages.success(request, _("已换班，原安排保留在记录中。"))
    return _back_to_month(entry.day)


@login_required
@require_POST
def dispute_report(request: HttpRequest) -> HttpResponse:
    center = _center(request)
    form = DisputeForm(request.POST, center=center)
    today = timezone.localdate()
    if not form.is_valid():
        return _render_roster(request, center, today.year, today.month, status=400, dispute_form=form)
    try:
        duty_services.dispute_report(
            actor=request.user,
            center=center,
            summary=form.cleaned_data["summary"],
            window=form.cleaned_data["window"],
            reporter=getattr(request.user, "staff_profile", None),
        )
    except RuleViolation as exc:
        return _render_roster(
            request, center, today.year, today.month, status=422, dispute_form=form, refusal=exc
        )
    messages.success(request, _("已报告值班领导。"))
    return _back_to_month(today)


@login_required
@require_POST
def dispute_close(request: HttpRequest, pk: int) -> HttpResponse:
    center = _center(request)
    dispute = DutyDispute.objects.filter(center=center, pk=pk).first()
    if dispute is None:
        raise NotFound()
    form = OutcomeForm(request.POST)
    today = timezone.localdate()
    if not form.is_valid():
        return _render_roster(
            request, center, today.year, today.month, status=400, outcome_form=form, failed=-dispute.pk
        )
    try:
        duty_services.dispute_close(actor=request.user, dispute=dispute, outcome=form.cleaned_data["outcome"])
    except RuleViolation as exc:
        return _render_roster(
            request,
            center,
            today.year,
            today.month,
            status=422,
            outcome_form=form,
            failed=-dispute.pk,
            refusal=exc,
        )
    messages.success(request, _("已记录处理结果。"))
    return _back_to_month(today)


# --- spot checks and explanations ---------------------------------------------------------------------------

SEEN_CHOICES = [
    ("", gettext_lazy("未查")),
    ("present", gettext_lazy("在岗")),
    ("absent", gettext_lazy("不在岗")),
    ("elsewhere", gettext_lazy("不在岗（因公在别处）")),
]


class SpotCheckForm(forms.Form):
    at = forms.DateTimeField(
        label=gettext_lazy("稽查时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    note = forms.CharField(label=gettext_lazy("备注"), required=False, max_length=2000)

    def __init__(self, *args: Any, people: list[StaffProfile], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = people
        for person in people:
            self.fields[f"s{person.pk}"] = forms.ChoiceField(
                label=f"{person.badge_number} {person.name}", choices=SEEN_CHOICES, required=False
            )

    def seen(self) -> list[spot_services.Seen]:
        rows = []
        for person in self.people:
            value = self.cleaned_data.get(f"s{person.pk}") or ""
            if value:
                rows.append(
                    spot_services.Seen(
                        staff=person, present=value == "present", on_duty_elsewhere=value == "elsewhere"
                    )
                )
        return rows


def _render_spot_checks(
    request: HttpRequest,
    center: Center,
    form: SpotCheckForm | None = None,
    *,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    people = list(_staff_choices(center).select_related("window"))
    if form is None:
        form = SpotCheckForm(
            initial={"at": timezone.localtime().replace(second=0, microsecond=0, tzinfo=None)}, people=people
        )
    today = timezone.localdate()
    first = today.replace(day=1)
    counts = selectors.absences_without_leave(center, first, today)
    names = {person.pk: person.name for person in people}
    context = {
        "form": form,
        "rows": [(person, form[f"s{person.pk}"]) for person in people],
        "can_check": has_role(request.user, center, spot_services.CAN_SPOT_CHECK),
        "checks": selectors.recent_spot_checks(center),
        "counts": sorted(((names.get(pk, pk), days) for pk, days in counts.items()), key=lambda r: -r[1]),
        **extra,
    }
    return render(request, "staffing/spot_checks.html", context, status=status)


@login_required
@require_GET
def spot_checks(request: HttpRequest) -> HttpResponse:
    center = _center(request)
    require_role(request.user, center, CAN_SUPERVISE | spot_services.CAN_SPOT_CHECK)
    return _render_spot_checks(request, center)


@login_required
@require_POST
def spot_check_record(request: HttpRequest) -> HttpResponse:
    center = _center(request)
    require_role(request.user, center, spot_services.CAN_SPOT_CHECK)
    by = getattr(request.user, "staff_profile", None)
    if by is None:
        raise PermissionDenied()
    form = SpotCheckForm(request.POST, people=list(_staff_choices(center)))
    if not form.is_valid():
        return _render_spot_checks(request, center, form, status=400)
    try:
        check = spot_services.spot_check_record(
            actor=request.user,
            center=center,
            by=by,
            at=form.cleaned_data["at"],
            seen=form.seen(),
            note=form.cleaned_data["note"],
        )
    except RuleViolation as exc:
        return _render_spot_checks(request, center, form, status=422, refusal=exc)
    unexplained = check.findings.filter(reason="unexplained").count()
    messages.success(request, _("已登记稽查，%(n)s人擅自离岗，已要求其说明情况。") % {"n": unexplained})
    return redirect("staffing:spot_checks")


class AnswerForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("情况说明"), max_length=2000, widget=forms.Textarea)


def _render_explanations(request: HttpRequest, *, status: int = 200, **extra: Any) -> HttpResponse:
    profile = getattr(request.user, "staff_profile", None)
    if profile is None:
        raise PermissionDenied()
    bound = extra.pop("form", None)
    failed = extra.get("failed")
    listed = selectors.open_explanations(profile)
    for explanation in listed:
        form = bound if failed == explanation.pk and bound is not None else AnswerForm()
        form.auto_id = f"explanation{explanation.pk}_%s"
        explanation.form = form  # type: ignore[attr-defined]
    context = {"explanations": listed, **extra}
    return render(request, "staffing/explanations.html", context, status=status)


@login_required
@require_GET
def explanations(request: HttpRequest) -> HttpResponse:
    """The explanations asked of me after a spot check, and my answers (R-ATT-7)."""
    return _render_explanations(request)


@login_required
@require_POST
def explanation_answer(request: HttpRequest, pk: int) -> HttpResponse:
    profile = getattr(request.user, "staff_profile", None)
    explanation = Explanation.objects.filter(pk=pk, staff=profile).first() if profile is not None else None
    if explanation is None:
        raise NotFound()
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _render_explanations(request, status=400, form=form, failed=pk)
    try:
        spot_services.explanation_answer(
            actor=request.user, explanation=explanation, text_=form.cleaned_data["text"]
        )
    except RuleViolation as exc:
        return _render_explanations(request, status=422, form=form, refusal=exc, failed=pk)
    messages.success(request, _("情况说明已提交。"))
    return redirect("staffing:explanations")


# --- the board of today, the monthly sheet, the terminals ----------------------------------------------------

BOARD_LABELS = {
    "at_post": gettext_lazy("在岗"),
    "late": gettext_lazy("迟到"),
    "on_leave": gettext_lazy("请假"),
    "out": gettext_lazy("外出"),
    "unaccounted": gettext_lazy("去向不明"),
    "off": gettext_lazy("不在班（休息日或未到上班时间）"),
}


@login_required
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    """Who is at post, late, on leave, out or unaccounted for, now (R-ATT-2, R-ATT-7)."""
    center = _center(request)
    require_role(request.user, center, CAN_SUPERVISE)
    now = timezone.localtime()
    today = now.date()
    late_after = None
    expected: set[int] | None = None  # everyone, on a working day once it has started
    if calendar_for(center).is_working_day(today):
        hours = working_hours_for(center, today)
        late_after = timezone.make_aware(datetime.combine(today, hours.morning_start))
        if now < late_after:
            expected = set()
    else:  # a rest day: only the holiday duty roster is expected (R-ATT-1)
        roster = selectors.roster_between(center, today, today)
        expected = {entry.staff_id for entry in roster if entry.kind == DutyKind.REST_DAY}
    rows = selectors.todays_board(center, now, late_after, expected)
    totals = dict.fromkeys(selectors.BOARD_STATES, 0)
    for row in rows:
        totals[row.state] += 1
    context = {
        "now": now,
        "rows": [(row, BOARD_LABELS[row.state]) for row in rows],
        "totals": [(BOARD_LABELS[state], totals[state]) for state in selectors.BOARD_STATES],
    }
    return render(request, "staffing/board.html", context)


def _sheet_groups(center: Center, year: int, month: int) -> list[tuple[str, list[selectors.SheetRow]]]:
    rows = selectors.attendance_sheet(center, year, month)
    windows = selectors.staff_windows([row.staff_id for row in rows])
    groups: dict[str, list[selectors.SheetRow]] = {}
    for row in rows:
        groups.setdefault(windows.get(row.staff_id, ""), []).append(row)
    return sorted(groups.items(), key=lambda item: (item[0] == "", item[0]))


STATUS_MARKS: dict[str, Any] = {
    DayStatus.ON_TIME: "√",
    DayStatus.LATE: gettext_lazy("迟"),
    DayStatus.LEFT_EARLY: gettext_lazy("早"),
    DayStatus.ABSENT: gettext_lazy("旷"),
    DayStatus.OFF_POST: gettext_lazy("脱"),
    DayStatus.LEAVE: gettext_lazy("假"),
    DayStatus.OUTING: gettext_lazy("外"),
    DayStatus.REST: "",
}


@login_required
@require_GET
def sheet(request: HttpRequest) -> HttpResponseBase:
    """The month's attendance sheet per window (R-ATT-2); `?format=xlsx` downloads it."""
    center = _center(request)
    require_role(request.user, center, CAN_READ_ATTENDANCE)
    year, month = _month(request)
    days = [date(year, month, d) for d in range(1, calendar.monthrange(year, month)[1] + 1)]
    groups = _sheet_groups(center, year, month)
    if request.GET.get("format") == "xlsx":
        return _sheet_xlsx(center, year, month, days, groups)
    shown = [
        (
            window,
            [
                (row, [str(STATUS_MARKS.get(row.days.get(day, {}).get("status", ""), "")) for day in days])
                for row in rows
            ],
        )
        for window, rows in groups
    ]
    context = {
        "year": year,
        "month": month,
        "days": days,
        "groups": shown,
        "previous": shift_month(year, month, -1),
        "next": shift_month(year, month, 1),
        "month_param": f"{year:04d}-{month:02d}",
    }
    return render(request, "staffing/sheet.html", context)


def _sheet_xlsx(
    center: Center,
    year: int,
    month: int,
    days: list[date],
    groups: list[tuple[str, list[selectors.SheetRow]]],
) -> FileResponse:
    headers = [(_("窗口"), 16.0), (_("工号"), 10.0), (_("姓名"), 10.0)]
    headers += [(str(day.day), 4.0) for day in days]
    headers += [(_("迟到"), 6.0), (_("早退"), 6.0), (_("旷工分钟"), 10.0)]
    rows = (
        [
            window,
            row.badge_number,
            row.name,
            *[str(STATUS_MARKS.get(row.days.get(day, {}).get("status", ""), "")) for day in days],
            row.late,
            row.early,
            row.absent_minutes,
        ]
        for window, rows in groups
        for row in rows
    )
    workbook, _count = table_workbook(
        title=_("%(y)s年%(m)s月考勤") % {"y": year, "m": month},
        headers=headers,
        rows=rows,
        about=[(_("中心"), center.name), (_("月份"), f"{year}-{month:02d}"), (_("导出时间"), timezone.now())],
        count_label=_("人数"),
    )
    return xlsx_response(workbook, _("考勤表-%(y)s-%(m)02d.xlsx") % {"y": year, "m": month})


@login_required
@require_GET
def terminals(request: HttpRequest) -> HttpResponse:
    """The centre's terminals and their last contact (R-ATT-2)."""
    center = _center(request)
    require_role(request.user, center, CAN_READ_ATTENDANCE)
    return render(
        request,
        "staffing/terminals.html",
        {"terminals": selectors.terminals_of(center), "now": timezone.now()},
    )
