"""Chief representative authorisations (R-ORG-4) and the decision on the spot (R-ORG-5)."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from catalog.tests.factories import make_published_item
from common.errors import RuleViolation
from common.history import history_of
from org import selectors, services
from org.models import Authorization, AuthorizationScope

from .helpers import at, make_authorization

GENERAL = AuthorizationScope.DECIDE_GENERAL
IN_2026 = at(2026, 6, 15, 10)


def _grant(hall, **kw):
    values = {
        "actor": hall.office.user,
        "department": hall.department,
        "representative": hall.chief,
        "document_number": "外经贸授〔2026〕1号",
        "signed_by": "钱局长",
        "scopes": [GENERAL, AuthorizationScope.SEAL],
        "valid_from": date(2026, 1, 1),
        "valid_until": date(2026, 12, 31),
    }
    values.update(kw)
    return services.authorization_grant(**values)


# --- R-ORG-4 ---------------------------------------------------------------------------------------------


def test_r_org_4_authorisation_in_force_within_its_period_and_scope(hall):
    authorization = _grant(hall)
    assert authorization.scopes == [GENERAL, AuthorizationScope.SEAL]
    assert (
        services.authorization_in_force(representative=hall.chief, scope=GENERAL, moment=IN_2026)
        == authorization
    )
    # Valid from the first to the last day inclusive, in the centre's time zone.
    assert (
        services.authorization_in_force(representative=hall.chief, scope=GENERAL, moment=at(2026, 1, 1, 0, 0))
        == authorization
    )
    assert (
        services.authorization_in_force(
            representative=hall.chief, scope=GENERAL, moment=at(2026, 12, 31, 23, 59)
        )
        == authorization
    )
    # A scope it does not give decides nothing.
    assert (
        services.authorization_in_force(
            representative=hall.chief, scope=AuthorizationScope.COORDINATE, moment=IN_2026
        )
        is None
    )
    entry = history_of(authorization).get()
    assert (entry.action, entry.rule, entry.actor) == ("grant", "R-ORG-4", hall.office.user)


def test_r_org_4_expired_authorisation_decides_nothing(hall):
    _grant(hall)
    assert (
        services.authorization_in_force(representative=hall.chief, scope=GENERAL, moment=at(2027, 1, 1, 0, 0))
        is None
    )
    assert (
        services.authorization_in_force(
            representative=hall.chief, scope=GENERAL, moment=at(2025, 12, 31, 23, 59)
        )
        is None
    )


def test_r_org_4_revoked_authorisation_decides_nothing_from_its_revocation(hall):
    authorization = _grant(hall)
    with time_machine.travel(at(2026, 6, 1, 9), tick=False):
        services.authorization_revoke(actor=hall.office.user, authorization=authorization, reason="调离岗位")
    authorization.refresh_from_db()
    assert authorization.revoked_at == at(2026, 6, 1, 9)
    assert authorization.revoke_reason == "调离岗位"
    assert services.authorization_in_force(representative=hall.chief, scope=GENERAL, moment=IN_2026) is None
    # A decision taken before the revocation was taken under an authorisation then in force.
    assert (
        services.authorization_in_force(representative=hall.chief, scope=GENERAL, moment=at(2026, 5, 31, 16))
        == authorization
    )
    assert selectors.authorization_state(authorization, IN_2026) == "revoked"
    with pytest.raises(RuleViolation) as refused:
        services.authorization_revoke(actor=hall.office.user, authorization=authorization, reason="再次撤销")
    assert (refused.value.rule, refused.value.message) == ("R-ORG-4", "该授权已撤销。")


def test_r_org_4_replacement_revokes_the_old_one_and_keeps_history(hall):
    old = _grant(hall)
    successor = services.staff_create(
        actor=hall.office.user,
        center=hall.center,
        name="韩新首席",
        badge_number="0901",
        department=hall.department,
    )
    with time_machine.travel(at(2026, 7, 1, 9), tick=False):
        new = _grant(
            hall,
            representative=successor,
            document_number="外经贸授〔2026〕7号",
            valid_from=date(2026, 7, 1),
            valid_until=date(2027, 6, 30),
            replaces=old,
        )
    old.refresh_from_db()
    assert (old.revoked_at, old.revoke_reason) == (at(2026, 7, 1, 9), "另行委派")
    assert new.replaces == old
    assert selectors.authorization_chain(new) == [old, new]
    assert selectors.authorization_chain(old) == [old, new]
    assert [(e.action, e.reason) for e in history_of(old).order_by("id")] == [
        ("grant", ""),
        ("revoke", "另行委派"),
    ]
    assert history_of(new).get().changes["replaces"] == str(old)
    # Before the replacement the old representative decided; after it, the new one.
    assert services.authorization_in_force(representative=hall.chief, scope=GENERAL, moment=IN_2026) == old
    assert (
        services.authorization_in_force(representative=hall.chief, scope=GENERAL, moment=at(2026, 7, 2, 9))
        is None
    )
    assert (
        services.authorization_in_force(representative=successor, scope=GENERAL, moment=at(2026, 7, 2, 9))
        == new
    )
    # One authorisation is replaced once.
    with pytest.raises(RuleViolation) as refused:
        _grant(hall, document_number="外经贸授〔2026〕8号", replaces=old)
    assert refused.value.message == "该授权已由另一份授权接替。"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"scopes": []}, "scopes", "请至少选择一项授权范围。"),
        ({"scopes": ["everything"]}, "scopes", "授权范围“everything”无效。"),
        ({"valid_until": date(2025, 12, 31)}, "valid_until", "截止日期不能早于生效日期。"),
        ({"document_number": " "}, "document_number", "请填写授权书文号。"),
        ({"signed_by": ""}, "signed_by", "请填写签署授权的法定代表人。"),
    ],
)
def test_r_org_4_incomplete_authorisation_is_refused(hall, changes, field, message):
    with pytest.raises(RuleViolation) as refused:
        _grant(hall, **changes)
    assert (refused.value.rule, refused.value.field, refused.value.message) == ("R-ORG-4", field, message)
    assert not Authorization.objects.exists()


def test_r_org_4_representative_of_another_centre_is_refused(hall):
    with pytest.raises(RuleViolation) as refused:
        _grant(hall, representative=hall.outsider)
    assert (refused.value.rule, refused.value.field) == ("R-ORG-4", "representative")
    assert not Authorization.objects.exists()


def test_r_org_4_office_grants_and_revokes_through_the_pages(hall, login):
    client = login(hall.office)
    response = client.post(
        reverse("org:authorization_create"),
        {
            "department": hall.department.pk,
            "representative": hall.chief.pk,
            "document_number": "授〔2026〕3号",
            "signed_by": "钱局长",
            "scopes": [GENERAL, AuthorizationScope.COORDINATE],
            "valid_from": "2026-01-01",
            "valid_until": "2026-12-31",
        },
    )
    authorization = Authorization.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("org:authorization_detail", args=[authorization.pk])
    assert authorization.scopes == [GENERAL, AuthorizationScope.COORDINATE]

    response = client.post(
        reverse("org:authorization_revoke", args=[authorization.pk]), {"reason": "任期届满"}
    )
    assert response.status_code == 302
    authorization.refresh_from_db()
    assert authorization.revoke_reason == "任期届满"
    page = client.get(reverse("org:authorization_detail", args=[authorization.pk])).content.decode()
    assert "已撤销" in page and "任期届满" in page


def test_r_org_4_refusal_shown_on_the_form(hall, login):
    response = login(hall.office).post(
        reverse("org:authorization_create"),
        {
            "department": hall.department.pk,
            "representative": hall.chief.pk,
            "document_number": "授〔2026〕3号",
            "signed_by": "钱局长",
            "valid_from": "2026-01-01",
            "valid_until": "2026-12-31",
        },
    )
    assert response.status_code == 200
    assert "请至少选择一项授权范围。（R-ORG-4）" in response.content.decode()
    assert not Authorization.objects.exists()


def test_r_org_4_window_clerk_may_not_see_or_grant_authorisations(hall, login):
    authorization = make_authorization(hall.department, hall.chief)
    client = login(hall.clerk)
    for url in [
        reverse("org:authorization_list"),
        reverse("org:authorization_create"),
        reverse("org:authorization_detail", args=[authorization.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 403, url
        assert "此页面或操作需要以下角色之一：" in response.content.decode()  # the refusal names the roles
    # The chief representative sees them, but cannot grant.
    client = login(hall.chief)
    assert client.get(reverse("org:authorization_list")).status_code == 200
    assert client.get(reverse("org:authorization_create")).status_code == 403


# --- R-ORG-5 ---------------------------------------------------------------------------------------------


def _on_spot_item(hall, **fields):
    fields.setdefault("on_spot_decision", True)
    return make_published_item(hall.center, hall.department, **fields).current_version


def test_r_org_5_chief_with_general_decision_power_decides_on_the_spot(hall):
    version = _on_spot_item(hall)
    make_authorization(hall.department, hall.chief, scopes=[GENERAL])
    assert services.can_decide_on_spot(staff=hall.chief, version=version, moment=IN_2026) is True


def test_r_org_5_item_not_marked_for_on_spot_decision(hall):
    version = _on_spot_item(hall, on_spot_decision=False)
    make_authorization(hall.department, hall.chief, scopes=[GENERAL])
    assert services.can_decide_on_spot(staff=hall.chief, version=version, moment=IN_2026) is False


@pytest.mark.parametrize("procedure", ["hearing", "expert_review", "site_survey", "deliberation"])
def test_r_org_5_item_with_special_procedure_follows_the_internal_steps(hall, procedure):
    version = _on_spot_item(hall, special_procedures=[procedure])
    make_authorization(hall.department, hall.chief, scopes=[GENERAL])
    assert services.can_decide_on_spot(staff=hall.chief, version=version, moment=IN_2026) is False


def test_r_org_5_needs_the_decision_scope_of_the_items_department(hall):
    version = _on_spot_item(hall)
    make_authorization(
        hall.department, hall.chief, scopes=[AuthorizationScope.COORDINATE, AuthorizationScope.SEAL]
    )
    assert services.can_decide_on_spot(staff=hall.chief, version=version, moment=IN_2026) is False
    make_authorization(hall.other_window.department, hall.chief, scopes=[GENERAL])
    assert services.can_decide_on_spot(staff=hall.chief, version=version, moment=IN_2026) is False
    assert services.can_decide_on_spot(staff=hall.clerk, version=version, moment=IN_2026) is False


def test_r_org_5_expired_or_revoked_authorisation_cannot_decide_on_the_spot(hall):
    version = _on_spot_item(hall)
    authorization = make_authorization(
        hall.department, hall.chief, scopes=[GENERAL], valid_until=date(2026, 6, 14)
    )
    assert services.can_decide_on_spot(staff=hall.chief, version=version, moment=IN_2026) is False
    assert services.can_decide_on_spot(staff=hall.chief, version=version, moment=at(2026, 6, 14, 16)) is True
    with time_machine.travel(at(2026, 6, 14, 12), tick=False):
        services.authorization_revoke(actor=hall.office.user, authorization=authorization, reason="停职")
    assert services.can_decide_on_spot(staff=hall.chief, version=version, moment=at(2026, 6, 14, 16)) is False
