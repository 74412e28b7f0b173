"""The organisation (R-ORG-1 … R-ORG-9): centres for anyone; departments, windows, posts, staff and
authorisations for the staff of a centre (scoped by `org.access`); writes for the office roles."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from org import access
from org import selectors as org_selectors
from org import services as org_services
from org.access import CAN_EDIT_ORGANISATION
from org.models import Absence, Authorization, Center, Department, StaffProfile, Window

from ..permissions import fetch, has_role, public_center, require_role, staff_center
from ..serializers import (
    AbsenceCreateSerializer,
    AbsenceSerializer,
    AuthorizationGrantSerializer,
    AuthorizationSerializer,
    CenterSerializer,
    DepartmentCreateSerializer,
    DepartmentSerializer,
    DepartmentUpdateSerializer,
    PostSerializer,
    ReasonSerializer,
    StaffSerializer,
    WindowSerializer,
)
from .base import CENTER, DEPARTMENT_CODE, ApiListView, ApiView, errors, id_param, parse, referenced

STAFF_ID = id_param("staff_id", "工作人员编号")
ABSENCE_ID = id_param("absence_id", "离岗记录编号")
AUTHORIZATION_ID = id_param("authorization_id", "授权编号")


def _ref(staff: StaffProfile) -> dict[str, Any]:
    return {"id": staff.pk, "name": staff.name, "title": staff.title}


def _staff_ref(staff: StaffProfile | None) -> dict[str, Any] | None:
    return None if staff is None else _ref(staff)


# --- centres (public) ----------------------------------------------------------------------------------


@extend_schema(tags=["organisation"], summary="政务服务中心列表", auth=[])
class CenterListView(ApiListView):
    serializer_class = CenterSerializer
    queryset = Center.objects.filter(is_active=True).select_related("parent").order_by("code")


class CenterDetailView(ApiView):
    @extend_schema(
        tags=["organisation"],
        summary="政务服务中心",
        parameters=[CENTER],
        responses={200: CenterSerializer, **errors(404)},
        auth=[],
    )
    def get(self, request: Request, center: str) -> Response:
        return Response(CenterSerializer(public_center(center)).data)


# --- departments ---------------------------------------------------------------------------------------


class StaffListView(ApiListView):
    """A list of a centre's internal records: signed-in staff who may see the centre, else 404."""

    permission_classes = [IsAuthenticated]

    def center(self) -> Center:
        if not hasattr(self, "_center"):
            self._center = staff_center(self.request.user, self.kwargs["center"])
        return self._center


@extend_schema(tags=["organisation"], parameters=[CENTER])
class DepartmentListView(StaffListView):
    serializer_class = DepartmentSerializer
    queryset = Department.objects.none()

    def get_queryset(self) -> QuerySet[Department]:
        if self.schema_only():
            return self.queryset
        return access.scoped(self.request.user, Department.objects.filter(center=self.center())).order_by(
            "code"
        )

    @extend_schema(
        summary="进驻部门列表", responses={200: DepartmentSerializer(many=True), **errors(401, 404)}
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="新增进驻部门（R-ORG-3）",
        request=DepartmentCreateSerializer,
        responses={201: DepartmentSerializer, **errors(400, 401, 403, 404, 422)},
    )
    def post(self, request: Request, center: str) -> Response:
        data = parse(DepartmentCreateSerializer, request.data)
        where = self.center()
        require_role(request.user, where, CAN_EDIT_ORGANISATION)
        department = org_services.department_create(actor=request.user, center=where, **data)
        return Response(DepartmentSerializer(department).data, status=status.HTTP_201_CREATED)


class DepartmentDetailView(ApiView):
    permission_classes = [IsAuthenticated]

    def _department(self, request: Request, center: str, code: str) -> tuple[Center, Department]:
        where = staff_center(request.user, center)
        department = fetch(request.user, Department.objects.filter(center=where), code=code)
        return where, department

    @extend_schema(
        tags=["organisation"],
        summary="进驻部门",
        parameters=[CENTER, DEPARTMENT_CODE],
        responses={200: DepartmentSerializer, **errors(401, 404)},
    )
    def get(self, request: Request, center: str, code: str) -> Response:
        return Response(DepartmentSerializer(self._department(request, center, code)[1]).data)

    @extend_schema(
        tags=["organisation"],
        summary="修改进驻部门",
        parameters=[CENTER, DEPARTMENT_CODE],
        request=DepartmentUpdateSerializer,
        responses={200: DepartmentSerializer, **errors(400, 401, 403, 404, 422)},
    )
    def patch(self, request: Request, center: str, code: str) -> Response:
        data = parse(DepartmentUpdateSerializer, request.data)
        where, department = self._department(request, center, code)
        require_role(request.user, where, CAN_EDIT_ORGANISATION)
        reason = data.pop("reason", "")
        department = org_services.department_update(
            actor=request.user, department=department, reason=reason, **data
        )
        return Response(DepartmentSerializer(department).data)


# --- windows, posts, staff -----------------------------------------------------------------------------


@extend_schema(
    tags=["organisation"],
    summary="窗口列表",
    parameters=[CENTER],
    responses={200: WindowSerializer(many=True), **errors(401, 404)},
)
class WindowListView(StaffListView):
    serializer_class = WindowSerializer
    queryset = Window.objects.none()

    def get_queryset(self) -> QuerySet[Window]:
        if self.schema_only():
            return self.queryset
        return (
            access.scoped(self.request.user, Window.objects.filter(center=self.center()))
            .select_related("department", "head", "chief_representative", "deputy_in_charge")
            .prefetch_related("served_departments")
            .order_by("number")
        )


class PostListView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["organisation"],
        summary="岗位AB角及当前在岗人（R-ORG-6、R-ORG-7）",
        description="A角在岗时由A办理；A不在岗时由第一位在岗的B顶岗；gap 为无人顶岗。",
        parameters=[CENTER],
        responses={200: PostSerializer(many=True), **errors(401, 404)},
    )
    def get(self, request: Request, center: str) -> Response:
        where = staff_center(request.user, center)
        rows = [
            {
                "id": row.post.pk,
                "window": row.post.window.number,
                "name": row.post.name,
                "duties": row.post.duties,
                "holder_a": _staff_ref(row.holder_a),
                "backups": [{**_ref(b), "order": order} for order, b in enumerate(row.backups, start=1)],
                "current_holder": _staff_ref(row.holder),
                "acting_as": row.acting_as,
                "gap": row.gap,
            }
            for row in org_selectors.post_board(where, timezone.now())
        ]
        return Response(PostSerializer(rows, many=True).data)


@extend_schema(
    tags=["organisation"],
    summary="工作人员（公开信息；组织管理角色可见工作电话）",
    parameters=[CENTER],
    responses={200: StaffSerializer(many=True), **errors(401, 404)},
)
class StaffProfileListView(StaffListView):
    serializer_class = StaffSerializer
    queryset = StaffProfile.objects.none()

    def get_queryset(self) -> QuerySet[StaffProfile]:
        if self.schema_only():
            return self.queryset
        return (
            access.scoped(self.request.user, StaffProfile.objects.filter(center=self.center()))
            .select_related("department", "window")
            .order_by("badge_number")
        )

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        if not self.schema_only():
            context["show_phones"] = has_role(self.request.user, self.center(), CAN_EDIT_ORGANISATION)
            # Photos of an active centre's active staff are public (the portal's staff board, R-PUB-1).
            context["center_code"] = self.center().code if self.center().is_active else None
        return context


class AbsenceCreateView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["organisation"],
        summary="登记离岗（请假、外出、缺勤），期间由B角顶岗（R-ORG-7）",
        parameters=[CENTER, STAFF_ID],
        request=AbsenceCreateSerializer,
        responses={201: AbsenceSerializer, **errors(400, 401, 403, 404, 422)},
    )
    def post(self, request: Request, center: str, staff_id: int) -> Response:
        data = parse(AbsenceCreateSerializer, request.data)
        where = staff_center(request.user, center)
        staff = fetch(request.user, StaffProfile.objects.filter(center=where), pk=staff_id)
        absence = org_services.absence_record(actor=request.user, staff=staff, **data)
        return Response(AbsenceSerializer(absence).data, status=status.HTTP_201_CREATED)


class AbsenceEndView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["organisation"],
        summary="登记返岗（销假）：进行中的离岗自此刻结束，此前的离岗与B角顶岗记录不变（R-ORG-7）",
        description="只适用于已经开始、尚未结束的离岗；未开始的离岗请撤销。",
        parameters=[CENTER, ABSENCE_ID],
        request=ReasonSerializer,
        responses={200: AbsenceSerializer, **errors(400, 401, 403, 404, 422)},
    )
    def post(self, request: Request, center: str, absence_id: int) -> Response:
        data = parse(ReasonSerializer, request.data)
        where = staff_center(request.user, center)
        absence = fetch(request.user, Absence.objects.filter(center=where), pk=absence_id)
        absence = org_services.absence_end(actor=request.user, absence=absence, reason=data["reason"])
        return Response(AbsenceSerializer(absence).data)


class AbsenceCancelView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["organisation"],
        summary="撤销尚未开始的离岗（R-ORG-7）",
        description="已经开始的离岗不能撤销，请登记返岗。",
        parameters=[CENTER, ABSENCE_ID],
        request=ReasonSerializer,
        responses={200: AbsenceSerializer, **errors(400, 401, 403, 404, 422)},
    )
    def post(self, request: Request, center: str, absence_id: int) -> Response:
        data = parse(ReasonSerializer, request.data)
        where = staff_center(request.user, center)
        absence = fetch(request.user, Absence.objects.filter(center=where), pk=absence_id)
        absence = org_services.absence_cancel(actor=request.user, absence=absence, reason=data["reason"])
        return Response(AbsenceSerializer(absence).data)


# --- authorisations (R-ORG-4) --------------------------------------------------------------------------


def _authorization_body(authorization: Authorization) -> dict[str, Any]:
    """The authorisation as the API shows it, read again with its department and representative."""
    authorization = Authorization.objects.select_related("department", "representative").get(
        pk=authorization.pk
    )
    return AuthorizationSerializer(authorization).data


@extend_schema(tags=["organisation"], parameters=[CENTER])
class AuthorizationListView(StaffListView):
    serializer_class = AuthorizationSerializer
    queryset = Authorization.objects.none()

    def get_queryset(self) -> QuerySet[Authorization]:
        if self.schema_only():
            return self.queryset
        return org_selectors.authorizations_seen_by(self.request.user, self.center()).order_by(
            "-valid_from", "-id"
        )

    @extend_schema(
        summary="首席代表授权列表（R-ORG-4）",
        description="中心层面的角色、窗口负责人和首席代表可查看；其他人员 403。",
        responses={200: AuthorizationSerializer(many=True), **errors(401, 403, 404)},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="登记首席代表书面授权（R-ORG-4）",
        request=AuthorizationGrantSerializer,
        responses={201: AuthorizationSerializer, **errors(400, 401, 403, 404, 422)},
    )
    def post(self, request: Request, center: str) -> Response:
        data = parse(AuthorizationGrantSerializer, request.data)
        where = self.center()
        require_role(request.user, where, CAN_EDIT_ORGANISATION)
        department = referenced(
            request.user, Department.objects.filter(center=where), "department", code=data.pop("department")
        )
        representative = referenced(
            request.user,
            StaffProfile.objects.filter(center=where),
            "representative",
            pk=data.pop("representative"),
        )
        replaces_id = data.pop("replaces", None)
        replaces = None
        if replaces_id is not None:
            replaces = referenced(
                request.user, Authorization.objects.filter(center=where), "replaces", pk=replaces_id
            )
        authorization = org_services.authorization_grant(
            actor=request.user,
            department=department,
            representative=representative,
            replaces=replaces,
            **data,
        )
        return Response(_authorization_body(authorization), status=status.HTTP_201_CREATED)


class AuthorizationRevokeView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["organisation"],
        summary="撤销授权（R-ORG-4）",
        parameters=[CENTER, AUTHORIZATION_ID],
        request=ReasonSerializer,
        responses={200: AuthorizationSerializer, **errors(400, 401, 403, 404, 422)},
    )
    def post(self, request: Request, center: str, authorization_id: int) -> Response:
        data = parse(ReasonSerializer, request.data)
        where = staff_center(request.user, center)
        authorization = fetch(request.user, Authorization.objects.filter(center=where), pk=authorization_id)
        require_role(request.user, where, CAN_EDIT_ORGANISATION)
        authorization = org_services.authorization_revoke(
            actor=request.user, authorization=authorization, reason=data["reason"]
        )
        return Response(_authorization_body(authorization))


__all__ = [
    "AbsenceCancelView",
    "AbsenceCreateView",
    "AbsenceEndView",
    "AuthorizationListView",
    "AuthorizationRevokeView",
    "CenterDetailView",
    "CenterListView",
    "DepartmentDetailView",
    "DepartmentListView",
    "PostListView",
    "StaffProfileListView",
    "WindowListView",
]
