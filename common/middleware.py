"""Turns the domain's errors into the right HTTP answer for HTML views, so that none becomes a 500; and the
headers every answer carries."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

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


# The browser features no page of govhall uses: a page (or anything injected into one) may not ask for them.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=()"


class SecurityHeadersMiddleware:
    """`Permissions-Policy` on every answer, and no caching of any answer to a signed-in user or an API
    token: staff pages and API answers carry applicants' personal data, which a shared counter PC's browser
    cache or a proxy must not keep (`Cache-Control: no-store, private`). Placed after WhiteNoise, so static
    files keep their long cache."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if "Authorization" in request.headers or (user is not None and user.is_authenticated):
            add_never_cache_headers(response)
        return response
