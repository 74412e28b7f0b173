"""Reading the organisation: the post board (R-ORG-6/7), staff on duty, stale B training (R-ORG-8), windows."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from django.db import connection
from django.db.models import Exists, Model, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from common.sql import Layout, joined_columns, joined_instances
from policy.selectors import policy_value

from .access import CAN_VIEW_AUTHORIZATIONS, require_role
from .models import (
    Absence,
    Authorization,
    BackupTraining,
    Center,
    Department,
    PhoneChange,
    Post,
    PostBackup,
    PostHolding,
    PostRole,
    Role,
    RoleGrant,
    Section,
    StaffProfile,
    Window,
    active_at,
)
from .periods import months_before
from .services import absence_in_force, first_on_duty, holding_on_duty, holdings_at
from .services.duty import away_sql, held_sql, named_sql


@dataclass(frozen=True)
class PostBoardRow:
    """A post at a moment: who held it as A and as B then, who was holding it, and whether a B could cover."""

    post: Post
    holder_a: StaffProfile
    backups: list[StaffProfile]
    holder: StaffProfile | None  # who holds the post at the moment
    acting_as: str | None  # "A", "B" or None when nobody holds it
    gap: bool  # no B on duty: nobody can cover the post (无人顶岗, R-ORG-6)
    absent_ids: frozenset[int] = field(default_factory=frozenset)  # this row's people not on duty then
    stale_training: bool = False

    @property
    def vacant(self) -> bool:
        return self.holder is None

    @property
    def a_on_duty(self) -> bool:
        return self.acting_as == "A"

    def is_on_duty(self, staff: StaffProfile) -> bool:
        return staff.pk not in self.absent_ids


def _posts_at(posts: QuerySet[Post], moment: datetime) -> list[Post]:
    """`posts` with their window and current A (pages listing posts name them) and, as `held`, the holdings in
    force at `moment` (A first, then the Bs in order) with each holder's absence then. Two queries."""
    return list(
        posts.select_related("window", "holder_a")
        .prefetch_related(Prefetch("holdings", queryset=holdings_at(moment), to_attr="held"))
        .order_by("window__number", "id")
    )


def _active_posts(center_id: int) -> QuerySet[Post]:
    return Post.objects.filter(center_id=center_id, is_active=True, window__is_active=True)


def _stale_post_ids(center: Center, backups: dict[int, set[int]], today: date) -> set[int]:
    """Posts (of `backups`: {post id: ids of its Bs}) with at least one B who has had no training for that post
    in the last N months (R-ORG-8)."""
    if not backups:
        return set()
    months = int(policy_value(center, "backup_training_months", today))
    since = months_before(today, months)
    trained: dict[int, set[int]] = defaultdict(set)
    for post_id, trainee_id in BackupTraining.objects.filter(
        post__in=list(backups), held_on__gte=since, held_on__lte=today
    ).values_list("post_id", "trainee_id"):
        trained[post_id].add(trainee_id)
    return {post_id for post_id, b_ids in backups.items() if b_ids - trained[post_id]}


def _board_rows(
    posts: list[Post], moment: datetime, *, center: Center | None = None, with_training: bool = False
) -> list[PostBoardRow]:
    """The rows of posts read by `_posts_at`; a post nobody held at `moment` (set up later) has no row."""
    found: list[tuple[Post, PostHolding, list[PostHolding]]] = []
    for post in posts:
        held: list[PostHolding] = getattr(post, "held", [])
        a = next((h for h in held if h.role == PostRole.A), None)
        if a is not None:
            found.append((post, a, [h for h in held if h.role == PostRole.B]))
    stale: set[int] = set()
    if with_training and center is not None:
        backups = {post.pk: {h.staff_id for h in bs} for post, _a, bs in found}
        stale = _stale_post_ids(center, backups, timezone.localdate(moment))
    rows = []
    for post, a, bs in found:
        holder = first_on_duty([a, *bs], moment)
        rows.append(
            PostBoardRow(
                post=post,
                holder_a=a.staff,
                backups=[h.staff for h in bs],
                holder=holder.staff if holder else None,
                acting_as=holder.acting_as if holder else None,
                gap=not any(holding_on_duty(h, moment) for h in bs),
                absent_ids=frozenset(h.staff_id for h in [a, *bs] if not holding_on_duty(h, moment)),
                stale_training=post.pk in stale,
            )
        )
    return rows


def post_board(center: Center, moment: datetime, *, with_training: bool = False) -> list[PostBoardRow]:
    """Every active post of the centre with the A and Bs who held it at `moment`, who was holding it then and
    the gap flag. Two queries (four with the training).

    R-ORG-7: the holder is A when on duty, else the first B on duty. R-ORG-6: a post with no B on duty is a
    gap (无人顶岗) — nobody could cover it. With `with_training`, rows also say whether a B's training is
    overdue on the moment's day (R-ORG-8). Whether a post or window is active is read as it is now.
    """
    return _board_rows(
        _posts_at(_active_posts(center.pk), moment), moment, center=center, with_training=with_training
    )


# --- the posts one staff member holds, in one statement written once per process ---------------------------
#
# Every staff page with a workbench asks it on every request; building it through the ORM (the posts, then
# their holdings with two EXISTS) cost several times the database's work. The statement reads the same rows
# as `_posts_at` over `held_at` and `holdings_at`, in the same order, and builds the same instances.

_HELD_MODELS: tuple[type[Model], ...] = (Post, Window, StaffProfile, PostHolding, StaffProfile)


@lru_cache(maxsize=8)
def _held_by_sql(vendor: str) -> tuple[str, Layout]:
    """The statement of `posts_held_by` and, for each model of a row (the post, its window, its current A,
    the holding, its holder), its attnames and its columns' converters."""
    del vendor  # part of the key: quoting and converters differ per database
    q = connection.ops.quote_name
    columns, layout = joined_columns(zip(("p", "w", "pa", "h", "s"), _HELD_MODELS, strict=True))
    post, window, staff = (q(m._meta.db_table) for m in (Post, Window, StaffProfile))
    holding = q(PostHolding._meta.db_table)
    held, away, named = held_sql, away_sql(f"h.{q('staff_id')}"), named_sql("h")
    sql = (
        f"SELECT {', '.join(columns)}, CASE WHEN {away} THEN 1 ELSE 0 END, "  # noqa: S608 - names from the models
        f"CASE WHEN {named} THEN 1 ELSE 0 END AS named "
        f"FROM {holding} h JOIN {post} p ON p.{q('id')} = h.{q('post_id')} "
        f"JOIN {window} w ON w.{q('id')} = p.{q('window_id')} "
        f"LEFT OUTER JOIN {staff} pa ON pa.{q('id')} = p.{q('holder_a_id')} "
        f"JOIN {staff} s ON s.{q('id')} = h.{q('staff_id')} "
        f"WHERE p.{q('center_id')} = %(c)s AND p.{q('is_active')} AND w.{q('is_active')} AND {held('h')} "
        f"AND h.{q('post_id')} IN (SELECT mine.{q('post_id')} FROM {holding} mine "
        f"WHERE mine.{q('staff_id')} = %(s)s AND {held('mine')}) "
        f"ORDER BY w.{q('number')}, p.{q('id')}, h.{q('role')}, named DESC, h.{q('order')}, h.{q('id')}"
    )
    return sql, tuple(layout)


def posts_held_by(staff: StaffProfile, moment: datetime) -> list[PostBoardRow]:
    """The rows of `post_board` for the active posts where `staff` was the A or a B at `moment`, and nothing
    else: one query however large the centre (the posts with their window and current A, and the holdings in
    force at `moment` with each holder's absence then, as `_posts_at` reads them)."""
    sql, layout = _held_by_sql(connection.vendor)
    params = {"m": connection.ops.adapt_datetimefield_value(moment), "c": staff.center_id, "s": staff.pk}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    posts: dict[int, Post] = {}
    for row in rows:
        post, window, holder_a, holding, holder = joined_instances(layout, row)
        if post.pk not in posts:
            post._state.fields_cache["window"] = window
            post._state.fields_cache["holder_a"] = holder_a
            post.held = []  # type: ignore[attr-defined]
            posts[post.pk] = post
        holding._state.fields_cache["staff"] = holder
        holding.away = bool(row[-2])  # type: ignore[attr-defined]
        holding.named = bool(row[-1])  # type: ignore[attr-defined]
        posts[post.pk].held.append(holding)  # type: ignore[attr-defined]
    return _board_rows(list(posts.values()), moment)


@lru_cache(maxsize=64)
def _worked_sql(vendor: str, granted: int) -> tuple[str, Layout]:
    """The statement of `windows_worked_by` for `granted` window grants."""
    del vendor  # part of the key: quoting and converters differ per database
    q = connection.ops.quote_name
    columns, layout = joined_columns([("w", Window), ("d", Department)])
    window, department = q(Window._meta.db_table), q(Department._meta.db_table)
    post, backup = q(Post._meta.db_table), q(PostBackup._meta.db_table)
    grants = f"w.{q('id')} IN ({', '.join(['%s'] * granted)}) OR " if granted else ""
    as_a = (
        f"(w.{q('id')} = %s OR {grants}w.{q('head_id')} = %s OR w.{q('chief_representative_id')} = %s "  # noqa: S608 - names from the models
        f"OR w.{q('deputy_in_charge_id')} = %s OR w.{q('id')} IN (SELECT pa.{q('window_id')} FROM {post} pa "
        f"WHERE pa.{q('holder_a_id')} = %s AND pa.{q('is_active')}))"
    )
    as_b = (
        f"w.{q('id')} IN (SELECT pb.{q('window_id')} FROM {backup} b "  # noqa: S608 - names from the models
        f"JOIN {post} pb ON pb.{q('id')} = b.{q('post_id')} WHERE b.{q('staff_id')} = %s AND pb.{q('is_active')})"
    )
    sql = (
        f"SELECT {', '.join(columns)}, CASE WHEN {as_a} THEN 1 ELSE 0 END "  # noqa: S608 - names from the models
        f"FROM {window} w JOIN {department} d ON d.{q('id')} = w.{q('department_id')} "
        f"WHERE w.{q('center_id')} = %s AND w.{q('is_active')} AND ({as_a} OR {as_b}) "
        f"ORDER BY w.{q('number')}, w.{q('id')}"
    )
    return sql, layout


def windows_worked_by(staff: StaffProfile, granted_window_ids: set[int]) -> list[Window]:
    """The active windows of the staff member's centre where they work — their own window, the windows of
    `granted_window_ids` (their window roles), windows they head, represent or are in charge of, windows of
    active posts they hold as A, windows of active posts where they are a B (R-ORG-7) — each with its
    department and `works_as_a` (every reason but the last), by number. One query."""
    granted = sorted(granted_window_ids)
    sql, layout = _worked_sql(connection.vendor, len(granted))
    me = staff.pk
    as_a = [staff.window_id or 0, *granted, me, me, me, me]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*as_a, staff.center_id, *as_a, me])
        rows = cursor.fetchall()
    windows = []
    for row in rows:
        window, department = joined_instances(layout, row)
        window._state.fields_cache["department"] = department
        window.works_as_a = bool(row[-1])
        windows.append(window)
    return windows


@lru_cache(maxsize=8)
def _post_windows_sql(vendor: str) -> str:
    del vendor  # part of the key: quoting differs per database
    q = connection.ops.quote_name
    post, backup = q(Post._meta.db_table), q(PostBackup._meta.db_table)
    return (
        f"SELECT p.{q('window_id')} FROM {backup} b JOIN {post} p ON p.{q('id')} = b.{q('post_id')} "  # noqa: S608 - names from the models
        f"WHERE b.{q('staff_id')} = %s UNION SELECT {q('window_id')} FROM {post} WHERE {q('holder_a_id')} = %s"
    )


def post_window_ids(staff: StaffProfile) -> set[int]:
    """The windows of the posts (active or not) where `staff` is the A or a B as assigned now. One query,
    written once per process (every case page and list asks it)."""
    with connection.cursor() as cursor:
        cursor.execute(_post_windows_sql(connection.vendor), [staff.pk, staff.pk])
        return {int(window_id) for (window_id,) in cursor.fetchall()}


def window_board(window: Window, moment: datetime) -> list[PostBoardRow]:
    """The post board of one window (its active posts) at `moment`."""
    return _board_rows(_posts_at(_active_posts(window.center_id).filter(window=window), moment), moment)


def posts_without_backup_on_duty(center: Center, moment: datetime) -> list[Post]:
    """The gaps of the supervision dashboard (R-ORG-6)."""
    return [row.post for row in post_board(center, moment) if row.gap]


def staff_on_duty(center: Center, moment: datetime) -> list[StaffProfile]:
    """The centre's staff on duty at `moment`: active then, with no absence in force then. One query."""
    away = Absence.objects.filter(absence_in_force(moment), staff_id=OuterRef("pk"))
    return list(
        StaffProfile.objects.filter(active_at(moment), center=center)
        .filter(~Exists(away))
        .order_by("badge_number")
    )


def published_photo_of(center: Center, staff_id: int) -> StaffProfile | None:
    """A staff member whose photo the public may see: an active member of `center` with a photo (the public
    staff board shows every active member's name, title, duties and photo, R-PUB-1, R-ORG-9)."""
    return (
        StaffProfile.objects.filter(pk=staff_id, center=center, is_active=True)
        .exclude(photo="")
        .only("id", "name", "photo", "center_id")
        .first()
    )


def posts_with_stale_training(center: Center, today: date) -> list[Post]:
    """Posts whose B (any of them, as assigned now) has had no training for the post in the last N months
    (R-ORG-8)."""
    posts = list(
        _active_posts(center.pk)
        .select_related("window")
        .prefetch_related("backup_links")
        .order_by("window__number", "id")
    )
    backups = {post.pk: {link.staff_id for link in post.backup_links.all()} for post in posts}
    stale = _stale_post_ids(center, backups, today)
    return [p for p in posts if p.pk in stale]


def post_holdings(post: Post) -> list[PostHolding]:
    """Who held `post`, as A and as B, from when until when: the latest periods first (R-ORG-6)."""
    return list(post.holdings.select_related("staff").order_by("-valid_from", "role", "order", "-id"))


def departments_with_windows(center: Center, *, include_inactive: bool = False) -> QuerySet[Department]:
    departments = Department.objects.filter(center=center)
    windows = Window.objects.select_related("head", "chief_representative", "deputy_in_charge").order_by(
        "number"
    )
    if not include_inactive:
        departments = departments.filter(is_active=True)
        windows = windows.filter(is_active=True)
    return departments.prefetch_related(Prefetch("windows", queryset=windows)).order_by("code")


def staff_list(center: Center, *, include_inactive: bool = False) -> QuerySet[StaffProfile]:
    qs = StaffProfile.objects.filter(center=center).select_related("department", "window", "section", "user")
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return qs.order_by("badge_number")


def phone_changes(staff: StaffProfile) -> QuerySet[PhoneChange]:
    return staff.phone_changes.select_related("reported_by").order_by("-changed_on", "-id")


def absences_of(staff: StaffProfile, *, limit: int = 20) -> list[Absence]:
    return list(staff.absences.order_by("-starts_at")[:limit])


def trainings_of(post: Post) -> QuerySet[BackupTraining]:
    return post.trainings.select_related("trainer", "trainee").order_by("-held_on", "-id")


def authorizations(center: Center) -> QuerySet[Authorization]:
    return (
        Authorization.objects.filter(center=center)
        .select_related("department", "representative", "replaces")
        .order_by("department__code", "-valid_from", "-id")
    )


def authorizations_seen_by(user: Any, center: Center) -> QuerySet[Authorization]:
    """The authorisations of `center` (R-ORG-4), for a user allowed to read them: the centre-wide roles, the
    window heads and the chief representatives; anyone else is refused (PermissionDenied), by the page and
    the API alike."""
    require_role(user, center, CAN_VIEW_AUTHORIZATIONS)
    return authorizations(center)


def authorization_chain(authorization: Authorization) -> list[Authorization]:
    """The authorisation with the ones it replaced and the ones that replaced it, oldest first (R-ORG-4)."""
    earlier: list[Authorization] = []
    node = authorization.replaces
    while node is not None and len(earlier) < 50:
        earlier.append(node)
        node = node.replaces
    later: list[Authorization] = []
    node = authorization.replaced_by.order_by("id").first()
    while node is not None and len(later) < 50:
        later.append(node)
        node = node.replaced_by.order_by("id").first()
    return [*reversed(earlier), authorization, *later]


@dataclass(frozen=True)
class Leader:
    staff: StaffProfile | None
    username: str
    role: str
    windows: list[Window]


def leadership(center: Center) -> list[Leader]:
    """The director and deputies of the centre (R-ORG-2), each deputy with the windows in their charge."""
    grants = (
        RoleGrant.objects.filter(center=center, role__in=[Role.DIRECTOR, Role.DEPUTY], revoked_at=None)
        .select_related("user", "user__staff_profile")
        .order_by("role", "id")
    )
    windows_by_deputy: dict[int, list[Window]] = defaultdict(list)
    for window in Window.objects.filter(
        center=center, is_active=True, deputy_in_charge__isnull=False
    ).order_by("number"):
        if window.deputy_in_charge_id is not None:
            windows_by_deputy[window.deputy_in_charge_id].append(window)
    leaders = []
    for grant in grants:
        staff = getattr(grant.user, "staff_profile", None)
        leaders.append(
            Leader(
                staff=staff,
                username=grant.user.get_username(),
                role=grant.role,
                windows=windows_by_deputy.get(staff.pk, []) if staff else [],
            )
        )
    return leaders


def sections(center: Center) -> QuerySet[Section]:
    return Section.objects.filter(center=center).order_by("kind")


def windows_in_charge_of(staff: StaffProfile) -> QuerySet[Window]:
    """The windows a deputy director is in charge of (R-ORG-2)."""
    return Window.objects.filter(deputy_in_charge=staff, is_active=True).order_by("number")


def authorization_state(authorization: Authorization, moment: datetime) -> str:
    """ "in_force", "revoked", "expired" or "pending" at `moment` (R-ORG-4)."""
    if authorization.revoked_at is not None and authorization.revoked_at <= moment:
        return "revoked"
    day = timezone.localdate(moment)
    if day < authorization.valid_from:
        return "pending"
    if day > authorization.valid_until:
        return "expired"
    return "in_force"


def posts_of(staff: StaffProfile) -> dict[str, list[Post]]:
    """The active posts the staff member holds as A and as B."""
    return {
        "A": list(
            staff.posts_as_a.filter(is_active=True).select_related("window").order_by("window__number")
        ),
        "B": list(
            Post.objects.filter(backup_links__staff=staff, is_active=True)
            .select_related("window")
            .order_by("window__number")
        ),
    }
