"""Who may see and do what: the one place that scopes every query by centre and role (R-ORG-1).

Views never filter by centre themselves; they ask here. A role granted at a centre reaches that centre and
every centre below it.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from django.db import connection
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from common.errors import NotFound, PermissionDenied, RuleViolation

from .models import Center, Post, PostBackup, Role, RoleGrant, StaffProfile

# Roles that run the centre as a whole (see all of its windows).
CENTER_WIDE_ROLES = frozenset(
    {Role.DIRECTOR, Role.DEPUTY, Role.OFFICE, Role.SUPERVISION, Role.COORDINATION, Role.SYSADMIN}
)

# Which roles may change what. One table, so that the rule is read in one place.
CAN_EDIT_ORGANISATION = frozenset({Role.OFFICE, Role.SYSADMIN, Role.DIRECTOR})
CAN_EDIT_CATALOG = frozenset({Role.COORDINATION, Role.SYSADMIN})
CAN_EDIT_CALENDAR = frozenset({Role.SYSADMIN, Role.OFFICE})
CAN_EDIT_POLICY = frozenset({Role.SYSADMIN})
CAN_RECORD_ABSENCE = frozenset({Role.SUPERVISION, Role.OFFICE, Role.SYSADMIN, Role.DIRECTOR})
# Who may close and correct a day's attendance, always with a recorded reason (R-ATT-2).
CAN_CORRECT_ATTENDANCE = frozenset({Role.SUPERVISION, Role.OFFICE})
# Who may grant and revoke roles (R-ORG-1): those who keep the centre's staff, at their own centre (and the centres
# below it) only, and never to themselves (`org.services.role_grant`).
CAN_GRANT_ROLES = CAN_EDIT_ORGANISATION
CAN_RECORD_TRAINING = CAN_EDIT_ORGANISATION | {Role.WINDOW_HEAD, Role.CHIEF_REPRESENTATIVE}
# Authorisations and phone-change records are the centre's business, not every clerk's (R-ORG-4, R-ORG-9).
CAN_VIEW_AUTHORIZATIONS = CENTER_WIDE_ROLES | {Role.WINDOW_HEAD, Role.CHIEF_REPRESENTATIVE}
CAN_SEE_PHONE_CHANGES = CAN_EDIT_ORGANISATION | {Role.SUPERVISION}
# Who may read the supervision dashboard: the supervision section, the leadership, the administrator, and the
# coordination section (read only, like everyone there).
CAN_SUPERVISE = frozenset({Role.SUPERVISION, Role.DIRECTOR, Role.DEPUTY, Role.SYSADMIN, Role.COORDINATION})
# Who may verify the case histories' hash chains (R-CASE-10): the supervision section, the director, the
# administrator.
CAN_VERIFY_CHAINS = frozenset({Role.SUPERVISION, Role.DIRECTOR, Role.SYSADMIN})
# Who handles complaints (R-CMP-3): the supervision section receives all, the coordination section the web
# complaints about approval matters (and sees only those), the director all. Who reads a named complainant's
# identity (R-CMP-4): the supervision section and the director, by a grant at that very centre
# (`supervision.services.complaints.complaint_identity_read`).
CAN_HANDLE_COMPLAINTS = frozenset({Role.SUPERVISION, Role.DIRECTOR, Role.COORDINATION})
CAN_READ_COMPLAINANT = frozenset({Role.SUPERVISION, Role.DIRECTOR})
# The monthly assessment (R-ASM-16): the supervision section enters deductions, closes months and corrects them;
# the centre's leaders and office read every sheet; everyone reads their own month.
CAN_ASSESS = frozenset({Role.SUPERVISION})
CAN_READ_ASSESSMENT = frozenset({Role.SUPERVISION, Role.DIRECTOR, Role.DEPUTY, Role.OFFICE})
# Who approves leave at some tier or records a return (R-ATT-4, R-ATT-6); the service then checks the person the
# step names (the window's own head or chief representative, its deputy in charge).
CAN_APPROVE_LEAVE = frozenset(
    {Role.SUPERVISION, Role.DEPUTY, Role.DIRECTOR, Role.WINDOW_HEAD, Role.CHIEF_REPRESENTATIVE}
)
# The monthly meeting (R-MTG-1 … R-MTG-3): the office or the director schedules it; the leaders may chair it (the
# service checks the chair holds one of these roles); the pack (R-MTG-2) is read by the leadership, the office, the
# supervision section and the windows' heads and chief representatives, who report at the meeting. The meeting
# pages themselves are open to every staff member of the centre; who may sign in, submit or close is checked by
# the services against the person (the recorder, the chair, the owner).
CAN_SCHEDULE_MEETING = frozenset({Role.OFFICE, Role.DIRECTOR})
CAN_CHAIR_MEETING = frozenset({Role.DIRECTOR, Role.DEPUTY})
CAN_READ_MEETING_PACK = frozenset(
    {Role.DIRECTOR, Role.DEPUTY, Role.OFFICE, Role.SUPERVISION, Role.WINDOW_HEAD, Role.CHIEF_REPRESENTATIVE}
)


def active_grants(user: Any) -> QuerySet[RoleGrant]:
    if not getattr(user, "is_authenticated", False):
        return RoleGrant.objects.none()
    return RoleGrant.objects.filter(user=user, revoked_at=None)


Grant = tuple[int, int | None, str]  # (centre id, window id or None, role)


POST_WINDOW = ""  # the role column of a row that names a window of the user's posts, not a grant


def grant_ctes(user_key: str) -> tuple[str, str]:
    """The user's grants in force, the centres they reach (each granted centre and every centre below it) and
    the windows of the posts where their staff profile is the A or a B: the common table expressions (`granted`,
    `reached`; a statement starts them with WITH RECURSIVE) and the SELECT of their rows — a granted row carries
    its role, a reached centre's row none, a post's window `POST_WINDOW`. `user_key` is the SQL of the user's
    key (a parameter, or a subquery), used three times. `UNION` ends the walk down the tree."""
    q = connection.ops.quote_name
    grant, center = q(RoleGrant._meta.db_table), q(Center._meta.db_table)
    post, backup, staff = q(Post._meta.db_table), q(PostBackup._meta.db_table), q(StaffProfile._meta.db_table)
    # The user's staff profile, if any.
    me = f"(SELECT s.{q('id')} FROM {staff} s WHERE s.{q('user_id')} = {user_key})"  # noqa: S608 - names from the models
    ctes = (
        f"granted AS (SELECT {q('center_id')}, {q('window_id')}, {q('role')} FROM {grant} "  # noqa: S608 - names from the models
        f"WHERE {q('user_id')} = {user_key} AND {q('revoked_at')} IS NULL), "
        f"reached(id) AS (SELECT {q('center_id')} FROM granted UNION "
        f"SELECT c.{q('id')} FROM {center} c JOIN reached r ON c.{q('parent_id')} = r.id)"
    )
    rows = (
        f"SELECT {q('center_id')}, {q('window_id')}, {q('role')} FROM granted UNION ALL SELECT id, NULL, NULL FROM reached "  # noqa: S608 - names from the models
        f"UNION ALL SELECT NULL, p.{q('window_id')}, '{POST_WINDOW}' FROM {post} p WHERE p.{q('id')} IN "
        f"(SELECT b.{q('post_id')} FROM {backup} b WHERE b.{q('staff_id')} = {me}) "
        f"UNION ALL SELECT NULL, p.{q('window_id')}, '{POST_WINDOW}' FROM {post} p WHERE p.{q('holder_a_id')} = {me}"
    )
    return ctes, rows


@lru_cache(maxsize=8)
def _grants_and_reach_sql(vendor: str) -> str:
    """`grant_ctes` of the user whose key is the statement's parameter (given three times)."""
    del vendor  # part of the key: quoting differs per database
    ctes, rows = grant_ctes("%s")
    return f"WITH RECURSIVE {ctes} {rows}"


def keep_grants(user: Any, rows: Iterable[tuple[int | None, int | None, str | None]]) -> None:
    """Keep on `user`, for the request, the rows of `grant_ctes` read for them: their grants, the centres they
    reach and the windows of their posts."""
    rows = list(rows)
    grants = tuple((center_id, window_id, role) for center_id, window_id, role in rows if role)
    reached = frozenset(center_id for center_id, _window, role in rows if role is None)
    posts = frozenset(window_id for _center, window_id, role in rows if role == POST_WINDOW)
    user._govhall_grants, user._govhall_reached_centers, user._govhall_post_windows = grants, reached, posts


def _read_grants(user: Any) -> tuple[tuple[Grant, ...], frozenset[int]]:
    """The user's grants in force, and the centres they reach, read once and kept on `user` for the request
    with the windows of their posts (`post_windows_of`) — already kept when read with the session
    (`org.sessions`)."""
    cached = getattr(user, "_govhall_grants", None)
    if cached is None:
        with connection.cursor() as cursor:
            cursor.execute(_grants_and_reach_sql(connection.vendor), [user.pk] * 3)
            keep_grants(user, cursor.fetchall())
    return user._govhall_grants, user._govhall_reached_centers


def post_windows_of(user: Any) -> frozenset[int]:
    """The windows of the posts (active or not) where the user's staff profile is the A or a B as assigned now:
    `org.selectors.post_window_ids` of their profile, read with their grants (every case page and list asks
    both)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    _read_grants(user)
    return frozenset(user._govhall_post_windows)


def grants_of(user: Any) -> tuple[Grant, ...]:
    """The user's role grants in force as (centre, window, role), read once and kept on `user` for the request
    (every scoping question of a page asks them), with the centres they reach (`visible_center_ids`)."""
    if not getattr(user, "is_authenticated", False):
        return ()
    return _read_grants(user)[0]


def is_platform_operator(user: Any) -> bool:
    """The platform operator (平台运维): an active superuser who holds no role at any centre and has no staff
    profile. The only one Django's admin admits (`org.admin_site`); a centre's own people, its system
    administrator included, work through the staff pages, which never reach another centre (R-ORG-1)."""
    if not getattr(user, "is_authenticated", False) or not (user.is_active and user.is_superuser):
        return False
    return not grants_of(user) and getattr(user, "staff_profile", None) is None


def may_act(actor: Any, center: Center, allowed: Iterable[str], *, operator: bool = False) -> None:
    """Refuse unless `actor` may make this change at `center`. Every service asks it itself, so that the page,
    the API, the admin and a command refuse alike.

    `actor` None is the system itself (the demo loader, a command), which records what happened. A centre where
    the actor holds no role, directly or through a parent centre, is another centre: refused with R-ORG-1
    (nothing there is theirs to change). A role there that may not do this is PermissionDenied. The platform
    operator passes only where the service says so (`operator`: the centres and the role grants, which the
    admin changes); anywhere else the operator holds no role and is refused as another centre's user."""
    if actor is None:
        return
    if operator and is_platform_operator(actor):
        return
    if not roles_at(actor, center):
        raise RuleViolation(
            "R-ORG-1",
            _("您在%(center)s没有任何角色，不能办理该中心的事务。") % {"center": center.name},
            code="other_center",
        )
    require_role(actor, center, allowed)


def visible_center_ids(user: Any) -> set[int]:
    """The centres the user may see: where they hold a role, and every centre below those (read with the
    grants, `grants_of`), and the centre of their staff profile."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cache_attr = "_govhall_visible_centers"
    if hasattr(user, cache_attr):
        return set(getattr(user, cache_attr))
    ids = set(_read_grants(user)[1])
    profile = getattr(user, "staff_profile", None)
    if profile is not None:
        ids.add(profile.center_id)
    setattr(user, cache_attr, frozenset(ids))
    return ids


def roles_at(user: Any, center: Center) -> set[str]:
    """The roles the user holds at `center`, directly or through a parent centre."""
    lineage = []
    node: Center | None = center
    while node is not None:
        lineage.append(node.pk)
        node = node.parent
    return {role for center_id, _window, role in grants_of(user) if center_id in lineage}


def has_role(user: Any, center: Center, allowed: Iterable[str]) -> bool:
    return bool(roles_at(user, center) & set(allowed))


def roles_needed(allowed: Iterable[str]) -> str:
    """The refusal that names the roles which may (in the order of `Role`), for the 403 page and the API."""
    wanted = set(allowed)
    labels = [str(label) for value, label in Role.choices if value in wanted]
    return _("此页面或操作需要以下角色之一：%(roles)s。") % {"roles": _("、").join(labels)}


def require_role(user: Any, center: Center, allowed: Iterable[str]) -> None:
    if not has_role(user, center, allowed):
        raise PermissionDenied(roles_needed(allowed))


def scoped(user: Any, queryset: QuerySet[Any], center_field: str = "center") -> QuerySet[Any]:
    """`queryset` limited to the centres `user` may see."""
    return queryset.filter(**{f"{center_field}__in": visible_center_ids(user)})


def get_for_user(user: Any, queryset: QuerySet[Any], center_field: str = "center", **lookup: Any) -> Model:
    """Fetch one object the user may see; anything else is NotFound (not told apart from missing)."""
    obj = scoped(user, queryset, center_field).filter(**lookup).first()
    if obj is None:
        raise NotFound()
    return obj


def home_center(user: Any) -> Center:
    """The centre a signed-in staff member works in (their profile's), else their first granted centre."""
    profile: StaffProfile | None = getattr(user, "staff_profile", None)
    if profile is not None:
        return profile.center
    grant = active_grants(user).select_related("center").order_by("id").first()
    if grant is None:
        raise PermissionDenied(_("您没有任何中心的角色。"))
    return grant.center


def visible_centers(user: Any) -> QuerySet[Center]:
    """The centres the user may see (R-ORG-1), for a centre switcher."""
    return Center.objects.filter(id__in=visible_center_ids(user)).order_by("code")


def center_for(user: Any, code: str | None = None) -> Center:
    """The centre a page shows: the one named by `code` if the user may see it (else NotFound), or the
    user's home centre."""
    if code:
        center = get_for_user(user, Center.objects.all(), center_field="id", code=code)
        assert isinstance(center, Center)
        return center
    return home_center(user)
