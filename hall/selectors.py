"""Reads for the hall: the day's appointments of a window, or of several (R-CASE-13). Callers scope the
windows through `hall.access` or `cases.access` first."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from org.models import Window

from .models import Appointment, AppointmentStatus


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def todays_appointments(window: Window, day: date) -> QuerySet[Appointment]:
    """The appointments booked at `window` on `day` (cancelled ones left out), in time order."""
    return _appointments_on(day).filter(window=window)


def appointments_by_window(windows: list[Window], day: date) -> list[tuple[Window, list[Appointment]]]:
    """Each of `windows` with its appointments on `day`, as `todays_appointments`, in one query."""
    booked: dict[int, list[Appointment]] = {window.pk: [] for window in windows}
    for appointment in _appointments_on(day).filter(window__in=[window.pk for window in windows]):
        booked[appointment.window_id].append(appointment)
    return [(window, booked[window.pk]) for window in windows]


def _appointments_on(day: date) -> QuerySet[Appointment]:
    return (
        Appointment.objects.filter(
            starts_at__gte=_day_start(day), starts_at__lt=_day_start(day + timedelta(days=1))
        )
        .exclude(status=AppointmentStatus.CANCELLED)
        .select_related("item", "case")
        .order_by("starts_at", "id")
    )
