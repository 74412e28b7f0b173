"""Signing in for a token (`Authorization: Token …`), under the same lockout as the login page (django-axes)."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth import authenticate, user_logged_in
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from org.auth import address_refusal_message, refused_by_address

from ..errors import error_body
from ..serializers import TokenRequestSerializer, TokenSerializer
from .base import ApiView, errors, parse


class TokenView(ApiView):
    def get_permissions(self) -> list[Any]:
        if self.request.method == "DELETE":
            return [IsAuthenticated()]
        return list(super().get_permissions())

    @extend_schema(
        tags=["auth"],
        summary="用户名和密码换取令牌",
        description="成功后在请求头中使用 Authorization: Token <token>。连续失败会按登录页的规则锁定（429）。",
        request=TokenRequestSerializer,
        responses={200: TokenSerializer, **errors(400, 429)},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = parse(TokenRequestSerializer, request.data)
        # django-axes watches the plain HttpRequest: its middleware reads the lockout flag from it.
        http_request = request._request
        user = authenticate(request=http_request, username=data["username"], password=data["password"])
        if getattr(http_request, "axes_locked_out", False):
            # Answer the API client in JSON; without this the middleware would send the HTML lockout page.
            http_request.axes_locked_out = False  # type: ignore[attr-defined]
            return Response(
                error_body("locked_out", "登录失败次数过多，账号已暂时锁定，请稍后再试。"),
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
        if refused_by_address(http_request):
            return Response(
                error_body("throttled", address_refusal_message()), status=status.HTTP_429_TOO_MANY_REQUESTS
            )
        if user is None or not user.is_active:
            return Response(
                error_body("invalid_credentials", "用户名或密码不正确。", field="password"),
                status=status.HTTP_400_BAD_REQUEST,
            )
        # As a login does: resets the failure count (AXES_RESET_ON_SUCCESS) and sets last_login.
        user_logged_in.send(sender=user.__class__, request=http_request, user=user)
        token, _ = Token.objects.get_or_create(user=user)
        return Response(TokenSerializer({"token": token.key, "username": user.get_username()}).data)

    @extend_schema(
        tags=["auth"],
        summary="注销令牌",
        responses={204: OpenApiResponse(description="令牌已失效"), **errors(401)},
    )
    def delete(self, request: Request) -> Response:
        Token.objects.filter(user=cast(Any, request.user)).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
