"""The demo centre: `load_demo` builds it, meets its targets, every demo login signs in, and a second run
changes nothing.

One test runs the (few seconds long) load twice; each check is a function below. The data cannot be shared
between tests: each test's rows are rolled back, and history rows cannot be deleted.
"""

from __future__ import annotations

from datetime import datetime
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Q
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from catalog.models import CaseType, Item, ItemStatus
from catalog.services import check_promised_limit
from common.models import HistoryEntry
from demo.data import read
from demo.management.commands.demo_logins import PLATFORM_OPERATOR
from org.access import is_platform_operator
from org.models import (
    Authorization,
    Center,
    Department,
    Post,
    Role,
    RoleGrant,
    Section,
    StaffProfile,
    Window,
    WindowKind,
)
from org.services import authorization_in_force

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

COUNTED_APPS = ["org", "catalog", "workdays", "policy", "common", "auth"]
# The seed's items that are still in force (the abolished ones are replaced: demo/tests/test_demo_truth.py).
SEED_ITEMS = [
    "货物进出口许可证签发",
    "外商投资项目登记备案",
    "国家鼓励发展的外商投资项目确认书核发",
    "机动车注册登记",
    "机动车转移登记",
    "机动车变更登记",
    "机动车抵押登记",
    "机动车注销登记",
    "补领机动车号牌",
    "补领、换领机动车行驶证",
    "机动车驾驶证申领（初次申领）",
    "机动车驾驶证换证",
    "机动车驾驶证补证",
    "核发机动车检验合格标志",
]


def load_demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for label in COUNTED_APPS
        for model in apps.get_app_config(label).get_models()
    }


def test_load_demo_builds_the_demo_centre_and_a_second_run_changes_nothing() -> None:
    data = read()
    first = load_demo()
    county = Center.objects.get(code="demo-county")
    assert f"published items {len(data.items)}" in first
    before = row_counts()
    history_before = HistoryEntry.objects.count()
    versions_before = sorted(Item.objects.filter(center=county).values_list("code", "current_version_id"))

    second = load_demo()

    assert row_counts() == before
    assert HistoryEntry.objects.count() == history_before
    assert (
        sorted(Item.objects.filter(center=county).values_list("code", "current_version_id"))
        == versions_before
    )
    assert "没有任何改动" in second

    check_counts_meet_the_targets(county)
    check_every_post_has_an_a_and_a_b(county)
    check_every_published_item_respects_the_promised_limit_rule(county)
    check_authorizations_in_force_and_expired(county)
    check_every_demo_login_can_sign_in(county)
    check_demo_logins_prints_the_table()


def check_counts_meet_the_targets(county: Center) -> None:
    city = Center.objects.get(code="demo-city")
    assert county.parent == city
    assert county.name == "示范县政务服务中心"
    assert list(city.children.values_list("code", flat=True)) == ["demo-county"]
    assert sorted(Section.objects.filter(center=county).values_list("kind", flat=True)) == [
        "coordination",
        "office",
        "supervision",
    ]
    assert list(Section.objects.filter(center=city).values_list("kind", flat=True)) == ["office"]
    assert list(Department.objects.filter(center=city)) == []
    assert Department.objects.filter(center=county).count() >= 15
    assert Window.objects.filter(center=county).count() >= 30
    assert StaffProfile.objects.filter(center=county).count() >= 80
    published = Item.objects.filter(center=county, status=ItemStatus.PUBLISHED)
    assert published.count() >= 60
    assert published.count() == Item.objects.filter(center=county).count() == len(read().items)
    # Exactly what the data files hold.
    data = read()
    assert Department.objects.filter(center=county).count() == len(data.departments) == 18
    assert Window.objects.filter(center=county).count() == len(data.windows) == 32
    assert Post.objects.filter(center=county).count() == len(data.posts) == 53
    assert StaffProfile.objects.filter(center=county).count() == len(data.staff) == 84
    comprehensive = Window.objects.filter(center=county, kind=WindowKind.COMPREHENSIVE)
    assert comprehensive.count() == 2
    assert all(w.served_departments.count() >= 3 for w in comprehensive)
    names = set(published.values_list("current_version__name", flat=True))
    assert [name for name in SEED_ITEMS if name not in names] == []
    # The vehicle hall has the seed's posts.
    posts = set(Post.objects.filter(window__number__in=["B01", "B02"]).values_list("name", flat=True))
    assert posts == {"查验岗", "登记审核岗", "档案管理岗", "业务领导岗", "受理岗"}


def check_every_post_has_an_a_and_a_b(county: Center) -> None:
    posts = Post.objects.filter(center=county).prefetch_related("backup_links")
    assert posts.count() >= 30
    for post in posts:
        backups = [link.staff_id for link in post.backup_links.all()]
        assert backups, f"{post} has no B"
        assert post.holder_a_id not in backups
    assert not Window.objects.filter(center=county, head=None).exists()
    assert not Window.objects.filter(center=county, deputy_in_charge=None).exists()


def check_every_published_item_respects_the_promised_limit_rule(county: Center) -> None:
    for item in Item.objects.filter(center=county).select_related("current_version"):
        version = item.current_version
        assert version is not None
        if version.case_type == CaseType.IMMEDIATE:
            assert version.promised_limit_days == 0, item.code
        else:
            assert version.promised_limit_days * 2 <= version.statutory_limit_days, item.code
        check_promised_limit(
            center=county,
            statutory_limit_days=version.statutory_limit_days,
            promised_limit_days=version.promised_limit_days,
            case_type=version.case_type,
        )
        assert version.materials.exists() and version.steps.exists(), item.code
        assert len(version.basic_code) == 12 and version.level == 4, item.code


def check_authorizations_in_force_and_expired(county: Center) -> None:
    # The demo's years follow the year it is loaded in: its chiefs are authorised whenever it is loaded.
    year = timezone.localdate().year
    moment = timezone.make_aware(datetime(year, 6, 1, 10, 0))
    chief = StaffProfile.objects.get(center=county, badge_number="WM001")
    current = authorization_in_force(representative=chief, scope="decide_general", moment=moment)
    assert current is not None
    assert current.document_number == f"外经贸授字〔{year}〕1号"
    assert current.replaces.document_number == f"外经贸授字〔{year - 1}〕1号"
    last_year = timezone.make_aware(datetime(year - 1, 6, 1, 10, 0))
    previous = authorization_in_force(representative=chief, scope="decide_general", moment=last_year)
    assert previous is not None and previous.document_number == f"外经贸授字〔{year - 1}〕1号"
    agriculture = StaffProfile.objects.get(center=county, badge_number="NY001")
    assert authorization_in_force(representative=agriculture, scope="decide_general", moment=moment) is None
    assert Authorization.objects.filter(center=county).count() == len(read().authorizations)


def check_every_demo_login_can_sign_in(county: Center) -> None:
    data = read()
    users = get_user_model().objects
    usernames = [login.username for login in data.logins]
    for login in data.logins:
        client = Client()
        response = client.post(reverse("org:login"), {"username": login.username, "password": data.password})
        assert response.status_code == 302, login.username
        user = users.get(username=login.username)
        assert client.session["_auth_user_id"] == str(user.pk)
        assert user.staff_profile.badge_number == data.login_staff(login).badge
    # No centre's login is a superuser: Django's admin is the platform operator's, who belongs to no centre.
    assert not users.filter(username__in=usernames).filter(Q(is_staff=True) | Q(is_superuser=True)).exists()
    operator = users.get(username=PLATFORM_OPERATOR)
    assert operator.is_superuser and is_platform_operator(operator)
    client = Client()
    response = client.post(reverse("admin:login"), {"username": PLATFORM_OPERATOR, "password": data.password})
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
    client = Client()
    client.post(reverse("admin:login"), {"username": "sysadmin", "password": data.password})
    assert client.get(reverse("admin:index")).status_code == 302
    clerk = StaffProfile.objects.get(user__username="clerk")
    clerkb = StaffProfile.objects.get(user__username="clerkb")
    intake = Post.objects.get(window__center=county, window__number="A01", name="受理岗")
    assert intake.holder_a == clerk
    assert intake.backup_links.order_by("order").first().staff == clerkb
    grants = set(
        RoleGrant.objects.filter(center=county, user__username__in=usernames).values_list(
            "user__username", "role"
        )
    )
    assert grants == {
        ("director", Role.DIRECTOR),
        ("deputy", Role.DEPUTY),
        ("office", Role.OFFICE),
        ("supervision", Role.SUPERVISION),
        ("coordination", Role.COORDINATION),
        ("windowhead", Role.WINDOW_HEAD),
        ("chief", Role.CHIEF_REPRESENTATIVE),
        ("clerk", Role.WINDOW_STAFF),
        ("clerkb", Role.WINDOW_STAFF),
        ("sysadmin", Role.SYSADMIN),
    }
    # The other logins exist only to hold a role: they cannot sign in.
    others = StaffProfile.objects.filter(center=county, user__isnull=False).exclude(
        user__username__in=usernames
    )
    assert sorted(others.values_list("user__username", flat=True)) == ["wangxiuying", "zhangwei"]
    assert not any(s.user.has_usable_password() for s in others)


def check_demo_logins_prints_the_table() -> None:
    out = StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    data = read()
    assert [login.username for login in data.logins if login.username not in text] == []
    assert data.password in text
    assert "未载入" not in text
    assert "/admin/" in text and PLATFORM_OPERATOR in text
