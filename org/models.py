"""Organisation: centres, sections, departments, windows, posts with A and B, staff, authorisations, roles.

Rules: R-ORG-1 … R-ORG-9. Writes go through `org.services`; reads through `org.selectors`.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.files import UploadTo
from common.models import CenterOwned, center_key


class Center(models.Model):
    """A government service centre (政务服务中心), optionally under a parent centre (R-ORG-1)."""

    code = models.SlugField(max_length=40, unique=True, verbose_name="代码")
    name = models.CharField(max_length=100, verbose_name="名称")
    # The centre's Chinese short name (机关代字) in the numbers of its written notices: 示县政务受理〔2026〕1号.
    # (db_default: rows written by code that predates the column, e.g. a migration test, still insert.)
    short_name_zh = models.CharField(
        max_length=20, blank=True, db_default="", verbose_name="中文简称（文号用）"
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="上级中心",
    )
    address = models.CharField(max_length=200, blank=True, verbose_name="地址")
    consultation_phone = models.CharField(max_length=40, blank=True, verbose_name="咨询电话")
    complaint_phone = models.CharField(max_length=40, blank=True, verbose_name="投诉电话")
    website = models.URLField(blank=True, verbose_name="网址")
    is_active = models.BooleanField(default=True, verbose_name="启用")

    class Meta:
        ordering = ["code"]
        verbose_name = "政务服务中心"
        verbose_name_plural = "政务服务中心"
        constraints = [
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="center_not_own_parent")
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    DIRECTOR = "director", _("主任")
    DEPUTY = "deputy", _("分管副主任")
    OFFICE = "office", _("办公室")
    SUPERVISION = "supervision", _("稽查督办科")
    COORDINATION = "coordination", _("行政审批协调科")
    WINDOW_HEAD = "window_head", _("窗口负责人")
    CHIEF_REPRESENTATIVE = "chief_representative", _("首席代表")
    WINDOW_STAFF = "window_staff", _("窗口工作人员")
    SYSADMIN = "sysadmin", _("系统管理员")


class RoleGrant(CenterOwned):
    """A user's role at a centre. A role at a parent centre reaches its child centres (R-ORG-1)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="role_grants", verbose_name="用户"
    )
    role = models.CharField(max_length=30, choices=Role.choices, verbose_name="角色")
    window = models.ForeignKey(
        "org.Window", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="窗口"
    )
    granted_at = models.DateTimeField(auto_now_add=True, verbose_name="授予时间")
    revoked_at = models.DateTimeField(null=True, blank=True, verbose_name="撤销时间")

    class Meta:
        verbose_name = "角色授权"
        verbose_name_plural = "角色授权"
        constraints = [
            models.UniqueConstraint(
                fields=["center", "user", "role", "window"],
                condition=Q(revoked_at=None),
                name="rolegrant_unique_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} @ {self.center}"


class SectionKind(models.TextChoices):
    OFFICE = "office", _("办公室")
    SUPERVISION = "supervision", _("稽查督办科")
    COORDINATION = "coordination", _("行政审批协调科")


class Section(CenterOwned):
    """A section of the centre itself (R-ORG-2)."""

    center = center_key(indexed=False)

    kind = models.CharField(max_length=20, choices=SectionKind.choices, verbose_name="类别")
    name = models.CharField(max_length=60, verbose_name="名称")
    phone = models.CharField(max_length=40, blank=True, verbose_name="电话")

    class Meta:
        verbose_name = "中心科室"
        verbose_name_plural = "中心科室"
        constraints = [models.UniqueConstraint(fields=["center", "kind"], name="section_one_per_kind")]

    def __str__(self) -> str:
        return self.name


class Department(CenterOwned):
    """A stationed department (进驻部门, R-ORG-3)."""

    center = center_key(indexed=False)

    code = models.CharField(max_length=40, verbose_name="代码")
    name = models.CharField(max_length=100, verbose_name="名称")
    short_name = models.CharField(max_length=40, blank=True, verbose_name="简称")
    legal_representative = models.CharField(max_length=40, blank=True, verbose_name="法定代表人")
    phone = models.CharField(max_length=40, blank=True, verbose_name="电话")
    is_active = models.BooleanField(default=True, verbose_name="启用")

    class Meta:
        ordering = ["center", "code"]
        verbose_name = "进驻部门"
        verbose_name_plural = "进驻部门"
        constraints = [models.UniqueConstraint(fields=["center", "code"], name="department_code_unique")]

    def __str__(self) -> str:
        return self.name


class StaffProfile(CenterOwned):
    """A person working in the centre (R-ORG-9): the public staff board shows name, title, duties, photo."""

    center = center_key(indexed=False)

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff_profile",
        verbose_name="登录账号",
    )
    name = models.CharField(max_length=40, verbose_name="姓名")
    title = models.CharField(max_length=60, blank=True, verbose_name="职务")
    badge_number = models.CharField(max_length=20, verbose_name="工号")
    work_phone = models.CharField(max_length=40, blank=True, verbose_name="工作电话")
    duties = models.TextField(blank=True, verbose_name="岗位职责")
    photo = models.ImageField(upload_to=UploadTo("staff/"), blank=True, verbose_name="照片")  # random name
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name="所属部门",
    )
    section = models.ForeignKey(
        Section,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name="所属科室",
    )
    window = models.ForeignKey(
        "org.Window",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name="所在窗口",
    )
    is_active = models.BooleanField(default=True, verbose_name="在岗")
    deactivated_at = models.DateTimeField(null=True, blank=True, verbose_name="停用时间")

    class Meta:
        ordering = ["center", "badge_number"]
        verbose_name = "工作人员"
        verbose_name_plural = "工作人员"
        constraints = [models.UniqueConstraint(fields=["center", "badge_number"], name="staff_badge_unique")]

    def __str__(self) -> str:
        return self.name

    def was_active_at(self, moment: datetime) -> bool:
        """Whether the staff member was active (not deactivated) at `moment`: an active one always was (a
        reactivation forgets the gap; see docs/decisions.md), a deactivated one only before `deactivated_at`
        (never, when that moment is not known)."""
        return self.is_active or (self.deactivated_at is not None and moment < self.deactivated_at)


def active_at(moment: datetime, prefix: str = "") -> Q:
    """The filter form of `StaffProfile.was_active_at`; `prefix` reaches the staff from another model
    (`"staff__"`)."""
    return Q(**{f"{prefix}is_active": True}) | Q(**{f"{prefix}deactivated_at__gt": moment})


class WindowKind(models.TextChoices):
    STANDING = "standing", _("常设窗口")
    COMPREHENSIVE = "comprehensive", _("综合窗口")


class Window(CenterOwned):
    """A service counter (窗口, R-ORG-3). A comprehensive window serves items of several departments."""

    center = center_key(indexed=False)

    number = models.CharField(max_length=10, verbose_name="窗口号")
    name = models.CharField(max_length=100, verbose_name="名称")
    kind = models.CharField(
        max_length=20, choices=WindowKind.choices, default=WindowKind.STANDING, verbose_name="类型"
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="windows", verbose_name="主管部门"
    )
    served_departments = models.ManyToManyField(
        Department, blank=True, related_name="comprehensive_windows", verbose_name="综合受理的部门"
    )
    head = models.ForeignKey(
        StaffProfile,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="headed_windows",
        verbose_name="窗口负责人",
    )
    chief_representative = models.ForeignKey(
        StaffProfile,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="represented_windows",
        verbose_name="首席代表",
    )
    deputy_in_charge = models.ForeignKey(
        StaffProfile,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deputy_windows",
        verbose_name="分管副主任",
    )
    phone = models.CharField(max_length=40, blank=True, verbose_name="窗口电话")
    is_active = models.BooleanField(default=True, verbose_name="启用")

    class Meta:
        ordering = ["center", "number"]
        verbose_name = "窗口"
        verbose_name_plural = "窗口"
        constraints = [models.UniqueConstraint(fields=["center", "number"], name="window_number_unique")]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class Post(CenterOwned):
    """A post (岗位) at a window with its A holder and ordered B holders (R-ORG-6)."""

    window = models.ForeignKey(
        Window, on_delete=models.PROTECT, related_name="posts", verbose_name="窗口", db_index=False
    )
    name = models.CharField(max_length=60, verbose_name="岗位名称")
    duties = models.TextField(blank=True, verbose_name="岗位职责")
    holder_a = models.ForeignKey(
        StaffProfile, on_delete=models.PROTECT, related_name="posts_as_a", verbose_name="A角"
    )
    backups = models.ManyToManyField(
        StaffProfile, through="PostBackup", related_name="posts_as_b", verbose_name="B角"
    )
    is_active = models.BooleanField(default=True, verbose_name="启用")

    class Meta:
        ordering = ["window__number", "id"]
        verbose_name = "岗位"
        verbose_name_plural = "岗位"
        constraints = [models.UniqueConstraint(fields=["window", "name"], name="post_name_unique_in_window")]

    def __str__(self) -> str:
        return f"{self.window.number} {self.name}"


class PostBackup(models.Model):
    """A B holder of a post, in the order B holders are asked to cover."""

    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="backup_links", db_index=False)
    staff = models.ForeignKey(
        StaffProfile, on_delete=models.PROTECT, related_name="backup_links", verbose_name="B角"
    )
    order = models.PositiveSmallIntegerField(default=1, verbose_name="顺序")

    class Meta:
        ordering = ["post", "order"]
        verbose_name = "B角"
        verbose_name_plural = "B角"
        constraints = [models.UniqueConstraint(fields=["post", "staff"], name="postbackup_unique")]

    def __str__(self) -> str:
        return f"{self.post} B{self.order}: {self.staff}"


class PostRole(models.TextChoices):
    A = "A", _("A角")
    B = "B", _("B角")


class PostHolding(models.Model):
    """Who held a post, as A or as a B in cover order, from `valid_from` until `valid_until` (open: still
    holds it). R-ORG-6, R-ORG-7.

    Written only by `post_create` and `post_assign`: a change closes the periods of the holders it moves at
    the moment of the change and opens new ones. Rows are never deleted, so who held a post at a past moment
    stays true. `Post.holder_a` and `PostBackup` are the current assignment, the same people as the open
    periods. The A has order 0, the Bs 1, 2, …: ordering by (role, order) is the order in which the post is
    asked for (A first, then the Bs).
    """

    post = models.ForeignKey(
        Post, on_delete=models.PROTECT, related_name="holdings", verbose_name="岗位", db_index=False
    )
    staff = models.ForeignKey(
        StaffProfile,
        on_delete=models.PROTECT,
        related_name="holdings",
        verbose_name="工作人员",
        db_index=False,
    )
    role = models.CharField(max_length=1, choices=PostRole.choices, verbose_name="角色")
    order = models.PositiveSmallIntegerField(default=0, verbose_name="顺序")
    valid_from = models.DateTimeField(verbose_name="起")
    valid_until = models.DateTimeField(null=True, blank=True, verbose_name="止")

    class Meta:
        ordering = ["post", "valid_from", "role", "order"]
        verbose_name = "岗位任职记录"
        verbose_name_plural = "岗位任职记录"
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until=None) | Q(valid_until__gte=models.F("valid_from")),
                name="postholding_valid_period",
            ),
            models.CheckConstraint(
                condition=Q(role="A", order=0) | Q(role="B", order__gte=1),
                name="postholding_order_follows_role",
            ),
            # One open period per place (the A, B1, B2 …) and per person.
            models.UniqueConstraint(
                fields=["post", "order"], condition=Q(valid_until=None), name="postholding_open_place"
            ),
            models.UniqueConstraint(
                fields=["post", "staff"], condition=Q(valid_until=None), name="postholding_open_person"
            ),
        ]
        indexes = [
            models.Index(fields=["post", "valid_from"]),
            models.Index(fields=["staff", "valid_from"]),
        ]

    def __str__(self) -> str:
        place = "A" if self.role == PostRole.A else f"B{self.order}"
        return f"{self.post_id} {place}: {self.staff_id} {self.valid_from:%Y-%m-%d %H:%M}–"


def held_at(moment: datetime, prefix: str = "") -> Q:
    """The filter for holdings in force at `moment` (`prefix` reaches them from another model)."""
    return Q(**{f"{prefix}valid_from__lte": moment}) & (
        Q(**{f"{prefix}valid_until": None}) | Q(**{f"{prefix}valid_until__gt": moment})
    )


class AuthorizationScope(models.TextChoices):
    """The powers a chief representative may hold (R-ORG-4)."""

    DECIDE_GENERAL = "decide_general", _("一般申请事项决定权")
    REVIEW_IMPORTANT = "review_important", _("重要审批事项审核上报权")
    COORDINATE = "coordinate", _("组织协调权")
    SEAL = "seal", _("印章管理与使用权")


class Authorization(CenterOwned):
    """A chief representative's written authorisation (授权委托书) with scope and validity (R-ORG-4)."""

    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="authorizations", verbose_name="委托部门"
    )
    representative = models.ForeignKey(
        StaffProfile, on_delete=models.PROTECT, related_name="authorizations", verbose_name="首席代表"
    )
    document_number = models.CharField(max_length=60, verbose_name="授权书文号")
    document = models.FileField(
        upload_to=UploadTo("authorizations/"), blank=True, verbose_name="授权书扫描件"
    )
    signed_by = models.CharField(max_length=40, verbose_name="法定代表人")
    scopes = models.JSONField(default=list, verbose_name="授权范围")
    valid_from = models.DateField(verbose_name="生效日期")
    valid_until = models.DateField(verbose_name="截止日期")
    revoked_at = models.DateTimeField(null=True, blank=True, verbose_name="撤销时间")
    revoke_reason = models.TextField(blank=True, verbose_name="撤销原因")
    replaces = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name="接替的授权",
    )

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = "首席代表授权"
        verbose_name_plural = "首席代表授权"
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")), name="authorization_valid_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document_number} {self.representative}"


class AbsenceKind(models.TextChoices):
    LEAVE = "leave", _("请假")
    OUTING = "outing", _("临时外出")
    ABSENT = "absent", _("缺勤")


class Absence(CenterOwned):
    """A period a staff member is not on duty; `org.services.is_on_duty` routes their posts to B (R-ORG-7).

    A return (销假) ends a running absence: `ends_at` becomes the moment of the return and `planned_ends_at`
    keeps the end that was planned. Only an absence that has not started may be cancelled (`cancelled_at`):
    a cancelled absence never happened. So the absences in force at a past moment stay as they were.
    """

    staff = models.ForeignKey(
        StaffProfile,
        on_delete=models.PROTECT,
        related_name="absences",
        verbose_name="工作人员",
        db_index=False,
    )
    kind = models.CharField(max_length=10, choices=AbsenceKind.choices, verbose_name="类别")
    starts_at = models.DateTimeField(verbose_name="开始")
    ends_at = models.DateTimeField(verbose_name="结束")
    reason = models.TextField(blank=True, verbose_name="事由")
    cancelled_at = models.DateTimeField(null=True, blank=True, verbose_name="撤销时间")
    planned_ends_at = models.DateTimeField(null=True, blank=True, verbose_name="原定结束")

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = "离岗记录"
        verbose_name_plural = "离岗记录"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="absence_period_positive"
            )
        ]
        indexes = [models.Index(fields=["staff", "starts_at", "ends_at"])]

    def __str__(self) -> str:
        return f"{self.staff} {self.get_kind_display()} {self.starts_at:%Y-%m-%d}"


class AbsenceCover(models.Model):
    """Who covers a post while its A is away (R-ATT-5, R-ATT-9): the B named for the post when the absence was
    recorded (an approved leave names one per post). While the absence is in force, the post goes to that B when
    they are on duty, before the post's other Bs in cover order; when they are not, to the first other B on
    duty, as without a name (R-ORG-7)."""

    absence = models.ForeignKey(
        Absence, on_delete=models.PROTECT, related_name="covers", verbose_name="离岗记录", db_index=False
    )
    post = models.ForeignKey(
        Post, on_delete=models.PROTECT, related_name="+", verbose_name="岗位", db_index=False
    )
    backup = models.ForeignKey(
        StaffProfile, on_delete=models.PROTECT, related_name="absence_covers", verbose_name="顶岗B角"
    )

    class Meta:
        verbose_name = "离岗顶岗"
        verbose_name_plural = "离岗顶岗"
        constraints = [models.UniqueConstraint(fields=["absence", "post"], name="absencecover_one_per_post")]
        indexes = [models.Index(fields=["post", "backup"])]

    def __str__(self) -> str:
        return f"{self.absence_id} {self.post_id} {self.backup_id}"


class BackupTraining(CenterOwned):
    """A hand-over or training session from A to B (R-ORG-8)."""

    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="trainings", verbose_name="岗位")
    trainer = models.ForeignKey(
        StaffProfile, on_delete=models.PROTECT, related_name="+", verbose_name="传授人"
    )
    trainee = models.ForeignKey(
        StaffProfile, on_delete=models.PROTECT, related_name="+", verbose_name="受训B角"
    )
    held_on = models.DateField(verbose_name="日期")
    topic = models.CharField(max_length=200, verbose_name="内容")

    class Meta:
        ordering = ["-held_on"]
        verbose_name = "AB角培训交接"
        verbose_name_plural = "AB角培训交接"

    def __str__(self) -> str:
        return f"{self.post} {self.held_on}"


class PhoneChange(CenterOwned):
    """A change of a staff member's work phone, reported to the office (R-ORG-9)."""

    staff = models.ForeignKey(StaffProfile, on_delete=models.PROTECT, related_name="phone_changes")
    old_phone = models.CharField(max_length=40, blank=True, verbose_name="原号码")
    new_phone = models.CharField(max_length=40, verbose_name="新号码")
    changed_on = models.DateField(verbose_name="变更日期")
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name="登记人"
    )

    class Meta:
        ordering = ["-changed_on", "-id"]
        verbose_name = "通讯号码变更"
        verbose_name_plural = "通讯号码变更"


class StaffSession(AbstractBaseSession):
    """A session (`org.sessions`, `SESSION_ENGINE`): Django's database session with the key of the user signed in
    with it, so that the statement that reads a request's session also reads who is signed in (with their staff
    profile and its centre). A key, not a foreign key: a session saved after its user was removed names nobody
    (the statement finds no user, and the session signs nobody in), instead of failing its write."""

    user_key = models.BigIntegerField(null=True, blank=True)

    class Meta(AbstractBaseSession.Meta):
        db_table = "org_staffsession"

    @classmethod
    def get_session_store_class(cls) -> type:
        from .sessions import SessionStore

        return SessionStore
