"""`org.auth.AuthenticationMiddleware`: `request.user` is read as Django reads it, lazily, and is then the user
itself, not a proxy; a user put in its place meanwhile (as `login()` and `logout()` do) stays."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.utils.functional import SimpleLazyObject

from org.auth import AuthenticationMiddleware


def _request(user: Any = None) -> HttpRequest:
    request = RequestFactory().get("/staff/")
    SessionMiddleware(lambda r: HttpResponse()).process_request(request)
    if user is not None:
        request.session[SESSION_KEY] = str(user.pk)
        request.session[BACKEND_SESSION_KEY] = "org.auth.StaffModelBackend"
        request.session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    AuthenticationMiddleware(lambda r: HttpResponse()).process_request(request)
    return request


def test_the_signed_in_user_is_read_on_first_use_and_is_then_the_user_itself(
    hall: Any, django_assert_num_queries: Any
) -> None:
    request = _request(hall.clerk.user)
    kept = request.user
    assert isinstance(kept, SimpleLazyObject)  # nothing read yet
    with django_assert_num_queries(1):  # the user with the profile and its centre
        assert request.user.is_authenticated
    assert type(request.user) is type(hall.clerk.user) and request.user.pk == hall.clerk.user.pk
    assert request.user.staff_profile.pk == hall.clerk.pk
    assert kept.pk == hall.clerk.user.pk and kept.username == request.user.username  # the proxy still answers
    with django_assert_num_queries(0):
        user = request.user
        assert request.user is user  # read once


def test_without_a_session_the_user_is_anonymous_itself() -> None:
    request = _request()
    assert not request.user.is_authenticated
    assert type(request.user) is AnonymousUser


def test_a_user_put_in_place_meanwhile_stays(hall: Any) -> None:
    """`login()` puts the new user in `request.user`; reading an old proxy afterwards does not undo it."""
    request = _request()
    kept = request.user
    request.user = hall.clerk.user
    assert not kept.is_authenticated  # the proxy reads the session as it was (nobody signed in)
    assert request.user is hall.clerk.user
