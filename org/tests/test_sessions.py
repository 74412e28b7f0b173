"""Staff sessions (`org.sessions`): Django's database sessions, read by a statement written out once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from org.sessions import SessionStore
from org.tests.factories import make_center, make_staff

pytestmark = pytest.mark.django_db


def test_sessions_are_kept_by_the_engine_written_out() -> None:
    assert settings.SESSION_ENGINE == "org.sessions"


def test_a_session_reads_what_djangos_engine_reads_in_one_query(django_assert_num_queries: Any) -> None:
    kept = SessionStore()
    kept["answer"] = 42
    kept.create()
    with django_assert_num_queries(1):
        loaded = SessionStore(kept.session_key).load()
    assert loaded == DjangoStore(kept.session_key).load() == {"answer": 42}


def test_an_expired_or_unknown_session_is_empty_and_loses_its_key() -> None:
    kept = SessionStore()
    kept["answer"] = 42
    kept.create()
    Session.objects.filter(session_key=kept.session_key).update(
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
