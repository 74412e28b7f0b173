"""Staffing: clock-in terminals, their PINs, clock events and the day's attendance (R-ATT-2, R-CLK-7).

Writes go through `staffing.services`; reads through `staffing.selectors`. Leave, duty rosters and spot checks
(R-ATT-1, R-ATT-3 … R-ATT-9) come later and read the same tables.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.files import UploadTo
from common.models import CenterOwned, center_key

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

    center = center_key(indexed=False)

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
        Terminal, on_delete=models.PROTECT, related_name="uploads", verbose_name="考勤机", db_index=False
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

    center = center_key(indexed=False)

    terminal = models.ForeignKey(
        Terminal,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name="考勤机",
        db_index=False,
    )
    pin = models.CharField(max_length=24, blank=True, verbose_name="考勤号")
    time = models.DateTimeField(verbose_name="打卡时间")
    day = models.DateField(verbose_name="日期")
    staff = models.ForeignKey(
        "org.StaffProfile",
        on_delete=models.PROTECT,
        related_name="clock_events",
        verbose_name="工作人员",
        db_index=False,
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
    OFF_POST = rules.OFF_POST, _("脱岗（无人顶岗）")
    LEAVE = rules.LEAVE, _("请假")
    OUTING = rules.OUTING, _("外出")


class AttendanceDay(CenterOwned):
    """A person's attendance on one day (R-ATT-2), computed by `staffing.attendance` when the day is closed and
    stored; from then on it changes only by a recorded correction (`revision` counts them, the history keeps
    each with its reason).

    `sittings` holds each sitting's state and checkpoints (expected, clocked, mark, minutes) for the day's page;
    the columns are what the monthly sheet and the assessment read.
    """

    center = center_key(indexed=False)

    staff = models.ForeignKey(
        "org.StaffProfile",
        on_delete=models.PROTECT,
        related_name="attendance_days",
        verbose_name="工作人员",
        db_index=False,
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
    uncovered_minutes = models.PositiveIntegerField(default=0, verbose_name="无人顶岗分钟")
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

    center = center_key(indexed=False)

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


# --- duty rosters and spot checks (R-ATT-1/7, R-PUB-6) ---


class DutyKind(models.TextChoices):
    REST_DAY = "rest_day", _("节假日值班")
    LEADER = "leader", _("值班领导")
    LEADER_WINDOW = "leader_window", _("领导坐班")


class DutyEntry(CenterOwned):
    """One person on the duty roster of a day (R-ATT-1, R-PUB-6): weekend and holiday duty on a rest day, the
    duty leader of a working day, or a leader's sitting at the leaders' window (领导坐班).

    `phone` is the work phone the portal publishes, copied from the staff profile when assigned. A swap never
    rewrites an entry: it closes it (`superseded_at`) and opens another whose `swapped_from` names it, with the
    reason and who recorded it.
    """

    center = center_key(indexed=False)

    day = models.DateField(verbose_name="日期")
    kind = models.CharField(max_length=16, choices=DutyKind.choices, verbose_name="类别")
    staff = models.ForeignKey(
        "org.StaffProfile", on_delete=models.PROTECT, related_name="duty_entries", verbose_name="值班人员"
    )
    phone = models.CharField(max_length=40, blank=True, verbose_name="联系电话")
    assigned_at = models.DateTimeField(verbose_name="安排时间")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="安排人",
    )
    swapped_from = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="swapped_to",
        verbose_name="换班自",
    )
    swap_reason = models.TextField(blank=True, verbose_name="换班原因")
    superseded_at = models.DateTimeField(null=True, blank=True, verbose_name="被替换时间")

    class Meta:
        ordering = ["day", "kind", "id"]
        verbose_name = "值班安排"
        verbose_name_plural = "值班安排"
        constraints = [
            models.UniqueConstraint(
                fields=["center", "day", "kind", "staff"],
                condition=Q(superseded_at=None),
                name="dutyentry_once_per_day_kind",
            )
        ]
        indexes = [models.Index(fields=["center", "day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.kind} {self.staff_id}"


class DutyDispute(CenterOwned):
    """A dispute in the hall reported to the day's duty leader, and its outcome (R-ATT-1)."""

    reported_at = models.DateTimeField(verbose_name="报告时间")
    window = models.ForeignKey(
        "org.Window", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="窗口"
    )
    reporter = models.ForeignKey(
        "org.StaffProfile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="报告人",
    )
    summary = models.TextField(verbose_name="情况")
    leader = models.ForeignKey(
        "org.StaffProfile", on_delete=models.PROTECT, related_name="+", verbose_name="值班领导"
    )
    outcome = models.TextField(blank=True, verbose_name="处理结果")
    closed_at = models.DateTimeField(null=True, blank=True, verbose_name="办结时间")

    class Meta:
        ordering = ["-reported_at"]
        verbose_name = "值班纠纷"
        verbose_name_plural = "值班纠纷"

    def __str__(self) -> str:
        return f"{self.reported_at:%Y-%m-%d %H:%M} {self.leader_id}"


class SpotCheck(CenterOwned):
    """A spot check of who is at their post (稽查, R-ATT-7), by the supervision section."""

    center = center_key(indexed=False)

    at = models.DateTimeField(verbose_name="稽查时间")
    by = models.ForeignKey(
        "org.StaffProfile", on_delete=models.PROTECT, related_name="+", verbose_name="稽查人"
    )
    windows = models.ManyToManyField("org.Window", blank=True, related_name="+", verbose_name="稽查窗口")
    note = models.TextField(blank=True, verbose_name="备注")

    class Meta:
        ordering = ["-at"]
        verbose_name = "在岗稽查"
        verbose_name_plural = "在岗稽查"
        indexes = [models.Index(fields=["center", "at"])]

    def __str__(self) -> str:
        return f"{self.center_id} {self.at:%Y-%m-%d %H:%M}"


class FindingReason(models.TextChoices):
    PRESENT = "present", _("在岗")
    ON_LEAVE = "on_leave", _("已批准请假")
    ON_OUTING = "on_outing", _("登记外出")
    ON_DUTY_ELSEWHERE = "on_duty_elsewhere", _("因公在别处")
    UNEXPLAINED = "unexplained", _("擅自离岗")


class SpotCheckFinding(CenterOwned):
    """One person found, or not, at their post by a spot check; `day` is the check's local date, so that an
    absence without leave counts once per day (R-ASM-5)."""

    center = center_key(indexed=False)

    spot_check = models.ForeignKey(
        SpotCheck, on_delete=models.PROTECT, related_name="findings", verbose_name="稽查", db_index=False
    )
    staff = models.ForeignKey(
        "org.StaffProfile",
        on_delete=models.PROTECT,
        related_name="spot_findings",
        verbose_name="工作人员",
        db_index=False,
    )
    day = models.DateField(verbose_name="日期")
    present = models.BooleanField(verbose_name="在岗")
    reason = models.CharField(max_length=20, choices=FindingReason.choices, verbose_name="情况")
    note = models.CharField(max_length=200, blank=True, verbose_name="说明")

    class Meta:
        ordering = ["spot_check", "staff"]
        verbose_name = "稽查结果"
        verbose_name_plural = "稽查结果"
        constraints = [
            models.UniqueConstraint(fields=["spot_check", "staff"], name="spotcheckfinding_once_per_check")
        ]
        indexes = [models.Index(fields=["center", "day"]), models.Index(fields=["staff", "day"])]

    def __str__(self) -> str:
        return f"{self.staff_id} {self.day} {self.reason}"


class Explanation(CenterOwned):
    """The explanation asked of a person found off post without leave, and their answer (R-ATT-7)."""

    finding = models.OneToOneField(
        SpotCheckFinding, on_delete=models.PROTECT, related_name="explanation", verbose_name="稽查结果"
    )
    staff = models.ForeignKey(
        "org.StaffProfile", on_delete=models.PROTECT, related_name="explanations", verbose_name="工作人员"
    )
    asked_at = models.DateTimeField(verbose_name="要求说明时间")
    answered_at = models.DateTimeField(null=True, blank=True, verbose_name="说明时间")
    text = models.TextField(blank=True, verbose_name="情况说明")

    class Meta:
        ordering = ["-asked_at"]
        verbose_name = "情况说明"
        verbose_name_plural = "情况说明"

    def __str__(self) -> str:
        return f"{self.staff_id} {self.asked_at:%Y-%m-%d}"


# --- leave (R-ATT-3..9) ---


class LeaveKind(models.TextChoices):
    """The leave types of R-ATT-3 and R-ATT-8; whether each is official or private is a policy value."""

    SICK = "sick", _("病假")
    PERSONAL = "personal", _("事假")
    ANNUAL = "annual", _("年休假")
    FAMILY_VISIT = "family_visit", _("探亲假")
    MARRIAGE = "marriage", _("婚假")
    MATERNITY = "maternity", _("产假")
    BEREAVEMENT = "bereavement", _("丧假")
    OUTING = "outing", _("因公临时外出")
    TRAINING = "training", _("培训")
    MEETING = "meeting", _("派出单位会议")


class HalfDay(models.TextChoices):
    MORNING = "am", _("上午")
    AFTERNOON = "pm", _("下午")


class LeaveState(models.TextChoices):
    PENDING = "pending", _("审批中")
    APPROVED = "approved", _("已批准")
    RETURNED = "returned", _("已销假")
    REFUSED = "refused", _("未批准")
    WITHDRAWN = "withdrawn", _("已撤回")


# The states in which a leave holds its period (for the overlap checks of R-ATT-5).
LEAVE_HOLDING_STATES = (LeaveState.PENDING, LeaveState.APPROVED, LeaveState.RETURNED)


class ApproverKind(models.TextChoices):
    SUPERVISION = "supervision", _("稽查督办科")
    DEPUTY = "deputy", _("分管领导")
    WINDOW_HEAD = "window_head", _("窗口负责人或首席代表")
    DIRECTOR = "director", _("中心主要领导")


class ReturnHow(models.TextChoices):
    IN_PERSON = "in_person", _("当面")
    PHONE = "phone", _("电话")


class LeaveRequest(CenterOwned):
    """A leave request (R-ATT-3): whole or half days, counted in working days; approved step by step by the tier
    its length calls for (R-ATT-4), covered by a B for each of the person's posts (R-ATT-5), handed over on
    approval (R-ATT-9) and closed by the return (销假, R-ATT-6).

    `starts_at`/`ends_at` are the planned period (the first half-day's start, the last half-day's end). On
    approval an `org.Absence` is recorded for it, so that the posts go to B (R-ORG-7); the return ends that
    absence at the moment of the return and `returned_at` keeps it."""

    center = center_key(indexed=False)

    staff = models.ForeignKey(
        "org.StaffProfile",
        on_delete=models.PROTECT,
        related_name="leave_requests",
        verbose_name="请假人",
        db_index=False,
    )
    window = models.ForeignKey(
        "org.Window",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="所在窗口",
    )
    kind = models.CharField(max_length=16, choices=LeaveKind.choices, verbose_name="类别")
    official = models.BooleanField(default=False, verbose_name="公假")
    start_date = models.DateField(verbose_name="开始日期")
    start_half = models.CharField(max_length=2, choices=HalfDay.choices, verbose_name="开始半天")
    end_date = models.DateField(verbose_name="结束日期")
    end_half = models.CharField(max_length=2, choices=HalfDay.choices, verbose_name="结束半天")
    starts_at = models.DateTimeField(verbose_name="开始")
    ends_at = models.DateTimeField(verbose_name="结束")
    half_days = models.PositiveSmallIntegerField(verbose_name="半天数")
    reason = models.TextField(verbose_name="事由")
    outing_entry = models.TextField(blank=True, verbose_name="外出登记")
    attachment = models.FileField(upload_to=UploadTo("leave/"), blank=True, verbose_name="证明")
    attachment_name = models.CharField(max_length=120, blank=True, verbose_name="证明文件名")
    state = models.CharField(
        max_length=10, choices=LeaveState.choices, default=LeaveState.PENDING, verbose_name="状态"
    )
    requested_at = models.DateTimeField(verbose_name="申请时间")
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name="审批完成时间")
    absence = models.OneToOneField(
        "org.Absence",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="leave",
        verbose_name="离岗记录",
    )
    returned_at = models.DateTimeField(null=True, blank=True, verbose_name="销假时间")
    return_how = models.CharField(
        max_length=10, choices=ReturnHow.choices, blank=True, verbose_name="销假方式"
    )
    return_recorded_by = models.ForeignKey(
        "org.StaffProfile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="销假登记人",
    )
    return_note = models.TextField(blank=True, verbose_name="销假说明")

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = "请假"
        verbose_name_plural = "请假"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="leave_period_positive"
            )
        ]
        indexes = [
            models.Index(fields=["staff", "starts_at", "ends_at"]),
            models.Index(fields=["center", "state", "ends_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.staff_id} {self.kind} {self.start_date}"

    @property
    def days(self) -> float:
        return self.half_days / 2


class LeaveApproval(models.Model):
    """One step of a leave's approval (R-ATT-4), in order; `decision` empty while it waits."""

    leave = models.ForeignKey(
        LeaveRequest, on_delete=models.PROTECT, related_name="approvals", db_index=False
    )
    step = models.PositiveSmallIntegerField(verbose_name="顺序")
    approver_kind = models.CharField(max_length=12, choices=ApproverKind.choices, verbose_name="审批人")
    approver = models.ForeignKey(
        "org.StaffProfile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="审批人",
    )
    decision = models.CharField(max_length=10, blank=True, verbose_name="意见")
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name="审批时间")
    note = models.TextField(blank=True, verbose_name="说明")

    class Meta:
        ordering = ["leave", "step"]
        verbose_name = "请假审批"
        verbose_name_plural = "请假审批"
        constraints = [models.UniqueConstraint(fields=["leave", "step"], name="leaveapproval_step_once")]

    def __str__(self) -> str:
        return f"{self.leave_id} {self.step} {self.approver_kind}"


class LeaveCover(models.Model):
    """The B named to cover one of the person's posts for the leave (R-ATT-5)."""

    leave = models.ForeignKey(LeaveRequest, on_delete=models.PROTECT, related_name="covers", db_index=False)
    post = models.ForeignKey("org.Post", on_delete=models.PROTECT, related_name="+", verbose_name="岗位")
    backup = models.ForeignKey(
        "org.StaffProfile", on_delete=models.PROTECT, related_name="leave_covers", verbose_name="B角"
    )

    class Meta:
        ordering = ["leave", "post"]
        verbose_name = "请假顶岗"
        verbose_name_plural = "请假顶岗"
        constraints = [models.UniqueConstraint(fields=["leave", "post"], name="leavecover_post_once")]

    def __str__(self) -> str:
        return f"{self.leave_id} {self.post_id} → {self.backup_id}"


class LeaveHandOver(CenterOwned):
    """The hand-over of a post's open work from A to B for the leave (R-ATT-9): the open cases at the moment
    of approval, kept as a fact (never rewritten)."""

    leave = models.ForeignKey(LeaveRequest, on_delete=models.PROTECT, related_name="handovers")
    post = models.ForeignKey("org.Post", on_delete=models.PROTECT, related_name="+", verbose_name="岗位")
    from_staff = models.ForeignKey(
        "org.StaffProfile", on_delete=models.PROTECT, related_name="+", verbose_name="A角"
    )
    to_staff = models.ForeignKey(
        "org.StaffProfile",
        on_delete=models.PROTECT,
        related_name="leave_handovers",
        verbose_name="B角",
        db_index=False,
    )
    starts_at = models.DateTimeField(verbose_name="起")
    ends_at = models.DateTimeField(verbose_name="止")
    case_ids = models.JSONField(default=list, blank=True, verbose_name="在办件")
    case_numbers = models.JSONField(default=list, blank=True, verbose_name="在办件编号")
    case_count = models.PositiveIntegerField(default=0, verbose_name="在办件数")
    recorded_at = models.DateTimeField(verbose_name="移交时间")

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = "工作移交"
        verbose_name_plural = "工作移交"
        indexes = [models.Index(fields=["to_staff", "starts_at"])]
