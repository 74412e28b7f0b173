"""The supervision dashboard (issue 3, item 9): red and yellow cases by window, overdue cases with the person
responsible, repeated correction notices, shuttles, the green-channel tracking list, posts nobody could
cover, and this month's case facts of the assessment per person (R-ASM-9). Read-only; no applicant data is
shown (case numbers link to the case page, which checks access)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from org.access import CAN_SUPERVISE, center_for, require_role, visible_centers

from ..selectors.assessment import case_facts
from ..selectors.dashboard import dashboard


@login_required
@require_GET
def supervision(request: HttpRequest) -> HttpResponse:
    """The dashboard of the centre named by `?center=` (one the user may see), else the user's own."""
    center = center_for(request.user, request.GET.get("center") or None)
    require_role(request.user, center, CAN_SUPERVISE)
    board = dashboard(center, timezone.localdate())
    centers = list(visible_centers(request.user))
    context = {
        "center": center,
        "centers": centers if len(centers) > 1 else [],
        "board": board,
        # This month's case facts of the assessment per responsible person (R-ASM-9).
        "facts": case_facts(center, board.today, today=board.today),
    }
    return render(request, "supervision/supervision.html", context)
