"""Lists page with ?limit=&offset=, bounded so that no value reaches the database as an overflow."""

from __future__ import annotations

from rest_framework.test import APIClient


def test_huge_limit_and_offset_are_answered_not_crashed(hall):
    client = APIClient()

    response = client.get("/api/v1/centers", {"limit": "99999999999999999999"})
    assert response.status_code == 200
    assert [c["code"] for c in response.json()["results"]] == ["demo-county", "other-county"]
    response = client.get("/api/v1/centers", {"limit": "1", "offset": "99999999999999999999"})
    assert response.status_code == 200
    assert response.json()["results"] == []
    response = client.get("/api/v1/centers", {"limit": "1", "offset": "1"})
    assert [c["code"] for c in response.json()["results"]] == ["other-county"]
    assert response.json()["count"] == 2
