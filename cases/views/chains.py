"""The staff pages of cases. Thin: fetch through `org.access`, call one selector or service, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from org.access import center_for, require_role, visible_centers
from org.models import Role

from ..selectors import chains

# Who may verify the history chains (R-CASE-10): the supervision section, the director, the administrator.
CAN_VERIFY_CHAINS = frozenset({Role.SUPERVISION, Role.DIRECTOR, Role.SYSADMIN})


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
    return render(request, "cases/chain_verify.html", context)
