"""Who sees an appointment: the staff of the windows where it was booked, and the centre-wide roles. The page
and the API fetch through `appointment_for_user`, so that they cannot disagree."""

from __future__ import annotations

from typing import Any

from cases.access import work_window_ids
from common.errors import NotFound
from org.access import CENTER_WIDE_ROLES, roles_at, visible_center_ids
from org.models import Center, Window

from .models import Appointment


def desk_window_ids(user: Any, center: Center) -> set[int]:
    """The windows of `center` whose appointments the user sees: all of them for the centre-wide roles, else
    the windows where the user works."""
    if roles_at(user, center) & CENTER_WIDE_ROLES:
        return set(Window.objects.filter(center=center).values_list("pk", flat=True))
    staff = getattr(user, "staff_profile", None)
    if staff is None or not staff.is_active or staff.center_id != center.pk:
        return set()
    return work_window_ids(user, staff)


def appointment_for_user(user: Any, pk: int) -> Appointment:
    """An appointment at a window whose desk the user sees (`desk_window_ids`); anything else is 404."""
    appointment = (
        Appointment.objects.filter(pk=pk, center__in=visible_center_ids(user))
        .select_related("center", "window", "item", "served_by", "case")
        .first()
    )
    if appointment is None or appointment.window_id not in desk_window_ids(user, appointment.center):
        raise NotFound()
    return appointment
