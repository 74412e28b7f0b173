"""Full agency's pages (R-AGT-1 … R-AGT-6), mounted at /staff/agency/: the project board (each project with its
licences by stage, exported to Excel) with the form that registers a project, and one project's page (its team,
meetings, tasks, licences with their stage buttons, delays, the hand-over register and its PDF).

Thin: reads through `agency.selectors`, each write one call of `agency.services`, which checks who may act; a
refusal is shown on the project's page with its rule id (422). Every staff member of the centre reads the pages.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from cases.models import Case
from catalog.models import Item
from common.errors import RuleViolation
from common.xlsx import table_workbook, xlsx_response
from org.access import center_for, get_for_user, has_role
from org.forms import show_refusal
from org.models import Center, Role, StaffProfile, Window

from . import services
from .documents import hand_over_document
from .models import (
    STAGE_ORDER,
    AgencyDelay,
    AgencyLicence,
    AgencyProject,
    AgencyScope,
    AgencyTask,
    DelayKind,
    LicenceStage,
    ProjectState,
    TaskState,
)
from .selectors import ProjectPage, project_board, project_page

STAFF_LIMIT = 2000

# --- forms -------------------------------------------------------------------------------------------------------


def _staff_choices(center: Center) -> list[tuple[int, str]]:
    rows = StaffProfile.objects.filter(center=center, is_active=True).order_by("badge_number")[:STAFF_LIMIT]
    return [(s.pk, f"{s.name}（{s.badge_number}）") for s in rows]


def _window_choices(center: Center) -> list[tuple[int, str]]:
    rows = Window.objects.filter(center=center, is_active=True).order_by("number")
    return [(w.pk, f"{w.number} {w.name}") for w in rows]


def _set_choices(form: forms.Form, name: str, choices: list[tuple[Any, str]]) -> None:
    field: Any = form.fields[name]
    field.choices = choices


class ProposeForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("项目名称"), max_length=200)
    enterprise_name = forms.CharField(label=gettext_lazy("企业名称"), max_length=200)
    credit_code = forms.CharField(label=gettext_lazy("统一社会信用代码"), max_length=18)
    scope = forms.ChoiceField(label=gettext_lazy("代办范围"), choices=AgencyScope.choices)
    designation_number = forms.CharField(
        label=gettext_lazy("确定文号（重大项目必填）"), max_length=60, required=False
    )
    platform_code = forms.CharField(label=gettext_lazy("省平台项目代码"), max_length=60, required=False)


class ConfirmForm(forms.Form):
    leader = forms.TypedChoiceField(label=gettext_lazy("牵头分管副主任"), coerce=int)
    coordination_head = forms.TypedChoiceField(label=gettext_lazy("审批协调科负责人"), coerce=int)
    windows = forms.TypedMultipleChoiceField(
        label=gettext_lazy("涉及窗口（其首席代表为专班成员）"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, center: Center, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "confirm_%s")
        super().__init__(*args, **kwargs)
        staff = _staff_choices(center)
        _set_choices(self, "leader", staff)
        _set_choices(self, "coordination_head", staff)
        _set_choices(self, "windows", _window_choices(center))


class MemberForm(forms.Form):
    window = forms.TypedChoiceField(label=gettext_lazy("窗口"), coerce=int)
    staff = forms.TypedChoiceField(label=gettext_lazy("首席代表"), coerce=int)

    def __init__(self, *args: Any, center: Center, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "member_%s")
        super().__init__(*args, **kwargs)
        _set_choices(self, "window", _window_choices(center))
        _set_choices(self, "staff", _staff_choices(center))


class MeetingForm(forms.Form):
    held_at = forms.DateTimeField(
        label=gettext_lazy("开会时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    place = forms.CharField(label=gettext_lazy("地点"), max_length=200)
    attendees = forms.TypedMultipleChoiceField(
        label=gettext_lazy("参会人员"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    minutes = forms.CharField(
        label=gettext_lazy("会议纪要"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=20000,
        required=False,
    )

    def __init__(self, *args: Any, page: ProjectPage, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "meeting_%s")
        super().__init__(*args, **kwargs)
        _set_choices(
            self,
            "attendees",
            [(m.staff_id, f"{m.staff.name}（{m.get_role_display()}）") for m in page.members],
        )


class TaskForm(forms.Form):
    window = forms.TypedChoiceField(label=gettext_lazy("承办窗口"), coerce=int)
    title = forms.CharField(label=gettext_lazy("任务"), max_length=300)
    due_days = forms.IntegerField(
        label=gettext_lazy("办理时限（工作日）"), min_value=1, max_value=services.MAX_DUE_DAYS, initial=5
    )
    meeting = forms.TypedChoiceField(
        label=gettext_lazy("布置会议"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args: Any, page: ProjectPage, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "task_%s")
        super().__init__(*args, **kwargs)
        _set_choices(self, "window", _window_choices(page.project.center))
        _set_choices(
            self,
            "meeting",
            [("", "—")] + [(m.pk, f"{timezone.localtime(m.held_at):%Y-%m-%d %H:%M}") for m in page.meetings],
        )


class TaskTakeForm(forms.Form):
    task = forms.IntegerField(widget=forms.HiddenInput)


class TaskFinishForm(forms.Form):
    task = forms.IntegerField(widget=forms.HiddenInput)
    result = forms.CharField(label=gettext_lazy("办理结果"), max_length=5000)


class LicenceForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("证照名称"), max_length=200)
    window = forms.TypedChoiceField(label=gettext_lazy("办理窗口"), coerce=int)
    item_code = forms.CharField(label=gettext_lazy("对应事项编号（可选）"), max_length=40, required=False)
    case_number = forms.CharField(label=gettext_lazy("对应办件编号（可选）"), max_length=40, required=False)

    def __init__(self, *args: Any, center: Center, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "licence_%s")
        super().__init__(*args, **kwargs)
        _set_choices(self, "window", _window_choices(center))


class MoveForm(forms.Form):
    licence = forms.IntegerField(widget=forms.HiddenInput)
    to_stage = forms.ChoiceField(label=gettext_lazy("进度"), choices=LicenceStage.choices)
    reason = forms.CharField(label=gettext_lazy("退回原因"), max_length=300, required=False)
    licence_number = forms.CharField(label=gettext_lazy("证照编号"), max_length=100, required=False)
    issued_on = forms.DateField(
        label=gettext_lazy("发证日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class HandOverForm(forms.Form):
    recipient_name = forms.CharField(label=gettext_lazy("企业接收人姓名"), max_length=40)
    recipient_id_number = forms.CharField(label=gettext_lazy("接收人身份证号"), max_length=18)
    note = forms.CharField(label=gettext_lazy("备注"), max_length=300, required=False)


class DelayForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("情形"), choices=DelayKind.choices)
    member = forms.TypedChoiceField(
        label=gettext_lazy("责任成员"), coerce=int, required=False, empty_value=None
    )
    window = forms.TypedChoiceField(
        label=gettext_lazy("责任窗口"), coerce=int, required=False, empty_value=None
    )
    task = forms.TypedChoiceField(
        label=gettext_lazy("相关任务"), coerce=int, required=False, empty_value=None
    )
    description = forms.CharField(
        label=gettext_lazy("情况说明"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )

    def __init__(self, *args: Any, page: ProjectPage, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "delay_%s")
        super().__init__(*args, **kwargs)
        _set_choices(self, "member", [("", "—")] + [(m.staff_id, m.staff.name) for m in page.members])
        _set_choices(self, "window", [("", "—"), *_window_choices(page.project.center)])
        _set_choices(self, "task", [("", "—")] + [(t.pk, t.title) for t in page.tasks])


class ReportForm(forms.Form):
    delay = forms.IntegerField(widget=forms.HiddenInput)
    reported_on = forms.DateField(
        label=gettext_lazy("报送纪检监察机关日期"), widget=forms.DateInput(attrs={"type": "date"})
    )


# --- the board ---------------------------------------------------------------------------------------------------


def _board_context(request: HttpRequest, center: Center, form: ProposeForm | None = None) -> dict[str, Any]:
    state = request.GET.get("state", "")
    may_propose = has_role(request.user, center, services.CAN_PROPOSE)
    return {
        "center": center,
        "rows": project_board(center, state=state, today=timezone.localdate()),
        "stages": LicenceStage.choices,
        "states": ProjectState.choices,
        "state": state,
        "propose_form": form or (ProposeForm(auto_id="propose_%s") if may_propose else None),
    }


@login_required
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    center = center_for(request.user, request.GET.get("center") or None)
    return render(request, "agency/board.html", _board_context(request, center))


@login_required
@require_GET
def board_xlsx(request: HttpRequest) -> HttpResponseBase:
    """The board as the page shows it, as a workbook: one row per project, a column per licence stage."""
    center = center_for(request.user, request.GET.get("center") or None)
    state = request.GET.get("state", "")
    rows = project_board(center, state=state, today=timezone.localdate())
    headers = [
        (_("项目名称"), 30.0),
        (_("企业名称"), 30.0),
        (_("统一社会信用代码"), 22.0),
        (_("代办范围"), 24.0),
        (_("状态"), 10.0),
        (_("牵头副主任"), 12.0),
        (_("证照数"), 8.0),
        *[(str(label), 10.0) for _value, label in LicenceStage.choices],
        (_("未完成任务"), 10.0),
        (_("黄灯任务"), 10.0),
        (_("逾期任务"), 10.0),
        (_("延误记录"), 10.0),
        (_("确认时间"), 12.0),
    ]
    body = (
        [
            r.project.name,
            r.project.enterprise_name,
            r.project.credit_code,
            r.project.get_scope_display(),
            r.project.get_state_display(),
            r.leader,
            r.licences,
            *r.stage_counts,
            r.open_tasks,
            r.yellow_tasks,
            r.overdue_tasks,
            r.delays,
            r.project.confirmed_at or "",
        ]
        for r in rows
    )
    workbook, _count = table_workbook(
        title=_("全程代办项目"),
        headers=headers,
        rows=body,
        about=[
            (_("中心"), center.name),
            (_("状态"), ProjectState(state).label if state in ProjectState.values else _("全部")),
            (_("导出时间"), timezone.now()),
        ],
    )
    return xlsx_response(workbook, _("全程代办项目-%(day)s.xlsx") % {"day": f"{timezone.localdate():%Y%m%d}"})


@login_required
@require_POST
def project_propose(request: HttpRequest) -> HttpResponse:
    center = center_for(request.user, request.POST.get("center") or None)
    form = ProposeForm(request.POST, auto_id="propose_%s")
    if form.is_valid():
        try:
            project = services.agency_project_propose(actor=request.user, center=center, **form.cleaned_data)
        except RuleViolation as violation:
            show_refusal(form, violation)
        else:
            messages.success(request, _("代办项目已登记，待中心领导确认。"))
            return redirect("agency:project_detail", project_id=project.pk)
    return render(request, "agency/board.html", _board_context(request, center, form), status=422)


# --- a project ---------------------------------------------------------------------------------------------------


def _project(request: HttpRequest, project_id: int) -> AgencyProject:
    project = get_for_user(request.user, AgencyProject.objects.select_related("center"), pk=project_id)
    assert isinstance(project, AgencyProject)
    return project


def _detail_context(request: HttpRequest, project: AgencyProject, **given: Any) -> dict[str, Any]:
    page = project_page(project)
    center = project.center
    user = request.user
    is_open = project.state == ProjectState.CONFIRMED
    team = services.may_act_for_team(user, project) and has_role(user, center, services.CAN_ACT_FOR_TEAM)
    may_confirm = project.state == ProjectState.PROPOSED and has_role(user, center, services.CAN_CONFIRM)
    led = {w.pk for w in Window.objects.filter(pk__in=page.windows) if services.leads_window(user, w)}
    may_delay = project.state != ProjectState.PROPOSED and (team or has_role(user, center, {Role.DEPUTY}))
    context: dict[str, Any] = {
        "project": project,
        "page": page,
        "today": timezone.localdate(),
        "is_open": is_open,
        "team": team and is_open,
        "led_windows": led,
        "stages": LicenceStage.choices,
        "stage_order": STAGE_ORDER,
        "confirm_form": ConfirmForm(center=center) if may_confirm else None,
        "member_form": MemberForm(center=center) if team and is_open else None,
        "meeting_form": MeetingForm(page=page) if team and is_open else None,
        "task_form": TaskForm(page=page) if team and is_open else None,
        "licence_form": LicenceForm(center=center) if team and is_open else None,
        "hand_over_form": HandOverForm(auto_id="handover_%s")
        if team and is_open and page.all_issued
        else None,
        "delay_form": DelayForm(page=page) if may_delay else None,
        "may_report": may_delay,
        "may_close": team and project.state == ProjectState.HANDED_OVER,
        "task_states": TaskState,
        "refusal": given.pop("refusal", None),
    }
    context.update({name: form for name, form in given.items() if form is not None})
    return context


def _refused(request: HttpRequest, project: AgencyProject, **given: Any) -> HttpResponse:
    return render(
        request, "agency/project_detail.html", _detail_context(request, project, **given), status=422
    )


def _back(project: AgencyProject, anchor: str = "") -> HttpResponse:
    return redirect(reverse("agency:project_detail", args=[project.pk]) + anchor)


def _act(
    request: HttpRequest,
    project: AgencyProject,
    call: Callable[[], Any],
    message: str,
    anchor: str = "",
    *,
    form: tuple[str, forms.Form] | None = None,
) -> HttpResponse:
    """Call one service; on success say `message` and go back to the project's page at `anchor`. A refusal is
    shown on the page (422): on `form` (its context name and the form) next to the field it concerns, or at the
    top of the page."""
    try:
        call()
    except RuleViolation as violation:
        if form is None:
            return _refused(request, project, refusal=violation)
        name, bound = form
        show_refusal(bound, violation)
        return _refused(request, project, **{name: bound})
    messages.success(request, message)
    return _back(project, anchor)


def _staff(project: AgencyProject, staff_id: int | None) -> StaffProfile | None:
    if staff_id is None:
        return None
    return (
        StaffProfile.objects.filter(pk=staff_id, center_id=project.center_id).select_related("user").first()
    )


def _window(project: AgencyProject, window_id: int | None) -> Window | None:
    if window_id is None:
        return None
    return Window.objects.filter(pk=window_id, center_id=project.center_id).first()


@login_required
@require_GET
def project_detail(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id)
    return render(request, "agency/project_detail.html", _detail_context(request, project))


@login_required
@require_POST
def project_confirm(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id)
    form = ConfirmForm(request.POST, center=project.center)
    if not form.is_valid():
        return _refused(request, project, confirm_form=form)
    leader = _staff(project, form.cleaned_data["leader"])
    head = _staff(project, form.cleaned_data["coordination_head"])
    windows = list(
        Window.objects.filter(pk__in=form.cleaned_data["windows"], center_id=project.center_id)
        .select_related("chief_representative")
        .order_by("number")
    )

    def call() -> Any:
        if leader is None or head is None:
            raise RuleViolation("R-AGT-2", _("请选择牵头副主任和协调科负责人。"), field="leader")
        return services.agency_project_confirm(
            actor=request.user, project=project, leader=leader, coordination_head=head, windows=windows
        )

    return _act(
        request,
        project,
        call,
        _("项目已确认，全程代办工作专班已成立。"),
        "#team",
        form=("confirm_form", form),
    )


@login_required
@require_POST
def member_add(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id)
    form = MemberForm(request.POST, center=project.center)
    if not form.is_valid():
        return _refused(request, project, member_form=form)
    staff = _staff(project, form.cleaned_data["staff"])
    window = _window(project, form.cleaned_data["window"])

    def call() -> Any:
        if staff is None or window is None:
            raise RuleViolation("R-AGT-2", _("请选择窗口及其首席代表。"), field="staff")
        return services.agency_member_add(actor=request.user, project=project, staff=staff, window=window)

    return _act(request, project, call, _("已加入专班。"), "#team", form=("member_form", form))


@login_required
@require_POST
def meeting_record(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id)
    form = MeetingForm(request.POST, page=project_page(project))
    if not form.is_valid():
        return _refused(request, project, meeting_form=form)
    data = form.cleaned_data
    attendees = list(StaffProfile.objects.filter(pk__in=data["attendees"], center_id=project.center_id))
    return _act(
        request,
        project,
        lambda: services.agency_meeting_record(
            actor=request.user,
            project=project,
            held_at=data["held_at"],
            place=data["place"],
            minutes=data["minutes"],
            attendees=attendees,
        ),
        _("联席会议已登记。"),
        "#meetings",
        form=("meeting_form", form),
    )


@login_required
@require_POST
def task_assign(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id)
    page = project_page(project)
    form = TaskForm(request.POST, page=page)
    if not form.is_valid():
        return _refused(request, project, task_form=form)
    data = form.cleaned_data
    window = _window(project, data["window"])
    meeting = next((m for m in page.meetings if m.pk == data["meeting"]), None)

    def call() -> Any:
        if window is None:
            raise RuleViolation("R-AGT-3", _("请选择承办窗口。"), field="window")
        return services.agency_task_assign(
            actor=request.user,
            project=project,
            window=window,
            title=data["title"],
            due_days=data["due_days"],
            meeting=meeting,
        )

    return _act(request, project, call, _("任务已布置，承办窗口须接收。"), "#tasks", form=("task_form", form))


def _task(project: AgencyProject, task_id: int) -> AgencyTask | None:
    return AgencyTask.objects.filter(pk=task_id, project=project).first()


@login_required
@require_POST
def task_take(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id)
    form = TaskTakeForm(request.POST)
    task = _task(project, form.cleaned_data["task"]) if form.is_valid() else None

    def call() -> Any:
        if task is None:
            raise RuleViolation("R-AGT-3", _("请选择任务。"))
        return services.agency_task_take(actor=request.user, task=task)

    return _act(request, project, call, _("任务已接收。"), "#tasks")


@login_required
@require_POST
def task_finish(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id)
    form = TaskFinishForm(request.POST)
    task = _task(project, form.cleaned_data["task"]) if form.is_valid() else None

    def call() -> Any:
        if task is None:
            raise RuleViolation("R-AGT-3", _("请填写办理结果。"))
        return services.agency_task_finish(actor=request.user, task=task, result=form.cleaned_data["result"])

    return _act(request, project, call, _("任务已报告完成。"), "#tasks")


@login_required
@require_POST
def licence_add(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id)
    form = LicenceForm(request.POST, center=project.center)
    if not form.is_valid():
        return _refused(request, project, licence_form=form)
    data = form.cleaned_data
    window = _window(project, data["window"])
    item_code, case_number = data["item_code"].strip(), data["case_number"].strip()
    item = Item.objects.filter(center_id=project.center_id, code=item_code).first() if item_code else None
    case = (
        Case.objects.filter(center_id=project.center_id, number=case_number).first() if case_number else None
    )

    def call() -> Any:
        if window is None:
            raise RuleViolation("R-AGT-4", _("请选择办理窗口。"), field="window")
        if item_code and item is None:
            raise RuleViolation("R-AGT-4", _("未找到该事项编号。"), field="item_code")
        if case_number and case is None:
            raise RuleViolation("R-AGT-4", _("未找到该办件编号。"), field="case_number")
        return services.agency_licence_add(
            actor=request.user, project=project, name=data["name"], window=window, item=item, case=case
        )

    return _act(request, project, call, _("证照已列入。"), "#licences", form=("licence_form", form))


@login_required
@require_POST
def licence_move(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id)
    form = MoveForm(request.POST)
    licence = None
    if form.is_valid():
        licence = AgencyLicence.objects.filter(pk=form.cleaned_data["licence"], project=project).first()
    if licence is None:
        return _refused(request, project, refusal=RuleViolation("R-AGT-4", _("请选择证照和进度。")))
    data = form.cleaned_data
    return _act(
        request,
        project,
        lambda: services.agency_licence_move(
            actor=request.user,
            licence=licence,
            to_stage=data["to_stage"],
            reason=data["reason"],
            licence_number=data["licence_number"],
            issued_on=data["issued_on"],
        ),
        _("%(name)s：%(stage)s。") % {"name": licence.name, "stage": LicenceStage(data["to_stage"]).label},
        "#licences",
    )


@login_required
@require_POST
def hand_over_sign(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id)
    form = HandOverForm(request.POST, auto_id="handover_%s")
    if not form.is_valid():
        return _refused(request, project, hand_over_form=form)
    return _act(
        request,
        project,
        lambda: services.handover_sign(actor=request.user, project=project, **form.cleaned_data),
        _("证照已如数移交，交接登记已签字。"),
        "#hand-over",
        form=("hand_over_form", form),
    )


@login_required
@require_GET
def hand_over_pdf(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id)
    page = project_page(project)
    if page.hand_over is None:
        return render(request, "404.html", status=404)
    pdf, filename = hand_over_document(page)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, filename) or "inline"
    return response


@login_required
@require_POST
def delay_record(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id)
    page = project_page(project)
    form = DelayForm(request.POST, page=page)
    if not form.is_valid():
        return _refused(request, project, delay_form=form)
    data = form.cleaned_data
    task = next((t for t in page.tasks if t.pk == data["task"]), None)
    return _act(
        request,
        project,
        lambda: services.agency_delay_record(
            actor=request.user,
            project=project,
            kind=data["kind"],
            description=data["description"],
            member=_staff(project, data["member"]),
            window=_window(project, data["window"]),
            task=task,
        ),
        _("延误已登记。"),
        "#delays",
        form=("delay_form", form),
    )


@login_required
@require_POST
def delay_report(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id)
    form = ReportForm(request.POST)
    delay = None
    if form.is_valid():
        delay = AgencyDelay.objects.filter(pk=form.cleaned_data["delay"], project=project).first()

    def call() -> Any:
        if delay is None:
            raise RuleViolation("R-AGT-6", _("请填写报送日期。"))
        return services.agency_delay_report(
            actor=request.user, delay=delay, reported_on=form.cleaned_data["reported_on"]
        )

    return _act(request, project, call, _("已登记报送纪检监察机关的日期。"), "#delays")


@login_required
@require_POST
def project_close(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id)
    return _act(
        request,
        project,
        lambda: services.agency_project_close(actor=request.user, project=project),
        _("项目已办结。"),
    )
