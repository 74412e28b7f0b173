"""The working-day clock for anyone (R-CLK-1, R-CLK-2, R-CLK-3), and a centre's own days for its editors."""

from __future__ import annotations

from datetime import timedelta

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response

from org.access import CAN_EDIT_CALENDAR
from org.models import Center
from workdays import selectors as calendar_selectors
from workdays import services as calendar_services

from ..permissions import public_center, require_role, staff_center
from ..serializers import (
    AddWorkingDaysQuery,
    AddWorkingDaysResultSerializer,
    CalendarDaySerializer,
    CalendarDaySetSerializer,
    CalendarYearQuery,
    CalendarYearSerializer,
    CountWorkingDaysQuery,
    CountWorkingDaysResultSerializer,
)
from .base import ApiView, api_field_names, errors, parse


def _center(code: str | None) -> Center | None:
    return public_center(code) if code else None


class AddWorkingDaysView(ApiView):
    @extend_schema(
        tags=["calendar"],
        summary="计算期限：受理日之后第 N 个工作日",
        description="受理当日不计入（R-CLK-2）；N 为 0 时为受理当日（非工作日则顺延）。超出已载入年份时按周末计算，"
        "并标记 provisional（R-CLK-3）。",
        parameters=[AddWorkingDaysQuery],
        responses={200: AddWorkingDaysResultSerializer, **errors(400, 404, 422)},
        auth=[],
    )
    def get(self, request: Request) -> Response:
        query = parse(AddWorkingDaysQuery, request.query_params)
        center = _center(query.get("center"))
        deadline = calendar_services.add_working_days(center=center, start=query["start"], days=query["days"])
        result = {
            "start": query["start"],
            "days": query["days"],
            "date": deadline.date,
            "provisional": deadline.provisional,
        }
        return Response(AddWorkingDaysResultSerializer(result).data)


class CountWorkingDaysView(ApiView):
    @extend_schema(
        tags=["calendar"],
        summary="统计两个日期之间的工作日数",
        description="起算日之后至截止日（含）的工作日数；截止日不晚于起算日时为 0。",
        parameters=[CountWorkingDaysQuery],
        responses={200: CountWorkingDaysResultSerializer, **errors(400, 404)},
        auth=[],
    )
    def get(self, request: Request) -> Response:
        query = parse(CountWorkingDaysQuery, request.query_params)
        calendar = calendar_selectors.calendar_for(_center(query.get("center")))
        start, end = query["start"], query["end"]
        counted = calendar.count_working_days(start, end)
        first = start + timedelta(days=1)
        # R-CLK-3: provisional when a counted day lies in a year whose schedule is not loaded.
        provisional = end > start and any(
            year not in calendar.loaded_years for year in range(first.year, end.year + 1)
        )
        result = {"start": start, "end": end, "working_days": counted, "provisional": provisional}
        return Response(CountWorkingDaysResultSerializer(result).data)


class CalendarDaysView(ApiView):
    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(
        tags=["calendar"],
        summary="某年的节假日与调休上班日",
        description="全国安排；指定中心时叠加该中心的调整（同一日期以中心为准）。",
        parameters=[CalendarYearQuery],
        responses={200: CalendarYearSerializer, **errors(400, 404)},
        auth=[],
    )
    def get(self, request: Request) -> Response:
        query = parse(CalendarYearQuery, request.query_params)
        center = _center(query.get("center"))
        year = query["year"]
        days = {row.date: row for row in calendar_selectors.year_days(None, year)}
        if center is not None:
            days.update({row.date: row for row in calendar_selectors.year_days(center, year)})
        loaded = year in calendar_selectors.calendar_for(center).loaded_years
        rows = [
            {
                "date": row.date,
                "kind": row.kind,
                "name": row.name,
                "source": row.source,
                "center": center.code if center is not None and row.center_id == center.pk else None,
            }
            for _, row in sorted(days.items())
        ]
        result = {"year": year, "center": center.code if center else None, "loaded": loaded, "days": rows}
        return Response(CalendarYearSerializer(result).data)

    @extend_schema(
        tags=["calendar"],
        summary="设置本中心的某日为休息日或调休上班日",
        description="本中心的设置覆盖全国安排（R-CLK-3）。需办公室或系统管理员角色。",
        request=CalendarDaySetSerializer,
        responses={201: CalendarDaySerializer, **errors(400, 401, 403, 404, 422)},
    )
    def post(self, request: Request) -> Response:
        data = parse(CalendarDaySetSerializer, request.data)
        center = staff_center(request.user, data["center"])
        require_role(request.user, center, CAN_EDIT_CALENDAR)
        with api_field_names({"day": "date"}):
            row = calendar_services.calendar_day_set(
                actor=request.user,
                center=center,
                day=data["date"],
                kind=data["kind"],
                name=data["name"],
                reason=data["reason"],
            )
        result = {
            "date": row.date,
            "kind": row.kind,
            "name": row.name,
            "source": row.source,
            "center": center.code,
        }
        return Response(CalendarDaySerializer(result).data, status=status.HTTP_201_CREATED)
