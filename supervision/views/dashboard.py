"""The supervision dashboard (issue 3, item 9; issue 11, item 5): red and yellow cases by window, overdue cases
with the person responsible, repeated correction notices, shuttles, the green-channel tracking list, posts
nobody could cover, this month's case facts of the assessment per person (R-ASM-9), and the centre's work over a
period chosen by its dates (per window and per day, with charts). Read-only; no applicant data is shown (case
numbers link to the case page, which checks access). Everything it lists exports to one workbook."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from common.periods import period_of
from common.xlsx import xlsx_response
from org.access import CAN_SUPERVISE, center_for, require_role, visible_centers

from ..exports import dashboard_workbook
from ..selectors.assessment import case_facts
from ..selectors.dashboard import dashboard
from ..selectors.figures import daily_series, figures_chart_data, window_figures


def _board(request: HttpRequest) -> dict[str, Any]:
    center = center_for(request.user, request.GET.get("center") or None)
    require_role(request.user, center, CAN_SUPERVISE)
    today = timezone.localdate()
    form, first, last = period_of(request, today)
    board = dashboard(center, today)
    return {
        "center": center,
        "board": board,
        "period_form": form,
        "first": first,
        "last": last,
        "figures": window_figures(center, first, last),
        # This month's case facts of the assessment per responsible person (R-ASM-9).
        "facts": case_facts(center, board.today, today=board.today),
    }


@login_required
@require_GET
def supervision(request: HttpRequest) -> HttpResponse:
    """The dashboard of the centre named by `?center=` (one the user may see), else the user's own."""
    context = _board(request)
    centers = list(visible_centers(request.user))
    context["centers"] = centers if len(centers) > 1 else []
    context["figures_chart"] = figures_chart_data(context["figures"])
    context["daily_chart"] = daily_series(context["center"], context["first"], context["last"]).chart_data()
    context["export_query"] = request.GET.urlencode()
    return render(request, "supervision/supervision.html", context)


@login_required
@require_GET
def supervision_export(request: HttpRequest) -> HttpResponseBase:
    """Every list of the dashboard (and the period's figures per window) as one .xlsx workbook."""
    context = _board(request)
    workbook = dashboard_workbook(
        context["board"],
        context["figures"],
        context["facts"],
        first=context["first"],
        last=context["last"],
        at=timezone.localtime(),
    )
    filename = _("督办看板-%(day)s.xlsx") % {"day": f"{context['board'].today:%Y%m%d}"}
    return xlsx_response(workbook, filename)
