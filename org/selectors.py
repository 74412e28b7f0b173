"""Reading the organisation: the post board (R-ORG-6/7), staff on duty, stale B training (R-ORG-8), windows."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from policy.selectors import policy_value

from .models import (
    Absence,
    Authorization,
    BackupTraining,
    Center,
    Department,
    PhoneChange,
    Post,
    PostBackup,
    Role,
    RoleGrant,
    Section,
    StaffProfile,
    Window,
)
from .periods import months_before
from .services import absence_in_force, pick_holder


@dataclass(frozen=True)
class PostBoardRow:
    post: Post
    holder_a: StaffProfile
    backups: list[StaffProfile]
    holder: StaffProfile | None  # who holds the post now
    acting_as: str | None  # "A", "B" or None when nobody holds it
    gap: bool  # no B on duty: nobody can cover the post (无人顶岗, R-ORG-6)
    absent_ids: frozenset[int] = field(default_factory=frozenset)
    stale_training: bool = False

    @property
    def vacant(self) -> bool:
        return self.holder is None

    @property
    def a_on_duty(self) -> bool:
        return self.acting_as == "A"

    def is_on_duty(self, staff: StaffProfile) -> bool:
        return staff.is_active and staff.pk not in self.absent_ids


def _active_posts(center: Center) -> QuerySet[Post]:
    return (
        Post.objects.filter(center_id=center.pk, is_active=True, window__is_active=True)
        .select_related("window", "holder_a")
        .prefetch_related(
            Prefetch(
                "backup_links", queryset=PostBackup.objects.select_related("staff").order_by("order", "id")
            )
        )
        .order_by("window__number", "id")
    )


def _absent_ids(center: Center, moment: datetime) -> set[int]:
    return set(
        Absence.objects.filter(absence_in_force(moment), center=center).values_list("staff_id", flat=True)
    )


def _stale_post_ids(center: Center, posts: list[Post], today: date) -> set[int]:
    """Posts with at least one B who has had no training for that post in the last N months (R-ORG-8)."""
    if not posts:
        return set()
    months = int(policy_value(center, "backup_training_months", today))
    since = months_before(today, months)
    trained: dict[int, set[int]] = defaultdict(set)
    for post_id, trainee_id in BackupTraining.objects.filter(
        post__in=[p.pk for p in posts], held_on__gte=since, held_on__lte=today
    ).values_list("post_id", "trainee_id"):
        trained[post_id].add(trainee_id)
    stale = set()
    for post in posts:
        backup_ids = {link.staff_id for link in post.backup_links.all()}
        if backup_ids - trained[post.pk]:
            stale.add(post.pk)
    return stale


def _board_rows(posts: list[Post], absent: frozenset[int], stale: set[int]) -> list[PostBoardRow]:
    rows = []
    for post in posts:
        backups = [link.staff for link in post.backup_links.all()]
        holder = pick_holder(post.holder_a, backups, set(absent))
        backup_on_duty = any(b.is_active and b.pk not in absent for b in backups)
        rows.append(
            PostBoardRow(
                post=post,
                holder_a=post.holder_a,
                backups=backups,
                holder=holder.staff if holder else None,
                acting_as=holder.acting_as if holder else None,
                gap=not backup_on_duty,
                absent_ids=absent,
                stale_training=post.pk in stale,
            )
        )
    return rows


def post_board(center: Center, moment: datetime, *, with_training: bool = False) -> list[PostBoardRow]:
    """Every active post of the centre with its A, Bs, current holder and gap flag. A fixed number of queries.

    R-ORG-7: the holder is A when on duty, else the first B on duty. R-ORG-6: a post with no B on duty is a
    gap (无人顶岗) — nobody could cover it. With `with_training`, rows also say whether a B's training is
    overdue (R-ORG-8).
    """
    posts = list(_active_posts(center))
    absent = frozenset(_absent_ids(center, moment))
    stale = _stale_post_ids(center, posts, timezone.localdate(moment)) if with_training else set()
    return _board_rows(posts, absent, stale)


def posts_held_by(staff: StaffProfile, moment: datetime) -> list[PostBoardRow]:
    """The rows of `post_board` for the active posts where `staff` is the A or a B, and nothing else: two
    queries however large the centre. `absent_ids` of each row covers only the A and Bs of these posts."""
    absent = Absence.objects.filter(absence_in_force(moment), center_id=staff.center_id)
    backups = (
        PostBackup.objects.select_related("staff")
        .annotate(absent=Exists(absent.filter(staff_id=OuterRef("staff_id"))))
        .order_by("order", "id")
    )
    posts: list[Post] = list(
        Post.objects.filter(center_id=staff.center_id, is_active=True, window__is_active=True)
        .filter(Q(holder_a=staff) | Q(pk__in=PostBackup.objects.filter(staff=staff).values("post_id")))
        .select_related("window", "holder_a")
        .annotate(a_absent=Exists(absent.filter(staff_id=OuterRef("holder_a_id"))))
        .prefetch_related(Prefetch("backup_links", queryset=backups))
        .order_by("window__number", "id")
    )
    absent_ids = {post.holder_a_id for post in posts if getattr(post, "a_absent", False)} | {
        link.staff_id for post in posts for link in post.backup_links.all() if getattr(link, "absent", False)
    }
    return _board_rows(posts, frozenset(absent_ids), set())


def window_board(window: Window, moment: datetime) -> list[PostBoardRow]:
    """The post board of one window (its active posts)."""
    posts = list(_active_posts(window.center).filter(window=window))
    absent = frozenset(_absent_ids(window.center, moment))
    return _board_rows(posts, absent, set())


def posts_without_backup_on_duty(center: Center, moment: datetime) -> list[Post]:
    """The gaps of the supervision dashboard (R-ORG-6)."""
    return [row.post for row in post_board(center, moment) if row.gap]


def staff_on_duty(center: Center, moment: datetime) -> list[StaffProfile]:
    absent = _absent_ids(center, moment)
    return [
        s
        for s in StaffProfile.objects.filter(center=center, is_active=True).order_by("badge_number")
        if s.pk not in absent
    ]


def posts_with_stale_training(center: Center, today: date) -> list[Post]:
    """Posts whose B (any of them) has had no training for the post in the last N months (R-ORG-8)."""
    posts = list(_active_posts(center))
    stale = _stale_post_ids(center, posts, today)
    return [p for p in posts if p.pk in stale]


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
