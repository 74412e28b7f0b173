"""The staff home: who I am, my roles, the posts I hold as A or B today, and the pages my roles lead to."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from common.errors import PermissionDenied
from org import selectors as org_selectors
from org.access import (
    CAN_EDIT_CALENDAR,
    CAN_EDIT_CATALOG,
    CAN_EDIT_ORGANISATION,
    CAN_EDIT_POLICY,
    CAN_RECORD_ABSENCE,
    CAN_VIEW_AUTHORIZATIONS,
    home_center,
    is_platform_operator,
    roles_at,
)
from org.models import Role, StaffProfile


@login_required
def home(request: HttpRequest) -> HttpResponse:
    try:
        center = home_center(request.user)
    except PermissionDenied:
        # The platform operator holds no centre role: the admin is theirs, and only theirs (org.admin_site).
        context = {"center": None, "platform_operator": is_platform_operator(request.user)}
        return render(request, "desk/home.html", context)
    roles = roles_at(request.user, center)
    profile: StaffProfile | None = getattr(request.user, "staff_profile", None)
    rows = org_selectors.post_board(center, timezone.now())
    my_rows = []
    if profile is not None:
        my_rows = [
            r for r in rows if r.holder_a.pk == profile.pk or any(b.pk == profile.pk for b in r.backups)
        ]
    role_labels = [label for value, label in Role.choices if value in roles]
    return render(
        request,
        "desk/home.html",
        {
            "center": center,
            "profile": profile,
            "role_labels": role_labels,
            "my_rows": my_rows,
            "gap_count": sum(1 for r in rows if r.gap),
            "deputy_windows": list(org_selectors.windows_in_charge_of(profile)) if profile else [],
            "can_edit_org": bool(roles & CAN_EDIT_ORGANISATION),
            "can_edit_catalog": bool(roles & CAN_EDIT_CATALOG),
            "can_edit_calendar": bool(roles & CAN_EDIT_CALENDAR),
            "can_edit_policy": bool(roles & CAN_EDIT_POLICY),
            "can_record_absence": bool(roles & CAN_RECORD_ABSENCE),
            "can_view_authorizations": bool(roles & CAN_VIEW_AUTHORIZATIONS),
        },
    )
