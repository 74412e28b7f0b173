"""Password spraying (org/auth.py): one wrong password for each of many usernames from one address is stopped
after LOGIN_FAILURES_PER_ADDRESS failures, with a clear message, while the same account signs in from another
address; django-axes still locks a username at an address after five failures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from axes.utils import reset as axes_reset
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from org.tests.factories import PASSWORD

SPRAYER = "203.0.113.7"
REFUSED = "此地址登录失败次数过多，已暂停登录，请15分钟后再试。"
WRONG = "登录名或密码不正确"


@pytest.fixture(autouse=True)
def clean_axes(db: Any) -> Any:
    axes_reset()
    yield
    axes_reset()


def _login(client: Any, username: str, password: str, address: str = SPRAYER, **extra: Any) -> Any:
    return client.post(
        reverse("org:login"), {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )


def _spray(client: Any, count: int, address: str = SPRAYER, **extra: Any) -> list[int]:
    return [
        _login(client, f"staff{n:03d}", "Spring2026!", address, **extra).status_code for n in range(count)
    ]


def test_one_wrong_password_for_each_of_many_users_is_stopped(hall: Any, client: Any) -> None:
    limit = settings.LOGIN_FAILURES_PER_ADDRESS
    assert _spray(client, limit) == [200] * limit

    # The next sign-in from that address is refused — the right password too, so the refusal tells nothing.
    refused = _login(client, hall.clerk.user.username, PASSWORD)
    assert refused.status_code == 429
    page = refused.content.decode()
    assert REFUSED in page
    assert WRONG not in page
    assert "_auth_user_id" not in client.session

    # The same account from another address signs in as usual.
    elsewhere = _login(client, hall.clerk.user.username, PASSWORD, address="198.51.100.4")
    assert elsewhere.status_code == 302
    assert client.session["_auth_user_id"] == str(hall.clerk.user.pk)


def test_the_refusal_ends_with_the_window_and_refused_attempts_do_not_extend_it(
    hall: Any, client: Any
) -> None:
    start = datetime(2026, 10, 8, 1, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as clock:
        _spray(client, settings.LOGIN_FAILURES_PER_ADDRESS)
        clock.shift(timedelta(minutes=14))
        assert _login(client, hall.clerk.user.username, PASSWORD).status_code == 429
        clock.shift(timedelta(minutes=1, seconds=1))
        assert _login(client, hall.clerk.user.username, PASSWORD).status_code == 302


def test_a_success_does_not_count(hall: Any, client: Any) -> None:
    limit = settings.LOGIN_FAILURES_PER_ADDRESS
    for _ in range(3):
        assert _login(client, hall.clerk.user.username, PASSWORD).status_code == 302
        client.post(reverse("org:logout"))
    assert _spray(client, limit) == [200] * limit  # every failure allowed: the successes used nothing up
    assert _login(client, "staff999", "Spring2026!").status_code == 429


def test_axes_still_locks_one_username_at_one_address_after_five_failures(hall: Any, client: Any) -> None:
    username = hall.clerk.user.username
    assert [_login(client, username, "wrong-password").status_code for _ in range(5)] == [200] * 4 + [429]
    assert "账号已暂时锁定" in _login(client, username, PASSWORD).content.decode()
    assert _login(client, hall.backup.user.username, PASSWORD).status_code == 302


@override_settings(TRUSTED_PROXIES=["127.0.0.1"])
def test_behind_the_proxy_each_client_is_counted_and_a_spoofed_address_is_not_believed(
    hall: Any, client: Any
) -> None:
    limit = settings.LOGIN_FAILURES_PER_ADDRESS
    # The sprayer writes a new X-Forwarded-For on every try; the proxy appends the address it really saw.
    statuses = [
        _login(
            client, f"staff{n:03d}", "Spring2026!", "127.0.0.1", HTTP_X_FORWARDED_FOR=f"10.9.{n}.1, {SPRAYER}"
        ).status_code
        for n in range(limit + 1)
    ]
    assert statuses == [200] * limit + [429]
    # Another client behind the same proxy signs in.
    assert (
        _login(
            client, hall.clerk.user.username, PASSWORD, "127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.4"
        ).status_code
        == 302
    )


def test_the_token_endpoint_refuses_a_spraying_address_in_json(hall: Any, client: Any) -> None:
    _spray(client, settings.LOGIN_FAILURES_PER_ADDRESS)
    response = APIClient().post(
        reverse("api:token"),
        {"username": hall.clerk.user.username, "password": PASSWORD},
        format="json",
        REMOTE_ADDR=SPRAYER,
    )
    assert response.status_code == 429
    assert response.json() == {"error": {"code": "throttled", "message": REFUSED}}
