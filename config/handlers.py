"""The answers Django gives when no view does (400, 403, 404, 500, and a CSRF failure): under `/api/` the
API's JSON error envelope (`api.errors`), so a client never has to read an HTML page; elsewhere the site's own
pages.

Django calls these for an unknown URL, a SuspiciousOperation (a body over `DATA_UPLOAD_MAX_MEMORY_SIZE`), a
PermissionDenied raised outside DRF, and an unhandled exception. The traceback of that exception is logged by
Django's `django.request` logger, which the settings send to the console in every environment.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.views import defaults

from api.errors import error_body
from common.errors import PermissionDenied

API_PREFIX = "/api/"


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def _envelope(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse(error_body(code, message), status=status, json_dumps_params={"ensure_ascii": False})


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return _envelope("bad_request", gettext("请求无法处理（格式错误或过大）。"), 400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return _envelope("permission_denied", PermissionDenied().message, 403)
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return _envelope("not_found", gettext("未找到。"), 404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest, *args: Any) -> HttpResponse:
    if _is_api(request):
        return _envelope("server_error", gettext("服务器出现问题，请稍后再试。"), 500)
    return defaults.server_error(request)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form whose CSRF token did not match (a page left open past its session, a second tab that signed
    out): the site's own page in Chinese, with the way back, and no DEBUG hint."""
    if _is_api(request):
        return _envelope("csrf_failed", gettext("请求来源校验失败，请刷新页面后重试。"), 403)
    return render(request, "403_csrf.html", status=403)
