"""The monthly meeting's records (R-MTG-1 … R-MTG-4), imported by `supervision.models`.

A `Meeting` is held at the start of a month, chaired by the director or a deputy, with a designated recorder who
signs people in and records the minutes. Its attendees (`MeetingAttendee`) are computed when it is scheduled, each
with the category that put them on the list. Matters are submitted ahead (`AgendaItem`); decisions become action
items (`ActionItem`) with an owner and a working-day timer, tracked to closure and carried over to the next
meeting while open.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.models import CenterOwned, center_key


class MeetingState(models.TextChoices):
    SCHEDULED = "scheduled", _("已安排")
    HELD = "held", _("已召开（纪要已记录）")


class Meeting(CenterOwned):
    """The monthly meeting (月例会) of `year`-`month` (the month it is held in; its pack covers the month before)."""

    center = center_key(indexed=False)

    year = models.PositiveSmallIntegerField(verbose_name=_("年"))
    month = models.PositiveSmallIntegerField(verbose_name=_("月"))
    starts_at = models.DateTimeField(verbose_name=_("开会时间"))
    place = models.CharField(max_length=200, verbose_name=_("地点"))
    chair = models.ForeignKey(
        "org.StaffProfile", on_delete=models.PROTECT, related_name="+", verbose_name=_("主持人")
    )
    recorder = models.ForeignKey(
        "org.StaffProfile", on_delete=models.PROTECT, related_name="+", verbose_name=_("记录人")
    )
    state = models.CharField(
        max_length=12, choices=MeetingState.choices, default=MeetingState.SCHEDULED, verbose_name=_("状态")
    )
    scheduled_at = models.DateTimeField(verbose_name=_("安排时间"))
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("安排人"),
    )
    minutes = models.TextField(blank=True, verbose_name=_("会议纪要"))
    minutes_recorded_at = models.DateTimeField(null=True, blank=True, verbose_name=_("纪要记录时间"))

    class Meta:
        verbose_name = _("月例会")
        verbose_name_plural = _("月例会")
        ordering = ["-starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["center", "year", "month"], name="meeting_once_a_month"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="meeting_month"),
        ]
        indexes = [models.Index(fields=["center", "starts_at"], name="meeting_center_start")]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}"


class AttendeeCategory(models.TextChoices):
    """Why a person is on the list (R-MTG-1: 中心领导班子成员、机关全体干部，各窗口单位负责人、首席代表、业务骨干)."""

    LEADERSHIP = "leadership", _("中心领导班子成员")
    OFFICE = "office", _("机关干部")
    WINDOW_HEAD = "window_head", _("窗口单位负责人")
    CHIEF_REPRESENTATIVE = "chief_representative", _("首席代表")
    KEY_STAFF = "key_staff", _("业务骨干")


class AttendanceStatus(models.TextChoices):
    EXPECTED = "expected", _("未签到")
    PRESENT = "present", _("出席")
    LATE = "late", _("迟到")
    ABSENT = "absent", _("缺席")


class CauseSource(models.TextChoices):
    ABSENCE = "absence", _("请假或外出（系统记录）")
    RECORDED = "recorded", _("记录人登记的原因")


class MeetingAttendee(models.Model):
    """One person expected at a meeting, their sign-in, and whether a late arrival or absence had a cause
    (R-MTG-4): an absence in force at the start (`absence`), or a cause the recorder recorded."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="attendees", db_index=False)
    staff = models.ForeignKey(
        "org.StaffProfile",
        on_delete=models.PROTECT,
        related_name="meeting_attendances",
        verbose_name=_("人员"),
        db_index=False,
    )
    category = models.CharField(max_length=24, choices=AttendeeCategory.choices, verbose_name=_("类别"))
    window = models.ForeignKey(
        "org.Window",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("窗口"),
    )
    status = models.CharField(
        max_length=10,
        choices=AttendanceStatus.choices,
        default=AttendanceStatus.EXPECTED,
        verbose_name=_("签到"),
    )
    signed_in_at = models.DateTimeField(null=True, blank=True, verbose_name=_("签到时间"))
    excused = models.BooleanField(default=False, verbose_name=_("有正当原因"))
    cause_source = models.CharField(
        max_length=10, choices=CauseSource.choices, blank=True, verbose_name=_("原因来源")
    )
    cause = models.CharField(max_length=300, blank=True, verbose_name=_("原因"))
    absence = models.ForeignKey(
        "org.Absence",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("离岗记录"),
    )

    class Meta:
        verbose_name = _("参会人员")
        verbose_name_plural = _("参会人员")
        ordering = ["meeting", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "staff"], name="meetingattendee_once")]
        indexes = [models.Index(fields=["staff", "status"], name="meetingattendee_staff")]

    def __str__(self) -> str:
        return f"{self.meeting_id} {self.staff_id} {self.status}"


class AgendaItem(CenterOwned):
    """A matter submitted for discussion before the meeting starts (R-MTG-3)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="agenda_items")
    title = models.CharField(max_length=200, verbose_name=_("议题"))
    details = models.TextField(blank=True, verbose_name=_("内容"))
    submitted_by = models.ForeignKey(
        "org.StaffProfile", on_delete=models.PROTECT, related_name="+", verbose_name=_("提交人")
    )
    window = models.ForeignKey(
        "org.Window",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("窗口"),
    )
    submitted_at = models.DateTimeField(verbose_name=_("提交时间"))

    class Meta:
        verbose_name = _("例会议题")
        verbose_name_plural = _("例会议题")
        ordering = ["meeting", "submitted_at", "id"]

    def __str__(self) -> str:
        return self.title


class ActionItemState(models.TextChoices):
    OPEN = "open", _("办理中")
    CLOSED = "closed", _("已办结")


class ActionItem(CenterOwned):
    """A decision of a meeting to be carried out by its owner within a number of working days (R-MTG-3), with
    its working-day timer (`workdays.Timer`, kind ACTION_ITEM); closed with a result by its owner or the chair."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="action_items")
    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("议题"),
    )
    title = models.CharField(max_length=300, verbose_name=_("督办事项"))
    owner = models.ForeignKey(
        "org.StaffProfile",
        on_delete=models.PROTECT,
        related_name="meeting_action_items",
        verbose_name=_("责任人"),
    )
    due_days = models.PositiveSmallIntegerField(verbose_name=_("办理时限（工作日）"))
    timer = models.OneToOneField(
        "workdays.Timer", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    state = models.CharField(
        max_length=10, choices=ActionItemState.choices, default=ActionItemState.OPEN, verbose_name=_("状态")
    )
    created_at = models.DateTimeField(verbose_name=_("决定时间"))
    result = models.TextField(blank=True, verbose_name=_("办理结果"))
    closed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("办结时间"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("办结登记人"),
    )

    class Meta:
        verbose_name = _("例会督办事项")
        verbose_name_plural = _("例会督办事项")
        ordering = ["meeting", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="open", closed_at=None) | Q(state="closed", closed_at__isnull=False),
                name="actionitem_closed_has_moment",
            )
        ]
        indexes = [
            models.Index(fields=["center", "created_at"], condition=Q(state="open"), name="actionitem_open")
        ]

    def __str__(self) -> str:
        return self.title[:60]
