"""Token and session authentication, under the login page's lockout (django-axes)."""

from __future__ import annotations

from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from org.tests.factories import PASSWORD

TOKEN = reverse("api:token")


def staff_url(hall):
    return reverse("api:staff_list", kwargs={"center": hall.center.code})


def test_token_for_username_and_password_opens_the_staff_endpoints(hall):
    client = APIClient()
    response = client.post(TOKEN, {"username": hall.clerk.user.username, "password": PASSWORD}, format="json")

    assert response.status_code == 200
    token = response.json()["token"]
    assert response.json() == {"token": token, "username": hall.clerk.user.username}
    assert Token.objects.get(user=hall.clerk.user).key == token
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get(staff_url(hall)).status_code == 200


def test_session_authentication_works_too(hall, login):
    assert login(hall.clerk).get(staff_url(hall)).status_code == 200


def test_wrong_password_gives_no_token(hall):
    response = APIClient().post(
        TOKEN, {"username": hall.clerk.user.username, "password": "wrong-password-1"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "error": {"code": "invalid_credentials", "message": "用户名或密码不正确。", "field": "password"}
    }
    assert not Token.objects.filter(user=hall.clerk.user).exists()


def test_missing_password_names_the_field(hall):
    response = APIClient().post(TOKEN, {"username": hall.clerk.user.username}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["field"] == "password"


def test_repeated_failures_lock_the_account_even_with_the_right_password(hall):
    client = APIClient()
    username = hall.clerk.user.username
    answers = [
        client.post(TOKEN, {"username": username, "password": f"wrong-{n}-xxxxx"}, format="json").status_code
        for n in range(5)
    ]
    response = client.post(TOKEN, {"username": username, "password": PASSWORD}, format="json")

    assert answers == [400, 400, 400, 400, 429]
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "locked_out"
    assert not Token.objects.filter(user=hall.clerk.user).exists()


def test_anonymous_cannot_read_staff_records_or_write(hall):
    client = APIClient()

    response = client.get(staff_url(hall))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert (
        client.post(
            reverse("api:department_list", kwargs={"center": hall.center.code}),
            {"code": "x", "name": "x"},
            format="json",
        ).status_code
        == 401
    )
    assert (
        client.post(
            reverse("api:item_list", kwargs={"center": hall.center.code}), {}, format="json"
        ).status_code
        == 401
    )


def test_bad_token_is_refused(hall):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    assert client.get(staff_url(hall)).status_code == 401


def test_deleting_the_token_signs_out(hall):
    client = APIClient()
    token = client.post(
        TOKEN, {"username": hall.clerk.user.username, "password": PASSWORD}, format="json"
    ).json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    assert client.delete(TOKEN).status_code == 204
    assert client.get(staff_url(hall)).status_code == 401
