"""The policy page (R-ASM-17): every key with the value in force, its versions and history; system
administrators set a new value from a date. Thin: parse, check the role through org.access, call one service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from common.errors import RuleViolation
from org.access import CAN_EDIT_POLICY, has_role, home_center, require_role
from org.models import Center

from . import selectors, services
from .forms import PolicySetForm
from .registry import KEYS

TEMPLATE = "policy/policy_list.html"


def _page(request: HttpRequest, center: Center, **extra: Any) -> dict[str, Any]:
    today = timezone.localdate()
    versions = selectors.policy_versions(center)
    scheduled: dict[str, list[Any]] = {}
    for row in versions:
        if row.effective_from > today:
            scheduled.setdefault(row.key, []).append(row)
    context: dict[str, Any] = {
        "center": center,
        "today": today,
        "rows": [(row, scheduled.get(row.key, [])) for row in selectors.policy_table(center, today)],
        "versions": versions,
        "history": selectors.policy_history(center),
        "can_edit": has_role(request.user, center, CAN_EDIT_POLICY),
        "form": PolicySetForm(initial={"effective_from": today}),
        "refusal": None,
    }
    context.update(extra)
    return context


@login_required
@require_GET
def policy_list(request: HttpRequest) -> HttpResponse:
    center = home_center(request.user)
    return render(request, TEMPLATE, _page(request, center))


@login_required
@require_POST
def policy_set(request: HttpRequest) -> HttpResponse:
    center = home_center(request.user)
    require_role(request.user, center, CAN_EDIT_POLICY)
    form = PolicySetForm(request.POST)
    if not form.is_valid():
        return render(request, TEMPLATE, _page(request, center, form=form))
    try:
        row = services.policy_set(actor=request.user, center=center, **form.cleaned_data)
    except RuleViolation as exc:
        return render(request, TEMPLATE, _page(request, center, form=form, refusal=exc))
    messages.success(
        request,
        _("“%(label)s”自 %(day)s 起为 %(value)s。")
        % {"label": _(KEYS[row.key].label), "day": row.effective_from, "value": row.value},
    )
    return redirect("policy:policy_list")
