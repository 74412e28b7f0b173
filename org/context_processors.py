"""What every staff page's header shows: the user's centre and the menu of the pages their roles may use.

The menu is declared once, below (`STAFF_MENU`): each entry names its page and the roles that may use it, the
same `org.access` table the page itself checks with `require_role`, and the entry is shown when the user's
roles at their centre (`roles_at`, what `has_role` and so `require_role` ask) include one of them. So a menu
never offers a page that answers 403, and a page a role may use is never missing from its menu.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from html import escape  # what django.utils.html.escape does, without its lazy-string wrapper
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from common.errors import PermissionDenied

from .access import (
    CAN_APPROVE_LEAVE,
    CAN_CORRECT_ATTENDANCE,
    CAN_HANDLE_COMPLAINTS,
    CAN_READ_ASSESSMENT,
    CAN_SUPERVISE,
    CAN_VERIFY_CHAINS,
    CAN_VIEW_AUTHORIZATIONS,
    home_center,
    roles_at,
)
from .models import Center, Role

# Who may open an entry: `STAFF` is every signed-in user who works at a centre (the page asks `home_center`
# and nothing more), `PROFILE` only those with a staff profile (the workbench, the appointments), any other
# value the roles of `org.access` that the page requires.
STAFF = None
PROFILE = "profile"
Allowed = frozenset[str] | str | None


@dataclass(frozen=True)
class Entry:
    label: str | Promise
    url_name: str
    allowed: Allowed = STAFF
    children: tuple[Entry, ...] = ()


STAFF_MENU: tuple[Entry, ...] = (
    Entry(_("首页"), "desk:home"),
    Entry(
        _("工作台"),
        "desk:workbench",
        PROFILE,
        children=(
            Entry(_("窗口工作台"), "desk:workbench", PROFILE),
            Entry(_("今日预约"), "hall:appointments", PROFILE),
        ),
    ),
    Entry(_("办件查询"), "desk:case_search"),
    Entry(_("岗位AB角"), "org:post_board"),
    Entry(
        _("督办"),
        "supervision:dashboard",
        CAN_SUPERVISE,
        children=(
            Entry(_("督办看板"), "supervision:dashboard", CAN_SUPERVISE),
            Entry(_("办件历史链校验"), "supervision:chain_verify", CAN_VERIFY_CHAINS),
        ),
    ),
    Entry(_("投诉处理"), "supervision:complaint_inbox", CAN_HANDLE_COMPLAINTS),
    Entry(
        _("考核"),
        "supervision:assessment_mine",
        PROFILE,
        children=(
            Entry(_("我的考核"), "supervision:assessment_mine", PROFILE),
            Entry(_("月度考核表"), "supervision:assessment_sheet", CAN_READ_ASSESSMENT),
        ),
    ),
    Entry(
        _("组织机构"),
        "org:department_list",
        children=(
            Entry(_("进驻部门与窗口"), "org:department_list"),
            Entry(_("工作人员"), "org:staff_list"),
            Entry(_("中心科室与分管领导"), "org:leadership"),
            Entry(_("首席代表授权"), "org:authorization_list", CAN_VIEW_AUTHORIZATIONS),
        ),
    ),
    Entry(
        _("值班与考勤"),
        "staffing:duty_roster",
        children=(
            Entry(_("值班表"), "staffing:duty_roster"),
            Entry(_("我的情况说明"), "staffing:explanations", PROFILE),
            Entry(_("我的请假"), "staffing:leave_mine", PROFILE),
            Entry(_("待我审批"), "staffing:leave_approvals", CAN_APPROVE_LEAVE),
            Entry(_("今日在岗"), "staffing:board", CAN_SUPERVISE),
            Entry(_("在岗稽查"), "staffing:spot_checks", CAN_SUPERVISE),
            Entry(_("月考勤表"), "staffing:sheet", CAN_SUPERVISE | CAN_CORRECT_ATTENDANCE),
            Entry(_("考勤机"), "staffing:terminals", CAN_SUPERVISE | CAN_CORRECT_ATTENDANCE),
        ),
    ),
    Entry(_("事项管理"), "catalog:item_list"),
    Entry(_("文书模板"), "cases:notice_templates"),
    Entry(_("工作日历"), "workdays:calendar"),
    Entry(_("制度参数"), "policy:policy_list"),
    Entry(_("月例会"), "supervision:meeting_list"),
    Entry(_("并联审批"), "joint:list", PROFILE),
    Entry(_("全程代办"), "agency:board"),
)


@lru_cache(maxsize=256)
def _reversed(url_name: str, prefix: str, urlconf: Any) -> str:
    del prefix, urlconf  # part of the key: the address depends on them
    return reverse(url_name)


def _url(url_name: str) -> str:
    """The address of a menu page, reversed once per process (and per script prefix and URLconf): the menu
    names the same few dozen pages on every staff page."""
    return _urls()(url_name)


def _urls() -> Any:
    """`_url` for the request's script prefix and URLconf, read once for a whole menu."""
    prefix, urlconf = get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF
    return lambda url_name: _reversed(url_name, prefix, urlconf)


@dataclass
class Link:
    """A menu entry the user may open, with its address; `current` marks the page being shown."""

    label: str | Promise
    url_name: str
    url: str
    current: bool = False
    children: list[Link] = field(default_factory=list)


# Each label of the menu in each language, translated and escaped once per process: the labels are the same few
# dozen texts (`STAFF_MENU`'s, alive as long as the process) on every staff page. Keyed by the language and the
# label itself; the label is kept with its text, so that a key is never another label's.
_LABELS: dict[tuple[str, int], tuple[str | Promise, str]] = {}


def _label_html(link: Link, language: str) -> str:
    key = (language, id(link.label))
    cached = _LABELS.get(key)
    if cached is None or cached[0] is not link.label:
        cached = _LABELS[key] = (link.label, escape(str(link.label)))
    return cached[1]


def _link_html(link: Link, language: str) -> str:
    current = ' aria-current="page"' if link.current else ""
    return f'<a href="{escape(link.url)}"{current}>{_label_html(link, language)}</a>'


class StaffMenu:
    """The menu of one request, worked out the first time a template reads it (public pages never do)."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    @cached_property
    def center(self) -> Center | None:
        user = getattr(self.request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        try:
            return home_center(user)
        except PermissionDenied:  # no staff profile and no role anywhere: only the home page, which says so
            return None

    def allows(self, allowed: Allowed) -> bool:
        user = self.request.user
        if allowed == PROFILE:
            profile = getattr(user, "staff_profile", None)
            return profile is not None and profile.is_active
        if self.center is None:
            return False
        if allowed is STAFF:
            return True
        assert isinstance(allowed, frozenset)
        return not self.roles.isdisjoint(allowed)  # `has_role(user, center, allowed)`, its roles read once

    @cached_property
    def roles(self) -> frozenset[str]:
        """The user's roles at their centre (`roles_at`), asked once for the whole menu."""
        return frozenset(roles_at(self.request.user, self.center)) if self.center is not None else frozenset()

    @cached_property
    def entries(self) -> list[Link]:
        user = getattr(self.request, "user", None)
        if user is None or not user.is_authenticated:
            return []
        links = []
        url = _urls()
        for entry in STAFF_MENU:
            # Every signed-in user has a home page (it says so when they have no role yet).
            if entry.url_name != "desk:home" and not self.allows(entry.allowed):
                continue
            link = Link(entry.label, entry.url_name, url(entry.url_name))
            link.children = [
                Link(child.label, child.url_name, url(child.url_name))
                for child in entry.children
                if self.allows(child.allowed)
            ]
            links.append(link)
        self._mark_current(links)
        return links

    def _mark_current(self, links: list[Link]) -> None:
        """Mark the entry of the page being shown: the one whose address is the longest start of the path (the
        home page only for itself), and the group holding it."""
        path = self.request.path
        home = _url("desk:home")
        every: list[tuple[Link, Link | None]] = [(link, None) for link in links if not link.children]
        every += [(child, link) for link in links for child in link.children]
        fitting = [
            (len(entry.url), entry, group)
            for entry, group in every
            if path == entry.url or (entry.url != home and path.startswith(entry.url))
        ]
        if not fitting:
            return
        best = max(length for length, _l, _g in fitting)
        for length, link, group in fitting:
            if length == best:
                link.current = True
                if group is not None:
                    group.current = True

    @cached_property
    def html(self) -> SafeString:
        """The menu's links, written out in Python (`base.html`: `{{ staff_menu.html }}`): a group of pages is a
        `<details>` whose summary is its label, a page a link, the page being shown `aria-current`. Through the
        template engine the loop over a few dozen entries was half of the header's rendering on every staff
        page; `org/tests/test_menu.py` checks the output against the loop it replaced."""
        out = []
        language = get_language()
        for link in self.entries:
            if link.children:
                children = "".join(_link_html(child, language) for child in link.children)
                entry = (
                    f'\n        <details class="navgroup{" current" if link.current else ""}">\n'
                    f"          <summary>{_label_html(link, language)}</summary>\n"
                    f'          <div class="navmenu">\n            {children}\n          </div>\n'
                    "        </details>\n        "
                )
            else:
                entry = f"\n        {_link_html(link, language)}\n        "
            out.append(f"\n        {entry}\n      ")
        return mark_safe("".join(out))  # noqa: S308 - every label and address is escaped

    @cached_property
    def names(self) -> frozenset[str]:
        """The URL names the user's menu offers (`{% if "supervision:dashboard" in staff_menu.names %}`)."""
        return frozenset(
            name for link in self.entries for name in (link.url_name, *(c.url_name for c in link.children))
        )

    @cached_property
    def role_labels(self) -> list[str]:
        """The user's roles at their centre, for the refused page ("您的角色")."""
        return [str(label) for value, label in Role.choices if value in self.roles]

    def __iter__(self) -> Any:
        return iter(self.entries)

    def __bool__(self) -> bool:
        return bool(self.entries)


def current_center(request: HttpRequest) -> dict[str, object]:
    """The centre the signed-in user works in, for the page header."""
    user = getattr(request, "user", None)
    profile = getattr(user, "staff_profile", None) if user is not None and user.is_authenticated else None
    return {"current_center": profile.center if profile is not None else None}


def staff_menu(request: HttpRequest) -> dict[str, object]:
    """The staff menu of `STAFF_MENU` for the signed-in user (read lazily by the templates)."""
    return {"staff_menu": StaffMenu(request)}
