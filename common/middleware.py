"""Turns the domain's errors into the right HTTP answer for HTML views, so that none becomes a 500."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .errors import NotFound, PermissionDenied, RuleViolation


class DomainErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, NotFound):
            return render(request, "404.html", status=404)
        if isinstance(exception, PermissionDenied):
            return render(request, "403.html", {"exception": exception.message}, status=403)
        if isinstance(exception, RuleViolation):
            # Views normally show refusals inside their form; this is the net for the rest.
            return render(request, "refused.html", {"violation": exception}, status=422)
        return None
