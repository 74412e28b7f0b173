"""Staffing: clock-in terminals, their PINs, clock events and the day's attendance (R-ATT-2, R-CLK-7).

Writes go through `staffing.services`; reads through `staffing.selectors`. Leave, duty rosters and spot checks
(R-ATT-1, R-ATT-3 … R-ATT-9) come later and read the same tables.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.models import CenterOwned

from . import attendance as rules


class Terminal(CenterOwned):
    """A face-recognition clock-in terminal (人脸识别考勤机) of a centre, known by its serial number.

    A serial belongs to one centre: a terminal that is not registered, or not active, is refused and nothing it
    sends is stored. The serial is printed on the terminal and sent in clear, so it is not a secret:
    `allowed_addresses` (addresses or networks, one per line) limits where it may be sent from.
    """

    serial = models.CharField(max_length=40, unique=True, verbose_name="序列号")
    name = models.CharField(max_length=60, verbose_name="名称")
    location = models.CharField(max_length=100, blank=True, verbose_name="安装位置")
    allowed_addresses = models.TextField(blank=True, verbose_name="允许的来源地址")
    is_active = models.BooleanField(default=True, verbose_name="启用")
    registered_at = models.DateTimeField(auto_now_add=True, verbose_name="登记时间")
    # What the terminal last told about itself.
    last_seen_at = models.DateTimeField(null=True, blank=True, verbose_name="最近联系")
    last_address = models.CharField(max_length=45, blank=True, verbose_name="最近来源地址")
    push_version = models.CharField(max_length=20, blank=True, verbose_name="推送协议版本")
    attlog_stamp = models.CharField(max_length=20, blank=True, verbose_name="考勤记录上传戳")
    # The terminal's clock minus the server's, in seconds, as far as its uploads show it (see
    # `staffing.services.ingest`); None until it has uploaded.
    clock_offset_seconds = models.IntegerField(null=True, blank=True, verbose_name="时钟偏差（秒）")
    clock_checked_at = models.DateTimeField(null=True, blank=True, verbose_name="偏差测定时间")

    class Meta:
        ordering = ["center", "serial"]
        verbose_name = "考勤机"
        verbose_name_plural = "考勤机"

    def __str__(self) -> str:
        return f"{self.name} ({self.serial})"


class PinMapping(CenterOwned):
    """A staff member's PIN on the centre's terminals, from `valid_from` until `valid_until` (open: still).

    The same PIN on every terminal of the centre. A change closes the period and opens another, so the events
    of the past keep the person they were taken for; a wrong mapping is put right by
    `staffing.services.pin_mapping_correct`, recorded with its reason.
    """

    pin = models.CharField(max_length=24, verbose_name="考勤号")
    staff = models.ForeignKey(
        "org.StaffProfile", on_delete=models.PROTECT, related_name="pin_mappings", verbose_name="工作人员"
    )
    valid_from = models.DateTimeField(verbose_name="起")
    valid_until = models.DateTimeField(null=True, blank=True, verbose_name="止")

    class Meta:
        ordering = ["center", "pin", "valid_from"]
        verbose_name = "考勤号对应"
        verbose_name_plural = "考勤号对应"
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until=None) | Q(valid_until__gt=models.F("valid_from")),
                name="pinmapping_valid_period",
            ),
            models.UniqueConstraint(
                fields=["center", "pin"], condition=Q(valid_until=None), name="pinmapping_open_pin"
            ),
            models.UniqueConstraint(
                fields=["center", "staff"], condition=Q(valid_until=None), name="pinmapping_open_staff"
            ),
        ]
        indexes = [models.Index(fields=["center", "pin", "valid_from"])]

    def __str__(self) -> str:
        return f"{self.pin} → {self.staff_id}"


class Protocol(models.TextChoices):
    ICLOCK = "iclock", _("iClock推送")
    API = "api", _("接口")


class TerminalUpload(CenterOwned):
    """One batch a terminal sent, with what became of its lines: stored, already known, refused (and why).

    The report of a batch: the terminal is told the counts, the office reads the refused lines here.
    """

    terminal = models.ForeignKey(
        Terminal, on_delete=models.PROTECT, related_name="uploads", verbose_name="考勤机"
    )
    received_at = models.DateTimeField(verbose_name="接收时间")
    protocol = models.CharField(max_length=10, choices=Protocol.choices, verbose_name="方式")
    address = models.CharField(max_length=45, blank=True, verbose_name="来源地址")
    stamp = models.CharField(max_length=20, blank=True, verbose_name="上传戳")
    lines = models.PositiveIntegerField(default=0, verbose_name="记录数")
    stored = models.PositiveIntegerField(default=0, verbose_name="新存记录")
    duplicates = models.PositiveIntegerField(default=0, verbose_name="重复记录")
    rejected = models.PositiveIntegerField(default=0, verbose_name="拒收记录")
    after_close = models.PositiveIntegerField(default=0, verbose_name="已结算日的新记录")
    # [{"line": n, "text": "…", "reason": "…"}] for the first refused lines (`MAX_PROBLEMS_KEPT`).
    problems = models.JSONField(default=list, blank=True, verbose_name="拒收明细")
    # The newest event's time minus the moment of receipt: at most the terminal's clock offset, and equal to
    # it but for the network's delay when the terminal uploads in real time.
    clock_lead_seconds = models.IntegerField(null=True, blank=True, verbose_name="最新记录领先（秒）")

    MAX_PROBLEMS_KEPT = 100

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = "考勤上传"
        verbose_name_plural = "考勤上传"
        indexes = [models.Index(fields=["terminal", "received_at"])]

    def __str__(self) -> str:
        return f"{self.terminal_id} {self.received_at:%Y-%m-%d %H:%M:%S}"


class EventSource(models.TextChoices):
    TERMINAL = "terminal", _("考勤机")
    CORRECTION = "correction", _("更正补录")


class ClockEvent(CenterOwned):
    """One clock of one person (打卡记录), as the terminal reported it.

    The same terminal, PIN and time twice is one event (the unique constraint): a replayed or overlapping batch
    stores nothing new. `time` is the terminal's wall-clock time read in the centre's time zone; `day` its
    local date. `staff` is the person the PIN was mapped to at that time. A correction of a day may add a clock
    the supervision section attests (a terminal outage): no terminal, source `correction`.
    """

    terminal = models.ForeignKey(
        Terminal,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name="考勤机",
    )
    pin = models.CharField(max_length=24, blank=True, verbose_name="考勤号")
    time = models.DateTimeField(verbose_name="打卡时间")
    day = models.DateField(verbose_name="日期")
    staff = models.ForeignKey(
        "org.StaffProfile", on_delete=models.PROTECT, related_name="clock_events", verbose_name="工作人员"
    )
    status = models.PositiveSmallIntegerField(default=0, verbose_name="状态")
    verify = models.PositiveSmallIntegerField(default=0, verbose_name="验证方式")
    source = models.CharField(
        max_length=12, choices=EventSource.choices, default=EventSource.TERMINAL, verbose_name="来源"
    )
    received_at = models.DateTimeField(verbose_name="接收时间")
    upload = models.ForeignKey(
        TerminalUpload,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name="所在上传",
    )

    class Meta:
        ordering = ["time", "id"]
        verbose_name = "打卡记录"
        verbose_name_plural = "打卡记录"
        constraints = [
            models.UniqueConstraint(fields=["terminal", "pin", "time"], name="clockevent_once_per_terminal"),
            models.CheckConstraint(
                condition=Q(source="correction", terminal=None)
                | Q(source="terminal", terminal__isnull=False),
                name="clockevent_source_matches_terminal",
            ),
        ]
        indexes = [
            models.Index(fields=["center", "day"]),
            models.Index(fields=["staff", "day"]),
        ]

    def __str__(self) -> str:
        return f"{self.staff_id} {self.time:%Y-%m-%d %H:%M:%S}"


class DayKind(models.TextChoices):
    WORKING = rules.WORKING_DAY, _("工作日")
    REST = rules.REST_DAY, _("休息日")
    DUTY = rules.DUTY_DAY, _("值班日")


class DayStatus(models.TextChoices):
    REST = rules.REST, _("休息")
    ON_TIME = rules.ON_TIME, _("正常")
    LATE = rules.LATE, _("迟到")
    LEFT_EARLY = rules.LEFT_EARLY, _("早退")
    ABSENT = rules.ABSENT, _("旷工")
    LEAVE = rules.LEAVE, _("请假")
    OUTING = rules.OUTING, _("外出")


class AttendanceDay(CenterOwned):
    """A person's attendance on one day (R-ATT-2), computed by `staffing.attendance` when the day is closed and
    stored; from then on it changes only by a recorded correction (`revision` counts them, the history keeps
    each with its reason).

    `sittings` holds each sitting's state and checkpoints (expected, clocked, mark, minutes) for the day's page;
    the columns are what the monthly sheet and the assessment read.
    """

    staff = models.ForeignKey(
        "org.StaffProfile", on_delete=models.PROTECT, related_name="attendance_days", verbose_name="工作人员"
    )
    day = models.DateField(verbose_name="日期")
    kind = models.CharField(max_length=10, choices=DayKind.choices, verbose_name="日别")
    status = models.CharField(max_length=12, choices=DayStatus.choices, verbose_name="考勤结果")
    late = models.PositiveSmallIntegerField(default=0, verbose_name="迟到次数")
    early = models.PositiveSmallIntegerField(default=0, verbose_name="早退次数")
    no_clock_in = models.PositiveSmallIntegerField(default=0, verbose_name="上班未打卡")
    no_clock_out = models.PositiveSmallIntegerField(default=0, verbose_name="下班未打卡")
    late_minutes = models.PositiveIntegerField(default=0, verbose_name="迟到分钟")
    early_minutes = models.PositiveIntegerField(default=0, verbose_name="早退分钟")
    expected_minutes = models.PositiveIntegerField(default=0, verbose_name="应出勤分钟")
    leave_minutes = models.PositiveIntegerField(default=0, verbose_name="请假分钟")
    outing_minutes = models.PositiveIntegerField(default=0, verbose_name="外出分钟")
    absent_minutes = models.PositiveIntegerField(default=0, verbose_name="旷工分钟")
    first_clock = models.DateTimeField(null=True, blank=True, verbose_name="首次打卡")
    last_clock = models.DateTimeField(null=True, blank=True, verbose_name="末次打卡")
    clocks = models.PositiveIntegerField(default=0, verbose_name="打卡次数")
    sittings = models.JSONField(default=list, blank=True, verbose_name="分时段明细")
    computed_at = models.DateTimeField(verbose_name="计算时间")
    revision = models.PositiveIntegerField(default=0, verbose_name="更正次数")

    class Meta:
        ordering = ["day", "staff"]
        verbose_name = "日考勤"
        verbose_name_plural = "日考勤"
        constraints = [models.UniqueConstraint(fields=["staff", "day"], name="attendanceday_once_per_day")]
        indexes = [models.Index(fields=["center", "day"])]

    def __str__(self) -> str:
        return f"{self.staff_id} {self.day} {self.status}"


class AttendanceClose(CenterOwned):
    """A day of a centre whose attendance has been computed and stored (closed)."""

    day = models.DateField(verbose_name="日期")
    closed_at = models.DateTimeField(verbose_name="结算时间")
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="结算人",
    )
    people = models.PositiveIntegerField(default=0, verbose_name="人数")

    class Meta:
        ordering = ["-day"]
        verbose_name = "考勤日结"
        verbose_name_plural = "考勤日结"
        constraints = [models.UniqueConstraint(fields=["center", "day"], name="attendanceclose_once_per_day")]

    def __str__(self) -> str:
        return f"{self.center_id} {self.day}"
