"""The monthly meeting's pages (R-MTG-1 … R-MTG-4): the list with the scheduling form, a meeting (attendees with
their sign-in, agenda, minutes, action items, the items carried over from earlier meetings), and its pack
(R-MTG-2) as a page with charts, a PDF and an Excel workbook.

Thin: reads through `supervision.selectors.meetings` and `supervision.selectors.pack`, each write one service call
of `supervision.services.meetings`, which checks who may act; a refusal is shown with its rule id (422).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from common.errors import RuleViolation
from common.pdf import pdf_font_family, render_pdf
from common.xlsx import tables_workbook, xlsx_response
from org.access import (
    CAN_CHAIR_MEETING,
    CAN_READ_MEETING_PACK,
    CAN_SCHEDULE_MEETING,
    center_for,
    get_for_user,
    has_role,
    require_role,
)
from org.forms import show_refusal
from org.models import Center, Role, RoleGrant, StaffProfile, Window

from ..charts import Series, bar_chart_svg
from ..exports import meeting_workbook, meetings_workbook
from ..models_meetings import ActionItem, ActionItemState, AttendanceStatus, Meeting, MeetingState
from ..selectors.meetings import MeetingPage, meeting_page, meetings_of
from ..selectors.pack import Pack, meeting_pack, previous_month
from ..services import meetings as services

# --- forms ---------------------------------------------------------------------------------------------------


def _staff_choices(center: Center) -> list[tuple[int, str]]:
    rows = StaffProfile.objects.filter(center=center, is_active=True).order_by("badge_number")[:2000]
    return [(s.pk, f"{s.name}（{s.badge_number}）") for s in rows]


def _leader_choices(center: Center) -> list[tuple[int, str]]:
    users = RoleGrant.objects.filter(center=center, revoked_at=None, role__in=list(CAN_CHAIR_MEETING)).values(
        "user_id"
    )
    rows = StaffProfile.objects.filter(center=center, is_active=True, user_id__in=users).order_by(
        "badge_number"
    )
    return [(s.pk, s.name) for s in rows]


class ScheduleForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=gettext_lazy("开会时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    place = forms.CharField(label=gettext_lazy("地点"), max_length=200)
    chair = forms.TypedChoiceField(label=gettext_lazy("主持人（主任或分管副主任）"), coerce=int)
    recorder = forms.TypedChoiceField(label=gettext_lazy("记录人"), coerce=int)

    def __init__(self, *args: Any, center: Center, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chair: Any = self.fields["chair"]
        chair.choices = _leader_choices(center)
        recorder: Any = self.fields["recorder"]
        recorder.choices = _staff_choices(center)


class SignInForm(forms.Form):
    staff = forms.TypedChoiceField(label=gettext_lazy("参会人员"), coerce=int)
    at = forms.TimeField(
        label=gettext_lazy("到会时间（不填为现在）"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )

    def __init__(self, *args: Any, page: MeetingPage, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "signin_%s")  # several forms on one page
        super().__init__(*args, **kwargs)
        field: Any = self.fields["staff"]
        field.choices = [
            (row.staff_id, f"{row.staff.name}（{row.get_category_display()}）")
            for row in page.attendees
            if row.status == AttendanceStatus.EXPECTED
        ]


class ExcuseForm(forms.Form):
    staff = forms.TypedChoiceField(label=gettext_lazy("迟到或缺席人员"), coerce=int)
    cause = forms.CharField(label=gettext_lazy("原因"), max_length=300)

    def __init__(self, *args: Any, page: MeetingPage, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "excuse_%s")  # several forms on one page
        super().__init__(*args, **kwargs)
        field: Any = self.fields["staff"]
        field.choices = [
            (row.staff_id, f"{row.staff.name}（{row.get_status_display()}）")
            for row in page.attendees
            if row.status != AttendanceStatus.PRESENT and not row.excused
        ]


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=gettext_lazy("会议纪要"), widget=forms.Textarea(attrs={"rows": 6}), max_length=20000
    )


class AgendaForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("议题"), max_length=200)
    details = forms.CharField(
        label=gettext_lazy("内容"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False
    )


class ActionForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("决定事项"), max_length=300)
    owner = forms.TypedChoiceField(label=gettext_lazy("责任人"), coerce=int)
    due_days = forms.IntegerField(
        label=gettext_lazy("办理时限（工作日）"), min_value=1, max_value=services.MAX_DUE_DAYS, initial=5
    )
    agenda_item = forms.TypedChoiceField(
        label=gettext_lazy("对应议题"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args: Any, page: MeetingPage, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "action_%s")  # several forms on one page
        super().__init__(*args, **kwargs)
        owner: Any = self.fields["owner"]
        owner.choices = _staff_choices(page.meeting.center)
        agenda: Any = self.fields["agenda_item"]
        agenda.choices = [("", "—")] + [(a.pk, a.title) for a in page.agenda]


class CloseForm(forms.Form):
    result = forms.CharField(
        label=gettext_lazy("办理结果"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )


# --- the list and scheduling ---------------------------------------------------------------------------------


def _list_context(request: HttpRequest, center: Center, form: ScheduleForm | None = None) -> dict[str, Any]:
    may_schedule = has_role(request.user, center, CAN_SCHEDULE_MEETING)
    return {
        "center": center,
        "meetings": list(meetings_of(center)),
        "schedule_form": form or (ScheduleForm(center=center) if may_schedule else None),
    }


@login_required
@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    center = center_for(request.user, request.GET.get("center") or None)
    return render(request, "supervision/meeting_list.html", _list_context(request, center))


@login_required
@require_GET
def meeting_list_xlsx(request: HttpRequest) -> HttpResponseBase:
    """The list of meetings as the page shows it, as a workbook."""
    center = center_for(request.user, request.GET.get("center") or None)
    workbook = meetings_workbook(list(meetings_of(center)), center=center, at=timezone.localtime())
    return xlsx_response(workbook, _("月例会-%(day)s.xlsx") % {"day": f"{timezone.localdate():%Y%m%d}"})


@login_required
@require_POST
def meeting_schedule(request: HttpRequest) -> HttpResponse:
    center = center_for(request.user, request.POST.get("center") or None)
    require_role(request.user, center, CAN_SCHEDULE_MEETING)
    form = ScheduleForm(request.POST, center=center)
    if form.is_valid():
        people = {
            s.pk: s
            for s in StaffProfile.objects.filter(
                center=center, pk__in=[form.cleaned_data["chair"], form.cleaned_data["recorder"]]
            ).select_related("user")
        }
        chair = people.get(form.cleaned_data["chair"])
        recorder = people.get(form.cleaned_data["recorder"])
        try:
            if chair is None or recorder is None:
                raise RuleViolation("R-MTG-1", _("请选择主持人和记录人。"), field="chair")
            meeting = services.meeting_schedule(
                actor=request.user,
                center=center,
                starts_at=form.cleaned_data["starts_at"],
                place=form.cleaned_data["place"],
                chair=chair,
                recorder=recorder,
            )
        except RuleViolation as violation:
            show_refusal(form, violation)
        else:
            messages.success(request, _("月例会已安排，参会名单已生成。"))
            return redirect("supervision:meeting_detail", meeting_id=meeting.pk)
    return render(request, "supervision/meeting_list.html", _list_context(request, center, form), status=422)


# --- a meeting ---------------------------------------------------------------------------------------------------


def _meeting(request: HttpRequest, meeting_id: int) -> Meeting:
    meeting = get_for_user(
        request.user,
        Meeting.objects.select_related("center", "chair", "recorder", "scheduled_by"),
        pk=meeting_id,
    )
    assert isinstance(meeting, Meeting)
    return meeting


def _profile(request: HttpRequest) -> StaffProfile | None:
    return getattr(request.user, "staff_profile", None)


def _leads_a_window(profile: StaffProfile | None, center: Center) -> bool:
    if profile is None:
        return False
    windows = Window.objects.filter(center=center, is_active=True)
    return windows.filter(head=profile).exists() or windows.filter(chief_representative=profile).exists()


def _detail_context(request: HttpRequest, meeting: Meeting, **forms_given: Any) -> dict[str, Any]:
    page = meeting_page(meeting)
    profile = _profile(request)
    now = timezone.now()
    started = now >= meeting.starts_at
    is_recorder = profile is not None and profile.pk == meeting.recorder_id
    is_chair = profile is not None and profile.pk == meeting.chair_id
    open_meeting = meeting.state == MeetingState.SCHEDULED
    may_record = is_recorder and open_meeting
    may_submit = (
        not started
        and open_meeting
        and (
            has_role(request.user, meeting.center, CAN_CHAIR_MEETING)
            or (
                has_role(request.user, meeting.center, {Role.WINDOW_HEAD, Role.CHIEF_REPRESENTATIVE})
                and _leads_a_window(profile, meeting.center)
            )
        )
    )
    may_decide = started and (is_recorder or is_chair)
    closable = {
        item.pk
        for item in [*page.actions, *page.carried_over]
        if item.state == ActionItemState.OPEN
        and profile is not None
        and profile.pk in {item.owner_id, item.meeting.chair_id}
    }
    context: dict[str, Any] = {
        "meeting": meeting,
        "page": page,
        "counts": page.counts,
        "started": started,
        "may_record": may_record,
        "sign_in_form": SignInForm(page=page) if may_record else None,
        "excuse_form": ExcuseForm(page=page) if is_recorder else None,
        "minutes_form": MinutesForm() if may_record and started else None,
        "agenda_form": AgendaForm() if may_submit else None,
        "action_form": ActionForm(page=page) if may_decide else None,
        "close_form": CloseForm(auto_id=False) if closable else None,
        "closable": closable,
        "may_read_pack": has_role(request.user, meeting.center, CAN_READ_MEETING_PACK),
        "today": timezone.localdate(now),
    }
    context.update({name: form for name, form in forms_given.items() if form is not None})
    return context


@login_required
@require_GET
def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting(request, meeting_id)
    return render(request, "supervision/meeting_detail.html", _detail_context(request, meeting))


@login_required
@require_GET
def meeting_record_xlsx(request: HttpRequest, meeting_id: int) -> HttpResponseBase:
    """What the meeting's page lists — attendees and sign-in, agenda, action items — as one workbook."""
    meeting = _meeting(request, meeting_id)
    workbook = meeting_workbook(meeting_page(meeting), at=timezone.localtime())
    return xlsx_response(workbook, _("例会记录-%(y)s%(m)02d.xlsx") % {"y": meeting.year, "m": meeting.month})


def _refused(request: HttpRequest, meeting: Meeting, **forms_given: Any) -> HttpResponse:
    return render(
        request,
        "supervision/meeting_detail.html",
        _detail_context(request, meeting, **forms_given),
        status=422,
    )


def _back(meeting: Meeting, anchor: str = "") -> HttpResponse:
    return redirect(reverse("supervision:meeting_detail", args=[meeting.pk]) + anchor)


def _attendee_staff(meeting: Meeting, staff_id: int) -> StaffProfile | None:
    return StaffProfile.objects.filter(pk=staff_id, center_id=meeting.center_id).first()


@login_required
@require_POST
def meeting_sign_in(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting(request, meeting_id)
    form = SignInForm(request.POST, page=meeting_page(meeting))
    if form.is_valid():
        staff = _attendee_staff(meeting, form.cleaned_data["staff"])
        at = None
        if form.cleaned_data.get("at") is not None:
            day = timezone.localdate(meeting.starts_at)
            at = timezone.make_aware(datetime.combine(day, form.cleaned_data["at"]))
        try:
            if staff is None:
                raise RuleViolation("R-MTG-1", _("请选择参会人员。"), field="staff")
            row = services.meeting_sign_in(actor=request.user, meeting=meeting, staff=staff, at=at)
        except RuleViolation as violation:
            show_refusal(form, violation)
        else:
            messages.success(
                request,
                _("%(name)s已签到：%(status)s。") % {"name": staff.name, "status": row.get_status_display()},
            )
            return _back(meeting, "#attendees")
    return _refused(request, meeting, sign_in_form=form)


@login_required
@require_POST
def meeting_excuse(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting(request, meeting_id)
    form = ExcuseForm(request.POST, page=meeting_page(meeting))
    if form.is_valid():
        staff = _attendee_staff(meeting, form.cleaned_data["staff"])
        try:
            if staff is None:
                raise RuleViolation("R-MTG-4", _("请选择人员。"), field="staff")
            services.meeting_excuse(
                actor=request.user, meeting=meeting, staff=staff, cause=form.cleaned_data["cause"]
            )
        except RuleViolation as violation:
            show_refusal(form, violation)
        else:
            messages.success(request, _("已登记原因，该人员本次迟到或缺席不计入考核。"))
            return _back(meeting, "#attendees")
    return _refused(request, meeting, excuse_form=form)


@login_required
@require_POST
def meeting_minutes(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting(request, meeting_id)
    form = MinutesForm(request.POST)
    if form.is_valid():
        try:
            services.meeting_record_minutes(
                actor=request.user, meeting=meeting, minutes=form.cleaned_data["minutes"]
            )
        except RuleViolation as violation:
            show_refusal(form, violation)
        else:
            messages.success(request, _("纪要已记录，未签到人员记为缺席。"))
            return _back(meeting, "#minutes")
    return _refused(request, meeting, minutes_form=form)


@login_required
@require_POST
def meeting_agenda(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting(request, meeting_id)
    form = AgendaForm(request.POST)
    if form.is_valid():
        try:
            services.agenda_submit(
                actor=request.user,
                meeting=meeting,
                title=form.cleaned_data["title"],
                details=form.cleaned_data["details"],
            )
        except RuleViolation as violation:
            show_refusal(form, violation)
        else:
            messages.success(request, _("议题已提交。"))
            return _back(meeting, "#agenda")
    return _refused(request, meeting, agenda_form=form)


@login_required
@require_POST
def meeting_action(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting(request, meeting_id)
    page = meeting_page(meeting)
    form = ActionForm(request.POST, page=page)
    if form.is_valid():
        owner = StaffProfile.objects.filter(
            pk=form.cleaned_data["owner"], center_id=meeting.center_id
        ).first()
        agenda = next((a for a in page.agenda if a.pk == form.cleaned_data["agenda_item"]), None)
        try:
            if owner is None:
                raise RuleViolation("R-MTG-3", _("请选择责任人。"), field="owner")
            services.action_item_create(
                actor=request.user,
                meeting=meeting,
                title=form.cleaned_data["title"],
                owner=owner,
                due_days=form.cleaned_data["due_days"],
                agenda_item=agenda,
            )
        except RuleViolation as violation:
            show_refusal(form, violation)
        else:
            messages.success(request, _("督办事项已登记，开始按工作日计时。"))
            return _back(meeting, "#actions")
    return _refused(request, meeting, action_form=form)


@login_required
@require_POST
def action_item_close(request: HttpRequest, action_item_id: int) -> HttpResponse:
    item = get_for_user(request.user, ActionItem.objects.select_related("meeting"), pk=action_item_id)
    assert isinstance(item, ActionItem)
    meeting = _meeting(request, item.meeting_id)
    form = CloseForm(request.POST, auto_id=False)
    if form.is_valid():
        try:
            services.action_item_close(actor=request.user, item=item, result=form.cleaned_data["result"])
        except RuleViolation as violation:
            show_refusal(form, violation)
        else:
            messages.success(request, _("督办事项已办结。"))
            return _back(meeting, "#actions")
    return _refused(request, meeting, close_form=form)


# --- the pack (R-MTG-2) --------------------------------------------------------------------------------------------


def _pack(request: HttpRequest, meeting_id: int) -> tuple[Meeting, Pack]:
    meeting = _meeting(request, meeting_id)
    require_role(request.user, meeting.center, CAN_READ_MEETING_PACK)
    year, month = previous_month(meeting.year, meeting.month)
    return meeting, meeting_pack(meeting.center, year, month, today=timezone.localdate())


@login_required
@require_GET
def meeting_pack_view(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting, pack = _pack(request, meeting_id)
    context = {"meeting": meeting, "pack": pack, "chart_data": pack.chart_data()}
    return render(request, "supervision/meeting_pack.html", context)


def pack_charts(pack: Pack, font_family: str) -> list[str]:
    """The pack's charts as SVG for the PDF (WeasyPrint runs no JavaScript)."""
    data = pack.chart_data()
    labels = data["labels"]
    return [
        bar_chart_svg(
            title=_("收件与办结"),
            labels=labels,
            series=[Series(_("收件"), data["received"]), Series(_("办结"), data["completed"])],
            font_family=font_family,
        ),
        bar_chart_svg(
            title=_("按时办结率（%）"),
            labels=labels,
            series=[Series(_("按时办结率"), data["on_time_rate"])],
            maximum=100,
            font_family=font_family,
        ),
        bar_chart_svg(
            title=_("工作人员平均考核得分"),
            labels=labels,
            series=[Series(_("平均得分"), data["average_score"])],
            maximum=100,
            font_family=font_family,
        ),
        bar_chart_svg(
            title=_("考勤"),
            labels=labels,
            series=[
                Series(_("迟到"), data["late"]),
                Series(_("早退"), data["left_early"]),
                Series(_("缺勤天数"), data["absent_days"]),
            ],
            font_family=font_family,
        ),
    ]


def pack_html(meeting: Meeting, pack: Pack) -> str:
    """The pack as a self-contained document for WeasyPrint (inline CSS, SVG charts)."""
    font = pdf_font_family()
    return render_to_string(
        "supervision/meeting_pack_pdf.html",
        {"meeting": meeting, "pack": pack, "charts": pack_charts(pack, font), "font_family": font},
    )


@login_required
@require_GET
def meeting_pack_pdf(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting, pack = _pack(request, meeting_id)
    response = HttpResponse(render_pdf(pack_html(meeting, pack)), content_type="application/pdf")
    filename = _("月例会材料-%(y)s-%(m)02d.pdf") % {"y": pack.year, "m": pack.month}
    response["Content-Disposition"] = content_disposition_header(False, filename) or "inline"
    return response


@login_required
@require_GET
def meeting_pack_xlsx(request: HttpRequest, meeting_id: int) -> HttpResponseBase:
    meeting, pack = _pack(request, meeting_id)
    windows = pack.windows
    cases = (
        [
            f"{w.window.number} {w.window.name}",
            w.received,
            w.completed,
            float(w.on_time_rate) if w.on_time_rate is not None else "",
            w.overdue,
            w.complaints,
        ]
        for w in windows
    )
    scores = (
        [f"{w.window.number} {w.window.name}", s.name, float(s.score)] for w in windows for s in w.scores
    )
    attendance = (
        [f"{w.window.number} {w.window.name}", w.late, w.left_early, w.absent_days] for w in windows
    )
    gaps = (
        [f"{w.window.number} {w.window.name}", "、".join(w.posts_without_b), w.uncovered_days]
        for w in windows
    )
    label = f"{pack.year}-{pack.month:02d}"
    workbook = tables_workbook(
        tables=[
            (
                _("办件"),
                [(_("窗口"), 24.0), (_("收件"), 8.0), (_("办结"), 8.0), (_("按时办结率（%）"), 14.0),
                 (_("超时"), 8.0), (_("投诉"), 8.0)],
                cases,
            ),
            (_("考核得分"), [(_("窗口"), 24.0), (_("姓名"), 12.0), (_("得分"), 8.0)], scores),
            (_("考勤"), [(_("窗口"), 24.0), (_("迟到"), 8.0), (_("早退"), 8.0), (_("缺勤天数"), 10.0)], attendance),
            (
                _("AB岗缺口"),
                [(_("窗口"), 24.0), (_("无B角的岗位"), 30.0), (_("无人顶岗天数"), 14.0)],
                gaps,
            ),
        ],
        about=[
            (_("中心"), pack.center.name),
            (_("例会"), f"{meeting.year}-{meeting.month:02d}"),
            (_("材料月份"), label),
            (_("考核"), _("已结账") if pack.assessment_closed else _("未结账（预览）")),
            (_("导出时间"), timezone.now()),
        ],
    )  # fmt: skip
    return xlsx_response(workbook, _("月例会材料-%(label)s.xlsx") % {"label": label})
