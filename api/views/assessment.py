"""The monthly assessment through the API (R-ASM-1 … R-ASM-17): a centre's sheet of a month for those who read
the sheets (the supervision section, the leaders, the office), and each staff member's own month with its
deductions and the facts behind them (`supervision.selectors.assessment_month`). Read-only: entering, closing and
correcting stay on the supervision section's pages, where the evidence is uploaded."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from org.access import CAN_READ_ASSESSMENT
from supervision import scoring
from supervision.models import AssessmentEntry
from supervision.selectors.assessment_month import assessment_sheet

from ..permissions import own_profile_at, require_role, staff_center
from .base import CENTER, ApiView, errors
from .staffing_facts import MONTH
from .staffing_facts import _month as month_of


class CategoriesSerializer(serializers.Serializer):
    conduct = serializers.DecimalField(max_digits=5, decimal_places=1, help_text="行为规范（R-ASM-1）")
    attendance = serializers.DecimalField(max_digits=5, decimal_places=1, help_text="严格考勤（R-ASM-5）")
    cases = serializers.DecimalField(max_digits=5, decimal_places=1, help_text="办件管理（R-ASM-9）")
    discipline = serializers.DecimalField(max_digits=5, decimal_places=1, help_text="重大违纪（R-ASM-12）")


class RowSerializer(serializers.Serializer):
    staff_id = serializers.IntegerField()
    name = serializers.CharField()
    badge_number = serializers.CharField()
    window = serializers.CharField(help_text="窗口")
    categories = CategoriesSerializer()
    score = serializers.DecimalField(max_digits=5, decimal_places=1, help_text="得分")
    fund = serializers.DecimalField(max_digits=8, decimal_places=2, help_text="考核资金（元，R-ASM-14）")
    stops = serializers.CharField(help_text="停发：month 当月，quarter 当季，空为不停发")
    loses_award = serializers.BooleanField(help_text="取消评先资格（R-ASM-12）")
    revision = serializers.IntegerField(help_text="结账后的更正次数")


class SheetSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    month = serializers.IntegerField()
    closed = serializers.BooleanField(help_text="已结账（否：依据目前记录的预览）")
    rows = RowSerializer(many=True)


class EntrySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="扣分项（supervision/scoring.py）")
    name = serializers.CharField(help_text="扣分项名称")
    rule = serializers.CharField()
    quantity = serializers.DecimalField(max_digits=6, decimal_places=1)
    points = serializers.DecimalField(max_digits=6, decimal_places=1)
    origin = serializers.CharField(help_text="facts 系统记录，entered 稽查督办科录入，correction 更正")
    facts = serializers.ListField(child=serializers.CharField(), help_text="依据：日期、办件或投诉编号")
    note = serializers.CharField(allow_blank=True)


class MineSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    month = serializers.IntegerField()
    closed = serializers.BooleanField()
    row = RowSerializer(allow_null=True)
    entries = EntrySerializer(many=True)


def _row(row: Any) -> dict[str, Any]:
    codes = [code for code, *_r in scoring.CATEGORIES]
    return {
        "staff_id": row.staff.pk,
        "name": row.staff.name,
        "badge_number": row.staff.badge_number,
        "window": str(row.staff.window) if row.staff.window_id else "",
        "categories": dict(zip(codes, row.scores, strict=True)),
        "score": row.total,
        "fund": row.fund,
        "stops": row.stops,
        "loses_award": row.loses_award,
        "revision": row.revision,
    }


class CenterAssessmentView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["supervision"],
        summary="月度考核表（稽查督办科、中心领导、办公室；R-ASM-16）：已结账的为保存的得分，未结账的为预览",
        parameters=[CENTER, MONTH],
        responses={200: SheetSerializer, **errors(400, 401, 403, 404)},
    )
    def get(self, request: Request, center: str) -> Response:
        year, month = month_of(request)
        where = staff_center(request.user, center)
        require_role(request.user, where, CAN_READ_ASSESSMENT)
        sheet = assessment_sheet(where, year, month, today=timezone.localdate())
        body = {
            "year": year,
            "month": month,
            "closed": sheet.closed is not None,
            "rows": [_row(r) for r in sheet.rows],
        }
        return Response(SheetSerializer(body).data)


class MyAssessmentView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["supervision"],
        summary="本人本月的考核：得分及每项扣分的依据（R-ASM-16）",
        parameters=[CENTER, MONTH],
        responses={200: MineSerializer, **errors(400, 401, 403, 404)},
    )
    def get(self, request: Request, center: str) -> Response:
        year, month = month_of(request)
        profile, where = own_profile_at(request.user, center)
        sheet = assessment_sheet(where, year, month, today=timezone.localdate(), staff_ids={profile.pk})
        row = sheet.rows[0] if sheet.rows else None
        entries = [
            {
                "code": e.code,
                "name": str(scoring.BY_CODE[e.code].label),
                "rule": scoring.BY_CODE[e.code].rule,
                "quantity": e.quantity,
                "points": e.quantity * sheet.policy.points[e.code],
                "origin": e.source if isinstance(e, AssessmentEntry) else "facts",
                "facts": list(e.facts),
                "note": getattr(e, "note", ""),
            }
            for e in (row.entries if row else [])
            if e.quantity > 0
        ]
        body = {
            "year": year,
            "month": month,
            "closed": sheet.closed is not None,
            "row": _row(row) if row else None,
            "entries": entries,
        }
        return Response(MineSerializer(body).data)
