"""Signing in loads the user with their staff profile and its centre (`org.auth.StaffModelBackend`)."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings

from org.auth import StaffModelBackend
from org.tests.factories import make_center, make_staff, make_user

pytestmark = pytest.mark.django_db


def test_the_session_user_comes_with_staff_profile_and_centre_in_one_query(
    django_assert_num_queries: Any,
) -> None:
    staff = make_staff(make_center(name="一站式中心"))
    assert "org.auth.StaffModelBackend" in settings.AUTHENTICATION_BACKENDS
    with django_assert_num_queries(1):
        user = StaffModelBackend().get_user(staff.user_id)
        assert user is not None and user.staff_profile.center.name == "一站式中心"


def test_a_user_without_a_staff_profile_and_an_inactive_user() -> None:
    plain = make_user()
    user = StaffModelBackend().get_user(plain.pk)
    assert user is not None and getattr(user, "staff_profile", None) is None
    plain.is_active = False
    plain.save(update_fields=["is_active"])
    assert StaffModelBackend().get_user(plain.pk) is None
    assert StaffModelBackend().get_user(10**9) is None


def _fields(obj: Any) -> dict[str, Any]:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_the_session_user_is_built_as_the_orm_builds_it(django_assert_num_queries: Any) -> None:
    from django.contrib.auth import get_user_model

    staff = make_staff(make_center(name="一站式中心"))
    orm = get_user_model().objects.select_related("staff_profile__center").get(pk=staff.user_id)
    with django_assert_num_queries(1):
        user = StaffModelBackend().get_user(str(staff.user_id))  # the session keeps the key as text
        profile = user.staff_profile
        assert profile.user is user and profile.center.pk == staff.center_id
    assert _fields(user) == _fields(orm)
    assert _fields(profile) == _fields(orm.staff_profile)
    assert _fields(profile.center) == _fields(orm.staff_profile.center)
    assert not user._state.adding and user._state.db == orm._state.db


def test_a_user_without_a_profile_reads_as_none_without_a_query(django_assert_num_queries: Any) -> None:
    plain = make_user()
    user = StaffModelBackend().get_user(plain.pk)
    with django_assert_num_queries(0):
        assert not hasattr(user, "staff_profile")  # cached as absent, as select_related caches it
    assert StaffModelBackend().get_user("not a key") is None
