"""API error bodies: one envelope for every error, so that clients read `error.code` and `error.field`.

- a refused rule answers 422 `{"error": {"rule": "R-CAT-2", "message": "…", "field": "…", "code": "…"}}`;
- a write from a stale read (someone else changed the object since) answers 409
  `{"error": {"code": "conflict", "message": "…"}}`, and nothing was changed;
- invalid input answers 400 `{"error": {"code": "invalid", "message": "…", "field": "days", "fields": {…}}}`
  (`fields` is every field with its messages; `field` and `message` are the first of them);
- anything else DRF knows (401, 403, 404, 405, 415, …) answers `{"error": {"code": "…", "message": "…"}}`.

Nothing here ever answers 500 for bad input: that is the views' job, by validating before they call services.
"""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from common.errors import Conflict, NotFound, PermissionDenied, RuleViolation


def _first_error(detail: Any, path: str | None = None) -> tuple[str | None, str]:
    """The first (field, message) of a DRF error detail, walking nested dicts and lists."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = str(key)
            if name in ("non_field_errors", "__all__"):
                field = path
            elif path and not name.isdigit():
                field = f"{path}.{name}"
            else:
                field = path or name
            return _first_error(value, field)
        return path, ""
    if isinstance(detail, list):
        for value in detail:
            return _first_error(value, path)
        return path, ""
    return path, str(detail)


def _code_of(exc: exceptions.APIException) -> str:
    codes = exc.get_codes()
    return codes if isinstance(codes, str) else exc.default_code


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, **extra}}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, RuleViolation):
        return Response({"error": exc.as_dict()}, status=status.HTTP_422_UNPROCESSABLE_ENTITY)
    if isinstance(exc, NotFound):
        return Response(error_body("not_found", "未找到。"), status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, Conflict):
        return Response(error_body("conflict", exc.message), status=status.HTTP_409_CONFLICT)
    if isinstance(exc, PermissionDenied):
        return Response(error_body("permission_denied", exc.message), status=status.HTTP_403_FORBIDDEN)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        field, message = _first_error(exc.detail)
        fields = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = error_body("invalid", message, field=field, fields=fields)
    elif isinstance(exc, exceptions.APIException):
        detail = exc.detail
        message = str(detail if not isinstance(detail, list | dict) else _first_error(detail)[1])
        response.data = error_body(_code_of(exc), message)
    else:  # Django's Http404 / PermissionDenied, turned into APIException-like answers by DRF
        code = "not_found" if response.status_code == status.HTTP_404_NOT_FOUND else "permission_denied"
        message = str(response.data.get("detail", "")) if isinstance(response.data, dict) else ""
        response.data = error_body(code, message)
    return response
