"""The staff menu by role (R-ORG-1): each role's menu offers exactly the pages it may open, a refused page names
the roles that may, and the check of the case histories' chains is in the supervision menu."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from org.context_processors import STAFF_MENU
from org.models import Role
from org.tests import factories as f

PERSONAS = ["clerk", "chief", "supervision", "coordination", "office", "director", "sysadmin"]
URL_NAMES = sorted(
    {name for entry in STAFF_MENU for name in (entry.url_name, *(c.url_name for c in entry.children))}
)


def _menu(html: str) -> list[str]:
    """The addresses the page's main menu links to."""
    nav = re.search(r'<nav class="mainnav"[^>]*>(.*?)</nav>', html, re.S)
    assert nav is not None
    return re.findall(r'href="([^"]+)"', nav.group(1))


@pytest.mark.parametrize("persona", PERSONAS)
def test_r_org_1_a_role_menu_offers_exactly_the_pages_the_role_may_open(
    hall: Any, client: Any, persona: str
) -> None:
    client.force_login(getattr(hall, persona).user)
    menu = _menu(client.get(reverse("desk:home")).content.decode())
    assert len(menu) == len(set(menu))
    for name in URL_NAMES:
        url = reverse(name)
        status = client.get(url).status_code
        assert status in (200, 403), (name, status)
        assert (url in menu) == (status == 200), (persona, name, status)


def test_r_org_1_the_supervision_menu_leads_to_the_chain_check(hall: Any, client: Any) -> None:
    client.force_login(hall.supervision.user)
    html = client.get(reverse("desk:home")).content.decode()
    group = re.search(r'<details class="navgroup[^"]*">\s*<summary>督办</summary>(.*?)</details>', html, re.S)
    assert group is not None
    assert re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', group.group(1)) == [
        (reverse("supervision:dashboard"), "督办看板"),
        (reverse("supervision:chain_verify"), "办件历史链校验"),
    ]
    page = client.get(reverse("supervision:chain_verify")).content.decode()
    # On the chain check, its entry (and only it) is marked as the page shown, and its group too.
    assert re.findall(r'<a href="([^"]+)" aria-current="page">', page) == [
        reverse("supervision:chain_verify")
    ]
    assert '<details class="navgroup current">\n          <summary>督办</summary>' in page
    # The coordination section reads the dashboard but may not verify the chains: its group has one entry.
    client.force_login(hall.coordination.user)
    menu = _menu(client.get(reverse("desk:home")).content.decode())
    assert reverse("supervision:dashboard") in menu
    assert reverse("supervision:chain_verify") not in menu


def test_r_org_1_a_window_clerk_has_no_supervision_menu(hall: Any, client: Any) -> None:
    client.force_login(hall.clerk.user)
    html = client.get(reverse("desk:home")).content.decode()
    assert "<summary>督办</summary>" not in html
    # Neither in the menu nor among the home page's links (other supervision pages, such as the monthly meeting's,
    # are every staff member's: their addresses start with the dashboard's).
    assert f'href="{reverse("supervision:dashboard")}"' not in html
    assert reverse("desk:workbench") in _menu(html)


def test_r_org_1_a_refused_page_names_the_roles_that_may_open_it(hall: Any, client: Any) -> None:
    client.force_login(hall.clerk.user)
    response = client.get(reverse("supervision:dashboard"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "无权访问" in page
    assert "此页面或操作需要以下角色之一：主任、分管副主任、稽查督办科、行政审批协调科、系统管理员。" in page
    assert re.search(r'您的角色：\s*<span class="badge">窗口工作人员</span>', page)
    # The menu is still there, so the way on is one click away.
    assert reverse("desk:workbench") in _menu(page)

    response = client.get(reverse("supervision:chain_verify"))
    assert response.status_code == 403
    assert "此页面或操作需要以下角色之一：主任、稽查督办科、系统管理员。" in response.content.decode()


def test_r_org_1_the_api_refusal_names_the_roles_too(hall: Any, client: Any) -> None:
    client.force_login(hall.clerk.user)
    response = client.get(reverse("api:case_chains", kwargs={"center": hall.center.code}))
    assert response.status_code == 403
    assert response.json()["error"] == {
        "code": "permission_denied",
        "message": "此页面或操作需要以下角色之一：主任、稽查督办科、系统管理员。",
    }


def test_a_user_with_a_role_but_no_staff_profile_has_no_workbench_in_the_menu(hall: Any, client: Any) -> None:
    user = f.make_user()
    f.grant(user, hall.center, Role.DIRECTOR)
    client.force_login(user)
    menu = _menu(client.get(reverse("desk:home")).content.decode())
    assert reverse("desk:workbench") not in menu and reverse("hall:appointments") not in menu
    assert client.get(reverse("desk:workbench")).status_code == 403
    assert reverse("supervision:chain_verify") in menu


def test_a_user_without_any_role_sees_only_the_home_page(db: Any, client: Any) -> None:
    client.force_login(f.make_user())
    assert _menu(client.get(reverse("desk:home")).content.decode()) == [reverse("desk:home")]


# The menu of templates/base.html as a template loop, before its links were written out in Python.
MENU_LOOP = """{% for link in staff_menu %}
        {% if link.children %}
        <details class="navgroup{% if link.current %} current{% endif %}">
          <summary>{{ link.label }}</summary>
          <div class="navmenu">
            {% for child in link.children %}<a href="{{ child.url }}"{% if child.current %} aria-current="page"{% endif %}>{{ child.label }}</a>{% endfor %}
          </div>
        </details>
        {% else %}
        <a href="{{ link.url }}"{% if link.current %} aria-current="page"{% endif %}>{{ link.label }}</a>
        {% endif %}
      {% endfor %}"""


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_r_org_1_the_menu_written_out_is_the_menu_the_template_loop_wrote(
    hall: Any, rf: Any, persona: str, language: str
) -> None:
    from django.template import Context, Template
    from django.utils import translation

    from org.auth import StaffModelBackend
    from org.context_processors import StaffMenu

    user = StaffModelBackend().get_user(getattr(hall, persona).user.pk)
    paths = [
        reverse(name)
        for name in ("desk:home", "desk:workbench", "staffing:board", "supervision:chain_verify")
    ]
    for path in (*paths, reverse("cases:case_detail", args=[1]), "/elsewhere/"):
        request = rf.get(path)
        request.user = user
        with translation.override(language):
            menu = StaffMenu(request)
            expected = Template(MENU_LOOP).render(Context({"staff_menu": StaffMenu(request)}))
            assert menu.html == expected
            if path == reverse("desk:home"):  # the page being shown is marked: every menu has the home page
                assert menu.html.count('aria-current="page"') == 1
            if path == "/elsewhere/":
                assert 'aria-current="page"' not in menu.html
