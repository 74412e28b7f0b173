"""Complaints on the web (R-PUB-3, R-CMP-2): the public form, named or anonymous, which returns a tracking code,
and the tracking page, which shows the complaint's state and answer and nothing else.

The form goes to the online mailbox (网上信箱) or the director's mailbox (主任信箱); a complaint about an approval
matter is received by the coordination section (R-CMP-3). A named complainant's identity is encrypted at once and
never shown back (R-CMP-4). Submissions are throttled per client address, and so are failed tracking lookups
(`supervision.services.complaints.complaint_register_public`, `supervision.selectors.complaints.
complaint_track_throttled`); a wrong code and an unknown one get the same page, and nothing typed is shown back.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from common.errors import RuleViolation
from common.net import client_address
from org.models import Center, StaffProfile, Window
from supervision.models import ComplaintChannel, ground_choices_grouped
from supervision.selectors.complaints import PublicComplaintView, complaint_track_throttled
from supervision.services.complaints import IDENTITY_FIELDS, complaint_register_public

from .views import _center

PUBLIC_CHANNELS = [
    (ComplaintChannel.WEB.value, ComplaintChannel.WEB.label),
    (ComplaintChannel.DIRECTOR_MAILBOX.value, ComplaintChannel.DIRECTOR_MAILBOX.label),
]


class PublicComplaintForm(forms.Form):
    channel = forms.ChoiceField(label=gettext_lazy("投诉信箱"), choices=PUBLIC_CHANNELS)
    window = forms.ModelChoiceField(
        label=gettext_lazy("被投诉窗口"), queryset=Window.objects.none(), required=False
    )
    person = forms.ModelChoiceField(
        label=gettext_lazy("被投诉的工作人员"), queryset=StaffProfile.objects.none(), required=False
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
    involves_departments = forms.BooleanField(label=gettext_lazy("涉及两个以上部门"), required=False)
    named = forms.BooleanField(label=gettext_lazy("实名投诉（身份予以保密）"), required=False)
    name = forms.CharField(label=gettext_lazy("姓名"), max_length=40, required=False)
    phone = forms.CharField(label=gettext_lazy("手机号码（用于接收答复）"), max_length=20, required=False)
    address = forms.CharField(label=gettext_lazy("联系地址"), max_length=200, required=False)
    id_number = forms.CharField(label=gettext_lazy("证件号码（可不填）"), max_length=30, required=False)

    def __init__(self, *args: Any, center: Center, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        windows = Window.objects.filter(center=center, is_active=True).order_by("number")
        self.fields["window"].queryset = windows  # type: ignore[attr-defined]
        # The people the public meets at the windows (the staff board shows them), by name and window.
        people = (
            StaffProfile.objects.filter(center=center, is_active=True, window__isnull=False)
            .select_related("window")
            .order_by("window__number", "name")
        )
        self.fields["person"].queryset = people  # type: ignore[attr-defined]
        self.fields["person"].label_from_instance = lambda s: f"{s.window.number} {s.name}"  # type: ignore[attr-defined]


class TrackForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("跟踪码"), max_length=32, strip=True)


@require_http_methods(["GET", "POST"])
def complaint_new(request: HttpRequest, center_code: str | None = None) -> HttpResponse:
    center = _center(center_code)
    error = ""
    status = 200
    if request.method == "POST":
        form = PublicComplaintForm(request.POST, center=center)
        if form.is_valid():
            data = form.cleaned_data
            identity = {n: data.get(n) or "" for n in IDENTITY_FIELDS} if data["named"] else None
            try:
                registered = complaint_register_public(
                    client=client_address(request),
                    center=center,
                    channel=data["channel"],
                    window=data["window"],
                    person=data["person"],
                    ground=data["ground"],
                    matter=data["matter"],
                    happened_at=data["happened_at"],
                    place=data["place"],
                    about_approval=data["about_approval"],
                    involves_departments=data["involves_departments"],
                    identity=identity,
                )
            except RuleViolation as refusal:
                error = f"{refusal.message}（{refusal.rule}）"
                status = 429 if refusal.code == "throttled" else 422
            else:
                context = {
                    "portal_center": center,
                    "number": registered.complaint.number,
                    "tracking_code": registered.tracking_code,
                    "named": registered.complaint.named,
                }
                return render(request, "portal/complaint_done.html", context)
        else:
            status = 400
    else:
        form = PublicComplaintForm(center=center)
    context = {"portal_center": center, "form": form, "error": error}
    return render(request, "portal/complaint_new.html", context, status=status)


@require_http_methods(["GET", "POST"])
def complaint_track(request: HttpRequest, center_code: str | None = None) -> HttpResponse:
    center = _center(center_code)
    found: PublicComplaintView | None = None
    error = ""
    status = 200
    if request.method == "POST":
        form = TrackForm(request.POST)
        if form.is_valid():
            try:
                found = complaint_track_throttled(
                    center=center, code=form.cleaned_data["code"], client=client_address(request)
                )
            except RuleViolation as refusal:
                error, status = f"{refusal.message}（{refusal.rule}）", 429
            else:
                if found is None:
                    error = _("跟踪码不正确，请核对后重新输入。")
        else:
            error, status = _("请填写跟踪码。"), 400
        form = TrackForm()  # nothing typed is shown back
    else:
        form = TrackForm()
    context = {"portal_center": center, "form": form, "complaint": found, "error": error}
    return render(request, "portal/complaint_track.html", context, status=status)
