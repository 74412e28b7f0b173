"""Reads of leave (R-ATT-3 … R-ATT-6): a person's requests, what waits for an approver, leaves not closed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from org.access import CENTER_WIDE_ROLES, has_role
from org.models import Center, StaffProfile

from .models import LeaveHandOver, LeaveRequest, LeaveState
from .services.leave import current_step, may_decide

LIMIT = 200


def leaves_of(staff: StaffProfile) -> QuerySet[LeaveRequest]:
    return (
        LeaveRequest.objects.filter(staff=staff).select_related("staff").order_by("-starts_at", "-id")[:LIMIT]
    )


def leaves_waiting_for(actor: Any, center: Center) -> list[LeaveRequest]:
    """The requests whose current step `actor` may decide (R-ATT-4)."""
    pending = (
        LeaveRequest.objects.filter(center=center, state=LeaveState.PENDING)
        .select_related("center", "staff", "window")
        .order_by("starts_at", "id")[:LIMIT]
    )
    found = []
    for leave in pending:
        step = current_step(leave)
        if step is not None and may_decide(actor, leave, step.approver_kind):
            leave.waiting_step = step  # type: ignore[attr-defined]
            found.append(leave)
    return found


def leaves_unreturned(center: Center, at: datetime) -> QuerySet[LeaveRequest]:
    """Approved leaves whose planned end has passed with no return recorded (R-ATT-6): flagged."""
    return (
        LeaveRequest.objects.filter(center=center, state=LeaveState.APPROVED, ends_at__lte=at)
        .select_related("staff")
        .order_by("ends_at", "id")[:LIMIT]
    )


def handovers_to(staff: StaffProfile, at: datetime) -> QuerySet[LeaveHandOver]:
    """The hand-overs to `staff` as B whose leave is running at `at` (R-ATT-9)."""
    return (
        LeaveHandOver.objects.filter(
            to_staff=staff, leave__state=LeaveState.APPROVED, starts_at__lte=at, ends_at__gt=at
        )
        .select_related("post", "from_staff", "leave")
        .order_by("starts_at")[:LIMIT]
    )


def leave_visible_to(user: Any, leave: LeaveRequest) -> bool:
    """Who may read a leave: the person, a B named in it, an approver of one of its steps, the centre-wide
    roles (the supervision section, the leadership, the office)."""
    profile = getattr(user, "staff_profile", None) if getattr(user, "is_authenticated", False) else None
    if profile is not None and (leave.staff_id == profile.pk or leave.covers.filter(backup=profile).exists()):
        return True
    if has_role(user, leave.center, CENTER_WIDE_ROLES):
        return True
    return any(may_decide(user, leave, a.approver_kind) for a in leave.approvals.all())
