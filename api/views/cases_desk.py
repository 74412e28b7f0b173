"""The front desk over HTTP (issue 3): inquiries with first-inquiry responsibility (R-CASE-1), appointments
(R-CASE-13) and the public progress lookup (R-PUB-2). Each write calls one `cases.services` function, as the
workbench and the portal do.

Inquiries and appointments have no revision: their services lock the row and refuse (422) an action on one
that is no longer open or booked, which is what a second, concurrent action meets.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from cases.access import (
    cases_for_user,
    inquiry_for_user,
    log_inquiry_access,
    work_window_ids,
)
from cases.models import Case, Inquiry
from cases.selectors.intake import workbench_inquiries
from cases.services import intake
from cases.services.lookup import case_lookup_throttled
from catalog.models import Item
from common.errors import RuleViolation
from common.masking import mask_phone
from common.net import client_address
from hall import services as hall_services
from hall.access import appointment_for_user, desk_window_ids
from hall.models import Appointment, AppointmentStatus
from org.models import Center, StaffProfile, Window

from ..errors import error_body
from ..permissions import public_center, staff_center
from ..serializers import ErrorSerializer
from ..serializers_cases import (
    AppointmentBookedSerializer,
    AppointmentBookSerializer,
    AppointmentQuery,
    AppointmentSerializer,
    AppointmentServeSerializer,
    InquiryBoxQuery,
    InquiryEscalateSerializer,
    InquiryHandleSerializer,
    InquiryLogSerializer,
    InquiryReferSerializer,
    InquirySerializer,
    ProgressQuerySerializer,
    ProgressSerializer,
)
from .base import CENTER, ApiListView, ApiView, errors, id_param, parse
from .cases import actor_of, row_id

INQUIRY_TAGS = ["inquiries"]
APPOINTMENT_TAGS = ["appointments"]
INQUIRY_ID = id_param("inquiry_id", "咨询编号")
APPOINTMENT_ID = id_param("appointment_id", "预约编号")
NOT_FOUND_MESSAGE = "办件编号或查询码不正确，请核对受理通知书后重新输入。"


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


# --- inquiries (R-CASE-1) ------------------------------------------------------------------------------


def _inquiries() -> QuerySet[Inquiry]:
    return Inquiry.objects.select_related(
        "center",
        "window",
        "referred_to",
        "item",
        "first_receiver",
        "escalated_to",
        "referral_acknowledged_by",
    )


def visible_inquiry(user: Any, inquiry_id: int) -> Inquiry:
    return inquiry_for_user(user, row_id(inquiry_id))


def inquiry_answer(request: Request, inquiry_id: int, *, full: bool = False, code: int = 200) -> Response:
    """The inquiry; with `full`, the asker's phone in full (a logged display), else masked."""
    inquiry = _inquiries().get(pk=inquiry_id)
    data = InquirySerializer(inquiry).data
    if full and inquiry.asker_phone:
        log_inquiry_access(user=request.user, inquiry=inquiry, purpose="API 查看咨询")
    else:
        data["asker_phone"] = mask_phone(inquiry.asker_phone)
    return Response(data, status=code)


@extend_schema(tags=INQUIRY_TAGS, parameters=[CENTER])
class InquiryListView(ApiListView):
    serializer_class = InquirySerializer
    queryset = Inquiry.objects.none()
    permission_classes = [IsAuthenticated]

    def get_queryset(self) -> QuerySet[Inquiry]:
        if self.schema_only():
            return self.queryset
        box = parse(InquiryBoxQuery, self.request.query_params)["box"]
        center = staff_center(self.request.user, self.kwargs["center"])
        staff = actor_of(self.request.user)
        mine = workbench_inquiries(staff)
        chosen: QuerySet[Inquiry] = getattr(mine, box)
        return chosen.filter(center=center).select_related(
            "center", "escalated_to", "referral_acknowledged_by"
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        for row in response.data["results"]:
            row["asker_phone"] = mask_phone(row["asker_phone"])
        return response

    @extend_schema(
        summary="我的咨询（首问负责，R-CASE-1）：未办结的、转来待接收的、转出待对方接收的",
        description="联系电话隐去中间四位。",
        parameters=[InquiryBoxQuery],
        responses={200: InquirySerializer(many=True), **errors(400, 401, 403, 404)},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="登记咨询（R-CASE-1）：登记人为首问责任人",
        request=InquiryLogSerializer,
        responses={201: InquirySerializer, **errors(400, 401, 403, 404, 422)},
    )
    def post(self, request: Request, center: str) -> Response:
        where = staff_center(request.user, center)
        actor = actor_of(request.user)
        data = parse(InquiryLogSerializer, request.data)
        window = Window.objects.filter(center=where, number=data.pop("window")).first()
        if window is None or window.pk not in work_window_ids(request.user, actor):
            raise ValidationError({"window": ["不是您工作的窗口。"]})
        item = None
        if data["item"]:
            item = Item.objects.filter(center=where, code=data["item"]).first()
            if item is None:
                raise ValidationError({"item": ["本中心没有该事项。"]})
        data["item"] = item
        inquiry = intake.inquiry_log(actor=actor, window=window, **data)
        return inquiry_answer(request, inquiry.pk, code=status.HTTP_201_CREATED)


class InquiryDetailView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=INQUIRY_TAGS,
        summary="咨询详情（联系电话完整显示，并记录查看）",
        parameters=[INQUIRY_ID],
        responses={200: InquirySerializer, **errors(401, 404)},
    )
    def get(self, request: Request, inquiry_id: int) -> Response:
        inquiry = visible_inquiry(request.user, inquiry_id)
        return inquiry_answer(request, inquiry.pk, full=True)


def _inquiry_schema(summary: str, body: Any) -> Any:
    codes = (400, 401, 403, 404, 422) if body is not None else (401, 403, 404, 422)
    return extend_schema(
        tags=INQUIRY_TAGS,
        summary=summary,
        parameters=[INQUIRY_ID],
        request=body,
        responses={200: InquirySerializer, **errors(*codes)},
    )


class InquiryHandleView(ApiView):
    permission_classes = [IsAuthenticated]

    @_inquiry_schema(
        "办结咨询（已受理、已一次性告知、不予办理并说明理由、已解答；没有“不清楚”）", InquiryHandleSerializer
    )
    def post(self, request: Request, inquiry_id: int) -> Response:
        inquiry = visible_inquiry(request.user, inquiry_id)
        actor = actor_of(request.user)
        data = parse(InquiryHandleSerializer, request.data)
        case = None
        if data["case"] is not None:
            case = cases_for_user(request.user).filter(pk=data["case"]).first()
            if case is None:
                raise ValidationError({"case": ["不存在，或不在您可见的范围内。"]})
        intake.inquiry_handle(
            actor=actor, inquiry=inquiry, outcome=data["outcome"], answer=data["answer"], case=case
        )
        return inquiry_answer(request, inquiry.pk)


class InquiryReferView(ApiView):
    permission_classes = [IsAuthenticated]

    @_inquiry_schema(
        "转办至有权办理的窗口（引导前往或告知电话；对方确认接收前仍由首问责任人负责）", InquiryReferSerializer
    )
    def post(self, request: Request, inquiry_id: int) -> Response:
        inquiry = visible_inquiry(request.user, inquiry_id)
        actor = actor_of(request.user)
        data = parse(InquiryReferSerializer, request.data)
        window = Window.objects.filter(center_id=inquiry.center_id, number=data["to_window"]).first()
        if window is None:
            raise ValidationError({"to_window": ["本中心没有该窗口。"]})
        intake.inquiry_refer(
            actor=actor, inquiry=inquiry, to_window=window, mode=data["mode"], note=data["note"]
        )
        return inquiry_answer(request, inquiry.pk)


class InquiryAcknowledgeView(ApiView):
    permission_classes = [IsAuthenticated]

    @_inquiry_schema("确认接收转办（转至窗口的工作人员）", None)
    def post(self, request: Request, inquiry_id: int) -> Response:
        inquiry = visible_inquiry(request.user, inquiry_id)
        intake.inquiry_acknowledge(actor=actor_of(request.user), inquiry=inquiry)
        return inquiry_answer(request, inquiry.pk)


class InquiryEscalateView(ApiView):
    permission_classes = [IsAuthenticated]

    @_inquiry_schema("职责不清的咨询上报中心主任或分管副主任", InquiryEscalateSerializer)
    def post(self, request: Request, inquiry_id: int) -> Response:
        inquiry = visible_inquiry(request.user, inquiry_id)
        actor = actor_of(request.user)
        data = parse(InquiryEscalateSerializer, request.data)
        leader = StaffProfile.objects.filter(pk=data["leader"], center_id=inquiry.center_id).first()
        if leader is None:
            raise ValidationError({"leader": ["不存在，或不是本中心工作人员。"]})
        intake.inquiry_escalate(actor=actor, inquiry=inquiry, leader=leader, reason=data["reason"])
        return inquiry_answer(request, inquiry.pk)


# --- appointments (R-CASE-13) --------------------------------------------------------------------------


def _appointments() -> QuerySet[Appointment]:
    return Appointment.objects.select_related("center", "window", "item", "served_by")


def visible_appointment(user: Any, appointment_id: int) -> Appointment:
    return appointment_for_user(user, row_id(appointment_id))


def appointment_answer(appointment_id: int) -> Response:
    appointment = _appointments().get(pk=appointment_id)
    data = AppointmentSerializer(appointment).data
    data["applicant_phone"] = mask_phone(appointment.applicant_phone)
    return Response(data)


@extend_schema(parameters=[CENTER])
class AppointmentListView(ApiListView):
    serializer_class = AppointmentSerializer
    queryset = Appointment.objects.none()

    def get_permissions(self) -> list[Any]:
        if self.request is not None and self.request.method == "POST":
            return [AllowAny()]
        return [IsAuthenticated()]

    def get_queryset(self) -> QuerySet[Appointment]:
        if self.schema_only():
            return self.queryset
        query = parse(AppointmentQuery, self.request.query_params)
        center = staff_center(self.request.user, self.kwargs["center"])
        windows = desk_window_ids(self.request.user, center)
        if "window" in query:
            window = Window.objects.filter(center=center, number=query["window"], pk__in=windows).first()
            if window is None:
                raise ValidationError({"window": ["不是您工作的窗口。"]})
            windows = {window.pk}
        day = query.get("day") or timezone.localdate()
        return (
            _appointments()
            .filter(window_id__in=windows, starts_at__gte=_day_start(day))
            .filter(starts_at__lt=_day_start(day + timedelta(days=1)))
            .exclude(status=AppointmentStatus.CANCELLED)
            .order_by("starts_at", "id")
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        for row in response.data["results"]:
            row["applicant_phone"] = mask_phone(row["applicant_phone"])
        return response

    @extend_schema(
        tags=APPOINTMENT_TAGS,
        summary="某日的预约（本人工作的窗口；中心层面的角色为全中心）",
        description="预约人电话隐去中间四位。",
        parameters=[AppointmentQuery],
        responses={200: AppointmentSerializer(many=True), **errors(400, 401, 403, 404)},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=APPOINTMENT_TAGS,
        summary="预约办事（公众；可约工作时间以外，R-CASE-13）",
        description="同一地址每小时最多预约的次数为本中心的制度参数（默认5次），超过后1小时内拒绝（429）。",
        request=AppointmentBookSerializer,
        responses={
            201: AppointmentBookedSerializer,
            **errors(400, 404, 422),
            429: OpenApiResponse(ErrorSerializer, description="同一地址预约过于频繁，暂时拒绝（R-CASE-13）"),
            401: OpenApiResponse(ErrorSerializer, description="所带令牌无效（公众预约无须令牌）"),
            403: OpenApiResponse(ErrorSerializer, description="以会话登录调用时缺少 CSRF 令牌"),
        },
        auth=[],
    )
    def post(self, request: Request, center: str) -> Response:
        where = public_center(center)
        data = parse(AppointmentBookSerializer, request.data)
        window = Window.objects.filter(center=where, number=data.pop("window")).first()
        if window is None:
            raise ValidationError({"window": ["本中心没有该窗口。"]})
        item = None
        if data["item"]:
            item = Item.objects.filter(center=where, code=data["item"]).first()
            if item is None:
                raise ValidationError({"item": ["本中心没有该事项。"]})
        data["item"] = item
        try:
            appointment = hall_services.appointment_book_public(
                client=_client_address(request), window=window, **data
            )
        except RuleViolation as refusal:
            if refusal.code != "throttled":
                raise
            return Response({"error": refusal.as_dict()}, status=status.HTTP_429_TOO_MANY_REQUESTS)
        booked = _appointments().get(pk=appointment.pk)
        return Response(AppointmentBookedSerializer(booked).data, status=status.HTTP_201_CREATED)


class AppointmentServeView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=APPOINTMENT_TAGS,
        summary="登记预约已办理（超过当日下班时间的分钟数记为延时服务，R-CASE-13）",
        parameters=[APPOINTMENT_ID],
        request=AppointmentServeSerializer,
        responses={200: AppointmentSerializer, **errors(400, 401, 403, 404, 422)},
    )
    def post(self, request: Request, appointment_id: int) -> Response:
        appointment = visible_appointment(request.user, appointment_id)
        actor = actor_of(request.user)
        data = parse(AppointmentServeSerializer, request.data)
        case: Case | None = None
        if data["case"] is not None:
            case = cases_for_user(request.user).filter(pk=data["case"]).first()
            if case is None:
                raise ValidationError({"case": ["不存在，或不在您可见的范围内。"]})
        hall_services.appointment_serve(
            actor=actor,
            appointment=appointment,
            served_from=data["served_from"],
            served_until=data["served_until"],
            case=case,
        )
        return appointment_answer(appointment.pk)


class AppointmentNoShowView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=APPOINTMENT_TAGS,
        summary="登记预约未到（预约时间过后）",
        parameters=[APPOINTMENT_ID],
        request=None,
        responses={200: AppointmentSerializer, **errors(401, 403, 404, 422)},
    )
    def post(self, request: Request, appointment_id: int) -> Response:
        appointment = visible_appointment(request.user, appointment_id)
        hall_services.appointment_no_show(actor=actor_of(request.user), appointment=appointment)
        return appointment_answer(appointment.pk)


# --- the public progress lookup (R-PUB-2) --------------------------------------------------------------


def _client_address(request: Request) -> str:
    # The client's address behind the trusted proxies, as on the portal; also what the public booking is
    # throttled by.
    return client_address(request)


class ProgressView(ApiView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["progress"],
        summary="办件进度查询（公众，R-PUB-2）：凭办件编号和查询码查看状态、日期和期限",
        description=(
            "只返回公开信息，不含任何个人信息。编号不存在、查询码错误或中心不存在时的回答完全相同（404）。"
            "同一地址15分钟内失败10次后，该地址15分钟内一律拒绝（429，规则 R-PUB-2）；同一办件编号15分钟内"
            "失败超过10次后，再对其查错一次即用尽该地址的次数。办件编号本身从不被锁定：未被拒绝的地址凭正确的"
            "查询码总能查到。与门户网站相同。"
        ),
        request=ProgressQuerySerializer,
        responses={
            200: ProgressSerializer,
            **errors(400),
            401: OpenApiResponse(ErrorSerializer, description="所带令牌无效（查询无须令牌）"),
            403: OpenApiResponse(ErrorSerializer, description="以会话登录调用时缺少 CSRF 令牌"),
            404: OpenApiResponse(ErrorSerializer, description="办件编号或查询码不正确（不区分哪一项）"),
            429: OpenApiResponse(ErrorSerializer, description="查询失败次数过多，暂时拒绝（R-PUB-2）"),
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = parse(ProgressQuerySerializer, request.data)
        center = Center.objects.filter(code=data["center"], is_active=True).first()
        found = None
        if center is not None:
            try:
                found = case_lookup_throttled(
                    center=center,
                    number=data["number"],
                    query_code=data["query_code"],
                    client=_client_address(request),
                )
            except RuleViolation as refusal:
                return Response({"error": refusal.as_dict()}, status=status.HTTP_429_TOO_MANY_REQUESTS)
        if found is None:
            return Response(error_body("not_found", NOT_FOUND_MESSAGE), status=status.HTTP_404_NOT_FOUND)
        return Response(ProgressSerializer(found).data)
