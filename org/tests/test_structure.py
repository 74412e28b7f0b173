"""Centre sections and leaders (R-ORG-2); departments and windows (R-ORG-3)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from common.errors import RuleViolation
from common.history import history_of
from org import selectors, services
from org.models import Department, Role, Section, SectionKind, Window, WindowKind
from org.tests import factories as f

# --- R-ORG-2 ---------------------------------------------------------------------------------------------


def test_r_org_2_centre_has_one_section_of_each_kind(hall):
    office = services.section_create(actor=hall.sysadmin.user, center=hall.center, kind=SectionKind.OFFICE)
    assert (office.name, office.center) == ("办公室", hall.center)
    services.section_create(
        actor=hall.sysadmin.user,
        center=hall.center,
        kind=SectionKind.SUPERVISION,
        name="稽查督办科",
        phone="0713-1234567",
    )
    with pytest.raises(RuleViolation) as refused:
        services.section_create(
            actor=hall.sysadmin.user, center=hall.center, kind=SectionKind.OFFICE, name="第二办公室"
        )
    assert (refused.value.rule, refused.value.message) == ("R-ORG-2", "本中心已设办公室。")
    assert Section.objects.filter(center=hall.center).count() == 2
    assert history_of(office).get().rule == "R-ORG-2"


def test_r_org_2_deputy_in_charge_of_windows(hall, login):
    deputy = f.make_staff(hall.center, name="孙副主任", title="副主任")
    f.grant(deputy.user, hall.center, Role.DEPUTY)
    services.window_update(actor=hall.office.user, window=hall.window, deputy_in_charge=deputy)
    services.window_update(actor=hall.office.user, window=hall.other_window, deputy_in_charge=deputy)
    assert list(selectors.windows_in_charge_of(deputy)) == [hall.window, hall.other_window]
    entry = history_of(hall.window).get(action="update")
    assert entry.rule == "R-ORG-2"
    assert entry.changes == {"deputy_in_charge": [None, "孙副主任"]}

    leaders = {(leader.staff, leader.role): leader.windows for leader in selectors.leadership(hall.center)}
    assert leaders[(deputy, Role.DEPUTY)] == [hall.window, hall.other_window]
    assert leaders[(hall.director, Role.DIRECTOR)] == []

    response = login(deputy).get(reverse("desk:home"))
    assert response.context["deputy_windows"] == [hall.window, hall.other_window]
    page = login(hall.clerk).get(reverse("org:leadership")).content.decode()
    assert "孙副主任" in page and "A01 外经贸局窗口" in page


def test_r_org_2_only_a_deputy_or_director_can_be_in_charge_of_a_window(hall):
    with pytest.raises(RuleViolation) as refused:
        services.window_update(actor=hall.office.user, window=hall.window, deputy_in_charge=hall.clerk)
    assert (refused.value.rule, refused.value.field) == ("R-ORG-2", "deputy_in_charge")
    assert refused.value.message == "分管窗口的须为中心主任或分管副主任。"
    hall.window.refresh_from_db()
    assert hall.window.deputy_in_charge is None


# --- R-ORG-3 ---------------------------------------------------------------------------------------------


def test_r_org_3_department_code_unique_in_centre(hall):
    with pytest.raises(RuleViolation) as refused:
        services.department_create(actor=hall.office.user, center=hall.center, code="ftb", name="另一个局")
    assert (refused.value.rule, refused.value.message) == ("R-ORG-3", "部门代码“ftb”已被使用。")
    # Another centre may use the same code (its own office registers it).
    other = f.make_center()
    office = f.make_staff(other)
    f.grant(office.user, other, Role.OFFICE)
    department = services.department_create(actor=office.user, center=other, code="ftb", name="外经贸局")
    assert department.center == other
    assert Department.objects.filter(code="ftb").count() == 2


def test_r_org_3_windows_standing_and_comprehensive(hall):
    police = services.department_create(
        actor=hall.office.user,
        center=hall.center,
        code="police",
        name="公安局车管所",
        legal_representative="周所长",
    )
    standing = services.window_create(
        actor=hall.office.user,
        center=hall.center,
        department=police,
        number="B01",
        name="车管所窗口",
        head=hall.other_clerk,
        chief_representative=hall.chief,
    )
    assert (standing.kind, standing.head, standing.chief_representative) == (
        WindowKind.STANDING,
        hall.other_clerk,
        hall.chief,
    )
    comprehensive = services.window_create(
        actor=hall.office.user,
        center=hall.center,
        department=hall.department,
        number="Z01",
        name="综合受理窗口",
        kind=WindowKind.COMPREHENSIVE,
        served_departments=[police],
    )
    assert list(comprehensive.served_departments.all()) == [police]
    assert history_of(comprehensive).get().changes["served_departments"] == ["公安局车管所"]


def test_r_org_3_standing_window_serves_only_its_department(hall):
    with pytest.raises(RuleViolation) as refused:
        services.window_create(
            actor=hall.office.user,
            center=hall.center,
            department=hall.department,
            number="B09",
            name="窗口",
            served_departments=[hall.other_window.department],
        )
    assert (refused.value.rule, refused.value.field) == ("R-ORG-3", "served_departments")
    assert not Window.objects.filter(number="B09").exists()


def test_r_org_3_window_number_unique_and_department_of_same_centre(hall):
    with pytest.raises(RuleViolation) as refused:
        services.window_create(
            actor=hall.office.user,
            center=hall.center,
            department=hall.department,
            number="A01",
            name="重复窗口",
        )
    assert refused.value.message == "窗口号“A01”已被使用。"
    foreign = f.make_department(f.make_center())
    with pytest.raises(RuleViolation) as refused:
        services.window_create(
            actor=hall.office.user, center=hall.center, department=foreign, number="A09", name="窗口"
        )
    assert (refused.value.rule, refused.value.field) == ("R-ORG-3", "department")


def test_r_org_3_department_with_active_windows_cannot_be_deactivated(hall):
    with pytest.raises(RuleViolation) as refused:
        services.department_update(actor=hall.office.user, department=hall.department, is_active=False)
    assert refused.value.message == "该部门仍有启用的窗口，请先停用其窗口。"
    hall.department.refresh_from_db()
    assert hall.department.is_active is True


def test_r_org_3_window_page_shows_head_chief_and_posts(hall, login):
    response = login(hall.clerk).get(reverse("org:window_detail", args=[hall.window.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "窗口负责人" in html and "首席代表" in html and "赵首席" in html
    assert [r.post for r in response.context["rows"]] == [hall.post]


def test_r_org_3_department_page_lists_its_windows(hall, login):
    response = login(hall.clerk).get(reverse("org:department_detail", args=[hall.department.pk]))
    assert response.context["windows"] == [hall.window]


def test_r_org_3_office_creates_department_and_window_through_the_pages(hall, login):
    client = login(hall.office)
    response = client.post(
        reverse("org:department_create"), {"code": "med", "name": "医保局", "legal_representative": "吴局长"}
    )
    department = Department.objects.get(center=hall.center, code="med")
    assert response.status_code == 302
    response = client.post(
        reverse("org:window_create", args=[department.pk]),
        {
            "number": "C01",
            "name": "医疗保险窗口",
            "kind": "standing",
            "department": department.pk,
            "chief_representative": hall.chief.pk,
        },
    )
    assert response.status_code == 302
    window = Window.objects.get(center=hall.center, number="C01")
    assert (window.department, window.chief_representative) == (department, hall.chief)
    # A clash is shown on the form with the rule, and nothing is saved.
    response = client.post(reverse("org:department_create"), {"code": "med", "name": "重复"})
    assert response.status_code == 200
    assert "部门代码“med”已被使用。（R-ORG-3）" in response.content.decode()
    assert Department.objects.filter(center=hall.center, code="med").count() == 1
