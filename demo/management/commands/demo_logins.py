"""`manage.py demo_logins`: the demo centre's logins, one per role, with their password and what to try."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.urls import NoReverseMatch, reverse

from demo.data import read
from demo.progress import width
from org.models import Center

# The platform operator's login (Django's admin, org/admin_site.py), no centre's; `load_demo` creates it.
PLATFORM_OPERATOR = "platform"


def pad(text: str, columns: int) -> str:
    return text + " " * (columns - width(text))


def table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    rule = "+".join("-" * (w + 2) for w in widths)
    lines = [
        " " + " | ".join(pad(h, w) for h, w in zip(header, widths, strict=True)),
        rule,
        *(" " + " | ".join(pad(c, w) for c, w in zip(row, widths, strict=True)) for row in rows),
    ]
    return "\n".join(line.rstrip() for line in lines)


class Command(BaseCommand):
    help = "列出示范中心的登录账号（每个角色一个）、密码和可以试用的功能。"

    def handle(self, *args: Any, **options: Any) -> None:
        data = read()
        center = Center.objects.filter(code=data.county.code).first()
        if center is None:
            self.stdout.write(self.style.WARNING("示范中心尚未载入：请先运行 manage.py load_demo"))
        usernames = [login.username for login in data.logins] + [PLATFORM_OPERATOR]
        loaded = set(
            get_user_model().objects.filter(username__in=usernames).values_list("username", flat=True)
        )
        rows = []
        for login in data.logins:
            state = "" if login.username in loaded else "（未载入）"
            name = data.login_staff(login).name
            rows.append([login.role, login.username + state, data.password, name, login.to_try])
        title = f"示范账号 · {data.county.name}（代码 {data.county.code}）"
        self.stdout.write(title)
        self.stdout.write("")
        self.stdout.write(table(["角色", "用户名", "密码", "姓名", "可以试试"], rows))
        self.stdout.write("")
        try:
            login_url = reverse("org:login")
        except NoReverseMatch:  # pragma: no cover - the URL is part of the project
            login_url = "/login/"
        operator = PLATFORM_OPERATOR + ("" if PLATFORM_OPERATOR in loaded else "（未载入）")
        self.stdout.write(f"登录地址：{login_url}")
        self.stdout.write(
            f"平台运维后台：/admin/（账号 {operator}，密码同上；仅平台运维使用，不属于任何中心，"
            "各中心工作人员包括系统管理员均不能登录）"
        )
        self.stdout.write("其他工作人员没有登录账号，或账号密码不可用（仅用于授予角色）。")
