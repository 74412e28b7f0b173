"""API error bodies: a refused rule answers 4xx with its rule id; nothing ever answers 500 for bad input."""

from __future__ import annotations

from typing import Any

from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from common.errors import NotFound, PermissionDenied, RuleViolation


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, RuleViolation):
        return Response({"error": exc.as_dict()}, status=status.HTTP_422_UNPROCESSABLE_ENTITY)
    if isinstance(exc, NotFound):
        return Response({"error": {"code": "not_found", "message": "未找到。"}}, status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, PermissionDenied):
        return Response({"error": {"code": "permission_denied", "message": exc.message}},
                        status=status.HTTP_403_FORBIDDEN)
    return drf_exception_handler(exc, context)
