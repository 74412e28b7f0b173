"""Django's admin is the platform operator's only, every change made there is in the history, and the
organisation's services check who may act themselves, so that a centre's role reaches no other centre by the
page, the admin or a direct call (R-ORG-1), and each service refuses a role that may not act."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from cases.tests.factories import make_case, make_item_for
from common.errors import PermissionDenied, RuleViolation
from common.models import HistoryEntry, PersonalDataAccess
from org import services
from org.models import Center, Role, RoleGrant, SectionKind
from org.tests import factories as f

from .helpers import make_authorization

ADMIN_PASSWORD = "operator-horse-battery-9"


@pytest.fixture
def operator(db: Any) -> Any:
    """The platform operator: a superuser with no role at any centre and no staff profile."""
    return f.make_user("platform", is_staff=True, is_superuser=True)


def _rows() -> Counter[str]:
    """How many rows each table holds, the logs of sign-ins, sessions and reads aside."""
    counts: Counter[str] = Counter()
    for model in apps.get_models():
        if model._meta.app_label in {"axes", "sessions", "admin"} or model._meta.proxy:
            continue
        if model._meta.label_lower == "common.personaldataaccess":
            continue
        counts[model._meta.label_lower] = model._default_manager.count()
    return counts


def _last(subject_type: str, pk: Any) -> HistoryEntry:
    """The latest history entry about a subject."""
    entry = HistoryEntry.objects.filter(subject_type=subject_type, subject_id=str(pk)).first()
    assert entry is not None
    return entry


# --- the admin: the platform operator's only -----------------------------------------------------------


def test_r_org_1_a_centre_system_administrator_cannot_open_the_admin(hall, client):
    """Even made a superuser (as the demo once did), a centre's system administrator holds a role there and is
    no platform operator: no admin page opens, another centre's cases are not listed, no role is granted."""
    user = hall.sysadmin.user
    user.is_staff = user.is_superuser = True
    user.save()
    other = Center.objects.get(code="other-county")
    client.force_login(user)
    before = _rows()

    for url in [
        reverse("admin:index"),
        reverse("admin:cases_case_changelist") + f"?center__id__exact={other.pk}",
        reverse("admin:org_rolegrant_add"),
        reverse("admin:auth_user_changelist"),
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("admin:login")), url
    response = client.post(
        reverse("admin:org_rolegrant_add"),
        {"user": user.pk, "center": other.pk, "role": Role.DIRECTOR, "window": ""},
    )
    assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))

    assert _rows() == before
    assert not RoleGrant.objects.filter(user=user, center=other).exists()
    # The staff pages still serve them, at their own centre only.
    assert client.get(reverse("org:staff_list")).status_code == 200
    assert client.get(reverse("org:staff_list"), {"center": other.code}).status_code == 404


def test_r_org_1_the_admin_sign_in_refuses_anyone_but_the_platform_operator(hall, client, operator):
    user = hall.sysadmin.user
    user.is_staff = user.is_superuser = True
    user.save()
    response = client.post(reverse("admin:login"), {"username": user.username, "password": f.PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("admin:login"), {"username": "platform", "password": f.PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_r_org_1_a_superuser_with_a_staff_profile_is_no_platform_operator(hall, client):
    user = hall.clerk.user
    RoleGrant.objects.filter(user=user).delete()  # no role left, still one of the centre's staff
    user.is_staff = user.is_superuser = True
    user.save()
    client.force_login(user)
    assert client.get(reverse("admin:index")).status_code == 302


def test_the_admin_shows_no_api_tokens(operator, client):
    client.force_login(operator)
    with pytest.raises(NoReverseMatch):
        reverse("admin:authtoken_tokenproxy_changelist")
    assert client.get("/admin/authtoken/tokenproxy/").status_code == 404


# --- the admin: every change in the history --------------------------------------------------------------


def test_r_org_1_the_platform_operators_centre_and_role_grant_are_in_the_history(hall, client, operator):
    client.force_login(operator)
    response = client.post(
        reverse("admin:org_center_add"),
        {"code": "new-county", "name": "新县政务服务中心", "is_active": "on", "_save": "1"},
    )
    assert response.status_code == 302
    center = Center.objects.get(code="new-county")
    created = HistoryEntry.objects.get(subject_type="org.center", subject_id=str(center.pk))
    assert (created.action, created.actor, created.center) == ("create", operator, center)

    response = client.post(
        reverse("admin:org_center_change", args=[center.pk]),
        {
            "name": "新县政务服务中心（新址）",
            "complaint_phone": "0713-12345",
            "website": "zwfw.new-county.gov.cn",  # typed without a scheme: taken as https
            "is_active": "on",
            "_save": "1",
        },
    )
    assert response.status_code == 302
    updated = _last("org.center", center.pk)
    assert (updated.action, updated.actor) == ("update", operator)
    assert updated.changes["name"] == ["新县政务服务中心", "新县政务服务中心（新址）"]
    center.refresh_from_db()
    assert center.website == "https://zwfw.new-county.gov.cn"

    # The new centre's first administrator: a login, then the role.
    admin_user = f.make_user("newcounty-admin")
    response = client.post(
        reverse("admin:org_rolegrant_add"),
        {"user": admin_user.pk, "center": center.pk, "role": Role.SYSADMIN, "window": "", "_save": "1"},
    )
    assert response.status_code == 302
    grant = RoleGrant.objects.get(user=admin_user, center=center, role=Role.SYSADMIN)
    assert client.get(reverse("admin:org_rolegrant_change", args=[grant.pk])).status_code == 200  # shown only
    granted = HistoryEntry.objects.get(subject_type="org.rolegrant", subject_id=str(grant.pk))
    assert (granted.action, granted.actor, granted.rule) == ("grant", operator, "R-ORG-1")

    response = client.post(
        reverse("admin:org_rolegrant_changelist"),
        {"action": "revoke_grants", "_selected_action": [grant.pk], "index": "0"},
    )
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.revoked_at is not None
    revoked = _last("org.rolegrant", grant.pk)
    assert (revoked.action, revoked.actor) == ("revoke", operator)


def test_the_platform_operators_own_changes_are_in_the_history_without_passwords(hall, client, operator):
    client.force_login(operator)
    response = client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "auditor",
            "usable_password": "true",
            "password1": ADMIN_PASSWORD,
            "password2": ADMIN_PASSWORD,
            "_save": "1",
        },
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(username="auditor")
    added = HistoryEntry.objects.get(subject_type="auth.user", subject_id=str(user.pk))
    assert (added.action, added.actor, added.center) == ("admin_add", operator, None)
    assert added.changes["username"] == "auditor"
    assert ADMIN_PASSWORD not in str(added.changes) and user.password not in str(added.changes)
    assert added.changes["password1"] == "******"

    response = client.post(reverse("admin:auth_group_add"), {"name": "值班", "_save": "1"})
    assert response.status_code == 302
    group = apps.get_model("auth", "Group").objects.get(name="值班")
    response = client.post(
        reverse("admin:auth_group_change", args=[group.pk]), {"name": "运维值班", "_save": "1"}
    )
    assert response.status_code == 302
    changed = _last("auth.group", group.pk)
    assert (changed.action, changed.actor) == ("admin_change", operator)
    assert changed.changes["name"] == ["值班", "运维值班"]

    response = client.post(reverse("admin:auth_group_delete", args=[group.pk]), {"post": "yes"})
    assert response.status_code == 302
    deleted = _last("auth.group", group.pk)
    assert (deleted.action, deleted.actor, deleted.changes) == (
        "admin_delete",
        operator,
        {"object": "运维值班"},
    )

    new_password = ADMIN_PASSWORD + "x"
    response = client.post(
        reverse("admin:password_change"),
        {"old_password": f.PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302
    entry = _last("auth.user", operator.pk)
    assert (entry.action, entry.actor, entry.changes) == (
        "admin_password_change",
        operator,
        {"password": "******"},
    )


def test_r_org_1_a_refusal_in_the_admin_is_told_and_changes_nothing(hall, client, operator):
    client.force_login(operator)
    before = _rows()
    response = client.post(
        reverse("admin:org_rolegrant_add"),
        {"user": operator.pk, "center": hall.center.pk, "role": Role.DIRECTOR, "window": "", "_save": "1"},
        follow=True,
    )
    assert response.status_code == 200
    assert "不能给自己授予角色。（R-ORG-1）" in response.content.decode()
    assert _rows() == before


def test_the_admin_is_read_only_for_recorded_facts(hall, client, operator):
    client.force_login(operator)
    before = _rows()
    for name in ["org_absence", "org_authorization", "org_post", "org_staffprofile", "cases_caseevent"]:
        assert client.get(reverse(f"admin:{name}_add")).status_code == 403, name
    response = client.post(
        reverse("admin:org_post_change", args=[hall.post.pk]), {"name": "改名", "duties": "", "_save": "1"}
    )
    assert response.status_code == 403
    assert client.get(reverse("admin:org_post_change", args=[hall.post.pk])).status_code == 200
    with pytest.raises(NoReverseMatch):
        reverse("admin:common_historyentry_changelist")
    assert _rows() == before


def test_reading_a_case_in_the_admin_is_logged_as_a_personal_data_access(hall, client, operator):
    case = make_case(window=hall.window, item=make_item_for(hall.window, hall.post), received_by=hall.clerk)
    client.force_login(operator)
    listing = client.get(reverse("admin:cases_case_changelist"))
    assert listing.status_code == 200 and case.applicant_id_number not in listing.content.decode()
    assert not PersonalDataAccess.objects.exists()

    page = client.get(reverse("admin:cases_case_change", args=[case.pk]))
    assert page.status_code == 200 and case.applicant_id_number in page.content.decode()
    row = PersonalDataAccess.objects.get()
    assert (row.user, row.center, row.subject_type, row.subject_id, row.purpose) == (
        operator,
        hall.center,
        "cases.case",
        str(case.pk),
        "平台运维后台查看办件",
    )


# --- a role grant into another centre, by every path -----------------------------------------------------


def test_r_org_1_role_grant_into_another_centre_is_refused_by_the_service_through_the_page(hall, login):
    other = Center.objects.get(code="other-county")
    client = login(hall.sysadmin)
    url = reverse("org:role_grant", args=[hall.clerk.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert other.code not in page.content.decode()  # not offered…
    before = _rows()
    response = client.post(url, {"role": Role.DIRECTOR, "center": other.code})  # …and refused when sent
    assert response.status_code == 200
    assert "R-ORG-1" in response.content.decode()
    assert f"您在{other.name}没有任何角色" in response.content.decode()
    assert _rows() == before

    response = client.post(
        reverse("org:role_grant", args=[hall.sysadmin.pk]),
        {"role": Role.DIRECTOR, "center": hall.center.code},
    )
    assert "不能给自己授予角色。（R-ORG-1）" in response.content.decode()
    assert _rows() == before


def test_r_org_1_role_grant_and_revoke_on_the_staff_pages(hall, login):
    client = login(hall.sysadmin)
    response = client.post(
        reverse("org:role_grant", args=[hall.clerk.pk]),
        {"role": Role.WINDOW_HEAD, "center": hall.center.code, "window": hall.window.pk},
    )
    assert response.status_code == 302
    grant = RoleGrant.objects.get(user=hall.clerk.user, role=Role.WINDOW_HEAD, revoked_at=None)
    assert grant.window == hall.window
    assert HistoryEntry.objects.filter(subject_type="org.rolegrant", actor=hall.sysadmin.user).count() == 1
    detail = client.get(reverse("org:staff_detail", args=[hall.clerk.pk])).content.decode()
    assert "窗口负责人" in detail

    response = client.post(
        reverse("org:role_revoke", args=[hall.clerk.pk]), {"grant": grant.pk, "reason": "调岗"}
    )
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.revoked_at is not None
    # A clerk may neither open nor send them.
    clerk = login(hall.other_clerk)
    assert clerk.get(reverse("org:role_grant", args=[hall.clerk.pk])).status_code == 403
    response = clerk.post(
        reverse("org:role_grant", args=[hall.clerk.pk]), {"role": Role.DIRECTOR, "center": hall.center.code}
    )
    assert response.status_code == 403
    assert not RoleGrant.objects.filter(user=hall.clerk.user, role=Role.DIRECTOR).exists()


def test_r_org_1_role_grant_into_another_centre_is_refused_by_the_service_when_called_directly(hall):
    """A command or any other caller meets the same rule as the page and the admin."""
    other = Center.objects.get(code="other-county")
    before = _rows()
    with pytest.raises(RuleViolation) as refused:
        services.role_grant(actor=hall.sysadmin.user, user=hall.clerk.user, center=other, role=Role.DIRECTOR)
    assert (refused.value.rule, refused.value.code) == ("R-ORG-1", "other_center")
    # Nor a role at one's own centre for another centre's person.
    with pytest.raises(RuleViolation) as refused:
        services.role_grant(
            actor=hall.sysadmin.user, user=hall.outsider.user, center=hall.center, role=Role.DIRECTOR
        )
    assert (refused.value.rule, refused.value.code) == ("R-ORG-1", "other_center")
    with pytest.raises(RuleViolation) as refused:
        services.role_grant(
            actor=hall.sysadmin.user, user=hall.sysadmin.user, center=hall.center, role="director"
        )
    assert (refused.value.rule, refused.value.code) == ("R-ORG-1", "own_grant")
    assert _rows() == before


def test_r_org_1_a_role_at_a_parent_centre_grants_below_it(hall):
    city = f.make_center(code="city")
    hall.center.parent = city
    hall.center.save()
    city_director = f.make_staff(city)
    f.grant(city_director.user, city, Role.DIRECTOR)
    grant = services.role_grant(
        actor=city_director.user, user=hall.clerk.user, center=hall.center, role=Role.SUPERVISION
    )
    assert grant.center == hall.center


# --- each organisation service refuses a role that may not act ----------------------------------------------


Call = Callable[[Any], Any]


def _refuses(hall: Any, call: Call) -> None:
    """`call` refused to a clerk of the centre (PermissionDenied) and to another centre's user (R-ORG-1), with
    nothing changed; the system itself (`actor=None`) is not asked."""
    before = _rows()
    with pytest.raises(PermissionDenied):
        call(hall.other_clerk.user)
    with pytest.raises(RuleViolation) as refused:
        call(hall.outsider.user)
    assert (refused.value.rule, refused.value.code) == ("R-ORG-1", "other_center")
    assert _rows() == before


def _role_calls(hall: Any) -> dict[str, Call]:
    grant = RoleGrant.objects.get(user=hall.clerk.user, role=Role.WINDOW_STAFF)
    return {
        "role_grant": lambda actor: services.role_grant(
            actor=actor, user=hall.backup.user, center=hall.center, role=Role.SUPERVISION
        ),
        "role_revoke": lambda actor: services.role_revoke(actor=actor, grant=grant, reason="调岗"),
        "center_update": lambda actor: services.center_update(actor=actor, center=hall.center, name="改名"),
    }


@pytest.mark.parametrize("name", ["role_grant", "role_revoke", "center_update"])
def test_r_org_1_role_and_centre_services_refuse_a_role_that_may_not_act(hall, name):
    _refuses(hall, _role_calls(hall)[name])


def test_r_org_1_only_the_platform_operator_sets_up_and_places_centres(hall, operator):
    before = _rows()
    for actor in [hall.sysadmin.user, hall.director.user]:
        with pytest.raises(PermissionDenied):
            services.center_create(actor=actor, code="county-x", name="某县政务服务中心")
        with pytest.raises(PermissionDenied):
            services.center_update(
                actor=actor, center=hall.center, parent=Center.objects.get(code="other-county")
            )
    assert _rows() == before
    city = services.center_create(actor=operator, code="city", name="示范市政务服务中心")
    services.center_update(actor=operator, center=hall.center, parent=city)
    # The centre's own administrator still keeps its details.
    services.center_update(actor=hall.sysadmin.user, center=hall.center, complaint_phone="0713-1")
    hall.center.refresh_from_db()
    assert (hall.center.parent, hall.center.complaint_phone) == (city, "0713-1")


def test_r_org_2_section_services_refuse_a_role_that_may_not_act(hall):
    _refuses(
        hall, lambda actor: services.section_create(actor=actor, center=hall.center, kind=SectionKind.OFFICE)
    )
    section = services.section_create(actor=None, center=hall.center, kind=SectionKind.OFFICE)
    _refuses(hall, lambda actor: services.section_update(actor=actor, section=section, phone="0713-2"))


@pytest.mark.parametrize("name", ["department_create", "department_update", "window_create", "window_update"])
def test_r_org_3_department_and_window_services_refuse_a_role_that_may_not_act(hall, name):
    calls: dict[str, Call] = {
        "department_create": lambda actor: services.department_create(
            actor=actor, center=hall.center, code="police", name="公安局"
        ),
        "department_update": lambda actor: services.department_update(
            actor=actor, department=hall.department, name="改名"
        ),
        "window_create": lambda actor: services.window_create(
            actor=actor, center=hall.center, department=hall.department, number="A09", name="新窗口"
        ),
        "window_update": lambda actor: services.window_update(actor=actor, window=hall.window, name="改名"),
    }
    _refuses(hall, calls[name])


def test_r_org_4_authorisation_services_refuse_a_role_that_may_not_act(hall):
    grant = lambda actor: services.authorization_grant(  # noqa: E731
        actor=actor,
        department=hall.department,
        representative=hall.chief,
        document_number="授字〔2026〕9号",
        signed_by="钱局长",
        scopes=["decide_general"],
        valid_from=date(2026, 1, 1),
        valid_until=date(2026, 12, 31),
    )
    _refuses(hall, grant)
    with pytest.raises(PermissionDenied):  # the chief representative sees them, but does not grant
        grant(hall.chief.user)
    authorization = make_authorization(hall.department, hall.chief)
    _refuses(
        hall,
        lambda actor: services.authorization_revoke(actor=actor, authorization=authorization, reason="x"),
    )


@pytest.mark.parametrize("name", ["post_create", "post_assign", "post_update"])
def test_r_org_6_post_services_refuse_a_role_that_may_not_act(hall, name):
    calls: dict[str, Call] = {
        "post_create": lambda actor: services.post_create(
            actor=actor, window=hall.window, name="审核岗", holder_a=hall.backup, backups=[hall.clerk]
        ),
        "post_assign": lambda actor: services.post_assign(actor=actor, post=hall.post, backups=[hall.chief]),
        "post_update": lambda actor: services.post_update(actor=actor, post=hall.post, duties="改写"),
    }
    _refuses(hall, calls[name])


def test_r_org_7_absence_services_refuse_another_centres_user(hall):
    start = timezone.now() + timedelta(days=1)
    _refuses(
        hall,
        lambda actor: services.absence_record(
            actor=actor, staff=hall.clerk, kind="leave", starts_at=start, ends_at=start + timedelta(hours=8)
        ),
    )


def test_r_org_8_training_refuses_a_role_that_may_not_act(hall):
    def call(actor: Any) -> Any:
        return services.backup_training_record(
            actor=actor,
            post=hall.post,
            trainer=hall.clerk,
            trainee=hall.backup,
            held_on=timezone.localdate(),
            topic="受理要点",
        )

    _refuses(hall, call)
    assert call(hall.chief.user).post == hall.post  # the window's head may


@pytest.mark.parametrize("name", ["staff_create", "staff_update", "staff_phone_change"])
def test_r_org_9_staff_services_refuse_a_role_that_may_not_act(hall, name):
    calls: dict[str, Call] = {
        "staff_create": lambda actor: services.staff_create(
            actor=actor,
            center=hall.center,
            name="新人",
            badge_number="N001",
            username="newcomer",
            roles=["director"],
        ),
        "staff_update": lambda actor: services.staff_update(actor=actor, staff=hall.clerk, title="科长"),
        "staff_phone_change": lambda actor: services.staff_phone_change(
            actor=actor, staff=hall.clerk, new_phone="0713-9", changed_on=timezone.localdate()
        ),
    }
    _refuses(hall, calls[name])


def test_r_org_9_a_staff_member_reports_their_own_new_phone(hall):
    change = services.staff_phone_change(
        actor=hall.clerk.user, staff=hall.clerk, new_phone="0713-9", changed_on=timezone.localdate()
    )
    assert change.new_phone == "0713-9"


def test_r_org_1_only_the_platform_operators_home_page_links_the_admin(hall, client, operator):
    admin_link = f'href="{reverse("admin:index")}"'
    client.force_login(operator)
    assert admin_link in client.get(reverse("desk:home")).content.decode()
    client.force_login(hall.sysadmin.user)
    assert admin_link not in client.get(reverse("desk:home")).content.decode()
