"""The leave pages (R-ATT-3 … R-ATT-6, R-ATT-9): my requests and the new request, the requests waiting for me,
a request with its approvals, covers and hand-overs, and the approve / refuse / return / withdraw actions.

Thin: reads through `staffing.selectors_leave`, each write one service call; a refusal is shown with its rule
id (422) and nothing changed.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from common import files
from common.errors import NotFound, PermissionDenied, RuleViolation
from common.months import shift_month
from org.access import CAN_APPROVE_LEAVE, home_center, require_role
from org.forms import show_refusal
from org.models import StaffProfile

from ..models import HalfDay, LeaveKind, LeaveRequest, LeaveState, ReturnHow
from ..selectors_facts import staffing_facts_of
from ..selectors_leave import handovers_to, leave_visible_to, leaves_of, leaves_unreturned, leaves_waiting_for
from ..services import leave as leave_services
from .duty import _month as month_of


class LeaveForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("请假类别"), choices=LeaveKind.choices)
    start_date = forms.DateField(
        label=gettext_lazy("开始日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    start_half = forms.ChoiceField(label=gettext_lazy("开始于"), choices=HalfDay.choices)
    end_date = forms.DateField(label=gettext_lazy("结束日期"), widget=forms.DateInput(attrs={"type": "date"}))
    end_half = forms.ChoiceField(
        label=gettext_lazy("结束于"), choices=HalfDay.choices, initial=HalfDay.AFTERNOON
    )
    reason = forms.CharField(
        label=gettext_lazy("事由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=500
    )
    outing_entry = forms.CharField(
        label=gettext_lazy("外出登记（去向及事由）"),
        required=False,
        max_length=500,
        help_text=gettext_lazy("因公临时外出须填写。"),
    )
    attachment = forms.FileField(
        label=gettext_lazy("证明（病假须附医院证明）"),
        required=False,
        help_text=gettext_lazy("PDF、JPG或PNG"),
    )

    def __init__(self, *args: Any, staff: StaffProfile, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        now = timezone.now()
        self.posts = leave_services.posts_held_as_a(staff, now)
        for post in self.posts:
            choices = [("", "—")] + [(b.pk, b.name) for b in leave_services.backups_of(post, now)]
            self.fields[f"cover_{post.pk}"] = forms.TypedChoiceField(
                label=_("岗位“%(post)s”（%(window)s）的顶岗B角")
                % {"post": post.name, "window": post.window.name},
                choices=choices,
                coerce=int,
                required=False,
            )

    def covers(self) -> dict[int, int]:
        return {post.pk: self.cleaned_data.get(f"cover_{post.pk}") or 0 for post in self.posts}


class DecideForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("意见"), required=False, max_length=500)


class ReturnForm(forms.Form):
    how = forms.ChoiceField(label=gettext_lazy("销假方式"), choices=ReturnHow.choices)
    note = forms.CharField(label=gettext_lazy("说明"), required=False, max_length=500)


def _profile(request: HttpRequest) -> StaffProfile:
    profile = getattr(request.user, "staff_profile", None)
    if profile is None:
        raise PermissionDenied(_("此页面只对有工作人员档案的用户开放。"))
    return profile


@login_required
def leave_mine(request: HttpRequest) -> HttpResponse:
    """我的请假: my month's attendance facts (R-ASM-5, `?month=YYYY-MM`), my requests, the hand-overs to me now,
    and the new request (R-ATT-3, R-ATT-5)."""
    staff = _profile(request)
    status = 200
    if request.method == "POST":
        form = LeaveForm(request.POST, request.FILES, staff=staff)
        if form.is_valid():
            data = form.cleaned_data
            try:
                leave = leave_services.leave_request(
                    actor=request.user,
                    kind=data["kind"],
                    start_date=data["start_date"],
                    start_half=data["start_half"],
                    end_date=data["end_date"],
                    end_half=data["end_half"],
                    reason=data["reason"],
                    outing_entry=data["outing_entry"],
                    attachment=data.get("attachment"),
                    covers=form.covers(),
                )
            except RuleViolation as violation:
                show_refusal(form, violation)
                status = 422
            else:
                messages.success(request, _("请假申请已提交，等待审批。"))
                return redirect("staffing:leave_detail", pk=leave.pk)
        else:
            status = 422
    else:
        form = LeaveForm(staff=staff)
    year, month = month_of(request)
    context = {
        "form": form,
        "leaves": leaves_of(staff),
        "handovers": handovers_to(staff, timezone.now()),
        "my_month": staffing_facts_of(staff, year, month),
        "month_previous": shift_month(year, month, -1),
        "month_next": shift_month(year, month, 1),
    }
    return render(request, "staffing/leave_mine.html", context, status=status)


@login_required
@require_GET
def leave_approvals(request: HttpRequest) -> HttpResponse:
    """待我审批: the requests whose current step is mine, and the approved leaves not closed (R-ATT-4, R-ATT-6)."""
    center = home_center(request.user)
    require_role(request.user, center, CAN_APPROVE_LEAVE)
    now = timezone.now()
    running = LeaveRequest.objects.filter(center=center, state=LeaveState.APPROVED).select_related("staff")
    returnable = [
        x for x in running.order_by("ends_at")[:200] if leave_services.may_record_return(request.user, x)
    ]
    context = {
        "center": center,
        "waiting": leaves_waiting_for(request.user, center),
        "returnable": returnable,
        "unreturned": {x.pk for x in leaves_unreturned(center, now)},
        "now": now,
    }
    return render(request, "staffing/leave_approvals.html", context)


def _visible_leave(request: HttpRequest, pk: int) -> LeaveRequest:
    """The leave if the user may see it: the person, a named B, an approver of a step, the supervision section
    and the centre's leadership; anything else is not found."""
    leave = (
        LeaveRequest.objects.select_related("center", "staff", "window", "return_recorded_by")
        .filter(pk=pk)
        .first()
    )
    if leave is None:
        raise NotFound()
    if leave_visible_to(request.user, leave):
        return leave
    raise NotFound()


def _detail(request: HttpRequest, leave: LeaveRequest, *, status: int = 200, **extra: Any) -> HttpResponse:
    step = leave_services.current_step(leave)
    now = timezone.now()
    context = {
        "leave": leave,
        "approvals": leave.approvals.select_related("approver"),
        "covers": leave.covers.select_related("post", "backup"),
        "handovers": leave.handovers.select_related("post", "to_staff"),
        "step": step,
        "may_decide": step is not None and leave_services.may_decide(request.user, leave, step.approver_kind),
        "may_return": leave.state == LeaveState.APPROVED
        and leave_services.may_record_return(request.user, leave),
        "may_withdraw": leave.staff.user_id == request.user.pk
        and leave.state in (LeaveState.PENDING, LeaveState.APPROVED)
        and leave.starts_at > now,
        "unreturned": leave.state == LeaveState.APPROVED and leave.ends_at <= now,
        "decide_form": extra.pop("decide_form", DecideForm()),
        "return_form": extra.pop("return_form", ReturnForm()),
        **extra,
    }
    return render(request, "staffing/leave_detail.html", context, status=status)


@login_required
@require_GET
def leave_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _visible_leave(request, pk))


@login_required
@require_POST
def leave_decide(request: HttpRequest, pk: int) -> HttpResponse:
    leave = _visible_leave(request, pk)
    form = DecideForm(request.POST)
    approve = request.POST.get("decision") == "approve"
    refusal = ""
    if form.is_valid():
        try:
            leave_services.leave_decide(
                actor=request.user, leave=leave, approve=approve, note=form.cleaned_data["note"]
            )
        except RuleViolation as violation:
            refusal = f"{violation.message}（{violation.rule}）"
        else:
            messages.success(request, _("已批准。") if approve else _("已不予批准。"))
            return redirect("staffing:leave_detail", pk=leave.pk)
    leave.refresh_from_db()
    return _detail(request, leave, status=422, decide_form=form, refusal=refusal)


@login_required
@require_POST
def leave_return(request: HttpRequest, pk: int) -> HttpResponse:
    leave = _visible_leave(request, pk)
    form = ReturnForm(request.POST)
    refusal = ""
    if form.is_valid():
        try:
            leave_services.leave_return(
                actor=request.user, leave=leave, how=form.cleaned_data["how"], note=form.cleaned_data["note"]
            )
        except RuleViolation as violation:
            refusal = f"{violation.message}（{violation.rule}）"
        else:
            messages.success(request, _("已销假。"))
            return redirect("staffing:leave_detail", pk=leave.pk)
    leave.refresh_from_db()
    return _detail(request, leave, status=422, return_form=form, refusal=refusal)


@login_required
@require_POST
def leave_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    leave = _visible_leave(request, pk)
    try:
        leave_services.leave_withdraw(actor=request.user, leave=leave, reason=request.POST.get("reason", ""))
    except RuleViolation as violation:
        return _detail(request, leave, status=422, refusal=f"{violation.message}（{violation.rule}）")
    messages.success(request, _("请假已撤回。"))
    return redirect(reverse("staffing:leave_mine"))


@login_required
@require_GET
def leave_attachment(request: HttpRequest, pk: int) -> FileResponse:
    leave = _visible_leave(request, pk)
    return files.serve(leave.attachment, download_name=leave.attachment_name or "leave")
