"""The organisation over HTTP: scoped by centre (R-ORG-1), A/B holders (R-ORG-6/7), office writes."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from common.models import HistoryEntry
from org.models import Absence, Authorization, Department

from .helpers import token_client


def at(*args):
    """A moment in the centre's time zone."""
    return datetime(*args, tzinfo=ZoneInfo("Asia/Shanghai"))


def url(name, hall, **kw):
    return reverse(f"api:{name}", kwargs={"center": hall.center.code, **kw})


def test_centres_are_public(hall):
    response = APIClient().get(reverse("api:center_list"))

    assert response.status_code == 200
    codes = [c["code"] for c in response.json()["results"]]
    assert codes == ["demo-county", "other-county"]
    detail = APIClient().get(reverse("api:center_detail", kwargs={"center": "demo-county"})).json()
    assert detail["name"] == "示范县政务服务中心"
    assert APIClient().get(reverse("api:center_detail", kwargs={"center": "nowhere"})).status_code == 404


def test_staff_list_shows_no_phones_to_window_staff(hall):
    hall.clerk.work_phone = "0571-1234567"
    hall.clerk.save()

    rows = token_client(hall.other_clerk).get(url("staff_list", hall)).json()["results"]

    clerk = next(r for r in rows if r["id"] == hall.clerk.pk)
    assert clerk["name"] == "王受理"
    assert clerk["window"] == "A01"
    assert clerk["department"] == "ftb"
    assert clerk["work_phone"] is None
    assert all(r["work_phone"] is None for r in rows)


def test_staff_list_shows_phones_to_the_office(hall):
    hall.clerk.work_phone = "0571-1234567"
    hall.clerk.save()

    rows = token_client(hall.office).get(url("staff_list", hall)).json()["results"]

    assert next(r for r in rows if r["id"] == hall.clerk.pk)["work_phone"] == "0571-1234567"


def test_r_org_1_api_another_centres_user_sees_nothing_of_this_centre(hall):
    outsider = token_client(hall.outsider)

    for name in ("staff_list", "department_list", "window_list", "post_list", "authorization_list"):
        response = outsider.get(url(name, hall))
        assert response.status_code == 404, name
        assert response.json() == {"error": {"code": "not_found", "message": "未找到。"}}
    own = outsider.get(reverse("api:staff_list", kwargs={"center": "other-county"})).json()["results"]
    assert [r["name"] for r in own] == ["外中心人员"]


def test_r_org_4_api_and_page_refuse_the_authorisations_to_a_clerk_alike(hall, client):
    api = token_client(hall.clerk).get(url("authorization_list", hall))
    client.force_login(hall.clerk.user)
    page = client.get(reverse("org:authorization_list"))

    assert (api.status_code, api.json()["error"]["code"]) == (403, "permission_denied")
    assert page.status_code == 403
    for allowed in (hall.chief, hall.supervision, hall.director):
        assert token_client(allowed).get(url("authorization_list", hall)).status_code == 200


def test_r_org_7_api_posts_show_b_acting_while_a_is_away(hall):
    supervision = token_client(hall.supervision)
    rows = supervision.get(url("post_list", hall)).json()
    row = next(r for r in rows if r["id"] == hall.post.pk)
    assert row["holder_a"]["name"] == "王受理"
    assert [b["name"] for b in row["backups"]] == ["李备岗"]
    assert row["current_holder"]["name"] == "王受理"
    assert (row["acting_as"], row["gap"]) == ("A", False)

    now = timezone.now()
    response = supervision.post(
        url("absence_create", hall, staff_id=hall.clerk.pk),
        {
            "kind": "leave",
            "starts_at": (now - timedelta(hours=1)).isoformat(),
            "ends_at": (now + timedelta(hours=8)).isoformat(),
            "reason": "病假",
        },
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["kind"] == "leave"

    row = next(r for r in supervision.get(url("post_list", hall)).json() if r["id"] == hall.post.pk)
    assert row["current_holder"]["name"] == "李备岗"
    assert row["acting_as"] == "B"


def test_r_org_7_api_return_ends_a_running_absence_and_cancel_only_a_future_one(hall):
    supervision = token_client(hall.supervision)
    running = Absence.objects.create(
        center=hall.center,
        staff=hall.clerk,
        kind="leave",
        starts_at=at(2026, 3, 2, 8),
        ends_at=at(2026, 3, 6, 17),
    )
    future = Absence.objects.create(
        center=hall.center,
        staff=hall.clerk,
        kind="outing",
        starts_at=at(2026, 4, 1, 8),
        ends_at=at(2026, 4, 1, 17),
    )
    with time_machine.travel(at(2026, 3, 3, 14, 30), tick=False):
        refused = supervision.post(
            url("absence_cancel", hall, absence_id=running.pk), {"reason": "销假"}, format="json"
        )
        assert refused.status_code == 422
        assert refused.json()["error"]["rule"] == "R-ORG-7"
        assert refused.json()["error"]["message"] == (
            "该离岗已经开始，不能撤销（撤销会抹去其离岗期间的记录）；请登记返岗（销假）。"
        )
        refused = supervision.post(
            url("absence_end", hall, absence_id=future.pk), {"reason": "不再外出"}, format="json"
        )
        assert refused.status_code == 422
        assert (
            refused.json()["error"]["message"] == "该离岗尚未开始，不能登记返岗；如不再离岗，请撤销该记录。"
        )
        assert (
            token_client(hall.other_clerk)
            .post(url("absence_end", hall, absence_id=running.pk), {"reason": "提前销假"}, format="json")
            .status_code
            == 403
        )

        response = supervision.post(
            url("absence_end", hall, absence_id=running.pk), {"reason": "提前销假"}, format="json"
        )
        assert response.status_code == 200
        assert response.json() == {
            "id": running.pk,
            "staff": hall.clerk.pk,
            "kind": "leave",
            "starts_at": "2026-03-02T08:00:00+08:00",
            "ends_at": "2026-03-03T14:30:00+08:00",
            "reason": "",
            "cancelled_at": None,
            "planned_ends_at": "2026-03-06T17:00:00+08:00",
        }
        response = supervision.post(
            url("absence_cancel", hall, absence_id=future.pk), {"reason": "不再外出"}, format="json"
        )
        assert response.status_code == 200
        assert response.json()["cancelled_at"] == "2026-03-03T14:30:00+08:00"
    outsider = token_client(hall.outsider)
    response = outsider.post(url("absence_end", hall, absence_id=running.pk), {"reason": "x"}, format="json")
    assert response.status_code == 404


def test_absence_needs_a_recording_role_and_a_sane_period(hall):
    now = timezone.now()
    body = {"kind": "leave", "starts_at": now.isoformat(), "ends_at": (now + timedelta(hours=1)).isoformat()}

    assert (
        token_client(hall.other_clerk)
        .post(url("absence_create", hall, staff_id=hall.clerk.pk), body, format="json")
        .status_code
        == 403
    )
    backwards = {**body, "ends_at": (now - timedelta(hours=1)).isoformat()}
    response = token_client(hall.office).post(
        url("absence_create", hall, staff_id=hall.clerk.pk), backwards, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "ends_at"
    assert (
        token_client(hall.office)
        .post(url("absence_create", hall, staff_id=hall.outsider.pk), body, format="json")
        .status_code
        == 404
    )


def test_office_creates_and_updates_a_department(hall):
    office = token_client(hall.office)

    response = office.post(
        url("department_list", hall), {"code": "psb", "name": "公安局", "short_name": "公安"}, format="json"
    )
    assert response.status_code == 201
    assert response.json() == {
        "code": "psb",
        "name": "公安局",
        "short_name": "公安",
        "legal_representative": "",
        "phone": "",
        "is_active": True,
    }
    response = office.patch(url("department_detail", hall, code="psb"), {"phone": "0571-110"}, format="json")
    assert response.status_code == 200
    assert Department.objects.get(center=hall.center, code="psb").phone == "0571-110"


def test_department_refusals(hall):
    before = Department.objects.count()
    office = token_client(hall.office)

    duplicate = office.post(url("department_list", hall), {"code": "ftb", "name": "另一个局"}, format="json")
    assert duplicate.status_code == 422
    assert duplicate.json()["error"]["rule"] == "R-ORG-3"
    assert duplicate.json()["error"]["field"] == "code"
    assert (
        token_client(hall.clerk)
        .post(url("department_list", hall), {"code": "x1", "name": "某局"}, format="json")
        .status_code
        == 403
    )
    bad = office.post(url("department_list", hall), {"code": "has space", "name": "某局"}, format="json")
    assert bad.status_code == 400
    assert bad.json()["error"]["field"] == "code"
    assert Department.objects.count() == before


def test_r_org_4_api_office_grants_and_revokes_an_authorisation(hall):
    office = token_client(hall.office)
    today = timezone.localdate()
    body = {
        "department": "ftb",
        "representative": hall.chief.pk,
        "document_number": "外经贸授〔2026〕1号",
        "signed_by": "张局长",
        "scopes": ["decide_general", "seal"],
        "valid_from": today.isoformat(),
        "valid_until": (today + timedelta(days=365)).isoformat(),
    }

    response = office.post(url("authorization_list", hall), body, format="json")
    assert response.status_code == 201
    granted = response.json()
    assert granted["representative"]["name"] == "赵首席"
    assert granted["scopes"] == ["decide_general", "seal"]
    assert granted["revoked_at"] is None

    listed = token_client(hall.chief).get(url("authorization_list", hall)).json()["results"]
    assert [a["id"] for a in listed] == [granted["id"]]

    response = office.post(
        url("authorization_revoke", hall, authorization_id=granted["id"]),
        {"reason": "人事调整"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["revoke_reason"] == "人事调整"
    again = office.post(
        url("authorization_revoke", hall, authorization_id=granted["id"]),
        {"reason": "再次撤销"},
        format="json",
    )
    assert again.status_code == 422
    assert again.json()["error"]["rule"] == "R-ORG-4"


def test_authorisation_body_names_unknown_references(hall):
    today = timezone.localdate().isoformat()
    body = {
        "department": "nope",
        "representative": hall.chief.pk,
        "document_number": "1号",
        "signed_by": "张",
        "scopes": ["seal"],
        "valid_from": today,
        "valid_until": today,
    }
    office = token_client(hall.office)
    before = HistoryEntry.objects.count()

    response = office.post(url("authorization_list", hall), body, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "department"
    response = office.post(
        url("authorization_list", hall),
        {**body, "department": "ftb", "representative": hall.outsider.pk},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "representative"
    response = office.post(
        url("authorization_list", hall), {**body, "department": "ftb", "scopes": ["all"]}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "scopes"
    assert not Authorization.objects.exists()
    assert HistoryEntry.objects.count() == before
