"""Clock events from devices that speak JSON rather than the iClock protocol (R-ATT-2).

The same events, the same rules and the same answer as `/iclock/cdata` (`staffing.services.clock_events_ingest`):
the device is a terminal registered at its centre by serial number, refused (422, rule R-ATT-2, nothing stored)
when it is not, or when it calls from an address its allow-list does not hold. The serial identifies, it does
not authenticate: the allow-list is the protection (docs/staffing.md). Each event is checked on its own: one
that is malformed, or whose PIN is not mapped, is reported and skipped, and the rest of the batch is kept.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from common.net import client_address
from staffing import iclock
from staffing import services as staffing_services
from staffing.models import Protocol
from staffing.services.ingest import FUTURE, UNMAPPED

from .base import ApiView, errors, parse

SERIAL = OpenApiParameter("serial", OpenApiTypes.STR, OpenApiParameter.PATH, description="考勤机序列号（SN）")


class ClockEventInSerializer(serializers.Serializer):
    """The shape of one event (for the schema): each event is checked on its own, not by this serializer."""

    pin = serializers.CharField(max_length=24, help_text="考勤号（1–24位字母或数字）")
    time = serializers.CharField(
        help_text="打卡时间：考勤机本地时间 YYYY-MM-DD HH:MM:SS（按中心时区理解），或带时区的 ISO 8601"
    )
    status = serializers.IntegerField(min_value=0, max_value=255, required=False, help_text="状态，默认 0")
    verify = serializers.IntegerField(
        min_value=0, max_value=255, required=False, help_text="验证方式（15 为人脸），默认 0"
    )


@extend_schema_field(ClockEventInSerializer)
class _EventField(serializers.JSONField):
    """Any JSON value: a malformed event is reported in the answer, not a 400 for the whole batch."""


class ClockBatchSerializer(serializers.Serializer):
    events = serializers.ListField(
        child=_EventField(), max_length=iclock.MAX_LINES, help_text="打卡记录，每批最多 20000 条"
    )
    device_time = serializers.CharField(
        required=False,
        max_length=40,
        help_text="发送时考勤机的时钟（同打卡时间格式），用于测定考勤机时钟偏差",
    )

    def validate_device_time(self, value: str) -> Any:
        moment = iclock.parse_time(value)
        if moment is None:
            raise serializers.ValidationError("时间格式应为 YYYY-MM-DD HH:MM:SS。")
        return moment


class RefusedEventSerializer(serializers.Serializer):
    number = serializers.IntegerField(help_text="该记录在 events 中的序号（从 1 起）")
    reason = serializers.CharField(help_text="原因代码：" + "、".join([*iclock.REASONS, UNMAPPED, FUTURE]))
    message = serializers.CharField()


class ClockBatchResultSerializer(serializers.Serializer):
    received = serializers.IntegerField(help_text="收到的记录数")
    stored = serializers.IntegerField(help_text="新存入的记录数")
    duplicates = serializers.IntegerField(help_text="此前已存入的记录数（重复上传不重复计）")
    rejected = serializers.IntegerField(help_text="拒收的记录数，原因见 problems")
    after_close = serializers.IntegerField(
        help_text="新存入、但所在日期的考勤已结算的记录数（须经更正才计入）"
    )
    problems = RefusedEventSerializer(many=True)


class ClockEventsView(ApiView):
    @extend_schema(
        tags=["staffing"],
        summary="考勤机上传打卡记录（R-ATT-2）",
        description="与 iClock 推送协议（/iclock/cdata）相同的规则：同一考勤机、考勤号、时间只存一次；"
        "有问题的记录逐条说明并跳过，其余照收。未登记、已停用或来源地址不在允许列表中的考勤机被拒绝（422），不存任何记录。",
        parameters=[SERIAL],
        request=ClockBatchSerializer,
        responses={200: ClockBatchResultSerializer, **errors(400, 401, 403, 422)},
        auth=[],
    )
    def post(self, request: Request, serial: str) -> Response:
        data = parse(ClockBatchSerializer, request.data)
        address = client_address(request)
        terminal = staffing_services.terminal_authenticate(serial=serial, address=address)
        records, problems = iclock.parse_events(data["events"])
        result = staffing_services.clock_events_ingest(
            terminal=terminal,
            records=records,
            problems=problems,
            protocol=Protocol.API,
            address=address,
            device_time=data.get("device_time"),
        )
        body = {
            "received": result.received,
            "stored": result.stored,
            "duplicates": result.duplicates,
            "rejected": result.rejected,
            "after_close": result.after_close,
            "problems": [
                {"number": r.number, "reason": r.reason, "message": r.message} for r in result.refusals
            ],
        }
        return Response(ClockBatchResultSerializer(body).data)


__all__ = ["ClockEventsView"]
