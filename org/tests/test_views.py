"""The organisation pages: every page renders for its roles, wrong roles get 403, bad input never a 500."""

from __future__ import annotations

import pytest
import time_machine
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from org import services
from org.models import Absence, Post, Role, StaffProfile, Window
from org.tests import factories as f

from .helpers import absent, at, make_authorization


def _pages(hall) -> list[str]:
    authorization = make_authorization(hall.department, hall.chief)
    absence = absent(hall.clerk, at(2026, 3, 2, 8), at(2026, 3, 2, 17))
    return [
        reverse("desk:home"),
        reverse("org:post_board"),
        reverse("org:post_board") + "?gaps=1",
        reverse("org:post_detail", args=[hall.post.pk]),
        reverse("org:post_assign", args=[hall.post.pk]),
        reverse("org:post_deactivate", args=[hall.post.pk]),
        reverse("org:post_create", args=[hall.window.pk]),
        reverse("org:training_create", args=[hall.post.pk]),
        reverse("org:department_list"),
        reverse("org:department_create"),
        reverse("org:department_detail", args=[hall.department.pk]),
        reverse("org:department_edit", args=[hall.department.pk]),
        reverse("org:window_create", args=[hall.department.pk]),
        reverse("org:window_detail", args=[hall.window.pk]),
        reverse("org:window_edit", args=[hall.window.pk]),
        reverse("org:leadership"),
        reverse("org:section_create"),
        reverse("org:staff_list"),
        reverse("org:staff_create"),
        reverse("org:staff_detail", args=[hall.clerk.pk]),
        reverse("org:staff_edit", args=[hall.clerk.pk]),
        reverse("org:staff_phone_change", args=[hall.clerk.pk]),
        reverse("org:role_grant", args=[hall.clerk.pk]),
        reverse("org:role_revoke", args=[hall.clerk.pk]),
        reverse("org:absence_create", args=[hall.clerk.pk]),
        reverse("org:absence_cancel", args=[absence.pk]),
        reverse("org:absence_end", args=[absence.pk]),
        reverse("org:authorization_list"),
        reverse("org:authorization_create"),
        reverse("org:authorization_create") + f"?replaces={authorization.pk}",
        reverse("org:authorization_detail", args=[authorization.pk]),
        reverse("org:authorization_revoke", args=[authorization.pk]),
    ]


@pytest.mark.parametrize("persona", ["office", "director", "sysadmin"])
def test_every_page_renders_for_the_office_and_leaders(hall, login, persona):
    client = login(getattr(hall, persona))
    for url in _pages(hall):
        response = client.get(url)
        assert response.status_code == 200, url


def test_window_clerk_gets_403_on_editing_pages(hall, login):
    client = login(hall.other_clerk)
    editing = [
        reverse("org:department_create"),
        reverse("org:department_edit", args=[hall.department.pk]),
        reverse("org:window_create", args=[hall.department.pk]),
        reverse("org:window_edit", args=[hall.window.pk]),
        reverse("org:post_create", args=[hall.window.pk]),
        reverse("org:post_assign", args=[hall.post.pk]),
        reverse("org:staff_create"),
        reverse("org:staff_edit", args=[hall.clerk.pk]),
        reverse("org:role_grant", args=[hall.clerk.pk]),
        reverse("org:role_revoke", args=[hall.clerk.pk]),
        reverse("org:absence_create", args=[hall.clerk.pk]),
        reverse("org:section_create"),
    ]
    for url in editing:
        response = client.get(url)
        assert response.status_code == 403, url
        assert "无权访问" in response.content.decode()
    response = client.post(
        reverse("org:post_assign", args=[hall.post.pk]),
        {"holder_a": hall.other_clerk.pk, "backup_1": hall.clerk.pk},
    )
    assert response.status_code == 403
    assert Post.objects.get(pk=hall.post.pk).holder_a == hall.clerk


def test_window_clerk_reads_the_organisation(hall, login):
    client = login(hall.other_clerk)
    for url in [
        reverse("desk:home"),
        reverse("org:department_list"),
        reverse("org:staff_list"),
        reverse("org:window_detail", args=[hall.window.pk]),
        reverse("org:leadership"),
        reverse("org:staff_detail", args=[hall.clerk.pk]),
    ]:
        assert client.get(url).status_code == 200, url


def test_anonymous_is_sent_to_login(client, hall):
    response = client.get(reverse("org:post_board"))
    assert response.status_code == 302
    assert response["Location"] == reverse("org:login") + "?next=" + reverse("org:post_board")


def test_user_without_any_role(db, client):
    user = f.make_user()
    client.force_login(user)
    response = client.get(reverse("desk:home"))
    assert response.status_code == 200
    assert "尚未被授予任何中心的角色" in response.content.decode()
    response = client.get(reverse("org:post_board"))
    assert response.status_code == 403
    assert "您没有任何中心的角色。" in response.content.decode()


def test_missing_objects_are_404(hall, login):
    client = login(hall.office)
    for name in [
        "org:staff_detail",
        "org:post_detail",
        "org:window_detail",
        "org:department_detail",
        "org:authorization_detail",
        "org:absence_cancel",
        "org:absence_end",
    ]:
        assert client.get(reverse(name, args=[999999])).status_code == 404, name
    assert client.get(reverse("org:authorization_create") + "?replaces=999999").status_code == 404


def test_home_links_follow_the_roles(hall, login):
    html = login(hall.coordination).get(reverse("desk:home")).content.decode()
    assert reverse("catalog:item_list") in html and "事项目录编辑" in html
    assert "登记进驻部门" not in html
    html = login(hall.office).get(reverse("desk:home")).content.decode()
    assert "登记进驻部门" in html and "事项目录编辑" not in html
    html = login(hall.sysadmin).get(reverse("desk:home")).content.decode()
    assert reverse("policy:policy_list") in html and reverse("workdays:calendar") in html
    html = login(hall.clerk).get(reverse("desk:home")).content.decode()
    assert "窗口工作人员" in html and "受理岗" in html


def test_home_tells_b_that_they_are_covering(hall, login):
    absent(hall.clerk, at(2026, 3, 2, 8), at(2026, 3, 2, 17))
    with time_machine.travel(at(2026, 3, 2, 10), tick=False):
        response = login(hall.backup).get(reverse("desk:home"))
    assert "您正在顶岗" in response.content.decode()


# --- absences through the page, with HTMX ------------------------------------------------------------------


def test_r_org_7_absence_recorded_inline_with_htmx(hall, login):
    client = login(hall.supervision)
    url = reverse("org:absence_create", args=[hall.clerk.pk])
    with time_machine.travel(at(2026, 3, 2, 9), tick=False):
        response = client.post(
            url,
            {
                "kind": "leave",
                "starts_at": "2026-03-02T08:00",
                "ends_at": "2026-03-03T17:00",
                "reason": "病假",
            },
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert html.lstrip().startswith('<section id="absences">')
        assert "离岗已登记" in html
        absence = Absence.objects.get(staff=hall.clerk)
        assert (absence.starts_at, absence.ends_at, absence.reason) == (
            at(2026, 3, 2, 8),
            at(2026, 3, 3, 17),
            "病假",
        )
        board = client.get(reverse("org:post_board"))
    row = board.context["rows"][0]
    assert (row.holder, row.acting_as) == (hall.backup, "B")


def test_r_org_7_bad_absence_input_is_a_form_error_not_a_500(hall, login):
    client = login(hall.supervision)
    url = reverse("org:absence_create", args=[hall.clerk.pk])
    response = client.post(
        url,
        {"kind": "leave", "starts_at": "not a date", "ends_at": "2026-03-03T17:00"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    response = client.post(
        url, {"kind": "leave", "starts_at": "2026-03-03T17:00", "ends_at": "2026-03-03T08:00"}
    )
    assert response.status_code == 200
    assert "结束时间须晚于开始时间。（R-ORG-7）" in response.content.decode()
    response = client.post(
        url, {"kind": "holiday", "starts_at": "2026-03-03T08:00", "ends_at": "2026-03-03T09:00"}
    )
    assert response.status_code == 200
    assert not Absence.objects.exists()


def test_absence_cancelled_through_the_page(hall, login):
    absence = absent(hall.clerk, at(2026, 3, 2, 8), at(2026, 3, 2, 17))
    with time_machine.travel(at(2026, 3, 1, 9), tick=False):  # before it starts
        response = login(hall.supervision).post(
            reverse("org:absence_cancel", args=[absence.pk]), {"reason": "不再请假"}
        )
    assert response.status_code == 302
    absence.refresh_from_db()
    assert absence.cancelled_at is not None


# --- other forms -------------------------------------------------------------------------------------------


def test_post_assign_and_deactivate_through_the_pages(hall, login):
    client = login(hall.office)
    response = client.post(
        reverse("org:post_assign", args=[hall.post.pk]),
        {"holder_a": hall.backup.pk, "backup_1": hall.clerk.pk, "reason": "轮岗"},
    )
    assert response.status_code == 302
    assert services.post_backups(Post.objects.get(pk=hall.post.pk)) == [hall.clerk]
    response = client.post(
        reverse("org:post_assign", args=[hall.post.pk]),
        {"holder_a": hall.backup.pk, "backup_1": hall.backup.pk},
    )
    assert "B角不能与A角是同一人。（R-ORG-6）" in response.content.decode()
    response = client.post(reverse("org:post_deactivate", args=[hall.post.pk]), {"reason": "岗位合并"})
    assert response.status_code == 302
    assert Post.objects.get(pk=hall.post.pk).is_active is False
    assert client.get(reverse("org:post_board")).context["rows"] == []


def test_window_edit_and_staff_edit_through_the_pages(hall, login):
    deputy = f.make_staff(hall.center, name="孙副主任")
    f.grant(deputy.user, hall.center, Role.DEPUTY)
    client = login(hall.office)
    response = client.post(
        reverse("org:window_edit", args=[hall.window.pk]),
        {
            "number": "A01",
            "name": "外经贸局窗口",
            "kind": "standing",
            "department": hall.department.pk,
            "head": hall.chief.pk,
            "chief_representative": hall.chief.pk,
            "deputy_in_charge": deputy.pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert Window.objects.get(pk=hall.window.pk).deputy_in_charge == deputy
    response = client.post(
        reverse("org:window_edit", args=[hall.window.pk]),
        {
            "number": "A01",
            "name": "外经贸局窗口",
            "kind": "standing",
            "department": hall.department.pk,
            "deputy_in_charge": hall.clerk.pk,
            "is_active": "on",
        },
    )
    assert "分管窗口的须为中心主任或分管副主任。（R-ORG-2）" in response.content.decode()

    response = client.post(
        reverse("org:staff_edit", args=[hall.clerk.pk]),
        {
            "name": "王受理",
            "title": "副科长",
            "badge_number": hall.clerk.badge_number,
            "duties": "受理",
            "department": hall.department.pk,
            "window": hall.window.pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert StaffProfile.objects.get(pk=hall.clerk.pk).title == "副科长"


def test_section_created_through_the_page(hall, login):
    client = login(hall.office)
    response = client.post(reverse("org:section_create"), {"kind": "supervision", "name": "", "phone": ""})
    assert response.status_code == 302
    page = client.get(reverse("org:leadership")).content.decode()
    assert "稽查督办科" in page


# --- admin -------------------------------------------------------------------------------------------------


def test_admin_cannot_delete_organisation_rows(hall):
    request = RequestFactory().get("/admin/")
    request.user = hall.sysadmin.user
    from org import models

    for model in [
        models.Center,
        models.Section,
        models.Department,
        models.StaffProfile,
        models.Window,
        models.Post,
        models.Authorization,
        models.Absence,
        models.BackupTraining,
        models.PhoneChange,
        models.RoleGrant,
    ]:
        assert model in admin.site._registry, model
        assert admin.site._registry[model].has_delete_permission(request) is False, model


def test_admin_changelists_render(hall, admin_client):
    for name in [
        "center",
        "department",
        "staffprofile",
        "window",
        "post",
        "authorization",
        "absence",
        "rolegrant",
    ]:
        assert admin_client.get(reverse(f"admin:org_{name}_changelist")).status_code == 200, name
    assert admin_client.get(reverse("admin:org_post_change", args=[hall.post.pk])).status_code == 200


def test_the_staff_list_never_says_on_duty_for_people_merely_not_away(client, hall):
    """The list knows who is employed and who is recorded away, not who is in the hall: on a Sunday it must
    not tell the office that the whole centre is 在岗 (issue 9). Only the public staff board, which reads the
    hall's hours, says who is on duty now."""
    absent(hall.clerk, at(2026, 3, 8, 0), at(2026, 3, 9, 0))
    with time_machine.travel(at(2026, 3, 8, 10), tick=False):  # a Sunday
        client.force_login(hall.office.user)
        page = client.get(reverse("org:staff_list")).content.decode()
    assert ">在岗<" not in page
    assert ">在职<" in page and ">离岗<" in page
