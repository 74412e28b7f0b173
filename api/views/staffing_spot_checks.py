"""Spot checks and explanations through the API (R-ATT-7): the supervision section records a spot check with
what it found of each person (a person off post with no absence in force, and no duty elsewhere attested, is
asked for an explanation), the recent checks are listed for the supervision section and the leadership, and a
person reads the explanations asked of them and answers one, themselves and once. The same services as the
pages (`staffing.services.spot_checks`); a refusal is 422 with the rule id and nothing changed."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from common.errors import NotFound, PermissionDenied
from org.access import CAN_SUPERVISE
from org.models import StaffProfile, Window
from staffing import selectors
from staffing.models import Explanation, SpotCheck
from staffing.services import spot_checks as spot_services

from ..permissions import require_role, staff_center
from ..serializers import ID_MAX
from .base import CENTER, ApiView, errors, id_param, parse

EXPLANATION_ID = id_param("explanation_id", "情况说明编号")
# Who reads the spot checks: the supervision section, which records them, and those who supervise.
CAN_READ_SPOT_CHECKS = CAN_SUPERVISE | spot_services.CAN_SPOT_CHECK
MAX_LISTED = 50


class SeenSerializer(serializers.Serializer):
    staff = serializers.IntegerField(min_value=1, max_value=ID_MAX, help_text="工作人员编号")
    present = serializers.BooleanField(help_text="是否在岗")
    on_duty_elsewhere = serializers.BooleanField(
        required=False, default=False, help_text="不在岗但稽查人确认因公在别处"
    )
    note = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)


class SpotCheckInSerializer(serializers.Serializer):
    at = serializers.DateTimeField(help_text="稽查时间（带时区的 ISO 8601，不晚于现在）")
    seen = serializers.ListField(
        child=SeenSerializer(),
        allow_empty=False,
        max_length=spot_services.MAX_FINDINGS,
        help_text="稽查到的每个人",
    )
    windows = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=ID_MAX),
        required=False,
        default=list,
        max_length=200,
    )
    note = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)


class ListQuerySerializer(serializers.Serializer):
    limit = serializers.IntegerField(required=False, default=20, min_value=1, max_value=MAX_LISTED)


class AnswerSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=2000, help_text="情况说明")


class FindingSerializer(serializers.Serializer):
    staff = serializers.DictField()
    day = serializers.DateField()
    present = serializers.BooleanField()
    reason = serializers.CharField(
        help_text="present、on_leave、on_outing、on_duty_elsewhere、unexplained（擅自离岗）"
    )
    note = serializers.CharField()


class SpotCheckSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    by = serializers.DictField()
    note = serializers.CharField()
    findings = FindingSerializer(many=True)


class ExplanationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    asked_at = serializers.DateTimeField()
    spot_check_at = serializers.DateTimeField()
    day = serializers.DateField()
    answered_at = serializers.DateTimeField(allow_null=True)
    text = serializers.CharField()


def _ref(staff: StaffProfile) -> dict[str, Any]:
    return {"id": staff.pk, "name": staff.name, "badge_number": staff.badge_number}


def _check_body(check: SpotCheck) -> dict[str, Any]:
    return {
        "id": check.pk,
        "at": check.at,
        "by": _ref(check.by),
        "note": check.note,
        "findings": [
            {
                "staff": _ref(f.staff),
                "day": f.day,
                "present": f.present,
                "reason": f.reason,
                "note": f.note,
            }
            for f in check.findings.all()
        ],
    }


def _explanation_body(explanation: Explanation) -> dict[str, Any]:
    return {
        "id": explanation.pk,
        "asked_at": explanation.asked_at,
        "spot_check_at": explanation.finding.spot_check.at,
        "day": explanation.finding.day,
        "answered_at": explanation.answered_at,
        "text": explanation.text,
    }


def _profile(request: Request) -> StaffProfile:
    profile = getattr(request.user, "staff_profile", None)
    if profile is None:
        raise PermissionDenied("此操作只对有工作人员档案的用户开放。")
    return profile


class SpotChecksView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["staffing"],
        summary="最近的在岗稽查及其结果（稽查督办科与中心领导，R-ATT-7）",
        parameters=[
            CENTER,
            OpenApiParameter("limit", OpenApiTypes.INT, description="条数，默认 20，最多 50"),
        ],
        responses={200: SpotCheckSerializer(many=True), **errors(400, 401, 403, 404)},
    )
    def get(self, request: Request, center: str) -> Response:
        query = parse(ListQuerySerializer, request.query_params)
        where = staff_center(request.user, center)
        require_role(request.user, where, CAN_READ_SPOT_CHECKS)
        checks = selectors.recent_spot_checks(where, limit=query["limit"])
        return Response(SpotCheckSerializer([_check_body(c) for c in checks], many=True).data)

    @extend_schema(
        tags=["staffing"],
        summary="登记在岗稽查（稽查督办科）：不在岗且无请假、外出或因公在别处的，记为擅自离岗并要求本人说明（R-ATT-7）",
        parameters=[CENTER],
        request=SpotCheckInSerializer,
        responses={201: SpotCheckSerializer, **errors(400, 401, 403, 404, 422)},
    )
    def post(self, request: Request, center: str) -> Response:
        data = parse(SpotCheckInSerializer, request.data)
        where = staff_center(request.user, center)
        by = _profile(request)
        wanted = [row["staff"] for row in data["seen"]]
        people = {p.pk: p for p in StaffProfile.objects.filter(center=where, pk__in=wanted)}
        missing = [pk for pk in wanted if pk not in people]
        if missing:
            raise serializers.ValidationError({"seen": [f"工作人员 {missing[0]} 不存在，或不属于本中心。"]})
        windows = list(Window.objects.filter(center=where, pk__in=data["windows"]))
        if len(windows) != len(set(data["windows"])):
            raise serializers.ValidationError({"windows": ["窗口不存在，或不属于本中心。"]})
        seen = [
            spot_services.Seen(
                staff=people[row["staff"]],
                present=row["present"],
                on_duty_elsewhere=row["on_duty_elsewhere"],
                note=row["note"],
            )
            for row in data["seen"]
        ]
        check = spot_services.spot_check_record(
            actor=request.user,
            center=where,
            by=by,
            at=data["at"],
            seen=seen,
            windows=windows,
            note=data["note"],
        )
        check = SpotCheck.objects.select_related("by").prefetch_related("findings__staff").get(pk=check.pk)
        return Response(SpotCheckSerializer(_check_body(check)).data, status=status.HTTP_201_CREATED)


class MyExplanationsView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["staffing"],
        summary="要求本人说明、尚未说明的情况（稽查发现擅自离岗，R-ATT-7）",
        parameters=[CENTER],
        responses={200: ExplanationSerializer(many=True), **errors(401, 403, 404)},
    )
    def get(self, request: Request, center: str) -> Response:
        staff_center(request.user, center)
        profile = _profile(request)
        listed = [e for e in selectors.open_explanations(profile) if e.answered_at is None]
        return Response(ExplanationSerializer([_explanation_body(e) for e in listed], many=True).data)


class ExplanationAnswerView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["staffing"],
        summary="本人填写情况说明，只能一次（R-ATT-7）",
        parameters=[CENTER, EXPLANATION_ID],
        request=AnswerSerializer,
        responses={200: ExplanationSerializer, **errors(400, 401, 403, 404, 422)},
    )
    def post(self, request: Request, center: str, explanation_id: int) -> Response:
        data = parse(AnswerSerializer, request.data)
        where = staff_center(request.user, center)
        profile = _profile(request)
        # Another person's explanation is not told apart from a missing one.
        explanation = (
            Explanation.objects.filter(center=where, staff=profile, pk=explanation_id)
            .select_related("finding__spot_check")
            .first()
        )
        if explanation is None:
            raise NotFound()
        answered = spot_services.explanation_answer(
            actor=request.user, explanation=explanation, text_=data["text"]
        )
        answered = Explanation.objects.select_related("finding__spot_check").get(pk=answered.pk)
        return Response(ExplanationSerializer(_explanation_body(answered)).data)
