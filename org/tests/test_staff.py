"""Staff profiles, logins and roles (R-ORG-9, R-ORG-1)."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.contrib.auth import authenticate, get_user_model
from django.test import RequestFactory
from django.urls import reverse

from common.errors import RuleViolation
from common.history import history_of
from org import services
from org.models import PhoneChange, Role, RoleGrant, StaffProfile

from .helpers import at

User = get_user_model()
STRONG = "Wicket-Lantern-4821"


def _create(hall, **kw):
    values = {
        "actor": hall.office.user,
        "center": hall.center,
        "name": "陈新人",
        "badge_number": "0777",
        "title": "科员",
        "username": "chenxin",
        "password": STRONG,
        "roles": [Role.WINDOW_STAFF],
        "window": hall.window,
    }
    values.update(kw)
    return services.staff_create(**values)


# --- staff_create: the login, its password, its roles ------------------------------------------------------


def test_staff_create_makes_login_and_roles(hall):
    staff = _create(hall)
    assert (staff.center, staff.window, staff.department) == (hall.center, hall.window, hall.department)
    assert staff.user.username == "chenxin"
    request = RequestFactory().post("/staff/login/")
    assert authenticate(request, username="chenxin", password=STRONG) == staff.user
    grant = RoleGrant.objects.get(user=staff.user)
    assert (grant.center, grant.role, grant.window) == (hall.center, Role.WINDOW_STAFF, hall.window)
    entry = history_of(staff).get()
    assert (entry.action, entry.rule, entry.actor) == ("create", "R-ORG-9", hall.office.user)
    assert entry.changes["roles"] == ["window_staff"]
    assert history_of(grant).get().rule == "R-ORG-1"


@pytest.mark.parametrize(
    ("password", "fragment"),
    [("short1", "密码不符合要求："), ("password123", "密码不符合要求："), ("7391046285", "密码不符合要求：")],
)
def test_staff_create_refuses_weak_password_and_changes_nothing(hall, password, fragment):
    users, staff = User.objects.count(), StaffProfile.objects.count()
    with pytest.raises(RuleViolation) as refused:
        _create(hall, password=password)
    assert (refused.value.rule, refused.value.field) == ("R-ORG-9", "password")
    assert refused.value.message.startswith(fragment)
    assert (User.objects.count(), StaffProfile.objects.count()) == (users, staff)
    assert not RoleGrant.objects.filter(user__username="chenxin").exists()


def test_staff_create_refuses_taken_username_and_badge(hall):
    _create(hall)
    with pytest.raises(RuleViolation) as refused:
        _create(hall, badge_number="0778", username="ChenXin")
    assert refused.value.message == "登录名“ChenXin”已被使用。"
    with pytest.raises(RuleViolation) as refused:
        _create(hall, username="chenxin2")
    assert (refused.value.field, refused.value.message) == ("badge_number", "工号“0777”已被使用。")


def test_staff_create_without_login(hall):
    staff = services.staff_create(
        actor=hall.office.user, center=hall.center, name="临时工", badge_number="0900"
    )
    assert staff.user is None
    with pytest.raises(RuleViolation) as refused:
        services.staff_create(
            actor=hall.office.user, center=hall.center, name="某", badge_number="0901", roles=[Role.OFFICE]
        )
    assert refused.value.message == "授予角色须同时设置登录名。"


def test_staff_deactivated_loses_login_but_is_kept(hall):
    services.staff_update(actor=hall.office.user, staff=hall.other_clerk, is_active=False, reason="调离")
    hall.other_clerk.refresh_from_db()
    hall.other_clerk.user.refresh_from_db()
    assert (hall.other_clerk.is_active, hall.other_clerk.user.is_active) == (False, False)
    assert history_of(hall.other_clerk).get(action="update").changes == {"is_active": [True, False]}


# --- R-ORG-9: the profile, and phone changes reported to the office ---------------------------------------


def test_r_org_9_phone_change_recorded_and_dated(hall):
    hall.clerk.work_phone = "0713-1111111"
    hall.clerk.save()
    with time_machine.travel(at(2026, 3, 10, 9), tick=False):
        change = services.staff_phone_change(
            actor=hall.clerk.user, staff=hall.clerk, new_phone="0713-2222222", changed_on=date(2026, 3, 9)
        )
    assert (change.old_phone, change.new_phone, change.changed_on, change.reported_by) == (
        "0713-1111111",
        "0713-2222222",
        date(2026, 3, 9),
        hall.clerk.user,
    )
    assert change.center == hall.center
    hall.clerk.refresh_from_db()
    assert hall.clerk.work_phone == "0713-2222222"
    entry = history_of(hall.clerk).get(action="phone_change")
    assert entry.rule == "R-ORG-9"
    assert entry.changes == {"work_phone": ["0713-1111111", "0713-2222222"], "changed_on": "2026-03-09"}


def test_r_org_9_phone_change_refusals(hall):
    hall.clerk.work_phone = "0713-1111111"
    hall.clerk.save()
    with time_machine.travel(at(2026, 3, 10, 9), tick=False):
        with pytest.raises(RuleViolation) as refused:
            services.staff_phone_change(
                actor=hall.office.user,
                staff=hall.clerk,
                new_phone="0713-1111111",
                changed_on=date(2026, 3, 9),
            )
        assert refused.value.message == "新号码与原号码相同。"
        with pytest.raises(RuleViolation) as refused:
            services.staff_phone_change(
                actor=hall.office.user,
                staff=hall.clerk,
                new_phone="0713-3333333",
                changed_on=date(2026, 3, 11),
            )
        assert refused.value.message == "变更日期不能晚于今天。"
    assert not PhoneChange.objects.exists()


def test_r_org_9_profile_edit_of_phone_is_recorded_as_a_change(hall):
    with time_machine.travel(at(2026, 3, 10, 9), tick=False):
        services.staff_update(
            actor=hall.office.user, staff=hall.clerk, work_phone="0713-5555555", title="副科长"
        )
    change = PhoneChange.objects.get(staff=hall.clerk)
    assert (change.old_phone, change.new_phone, change.changed_on) == ("", "0713-5555555", date(2026, 3, 10))
    hall.clerk.refresh_from_db()
    assert (hall.clerk.work_phone, hall.clerk.title) == ("0713-5555555", "副科长")


def test_r_org_9_staff_reports_own_change_and_office_sees_it(hall, login):
    with time_machine.travel(at(2026, 3, 10, 9), tick=False):
        response = login(hall.clerk).post(
            reverse("org:staff_phone_change", args=[hall.clerk.pk]),
            {"new_phone": "0713-6666666", "changed_on": "2026-03-10"},
        )
    assert response.status_code == 302
    page = login(hall.office).get(reverse("org:staff_detail", args=[hall.clerk.pk]))
    assert [(c.new_phone, c.changed_on) for c in page.context["phone_changes"]] == [
        ("0713-6666666", date(2026, 3, 10))
    ]
    html = page.content.decode()
    assert "通讯号码变更记录" in html and "2026-03-10" in html
    # Another clerk sees the current number but not the change record, and cannot report for someone else.
    other = login(hall.other_clerk)
    page = other.get(reverse("org:staff_detail", args=[hall.clerk.pk]))
    assert page.context["phone_changes"] is None
    assert "0713-6666666" in page.content.decode()
    assert other.get(reverse("org:staff_phone_change", args=[hall.clerk.pk])).status_code == 403


def test_r_org_9_profile_page_shows_name_title_post_duties_badge_phone(hall, login):
    services.staff_update(actor=hall.office.user, staff=hall.clerk, title="科员", duties="外资企业备案受理")
    html = login(hall.office).get(reverse("org:staff_detail", args=[hall.clerk.pk])).content.decode()
    for text in ["王受理", "科员", "外资企业备案受理", hall.clerk.badge_number, "受理岗", "A角"]:
        assert text in html


def test_office_creates_staff_through_the_page(hall, login):
    client = login(hall.office)
    data = {
        "name": "陈新人",
        "badge_number": "0777",
        "username": "chenxin",
        "password": "abc",
        "password_confirm": "abc",
        "roles": ["window_staff"],
        "window": hall.window.pk,
    }
    response = client.post(reverse("org:staff_create"), data)
    assert response.status_code == 200
    assert "（R-ORG-9）" in response.content.decode()
    assert not StaffProfile.objects.filter(badge_number="0777").exists()
    response = client.post(
        reverse("org:staff_create"), {**data, "password": STRONG, "password_confirm": STRONG}
    )
    staff = StaffProfile.objects.get(badge_number="0777")
    assert response["Location"] == reverse("org:staff_detail", args=[staff.pk])
    assert RoleGrant.objects.filter(user=staff.user, role="window_staff", window=hall.window).exists()
