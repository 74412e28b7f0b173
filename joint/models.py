"""The models of joint approval (并联审批, R-PAR-1 … R-PAR-11).

- `JointFlow` and its `JointFlowLane`s: the flow-and-limits table of a joint item (并联审批流程时限表, R-PAR-2), with
  the lead department the centre designated (牵头部门, R-PAR-1). Versioned: a change publishes a new version, and
  a joint case keeps the version in force when it was opened.
- `JointCase`: the one case the applicant sees (R-PAR-3) — a `cases.Case` of a joint item accepted once at the
  lead window — with its provincial platform code (R-PAR-9), its one correction (R-PAR-8) and the lead's final
  inspection (R-PAR-11).
- `JointLane`: one co-department's part: its notification (抄告单) with its number, the receipt that starts its
  own working-day timer (R-PAR-4), its opinion with the leaders who signed inside the department, a matter
  reported up (R-PAR-5), and the written reason of a second procedure (R-PAR-8).
- `JointLateness`: a lane that overran its limit, recorded when it fell overdue with the department and the
  chief representative answering for it then (R-PAR-10); never rewritten.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.models import CenterOwned, center_key


class JointFlow(CenterOwned):
    """One version of a joint item's flow-and-limits table (R-PAR-2) and its lead department (R-PAR-1)."""

    item = models.ForeignKey(
        "catalog.Item", on_delete=models.PROTECT, related_name="+", verbose_name=_("事项"), db_index=False
    )
    version = models.PositiveSmallIntegerField(verbose_name=_("版本"))
    lead_department = models.ForeignKey(
        "org.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("牵头部门")
    )
    effective_from = models.DateField(verbose_name=_("施行日期"))
    published_at = models.DateTimeField(verbose_name=_("发布时间"))
    published_by = models.ForeignKey(
        "org.StaffProfile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=200, blank=True, verbose_name=_("说明"))

    class Meta:
        ordering = ["item", "-version"]
        verbose_name = _("并联审批流程时限表")
        verbose_name_plural = _("并联审批流程时限表")
        constraints = [models.UniqueConstraint(fields=["item", "version"], name="jointflow_item_version")]

    def __str__(self) -> str:
        return f"{self.item} v{self.version}"


class JointFlowLane(models.Model):
    """A co-department of a flow: its items in the project and its limit in working days."""

    flow = models.ForeignKey(JointFlow, on_delete=models.PROTECT, related_name="lanes", db_index=False)
    department = models.ForeignKey(
        "org.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("协办部门")
    )
    items = models.CharField(max_length=300, verbose_name=_("审批事项"))
    limit_days = models.PositiveSmallIntegerField(verbose_name=_("时限（工作日）"))
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["flow", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["flow", "department"], name="jointflowlane_department")
        ]

    def __str__(self) -> str:
        return f"{self.department} {self.limit_days}"


class JointState(models.TextChoices):
    REVIEWING = "reviewing", _("并联审批中")
    SECOND_PROCEDURE = "second_procedure", _("二次程序（待补正）")
    OPINIONS_IN = "opinions_in", _("意见已齐，待验收")
    INSPECTED = "inspected", _("已最终审批验收")


class JointCase(CenterOwned):
    """A joint case: the one `cases.Case` the applicant sees, and what joint approval adds to it."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="joint")
    flow = models.ForeignKey(
        JointFlow, on_delete=models.PROTECT, related_name="+", verbose_name=_("流程时限表")
    )
    lead_department = models.ForeignKey(
        "org.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("牵头部门")
    )
    project_code = models.CharField(max_length=60, blank=True, verbose_name=_("省并联审批平台项目代码"))
    state = models.CharField(
        max_length=20, choices=JointState.choices, default=JointState.REVIEWING, verbose_name=_("状态")
    )
    opened_at = models.DateTimeField(verbose_name=_("受理时间"))
    opened_by = models.ForeignKey("org.StaffProfile", on_delete=models.PROTECT, related_name="+")
    # The co-departments' chief representatives at the one acceptance (一门受理, R-PAR-3).
    present = models.ManyToManyField("org.StaffProfile", related_name="+", blank=True)
    corrected_at = models.DateTimeField(null=True, blank=True, verbose_name=_("补正时间"))  # once (R-PAR-8)
    inspected_at = models.DateTimeField(null=True, blank=True, verbose_name=_("验收时间"))
    inspected_by = models.ForeignKey(
        "org.StaffProfile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    inspection = models.TextField(blank=True, verbose_name=_("最终审批验收意见"))

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("并联审批件")
        verbose_name_plural = _("并联审批件")
        indexes = [
            models.Index(
                fields=["center", "opened_at"], condition=~Q(state="inspected"), name="jointcase_open"
            )
        ]

    def __str__(self) -> str:
        return str(self.case)


class Opinion(models.TextChoices):
    """A co-department's clear opinion (R-PAR-5); missing materials go through the second procedure (R-PAR-8)."""

    AGREE = "agree", _("同意")
    AGREE_WITH_CONDITIONS = "conditions", _("有条件同意")
    DISAGREE = "disagree", _("不同意")


class JointLane(CenterOwned):
    """One co-department's part of a joint case."""

    joint_case = models.ForeignKey(JointCase, on_delete=models.PROTECT, related_name="lanes", db_index=False)
    department = models.ForeignKey(
        "org.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("协办部门")
    )
    items = models.CharField(max_length=300, verbose_name=_("审批事项"))
    limit_days = models.PositiveSmallIntegerField(verbose_name=_("时限（工作日）"))
    order = models.PositiveSmallIntegerField(default=0)
    # The notification (抄告单, R-PAR-4): its number, when the lead sent it and when the department received it.
    notice_number = models.CharField(max_length=60, blank=True, verbose_name=_("抄告单编号"))
    notified_at = models.DateTimeField(null=True, blank=True, verbose_name=_("抄告时间"))
    notified_by = models.ForeignKey(
        "org.StaffProfile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    received_at = models.DateTimeField(null=True, blank=True, verbose_name=_("签收时间"))
    received_by = models.ForeignKey(
        "org.StaffProfile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    timer = models.OneToOneField(
        "workdays.Timer", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The opinion (R-PAR-5), with the department's leaders who signed it inside the department.
    opinion = models.CharField(max_length=12, choices=Opinion.choices, blank=True, verbose_name=_("审批意见"))
    opinion_text = models.TextField(blank=True, verbose_name=_("意见说明（条件或理由）"))
    signed_by = models.CharField(max_length=200, blank=True, verbose_name=_("部门内部签批领导"))
    opinion_at = models.DateTimeField(null=True, blank=True, verbose_name=_("出具意见时间"))
    opinion_by = models.ForeignKey(
        "org.StaffProfile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A matter for a higher authority, reported up with the lead copied (R-PAR-5).
    reported_to = models.CharField(max_length=100, blank=True, verbose_name=_("报请上级机关"))
    reported_at = models.DateTimeField(null=True, blank=True, verbose_name=_("报请时间"))
    # The written reason of a second procedure (R-PAR-8): the department's clock stops from it to the correction.
    missing_reason = models.TextField(blank=True, verbose_name=_("缺件书面理由"))
    missing_at = models.DateTimeField(null=True, blank=True, verbose_name=_("缺件告知时间"))

    class Meta:
        ordering = ["joint_case", "order", "id"]
        verbose_name = _("并联审批部门")
        verbose_name_plural = _("并联审批部门")
        constraints = [
            models.UniqueConstraint(fields=["joint_case", "department"], name="jointlane_department")
        ]
        # A co-department's joint inbox: its lanes without an opinion yet.
        indexes = [
            models.Index(fields=["department"], condition=Q(opinion=""), name="jointlane_awaiting_opinion")
        ]

    def __str__(self) -> str:
        return f"{self.joint_case} {self.department}"


class JointLateness(CenterOwned):
    """A co-department that overran its limit (R-PAR-10 治庸问责): stored when its timer fell overdue, with who
    answered for the department then (its window's chief representative), and never rewritten."""

    center = center_key(indexed=False)

    lane = models.OneToOneField(JointLane, on_delete=models.PROTECT, related_name="lateness")
    department = models.ForeignKey(
        "org.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("部门")
    )
    deadline = models.DateField(verbose_name=_("期限"))
    overdue_on = models.DateField(verbose_name=_("超时日"))
    responsible = models.ForeignKey(
        "org.StaffProfile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("责任人"),
    )
    recorded_at = models.DateTimeField(verbose_name=_("记录时间"))

    class Meta:
        ordering = ["overdue_on", "id"]
        verbose_name = _("并联审批部门超时")
        verbose_name_plural = _("并联审批部门超时")
        indexes = [models.Index(fields=["center", "overdue_on"], name="jointlateness_by_day")]

    def __str__(self) -> str:
        return f"{self.department} {self.overdue_on}"


class SiteSurvey(CenterOwned):
    """A joint site survey (联合踏勘, R-PAR-6), organised by the lead: the day, the place, who took part, the
    findings; each participant signs in their own login."""

    joint_case = models.ForeignKey(JointCase, on_delete=models.PROTECT, related_name="surveys")
    surveyed_on = models.DateField(verbose_name=_("踏勘日期"))
    place = models.CharField(max_length=200, verbose_name=_("踏勘地点"))
    findings = models.TextField(verbose_name=_("踏勘意见"))
    organised_by = models.ForeignKey("org.StaffProfile", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(verbose_name=_("记录时间"))

    class Meta:
        ordering = ["joint_case", "surveyed_on", "id"]
        verbose_name = _("联合踏勘")
        verbose_name_plural = _("联合踏勘")

    def __str__(self) -> str:
        return f"{self.joint_case} {self.surveyed_on}"


class SurveySignature(models.Model):
    """A participant of a site survey and, once given, their signature."""

    survey = models.ForeignKey(
        SiteSurvey, on_delete=models.PROTECT, related_name="signatures", db_index=False
    )
    staff = models.ForeignKey("org.StaffProfile", on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("签名时间"))

    class Meta:
        ordering = ["survey", "id"]
        constraints = [models.UniqueConstraint(fields=["survey", "staff"], name="surveysignature_once")]

    def __str__(self) -> str:
        return f"{self.survey} {self.staff}"


class ReviewMeeting(CenterOwned):
    """The monthly joint review meeting (联审会议, R-PAR-7) on the centre's day (`joint_meeting_day`, the 10th by
    default): the joint cases pending on its agenda, each with the meeting's joint opinion countersigned by the
    chief representatives, and the matters put to the county coordination leading group."""

    center = center_key(indexed=False)

    held_on = models.DateField(verbose_name=_("会议日期"))
    place = models.CharField(max_length=200, verbose_name=_("地点"))
    convened_by = models.ForeignKey("org.StaffProfile", on_delete=models.PROTECT, related_name="+")
    convened_at = models.DateTimeField(verbose_name=_("安排时间"))

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("联审会议")
        verbose_name_plural = _("联审会议")
        constraints = [models.UniqueConstraint(fields=["center", "held_on"], name="reviewmeeting_one_a_day")]

    def __str__(self) -> str:
        return f"{self.held_on}"


class ReviewItem(models.Model):
    """A pending joint case on a meeting's agenda, with the meeting's joint opinion (会签意见)."""

    meeting = models.ForeignKey(ReviewMeeting, on_delete=models.PROTECT, related_name="items", db_index=False)
    joint_case = models.ForeignKey(JointCase, on_delete=models.PROTECT, related_name="+")
    opinion = models.TextField(blank=True, verbose_name=_("联审意见"))
    opinion_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["meeting", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "joint_case"], name="reviewitem_once")]

    def __str__(self) -> str:
        return f"{self.meeting} {self.joint_case}"


class Countersignature(models.Model):
    """A chief representative's countersignature (会签) of a joint opinion, given in their own login."""

    item = models.ForeignKey(
        ReviewItem, on_delete=models.PROTECT, related_name="countersignatures", db_index=False
    )
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey("org.StaffProfile", on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField()

    class Meta:
        ordering = ["item", "id"]
        constraints = [models.UniqueConstraint(fields=["item", "department"], name="countersignature_once")]

    def __str__(self) -> str:
        return f"{self.item} {self.staff}"


class CoordinationMatter(models.Model):
    """A major matter put by the meeting to the county coordination leading group (县行政审批协调领导小组), and
    its recorded decision."""

    meeting = models.ForeignKey(ReviewMeeting, on_delete=models.PROTECT, related_name="matters")
    joint_case = models.ForeignKey(
        JointCase, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    matter = models.TextField(verbose_name=_("提请协调事项"))
    referred_at = models.DateTimeField()
    decision = models.TextField(blank=True, verbose_name=_("领导小组决定"))
    decided_on = models.DateField(null=True, blank=True, verbose_name=_("决定日期"))
    recorded_by = models.ForeignKey(
        "org.StaffProfile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["meeting", "id"]

    def __str__(self) -> str:
        return f"{self.meeting} {self.matter[:20]}"
