"""A counter PC left signed in: the session ends after the centre's idle time (R-ORG-1: nobody sees cases
through a colleague's session), and a form sent after it ended leads, once signed in again, back to the page
it was sent from — not to a blank 405 at the action's address."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

import time_machine
from django.test import Client
from django.utils import timezone

from catalog.tests.factories import set_policy

START = timezone.make_aware(datetime(2026, 10, 12, 9, 0))


def _signed_in(client: Client, staff: Any) -> Client:
    with time_machine.travel(START, tick=False):
        client.force_login(staff.user)
        assert client.get("/staff/").status_code == 200
    return client


def test_r_org_1_a_session_idle_past_the_centres_time_is_signed_out(hall: Any, client: Client) -> None:
    _signed_in(client, hall.clerk)

    with time_machine.travel(START + timedelta(minutes=29), tick=False):
        assert client.get("/staff/").status_code == 200  # in use: the idle time starts again here
    with time_machine.travel(START + timedelta(minutes=29 + 31), tick=False):
        expired = client.get("/staff/cases/?state=accepted")
        after = client.get("/staff/")

    assert expired.status_code == 302
    assert expired["Location"] == "/staff/login/?next=" + quote("/staff/cases/?state=accepted", safe="/")
    assert after.status_code == 302 and after["Location"].startswith("/staff/login/")


def test_r_org_1_the_idle_time_is_the_centres_policy(hall: Any, client: Client) -> None:
    set_policy(hall.center, "staff_idle_minutes", 5)
    _signed_in(client, hall.clerk)

    with time_machine.travel(START + timedelta(minutes=4), tick=False):
        assert client.get("/staff/").status_code == 200
    with time_machine.travel(START + timedelta(minutes=4 + 6), tick=False):
        assert client.get("/staff/").status_code == 302


def test_r_org_1_a_form_sent_after_expiry_returns_to_its_page_after_signing_in(
    hall: Any, client: Client
) -> None:
    hall.clerk.user.set_password("counter-pass-1")
    hall.clerk.user.save()
    _signed_in(client, hall.clerk)
    page = "/staff/cases/case/7/"

    with time_machine.travel(START + timedelta(hours=2), tick=False):
        sent = client.post(page + "accept/", {"revision": "3"}, HTTP_REFERER="http://testserver" + page)
        htmx = client.post(
            page + "accept/", {}, HTTP_REFERER="http://testserver" + page, HTTP_HX_REQUEST="true"
        )
        login = client.post(
            "/staff/login/",
            {"username": hall.clerk.user.username, "password": "counter-pass-1", "next": page},
        )

    assert sent.status_code == 302 and sent["Location"] == "/staff/login/?next=" + quote(page, safe="/")
    assert htmx.status_code == 200 and htmx["HX-Redirect"] == sent["Location"]
    assert login.status_code == 302 and login["Location"] == page


def test_a_form_from_another_site_does_not_choose_the_way_back(db: Any, client: Client) -> None:
    sent = client.post("/staff/cases/case/7/accept/", {}, HTTP_REFERER="https://elsewhere.example/x/")

    assert sent.status_code == 302 and sent["Location"] == "/staff/login/?next=/staff/"
