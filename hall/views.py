"""The hall's staff pages: the day's appointments of my windows, with serve and no-show (R-CASE-13).

Thin: reads go through `hall.access` / `cases.access`, writes through one `hall.services` call; a refusal
re-renders the page with the rule's message (422) and nothing changed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases.access import case_by_reference, work_windows
from cases.selectors.actions import staff_of
from common.errors import PermissionDenied, RuleViolation
from common.masking import mask_phone
from org.models import StaffProfile

from . import forms as f
from . import services
from .access import appointment_for_user
from .models import Appointment, AppointmentStatus
from .selectors import todays_appointments


def _staff(request: HttpRequest) -> StaffProfile:
    staff = staff_of(request.user)
    if staff is None:
        raise PermissionDenied()
    return staff


def _render_appointments(
    request: HttpRequest,
    staff: StaffProfile,
    day: date,
    *,
    status: int = 200,
    bound: dict[int, Any] | None = None,
    refusal: RuleViolation | None = None,
    failed: int | None = None,
) -> HttpResponse:
    bound = bound or {}
    now = timezone.localtime().replace(second=0, microsecond=0)
    default = {"served_until": now}
    groups = []
    for window in work_windows(request.user, staff, as_backup=True):
        rows = []
        listed = list(todays_appointments(window, day))
        prefetch_related_objects(listed, "served_by")
        for appointment in listed:
            booked = appointment.status == AppointmentStatus.BOOKED
            form = bound.get(appointment.pk) or (
                f.AppointmentServeForm(
                    initial={**default, "served_from": min(timezone.localtime(appointment.starts_at), now)}
                )
                if booked
                else None
            )
            rows.append(
                {
                    "appointment": appointment,
                    "phone": mask_phone(appointment.applicant_phone),
                    "form": form,
                    "booked": booked,
                }
            )
        groups.append({"window": window, "rows": rows})
    context = {
        "day": day,
        "day_form": f.DayForm(initial={"day": day}),
        "groups": groups,
        "refusal": refusal,
        "failed": failed,
        "is_today": day == timezone.localdate(),
    }
    return render(request, "hall/appointments.html", context, status=status)


@login_required
@require_GET
def appointments(request: HttpRequest) -> HttpResponse:
    """The appointments of my windows on a day (today unless `?day=`)."""
    staff = _staff(request)
    form = f.DayForm(request.GET)
    day = (form.cleaned_data.get("day") if form.is_valid() else None) or timezone.localdate()
    return _render_appointments(request, staff, day)


def _back_to_day(appointment: Appointment) -> HttpResponse:
    day = timezone.localdate(appointment.starts_at)
    return redirect(f"{reverse('hall:appointments')}?day={day.isoformat()}")


@login_required
@require_POST
def appointment_serve(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the service of a booked appointment; time after closing is late service (R-CASE-13)."""
    staff = _staff(request)
    appointment = appointment_for_user(request.user, pk)
    day = timezone.localdate(appointment.starts_at)
    form = f.AppointmentServeForm(request.POST)
    if not form.is_valid():
        return _render_appointments(request, staff, day, status=400, bound={pk: form}, failed=pk)
    data = form.cleaned_data
    case = case_by_reference(request.user, data["case_number"])
    if data["case_number"].strip() and case is None:
        form.add_error("case_number", _("找不到该办件，请核对办件编号。"))
        return _render_appointments(request, staff, day, status=400, bound={pk: form}, failed=pk)
    try:
        served = services.appointment_serve(
            actor=staff,
            appointment=appointment,
            served_from=data["served_from"],
            served_until=data["served_until"],
            case=case,
        )
    except RuleViolation as exc:
        return _render_appointments(request, staff, day, status=422, bound={pk: form}, refusal=exc, failed=pk)
    if served.late_service_minutes:
        messages.success(request, _("已登记办理，延时服务%(n)s分钟。") % {"n": served.late_service_minutes})
    else:
        messages.success(request, _("已登记办理。"))
    return _back_to_day(appointment)


@login_required
@require_POST
def appointment_no_show(request: HttpRequest, pk: int) -> HttpResponse:
    """The applicant did not come (only after the booked time)."""
    staff = _staff(request)
    appointment = appointment_for_user(request.user, pk)
    try:
        services.appointment_no_show(actor=staff, appointment=appointment)
    except RuleViolation as exc:
        day = timezone.localdate(appointment.starts_at)
        return _render_appointments(request, staff, day, status=422, refusal=exc, failed=pk)
    messages.success(request, _("已登记未到。"))
    return _back_to_day(appointment)


urlpatterns: list[URLPattern] = [
    path("appointments/", appointments, name="appointments"),
    path("appointments/<int:pk>/serve/", appointment_serve, name="appointment_serve"),
    path("appointments/<int:pk>/no-show/", appointment_no_show, name="appointment_no_show"),
]
