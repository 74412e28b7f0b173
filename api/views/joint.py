"""Joint approval through the API (R-PAR-1 … R-PAR-5, R-PAR-8 … R-PAR-11): the flow-and-limits table of a joint
item, opening the joint case of an accepted case, each department's notification, receipt, opinion, report up
and second procedure, the one correction, the final inspection, the provincial platform's data, a department's
joint inbox and the supervision section's view of lateness by department.

Each write is one call of `joint.services`, which checks who may act (so the API refuses as the pages do); a
refusal is a 422 whose body names the rule. A joint case is read by the centre-wide roles and the staff of the
lead and involved departments (`joint.selectors.may_read`), others get 404."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from cases.access import case_for_user
from catalog.models import Item
from common.errors import NotFound
from common.periods import MAX_PERIOD_DAYS
from joint import selectors
from joint import services as joint
from joint.models import JointCase, JointLane, Opinion
from org.access import CAN_SUPERVISE
from org.models import Center, Department, StaffProfile

from ..permissions import require_role, staff_center
from ..serializers import ID_MAX
from .base import CENTER, ApiView, errors, id_param, parse, referenced

JOINT_ID = id_param("joint_case_id", "并联审批件编号")
LANE_ID = id_param("lane_id", "并联审批部门编号（抄告对象）")
CASE_ID = id_param("case_id", "办件编号（内部编号）")
ITEM_CODE_PARAM = id_param("item_id", "事项编号（内部编号）")


def _ids(**kw: Any) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=ID_MAX), required=False, default=list, **kw
    )


class FlowLaneInSerializer(serializers.Serializer):
    department = serializers.IntegerField(min_value=1, max_value=ID_MAX, help_text="协办部门编号")
    items = serializers.CharField(max_length=300, help_text="该部门负责的审批事项")
    limit_days = serializers.IntegerField(min_value=0, max_value=1000, help_text="时限（工作日）")


class FlowInSerializer(serializers.Serializer):
    lead_department = serializers.IntegerField(min_value=1, max_value=ID_MAX, help_text="牵头部门编号")
    lanes = FlowLaneInSerializer(many=True, help_text="协办部门及其事项、时限")
    effective_from = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="施行日期"
    )
    note = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)


class OpenInSerializer(serializers.Serializer):
    departments = _ids(help_text="相关部门编号（默认流程时限表中的全部协办部门）")
    present = _ids(help_text="到场的相关部门首席代表（工作人员编号）")
    project_code = serializers.CharField(
        max_length=60,
        required=False,
        default="",
        allow_blank=True,
        help_text="省并联审批平台项目代码（R-PAR-9）",
    )


class OpinionInSerializer(serializers.Serializer):
    opinion = serializers.ChoiceField(choices=Opinion.choices, help_text="审批意见")
    text = serializers.CharField(
        max_length=2000, required=False, default="", allow_blank=True, help_text="条件或理由"
    )
    signed_by = serializers.CharField(
        max_length=200, required=False, default="", allow_blank=True, help_text="部门内部签批领导"
    )


class ReportUpInSerializer(serializers.Serializer):
    authority = serializers.CharField(max_length=100, help_text="报请的上级机关")


class SecondProcedureInSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, help_text="缺件书面理由")
    also = _ids(help_text="同样因缺件受影响的其他部门（并联审批部门编号）")


class InspectInSerializer(serializers.Serializer):
    result = serializers.CharField(max_length=2000, help_text="最终审批验收意见")


class LaneSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    department = serializers.CharField()
    items = serializers.CharField()
    limit_days = serializers.IntegerField()
    notice_number = serializers.CharField()
    notified_at = serializers.DateTimeField(allow_null=True)
    received_at = serializers.DateTimeField(allow_null=True)
    deadline = serializers.DateField(allow_null=True)
    clock = serializers.CharField(help_text="running / stopped / finished，未签收为空")
    late = serializers.BooleanField()
    opinion = serializers.CharField()
    opinion_text = serializers.CharField()
    signed_by = serializers.CharField()
    opinion_at = serializers.DateTimeField(allow_null=True)
    reported_to = serializers.CharField()
    missing_reason = serializers.CharField()


class JointCaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.IntegerField()
    case_number = serializers.CharField()
    lead_department = serializers.CharField()
    flow_version = serializers.IntegerField()
    project_code = serializers.CharField()
    state = serializers.CharField()
    corrected_at = serializers.DateTimeField(allow_null=True)
    inspected_at = serializers.DateTimeField(allow_null=True)
    inspection = serializers.CharField()
    lanes = LaneSerializer(many=True)


def lane_body(lane: JointLane) -> dict[str, Any]:
    timer = lane.timer
    return {
        "id": lane.pk,
        "department": lane.department.name,
        "items": lane.items,
        "limit_days": lane.limit_days,
        "notice_number": lane.notice_number,
        "notified_at": lane.notified_at,
        "received_at": lane.received_at,
        "deadline": timer.deadline if timer is not None else None,
        "clock": timer.state if timer is not None else "",
        "late": bool(timer is not None and timer.red_since is not None),
        "opinion": lane.opinion,
        "opinion_text": lane.opinion_text,
        "signed_by": lane.signed_by,
        "opinion_at": lane.opinion_at,
        "reported_to": lane.reported_to,
        "missing_reason": lane.missing_reason,
    }


def body(joint_case: JointCase) -> dict[str, Any]:
    fresh = selectors.joint_case_of(joint_case.center, joint_case.pk)
    assert fresh is not None
    return JointCaseSerializer(
        {
            "id": fresh.pk,
            "case": fresh.case_id,
            "case_number": fresh.case.number,
            "lead_department": fresh.lead_department.name,
            "flow_version": fresh.flow.version,
            "project_code": fresh.project_code,
            "state": fresh.state,
            "corrected_at": fresh.corrected_at,
            "inspected_at": fresh.inspected_at,
            "inspection": fresh.inspection,
            "lanes": [lane_body(lane) for lane in fresh.lanes.all()],
        }
    ).data


def _departments(where: Center, ids: list[int], request: Request, field: str) -> list[Department]:
    return [referenced(request.user, Department.objects.filter(center=where), field, pk=pk) for pk in ids]


class JointFlowView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["joint"],
        summary="发布联办件事项的并联审批流程时限表（新版本）：牵头部门（中心指定）与各协办部门的事项、时限（R-PAR-1、R-PAR-2）",
        parameters=[CENTER, ITEM_CODE_PARAM],
        request=FlowInSerializer,
        responses={201: None, **errors(400, 401, 403, 404, 422)},
    )
    def post(self, request: Request, center: str, item_id: int) -> Response:
        data = parse(FlowInSerializer, request.data)
        where = staff_center(request.user, center)
        item = referenced(request.user, Item.objects.filter(center=where), "item", pk=item_id)
        lead = referenced(
            request.user,
            Department.objects.filter(center=where),
            "lead_department",
            pk=data["lead_department"],
        )
        lanes = [
            {
                "department": referenced(
                    request.user, Department.objects.filter(center=where), "lanes", pk=lane["department"]
                ),
                "items": lane["items"],
                "limit_days": lane["limit_days"],
            }
            for lane in data["lanes"]
        ]
        flow = joint.joint_flow_publish(
            actor=request.user,
            item=item,
            lead_department=lead,
            lanes=lanes,
            effective_from=data["effective_from"],
            note=data["note"],
        )
        return Response({"id": flow.pk, "version": flow.version}, status=201)


class JointOpenView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["joint"],
        summary="一门受理：在牵头窗口受理的联办件上启动并联审批，确定相关部门（R-PAR-3）",
        parameters=[CENTER, CASE_ID],
        request=OpenInSerializer,
        responses={201: JointCaseSerializer, **errors(400, 401, 403, 404, 422)},
    )
    def post(self, request: Request, center: str, case_id: int) -> Response:
        data = parse(OpenInSerializer, request.data)
        where = staff_center(request.user, center)
        case = case_for_user(request.user, case_id)
        if case.center_id != where.pk:
            raise NotFound()
        departments = (
            _departments(where, data["departments"], request, "departments") if data["departments"] else None
        )
        present = [
            referenced(request.user, StaffProfile.objects.filter(center=where), "present", pk=pk)
            for pk in data["present"]
        ]
        joint_case = joint.joint_case_open(
            actor=request.user,
            case=case,
            departments=departments,
            present=present,
            project_code=data["project_code"],
        )
        return Response(body(joint_case), status=201)


class JointCaseView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["joint"],
        summary="一件并联审批件：各部门的抄告、签收、期限、意见（R-PAR-4、R-PAR-5）",
        parameters=[CENTER, JOINT_ID],
        responses={200: JointCaseSerializer, **errors(401, 403, 404)},
    )
    def get(self, request: Request, center: str, joint_case_id: int) -> Response:
        where = staff_center(request.user, center)
        return Response(body(selectors.joint_case_for_user(request.user, where, joint_case_id)))


class JointProvincialView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["joint"],
        summary="报送省并联审批平台的数据：项目代码、办件、企业、牵头部门与各部门办理情况（R-PAR-9）",
        parameters=[CENTER, JOINT_ID],
        responses={200: OpenApiTypes.OBJECT, **errors(401, 403, 404)},
    )
    def get(self, request: Request, center: str, joint_case_id: int) -> Response:
        where = staff_center(request.user, center)
        return Response(
            selectors.provincial_export(selectors.joint_case_for_user(request.user, where, joint_case_id))
        )


class _LaneActionView(ApiView):
    """POST one step of a department's part: parsed, scoped (404 outside what the user reads), then the service."""

    permission_classes = [IsAuthenticated]
    serializer: type[serializers.Serializer] | None = None

    def act(self, request: Request, lane: JointLane, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def post(self, request: Request, center: str, lane_id: int) -> Response:
        data = parse(self.serializer, request.data) if self.serializer is not None else {}
        where = staff_center(request.user, center)
        lane = selectors.lane_for_user(request.user, where, lane_id)
        self.act(request, lane, data)
        return Response(body(lane.joint_case))


def _lane_schema(summary: str, serializer: type[serializers.Serializer] | None) -> Any:
    return extend_schema(
        tags=["joint"],
        summary=summary,
        parameters=[CENTER, LANE_ID],
        request=serializer,
        responses={200: JointCaseSerializer, **errors(400, 401, 403, 404, 422)},
    )


class JointNotifyView(_LaneActionView):
    def act(self, request: Request, lane: JointLane, data: dict[str, Any]) -> Any:
        return joint.joint_notify(actor=request.user, lane=lane)

    @_lane_schema("牵头部门首席代表向该部门发出抄告单（编号）及材料（R-PAR-4）", None)
    def post(self, request: Request, center: str, lane_id: int) -> Response:
        return super().post(request, center, lane_id)


class JointReceiveView(_LaneActionView):
    def act(self, request: Request, lane: JointLane, data: dict[str, Any]) -> Any:
        return joint.joint_lane_receive(actor=request.user, lane=lane)

    @_lane_schema("相关部门签收抄告单，本部门时限自签收之日起计算（R-PAR-4）", None)
    def post(self, request: Request, center: str, lane_id: int) -> Response:
        return super().post(request, center, lane_id)


class JointOpinionView(_LaneActionView):
    serializer = OpinionInSerializer

    def act(self, request: Request, lane: JointLane, data: dict[str, Any]) -> Any:
        return joint.joint_opinion_give(
            actor=request.user,
            lane=lane,
            opinion=data["opinion"],
            text=data["text"],
            signed_by=data["signed_by"],
        )

    @_lane_schema(
        "相关部门出具明确意见：同意、有条件同意（写明条件）、不同意（说明理由）（R-PAR-5）",
        OpinionInSerializer,
    )
    def post(self, request: Request, center: str, lane_id: int) -> Response:
        return super().post(request, center, lane_id)


class JointReportUpView(_LaneActionView):
    serializer = ReportUpInSerializer

    def act(self, request: Request, lane: JointLane, data: dict[str, Any]) -> Any:
        return joint.joint_report_up(actor=request.user, lane=lane, authority=data["authority"])

    @_lane_schema("须报上级机关的事项：报请上级并抄告牵头部门（R-PAR-5）", ReportUpInSerializer)
    def post(self, request: Request, center: str, lane_id: int) -> Response:
        return super().post(request, center, lane_id)


class JointSecondProcedureView(_LaneActionView):
    serializer = SecondProcedureInSerializer

    def act(self, request: Request, lane: JointLane, data: dict[str, Any]) -> Any:
        also = [selectors.lane_for_user(request.user, lane.center, pk) for pk in data["also"]]
        return joint.joint_second_procedure(actor=request.user, lane=lane, reason=data["reason"], also=also)

    @_lane_schema(
        "缺件：出具书面理由，进入二次程序，相关部门暂停计时至补正（R-PAR-8）", SecondProcedureInSerializer
    )
    def post(self, request: Request, center: str, lane_id: int) -> Response:
        return super().post(request, center, lane_id)


class JointCorrectionView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["joint"],
        summary="牵头窗口收到申请人的一次性补正，暂停的部门恢复计时（R-PAR-8）",
        parameters=[CENTER, JOINT_ID],
        request=None,
        responses={200: JointCaseSerializer, **errors(401, 403, 404, 422)},
    )
    def post(self, request: Request, center: str, joint_case_id: int) -> Response:
        where = staff_center(request.user, center)
        joint_case = selectors.joint_case_for_user(request.user, where, joint_case_id)
        return Response(body(joint.joint_correction_receive(actor=request.user, joint_case=joint_case)))


class JointInspectView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["joint"],
        summary="牵头部门在各部门意见齐全后进行最终审批验收（R-PAR-11）",
        parameters=[CENTER, JOINT_ID],
        request=InspectInSerializer,
        responses={200: JointCaseSerializer, **errors(400, 401, 403, 404, 422)},
    )
    def post(self, request: Request, center: str, joint_case_id: int) -> Response:
        data = parse(InspectInSerializer, request.data)
        where = staff_center(request.user, center)
        joint_case = selectors.joint_case_for_user(request.user, where, joint_case_id)
        return Response(
            body(joint.joint_case_inspect(actor=request.user, joint_case=joint_case, result=data["result"]))
        )


class LatenessRowSerializer(serializers.Serializer):
    department = serializers.CharField()
    late = serializers.IntegerField()


class LatenessQuerySerializer(serializers.Serializer):
    start = serializers.DateField(required=False, help_text="起始日期（默认本月1日）")
    end = serializers.DateField(required=False, help_text="结束日期（默认今天）")

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        start, end = data.get("start"), data.get("end")
        if start and end and (end < start or (end - start).days > 366):
            raise serializers.ValidationError("结束日期不能早于起始日期，期间最长366天。")
        return data


class JointLatenessView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["joint"],
        summary="并联审批部门超时情况（按部门，供稽查督办科治庸问责）（R-PAR-10）",
        parameters=[CENTER, LatenessQuerySerializer],
        responses={200: LatenessRowSerializer(many=True), **errors(400, 401, 403, 404)},
    )
    def get(self, request: Request, center: str) -> Response:
        query = parse(LatenessQuerySerializer, request.query_params)
        where = staff_center(request.user, center)
        require_role(request.user, where, CAN_SUPERVISE)
        today: date = timezone.localdate()
        end = query.get("end") or today
        start = query.get("start") or min(end, today).replace(day=1)
        if (end - start).days + 1 > MAX_PERIOD_DAYS:  # at most a year, as on the page
            start = end - timedelta(days=MAX_PERIOD_DAYS - 1)
        rows = selectors.lateness_by_department(where, start, end)
        return Response(
            LatenessRowSerializer([{"department": r.name, "late": r.late} for r in rows], many=True).data
        )
