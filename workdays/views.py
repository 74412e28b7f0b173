"""The calendar page (R-CLK-1, R-CLK-3): loaded years, the exceptions of a year, the centre's own days, the
file upload and a deadline calculator. Thin: parse, check the role through org.access, call one service."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from common.errors import PermissionDenied, RuleViolation
from org.access import CAN_EDIT_CALENDAR, has_role, home_center, require_role
from org.models import Center, Role

from . import selectors, services
from .calendar_file import parse_calendar_text
from .forms import CalculatorForm, CalendarDayForm, CalendarUploadForm, YearForm

TEMPLATE = "workdays/calendar.html"


def _year(request: HttpRequest) -> int:
    form = YearForm(request.GET)
    return form.cleaned_data["year"] if form.is_valid() else timezone.localdate().year


def _page(request: HttpRequest, center: Center, year: int, **extra: Any) -> dict[str, Any]:
    calendar = selectors.calendar_for(center)
    context: dict[str, Any] = {
        "center": center,
        "year": year,
        "years": selectors.loaded_years(center),
        "national_days": list(selectors.year_days(None, year)),
        "center_days": list(selectors.year_days(center, year)),
        "working_days": calendar.count_working_days(date(year - 1, 12, 31), date(year, 12, 31)),
        "provisional": calendar.is_provisional(date(year, 7, 1)),
        "can_edit": has_role(request.user, center, CAN_EDIT_CALENDAR),
        "day_form": CalendarDayForm(),
        "upload_form": CalendarUploadForm(),
        "calculator_form": CalculatorForm(initial={"start": timezone.localdate(), "days": 5}),
        "deadline": None,
        "refusal": None,
        "hours_today": selectors.working_hours_for(center, timezone.localdate()),
        "history": selectors.calendar_history(center),
    }
    context.update(extra)
    return context


def _back(year: int) -> HttpResponse:
    return redirect(f"{reverse('workdays:calendar')}?year={year}")


@login_required
@require_GET
def calendar(request: HttpRequest) -> HttpResponse:
    center = home_center(request.user)
    return render(request, TEMPLATE, _page(request, center, _year(request)))


@login_required
@require_GET
def calculate(request: HttpRequest) -> HttpResponse:
    """The deadline of N working days from a date at the user's centre (HTMX: the result alone)."""
    center = home_center(request.user)
    form = CalculatorForm(request.GET)
    deadline = refusal = None
    if form.is_valid():
        try:
            deadline = services.add_working_days(center=center, **form.cleaned_data)
        except RuleViolation as exc:
            refusal = exc
    context = {"calculator_form": form, "deadline": deadline, "calc_refusal": refusal}
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "workdays/_calculator_result.html", context)
    return render(request, TEMPLATE, _page(request, center, _year(request), **context))


@login_required
@require_POST
def day_set(request: HttpRequest) -> HttpResponse:
    """A centre-level holiday or working day (R-CLK-3)."""
    center = home_center(request.user)
    require_role(request.user, center, CAN_EDIT_CALENDAR)
    form = CalendarDayForm(request.POST)
    if not form.is_valid():
        return render(request, TEMPLATE, _page(request, center, _year(request), day_form=form))
    data = form.cleaned_data
    try:
        row = services.calendar_day_set(
            actor=request.user,
            center=center,
            day=data["day"],
            kind=data["kind"],
            name=data["name"],
            reason=data["reason"],
        )
    except RuleViolation as exc:
        return render(request, TEMPLATE, _page(request, center, data["day"].year, day_form=form, refusal=exc))
    messages.success(
        request, _("已设置本中心 %(day)s 为%(kind)s。") % {"day": row.date, "kind": row.get_kind_display()}
    )
    return _back(row.date.year)


@login_required
@require_POST
def year_upload(request: HttpRequest) -> HttpResponse:
    """Load a year's schedule from a file: for the centre, or nationally (system administrators only)."""
    center = home_center(request.user)
    require_role(request.user, center, CAN_EDIT_CALENDAR)
    form = CalendarUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, TEMPLATE, _page(request, center, _year(request), upload_form=form))
    data = form.cleaned_data
    national = data["scope"] == "national"
    if national and not has_role(request.user, center, {Role.SYSADMIN}):
        raise PermissionDenied(_("只有系统管理员可以载入全国节假日安排。"))
    try:
        year, entries = parse_calendar_text(data["file"], year=data["year"])
        services.calendar_load_year(
            actor=request.user,
            year=year,
            entries=entries,
            source=data["source"],
            center=None if national else center,
        )
    except RuleViolation as exc:
        return render(
            request, TEMPLATE, _page(request, center, _year(request), upload_form=form, refusal=exc)
        )
    messages.success(request, _("已载入 %(year)s 年日历，共 %(n)s 行。") % {"year": year, "n": len(entries)})
    return _back(year)
