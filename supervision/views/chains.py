"""The check of the case histories' hash chains (R-CASE-10), for the supervision section."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cases.selectors import chains
from org.access import CAN_VERIFY_CHAINS, center_for, require_role, visible_centers


@login_required
@require_GET
def chain_verify(request: HttpRequest) -> HttpResponse:
    """Verify the history chains of the centre's most recent cases and list the broken ones."""
    center = center_for(request.user, request.GET.get("center") or None)
    require_role(request.user, center, CAN_VERIFY_CHAINS)
    run = chains.chains_verify(center=center, limit=chains.CHAIN_VERIFY_LIMIT)
    centers = list(visible_centers(request.user))
    context = {
        "center": center,
        "centers": centers if len(centers) > 1 else [],
        "run": run,
        "limit": chains.CHAIN_VERIFY_LIMIT,
    }
    return render(request, "supervision/chain_verify.html", context)
