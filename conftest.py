"""Shared personas (STYLE.md §8): the people whose point of view the tests take.

Each persona is a logged-in-able user with a staff profile and a role at the centre `center`:
window clerk (A of a post), clerk of another window, chief representative, supervision section,
coordination section, office, director, system administrator; plus a user of another centre and the
anonymous public (the plain `client`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from org.models import Center, Department, Post, Role, StaffProfile, Window
from org.tests import factories as f

# The national calendar fixture, and the autouse fixture that clears the in-process calendar cache.
pytest_plugins = ["workdays.tests.fixtures"]


@dataclass
class Hall:
    center: Center
    department: Department
    window: Window
    post: Post
    other_window: Window
    clerk: StaffProfile  # A of `post` at `window`
    backup: StaffProfile  # B of `post`
    other_clerk: StaffProfile  # works at `other_window`
    chief: StaffProfile  # chief representative of `window`
    supervision: StaffProfile
    coordination: StaffProfile
    office: StaffProfile
    director: StaffProfile
    sysadmin: StaffProfile
    outsider: StaffProfile  # works at another centre


def _staff_with_role(center: Center, role: Role, window: Window | None = None, **kw: Any) -> StaffProfile:
    staff = f.make_staff(center, window=window, **kw)
    f.grant(staff.user, center, role, window)
    return staff


@pytest.fixture(autouse=True)
def fresh_cache() -> Any:
    """Each test starts with empty caches, the shared one and the processes' own (rolled-back rows may reuse ids
    that a cached value names)."""
    from django.core.cache import cache

    from catalog.selectors import clear_published_versions
    from policy.selectors import clear_policy_cache

    cache.clear()
    clear_policy_cache()
    clear_published_versions()
    yield
    cache.clear()
    clear_policy_cache()
    clear_published_versions()


@pytest.fixture(autouse=True)
def default_language() -> Any:
    """Each test starts in the default language (Chinese). A request made through the test client leaves the
    language it asked for active on the thread (`LocaleMiddleware` activates it; nothing deactivates it after
    the response), and a later test in the same process would then run in English."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def hall(db: Any) -> Hall:
    center = f.make_center(code="demo-county", name="示范县政务服务中心")
    department = f.make_department(center, code="ftb", name="外经贸局", short_name="外经贸")
    window = f.make_window(center, department, number="A01", name="外经贸局窗口")
    other_window = f.make_window(center, number="B02")
    clerk = _staff_with_role(center, Role.WINDOW_STAFF, window, name="王受理", department=department)
    backup = _staff_with_role(center, Role.WINDOW_STAFF, window, name="李备岗", department=department)
    post = f.make_post(window, a=clerk, backups=[backup], name="受理岗")
    chief = _staff_with_role(center, Role.CHIEF_REPRESENTATIVE, window, name="赵首席", department=department)
    window.chief_representative = chief
    window.head = chief
    window.save()
    other = center_other = f.make_center(code="other-county", name="邻县政务服务中心")
    outsider = _staff_with_role(center_other, Role.COORDINATION, name="外中心人员")
    del other
    return Hall(
        center=center,
        department=department,
        window=window,
        post=post,
        other_window=other_window,
        clerk=clerk,
        backup=backup,
        other_clerk=_staff_with_role(center, Role.WINDOW_STAFF, other_window, name="孙他窗"),
        chief=chief,
        supervision=_staff_with_role(center, Role.SUPERVISION, name="周稽查"),
        coordination=_staff_with_role(center, Role.COORDINATION, name="吴协调"),
        office=_staff_with_role(center, Role.OFFICE, name="郑办公室"),
        director=_staff_with_role(center, Role.DIRECTOR, name="钱主任"),
        sysadmin=_staff_with_role(center, Role.SYSADMIN, name="冯管理员"),
        outsider=outsider,
    )


@pytest.fixture
def login(client: Any) -> Any:
    """login(staff) signs the persona in on the test client and returns the client."""

    def _login(staff: StaffProfile) -> Any:
        client.force_login(staff.user)
        return client

    return _login


CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Any:
    """Debian's chromium driven by Playwright (its own browser download is neither needed nor possible)."""
    import os
    import shutil

    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make are still sync.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    # Django keeps a thread's connections in a thread-local while no event loop runs in the thread, and in a
    # context variable while one does; Playwright leaves its loop marked as running here between its calls.
    # Without this, every test after the first browser test would open a second connection beside the first,
    # and the one left behind would keep the test database from being dropped at the end of the session.
    wrappers = {alias: connections[alias] for alias in connections}
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        for alias, wrapper in wrappers.items():  # the loop is marked running now: the same connections
            connections[alias] = wrapper
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any) -> Any:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()
