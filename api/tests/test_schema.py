"""The published description of the API: the OpenAPI document and its server-rendered page."""

from __future__ import annotations

import json
import re

from django.urls import reverse


def test_openapi_json_is_valid_json_with_the_calendar_path(client):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    assert "json" in response["Content-Type"]
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert reverse("api:schema") == "/api/v1/openapi.json"
    add = schema["paths"]["/api/v1/calendar/add-working-days"]["get"]
    params = {p["name"]: p for p in add["parameters"]}
    assert params["start"]["schema"] == {"type": "string", "format": "date"}
    assert params["days"]["schema"]["type"] == "integer"
    assert params["days"]["schema"]["maximum"] == 10_000
    assert params["start"]["required"] is True and not params["center"].get("required", False)
    assert "/api/v1/centers/{center}/items/{code}" in schema["paths"]
    assert "/api/v1/auth/token" in schema["paths"]


def test_every_operation_has_a_summary_and_documents_its_errors(client):
    schema = json.loads(client.get("/api/v1/openapi.json").content)

    for path, item in schema["paths"].items():
        for method, operation in item.items():
            assert operation.get("summary"), (method, path)
            codes = set(operation["responses"])
            assert codes & {"200", "201", "204"}, (method, path)
            if method != "get" and path != "/api/v1/auth/token":
                assert "403" in codes and "401" in codes, (method, path)


def test_docs_page_renders_the_schema_without_third_party_scripts(client):
    response = client.get(reverse("api:docs"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "/api/v1/calendar/add-working-days" in html
    assert "计算期限：受理日之后第 N 个工作日" in html
    assert "/api/v1/openapi.json" in html
    # What the page loads and links to is this site's own: no address names another host or a CDN (the page's
    # random tokens may spell anything, so only the addresses are read).
    addresses = re.findall(r"""(?:src|href)\s*=\s*["']([^"']*)""", html)
    assert addresses
    for address in addresses:
        assert not address.startswith(("http:", "https:", "//")), address
        assert not any(name in address.lower() for name in ("cdn", "unpkg", "jsdelivr")), address
    # Nor does any script on it name one (a host is written after "//" or beside a dot; a token has neither).
    assert not re.search(r"(//|\.)(cdn|unpkg|jsdelivr)|(cdn|unpkg|jsdelivr)\.", html.lower())
