"""R-ORG-1: a user of one centre sees nothing of another, unless granted a role at a parent centre."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from org import services
from org.access import grants_of, visible_center_ids
from org.auth import StaffModelBackend
from org.models import Role
from org.tests import factories as f

from .helpers import make_authorization


def _detail_urls(hall) -> list[str]:
    authorization = make_authorization(hall.department, hall.chief)
    absence_staff = hall.clerk
    return [
        reverse("org:staff_detail", args=[hall.clerk.pk]),
        reverse("org:staff_edit", args=[hall.clerk.pk]),
        reverse("org:staff_phone_change", args=[hall.clerk.pk]),
        reverse("org:absence_create", args=[absence_staff.pk]),
        reverse("org:department_detail", args=[hall.department.pk]),
        reverse("org:department_edit", args=[hall.department.pk]),
        reverse("org:window_detail", args=[hall.window.pk]),
        reverse("org:window_edit", args=[hall.window.pk]),
        reverse("org:window_create", args=[hall.department.pk]),
        reverse("org:post_detail", args=[hall.post.pk]),
        reverse("org:post_assign", args=[hall.post.pk]),
        reverse("org:post_create", args=[hall.window.pk]),
        reverse("org:training_create", args=[hall.post.pk]),
        reverse("org:authorization_detail", args=[authorization.pk]),
        reverse("org:authorization_revoke", args=[authorization.pk]),
    ]


def test_r_org_1_user_of_another_centre_gets_404_on_detail_pages(hall, login):
    client = login(hall.outsider)
    for url in _detail_urls(hall):
        assert client.get(url).status_code == 404, url


def test_r_org_1_user_of_another_centre_cannot_change_anything(hall, login):
    client = login(hall.outsider)
    response = client.post(
        reverse("org:staff_phone_change", args=[hall.clerk.pk]),
        {"new_phone": "0713-0000000", "changed_on": "2026-01-05"},
    )
    assert response.status_code == 404
    hall.clerk.refresh_from_db()
    assert hall.clerk.work_phone == ""


def test_r_org_1_lists_show_only_the_users_centre(hall, login):
    client = login(hall.outsider)
    for name, hidden in [
        ("org:department_list", "外经贸局"),
        ("org:staff_list", "王受理"),
        ("org:post_board", "受理岗"),
        ("org:authorization_list", "赵首席"),
        ("org:leadership", "钱主任"),
    ]:
        make_authorization(hall.department, hall.chief)
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert hidden not in response.content.decode(), name
    assert client.get(reverse("org:staff_list")).context["people"] == [hall.outsider]


@pytest.mark.parametrize(
    "name",
    [
        "org:department_list",
        "org:staff_list",
        "org:post_board",
        "org:authorization_list",
        "org:leadership",
        "org:department_create",
        "org:staff_create",
        "org:authorization_create",
    ],
)
def test_r_org_1_naming_another_centre_is_404(hall, login, name):
    response = login(hall.outsider).get(reverse(name), {"center": hall.center.code})
    assert response.status_code == 404


def test_r_org_1_role_at_parent_centre_sees_child_centre(hall, login):
    city = f.make_center(code="demo-city", name="示范市政务服务中心")
    hall.center.parent = city
    hall.center.save()
    city_office = f.make_staff(city, name="市中心办公室")
    f.grant(city_office.user, city, Role.OFFICE)
    client = login(city_office)

    assert client.get(reverse("org:staff_detail", args=[hall.clerk.pk])).status_code == 200
    assert client.get(reverse("org:window_detail", args=[hall.window.pk])).status_code == 200
    response = client.get(reverse("org:department_list"), {"center": hall.center.code})
    assert response.status_code == 200
    assert {d.name for d in response.context["departments"]} == {
        "外经贸局",
        hall.other_window.department.name,
    }
    board = client.get(reverse("org:post_board"), {"center": hall.center.code})
    assert [r.post for r in board.context["rows"]] == [hall.post]
    # The role reaches down: the city office may edit the county's organisation.
    response = client.post(
        reverse("org:department_edit", args=[hall.department.pk]),
        {"code": "ftb", "name": "县外经贸局", "is_active": "on"},
    )
    assert response.status_code == 302
    hall.department.refresh_from_db()
    assert hall.department.name == "县外经贸局"


def test_r_org_1_role_at_child_centre_does_not_reach_the_parent(hall, login):
    city = f.make_center(code="demo-city", name="示范市政务服务中心")
    hall.center.parent = city
    hall.center.save()
    city_department = f.make_department(city, name="市商务局")
    client = login(hall.director)
    assert client.get(reverse("org:department_detail", args=[city_department.pk])).status_code == 404
    assert client.get(reverse("org:department_list"), {"center": "demo-city"}).status_code == 404


def test_r_org_1_centre_hierarchy_cannot_loop(hall):
    operator = f.make_user(is_staff=True, is_superuser=True)  # centres are set up by the platform operator
    city = services.center_create(actor=operator, code="demo-city", name="示范市政务服务中心")
    services.center_update(actor=operator, center=hall.center, parent=city)
    from common.errors import RuleViolation

    with pytest.raises(RuleViolation) as refused:
        services.center_update(actor=operator, center=city, parent=hall.center)
    assert refused.value.rule == "R-ORG-1"
    city.refresh_from_db()
    assert city.parent is None


def test_r_org_1_role_grant_is_idempotent_and_recorded(hall):
    grant = services.role_grant(
        actor=hall.sysadmin.user, user=hall.clerk.user, center=hall.center, role=Role.SUPERVISION
    )
    again = services.role_grant(
        actor=hall.sysadmin.user, user=hall.clerk.user, center=hall.center, role=Role.SUPERVISION
    )
    assert again == grant
    services.role_revoke(actor=hall.sysadmin.user, grant=grant, reason="调岗")
    grant.refresh_from_db()
    assert grant.revoked_at is not None


@pytest.mark.django_db
def test_r_org_1_the_grants_and_the_centres_they_reach_are_read_in_one_query(
    django_assert_num_queries: Any,
) -> None:
    """A role at a centre reaches every centre below it, however deep; one statement reads the grants with
    the centres they reach."""
    top = f.make_center(code="top")
    middle = f.make_center(code="middle", parent=top)
    bottom = f.make_center(code="bottom", parent=middle)
    f.make_center(code="elsewhere")
    user = f.make_user()
    f.grant(user, top, Role.SUPERVISION)
    f.grant(user, bottom, Role.OFFICE)
    user = StaffModelBackend().get_user(user.pk)  # as a request has it: with its staff profile (none here)
    with django_assert_num_queries(1):
        assert sorted(role for _c, _w, role in grants_of(user)) == sorted([Role.SUPERVISION, Role.OFFICE])
        assert visible_center_ids(user) == {top.pk, middle.pk, bottom.pk}
