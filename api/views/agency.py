"""Full agency through the API (R-AGT-1 … R-AGT-6): the centre's project board (each project with its licences
counted by stage, its yellow and red tasks), one project (its team, meetings, tasks with their working-day timer's
colour, licences with their stage, delays and the hand-over, whose recipient's identity number is only ever
masked), and the writes the pages make: proposing a project, confirming it with its team, adding a window's chief
representative to the team later, recording a team meeting, assigning a task to a window, the window taking and
finishing it, listing a licence and moving it through its stages, signing the hand-over register, closing the
project, recording a delay and the day it was reported to the discipline authority.

The signed hand-over register is also printed: `GET …/agency-projects/<id>/hand-over.pdf` answers the same PDF as
the staff page (`agency.documents`), and the project names that address (`hand_over.pdf`) beside the register's
rows.

Each write is one call of `agency.services`, which checks who may act (so the API refuses as the pages do); a
refusal is a 422 whose body names the rule. Every staff member of the centre reads the board and the projects, as
on the pages; a user of another centre gets 404."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from agency import services as agency
from agency.documents import hand_over_document
from agency.models import (
    STAGE_ORDER,
    AgencyDelay,
    AgencyLicence,
    AgencyMeeting,
    AgencyProject,
    AgencyScope,
    AgencyTask,
    DelayKind,
    LicenceStage,
    ProjectState,
)
from agency.selectors import project_board, project_page
from cases.access import cases_for_user
from catalog.models import Item
from common.errors import NotFound
from org.models import Center, StaffProfile, Window

from ..permissions import fetch, staff_center
from ..serializers import ID_MAX
from .base import CENTER, ApiView, errors, id_param, parse, referenced

PROJECT_ID = id_param("project_id", "代办项目编号")
LICENCE_ID = id_param("licence_id", "代办证照编号")
TASK_ID = id_param("task_id", "代办任务编号")
DELAY_ID = id_param("delay_id", "代办延误记录编号")


def _id(**kw: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=ID_MAX, **kw)


def _optional_id(help_text: str) -> serializers.IntegerField:
    return _id(required=False, allow_null=True, default=None, help_text=help_text)


def _text(max_length: int, help_text: str) -> serializers.CharField:
    return serializers.CharField(
        max_length=max_length, required=False, default="", allow_blank=True, help_text=help_text
    )


# --- input -------------------------------------------------------------------------------------------------------


class BoardQuerySerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=ProjectState.choices,
        required=False,
        default="",
        allow_blank=True,
        help_text="项目状态（默认全部）",
    )


class ProposeInSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, help_text="项目名称")
    enterprise_name = serializers.CharField(max_length=200, help_text="企业名称")
    credit_code = serializers.CharField(max_length=18, help_text="统一社会信用代码")
    scope = serializers.ChoiceField(choices=AgencyScope.choices, help_text="代办范围（R-AGT-1）")
    designation_number = _text(60, "确定文号（重大项目必填）")
    platform_code = _text(60, "省平台项目代码")


class ConfirmInSerializer(serializers.Serializer):
    leader = _id(help_text="牵头分管副主任（工作人员编号）")
    coordination_head = _id(help_text="审批协调科负责人（工作人员编号）")
    windows = serializers.ListField(
        child=_id(), max_length=100, help_text="涉及窗口编号（其首席代表为专班成员）"
    )


class TaskInSerializer(serializers.Serializer):
    window = _id(help_text="承办窗口编号")
    title = serializers.CharField(max_length=300, help_text="任务")
    due_days = serializers.IntegerField(
        min_value=1, max_value=agency.MAX_DUE_DAYS, help_text="办理时限（工作日）"
    )
    meeting = _optional_id("布置任务的联席会议编号")


class MemberInSerializer(serializers.Serializer):
    window = _id(help_text="新涉及的窗口编号")
    staff = _id(help_text="该窗口的首席代表（工作人员编号）")


class MeetingInSerializer(serializers.Serializer):
    held_at = serializers.DateTimeField(help_text="开会时间（不晚于现在）")
    place = serializers.CharField(max_length=200, help_text="地点")
    minutes = _text(20000, "会议纪要")
    attendees = serializers.ListField(
        child=_id(), min_length=1, max_length=200, help_text="参会人员（工作人员编号）"
    )


class HandOverInSerializer(serializers.Serializer):
    recipient_name = serializers.CharField(max_length=40, help_text="企业接收人姓名")
    recipient_id_number = serializers.CharField(max_length=18, help_text="接收人身份证号")
    note = _text(300, "备注")


class ReportInSerializer(serializers.Serializer):
    reported_on = serializers.DateField(help_text="报送纪检监察机关日期")


class FinishInSerializer(serializers.Serializer):
    result = serializers.CharField(max_length=5000, help_text="办理结果")


class LicenceInSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, help_text="证照名称")
    window = _id(help_text="办理窗口编号")
    item = _optional_id("对应事项编号（内部编号）")
    case = _optional_id("对应办件编号（内部编号）")


class MoveInSerializer(serializers.Serializer):
    to_stage = serializers.ChoiceField(choices=LicenceStage.choices, help_text="新的办理进度")
    reason = _text(300, "退回原因（退回前一进度时必填）")
    licence_number = _text(100, "证照编号（发证时必填）")
    issued_on = serializers.DateField(required=False, allow_null=True, default=None, help_text="发证日期")


class DelayInSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DelayKind.choices, help_text="情形")
    description = serializers.CharField(max_length=5000, help_text="情况说明")
    member = _optional_id("责任专班成员（工作人员编号）")
    window = _optional_id("责任窗口编号")
    task = _optional_id("相关任务编号")


# --- output ------------------------------------------------------------------------------------------------------


class BoardRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    enterprise_name = serializers.CharField()
    credit_code = serializers.CharField()
    scope = serializers.CharField()
    state = serializers.CharField()
    leader = serializers.CharField(help_text="牵头副主任")
    licences = serializers.IntegerField(help_text="证照数")
    by_stage = serializers.DictField(child=serializers.IntegerField(), help_text="各办理进度的证照数")
    open_tasks = serializers.IntegerField()
    yellow_tasks = serializers.IntegerField(help_text="黄灯预警的未完成任务数")
    overdue_tasks = serializers.IntegerField(help_text="超过办理时限（红灯）的未完成任务数")
    delays = serializers.IntegerField()
    proposed_at = serializers.DateTimeField()
    confirmed_at = serializers.DateTimeField(allow_null=True)


class MemberSerializer(serializers.Serializer):
    staff = serializers.IntegerField()
    name = serializers.CharField()
    role = serializers.CharField()
    window = serializers.CharField(help_text="所代表的窗口号，无则为空")


class TaskSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    window = serializers.CharField()
    due_days = serializers.IntegerField()
    due_on = serializers.DateField(help_text="完成期限：工作日计时的期限")
    colour = serializers.CharField(help_text="今日的计时颜色：green、yellow、red；已完成为空")
    state = serializers.CharField()
    assigned_at = serializers.DateTimeField()
    taken_at = serializers.DateTimeField(allow_null=True)
    taken_by = serializers.CharField()
    done_at = serializers.DateTimeField(allow_null=True)
    result = serializers.CharField()


class MeetingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    held_at = serializers.DateTimeField()
    place = serializers.CharField()
    minutes = serializers.CharField()
    attendees = serializers.ListField(child=serializers.CharField(), help_text="参会人员姓名")


class StageChangeSerializer(serializers.Serializer):
    from_stage = serializers.CharField()
    to_stage = serializers.CharField()
    at = serializers.DateTimeField()
    reason = serializers.CharField()


class LicenceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    window = serializers.CharField()
    item = serializers.CharField(help_text="对应事项编号，无则为空")
    stage = serializers.CharField()
    stage_changed_at = serializers.DateTimeField()
    licence_number = serializers.CharField()
    issued_on = serializers.DateField(allow_null=True)
    log = StageChangeSerializer(many=True)


class DelaySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    member = serializers.CharField()
    window = serializers.CharField()
    task = serializers.IntegerField(allow_null=True)
    description = serializers.CharField()
    recorded_at = serializers.DateTimeField()
    reported_on = serializers.DateField(allow_null=True)


class HandOverRowSerializer(serializers.Serializer):
    name = serializers.CharField()
    licence_number = serializers.CharField()
    issued_on = serializers.DateField()
    issuer = serializers.CharField(help_text="发证部门")


class HandOverSerializer(serializers.Serializer):
    signed_by = serializers.CharField()
    signed_at = serializers.DateTimeField()
    recipient_name = serializers.CharField()
    recipient_id_number = serializers.CharField(help_text="接收人身份证号（仅显示首三位与末四位）")
    note = serializers.CharField()
    licences = serializers.IntegerField()
    rows = HandOverRowSerializer(many=True, help_text="交接登记所列证照")
    pdf = serializers.CharField(help_text="交接登记PDF的地址（本接口，GET）")


class ProjectSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    enterprise_name = serializers.CharField()
    credit_code = serializers.CharField()
    scope = serializers.CharField()
    designation_number = serializers.CharField()
    platform_code = serializers.CharField()
    state = serializers.CharField()
    proposed_at = serializers.DateTimeField()
    confirmed_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    team = MemberSerializer(many=True)
    meetings = MeetingSerializer(many=True)
    tasks = TaskSerializer(many=True)
    licences = LicenceSerializer(many=True)
    delays = DelaySerializer(many=True)
    hand_over = HandOverSerializer(allow_null=True)


def _window_number(window: Window | None) -> str:
    return window.number if window is not None else ""


def body(project: AgencyProject) -> dict[str, Any]:
    """One project as the API shows it, read afresh through `agency.selectors.project_page`."""
    page = project_page(AgencyProject.objects.select_related("center").get(pk=project.pk))
    fresh = page.project
    hand_over = page.hand_over
    return ProjectSerializer(
        {
            "id": fresh.pk,
            "name": fresh.name,
            "enterprise_name": fresh.enterprise_name,
            "credit_code": fresh.credit_code,
            "scope": fresh.scope,
            "designation_number": fresh.designation_number,
            "platform_code": fresh.platform_code,
            "state": fresh.state,
            "proposed_at": fresh.proposed_at,
            "confirmed_at": fresh.confirmed_at,
            "closed_at": fresh.closed_at,
            "team": [
                {
                    "staff": m.staff_id,
                    "name": m.staff.name,
                    "role": m.role,
                    "window": _window_number(m.window),
                }
                for m in page.members
            ],
            "meetings": [
                {
                    "id": m.pk,
                    "held_at": m.held_at,
                    "place": m.place,
                    "minutes": m.minutes,
                    "attendees": [p.name for p in m.attendees.all()],
                }
                for m in page.meetings
            ],
            "tasks": [
                {
                    "id": t.pk,
                    "title": t.title,
                    "window": t.window.number,
                    "due_days": t.due_days,
                    "due_on": t.due_on,
                    "colour": colour,
                    "state": t.state,
                    "assigned_at": t.assigned_at,
                    "taken_at": t.taken_at,
                    "taken_by": t.taken_by.name if t.taken_by is not None else "",
                    "done_at": t.done_at,
                    "result": t.result,
                }
                for t, colour in page.task_rows
            ],
            "licences": [
                {
                    "id": row.licence.pk,
                    "name": row.licence.name,
                    "window": row.licence.window.number,
                    "item": row.licence.item.code if row.licence.item is not None else "",
                    "stage": row.licence.stage,
                    "stage_changed_at": row.licence.stage_changed_at,
                    "licence_number": row.licence.licence_number,
                    "issued_on": row.licence.issued_on,
                    "log": [
                        {"from_stage": c.from_stage, "to_stage": c.to_stage, "at": c.at, "reason": c.reason}
                        for c in row.log
                    ],
                }
                for row in page.licences
            ],
            "delays": [
                {
                    "id": d.pk,
                    "kind": d.kind,
                    "member": d.member.name if d.member is not None else "",
                    "window": _window_number(d.window),
                    "task": d.task_id,
                    "description": d.description,
                    "recorded_at": d.recorded_at,
                    "reported_on": d.reported_on,
                }
                for d in page.delays
            ],
            "hand_over": None
            if hand_over is None
            else {
                "signed_by": hand_over.signed_by.name,
                "signed_at": hand_over.signed_at,
                "recipient_name": hand_over.recipient_name,
                "recipient_id_number": hand_over.recipient_id_masked,
                "note": hand_over.note,
                "licences": len(page.hand_over_rows),
                "rows": [
                    {
                        "name": r.name,
                        "licence_number": r.licence_number,
                        "issued_on": r.issued_on,
                        "issuer": r.issuer,
                    }
                    for r in page.hand_over_rows
                ],
                "pdf": reverse(
                    "api:agency_hand_over_pdf", kwargs={"center": fresh.center.code, "project_id": fresh.pk}
                ),
            },
        }
    ).data


def _project(request: Request, where: Center, project_id: int) -> AgencyProject:
    return fetch(
        request.user, AgencyProject.objects.filter(center=where).select_related("center"), pk=project_id
    )


def _of_project(request: Request, center: str, model: type[Any], pk: int) -> Any:
    """A licence, task or delay of a project of the user's centre (404 otherwise), with its project."""
    where = staff_center(request.user, center)
    return fetch(request.user, model.objects.filter(center=where).select_related("project"), pk=pk)


def _staff(request: Request, where: Center, field: str, pk: int | None) -> StaffProfile | None:
    if pk is None:
        return None
    return referenced(
        request.user, StaffProfile.objects.filter(center=where).select_related("user"), field, pk=pk
    )


def _window(request: Request, where: Center, field: str, pk: int | None) -> Window | None:
    if pk is None:
        return None
    return referenced(
        request.user, Window.objects.filter(center=where).select_related("chief_representative"), field, pk=pk
    )


# --- the board ---------------------------------------------------------------------------------------------------


class AgencyProjectsView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["agency"],
        summary="全程代办项目一览：各项目的牵头副主任、各办理进度的证照数、未完成与逾期任务、延误（R-AGT-1、R-AGT-4）",
        parameters=[CENTER, BoardQuerySerializer],
        responses={200: BoardRowSerializer(many=True), **errors(400, 401, 404)},
    )
    def get(self, request: Request, center: str) -> Response:
        query = parse(BoardQuerySerializer, request.query_params)
        where = staff_center(request.user, center)
        rows = project_board(where, state=query["state"], today=timezone.localdate())
        return Response(
            BoardRowSerializer(
                [
                    {
                        "id": r.project.pk,
                        "name": r.project.name,
                        "enterprise_name": r.project.enterprise_name,
                        "credit_code": r.project.credit_code,
                        "scope": r.project.scope,
                        "state": r.project.state,
                        "leader": r.leader,
                        "licences": r.licences,
                        "by_stage": dict(zip(STAGE_ORDER, r.stage_counts, strict=True)),
                        "open_tasks": r.open_tasks,
                        "yellow_tasks": r.yellow_tasks,
                        "overdue_tasks": r.overdue_tasks,
                        "delays": r.delays,
                        "proposed_at": r.project.proposed_at,
                        "confirmed_at": r.project.confirmed_at,
                    }
                    for r in rows
                ],
                many=True,
            ).data
        )

    @extend_schema(
        tags=["agency"],
        summary="登记全程代办项目：落户经济开发区的投资项目或县确定的重大项目（文号），企业统一社会信用代码有效（R-AGT-1）",
        parameters=[CENTER],
        request=ProposeInSerializer,
        responses={201: ProjectSerializer, **errors(400, 401, 403, 404, 422)},
    )
    def post(self, request: Request, center: str) -> Response:
        data = parse(ProposeInSerializer, request.data)
        where = staff_center(request.user, center)
        project = agency.agency_project_propose(actor=request.user, center=where, **data)
        return Response(body(project), status=201)


# --- a project ---------------------------------------------------------------------------------------------------


class AgencyProjectView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["agency"],
        summary="一个全程代办项目：专班、任务、证照及其办理进度、延误、交接登记（接收人身份证号脱敏）（R-AGT-2 … R-AGT-6）",
        parameters=[CENTER, PROJECT_ID],
        responses={200: ProjectSerializer, **errors(401, 404)},
    )
    def get(self, request: Request, center: str, project_id: int) -> Response:
        where = staff_center(request.user, center)
        return Response(body(_project(request, where, project_id)))


class AgencyConfirmView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["agency"],
        summary="中心主任或副主任确认项目并组建专班：牵头副主任、审批协调科负责人、涉及窗口的首席代表（R-AGT-2）",
        parameters=[CENTER, PROJECT_ID],
        request=ConfirmInSerializer,
        responses={200: ProjectSerializer, **errors(400, 401, 403, 404, 422)},
    )
    def post(self, request: Request, center: str, project_id: int) -> Response:
        data = parse(ConfirmInSerializer, request.data)
        where = staff_center(request.user, center)
        project = _project(request, where, project_id)
        leader = _staff(request, where, "leader", data["leader"])
        head = _staff(request, where, "coordination_head", data["coordination_head"])
        assert leader is not None and head is not None
        windows = [_window(request, where, "windows", pk) for pk in dict.fromkeys(data["windows"])]
        agency.agency_project_confirm(
            actor=request.user,
            project=project,
            leader=leader,
            coordination_head=head,
            windows=[w for w in windows if w is not None],
        )
        return Response(body(project))


class AgencyMembersView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["agency"],
        summary="专班吸收新涉及窗口的首席代表为成员（专班成员限于分管副主任、审批协调科负责人和相关窗口首席代表）（R-AGT-2）",
        parameters=[CENTER, PROJECT_ID],
        request=MemberInSerializer,
        responses={201: ProjectSerializer, **errors(400, 401, 403, 404, 422)},
    )
    def post(self, request: Request, center: str, project_id: int) -> Response:
        data = parse(MemberInSerializer, request.data)
        where = staff_center(request.user, center)
        project = _project(request, where, project_id)
        window = _window(request, where, "window", data["window"])
        staff = _staff(request, where, "staff", data["staff"])
        assert window is not None and staff is not None
        agency.agency_member_add(actor=request.user, project=project, staff=staff, window=window)
        return Response(body(project), status=201)


class AgencyMeetingsView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["agency"],
        summary="登记专班联席会议：开会时间、地点、参会人员、会议纪要（R-AGT-3）",
        parameters=[CENTER, PROJECT_ID],
        request=MeetingInSerializer,
        responses={201: ProjectSerializer, **errors(400, 401, 403, 404, 422)},
    )
    def post(self, request: Request, center: str, project_id: int) -> Response:
        data = parse(MeetingInSerializer, request.data)
        where = staff_center(request.user, center)
        project = _project(request, where, project_id)
        attendees = [_staff(request, where, "attendees", pk) for pk in dict.fromkeys(data["attendees"])]
        agency.agency_meeting_record(
            actor=request.user,
            project=project,
            held_at=data["held_at"],
            place=data["place"],
            minutes=data["minutes"],
            attendees=[p for p in attendees if p is not None],
        )
        return Response(body(project), status=201)


class AgencyTasksView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["agency"],
        summary="专班向窗口布置任务，限定办理时限（工作日），窗口须接收（R-AGT-3）",
        parameters=[CENTER, PROJECT_ID],
        request=TaskInSerializer,
        responses={201: ProjectSerializer, **errors(400, 401, 403, 404, 422)},
    )
    def post(self, request: Request, center: str, project_id: int) -> Response:
        data = parse(TaskInSerializer, request.data)
        where = staff_center(request.user, center)
        project = _project(request, where, project_id)
        window = _window(request, where, "window", data["window"])
        assert window is not None
        meeting = (
            referenced(
                request.user, AgencyMeeting.objects.filter(project=project), "meeting", pk=data["meeting"]
            )
            if data["meeting"] is not None
            else None
        )
        agency.agency_task_assign(
            actor=request.user,
            project=project,
            window=window,
            title=data["title"],
            due_days=data["due_days"],
            meeting=meeting,
        )
        return Response(body(project), status=201)


class AgencyLicencesView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["agency"],
        summary="列入项目需办理的证照：名称、办理窗口，可关联事项与办件（R-AGT-4）",
        parameters=[CENTER, PROJECT_ID],
        request=LicenceInSerializer,
        responses={201: ProjectSerializer, **errors(400, 401, 403, 404, 422)},
    )
    def post(self, request: Request, center: str, project_id: int) -> Response:
        data = parse(LicenceInSerializer, request.data)
        where = staff_center(request.user, center)
        project = _project(request, where, project_id)
        window = _window(request, where, "window", data["window"])
        assert window is not None
        item = (
            referenced(request.user, Item.objects.filter(center=where), "item", pk=data["item"])
            if data["item"] is not None
            else None
        )
        case = (
            referenced(
                request.user, cases_for_user(request.user).filter(center=where), "case", pk=data["case"]
            )
            if data["case"] is not None
            else None
        )
        agency.agency_licence_add(
            actor=request.user, project=project, name=data["name"], window=window, item=item, case=case
        )
        return Response(body(project), status=201)


class AgencyDelaysView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["agency"],
        summary="登记专班成员或窗口推诿、敷衍、逾期造成的延误，供报送纪检监察机关（R-AGT-6）",
        parameters=[CENTER, PROJECT_ID],
        request=DelayInSerializer,
        responses={201: ProjectSerializer, **errors(400, 401, 403, 404, 422)},
    )
    def post(self, request: Request, center: str, project_id: int) -> Response:
        data = parse(DelayInSerializer, request.data)
        where = staff_center(request.user, center)
        project = _project(request, where, project_id)
        task = (
            referenced(request.user, AgencyTask.objects.filter(project=project), "task", pk=data["task"])
            if data["task"] is not None
            else None
        )
        agency.agency_delay_record(
            actor=request.user,
            project=project,
            kind=data["kind"],
            description=data["description"],
            member=_staff(request, where, "member", data["member"]),
            window=_window(request, where, "window", data["window"]),
            task=task,
        )
        return Response(body(project), status=201)


class AgencyHandOverView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["agency"],
        summary="证照全部办齐后如数移交企业：移交人以本人账号签字，登记企业接收人（R-AGT-5）",
        parameters=[CENTER, PROJECT_ID],
        request=HandOverInSerializer,
        responses={201: ProjectSerializer, **errors(400, 401, 403, 404, 422)},
    )
    def post(self, request: Request, center: str, project_id: int) -> Response:
        data = parse(HandOverInSerializer, request.data)
        where = staff_center(request.user, center)
        project = _project(request, where, project_id)
        agency.handover_sign(actor=request.user, project=project, **data)
        return Response(body(project), status=201)


class AgencyHandOverPdfView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["agency"],
        summary="打印已签字的证照交接登记（PDF；接收人身份证号脱敏）（R-AGT-5）",
        parameters=[CENTER, PROJECT_ID],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, **errors(401, 404)},
    )
    def get(self, request: Request, center: str, project_id: int) -> HttpResponse:
        where = staff_center(request.user, center)
        page = project_page(_project(request, where, project_id))
        if page.hand_over is None:
            raise NotFound()
        pdf, filename = hand_over_document(page)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(False, filename) or "inline"
        return response


class AgencyCloseView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["agency"],
        summary="证照移交后办结项目（R-AGT-5）",
        parameters=[CENTER, PROJECT_ID],
        request=None,
        responses={200: ProjectSerializer, **errors(401, 403, 404, 422)},
    )
    def post(self, request: Request, center: str, project_id: int) -> Response:
        where = staff_center(request.user, center)
        project = _project(request, where, project_id)
        agency.agency_project_close(actor=request.user, project=project)
        return Response(body(project))


# --- a licence, a task, a delay ----------------------------------------------------------------------------------


class AgencyLicenceMoveView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["agency"],
        summary="证照进入下一办理进度（集中会审、报办由专班办理；发证须填编号与日期；退回须说明原因）（R-AGT-4）",
        parameters=[CENTER, LICENCE_ID],
        request=MoveInSerializer,
        responses={200: ProjectSerializer, **errors(400, 401, 403, 404, 422)},
    )
    def post(self, request: Request, center: str, licence_id: int) -> Response:
        data = parse(MoveInSerializer, request.data)
        licence = _of_project(request, center, AgencyLicence, licence_id)
        agency.agency_licence_move(
            actor=request.user,
            licence=licence,
            to_stage=data["to_stage"],
            reason=data["reason"],
            licence_number=data["licence_number"],
            issued_on=data["issued_on"],
        )
        return Response(body(licence.project))


class AgencyTaskTakeView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["agency"],
        summary="承办窗口的负责人或首席代表接收任务（不得拒收）（R-AGT-3）",
        parameters=[CENTER, TASK_ID],
        request=None,
        responses={200: ProjectSerializer, **errors(401, 403, 404, 422)},
    )
    def post(self, request: Request, center: str, task_id: int) -> Response:
        task = _of_project(request, center, AgencyTask, task_id)
        agency.agency_task_take(actor=request.user, task=task)
        return Response(body(task.project))


class AgencyTaskFinishView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["agency"],
        summary="承办窗口报告任务完成及办理结果（R-AGT-3）",
        parameters=[CENTER, TASK_ID],
        request=FinishInSerializer,
        responses={200: ProjectSerializer, **errors(400, 401, 403, 404, 422)},
    )
    def post(self, request: Request, center: str, task_id: int) -> Response:
        data = parse(FinishInSerializer, request.data)
        task = _of_project(request, center, AgencyTask, task_id)
        agency.agency_task_finish(actor=request.user, task=task, result=data["result"])
        return Response(body(task.project))


class AgencyDelayReportView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["agency"],
        summary="登记延误报送纪检监察机关的日期（登记之日至今天之间，只登记一次）（R-AGT-6）",
        parameters=[CENTER, DELAY_ID],
        request=ReportInSerializer,
        responses={200: ProjectSerializer, **errors(400, 401, 403, 404, 422)},
    )
    def post(self, request: Request, center: str, delay_id: int) -> Response:
        data = parse(ReportInSerializer, request.data)
        delay = _of_project(request, center, AgencyDelay, delay_id)
        agency.agency_delay_report(actor=request.user, delay=delay, reported_on=data["reported_on"])
        return Response(body(delay.project))
