"""Complaints through the API (R-CMP-2 … R-CMP-7): a centre's complaints for the supervision section, the director
and the coordination section (what it receives), one complaint, registration, the complainant's identity, and
the handling — the answer (有诉必复), the explanation of a delay, the graded transfer and the close with its
finding — each through the same service as the complaint's page, which checks who may act.

No list or detail body ever carries the identity: the complainant is "实名（身份保密）" or "匿名". The identity has
its own operation, for the supervision section and the director of that very centre; it is a POST naming the
purpose, every read is written to the personal-data access log, and so is every refused attempt (403)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from common.errors import NotFound
from org import access
from org.access import CAN_HANDLE_COMPLAINTS
from org.models import Center, StaffProfile, Window
from supervision.models import (
    AnswerVia,
    Complaint,
    ComplaintChannel,
    ComplaintGround,
    DisposalGrade,
    ReferredFrom,
)
from supervision.selectors.complaints import complaint_for_user, complaints_for_user
from supervision.services import complaints as services

from ..permissions import require_role, staff_center
from ..serializers import ID_MAX
from .base import CENTER, ApiListView, ApiView, errors, id_param, parse, referenced

COMPLAINT_ID = id_param("complaint_id", "投诉编号（内部编号）")


class IdentityInSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=40, help_text="姓名")
    phone = serializers.CharField(
        max_length=20, required=False, default="", allow_blank=True, help_text="联系电话"
    )
    address = serializers.CharField(
        max_length=200, required=False, default="", allow_blank=True, help_text="联系地址"
    )
    id_number = serializers.CharField(
        max_length=30, required=False, default="", allow_blank=True, help_text="证件号码"
    )


class ComplaintInSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=ComplaintChannel.choices, help_text="投诉渠道")
    referred_from = serializers.ChoiceField(
        choices=ReferredFrom.choices, required=False, default="", allow_blank=True, help_text="转办来源"
    )
    window = serializers.CharField(
        max_length=10, required=False, default="", allow_blank=True, help_text="被投诉窗口号"
    )
    person = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=ID_MAX, help_text="被投诉人编号"
    )
    ground = serializers.ChoiceField(choices=ComplaintGround.choices, help_text="投诉事由（R-CMP-1）")
    matter = serializers.CharField(max_length=2000, help_text="投诉事项")
    happened_at = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text="发生时间"
    )
    place = serializers.CharField(
        max_length=200, required=False, default="", allow_blank=True, help_text="发生地点"
    )
    about_approval = serializers.BooleanField(required=False, default=False, help_text="涉及行政审批业务事项")
    involves_departments = serializers.BooleanField(
        required=False, default=False, help_text="涉及两个以上部门（2个工作日内答复）"
    )
    complainant = IdentityInSerializer(
        required=False, allow_null=True, default=None, help_text="实名投诉人；匿名不填"
    )


class PurposeSerializer(serializers.Serializer):
    purpose = serializers.CharField(max_length=100, help_text="查看目的（记入个人信息访问记录）")


class ComplaintSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    channel = serializers.CharField()
    referred_from = serializers.CharField()
    window = serializers.DictField(allow_null=True)
    person = serializers.DictField(allow_null=True)
    ground = serializers.CharField()
    ground_label = serializers.CharField()
    matter = serializers.CharField()
    happened_at = serializers.DateTimeField(allow_null=True)
    place = serializers.CharField()
    about_approval = serializers.BooleanField()
    involves_departments = serializers.BooleanField()
    named = serializers.BooleanField()
    complainant = serializers.CharField(help_text="“实名（身份保密）”或“匿名”；身份另有接口")
    receiving_section = serializers.CharField()
    state = serializers.CharField()
    received_at = serializers.DateTimeField()
    limit_days = serializers.IntegerField()
    deadline = serializers.DateField(allow_null=True)
    delay_explanation = serializers.CharField()
    delay_explained_at = serializers.DateTimeField(allow_null=True)
    answer = serializers.CharField()
    answered_at = serializers.DateTimeField(allow_null=True)
    answered_via = serializers.CharField()
    disposal_grade = serializers.CharField()
    transferred_to = serializers.CharField()
    transferred_at = serializers.DateTimeField(allow_null=True)
    substantiated = serializers.BooleanField(allow_null=True)
    finding = serializers.CharField()
    closed_at = serializers.DateTimeField(allow_null=True)


class IdentitySerializer(serializers.Serializer):
    name = serializers.CharField()
    phone = serializers.CharField()
    address = serializers.CharField()
    id_number = serializers.CharField()


def body(c: Complaint) -> dict[str, Any]:
    window = c.window
    person = c.person
    return {
        "id": c.pk,
        "number": c.number,
        "channel": c.channel,
        "referred_from": c.referred_from,
        "window": {"id": window.pk, "number": window.number, "name": window.name} if window else None,
        "person": {"id": person.pk, "name": person.name} if person else None,
        "ground": c.ground,
        "ground_label": c.get_ground_display(),
        "matter": c.matter,
        "happened_at": c.happened_at,
        "place": c.place,
        "about_approval": c.about_approval,
        "involves_departments": c.involves_departments,
        "named": c.named,
        "complainant": c.complainant_label,
        "receiving_section": c.receiving_section,
        "state": c.state,
        "received_at": c.received_at,
        "limit_days": c.limit_days,
        "deadline": c.timer.deadline if c.timer is not None else None,
        "delay_explanation": c.delay_explanation,
        "delay_explained_at": c.delay_explained_at,
        "answer": c.answer,
        "answered_at": c.answered_at,
        "answered_via": c.answered_via,
        "disposal_grade": c.disposal_grade,
        "transferred_to": c.transferred_to,
        "transferred_at": c.transferred_at,
        "substantiated": c.substantiated,
        "finding": c.finding,
        "closed_at": c.closed_at,
    }


def _handler_center(request: Request, code: str) -> Center:
    center = staff_center(request.user, code)
    require_role(request.user, center, CAN_HANDLE_COMPLAINTS)
    return center


class ComplaintListView(ApiListView):
    permission_classes = [IsAuthenticated]
    serializer_class = ComplaintSerializer
    queryset = Complaint.objects.none()

    def get_queryset(self) -> QuerySet[Complaint]:
        if self.schema_only():
            return self.queryset
        center = _handler_center(self.request, self.kwargs["center"])
        return (
            complaints_for_user(self.request.user, center)
            .select_related("window", "person", "timer")
            .order_by("-received_at", "-pk")
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None
        return self.get_paginated_response(ComplaintSerializer([body(c) for c in page], many=True).data)

    @extend_schema(
        tags=["complaints"],
        summary="本中心的投诉（稽查督办科、主任；行政审批协调科只见其受理的），不含投诉人身份（R-CMP-3、R-CMP-4）",
        parameters=[CENTER],
        responses={200: ComplaintSerializer(many=True), **errors(400, 401, 403, 404)},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=["complaints"],
        summary="登记投诉：投诉对象、事项、时间地点、渠道、投诉人（实名的身份加密保存）（R-CMP-2）",
        parameters=[CENTER],
        request=ComplaintInSerializer,
        responses={201: ComplaintSerializer, **errors(400, 401, 403, 404, 422)},
    )
    def post(self, request: Request, center: str) -> Response:
        data = parse(ComplaintInSerializer, request.data)
        where = _handler_center(request, center)
        window = None
        if data["window"]:
            window = referenced(
                request.user, Window.objects.filter(center=where), "window", number=data["window"]
            )
        person = None
        if data["person"] is not None:
            person = referenced(
                request.user, StaffProfile.objects.filter(center=where), "person", pk=data["person"]
            )
        identity = data.pop("complainant")
        registered = services.complaint_register(
            actor=request.user,
            center=where,
            channel=data["channel"],
            referred_from=data["referred_from"],
            window=window,
            person=person,
            ground=data["ground"],
            matter=data["matter"],
            happened_at=data["happened_at"],
            place=data["place"],
            about_approval=data["about_approval"],
            involves_departments=data["involves_departments"],
            identity=dict(identity) if identity is not None else None,
        )
        return Response(ComplaintSerializer(body(registered.complaint)).data, status=status.HTTP_201_CREATED)


class ComplaintDetailView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["complaints"],
        summary="一件投诉：处理、答复、移送和调查结论，不含投诉人身份（R-CMP-4）",
        parameters=[CENTER, COMPLAINT_ID],
        responses={200: ComplaintSerializer, **errors(401, 403, 404)},
    )
    def get(self, request: Request, center: str, complaint_id: int) -> Response:
        where = _handler_center(request, center)
        return Response(ComplaintSerializer(body(complaint_for_user(request.user, where, complaint_id))).data)


class ComplaintIdentityView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["complaints"],
        summary="实名投诉人的身份：只有本中心稽查督办科和主任可查看，每次查看与每次被拒绝都记入个人信息访问记录（R-CMP-4）",
        parameters=[CENTER, COMPLAINT_ID],
        request=PurposeSerializer,
        responses={200: IdentitySerializer, **errors(400, 401, 403, 404, 422)},
    )
    def post(self, request: Request, center: str, complaint_id: int) -> Response:
        data = parse(PurposeSerializer, request.data)
        where = staff_center(request.user, center)
        complaint = (
            access.scoped(request.user, Complaint.objects.filter(center=where))
            .filter(pk=complaint_id)
            .first()
        )
        if complaint is None:
            raise NotFound()
        identity = services.complaint_identity_read(
            actor=request.user, complaint=complaint, purpose=data["purpose"]
        )
        return Response(IdentitySerializer(identity).data)


# --- handling: the answer, the explanation of a delay, the transfer, the close (R-CMP-5 … R-CMP-7) -------------


class AnswerInSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=2000, help_text="答复意见")
    via = serializers.ChoiceField(
        choices=[(v.value, v.label) for v in AnswerVia if v != AnswerVia.SMS],
        required=False,
        default="",
        allow_blank=True,
        help_text="答复方式（无法发送短信时：书面、电话、当面）",
    )


class ExplainInSerializer(serializers.Serializer):
    explanation = serializers.CharField(max_length=2000, help_text="向投诉人说明的情况")


class TransferInSerializer(serializers.Serializer):
    grade = serializers.ChoiceField(
        choices=[(g.value, g.label) for g in DisposalGrade if g != DisposalGrade.SIMPLE], help_text="处置级别"
    )
    to = serializers.CharField(
        max_length=100, required=False, default="", allow_blank=True, help_text="移送机关（不填则按级别）"
    )


class CloseInSerializer(serializers.Serializer):
    substantiated = serializers.BooleanField(help_text="投诉是否属实")
    finding = serializers.CharField(max_length=2000, help_text="调查结论")
    person = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=ID_MAX,
        help_text="责任人编号（登记时未指明的）",
    )


class _ComplaintActionView(ApiView):
    """POST one handling step of a complaint of the centre: parsed, scoped (404 outside what the user sees), then
    the service, which checks who may act and cites its rule."""

    permission_classes = [IsAuthenticated]
    serializer: type[serializers.Serializer]

    def act(self, request: Request, complaint: Complaint, data: dict[str, Any]) -> Complaint:
        raise NotImplementedError

    def post(self, request: Request, center: str, complaint_id: int) -> Response:
        data = parse(self.serializer, request.data)
        where = _handler_center(request, center)
        complaint = complaint_for_user(request.user, where, complaint_id)
        return Response(ComplaintSerializer(body(self.act(request, complaint, data))).data)


def _action_schema(summary: str, serializer: type[serializers.Serializer]) -> Any:
    return extend_schema(
        tags=["complaints"],
        summary=summary,
        parameters=[CENTER, COMPLAINT_ID],
        request=serializer,
        responses={200: ComplaintSerializer, **errors(400, 401, 403, 404, 422)},
    )


class ComplaintAnswerView(_ComplaintActionView):
    serializer = AnswerInSerializer

    def act(self, request: Request, complaint: Complaint, data: dict[str, Any]) -> Complaint:
        return services.complaint_answer(
            actor=request.user, complaint=complaint, answer=data["answer"], via=data["via"]
        )

    @_action_schema(
        "答复投诉人（有诉必复）：实名且留有手机号的以短信发送，网上匿名投诉在查询页答复（R-CMP-5）",
        AnswerInSerializer,
    )
    def post(self, request: Request, center: str, complaint_id: int) -> Response:
        return super().post(request, center, complaint_id)


class ComplaintExplainView(_ComplaintActionView):
    serializer = ExplainInSerializer

    def act(self, request: Request, complaint: Complaint, data: dict[str, Any]) -> Complaint:
        return services.complaint_explain_delay(
            actor=request.user, complaint=complaint, explanation=data["explanation"]
        )

    @_action_schema("不能按期答复的，向投诉人说明情况，投诉继续跟踪（R-CMP-5）", ExplainInSerializer)
    def post(self, request: Request, center: str, complaint_id: int) -> Response:
        return super().post(request, center, complaint_id)


class ComplaintTransferView(_ComplaintActionView):
    serializer = TransferInSerializer

    def act(self, request: Request, complaint: Complaint, data: dict[str, Any]) -> Complaint:
        return services.complaint_transfer(
            actor=request.user, complaint=complaint, grade=data["grade"], to=data["to"]
        )

    @_action_schema(
        "分级处置：违纪违规的移送纪检监察机关，触犯法律的移送司法机关（R-CMP-6）", TransferInSerializer
    )
    def post(self, request: Request, center: str, complaint_id: int) -> Response:
        return super().post(request, center, complaint_id)


class ComplaintCloseView(_ComplaintActionView):
    serializer = CloseInSerializer

    def act(self, request: Request, complaint: Complaint, data: dict[str, Any]) -> Complaint:
        person = None
        if data["person"] is not None:
            person = referenced(
                request.user,
                StaffProfile.objects.filter(center=complaint.center),
                "person",
                pk=data["person"],
            )
        return services.complaint_close(
            actor=request.user,
            complaint=complaint,
            substantiated=data["substantiated"],
            finding=data["finding"],
            person=person,
        )

    @_action_schema("办结投诉：调查结论，属实的计入考核和零投诉记录（R-CMP-7）", CloseInSerializer)
    def post(self, request: Request, center: str, complaint_id: int) -> Response:
        return super().post(request, center, complaint_id)
