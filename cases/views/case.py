"""The case page (issue 3, item 9): the case with its clock, checklist, notices, steps, payments, visits,
extensions, special procedures and history, and one POST view per action.

Thin: every fetch goes through `cases.access.case_for_user`; each action parses its form, calls ONE service
with the revision the page showed, and redirects back. A refusal re-renders the page with the rule's message
(422, nothing changed); a stale page gets the conflict message (409).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from common.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from common.i18n import stored
from org.models import StaffProfile
from workdays.models import TimerState
from workdays.selectors import calendar_for
from workdays.timer import remaining_working_days

from .. import forms_case as f
from ..access import can_see_applicant, case_for_user, log_applicant_access
from ..models import ActingAs, Case, CaseState, Extension, Notice, NoticeKind, Payment, Visit
from ..selectors.actions import (
    ACTIONS,
    EXTENSION_FILE,
    NOTICE_DELIVERED,
    available_actions,
    extension_approvers,
    staff_of,
)
from ..selectors.clock import clock_view, reported_spans, stored_warning
from ..selectors.intake import case_checklist
from ..services import clock as clock_services
from ..services import handling, intake

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
    "extension_granted": gettext_lazy("批准延期"),
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

# The panel's title of each action.
ACTION_TITLES: dict[str, Any] = {
    "check": gettext_lazy("材料审查"),
    "correction": gettext_lazy("出具补正告知书"),
    "resubmit": gettext_lazy("登记补正材料"),
    "accept": gettext_lazy("受理"),
    "refuse": gettext_lazy("不予受理"),
    "step": gettext_lazy("完成当前办理环节"),
    "decide": gettext_lazy("作出决定"),
    "suspend": gettext_lazy("启动特别程序（暂停计时）"),
    "resume": gettext_lazy("结束特别程序（恢复计时）"),
    "report_up": gettext_lazy("上报上级机关"),
    "report_returned": gettext_lazy("上级机关审批返回"),
    "extend": gettext_lazy("延期"),
    "payment": gettext_lazy("登记收费"),
    "deliver": gettext_lazy("送达"),
    "archive": gettext_lazy("归档"),
    "priority": gettext_lazy("开通绿色通道"),
    "visit": gettext_lazy("登记来访"),
    "withdraw": gettext_lazy("申请人撤回"),
}

# What the action's button says when it has no input (the others say "提交").
CONFIRM_LABELS: dict[str, Any] = {
    "correction": gettext_lazy("出具补正告知书"),
    "resubmit": gettext_lazy("申请人已提交补正材料"),
    "accept": gettext_lazy("予以受理"),
    "archive": gettext_lazy("归档"),
}


# --- forms ------------------------------------------------------------------------------------------------


def _auto_id(action: str) -> str:
    """The element ids of `action`'s fields: the page holds every action's form at once, and several share
    field names (`reason`, `method`…), so each form's ids carry its action for its labels to find them."""
    return f"id_{action}_%s"


def _check_form(case: Case, data: Any = None, checklist: list[Any] | None = None) -> f.CheckForm:
    rows = checklist if checklist is not None else case_checklist(case)
    return f.CheckForm(
        data,
        materials=[row.material for row in rows],
        checks={row.material.pk: row.check for row in rows if row.check is not None},
        auto_id=_auto_id("check"),
    )


def _action_form(action: str, case: Case, data: Any = None) -> forms.Form:
    """The (bound when `data` is given) form of `action` on `case`."""
    auto_id = _auto_id(action)
    if action == "check":
        return _check_form(case, data)
    if action == "suspend":
        return f.SuspendForm(data, case=case, auto_id=auto_id)
    if action == "extend":
        return f.ExtendForm(data, approvers=extension_approvers(case), auto_id=auto_id)
    if action == "payment":
        return f.PaymentForm(data, case=case, auto_id=auto_id)
    if action == "visit":
        return f.VisitForm(data, case=case, auto_id=auto_id)
    plain: dict[str, type[forms.Form]] = {
        "refuse": f.RefuseForm,
        "resume": f.ResumeForm,
        "step": f.StepForm,
        "decide": f.DecideForm,
        "deliver": f.DeliverForm,
        "withdraw": f.WithdrawForm,
        "priority": f.PriorityForm,
        "report_up": f.ReportUpForm,
        "report_returned": f.ReportReturnedForm,
    }
    return plain.get(action, f.EmptyForm)(data, auto_id=auto_id)


# --- the page ---------------------------------------------------------------------------------------------


def _clock(case: Case, today: Any) -> dict[str, Any] | None:
    """What the clock panel shows (R-CLK-4..8): stored deadline and colour, and for a running clock the
    derived view (remaining days, frozen while suspended)."""
    timer = case.timer
    if timer is None:
        return None
    view = clock_view(case) if timer.state != TimerState.FINISHED else None
    remaining = None
    if view is not None:
        remaining = remaining_working_days(calendar_for(case.center), view, today)
    running = next((s for s in case.suspensions.all() if s.ended_on is None), None)
    return {
        "view": view,
        "warning": stored_warning(case, today),
        "remaining": remaining,
        "suspended": timer.state == TimerState.STOPPED,
        # A procedure started after the deadline had passed runs without stopping the clock (R-CLK-4).
        "running": running,
        "reports": reported_spans(case),
    }


def _events(case: Case) -> list[dict[str, Any]]:
    states = dict(CaseState.choices)
    acting = dict(ActingAs.choices)
    rows = []
    for event in case.events.select_related("actor").order_by("seq"):
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


def _context(
    request: HttpRequest,
    case: Case,
    *,
    bound: dict[str, forms.Form] | None = None,
    refusal: RuleViolation | None = None,
    conflict: str = "",
    failed: str = "",
    delivery_form: forms.Form | None = None,
    delivery_notice_id: int | None = None,
) -> dict[str, Any]:
    prefetch_related_objects([case], "suspensions")
    today = timezone.localdate()
    checklist = case_checklist(case)
    names = available_actions(request.user, case)
    bound = bound or {}
    panel = []
    for action in ACTIONS:
        if action not in names and action not in bound:
            continue
        if action in bound:
            form = bound[action]
        elif action == "check":
            form = _check_form(case, checklist=checklist)
        else:
            form = _action_form(action, case)
        panel.append(
            {
                "name": action,
                "title": ACTION_TITLES[action],
                "url": f"cases:case_{action}",
                "form": form,
                "confirm": CONFIRM_LABELS.get(action, ""),
                "open": action == failed,
            }
        )
    show_applicant = can_see_applicant(request.user, case)
    if show_applicant:
        log_applicant_access(user=request.user, case=case, purpose=stored(gettext_lazy("查看办件")))
    extensions = list(Extension.objects.filter(case=case).select_related("approved_by", "notice"))
    notices = list(case.notices.select_related("issued_by").order_by("issued_at", "id"))
    for notice in notices:
        # One delivery form per undelivered special-procedure notice, each with its own element ids (R-CLK-4).
        if notice.kind != NoticeKind.SPECIAL_PROCEDURE or notice.delivered_at is not None:
            continue
        if notice.pk == delivery_notice_id and delivery_form is not None:
            notice.delivery_form = delivery_form  # type: ignore[attr-defined]
        else:
            notice.delivery_form = f.NoticeDeliveryForm(auto_id=f"id_notice{notice.pk}_%s")  # type: ignore[attr-defined]
    return {
        "case": case,
        "today": today,
        "clock": _clock(case, today),
        "checklist": checklist,
        "show_applicant": show_applicant,
        "notices": notices,
        "special_procedure": NoticeKind.SPECIAL_PROCEDURE,
        "steps": list(case.steps.select_related("post", "handler").order_by("order")),
        "payments": list(Payment.objects.filter(case=case).select_related("fee", "recorded_by")),
        "visits": list(Visit.objects.filter(case=case).select_related("responsible", "recorded_by")),
        "extensions": extensions,
        "suspensions": list(case.suspensions.all()),
        "events": _events(case),
        "panel": panel,
        "can_file_extensions": EXTENSION_FILE in names,
        "can_record_delivery": NOTICE_DELIVERED in names,
        "refusal": refusal,
        "conflict": conflict,
    }


def _render(request: HttpRequest, case: Case, *, status: int = 200, **extra: Any) -> HttpResponse:
    return render(request, "cases/case_detail.html", _context(request, case, **extra), status=status)


@login_required
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render(request, case_for_user(request.user, pk))


# --- the actions ------------------------------------------------------------------------------------------

# Each action: (call the service with actor, case, cleaned data and expected revision; success message).
Perform = Callable[[StaffProfile, Case, dict[str, Any], int], str]


def _actor(request: HttpRequest) -> StaffProfile:
    staff = staff_of(request.user)
    if staff is None:
        raise PermissionDenied()
    return staff


def _act(request: HttpRequest, pk: int, action: str, perform: Perform) -> HttpResponse:
    case = case_for_user(request.user, pk)
    actor = _actor(request)
    form = _action_form(action, case, request.POST)
    revision = f.RevisionForm(request.POST)
    if not revision.is_valid():
        return _render(request, case, status=409, conflict=_("页面已过期，请刷新页面后重试。"))
    if not form.is_valid():
        return _render(request, case, status=400, bound={action: form}, failed=action)
    try:
        message = perform(actor, case, form.cleaned_data, revision.cleaned_data["revision"])
    except RuleViolation as exc:
        fresh = case_for_user(request.user, pk)
        return _render(request, fresh, status=422, bound={action: form}, refusal=exc, failed=action)
    except Conflict as exc:
        return _render(request, case_for_user(request.user, pk), status=409, conflict=exc.message)
    messages.success(request, message)
    return redirect("cases:case_detail", pk=pk)


def _check(actor: StaffProfile, case: Case, data: dict[str, Any], revision: int) -> str:
    results = {
        int(key.removeprefix("status_")): (status, data.get(f"note_{key.removeprefix('status_')}") or "")
        for key, status in data.items()
        if key.startswith("status_") and status
    }
    intake.case_check_materials(actor=actor, case=case, results=results, expected_revision=revision)
    return _("材料审查结果已保存。")


def _correction(actor: StaffProfile, case: Case, data: dict[str, Any], revision: int) -> str:
    notice = intake.case_issue_correction(actor=actor, case=case, expected_revision=revision)
    return _("已出具补正告知书 %(number)s。") % {"number": notice.number}


def _resubmit(actor: StaffProfile, case: Case, data: dict[str, Any], revision: int) -> str:
    intake.case_resubmit(actor=actor, case=case, expected_revision=revision)
    return _("已登记补正材料，请重新审查。")


def _refuse(actor: StaffProfile, case: Case, data: dict[str, Any], revision: int) -> str:
    notice = intake.case_refuse(actor=actor, case=case, expected_revision=revision, **data)
    return _("已出具不予受理告知书 %(number)s。") % {"number": notice.number}


def _accept(actor: StaffProfile, case: Case, data: dict[str, Any], revision: int) -> str:
    notice = intake.case_accept(actor=actor, case=case, expected_revision=revision)
    return _("已受理，受理通知书 %(number)s。") % {"number": notice.number}


def _suspend(actor: StaffProfile, case: Case, data: dict[str, Any], revision: int) -> str:
    suspension = clock_services.special_procedure_start(
        actor=actor, case=case, expected_revision=revision, **data
    )
    return _("已启动特别程序（%(kind)s），暂停计时。") % {"kind": suspension.get_kind_display()}


def _resume(actor: StaffProfile, case: Case, data: dict[str, Any], revision: int) -> str:
    clock_services.special_procedure_end(actor=actor, case=case, expected_revision=revision, **data)
    return _("特别程序已结束，恢复计时。")


def _extend(actor: StaffProfile, case: Case, data: dict[str, Any], revision: int) -> str:
    extension = clock_services.extension_grant(actor=actor, case=case, expected_revision=revision, **data)
    return _("已延期%(days)s个工作日。") % {"days": extension.days}


def _step(actor: StaffProfile, case: Case, data: dict[str, Any], revision: int) -> str:
    step = handling.step_complete(actor=actor, case=case, expected_revision=revision, **data)
    return _("“%(name)s”环节已完成。") % {"name": step.name}


def _decide(actor: StaffProfile, case: Case, data: dict[str, Any], revision: int) -> str:
    values = dict(data)
    approve = values.pop("decision") == "approve"
    notice = handling.case_decide(
        actor=actor, case=case, approve=approve, expected_revision=revision, **values
    )
    return _("已作出决定，%(kind)s %(number)s。") % {
        "kind": notice.get_kind_display(),
        "number": notice.number,
    }


def _payment(actor: StaffProfile, case: Case, data: dict[str, Any], revision: int) -> str:
    payment = handling.payment_record(actor=actor, case=case, expected_revision=revision, **data)
    return _("已登记收费 %(amount)s 元。") % {"amount": payment.amount}


def _deliver(actor: StaffProfile, case: Case, data: dict[str, Any], revision: int) -> str:
    handling.case_deliver(actor=actor, case=case, expected_revision=revision, **data)
    return _("已登记送达。")


def _archive(actor: StaffProfile, case: Case, data: dict[str, Any], revision: int) -> str:
    handling.case_archive(actor=actor, case=case, expected_revision=revision)
    return _("已归档。")


def _withdraw(actor: StaffProfile, case: Case, data: dict[str, Any], revision: int) -> str:
    handling.case_withdraw(actor=actor, case=case, expected_revision=revision, **data)
    return _("申请已撤回。")


def _priority(actor: StaffProfile, case: Case, data: dict[str, Any], revision: int) -> str:
    handling.case_set_priority(actor=actor, case=case, expected_revision=revision, **data)
    return _("已开通绿色通道。")


def _visit(actor: StaffProfile, case: Case, data: dict[str, Any], revision: int) -> str:
    visit = handling.visit_record(actor=actor, case=case, expected_revision=revision, **data)
    return _("已登记来访（两头跑）。") if visit.is_shuttle else _("已登记来访。")


def _report_up(actor: StaffProfile, case: Case, data: dict[str, Any], revision: int) -> str:
    clock_services.case_report_up(actor=actor, case=case, expected_revision=revision, **data)
    return _("已上报上级机关，窗口暂停计时。")


def _report_returned(actor: StaffProfile, case: Case, data: dict[str, Any], revision: int) -> str:
    clock_services.case_report_returned(actor=actor, case=case, expected_revision=revision, **data)
    return _("上级机关审批已返回，恢复计时。")


PERFORMERS: dict[str, Perform] = {
    "check": _check,
    "correction": _correction,
    "resubmit": _resubmit,
    "refuse": _refuse,
    "accept": _accept,
    "suspend": _suspend,
    "resume": _resume,
    "extend": _extend,
    "step": _step,
    "decide": _decide,
    "payment": _payment,
    "deliver": _deliver,
    "archive": _archive,
    "withdraw": _withdraw,
    "priority": _priority,
    "visit": _visit,
    "report_up": _report_up,
    "report_returned": _report_returned,
}


def _action_view(action: str) -> Callable[[HttpRequest, int], HttpResponse]:
    perform = PERFORMERS[action]

    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        return _act(request, pk, action, perform)

    view.__name__ = view.__qualname__ = f"case_{action}"
    view.__doc__ = f"POST: {action} on the case (one service call)."
    return view


case_check = _action_view("check")
case_correction = _action_view("correction")
case_resubmit = _action_view("resubmit")
case_refuse = _action_view("refuse")
case_accept = _action_view("accept")
case_suspend = _action_view("suspend")
case_resume = _action_view("resume")
case_extend = _action_view("extend")
case_step = _action_view("step")
case_decide = _action_view("decide")
case_payment = _action_view("payment")
case_deliver = _action_view("deliver")
case_archive = _action_view("archive")
case_withdraw = _action_view("withdraw")
case_priority = _action_view("priority")
case_visit = _action_view("visit")
case_report_up = _action_view("report_up")
case_report_returned = _action_view("report_returned")


@login_required
@require_POST
def extension_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The coordination section files an extension (R-CLK-5)."""
    case_id = Extension.objects.filter(pk=pk).values_list("case_id", flat=True).first()
    if case_id is None:
        raise NotFound()
    case = case_for_user(request.user, case_id)
    actor = _actor(request)
    revision = f.RevisionForm(request.POST)
    if not revision.is_valid():
        return _render(request, case, status=409, conflict=_("页面已过期，请刷新页面后重试。"))
    extension = Extension.objects.get(pk=pk)
    try:
        clock_services.extension_file(
            actor=actor, extension=extension, expected_revision=revision.cleaned_data["revision"]
        )
    except RuleViolation as exc:
        return _render(request, case_for_user(request.user, case_id), status=422, refusal=exc)
    except Conflict as exc:
        return _render(request, case_for_user(request.user, case_id), status=409, conflict=exc.message)
    messages.success(request, _("延期已备案。"))
    return redirect("cases:case_detail", pk=case.pk)


@login_required
@require_POST
def notice_delivered(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the delivery of a special-procedure notice to the applicant (R-CLK-4)."""
    case_id = Notice.objects.filter(pk=pk).values_list("case_id", flat=True).first()
    if case_id is None:
        raise NotFound()
    case = case_for_user(request.user, case_id)
    actor = _actor(request)
    form = f.NoticeDeliveryForm(request.POST, auto_id=f"id_notice{pk}_%s")
    revision = f.RevisionForm(request.POST)
    if not revision.is_valid():
        return _render(request, case, status=409, conflict=_("页面已过期，请刷新页面后重试。"))
    if not form.is_valid():
        return _render(request, case, status=400, delivery_form=form, delivery_notice_id=pk)
    notice = Notice.objects.get(pk=pk)
    try:
        clock_services.special_procedure_notice_delivered(
            actor=actor,
            notice=notice,
            method=form.cleaned_data["method"],
            expected_revision=revision.cleaned_data["revision"],
        )
    except RuleViolation as exc:
        return _render(request, case_for_user(request.user, case_id), status=422, refusal=exc)
    except Conflict as exc:
        return _render(request, case_for_user(request.user, case_id), status=409, conflict=exc.message)
    messages.success(request, _("已记录%(notice)s的送达。") % {"notice": notice})
    return redirect("cases:case_detail", pk=case.pk)


VIEWS: dict[str, Callable[[HttpRequest, int], HttpResponse]] = {
    "check": case_check,
    "correction": case_correction,
    "resubmit": case_resubmit,
    "refuse": case_refuse,
    "accept": case_accept,
    "suspend": case_suspend,
    "resume": case_resume,
    "extend": case_extend,
    "step": case_step,
    "decide": case_decide,
    "payment": case_payment,
    "deliver": case_deliver,
    "archive": case_archive,
    "withdraw": case_withdraw,
    "priority": case_priority,
    "visit": case_visit,
    "report_up": case_report_up,
    "report_returned": case_report_returned,
}

urlpatterns: list[URLPattern] = [
    path("case/<int:pk>/", case_detail, name="case_detail"),
    *(
        path(f"case/<int:pk>/{action.replace('_', '-')}/", view, name=f"case_{action}")
        for action, view in VIEWS.items()
    ),
    path("extension/<int:pk>/file/", extension_file, name="extension_file"),
    path("notice/<int:pk>/delivered/", notice_delivered, name="case_notice_delivered"),
]
