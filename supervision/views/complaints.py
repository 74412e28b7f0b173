"""The desk's complaint pages (R-CMP-1 … R-CMP-7): the inbox with its timers, the register form, the complaint's
page with its answer, delay explanation, transfer and closing, the identity shown on request, the Excel export.

Thin: reads through `supervision.selectors.complaints`, each write one service call; a refusal re-renders the
page with the rule's message (422) and nothing changed; a role refusal is the 403 page. No page shows the
complainant's identity except the answer to the deliberate "查看投诉人身份" request, which the service logs.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.errors import NotFound, RuleViolation
from org.access import CAN_HANDLE_COMPLAINTS, center_for, require_role, visible_center_ids, visible_centers
from org.models import Center, StaffProfile, Window

from .. import exports
from ..models import (
    AnswerVia,
    Complaint,
    ComplaintChannel,
    ComplaintState,
    DisposalGrade,
    ReferredFrom,
    ground_choices_grouped,
)
from ..selectors import complaints as selectors
from ..services import complaints as services

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _center(request: HttpRequest) -> Center:
    center = center_for(request.user, request.GET.get("center") or None)
    require_role(request.user, center, CAN_HANDLE_COMPLAINTS)
    return center


class RegisterForm(forms.Form):
    channel = forms.ChoiceField(label=gettext_lazy("投诉渠道"), choices=ComplaintChannel.choices)
    referred_from = forms.ChoiceField(
        label=gettext_lazy("转办来源"), choices=[("", "---------"), *ReferredFrom.choices], required=False
    )
    window = forms.ModelChoiceField(
        label=gettext_lazy("被投诉窗口"), queryset=Window.objects.none(), required=False
    )
    person = forms.ModelChoiceField(
        label=gettext_lazy("被投诉人"), queryset=StaffProfile.objects.none(), required=False
    )
    ground = forms.ChoiceField(label=gettext_lazy("投诉事由"), choices=ground_choices_grouped)
    matter = forms.CharField(label=gettext_lazy("投诉事项"), max_length=2000, widget=forms.Textarea)
    happened_at = forms.DateTimeField(
        label=gettext_lazy("发生时间"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    place = forms.CharField(label=gettext_lazy("发生地点"), max_length=200, required=False)
    about_approval = forms.BooleanField(label=gettext_lazy("涉及行政审批业务事项"), required=False)
    involves_departments = forms.BooleanField(
        label=gettext_lazy("涉及两个以上部门且较为复杂（2个工作日内答复）"), required=False
    )
    named = forms.BooleanField(label=gettext_lazy("实名投诉（身份予以保密）"), required=False)
    name = forms.CharField(label=gettext_lazy("投诉人姓名"), max_length=40, required=False)
    phone = forms.CharField(label=gettext_lazy("联系电话"), max_length=20, required=False)
    address = forms.CharField(label=gettext_lazy("联系地址"), max_length=200, required=False)
    id_number = forms.CharField(label=gettext_lazy("证件号码"), max_length=30, required=False)

    def __init__(self, *args: Any, center: Center, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        windows = Window.objects.filter(center=center, is_active=True).order_by("number")
        self.fields["window"].queryset = windows  # type: ignore[attr-defined]
        people = StaffProfile.objects.filter(center=center, is_active=True).order_by("badge_number")
        self.fields["person"].queryset = people  # type: ignore[attr-defined]

    def identity(self) -> dict[str, str] | None:
        if not self.cleaned_data.get("named"):
            return None
        return {name: self.cleaned_data.get(name) or "" for name in services.IDENTITY_FIELDS}


class AnswerForm(forms.Form):
    answer = forms.CharField(label=gettext_lazy("答复意见"), max_length=2000, widget=forms.Textarea)
    via = forms.ChoiceField(
        label=gettext_lazy("答复方式（无法发送短信时）"),
        choices=[("", "---------"), *[(v.value, v.label) for v in AnswerVia if v != AnswerVia.SMS]],
        required=False,
    )


class ExplainForm(forms.Form):
    explanation = forms.CharField(
        label=gettext_lazy("向投诉人说明的情况"), max_length=2000, widget=forms.Textarea
    )


class TransferForm(forms.Form):
    grade = forms.ChoiceField(
        label=gettext_lazy("处置级别"),
        choices=[(g.value, g.label) for g in DisposalGrade if g != DisposalGrade.SIMPLE],
    )
    to = forms.CharField(label=gettext_lazy("移送机关（可不填）"), max_length=100, required=False)


class CloseForm(forms.Form):
    substantiated = forms.TypedChoiceField(
        label=gettext_lazy("投诉是否属实"),
        choices=[("yes", gettext_lazy("属实")), ("no", gettext_lazy("不属实"))],
        coerce=lambda value: value == "yes",
    )
    finding = forms.CharField(label=gettext_lazy("调查结论"), max_length=2000, widget=forms.Textarea)
    person = forms.ModelChoiceField(
        label=gettext_lazy("责任人（登记时未指明的）"), queryset=StaffProfile.objects.none(), required=False
    )

    def __init__(self, *args: Any, center: Center, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = StaffProfile.objects.filter(center=center, is_active=True).order_by("badge_number")
        self.fields["person"].queryset = people  # type: ignore[attr-defined]


# --- the inbox and its export ---------------------------------------------------------------------------------


@login_required
@require_GET
def complaint_inbox(request: HttpRequest) -> HttpResponse:
    """The complaints the user may see (R-CMP-3), newest first, with each timer's colour and days left."""
    center = _center(request)
    today = timezone.localdate()
    state = request.GET.get("state", "")
    colour = request.GET.get("colour", "")
    rows = selectors.inbox(request.user, center, today, state=state, colour=colour)
    centers = list(visible_centers(request.user))
    context = {
        "center": center,
        "centers": centers if len(centers) > 1 else [],
        "rows": rows,
        "limit": selectors.INBOX_LIMIT,
        "states": ComplaintState.choices,
        "state": state,
        "colour": colour,
        "counts": selectors.complaint_counts(center, today),
        "query": request.GET.urlencode(),
    }
    return render(request, "supervision/complaint_inbox.html", context)


@login_required
@require_GET
def complaint_export(request: HttpRequest) -> HttpResponseBase:
    """The inbox as an .xlsx file, without any complainant's identity (R-CMP-4)."""
    center = _center(request)
    today = timezone.localdate()
    rows = selectors.inbox(
        request.user,
        center,
        today,
        state=request.GET.get("state", ""),
        colour=request.GET.get("colour", ""),
        limit=selectors.EXPORT_LIMIT,
    )
    workbook = exports.complaints_workbook(rows, center=center, at=timezone.localtime())
    filename = _("投诉登记-%(day)s.xlsx") % {"day": f"{today:%Y%m%d}"}
    return FileResponse(workbook, as_attachment=True, filename=filename, content_type=XLSX)


# --- registering ---------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def complaint_new(request: HttpRequest) -> HttpResponse:
    """Register a complaint made on site, by letter, by phone, through the mailboxes, or referred (R-CMP-2)."""
    center = _center(request)
    refusal: RuleViolation | None = None
    if request.method == "POST":
        form = RegisterForm(request.POST, center=center)
        if form.is_valid():
            data = form.cleaned_data
            try:
                registered = services.complaint_register(
                    actor=request.user,
                    center=center,
                    channel=data["channel"],
                    referred_from=data["referred_from"],
                    window=data["window"],
                    person=data["person"],
                    ground=data["ground"],
                    matter=data["matter"],
                    happened_at=data["happened_at"],
                    place=data["place"],
                    about_approval=data["about_approval"],
                    involves_departments=data["involves_departments"],
                    identity=form.identity(),
                )
            except RuleViolation as violation:
                refusal = violation
            else:
                complaint = registered.complaint
                text = _("投诉已登记，编号%(number)s。") % {"number": complaint.number}
                if registered.tracking_code:
                    text += " " + _("请将跟踪码%(code)s告知投诉人（只显示这一次）。") % {
                        "code": registered.tracking_code
                    }
                messages.success(request, text)
                return redirect(_detail_url(complaint))
    else:
        form = RegisterForm(center=center, initial={"channel": ComplaintChannel.ON_SITE})
    status = 422 if refusal else (400 if form.is_bound else 200)
    return render(
        request,
        "supervision/complaint_new.html",
        {"center": center, "form": form, "refusal": refusal},
        status=status,
    )


# --- one complaint ---------------------------------------------------------------------------------------------


def _complaint(request: HttpRequest, complaint_id: int) -> Complaint:
    """The complaint, among those the user may see (NotFound otherwise, as for a missing one)."""
    complaint = Complaint.objects.filter(pk=complaint_id).select_related("center").first()
    if complaint is None:
        raise NotFound()
    return selectors.complaint_for_user(request.user, complaint.center, complaint.pk)


def _detail_url(complaint: Complaint) -> str:
    return reverse("supervision:complaint_detail", args=[complaint.pk])


def _detail(
    request: HttpRequest,
    complaint: Complaint,
    *,
    refusal: RuleViolation | None = None,
    identity: dict[str, str] | None = None,
    failed: str = "",
    bound: forms.Form | None = None,
    status: int = 200,
) -> HttpResponse:
    forms_by_name: dict[str, forms.Form] = {
        "answer": AnswerForm(),
        "explain": ExplainForm(),
        "transfer": TransferForm(),
        "close": CloseForm(center=complaint.center),
    }
    if bound is not None and failed:
        forms_by_name[failed] = bound
    today = timezone.localdate()
    row = selectors.inbox_row(complaint, today)
    open_ = complaint.state != ComplaintState.CLOSED
    answerable = services.awaits_answer(complaint)
    context = {
        "complaint": complaint,
        "row": row,
        "forms": forms_by_name,
        "refusal": refusal,
        "failed": failed,
        "identity": identity,
        "may_read_identity": complaint.named and services.may_read_identity(request.user, complaint),
        "can_answer": answerable,
        "can_transfer": open_
        and complaint.transferred_at is None
        and services.sees_all_complaints(request.user, complaint.center),
        "can_close": open_ and complaint.answered_at is not None,
    }
    return render(request, "supervision/complaint_detail.html", context, status=status)


@login_required
@require_GET
def complaint_detail(request: HttpRequest, complaint_id: int) -> HttpResponse:
    return _detail(request, _complaint(request, complaint_id))


@login_required
@require_POST
def complaint_identity(request: HttpRequest, complaint_id: int) -> HttpResponse:
    """The complainant's identity, shown on the complaint's page on a deliberate request, and logged (R-CMP-4).
    Anyone of the complaint's centre reaches the service, so that a refused attempt is logged too (403)."""
    complaint = Complaint.objects.filter(pk=complaint_id, center__in=visible_center_ids(request.user)).first()
    if complaint is None:
        raise NotFound()
    purpose = (request.POST.get("purpose") or "").strip()[:100]
    try:
        identity = services.complaint_identity_read(actor=request.user, complaint=complaint, purpose=purpose)
    except RuleViolation as violation:
        return _detail(request, complaint, refusal=violation, status=422)
    return _detail(request, complaint, identity=identity)


def _act(request: HttpRequest, complaint_id: int, name: str, form: forms.Form, call: Any) -> HttpResponse:
    complaint = _complaint(request, complaint_id)
    if not form.is_valid():
        return _detail(request, complaint, failed=name, bound=form, status=400)
    try:
        call(complaint, form.cleaned_data)
    except RuleViolation as violation:
        return _detail(request, complaint, refusal=violation, failed=name, bound=form, status=422)
    return redirect(_detail_url(complaint))


@login_required
@require_POST
def complaint_answer(request: HttpRequest, complaint_id: int) -> HttpResponse:
    def call(complaint: Complaint, data: dict[str, Any]) -> None:
        services.complaint_answer(
            actor=request.user, complaint=complaint, answer=data["answer"], via=data["via"]
        )
        messages.success(request, _("已答复投诉人。"))

    return _act(request, complaint_id, "answer", AnswerForm(request.POST), call)


@login_required
@require_POST
def complaint_explain(request: HttpRequest, complaint_id: int) -> HttpResponse:
    def call(complaint: Complaint, data: dict[str, Any]) -> None:
        services.complaint_explain_delay(
            actor=request.user, complaint=complaint, explanation=data["explanation"]
        )
        messages.success(request, _("已向投诉人说明情况，投诉继续跟踪处理。"))

    return _act(request, complaint_id, "explain", ExplainForm(request.POST), call)


@login_required
@require_POST
def complaint_transfer(request: HttpRequest, complaint_id: int) -> HttpResponse:
    def call(complaint: Complaint, data: dict[str, Any]) -> None:
        services.complaint_transfer(
            actor=request.user, complaint=complaint, grade=data["grade"], to=data["to"]
        )
        messages.success(request, _("已记录移送。"))

    return _act(request, complaint_id, "transfer", TransferForm(request.POST), call)


@login_required
@require_POST
def complaint_close(request: HttpRequest, complaint_id: int) -> HttpResponse:
    complaint = _complaint(request, complaint_id)

    def call(complaint: Complaint, data: dict[str, Any]) -> None:
        services.complaint_close(
            actor=request.user,
            complaint=complaint,
            substantiated=data["substantiated"],
            finding=data["finding"],
            person=data["person"],
        )
        messages.success(request, _("投诉已办结。"))

    return _act(request, complaint_id, "close", CloseForm(request.POST, center=complaint.center), call)
