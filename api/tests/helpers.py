"""Clients for the API tests: a persona signed in with a token, as an API client would be."""

from __future__ import annotations

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from org.models import StaffProfile


def token_client(staff: StaffProfile) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=staff.user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client
