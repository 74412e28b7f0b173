"""Duty rosters and disputes through the API (R-ATT-1, R-PUB-6): the roster of a centre between two dates, a
person put on a day, a swap with its reason, the day's duty leader; a dispute reported to today's duty leader
and closed with its outcome. The same services as the pages (`staffing.services.duty`), which check who may act:
the office plans, anyone working at the centre reports a dispute, the duty leader (or the office) closes it. A
refusal is 422 with the rule id and nothing changed."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from org.models import StaffProfile, Window
from staffing import selectors
from staffing.models import DutyDispute, DutyEntry, DutyKind
from staffing.services import duty as duty_services

from ..permissions import fetch, staff_center
from ..serializers import ID_MAX
from .base import CENTER, ApiView, errors, id_param, parse, referenced

ENTRY_ID = id_param("entry_id", "值班安排编号")
DISPUTE_ID = id_param("dispute_id", "纠纷编号")
MAX_ROSTER_DAYS = 62
MAX_DISPUTE_DAYS = 31


def _staff_ref(staff: StaffProfile | None) -> dict[str, Any] | None:
    return None if staff is None else {"id": staff.pk, "name": staff.name, "title": staff.title}


# --- serializers --------------------------------------------------------------------------------------------


class RosterQuerySerializer(serializers.Serializer):
    start = serializers.DateField(required=False, help_text="起始日期（含），默认今天")
    end = serializers.DateField(
        required=False, help_text=f"截止日期（含），默认起始日后 27 天；最多 {MAX_ROSTER_DAYS} 天"
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        for name in ("start", "end"):
            if name in attrs and not 2000 <= attrs[name].year <= 2100:
                raise serializers.ValidationError({name: ["日期超出范围。"]})
        start = attrs.get("start") or timezone.localdate()
        end = attrs.get("end") or start + timedelta(days=27)
        if end < start:
            raise serializers.ValidationError({"end": ["截止日期不能早于起始日期。"]})
        if (end - start).days + 1 > MAX_ROSTER_DAYS:
            raise serializers.ValidationError({"end": [f"一次最多查询 {MAX_ROSTER_DAYS} 天。"]})
        return {"start": start, "end": end}


class AssignSerializer(serializers.Serializer):
    day = serializers.DateField(help_text="日期")
    kind = serializers.ChoiceField(choices=DutyKind.choices, help_text="类别")
    staff = serializers.IntegerField(min_value=1, max_value=ID_MAX, help_text="值班人员编号")


class SwapSerializer(serializers.Serializer):
    staff = serializers.IntegerField(min_value=1, max_value=ID_MAX, help_text="换给的工作人员编号")
    reason = serializers.CharField(max_length=500, help_text="换班原因")


class DayQuerySerializer(serializers.Serializer):
    day = serializers.DateField(required=False, help_text="日期，默认今天")


class DisputeQuerySerializer(serializers.Serializer):
    days = serializers.IntegerField(
        required=False, default=7, min_value=1, max_value=MAX_DISPUTE_DAYS, help_text="最近几天，默认 7"
    )


class DisputeInSerializer(serializers.Serializer):
    summary = serializers.CharField(max_length=2000, help_text="纠纷情况")
    window = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=ID_MAX, help_text="窗口编号"
    )


class OutcomeSerializer(serializers.Serializer):
    outcome = serializers.CharField(max_length=2000, help_text="处理结果")


class DutyEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    day = serializers.DateField()
    kind = serializers.CharField()
    staff = serializers.DictField()
    phone = serializers.CharField(help_text="公开的工作电话")
    assigned_at = serializers.DateTimeField()
    swapped_from = serializers.IntegerField(allow_null=True, help_text="换班前的值班安排编号")
    swapped_from_staff = serializers.DictField(allow_null=True)
    swap_reason = serializers.CharField()


class RosterSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    entries = DutyEntrySerializer(many=True)


class DutyLeaderSerializer(serializers.Serializer):
    day = serializers.DateField()
    leader = DutyEntrySerializer(allow_null=True)


class DisputeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reported_at = serializers.DateTimeField()
    window = serializers.DictField(allow_null=True)
    reporter = serializers.DictField(allow_null=True)
    leader = serializers.DictField()
    summary = serializers.CharField()
    outcome = serializers.CharField()
    closed_at = serializers.DateTimeField(allow_null=True)


def _entry_body(entry: DutyEntry) -> dict[str, Any]:
    previous = entry.swapped_from
    return {
        "id": entry.pk,
        "day": entry.day,
        "kind": entry.kind,
        "staff": _staff_ref(entry.staff),
        "phone": entry.phone,
        "assigned_at": entry.assigned_at,
        "swapped_from": entry.swapped_from_id,
        "swapped_from_staff": _staff_ref(previous.staff) if previous is not None else None,
        "swap_reason": entry.swap_reason,
    }


def _dispute_body(dispute: DutyDispute) -> dict[str, Any]:
    window = dispute.window
    return {
        "id": dispute.pk,
        "reported_at": dispute.reported_at,
        "window": None if window is None else {"id": window.pk, "number": window.number, "name": window.name},
        "reporter": _staff_ref(dispute.reporter),
        "leader": _staff_ref(dispute.leader),
        "summary": dispute.summary,
        "outcome": dispute.outcome,
        "closed_at": dispute.closed_at,
    }


def _query(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    return parse(serializer_class, request.query_params)


# --- the roster ---------------------------------------------------------------------------------------------


class RosterView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["staffing"],
        summary=f"值班表：两日期之间（最多 {MAX_ROSTER_DAYS} 天）的节假日值班、值班领导与领导坐班，换班后的安排（R-ATT-1、R-PUB-6）",
        parameters=[
            CENTER,
            OpenApiParameter("start", OpenApiTypes.DATE, description="起始日期（含），默认今天"),
            OpenApiParameter("end", OpenApiTypes.DATE, description="截止日期（含）"),
        ],
        responses={200: RosterSerializer, **errors(400, 401, 404)},
    )
    def get(self, request: Request, center: str) -> Response:
        query = _query(RosterQuerySerializer, request)
        where = staff_center(request.user, center)
        entries = selectors.roster_between(where, query["start"], query["end"])
        body = {"start": query["start"], "end": query["end"], "entries": [_entry_body(e) for e in entries]}
        return Response(RosterSerializer(body).data)

    @extend_schema(
        tags=["staffing"],
        summary="排班：节假日值班只排在休息日，值班领导与领导坐班只排在工作日（办公室，R-ATT-1）",
        parameters=[CENTER],
        request=AssignSerializer,
        responses={201: DutyEntrySerializer, **errors(400, 401, 403, 404, 422)},
    )
    def post(self, request: Request, center: str) -> Response:
        data = parse(AssignSerializer, request.data)
        where = staff_center(request.user, center)
        staff = referenced(request.user, StaffProfile.objects.filter(center=where), "staff", pk=data["staff"])
        entry = duty_services.roster_assign(
            actor=request.user, center=where, day=data["day"], kind=data["kind"], staff=staff
        )
        return Response(DutyEntrySerializer(_entry_body(entry)).data, status=status.HTTP_201_CREATED)


class SwapView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["staffing"],
        summary="换班（须写明原因）：原安排关闭并保留，新安排注明换班自何人（办公室，R-ATT-1）",
        parameters=[CENTER, ENTRY_ID],
        request=SwapSerializer,
        responses={201: DutyEntrySerializer, **errors(400, 401, 403, 404, 422)},
    )
    def post(self, request: Request, center: str, entry_id: int) -> Response:
        data = parse(SwapSerializer, request.data)
        where = staff_center(request.user, center)
        entry = fetch(
            request.user, DutyEntry.objects.filter(center=where).select_related("center"), pk=entry_id
        )
        staff = referenced(request.user, StaffProfile.objects.filter(center=where), "staff", pk=data["staff"])
        new = duty_services.roster_swap(actor=request.user, entry=entry, staff=staff, reason=data["reason"])
        new = DutyEntry.objects.select_related("staff", "swapped_from__staff").get(pk=new.pk)
        return Response(DutyEntrySerializer(_entry_body(new)).data, status=status.HTTP_201_CREATED)


class DutyLeaderView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["staffing"],
        summary="某日（默认今天）的值班领导，纠纷报告给他（R-PUB-6）；未安排时 leader 为 null",
        parameters=[CENTER, OpenApiParameter("day", OpenApiTypes.DATE, description="日期，默认今天")],
        responses={200: DutyLeaderSerializer, **errors(400, 401, 404)},
    )
    def get(self, request: Request, center: str) -> Response:
        query = _query(DayQuerySerializer, request)
        where = staff_center(request.user, center)
        day: date = query.get("day") or timezone.localdate()
        leader = duty_services.duty_leader_of(where, day)
        body = {"day": day, "leader": None if leader is None else _entry_body(leader)}
        return Response(DutyLeaderSerializer(body).data)


# --- disputes -----------------------------------------------------------------------------------------------


class DisputesView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["staffing"],
        summary=f"最近报告值班领导的纠纷（最多 {MAX_DISPUTE_DAYS} 天），新的在前（R-PUB-6）",
        parameters=[CENTER, OpenApiParameter("days", OpenApiTypes.INT, description="最近几天，默认 7")],
        responses={200: DisputeSerializer(many=True), **errors(400, 401, 404)},
    )
    def get(self, request: Request, center: str) -> Response:
        query = _query(DisputeQuerySerializer, request)
        where = staff_center(request.user, center)
        since = timezone.localdate() - timedelta(days=query["days"] - 1)
        disputes = selectors.recent_disputes(where, since)
        return Response(DisputeSerializer([_dispute_body(d) for d in disputes], many=True).data)

    @extend_schema(
        tags=["staffing"],
        summary="窗口经解释无效的纠纷报告当天值班领导（R-PUB-6）；当天未安排值班领导时拒绝",
        parameters=[CENTER],
        request=DisputeInSerializer,
        responses={201: DisputeSerializer, **errors(400, 401, 403, 404, 422)},
    )
    def post(self, request: Request, center: str) -> Response:
        data = parse(DisputeInSerializer, request.data)
        where = staff_center(request.user, center)
        window = None
        if data.get("window") is not None:
            window = referenced(
                request.user, Window.objects.filter(center=where), "window", pk=data["window"]
            )
        dispute = duty_services.dispute_report(
            actor=request.user,
            center=where,
            summary=data["summary"],
            window=window,
            reporter=getattr(request.user, "staff_profile", None),
        )
        return Response(DisputeSerializer(_dispute_body(dispute)).data, status=status.HTTP_201_CREATED)


class DisputeCloseView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["staffing"],
        summary="值班领导（或办公室）记录纠纷的处理结果；已办结的不再改变（R-PUB-6）",
        parameters=[CENTER, DISPUTE_ID],
        request=OutcomeSerializer,
        responses={200: DisputeSerializer, **errors(400, 401, 403, 404, 422)},
    )
    def post(self, request: Request, center: str, dispute_id: int) -> Response:
        data = parse(OutcomeSerializer, request.data)
        where = staff_center(request.user, center)
        dispute = fetch(
            request.user, DutyDispute.objects.filter(center=where).select_related("center"), pk=dispute_id
        )
        closed = duty_services.dispute_close(actor=request.user, dispute=dispute, outcome=data["outcome"])
        closed = DutyDispute.objects.select_related("leader", "window", "reporter").get(pk=closed.pk)
        return Response(DisputeSerializer(_dispute_body(closed)).data)
