"""Leave through the API (R-ATT-3 … R-ATT-6, R-ATT-9): a staff member's request, an approver's decision, the
return (销假), and one leave as a whole. The same services as the pages: a refusal is 422 with the rule id and
nothing changed. A sick leave needs its hospital certificate, which is uploaded on the page (the JSON request
carries no file, so a sick leave asked here is refused under R-ATT-3)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from common.errors import NotFound
from staffing.models import LeaveKind, LeaveRequest, ReturnHow
from staffing.selectors_leave import leave_visible_to
from staffing.services import leave as leave_services

from ..permissions import fetch, staff_center
from .base import CENTER, ApiView, errors, id_param, parse

LEAVE_ID = id_param("leave_id", "请假编号")


class LeaveInSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=LeaveKind.choices, help_text="请假类别")
    start_date = serializers.DateField(help_text="开始日期")
    start_half = serializers.CharField(max_length=2, help_text="开始于上午（am）或下午（pm）")
    end_date = serializers.DateField(help_text="结束日期")
    end_half = serializers.CharField(max_length=2, help_text="结束于上午（am）或下午（pm）")
    reason = serializers.CharField(max_length=500, help_text="事由")
    outing_entry = serializers.CharField(
        max_length=500, required=False, default="", help_text="外出登记（因公临时外出须填）"
    )
    covers = serializers.DictField(
        child=serializers.IntegerField(), required=False, default=dict, help_text="岗位编号 → 顶岗B角编号"
    )


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[("approve", "批准"), ("refuse", "不批准")])
    note = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)


class ReturnSerializer(serializers.Serializer):
    how = serializers.ChoiceField(choices=ReturnHow.choices, help_text="销假方式")
    note = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)


class LeaveOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    staff = serializers.DictField()
    kind = serializers.CharField()
    official = serializers.BooleanField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    days = serializers.FloatField()
    state = serializers.CharField()
    approvals = serializers.ListField(child=serializers.DictField())
    covers = serializers.ListField(child=serializers.DictField())
    handovers = serializers.ListField(child=serializers.DictField())
    returned_at = serializers.DateTimeField(allow_null=True)
    return_how = serializers.CharField()


def _body(leave: LeaveRequest) -> dict[str, Any]:
    return {
        "id": leave.pk,
        "staff": {"id": leave.staff_id, "name": leave.staff.name},
        "kind": leave.kind,
        "official": leave.official,
        "starts_at": leave.starts_at,
        "ends_at": leave.ends_at,
        "days": leave.days,
        "state": leave.state,
        "approvals": [
            {
                "step": a.step,
                "approver_kind": a.approver_kind,
                "approver": a.approver_id,
                "decision": a.decision,
                "decided_at": a.decided_at,
            }
            for a in leave.approvals.all()
        ],
        "covers": [{"post": c.post_id, "backup": c.backup_id} for c in leave.covers.all()],
        "handovers": [
            {"post": h.post_id, "to": h.to_staff_id, "case_ids": h.case_ids, "case_count": h.case_count}
            for h in leave.handovers.all()
        ],
        "returned_at": leave.returned_at,
        "return_how": leave.return_how,
    }


def _leave(request: Request, center: str, leave_id: int) -> LeaveRequest:
    where = staff_center(request.user, center)
    leave = fetch(
        request.user, LeaveRequest.objects.filter(center=where).select_related("staff", "center"), pk=leave_id
    )
    if not leave_visible_to(request.user, leave):
        raise NotFound()
    return leave


class LeaveCreateView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["staffing"],
        summary="本人请假申请：按工作日计、可按半天，为任A角的每个岗位指定整个期间在岗的B角（R-ATT-3、R-ATT-5）",
        parameters=[CENTER],
        request=LeaveInSerializer,
        responses={201: LeaveOutSerializer, **errors(400, 401, 403, 404, 422)},
    )
    def post(self, request: Request, center: str) -> Response:
        data = parse(LeaveInSerializer, request.data)
        staff_center(request.user, center)
        covers = {int(k): v for k, v in data.pop("covers").items() if str(k).isdigit()}
        leave = leave_services.leave_request(actor=request.user, covers=covers, **data)
        return Response(LeaveOutSerializer(_body(leave)).data, status=status.HTTP_201_CREATED)


class LeaveDetailView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["staffing"],
        summary="一次请假：审批、顶岗B角、工作移交、销假（R-ATT-4、R-ATT-9、R-ATT-6）",
        parameters=[CENTER, LEAVE_ID],
        responses={200: LeaveOutSerializer, **errors(401, 404)},
    )
    def get(self, request: Request, center: str, leave_id: int) -> Response:
        return Response(LeaveOutSerializer(_body(_leave(request, center, leave_id))).data)


class LeaveDecideView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["staffing"],
        summary="当前环节的审批人批准或不批准（R-ATT-4）；最后一级批准时复核B角并移交工作（R-ATT-5、R-ATT-9）",
        parameters=[CENTER, LEAVE_ID],
        request=DecisionSerializer,
        responses={200: LeaveOutSerializer, **errors(400, 401, 403, 404, 422)},
    )
    def post(self, request: Request, center: str, leave_id: int) -> Response:
        data = parse(DecisionSerializer, request.data)
        leave = leave_services.leave_decide(
            actor=request.user,
            leave=_leave(request, center, leave_id),
            approve=data["decision"] == "approve",
            note=data["note"],
        )
        return Response(LeaveOutSerializer(_body(leave)).data)


class LeaveReturnView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["staffing"],
        summary="登记销假（当面或电话）：请假自此刻结束，此前的请假与B角顶岗记录不变（R-ATT-6）",
        parameters=[CENTER, LEAVE_ID],
        request=ReturnSerializer,
        responses={200: LeaveOutSerializer, **errors(400, 401, 403, 404, 422)},
    )
    def post(self, request: Request, center: str, leave_id: int) -> Response:
        data = parse(ReturnSerializer, request.data)
        leave = leave_services.leave_return(
            actor=request.user, leave=_leave(request, center, leave_id), how=data["how"], note=data["note"]
        )
        return Response(LeaveOutSerializer(_body(leave)).data)
