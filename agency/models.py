"""The models of full agency (全程代办, R-AGT-1 … R-AGT-6).

A project in scope (R-AGT-1) is proposed, then confirmed by the centre's leadership, which forms its team (工作专班,
R-AGT-2): a deputy director leads it, the coordination section's head and the chief representatives of the
windows involved are members. The team meets at any time and assigns tasks to windows, which must take them
(R-AGT-3). Every licence the project needs is tracked from gathering its materials to its issuance, each stage
change kept in an append-only log (R-AGT-4). The issued licences are handed over to the enterprise with a
register signed on both sides (R-AGT-5). A delay caused by a member or a window is recorded for the discipline
authority (R-AGT-6).

Written only by `agency.services`; read through `agency.selectors`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.models import AppendOnlyQuerySet, CenterOwned, center_key


class AgencyScope(models.TextChoices):
    """What full agency covers (R-AGT-1)."""

    DEVELOPMENT_ZONE = "development_zone", _("落户经济开发区的投资项目")
    MAJOR_PROJECT = "major_project", _("县委县政府确定的重大项目")


class ProjectState(models.TextChoices):
    PROPOSED = "proposed", _("待确认")
    CONFIRMED = "confirmed", _("代办中")
    HANDED_OVER = "handed_over", _("已移交")
    CLOSED = "closed", _("已办结")


class AgencyProject(CenterOwned):
    """An investment project the centre obtains every licence for (R-AGT-1)."""

    center = center_key(indexed=False)

    name = models.CharField(max_length=200, verbose_name=_("项目名称"))
    enterprise_name = models.CharField(max_length=200, verbose_name=_("企业名称"))
    credit_code = models.CharField(max_length=18, verbose_name=_("统一社会信用代码"))
    scope = models.CharField(max_length=20, choices=AgencyScope.choices, verbose_name=_("代办范围"))
    # The county's document designating a major project (县政府确定重大项目的文号); required for that scope.
    designation_number = models.CharField(max_length=60, blank=True, verbose_name=_("确定文号"))
    platform_code = models.CharField(max_length=60, blank=True, verbose_name=_("省平台项目代码"))
    state = models.CharField(
        max_length=12, choices=ProjectState.choices, default=ProjectState.PROPOSED, verbose_name=_("状态")
    )
    proposed_at = models.DateTimeField(verbose_name=_("登记时间"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记人"),
    )
    confirmed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("确认时间"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("确认人"),
    )
    closed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("办结时间"))

    class Meta:
        verbose_name = _("全程代办项目")
        verbose_name_plural = _("全程代办项目")
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(scope="major_project") | ~Q(designation_number=""),
                name="agencyproject_major_has_designation",
            ),
            models.CheckConstraint(
                condition=Q(state="proposed") | Q(confirmed_at__isnull=False),
                name="agencyproject_confirmed_has_time",
            ),
        ]
        indexes = [models.Index(fields=["center", "state"], name="agencyproject_center_state")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        """Whether the team still works on it (confirmed, not yet handed over)."""
        return self.state == ProjectState.CONFIRMED


class TeamRole(models.TextChoices):
    LEADER = "leader", _("牵头分管副主任")
    COORDINATION = "coordination", _("审批协调科负责人")
    CHIEF_REPRESENTATIVE = "chief_representative", _("相关窗口首席代表")


class AgencyTeamMember(models.Model):
    """A member of a project's team (工作专班, R-AGT-2)."""

    project = models.ForeignKey(
        AgencyProject, on_delete=models.PROTECT, related_name="members", db_index=False
    )
    staff = models.ForeignKey(
        "org.StaffProfile",
        on_delete=models.PROTECT,
        related_name="agency_memberships",
        verbose_name=_("成员"),
    )
    role = models.CharField(max_length=24, choices=TeamRole.choices, verbose_name=_("专班职责"))
    window = models.ForeignKey(
        "org.Window",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("窗口"),
    )
    added_at = models.DateTimeField(verbose_name=_("加入时间"))

    class Meta:
        verbose_name = _("专班成员")
        verbose_name_plural = _("专班成员")
        ordering = ["project", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "staff", "window"], name="agencymember_once"),
            models.UniqueConstraint(
                fields=["project"], condition=Q(role="leader"), name="agencymember_one_leader"
            ),
            models.UniqueConstraint(
                fields=["project"], condition=Q(role="coordination"), name="agencymember_one_coordination"
            ),
            models.CheckConstraint(
                condition=Q(role="chief_representative", window__isnull=False)
                | (~Q(role="chief_representative") & Q(window__isnull=True)),
                name="agencymember_window_for_chief",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.role} {self.staff_id}"


class AgencyMeeting(CenterOwned):
    """A joint meeting of the team (联席会议, R-AGT-3), convened at any time."""

    project = models.ForeignKey(AgencyProject, on_delete=models.PROTECT, related_name="meetings")
    held_at = models.DateTimeField(verbose_name=_("开会时间"))
    place = models.CharField(max_length=200, verbose_name=_("地点"))
    minutes = models.TextField(blank=True, verbose_name=_("会议纪要"))
    attendees = models.ManyToManyField("org.StaffProfile", related_name="+", verbose_name=_("参会人员"))
    recorded_at = models.DateTimeField(verbose_name=_("登记时间"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记人"),
    )

    class Meta:
        verbose_name = _("代办联席会议")
        verbose_name_plural = _("代办联席会议")
        ordering = ["project", "held_at", "id"]

    def __str__(self) -> str:
        return f"{self.project_id} {self.held_at:%Y-%m-%d}"


class TaskState(models.TextChoices):
    ASSIGNED = "assigned", _("待窗口接收")
    TAKEN = "taken", _("已接收")
    DONE = "done", _("已完成")


class AgencyTask(CenterOwned):
    """A task the team assigns to a window (R-AGT-3): the window must take it (its head or chief representative
    acknowledges it; there is no refusing), and reports it done. Due `due_days` working days after the day it was
    assigned, on a working-day timer (`TimerKind.AGENCY_TASK`) started when it is assigned and finished when it is
    done; `due_on` is the timer's deadline, kept with it when the calendar moves it. Its colour (yellow, red) is
    the timer's; overdue, it is recorded as the window's delay (R-AGT-6)."""

    project = models.ForeignKey(AgencyProject, on_delete=models.PROTECT, related_name="tasks")
    meeting = models.ForeignKey(
        AgencyMeeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("布置会议"),
    )
    window = models.ForeignKey(
        "org.Window",
        on_delete=models.PROTECT,
        related_name="agency_tasks",
        verbose_name=_("承办窗口"),
        db_index=False,
    )
    title = models.CharField(max_length=300, verbose_name=_("任务"))
    due_days = models.PositiveSmallIntegerField(verbose_name=_("办理时限（工作日）"))
    due_on = models.DateField(verbose_name=_("完成期限"))
    state = models.CharField(
        max_length=10, choices=TaskState.choices, default=TaskState.ASSIGNED, verbose_name=_("状态")
    )
    assigned_at = models.DateTimeField(verbose_name=_("布置时间"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("布置人"),
    )
    taken_at = models.DateTimeField(null=True, blank=True, verbose_name=_("接收时间"))
    taken_by = models.ForeignKey(
        "org.StaffProfile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("接收人"),
    )
    done_at = models.DateTimeField(null=True, blank=True, verbose_name=_("完成时间"))
    result = models.TextField(blank=True, verbose_name=_("办理结果"))
    # Tasks assigned before the timers came have none: their `due_on` alone tells their deadline.
    timer = models.OneToOneField(
        "workdays.Timer", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("代办任务")
        verbose_name_plural = _("代办任务")
        ordering = ["project", "assigned_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="assigned") | Q(taken_at__isnull=False), name="agencytask_taken_has_time"
            ),
            models.CheckConstraint(condition=Q(due_days__gte=1), name="agencytask_due_days"),
        ]
        indexes = [models.Index(fields=["window", "state"], name="agencytask_window_state")]

    def __str__(self) -> str:
        return self.title


class LicenceStage(models.TextChoices):
    """A licence's way to issuance, in order (R-AGT-4)."""

    GATHERING = "gathering", _("收集材料")
    COMPLETE = "complete", _("材料齐全")
    JOINT_REVIEW = "joint_review", _("集中会审")
    SUBMITTED = "submitted", _("已报办")
    ISSUED = "issued", _("已发证")


STAGE_ORDER: list[str] = [value for value, _label in LicenceStage.choices]


class AgencyLicence(CenterOwned):
    """A licence (证照) the project needs, issued through `window` (R-AGT-4)."""

    project = models.ForeignKey(
        AgencyProject, on_delete=models.PROTECT, related_name="licences", db_index=False
    )
    name = models.CharField(max_length=200, verbose_name=_("证照名称"))
    window = models.ForeignKey(
        "org.Window", on_delete=models.PROTECT, related_name="agency_licences", verbose_name=_("办理窗口")
    )
    item = models.ForeignKey(
        "catalog.Item",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("对应事项"),
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("对应办件"),
    )
    stage = models.CharField(
        max_length=14, choices=LicenceStage.choices, default=LicenceStage.GATHERING, verbose_name=_("进度")
    )
    stage_changed_at = models.DateTimeField(verbose_name=_("进度更新时间"))
    licence_number = models.CharField(max_length=100, blank=True, verbose_name=_("证照编号"))
    issued_on = models.DateField(null=True, blank=True, verbose_name=_("发证日期"))
    listed_at = models.DateTimeField(verbose_name=_("列入时间"))

    class Meta:
        verbose_name = _("代办证照")
        verbose_name_plural = _("代办证照")
        ordering = ["project", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(stage="issued") | (~Q(licence_number="") & Q(issued_on__isnull=False)),
                name="agencylicence_issued_has_number",
            ),
            models.UniqueConstraint(fields=["project", "name", "window"], name="agencylicence_once"),
        ]
        indexes = [models.Index(fields=["project", "stage"], name="agencylicence_project_stage")]

    def __str__(self) -> str:
        return self.name

    @property
    def stage_index(self) -> int:
        return STAGE_ORDER.index(self.stage)


class LicenceStageChange(models.Model):
    """One change of a licence's stage, who made it and when (R-AGT-4). Append-only."""

    licence = models.ForeignKey(AgencyLicence, on_delete=models.PROTECT, related_name="stage_log")
    from_stage = models.CharField(max_length=14, choices=LicenceStage.choices, blank=True)
    to_stage = models.CharField(max_length=14, choices=LicenceStage.choices)
    at = models.DateTimeField(verbose_name=_("时间"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    reason = models.CharField(max_length=300, blank=True, verbose_name=_("原因"))

    objects: Any = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("证照进度记录")
        verbose_name_plural = _("证照进度记录")
        ordering = ["licence", "at", "id"]

    def __str__(self) -> str:
        return f"{self.licence_id} {self.from_stage}→{self.to_stage}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise TypeError("The stage log is append-only.")
        super().save(*args, **kwargs)


def mask_id_number(value: str) -> str:
    """110***********1234: the first three and the last four characters of an identity number, for display."""
    value = value or ""
    if len(value) <= 7:
        return "*" * len(value)
    return f"{value[:3]}{'*' * (len(value) - 7)}{value[-4:]}"


class HandOver(CenterOwned):
    """The hand-over register (交接登记, R-AGT-5): every issued licence handed to the enterprise, signed by the
    centre's staff member in their login and by the enterprise's recipient."""

    project = models.OneToOneField(AgencyProject, on_delete=models.PROTECT, related_name="hand_over")
    signed_by = models.ForeignKey(
        "org.StaffProfile", on_delete=models.PROTECT, related_name="+", verbose_name=_("移交人")
    )
    recipient_name = models.CharField(max_length=40, verbose_name=_("企业接收人"))
    recipient_id_number = models.CharField(max_length=18, verbose_name=_("接收人身份证号"))
    signed_at = models.DateTimeField(verbose_name=_("签收时间"))
    note = models.CharField(max_length=300, blank=True, verbose_name=_("备注"))

    class Meta:
        verbose_name = _("代办证照交接登记")
        verbose_name_plural = _("代办证照交接登记")

    def __str__(self) -> str:
        return f"{self.project_id} {self.signed_at:%Y-%m-%d}"

    @property
    def recipient_id_masked(self) -> str:
        return mask_id_number(self.recipient_id_number)


class HandOverRow(models.Model):
    """One licence on the register, as it stood when handed over."""

    hand_over = models.ForeignKey(HandOver, on_delete=models.PROTECT, related_name="rows")
    licence = models.OneToOneField(AgencyLicence, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200, verbose_name=_("证照名称"))
    licence_number = models.CharField(max_length=100, verbose_name=_("证照编号"))
    issued_on = models.DateField(verbose_name=_("发证日期"))
    issuer = models.CharField(max_length=200, verbose_name=_("发证部门"))

    class Meta:
        verbose_name = _("交接证照")
        verbose_name_plural = _("交接证照")
        ordering = ["hand_over", "id"]

    def __str__(self) -> str:
        return f"{self.name} {self.licence_number}"


class DelayKind(models.TextChoices):
    SHIRKING = "shirking", _("推诿")
    PERFUNCTORY = "perfunctory", _("敷衍")
    OVERDUE = "overdue", _("逾期")


class AgencyDelay(CenterOwned):
    """A delay caused by a team member or a window (R-AGT-6), recorded for the discipline authority (纪检监察机关)."""

    project = models.ForeignKey(AgencyProject, on_delete=models.PROTECT, related_name="delays")
    kind = models.CharField(max_length=12, choices=DelayKind.choices, verbose_name=_("情形"))
    member = models.ForeignKey(
        "org.StaffProfile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agency_delays",
        verbose_name=_("责任成员"),
    )
    window = models.ForeignKey(
        "org.Window",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agency_delays",
        verbose_name=_("责任窗口"),
    )
    task = models.ForeignKey(
        AgencyTask,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="delays",
        verbose_name=_("相关任务"),
    )
    description = models.TextField(verbose_name=_("情况说明"))
    recorded_at = models.DateTimeField(verbose_name=_("登记时间"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记人"),
    )
    reported_on = models.DateField(null=True, blank=True, verbose_name=_("报送纪检监察机关日期"))

    class Meta:
        verbose_name = _("代办延误记录")
        verbose_name_plural = _("代办延误记录")
        ordering = ["project", "recorded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(member__isnull=False) | Q(window__isnull=False), name="agencydelay_has_culprit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.kind} {self.recorded_at:%Y-%m-%d}"
