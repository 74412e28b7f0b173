"""The window workbench (issue 3, item 9): one page for a staff member, and the pages it leads to.

- `workbench`: my queue (open cases I am responsible for, or whose current step is at a post I hold as A),
  my window's queue, the posts I cover as B today while their A is away (R-ORG-7), my inquiries (R-CASE-1)
  and today's appointments (R-CASE-13). Each case shows its state, deadline and warning colour, read with
  its row (`cases.selectors.rows`); the page costs a fixed number of queries however many cases there are.
- inquiries: log one (the signed-in staff member is the first receiver), its page, and one POST per action
  (handle, refer, acknowledge, escalate), each calling one `cases.services.intake` function.
- `case_receive`: receive an application at the window, with optional uploads per material (R-CASE-2).

Thin: reads go through `cases.access` / `org.access` (another centre's objects are 404), writes through one
service call; a refusal re-renders the page with the rule's message (422) and nothing changed.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.access import case_by_reference, inquiry_for_user, log_inquiry_access, work_windows
from cases.models import (
    Inquiry,
    InquiryStatus,
)
from cases.selectors.actions import staff_of
from cases.services import intake
from catalog.models import Item
from catalog.selectors import published_items
from common.errors import PermissionDenied, RuleViolation
from common.history import history_of
from common.i18n import stored
from org.models import StaffProfile, Window
from org.selectors import leadership

from .. import forms as f
from .. import selectors

# How the inquiry's record names each action (R-CASE-1).
INQUIRY_ACTIONS: dict[str, Any] = {
    "inquiry_logged": gettext_lazy("登记咨询"),
    "inquiry_handled": gettext_lazy("办结"),
    "inquiry_referred": gettext_lazy("转办"),
    "inquiry_referral_acknowledged": gettext_lazy("确认接收转办"),
    "inquiry_escalated": gettext_lazy("上报领导"),
}


# --- who and where ----------------------------------------------------------------------------------------


def _staff(request: HttpRequest) -> StaffProfile:
    staff = staff_of(request.user)
    if staff is None:
        raise PermissionDenied(_("只有工作人员可以使用窗口工作台。"))
    return staff


# --- the workbench ----------------------------------------------------------------------------------------


@login_required
@require_GET
def workbench(request: HttpRequest) -> HttpResponse:
    """The signed-in staff member's workbench."""
    bench = selectors.workbench(request.user, _staff(request), timezone.now())
    context = {**vars(bench), "several_windows": len(bench.windows) > 1}
    return render(request, "desk/workbench.html", context)


# --- inquiries (R-CASE-1) -------------------------------------------------------------------------------------


def _refer_windows(inquiry: Inquiry) -> QuerySet[Window]:
    return (
        Window.objects.filter(center_id=inquiry.center_id, is_active=True)
        .exclude(pk=inquiry.window_id)
        .order_by("number", "pk")
    )


def _leaders(inquiry: Inquiry) -> QuerySet[StaffProfile]:
    ids = [
        leader.staff.pk for leader in leadership(inquiry.center) if leader.staff and leader.staff.is_active
    ]
    return StaffProfile.objects.filter(pk__in=ids).order_by("name", "pk")


def _inquiry_forms(inquiry: Inquiry, bound: dict[str, Any]) -> dict[str, Any]:
    forms: dict[str, Any] = {}
    if inquiry.status == InquiryStatus.OPEN:
        forms["handle"] = bound.get("handle") or f.InquiryHandleForm()
        forms["refer"] = bound.get("refer") or f.InquiryReferForm(windows=_refer_windows(inquiry))
        forms["escalate"] = bound.get("escalate") or f.InquiryEscalateForm(leaders=_leaders(inquiry))
    if inquiry.status == InquiryStatus.REFERRED and inquiry.referral_acknowledged_at is None:
        forms["acknowledge"] = bound.get("acknowledge") or f.EmptyForm()
    return forms


def _render_inquiry(
    request: HttpRequest,
    inquiry: Inquiry,
    *,
    status: int = 200,
    bound: dict[str, Any] | None = None,
    refusal: RuleViolation | None = None,
    failed: str = "",
) -> HttpResponse:
    if inquiry.asker_phone:
        log_inquiry_access(user=request.user, inquiry=inquiry, purpose=stored(gettext_lazy("查看咨询")))
    context = {
        "inquiry": inquiry,
        "forms": _inquiry_forms(inquiry, bound or {}),
        "history": [
            {"entry": entry, "label": INQUIRY_ACTIONS.get(entry.action, entry.action)}
            for entry in history_of(inquiry).select_related("actor__staff_profile").order_by("at", "id")
        ],
        "refusal": refusal,
        "failed": failed,
    }
    return render(request, "desk/inquiry_detail.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def inquiry_new(request: HttpRequest) -> HttpResponse:
    """Log an inquiry at the window, by phone or from the web, with the signed-in staff as first receiver."""
    staff = _staff(request)
    windows = work_windows(request.user, staff, as_backup=True)
    if not windows:
        raise PermissionDenied(_("您不在任何窗口工作，不能登记咨询。"))
    items = published_items(staff.center)
    initial = {"window": windows[0].pk}
    form = f.InquiryForm(
        request.POST if request.method == "POST" else None,
        windows=windows,
        items=items,
        initial=initial,
    )
    refusal: RuleViolation | None = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                inquiry = intake.inquiry_log(
                    actor=staff,
                    window=data["window"],
                    channel=data["channel"],
                    question=data["question"],
                    asker_name=data["asker_name"],
                    asker_phone=data["asker_phone"],
                    item=data["item"],
                )
            except RuleViolation as exc:
                refusal, status = exc, 422
            else:
                messages.success(request, _("咨询已登记，您是首问责任人。"))
                return redirect("desk:inquiry_detail", pk=inquiry.pk)
        else:
            status = 400
    return render(request, "desk/inquiry_form.html", {"form": form, "refusal": refusal}, status=status)


@login_required
@require_GET
def inquiry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_inquiry(request, inquiry_for_user(request.user, pk))


def _after_inquiry_action(request: HttpRequest, inquiry: Inquiry) -> HttpResponse:
    if request.POST.get("next") == "workbench":
        return redirect("desk:workbench")
    return redirect("desk:inquiry_detail", pk=inquiry.pk)


def _inquiry_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    inquiry = inquiry_for_user(request.user, pk)
    staff = _staff(request)
    form: Any
    if action == "handle":
        form = f.InquiryHandleForm(request.POST)
    elif action == "refer":
        form = f.InquiryReferForm(request.POST, windows=_refer_windows(inquiry))
    elif action == "escalate":
        form = f.InquiryEscalateForm(request.POST, leaders=_leaders(inquiry))
    else:
        form = f.EmptyForm(request.POST)
    if not form.is_valid():
        return _render_inquiry(request, inquiry, status=400, bound={action: form}, failed=action)
    data = form.cleaned_data
    try:
        if action == "handle":
            case = case_by_reference(request.user, data["case_number"])
            if data["case_number"].strip() and case is None:
                form.add_error("case_number", _("找不到该办件，请核对办件编号。"))
                return _render_inquiry(request, inquiry, status=400, bound={action: form}, failed=action)
            intake.inquiry_handle(
                actor=staff, inquiry=inquiry, outcome=data["outcome"], answer=data["answer"], case=case
            )
            message = _("咨询已办结。")
        elif action == "refer":
            intake.inquiry_refer(
                actor=staff,
                inquiry=inquiry,
                to_window=data["to_window"],
                mode=data["mode"],
                note=data["note"],
            )
            message = _("已转办至%(window)s，待该窗口确认接收。") % {"window": data["to_window"]}
        elif action == "escalate":
            intake.inquiry_escalate(
                actor=staff, inquiry=inquiry, leader=data["leader"], reason=data["reason"]
            )
            message = _("已上报%(name)s。") % {"name": data["leader"].name}
        else:
            intake.inquiry_acknowledge(actor=staff, inquiry=inquiry)
            message = _("已确认接收转办的咨询。")
    except RuleViolation as exc:
        fresh = inquiry_for_user(request.user, pk)
        return _render_inquiry(request, fresh, status=422, bound={action: form}, refusal=exc, failed=action)
    messages.success(request, message)
    return _after_inquiry_action(request, inquiry)


@login_required
@require_POST
def inquiry_handle(request: HttpRequest, pk: int) -> HttpResponse:
    """Close the inquiry as handled, with its outcome and answer (R-CASE-1)."""
    return _inquiry_action(request, pk, "handle")


@login_required
@require_POST
def inquiry_refer(request: HttpRequest, pk: int) -> HttpResponse:
    """Refer the inquiry to the competent window, escorted or with its phone (R-CASE-1)."""
    return _inquiry_action(request, pk, "refer")


@login_required
@require_POST
def inquiry_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    """The receiving window takes over a referred inquiry (R-CASE-1)."""
    return _inquiry_action(request, pk, "acknowledge")


@login_required
@require_POST
def inquiry_escalate(request: HttpRequest, pk: int) -> HttpResponse:
    """Report the inquiry to a centre leader (R-CASE-1)."""
    return _inquiry_action(request, pk, "escalate")


# --- receiving an application (R-CASE-2) -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def case_receive(request: HttpRequest) -> HttpResponse:
    """Receive an application: first the window and item, then the applicant and optional uploads."""
    staff = _staff(request)
    windows = work_windows(request.user, staff, as_backup=True)
    if not windows:
        raise PermissionDenied(_("您不在任何窗口工作，不能收件。"))
    source = request.POST if request.method == "POST" else request.GET
    items = selectors.items_served(staff, windows)
    pick = f.ItemPickForm(
        source if "item" in source else None,
        windows=windows,
        items=items,
        initial={"window": windows[0].pk},
    )
    context: dict[str, Any] = {"pick": pick, "form": None, "refusal": None, "item": None, "window": None}
    if not pick.is_bound:
        return render(request, "desk/receive.html", context)
    if not pick.is_valid():
        return render(request, "desk/receive.html", context, status=400)
    window: Window = pick.cleaned_data["window"]
    item: Item = pick.cleaned_data["item"]
    version = item.current_version
    assert version is not None  # published_items only lists items with a current version
    materials = list(version.materials.all().order_by("order", "pk"))
    form = f.ReceiveForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        materials=materials,
    )
    context.update(form=form, item=item, window=window, version=version)
    if request.method == "GET":
        return render(request, "desk/receive.html", context)
    if not form.is_valid():
        return render(request, "desk/receive.html", context, status=400)
    try:
        case = intake.case_receive(
            actor=staff,
            window=window,
            item=item,
            applicant=form.applicant(),
            channel=form.cleaned_data["channel"],
            uploads=form.uploads(),
        )
    except RuleViolation as exc:
        context["refusal"] = exc
        return render(request, "desk/receive.html", context, status=422)
    messages.success(request, _("已收件，请审查材料。"))
    return redirect("cases:case_detail", pk=case.pk)


urlpatterns: list[URLPattern] = [
    path("workbench/", workbench, name="workbench"),
    path("inquiries/new/", inquiry_new, name="inquiry_new"),
    path("inquiries/<int:pk>/", inquiry_detail, name="inquiry_detail"),
    path("inquiries/<int:pk>/handle/", inquiry_handle, name="inquiry_handle"),
    path("inquiries/<int:pk>/refer/", inquiry_refer, name="inquiry_refer"),
    path("inquiries/<int:pk>/acknowledge/", inquiry_acknowledge, name="inquiry_acknowledge"),
    path("inquiries/<int:pk>/escalate/", inquiry_escalate, name="inquiry_escalate"),
    path("receive/", case_receive, name="case_receive"),
]
