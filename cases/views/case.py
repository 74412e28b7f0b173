"""The case page (issue 3, item 9): the case with its clock, checklist, notices, steps, payments, visits,
extensions, special procedures and history, and one view per action: POST takes the action, GET shows its
form (the page builds only the open panel's form; another panel fetches its form when it is opened).

Thin: every fetch goes through `cases.access.case_for_user`; each action parses its form, calls ONE service
with the revision the page showed, and redirects back. A refusal re-renders the page with the rule's message
(422, nothing changed); a stale page gets the conflict message (409).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from common.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from common.links import keyed_url
from org.models import StaffProfile
from workdays.models import TimerState
from workdays.selectors import calendar_for
from workdays.timer import overdue_working_days, remaining_working_days

from .. import forms_case as f
from ..access import applicant_contacts, case_for_user, case_page_for_user
from ..actions import (
    ACTIONS,
    EXTENSION,
    EXTENSION_REQUEST,
    NOTICE,
    PANEL,
    ROW_ACTIONS,
    CaseAction,
    Target,
    know_rows,
    not_offered_because,
)
from ..hooks import case_links
from ..models import (
    ActingAs,
    Case,
    CaseEvent,
    CaseState,
    CaseStep,
    Extension,
    ExtensionRequest,
    Notice,
    Payment,
    Suspension,
    Visit,
    Warning,
)
from ..selectors.actions import acting_of, available_actions, staff_of
from ..selectors.clock import clock_view, reported_spans, stored_warning
from ..selectors.intake import CHECKS, case_checklist
from ..selectors.page import HISTORY, page_lists

# How the history names each action (R-CASE-10).
EVENT_LABELS: dict[str, Any] = {
    "received": gettext_lazy("收件"),
    "materials_checked": gettext_lazy("材料审查"),
    "correction_issued": gettext_lazy("出具补正告知书"),
    "resubmitted": gettext_lazy("提交补正材料"),
    "refused": gettext_lazy("不予受理"),
    "accepted": gettext_lazy("受理"),
    "deemed_accepted": gettext_lazy("视为受理"),
    "special_procedure_started": gettext_lazy("启动特别程序"),
    "special_procedure_ended": gettext_lazy("特别程序结束"),
    "notice_delivered": gettext_lazy("告知书送达"),
    "extension_requested": gettext_lazy("申请延期"),
    "extension_granted": gettext_lazy("批准延期"),
    "extension_refused": gettext_lazy("不予批准延期"),
    "extension_filed": gettext_lazy("延期备案"),
    "reported_up": gettext_lazy("上报上级机关"),
    "report_returned": gettext_lazy("上级机关审批返回"),
    "deadline_recomputed": gettext_lazy("期限重算"),
    "step_complete": gettext_lazy("完成办理环节"),
    "decide": gettext_lazy("作出决定"),
    "payment": gettext_lazy("收费"),
    "deliver": gettext_lazy("送达"),
    "archive": gettext_lazy("归档"),
    "withdraw": gettext_lazy("撤回"),
    "priority": gettext_lazy("开通绿色通道"),
    "visit": gettext_lazy("来访登记"),
}

# --- the page ---------------------------------------------------------------------------------------------


def _clock(case: Case, today: Any, suspensions: list[Suspension]) -> dict[str, Any] | None:
    """What the clock panel shows (R-CLK-4..8): stored deadline and colour, and for a running clock the
    derived view (remaining days, frozen while suspended)."""
    timer = case.timer
    if timer is None:
        return None
    view = clock_view(case) if timer.state != TimerState.FINISHED else None
    remaining = overdue = None
    warning = stored_warning(case, today)
    if view is not None:
        calendar = calendar_for(case.center)
        remaining = remaining_working_days(calendar, view, today)
        if warning == Warning.RED and view.deadline is not None:
            # Past the deadline the page says by how much (R-CLK-9), not "0 left".
            overdue = overdue_working_days(calendar, view.deadline, today)
    running = next((s for s in suspensions if s.ended_on is None), None)
    return {
        "view": view,
        "warning": warning,
        "remaining": remaining,
        "overdue": overdue,
        "suspended": timer.state == TimerState.STOPPED,
        # A procedure started after the deadline had passed runs without stopping the clock (R-CLK-4).
        "running": running,
        "reports": reported_spans(case),
    }


def _events(events: list[CaseEvent]) -> list[dict[str, Any]]:
    states = dict(CaseState.choices)
    acting = dict(ActingAs.choices)
    rows = []
    for event in events:
        rows.append(
            {
                "event": event,
                "label": EVENT_LABELS.get(event.action, event.action),
                "acting_as": acting.get(event.acting_as, "") if event.acting_as else "",
                "from_label": states.get(event.from_state, event.from_state),
                "to_label": states.get(event.to_state, event.to_state),
                "changed": event.from_state != event.to_state,
            }
        )
    return rows


def _row_key(action: CaseAction, pk: int) -> str:
    return f"{action.name}:{pk}"


def _panel(action: CaseAction, case: Case, form: f.ActionForm | None, *, opened: bool) -> dict[str, Any]:
    """One action's panel on the case page (`form` None: fetched when the panel is opened)."""
    return {
        "name": action.name,
        "title": action.title,
        "url": keyed_url(f"cases:{action.page_url_name}", case.pk),
        "form": form,
        "confirm": action.confirm,
        "open": opened,
    }


def _context(
    request: HttpRequest,
    case: Case,
    *,
    bound: dict[str, f.ActionForm] | None = None,
    refusal: RuleViolation | None = None,
    conflict: str = "",
    failed: str = "",
    found: list[bool] | None = None,
) -> dict[str, Any]:
    """The page. `bound` holds the forms of a failed POST, by action name (a row's: "<name>:<row pk>");
    `found`, the answers to `PAGE_PROBES` read with the case (`case_page_for_user`)."""
    today = timezone.localdate()
    # The rows listed below, read first and together (one statement): the steps for the rule of who completes
    # the current one, the others because the actions' rules take their facts from them instead of asking
    # again; with them the checklist's checks and the history.
    lists, (checks, history) = page_lists(case, found, also=(CHECKS, HISTORY))
    checklist = case_checklist(case, checks)
    facts = {"checklist": checklist}
    steps, suspensions, extensions = lists[CaseStep], lists[Suspension], lists[Extension]
    notices, requests = lists[Notice], lists[ExtensionRequest]
    acting = acting_of(request.user, case, steps=steps)
    if acting is not None:
        know_rows(acting, extensions=extensions, notices=notices, requests=requests)
    names = available_actions(request.user, case, acting=acting)
    bound = bound or {}
    panel: list[dict[str, Any]] = []
    for action in PANEL:
        if action.name not in names and action.name not in bound:
            continue
        # The open panels carry their forms: the first, and the one whose POST failed. Another panel fetches its
        # form when it is opened (`_action_form`): most visits to a case open none of them.
        form = bound.get(action.name)
        if form is None and (not panel or action.name == failed):
            form = action.form_for(case, facts=facts)
        panel.append(_panel(action, case, form, opened=action.name == failed))
    # The applicant's contacts masked (nothing logged); in full on asking (`case_applicant`, logged).
    contacts = applicant_contacts(request.user, case)
    show_applicant = contacts is not None
    # The rows an action can be taken on, each with the actions offered on it (`offered`).
    rows: dict[Target, list[Any]] = {EXTENSION: extensions, NOTICE: notices, EXTENSION_REQUEST: requests}
    for listed in rows.values():
        for row in listed:
            row.offered = []
    for action in ROW_ACTIONS:
        if action.name not in names or action.row_open is None:
            continue
        for row in rows[action.target]:
            if action.row_open(row):
                row.offered.append(
                    {
                        "name": action.name,
                        "url": keyed_url(f"cases:{action.page_url_name}", row.pk),
                        "form": bound.get(_row_key(action, row.pk)) or action.form_for(case, pk=row.pk),
                        "confirm": action.confirm or action.title,
                    }
                )
    return {
        "case": case,
        "today": today,
        "clock": _clock(case, today, suspensions),
        "checklist": checklist,
        "show_applicant": show_applicant,
        "contacts": contacts,
        "reveal_url": keyed_url("cases:case_applicant", case.pk),
        "notices": notices,
        "steps": steps,
        "payments": lists[Payment],
        "visits": lists[Visit],
        "extensions": extensions,
        "extension_requests": requests,
        "suspensions": suspensions,
        "events": _events(history),
        "panel": panel,
        "links": case_links(case, request.user),
        "refusal": refusal,
        "conflict": conflict,
    }


def _render(request: HttpRequest, case: Case, *, status: int = 200, **extra: Any) -> HttpResponse:
    return render(request, "cases/case_detail.html", _context(request, case, **extra), status=status)


@login_required
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case, found = case_page_for_user(request.user, pk)
    return _render(request, case, found=found)


@login_required
@require_GET
def case_applicant(request: HttpRequest, pk: int) -> HttpResponse:
    """The applicant's ID number, phone and e-mail in full, for those who see the applicant (403 for the
    others), each display logged (`cases.access.applicant_contacts`): the case page's applicant section
    (htmx), or a page of its own (without scripts)."""
    case = case_for_user(request.user, pk)
    contacts = applicant_contacts(request.user, case, full=True)
    if contacts is None:
        raise PermissionDenied(_("证件号码、联系方式仅本窗口工作人员可见。"))
    context = {"case": case, "contacts": contacts}
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "cases/_applicant.html", context)
    return render(request, "cases/case_applicant.html", context)


# --- the actions ------------------------------------------------------------------------------------------


def _actor(request: HttpRequest) -> StaffProfile:
    staff = staff_of(request.user)
    if staff is None:
        raise PermissionDenied()
    return staff


def _act(request: HttpRequest, action: CaseAction, pk: int) -> HttpResponse:
    """Parse the action's form, call its service once with the revision the page showed, redirect back; a
    refusal shows the page again with the rule's message (422, nothing changed), a stale page the conflict
    (409). `pk` is the case's, or the row's for an action on a row."""
    case_id = action.target.case_id(pk)
    if case_id is None:
        raise NotFound()
    case = case_for_user(request.user, case_id)
    actor = _actor(request)
    row_pk = None if action.on_case else pk
    key = action.name if action.on_case else _row_key(action, pk)
    form = action.form_for(case, request.POST, pk=row_pk)
    revision = f.RevisionForm(request.POST)
    if not revision.is_valid():
        return _render(request, case, status=409, conflict=_("页面已过期，请刷新页面后重试。"))
    if not form.is_valid():
        return _render(request, case, status=400, bound={key: form}, failed=action.name)
    target = case if action.on_case else action.target.get(pk)
    try:
        result = action.perform(
            actor=actor, target=target, values=form.values(), revision=revision.cleaned_data["revision"]
        )
    except RuleViolation as exc:
        fresh = case_for_user(request.user, case_id)
        bound = {key: form} if action.on_case else {}
        return _render(request, fresh, status=422, bound=bound, refusal=exc, failed=action.name)
    except Conflict as exc:
        return _render(request, case_for_user(request.user, case_id), status=409, conflict=exc.message)
    messages.success(request, action.success(result))
    return redirect("cases:case_detail", pk=case_id)


def _action_form(request: HttpRequest, action: CaseAction, pk: int) -> HttpResponse:
    """GET: the form of an action on the case, as its panel on the case page shows it — fetched by the panel
    when it is opened (htmx), or on a page of its own (without scripts). Only while the action is offered to
    the user (`cases.actions.not_offered_because`: the case's state and the rule its service asks): otherwise
    the panel says why (htmx), or the request is refused like any other (403)."""
    case = case_for_user(request.user, pk)
    message = not_offered_because(acting_of(request.user, case), action)
    if message:
        if request.htmx:  # type: ignore[attr-defined]
            return render(request, "cases/_action_refused.html", {"message": message, "case": case})
        raise PermissionDenied(message)
    context = {"a": _panel(action, case, action.form_for(case), opened=True), "case": case}
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "cases/_action_form.html", context)
    return render(request, "cases/case_action.html", context)


def _action_view(action: CaseAction) -> Callable[[HttpRequest, int], HttpResponse]:
    methods = ["GET", "POST"] if action.on_case else ["POST"]

    @login_required
    @require_http_methods(methods)
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        if request.method == "GET":
            return _action_form(request, action, pk)
        return _act(request, action, pk)

    view.__name__ = view.__qualname__ = action.page_url_name
    view.__doc__ = f"POST: {action.name} (one service call)" + (", GET: its form." if action.on_case else ".")
    return view


urlpatterns: list[URLPattern] = [
    path("case/<int:pk>/", case_detail, name="case_detail"),
    path("case/<int:pk>/applicant/", case_applicant, name="case_applicant"),
    *(
        path(
            f"{action.target.page_prefix}/<int:pk>/{action.segment}/",
            _action_view(action),
            name=action.page_url_name,
        )
        for action in ACTIONS
    ),
]
