"""What every API view shares: authentication order, input parsing, the error responses of the schema."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import generics, serializers, status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.views import APIView

from common.errors import RuleViolation
from org import access

from ..pagination import ApiPagination
from ..permissions import AUTHENTICATION_CLASSES, Public
from ..serializers import ErrorSerializer

M = TypeVar("M", bound=Model)


class ApiView(APIView):
    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [Public]


class ApiListView(generics.ListAPIView):
    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [Public]
    pagination_class = ApiPagination

    def schema_only(self) -> bool:
        """True while drf-spectacular builds the schema (no real request, no URL values)."""
        return bool(getattr(self, "swagger_fake_view", False))


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = "当前状态下不能进行此操作。"


def parse(serializer_class: type[serializers.Serializer], data: Any, **context: Any) -> dict[str, Any]:
    """Validated input, or a 400 naming the field (the serializers check form, never rules)."""
    serializer = serializer_class(data=data, context=context)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


@contextmanager
def api_field_names(names: dict[str, str]) -> Iterator[None]:
    """Name a refused field as the API calls it where the service's argument has another name."""
    try:
        yield
    except RuleViolation as violation:
        violation.field = names.get(violation.field or "", violation.field)
        raise


def referenced(user: Any, queryset: QuerySet[M], field: str, **lookup: Any) -> M:
    """An object named in the request body, among those the user may see; a 400 naming `field` otherwise."""
    obj = access.scoped(user, queryset).filter(**lookup).first()
    if obj is None:
        raise ValidationError({field: ["不存在，或不属于本中心。"]})
    return obj


_DESCRIPTIONS = {
    400: "输入有误（error.field 指出字段）",
    401: "未登录",
    403: "无此操作权限",
    404: "不存在，或不属于您可见的中心",
    409: "当前状态下不能进行此操作",
    422: "规则拒绝（error.rule 为规则编号），未作任何修改",
    429: "登录失败次数过多，暂时锁定",
}


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    """The error answers of an operation, all in the one envelope of `api.errors`."""
    return {code: OpenApiResponse(ErrorSerializer, description=_DESCRIPTIONS[code]) for code in codes}


CENTER = OpenApiParameter(
    "center", OpenApiTypes.STR, OpenApiParameter.PATH, description="中心代码，如 demo-county"
)
ITEM_CODE = OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH, description="事项编号")
DEPARTMENT_CODE = OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH, description="部门代码")


def id_param(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.INT, OpenApiParameter.PATH, description=description)
