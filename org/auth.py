"""Signing in: Django's model backend, loading a signed-in user with their staff profile and its centre, and
slowing password spraying.

Every staff page asks who the user is, which staff member and which centre: read with the session, in the one
statement that reads it (`org.sessions`), instead of three queries more. Once read, the user itself is
`request.user` (`AuthenticationMiddleware`), not a proxy.

django-axes locks a username at one address after `AXES_FAILURE_LIMIT` failures, which does not stop someone
trying one or two passwords for each of many usernames from one address (password spraying). So the backend
also counts every sign-in that reaches it from an address (`common.net.client_address`), whatever the
username, in the cache every process shares: past `LOGIN_FAILURES_PER_ADDRESS` failures within
`LOGIN_ADDRESS_WINDOW_SECONDS`, every sign-in from that address is refused — a right password included, so
that the refusal tells nothing — until the window ends. An attempt is counted before its password is checked
(attempts sent at once cannot all pass), and a success or a refusal gives its count back. Other addresses are
not affected. The login page and the API's token endpoint show the refusal (`refused_by_address`).
"""

from __future__ import annotations

from contextvars import ContextVar
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import middleware as auth_middleware
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from common.net import client_address
from common.sql import Layout, joined_columns, joined_instances
from common.throttle import count_attempt, give_back, log_refusal, throttle_key

_REFUSED = "govhall_login_refused_by_address"
# The session of the request whose user is being read (`AuthenticationMiddleware`), for the backend.
_SESSION: ContextVar[Any] = ContextVar("govhall_session", default=None)


class AuthenticationMiddleware(auth_middleware.AuthenticationMiddleware):
    """Django's, with `request.user` the user itself once it has been read.

    Django leaves `request.user` a lazy proxy for the whole request, and every attribute read through it goes
    through the proxy's own lookup and a caught AttributeError: a staff page reads about eighty. Here the
    first use reads the user exactly as Django does (`get_user`, kept on the request) and then puts the user
    itself in `request.user`, as `login()` does; whoever kept the proxy reaches the same object through it.
    A request that never asks (a public page, /healthz) reads nothing, as before."""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)  # the session check, and `request.auser`

        def first_use() -> Any:
            # The backend takes the user the session's statement read (`org.sessions`) instead of reading it.
            session = _SESSION.set(getattr(request, "session", None))
            try:
                user = auth_middleware.get_user(request)
            finally:
                _SESSION.reset(session)
            if request.__dict__.get("user") is lazy:  # not replaced meanwhile (`login()`, `logout()`)
                request.user = user
            return user

        lazy = SimpleLazyObject(first_use)
        request.user = lazy  # type: ignore[assignment]  # what Django's own middleware puts there


def refused_by_address(request: HttpRequest) -> bool:
    """Whether the sign-in just tried on `request` was refused because its address failed too often."""
    return bool(getattr(request, _REFUSED, False))


def address_refusal_message() -> str:
    minutes = max(1, settings.LOGIN_ADDRESS_WINDOW_SECONDS // 60)
    return _("此地址登录失败次数过多，已暂停登录，请%(minutes)d分钟后再试。") % {"minutes": minutes}


class StaffModelBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if request is None:  # no address to count (a command, a test's client.login)
            return super().authenticate(request, username=username, password=password, **kwargs)
        address = client_address(request)
        key = throttle_key("org:login:address", address)
        if count_attempt(key, settings.LOGIN_ADDRESS_WINDOW_SECONDS) > settings.LOGIN_FAILURES_PER_ADDRESS:
            give_back(key)
            setattr(request, _REFUSED, True)
            log_refusal("sign-in", address)
            raise PermissionDenied  # no other backend is asked
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None:
            give_back(key)
        return user

    def get_user(self, user_id: Any) -> Any:
        """The user `user_id` with profile and centre: the one read with the request's session when it is that
        user (`org.sessions`), else read now (`user_with_profile`)."""
        user = getattr(_SESSION.get(), "signed_in", None)
        if user is None or str(user.pk) != str(user_id):
            user = user_with_profile(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


def user_columns() -> tuple[list[str], str, Layout]:
    """The columns of the user aliased `u` with their staff profile and its centre, the joins that add the two
    (outer joins: a user may have no profile), and the layout of the columns (`assembled_user`)."""
    from .models import Center, StaffProfile

    q = connection.ops.quote_name
    user_model = get_user_model()
    columns, layout = joined_columns([("u", user_model), ("s", StaffProfile), ("c", Center)])
    staff, center = (q(m._meta.db_table) for m in (StaffProfile, Center))
    joins = (
        f"LEFT OUTER JOIN {staff} s ON s.{q('user_id')} = u.{q(str(user_model._meta.pk.column))} "
        f"LEFT OUTER JOIN {center} c ON c.{q('id')} = s.{q('center_id')}"
    )
    return columns, joins, layout


@lru_cache(maxsize=8)
def _user_sql(vendor: str) -> tuple[str, Layout]:
    """The statement of `user_with_profile` and the layout of its row (the user, the profile, its centre)."""
    del vendor  # part of the key: quoting and converters differ per database
    q = connection.ops.quote_name
    user_model = get_user_model()
    columns, joins, layout = user_columns()
    sql = (
        f"SELECT {', '.join(columns)} FROM {q(user_model._meta.db_table)} u "  # noqa: S608 - names from the models
        f"{joins} WHERE u.{q(str(user_model._meta.pk.column))} = %s"
    )
    return sql, layout


def assembled_user(user: Any, profile: Any, center: Any) -> Any:
    """`user` with their staff `profile` (None when its key is None: they have none) and its `center` cached on
    them, as `select_related("staff_profile__center")` builds them."""
    if profile.pk is None:
        user._state.fields_cache["staff_profile"] = None
        return user
    profile._state.fields_cache["center"] = center
    profile._state.fields_cache["user"] = user
    user._state.fields_cache["staff_profile"] = profile
    return user


def user_with_profile(user_id: Any) -> Any:
    """The user with key `user_id` with their staff profile (None when they have none) and its centre cached on
    it, as `select_related("staff_profile__center")` builds them; None when there is no such user. A statement
    written once per process: compiling the ORM's query cost more than running it, on every request."""
    try:
        key = get_user_model()._meta.pk.to_python(user_id)
    except ValidationError:
        return None
    sql, layout = _user_sql(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [key])
        row = cursor.fetchone()
    if row is None:
        return None
    return assembled_user(*joined_instances(layout, row))
