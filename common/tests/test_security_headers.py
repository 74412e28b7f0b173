"""Headers every answer carries: no browser feature a page does not use, no caching of what a signed-in user
or an API token was shown, and a CSRF failure answered by the site's own page."""

from __future__ import annotations

from typing import Any

from django.test import Client
from rest_framework.test import APIClient

from api.tests.helpers import token_client
from common.middleware import PERMISSIONS_POLICY


def test_every_answer_forbids_the_browser_features_no_page_uses(db: Any, client: Client) -> None:
    for path in ("/", "/healthz", "/staff/login/", "/api/v1/centers"):
        assert client.get(path)["Permissions-Policy"] == PERMISSIONS_POLICY, path


def test_nothing_shown_to_a_signed_in_user_or_a_token_is_cached(hall: Any, client: Client) -> None:
    public = client.get("/healthz")
    client.force_login(hall.clerk.user)
    staff_page = client.get("/staff/")
    api = token_client(hall.clerk).get(f"/api/v1/centers/{hall.center.code}/staff")

    assert "no-store" not in public.get("Cache-Control", "")
    for response in (staff_page, api):
        assert response.status_code == 200
        assert {"no-store", "private"} <= {part.strip() for part in response["Cache-Control"].split(",")}


def test_a_csrf_failure_is_the_sites_page_in_chinese_and_the_envelope_under_the_api(hall: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(hall.clerk.user)

    page = client.post("/staff/logout/")
    api = APIClient(enforce_csrf_checks=True)
    api.force_login(hall.clerk.user)
    refused = api.post(f"/api/v1/centers/{hall.center.code}/absences/1/end", {}, format="json")

    assert page.status_code == 403
    html = page.content.decode()
    assert "页面已过期" in html and "DEBUG" not in html and "CSRF" not in html
    assert refused.status_code == 403 and refused.json()["error"]["code"] in (
        "permission_denied",
        "csrf_failed",
    )


def test_every_page_carries_a_content_security_policy_that_allows_only_this_sites_scripts(
    hall: Any, client: Client
) -> None:
    client.force_login(hall.clerk.user)
    for path in ("/", "/staff/", "/staff/login/"):
        policy = client.get(path)["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
        assert directives["script-src"] == "'self'", path
        assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"


def test_no_template_has_an_inline_script_or_an_event_handler_attribute() -> None:
    """What the policy forbids must not be in a page: it would silently stop working in the browser."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    templates = [
        path
        for path in root.rglob("*.html")
        if not {".venv", "var", "node_modules"} & set(path.relative_to(root).parts)
    ]
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")
    handler = re.compile(r"\son[a-z]+=\"", re.IGNORECASE)
    offenders = [
        str(path.relative_to(root))
        for path in templates
        if inline_script.search(path.read_text()) or handler.search(path.read_text())
    ]
    assert templates and offenders == []
