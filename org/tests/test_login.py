"""Signing in and out: strong hashing, lockout after five failures (django-axes), logout by POST."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.urls import reverse

import config.settings.base as base_settings
from org.tests.factories import PASSWORD


@pytest.fixture(autouse=True)
def clean_axes(db):
    axes_reset()
    yield
    axes_reset()


def _login(client, username, password):
    return client.post(reverse("org:login"), {"username": username, "password": password})


def test_passwords_are_hashed_with_pbkdf2():
    assert base_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.PBKDF2PasswordHasher"
    validators = [v["NAME"].rsplit(".", 1)[1] for v in base_settings.AUTH_PASSWORD_VALIDATORS]
    assert "MinimumLengthValidator" in validators and "CommonPasswordValidator" in validators


def test_login_page_is_chinese(client):
    response = client.get(reverse("org:login"))
    assert response.status_code == 200
    assert "工作人员登录" in response.content.decode()


def test_login_succeeds_and_lands_on_the_workbench(hall, client):
    response = _login(client, hall.clerk.user.username, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("desk:home")
    assert client.session["_auth_user_id"] == str(hall.clerk.user.pk)
    home = client.get(reverse("desk:home"))
    assert home.status_code == 200
    assert "示范县政务服务中心" in home.content.decode()


def test_wrong_password_is_refused(hall, client):
    response = _login(client, hall.clerk.user.username, "wrong-password")
    assert response.status_code == 200
    assert "登录名或密码不正确" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_five_failures_lock_the_account_out(hall, client):
    username = hall.clerk.user.username
    for _ in range(4):
        assert _login(client, username, "wrong-password").status_code == 200
    locked = _login(client, username, "wrong-password")
    assert locked.status_code == 429
    assert "账号已暂时锁定" in locked.content.decode()
    assert "连续 5 次登录失败" in locked.content.decode()
    # Even the right password is refused while locked out.
    response = _login(client, username, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # The attempt made while locked out counts as a failure too.
    assert AccessAttempt.objects.get(username=username).failures_since_start == 6
    # Another account from the same address is not locked (username + address are locked together).
    assert _login(client, hall.backup.user.username, PASSWORD).status_code == 302


def test_success_resets_the_failure_count(hall, client):
    username = hall.clerk.user.username
    for _ in range(4):
        _login(client, username, "wrong-password")
    assert _login(client, username, PASSWORD).status_code == 302
    client.post(reverse("org:logout"))
    for _ in range(4):
        assert _login(client, username, "wrong-password").status_code == 200


def test_logout_by_post(hall, login):
    client = login(hall.clerk)
    assert client.get(reverse("org:logout")).status_code == 405
    response = client.post(reverse("org:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    assert "_auth_user_id" not in client.session
    response = client.get(reverse("desk:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("org:login"))
