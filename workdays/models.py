"""The working-day calendar as data (R-CLK-1, R-CLK-3).

Only exceptions to the plain Monday–Friday week are stored: a holiday on a weekday, or an adjusted working
day (调休上班) on a weekend. `center=None` rows are the national schedule; a centre's rows override it.
A year is "loaded" once its official schedule is in (`CalendarYear`); past the last loaded year results are
provisional.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("休息日（节假日）")
    WORKDAY = "workday", _("调休上班")


class CalendarYear(models.Model):
    """A year whose official schedule is loaded (national when `center` is empty)."""

    center = models.ForeignKey(
        "org.Center", on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    year = models.PositiveSmallIntegerField(verbose_name="年份")
    source = models.CharField(max_length=200, verbose_name="来源")
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["year"]
        verbose_name = "已载入年份"
        verbose_name_plural = "已载入年份"
        constraints = [
            models.UniqueConstraint(
                fields=["year"], condition=Q(center=None), name="calendaryear_national_unique"
            ),
            models.UniqueConstraint(fields=["center", "year"], name="calendaryear_center_unique"),
        ]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """An exception to the Monday–Friday week on one date."""

    center = models.ForeignKey(
        "org.Center",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="中心（空为全国）",
        db_index=False,
    )
    date = models.DateField(verbose_name="日期")
    kind = models.CharField(max_length=10, choices=DayKind.choices, verbose_name="类别")
    name = models.CharField(max_length=60, blank=True, verbose_name="名称")
    source = models.CharField(max_length=200, blank=True, verbose_name="来源")

    class Meta:
        ordering = ["date"]
        verbose_name = "节假日与调休"
        verbose_name_plural = "节假日与调休"
        constraints = [
            models.UniqueConstraint(
                fields=["date"], condition=Q(center=None), name="calendarday_national_unique"
            ),
            models.UniqueConstraint(fields=["center", "date"], name="calendarday_center_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}"


# --- working-day timers ---------------------------------------------------------------------------------


class TimerKind(models.TextChoices):
    """The subjects that own a working-day timer. One subject row owns at most one timer of its kind."""

    CASE = "case", _("办件")
    JOINT_LANE = "joint_lane", _("并联审批部门时限")
    COMPLAINT = "complaint", _("投诉答复")
    REVIEW = "review", _("差评整改")
    ACTION_ITEM = "action_item", _("例会督办事项")
    AGENCY_TASK = "agency_task", _("代办任务时限")


class TimerState(models.TextChoices):
    RUNNING = "running", _("计时中")
    STOPPED = "stopped", _("暂停计时")
    FINISHED = "finished", _("已结束")


class Timer(models.Model):
    """A budget of working days counted from `started_on`, with its ledger of stopped spans (`TimerSpan`).

    The deadline and the first yellow day are derived from the budget and the ledger by `workdays.timer.derive`
    and stored here only so that lists, dashboards and sweeps can filter and sort in SQL; `workdays.timers`
    rewrites them from the ledger on every change and never edits a date by hand. `red_since` is the first day
    the timer was overdue, recorded once (by the daily sweep, or when its subject finishes late) and never
    cleared: the subject's owner stores who answered for it then.
    """

    center = models.ForeignKey(
        "org.Center", on_delete=models.PROTECT, related_name="+", verbose_name=_("中心")
    )
    kind = models.CharField(max_length=20, choices=TimerKind.choices, verbose_name=_("类别"))
    subject_id = models.PositiveBigIntegerField(verbose_name=_("对象编号"))
    started_on = models.DateField(verbose_name=_("起算日"))
    budget_days = models.PositiveIntegerField(verbose_name=_("时限（工作日）"))
    yellow_days = models.PositiveSmallIntegerField(verbose_name=_("预警阈值（工作日）"))
    state = models.CharField(
        max_length=10, choices=TimerState.choices, default=TimerState.RUNNING, verbose_name=_("状态")
    )
    deadline = models.DateField(null=True, blank=True, verbose_name=_("期限"))
    warn_from = models.DateField(null=True, blank=True, verbose_name=_("预警起始日"))
    provisional = models.BooleanField(default=False, verbose_name=_("期限为暂定"))
    finished_on = models.DateField(null=True, blank=True, verbose_name=_("结束日"))
    red_since = models.DateField(null=True, blank=True, verbose_name=_("超时起始日"))
    # The colour of the last warning recorded (R-DATA-3): "" (none, or back to green or stopped since),
    # "yellow" or "red". The sweep records a warning each time the colour turns to one not recorded yet.
    warned = models.CharField(max_length=10, blank=True, default="", verbose_name=_("已记录预警"))

    class Meta:
        verbose_name = _("工作日计时")
        verbose_name_plural = _("工作日计时")
        constraints = [
            models.UniqueConstraint(fields=["kind", "subject_id"], name="timer_one_per_subject"),
            # Running: a deadline; stopped: none (it is unknown until the timer resumes); finished: as it stood.
            models.CheckConstraint(
                condition=(Q(state="stopped") & Q(deadline=None) & Q(warn_from=None))
                | (Q(state="running") & Q(deadline__isnull=False) & Q(warn_from__isnull=False))
                | Q(state="finished"),
                name="timer_deadline_while_running",
            ),
            models.CheckConstraint(
                condition=~Q(state="finished") | Q(finished_on__isnull=False), name="timer_finished_has_day"
            ),
        ]
        indexes = [
            # The colours of a centre's running timers (R-CLK-6): red and yellow are ranges on these.
            models.Index(
                fields=["center", "deadline"], condition=Q(state="running"), name="timer_running_deadline"
            ),
            models.Index(
                fields=["center", "warn_from"], condition=Q(state="running"), name="timer_running_warn"
            ),
            # A centre's unfinished timers (running or stopped), counted by colour on the dashboard.
            models.Index(
                fields=["center", "kind"],
                condition=Q(state__in=["running", "stopped"]),
                name="timer_unfinished",
            ),
            # The daily sweep: timers past their deadline whose overdue fact is not recorded yet.
            models.Index(
                fields=["deadline"], condition=Q(red_since=None) & ~Q(state="stopped"), name="timer_unswept"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.subject_id} {self.deadline or self.state}"


class WarningColour(models.TextChoices):
    YELLOW = "yellow", _("黄灯预警")
    RED = "red", _("红灯超时")


class WarningResult(models.TextChoices):
    FINISHED_IN_TIME = "in_time", _("按期办结")
    FINISHED_LATE = "late", _("超期办结")
    CLEARED = "cleared", _("期限调整后解除")  # an extension, a special procedure, a calendar change


class TimerWarning(models.Model):
    """A timer turning yellow or red, recorded when it happens (R-DATA-3 督办记录): the rule, the type, the day it
    turned and the moment recorded, the deadline then, the responsible department and person (asked of the
    subject's owner, `workdays.hooks`), and later its result. Written by the daily sweep (`timers_sweep`) and
    never rewritten; only the result is filled in once, when the timer finishes or the warning clears."""

    center = models.ForeignKey(
        "org.Center", on_delete=models.PROTECT, related_name="+", verbose_name=_("中心"), db_index=False
    )
    timer = models.ForeignKey(
        Timer, on_delete=models.PROTECT, related_name="warnings", verbose_name=_("计时")
    )
    kind = models.CharField(max_length=20, choices=TimerKind.choices, verbose_name=_("类别"))
    subject_id = models.PositiveBigIntegerField(verbose_name=_("对象编号"))
    subject_label = models.CharField(max_length=120, blank=True, verbose_name=_("对象"))
    colour = models.CharField(max_length=10, choices=WarningColour.choices, verbose_name=_("预警类型"))
    rule = models.CharField(max_length=20, verbose_name=_("依据"))
    turned_on = models.DateField(verbose_name=_("变色日"))
    deadline = models.DateField(verbose_name=_("期限"))
    recorded_at = models.DateTimeField(verbose_name=_("记录时间"))
    department = models.ForeignKey(
        "org.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("责任部门"),
    )
    responsible = models.ForeignKey(
        "org.StaffProfile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("责任人"),
    )
    result = models.CharField(
        max_length=10, choices=WarningResult.choices, blank=True, verbose_name=_("结果")
    )
    result_on = models.DateField(null=True, blank=True, verbose_name=_("结果日期"))

    class Meta:
        verbose_name = _("预警督办记录")
        verbose_name_plural = _("预警督办记录")
        indexes = [
            models.Index(fields=["center", "turned_on"], name="timerwarning_center_day"),
            # The warnings still waiting for their result: the finish and the daily sweep look them up, and
            # the index holds only them, not the years of closed records.
            models.Index(fields=["timer"], condition=models.Q(result=""), name="timerwarning_open"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.subject_id} {self.colour} {self.turned_on}"


class TimerSpan(models.Model):
    """A span during which a timer was stopped (R-CLK-4): from `stopped_on` to `resumed_on` (that day counts
    again); open while `resumed_on` is empty. `reason` says what stopped it (a special procedure's kind, the
    higher authority)."""

    timer = models.ForeignKey(Timer, on_delete=models.PROTECT, related_name="spans")
    stopped_on = models.DateField(verbose_name=_("暂停日"))
    resumed_on = models.DateField(null=True, blank=True, verbose_name=_("恢复日"))
    reason = models.CharField(max_length=30, verbose_name=_("事由"))

    class Meta:
        ordering = ["timer", "stopped_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["timer"], condition=Q(resumed_on=None), name="timerspan_one_open"
            ),
            models.CheckConstraint(
                condition=Q(resumed_on=None) | Q(resumed_on__gte=models.F("stopped_on")),
                name="timerspan_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.timer} {self.stopped_on}–{self.resumed_on or ''}"
