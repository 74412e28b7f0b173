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


@dataclass(frozen=True, eq=False)  # one object per entry: compared and hashed as itself (see `Shape`)
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
_LABELS: dict[tuple[str | None, int], tuple[str | Promise, str]] = {}


def _label_html(label: str | Promise, language: str | None) -> str:
    key = (language, id(label))
    cached = _LABELS.get(key)
    if cached is None or cached[0] is not label:
        cached = _LABELS[key] = (label, escape(str(label)))
    return cached[1]


def _link_html(label: str | Promise, url: str, current: bool, language: str | None) -> str:
    shown = ' aria-current="page"' if current else ""
    return f'<a href="{escape(url)}"{shown}>{_label_html(label, language)}</a>'


# The entries a user may open, each with the children they may open: the same for every user with the same
# answers to `allows` (whether they have an active profile, a centre, and which roles there).
Shape = tuple[tuple[Entry, tuple[Entry, ...]], ...]
# The addresses of a shape's entries and of their children, in the same order.
Addresses = tuple[tuple[str, tuple[str, ...]], ...]
# The entries marked as the page being shown: (entry, child) positions, child -1 for an entry without children.
Current = frozenset[tuple[int, int]]


@lru_cache(maxsize=256)
def _shape(profile_active: bool, has_center: bool, roles: frozenset[str]) -> Shape:
    def allows(allowed: Allowed) -> bool:
        if allowed == PROFILE:
            return profile_active
        if not has_center:
            return False
        if allowed is STAFF:
            return True
        assert isinstance(allowed, frozenset)
        return not roles.isdisjoint(allowed)  # `has_role(user, center, allowed)`

    # Every signed-in user has a home page (it says so when they have no role yet).
    return tuple(
        (entry, tuple(child for child in entry.children if allows(child.allowed)))
        for entry in STAFF_MENU
        if entry.url_name == "desk:home" or allows(entry.allowed)
    )


@lru_cache(maxsize=256)
def _addresses(shape: Shape, prefix: str, urlconf: Any) -> Addresses:
    return tuple(
        (
            _reversed(entry.url_name, prefix, urlconf),
            tuple(_reversed(c.url_name, prefix, urlconf) for c in children),
        )
        for entry, children in shape
    )


def _current(addresses: Addresses, path: str, home: str) -> Current:
    """The entry of the page being shown: the one whose address is the longest start of the path (the home
    page only for itself), with the group holding it."""
    every = [(url, (i, -1)) for i, (url, children) in enumerate(addresses) if not children]
    every += [(url, (i, j)) for i, (_url, children) in enumerate(addresses) for j, url in enumerate(children)]
    fitting = [(len(url), at) for url, at in every if path == url or (url != home and path.startswith(url))]
    if not fitting:
        return frozenset()
    best = max(length for length, _at in fitting)
    return frozenset(at for length, at in fitting if length == best)


@lru_cache(maxsize=1024)
def _menu_html(shape: Shape, addresses: Addresses, current: Current, language: str | None) -> str:
    """The menu's links (`StaffMenu.html`) for a shape, its addresses, the page being shown and the language."""
    out = []
    for i, ((entry, children), (url, child_urls)) in enumerate(zip(shape, addresses, strict=True)):
        if children:
            links = "".join(
                _link_html(child.label, child_url, (i, j) in current, language)
                for j, (child, child_url) in enumerate(zip(children, child_urls, strict=True))
            )
            group_current = any(at[0] == i for at in current)
            html = (
                f'\n        <details class="navgroup{" current" if group_current else ""}">\n'
                f"          <summary>{_label_html(entry.label, language)}</summary>\n"
                f'          <div class="navmenu">\n            {links}\n          </div>\n'
                "        </details>\n        "
            )
        else:
            html = f"\n        {_link_html(entry.label, url, (i, -1) in current, language)}\n        "
        out.append(f"\n        {html}\n      ")
    return "".join(out)


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

    @cached_property
    def roles(self) -> frozenset[str]:
        """The user's roles at their centre (`roles_at`), asked once for the whole menu."""
        return frozenset(roles_at(self.request.user, self.center)) if self.center is not None else frozenset()

    @cached_property
    def _parts(self) -> tuple[Shape, Addresses, Current] | None:
        """The user's shape of the menu, its addresses and the page being shown (None: nobody signed in)."""
        user = getattr(self.request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        profile = getattr(user, "staff_profile", None)
        shape = _shape(profile is not None and profile.is_active, self.center is not None, self.roles)
        prefix, urlconf = get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF
        addresses = _addresses(shape, prefix, urlconf)
        return (
            shape,
            addresses,
            _current(addresses, self.request.path, _reversed("desk:home", prefix, urlconf)),
        )

    @cached_property
    def entries(self) -> list[Link]:
        parts = self._parts
        if parts is None:
            return []
        shape, addresses, current = parts
        links = []
        for i, ((entry, children), (url, child_urls)) in enumerate(zip(shape, addresses, strict=True)):
            link = Link(
                entry.label, entry.url_name, url, (i, -1) in current or any(at[0] == i for at in current)
            )
            link.children = [
                Link(child.label, child.url_name, child_url, (i, j) in current)
                for j, (child, child_url) in enumerate(zip(children, child_urls, strict=True))
            ]
            links.append(link)
        return links

    @cached_property
    def html(self) -> SafeString:
        """The menu's links, written out in Python (`base.html`: `{{ staff_menu.html }}`): a group of pages is a
        `<details>` whose summary is its label, a page a link, the page being shown `aria-current`. Through the
        template engine the loop over a few dozen entries was half of the header's rendering on every staff
        page; `org/tests/test_menu.py` checks the output against the loop it replaced. The markup is kept per
        set of entries, page shown and language: the same few dozen menus serve every request."""
        parts = self._parts
        if parts is None:
            return mark_safe("")
        return mark_safe(_menu_html(*parts, get_language()))  # noqa: S308 - every label and address is escaped

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
