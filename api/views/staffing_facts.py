"""The month's attendance facts through the API (R-ASM-5; R-ATT-1, R-ATT-2, R-ATT-6, R-ATT-7, R-ATT-8): what the
monthly assessment reads of each person, from the stored facts only (`staffing.selectors_facts`). The whole
centre for the supervision section, the office and the director; a staff member reads their own month, with the
rows behind each number."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from staffing.selectors_facts import CAN_READ_ATTENDANCE_FACTS, attendance_facts, staffing_facts_of

from ..permissions import own_profile_at, require_role, staff_center
from .base import CENTER, ApiView, errors, parse

MONTH = OpenApiParameter(
    "month", OpenApiTypes.STR, description="月份 YYYY-MM，如 2026-11；默认本月", pattern=r"^\d{4}-\d{2}$"
)


class MonthQuerySerializer(serializers.Serializer):
    month = serializers.RegexField(r"^\d{4}-\d{2}$", required=False, help_text="月份 YYYY-MM")

    def validate_month(self, value: str) -> tuple[int, int]:
        year, month = int(value[:4]), int(value[5:])
        if not (2000 <= year <= 2100 and 1 <= month <= 12):
            raise serializers.ValidationError("月份无效。")
        return year, month


class FactsSerializer(serializers.Serializer):
    staff_id = serializers.IntegerField()
    name = serializers.CharField()
    badge_number = serializers.CharField()
    year = serializers.IntegerField()
    month = serializers.IntegerField()
    closed_days = serializers.IntegerField(help_text="已结算的日考勤数")
    late = serializers.IntegerField(help_text="迟到次数（含上班未打卡，R-ATT-2）")
    left_early = serializers.IntegerField(help_text="早退次数（含下班未打卡，R-ATT-2）")
    missing_clock_in = serializers.IntegerField(help_text="其中上班未打卡")
    missing_clock_out = serializers.IntegerField(help_text="其中下班未打卡")
    late_minutes = serializers.IntegerField()
    early_minutes = serializers.IntegerField()
    absent_days = serializers.IntegerField(help_text="旷工天数（无假缺勤）")
    official_leave_half_days = serializers.IntegerField(help_text="公假半天数（R-ATT-8）")
    private_leave_half_days = serializers.IntegerField(help_text="私假半天数（R-ATT-8）")
    missed_duties = serializers.IntegerField(help_text="节假日值班缺岗次数（R-ATT-1）")
    spot_check_days_without_leave = serializers.IntegerField(help_text="稽查发现擅自离岗的天数（R-ATT-7）")
    unreturned_leaves = serializers.IntegerField(help_text="本月到期未销假的请假数（R-ATT-6）")
    off_post_days = serializers.IntegerField(help_text="请假或外出而无B角在岗、按脱岗计的天数（R-ATT-5）")


class CenterFactsSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    month = serializers.IntegerField()
    people = FactsSerializer(many=True)


class MyFactsSerializer(serializers.Serializer):
    facts = FactsSerializer()
    days = serializers.ListField(child=serializers.DictField(), help_text="迟到、早退或旷工的日考勤")
    leaves = serializers.ListField(child=serializers.DictField(), help_text="本月请假及所占半天数")
    missed_duties = serializers.ListField(child=serializers.DictField())
    findings = serializers.ListField(child=serializers.DictField(), help_text="稽查发现擅自离岗")
    unreturned_leaves = serializers.ListField(child=serializers.DictField())


def _month(request: Request) -> tuple[int, int]:
    query = parse(MonthQuerySerializer, request.query_params)
    if query.get("month"):
        year, month = query["month"]
        return int(year), int(month)
    today: date = timezone.localdate()
    return today.year, today.month


class CenterAttendanceFactsView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["staffing"],
        summary="本月每人的考勤事实（考核读取，R-ASM-5）：迟到早退（含未打卡）、旷工、公假私假半天数、值班缺岗、稽查擅离、未销假（稽查督办科、办公室、主任）",
        parameters=[CENTER, MONTH],
        responses={200: CenterFactsSerializer, **errors(400, 401, 403, 404)},
    )
    def get(self, request: Request, center: str) -> Response:
        year, month = _month(request)
        where = staff_center(request.user, center)
        require_role(request.user, where, CAN_READ_ATTENDANCE_FACTS)
        people = [asdict(facts) for facts in attendance_facts(where, year, month)]
        return Response(CenterFactsSerializer({"year": year, "month": month, "people": people}).data)


class MyAttendanceFactsView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["staffing"],
        summary="本人本月的考勤事实及其依据（R-ASM-5）",
        parameters=[CENTER, MONTH],
        responses={200: MyFactsSerializer, **errors(400, 401, 403, 404)},
    )
    def get(self, request: Request, center: str) -> Response:
        year, month = _month(request)
        profile, where = own_profile_at(request.user, center)
        detail = staffing_facts_of(profile, year, month)
        body: dict[str, Any] = {
            "facts": asdict(detail.facts),
            "days": [asdict(day) for day in detail.days],
            "leaves": [asdict(leave) for leave in detail.leaves],
            "missed_duties": [{"id": e.pk, "day": e.day, "kind": e.kind} for e in detail.missed_duties],
            "findings": [
                {"spot_check": f.spot_check_id, "at": f.spot_check.at, "day": f.day, "note": f.note}
                for f in detail.findings
            ],
            "unreturned_leaves": [
                {"id": leave.pk, "kind": leave.kind, "ends_at": leave.ends_at}
                for leave in detail.unreturned_leaves
            ],
        }
        return Response(MyFactsSerializer(body).data)
