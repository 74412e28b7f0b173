"""Staff sessions (`org.sessions`): Django's database sessions, read with the user signed in by one statement
written out once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from org.auth import AuthenticationMiddleware
from org.models import StaffSession
from org.sessions import SessionStore
from org.tests.factories import make_center, make_staff

pytestmark = pytest.mark.django_db


# Django's own database engine on the same table, to compare with (named as the engines are: the name salts
# the session's signature).
DjangosEngine = type(
    "SessionStore", (DjangoStore,), {"get_model_class": classmethod(lambda cls: StaffSession)}
)


def test_sessions_are_kept_by_the_engine_written_out() -> None:
    assert settings.SESSION_ENGINE == "org.sessions"


def test_a_session_reads_what_djangos_engine_reads_in_one_query(django_assert_num_queries: Any) -> None:
    kept = SessionStore()
    kept["answer"] = 42
    kept.create()
    with django_assert_num_queries(1):
        loaded = SessionStore(kept.session_key).load()
    assert loaded == DjangosEngine(kept.session_key).load() == {"answer": 42}


def test_an_expired_or_unknown_session_is_empty_and_loses_its_key() -> None:
    kept = SessionStore()
    kept["answer"] = 42
    kept.create()
    StaffSession.objects.filter(session_key=kept.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    for key in (kept.session_key, "x" * 32):
        store = SessionStore(key)
        assert store.load() == {}
        assert store.session_key is None


def test_a_signed_in_staff_member_stays_signed_in_until_signing_out() -> None:
    staff = make_staff(make_center())
    client = Client()
    client.force_login(staff.user, backend="org.auth.StaffModelBackend")
    assert client.get(reverse("desk:workbench")).status_code == 200
    client.post(reverse("org:logout"))
    response = client.get(reverse("desk:workbench"))
    assert response.status_code == 302 and reverse("org:login") in response["Location"]


def _signed_in_request(client: Client) -> HttpRequest:
    """A request carrying `client`'s session cookie, through the session and authentication middleware."""
    request = RequestFactory().get("/staff/")
    request.COOKIES[settings.SESSION_COOKIE_NAME] = client.cookies[settings.SESSION_COOKIE_NAME].value
    SessionMiddleware(lambda r: HttpResponse()).process_request(request)
    AuthenticationMiddleware(lambda r: HttpResponse()).process_request(request)
    return request


def test_signing_in_keeps_the_users_key_with_the_session_and_one_statement_reads_both(
    django_assert_num_queries: Any,
) -> None:
    staff = make_staff(make_center())
    client = Client()
    client.force_login(staff.user, backend="org.auth.StaffModelBackend")
    assert StaffSession.objects.get(session_key=client.session.session_key).user_key == staff.user.pk
    request = _signed_in_request(client)
    with django_assert_num_queries(1):  # the session, its user, the staff profile and its centre
        assert request.user.is_authenticated and request.user.pk == staff.user.pk
        assert request.user.staff_profile.pk == staff.pk
        assert request.user.staff_profile.center.pk == staff.center_id


def test_the_session_signs_in_the_user_its_data_names_whatever_its_key_column_says(
    django_assert_num_queries: Any,
) -> None:
    """The key column only saves a statement: a session carried over from Django's table (no key) or whose key
    names someone else is read as Django reads it, from its data."""
    center = make_center()
    staff, other = make_staff(center), make_staff(center)
    client = Client()
    client.force_login(staff.user, backend="org.auth.StaffModelBackend")
    key = client.session.session_key
    for user_key in (None, other.user.pk):
        StaffSession.objects.filter(session_key=key).update(user_key=user_key)
        request = _signed_in_request(client)
        with django_assert_num_queries(2):  # the session, then the user it names
            assert request.user.pk == staff.user.pk
        assert request.session[SESSION_KEY] == str(staff.user.pk)


def test_a_user_read_with_the_session_is_checked_as_django_checks_it() -> None:
    """A password changed elsewhere signs the session out; a deactivated or removed user is nobody."""
    center = make_center()
    for change in ("password", "inactive", "removed"):
        staff = make_staff(center)
        client = Client()
        client.force_login(staff.user, backend="org.auth.StaffModelBackend")
        user = get_user_model().objects.get(pk=staff.user.pk)
        if change == "password":
            user.set_password("另一个密码-123456")
            user.save()
        elif change == "inactive":
            user.is_active = False
            user.save()
        else:
            staff.delete()
            user.delete()
        assert not _signed_in_request(client).user.is_authenticated, change


def test_the_users_grants_reached_centres_and_post_windows_come_with_the_session(
    django_assert_num_queries: Any,
) -> None:
    """The session's statement also reads what `org.access` asks of every staff page: the same grants, centres
    reached and windows of the user's posts as its own statement reads, with no query more."""
    from org import access
    from org.models import Role
    from org.tests import factories as f

    top = f.make_center(code="s-top")
    below = f.make_center(code="s-below", parent=top)
    window = f.make_window(below)
    staff, other = f.make_staff(below, window=window), f.make_staff(below, window=window)
    f.grant(staff.user, top, Role.SUPERVISION)
    f.grant(staff.user, below, Role.WINDOW_STAFF, window)
    f.make_post(window, a=staff, name="受理岗")
    f.make_post(f.make_window(below), a=other, backups=[staff], name="审核岗")
    client = Client()
    client.force_login(staff.user, backend="org.auth.StaffModelBackend")
    request = _signed_in_request(client)
    with django_assert_num_queries(1):
        user = request.user
        read_with_session = (
            sorted(access.grants_of(user), key=str),
            access.visible_center_ids(user),
            access.post_windows_of(user),
        )
    fresh = get_user_model().objects.get(pk=staff.user.pk)  # nothing kept: its own statement
    assert read_with_session == (
        sorted(access.grants_of(fresh), key=str),
        access.visible_center_ids(fresh),
        access.post_windows_of(fresh),
    )
    assert read_with_session[1] == {top.pk, below.pk} and len(read_with_session[2]) == 2
