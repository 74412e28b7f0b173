"""The monthly assessment's records (R-ASM-1 … R-ASM-17), imported by `supervision.models`."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.models import CenterOwned, center_key

# --- the monthly assessment (R-ASM-1 … R-ASM-17) --------------------------------------------------------------


class AssessmentMonth(CenterOwned):
    """A month the supervision section has closed (R-ASM-16): its scores are stored (`AssessmentScore`) and from
    then on change only by a recorded correction (`AssessmentCorrection`). `policy` keeps the points and the fund
    in force for the month when it was closed (R-ASM-17)."""

    center = center_key(indexed=False)

    year = models.PositiveSmallIntegerField(verbose_name=_("年"))
    month = models.PositiveSmallIntegerField(verbose_name=_("月"))
    closed_at = models.DateTimeField(verbose_name=_("结账时间"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("结账人"),
    )
    policy = models.JSONField(default=dict, verbose_name=_("适用分值"))
    people = models.PositiveIntegerField(default=0, verbose_name=_("考核人数"))

    class Meta:
        verbose_name = _("考核月")
        verbose_name_plural = _("考核月")
        constraints = [
            models.UniqueConstraint(fields=["center", "year", "month"], name="assessmentmonth_once"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="assessmentmonth_month"),
        ]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}"


class EntrySource(models.TextChoices):
    FACTS = "facts", _("系统记录")
    ENTERED = "entered", _("稽查督办科录入")
    CORRECTION = "correction", _("更正")


class AssessmentEntry(CenterOwned):
    """One deduction of a person's month (R-ASM-*): its kind (`supervision.scoring.DEDUCTIONS`), quantity and
    points, where it comes from — the stored facts (with the facts behind it: days, case numbers), an entry by the
    supervision section with its evidence, or a correction — and, once its month is closed, never edited: a
    correction adds a row (`replaces` the one it corrects) with its reason."""

    center = center_key(indexed=False)

    staff = models.ForeignKey(
        "org.StaffProfile",
        on_delete=models.PROTECT,
        related_name="assessment_entries",
        verbose_name=_("工作人员"),
        db_index=False,
    )
    year = models.PositiveSmallIntegerField(verbose_name=_("年"))
    month = models.PositiveSmallIntegerField(verbose_name=_("月"))
    code = models.CharField(max_length=30, verbose_name=_("扣分项"))
    quantity = models.DecimalField(max_digits=6, decimal_places=1, verbose_name=_("数量"))
    points = models.DecimalField(max_digits=6, decimal_places=1, verbose_name=_("扣分"))
    source = models.CharField(max_length=12, choices=EntrySource.choices, verbose_name=_("来源"))
    facts = models.JSONField(default=list, blank=True, verbose_name=_("依据事实"))
    note = models.TextField(blank=True, verbose_name=_("说明"))
    evidence = models.FileField(upload_to="assessment/%Y/%m/", blank=True, verbose_name=_("证据"))
    evidence_name = models.CharField(max_length=200, blank=True, verbose_name=_("证据文件名"))
    complaint = models.ForeignKey(
        "supervision.Complaint",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessment_entries",
        verbose_name=_("投诉"),
    )
    entered_at = models.DateTimeField(verbose_name=_("录入时间"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("录入人"),
    )
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("更正的扣分"),
    )

    class Meta:
        verbose_name = _("考核扣分")
        verbose_name_plural = _("考核扣分")
        indexes = [
            models.Index(fields=["center", "year", "month"], name="assessmententry_month"),
            models.Index(fields=["staff", "year", "month"], name="assessmententry_staff"),
        ]

    def __str__(self) -> str:
        return f"{self.staff_id} {self.year}-{self.month:02d} {self.code} {self.points}"


class AssessmentScore(CenterOwned):
    """A person's closed month (R-ASM-16): the four categories, the score, the fund (R-ASM-14) and whether the
    month's or quarter's fund was stopped, as `supervision.scoring.score_month` computed them at the close or at
    the last correction (`revision`)."""

    assessment = models.ForeignKey(
        AssessmentMonth,
        on_delete=models.PROTECT,
        related_name="scores",
        verbose_name=_("考核月"),
        db_index=False,
    )
    staff = models.ForeignKey(
        "org.StaffProfile",
        on_delete=models.PROTECT,
        related_name="assessment_scores",
        verbose_name=_("工作人员"),
        db_index=False,
    )
    window = models.ForeignKey(
        "org.Window",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("窗口"),
    )
    categories = models.JSONField(default=dict, verbose_name=_("分类得分"))
    # Each category's score (its points less what it deducted), for the sheets and packs to read as numbers.
    conduct = models.DecimalField(max_digits=5, decimal_places=1, default=0, verbose_name=_("行为规范"))
    attendance = models.DecimalField(max_digits=5, decimal_places=1, default=0, verbose_name=_("严格考勤"))
    cases = models.DecimalField(max_digits=5, decimal_places=1, default=0, verbose_name=_("办件管理"))
    discipline = models.DecimalField(max_digits=5, decimal_places=1, default=0, verbose_name=_("重大违纪"))
    score = models.DecimalField(max_digits=5, decimal_places=1, verbose_name=_("得分"))
    deducted = models.DecimalField(max_digits=5, decimal_places=1, verbose_name=_("扣分合计"))
    fund = models.DecimalField(max_digits=8, decimal_places=2, verbose_name=_("考核资金（元）"))
    stops = models.CharField(max_length=10, blank=True, verbose_name=_("停发"))
    loses_award = models.BooleanField(default=False, verbose_name=_("取消评先资格"))
    revision = models.PositiveIntegerField(default=0, verbose_name=_("更正次数"))

    class Meta:
        verbose_name = _("月度考核得分")
        verbose_name_plural = _("月度考核得分")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "staff"], name="assessmentscore_once"),
        ]
        indexes = [models.Index(fields=["staff", "assessment"], name="assessmentscore_staff")]

    def __str__(self) -> str:
        return f"{self.assessment} {self.staff_id} {self.score}"


class AssessmentCorrection(CenterOwned):
    """A recorded correction of a closed month (R-ASM-16): who, when, why, and the person's score before and
    after (categories, score, fund), with the entry it added or withdrew."""

    score = models.ForeignKey(
        AssessmentScore, on_delete=models.PROTECT, related_name="corrections", verbose_name=_("得分")
    )
    entry = models.ForeignKey(
        AssessmentEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("扣分"),
    )
    reason = models.TextField(verbose_name=_("更正理由"))
    before = models.JSONField(verbose_name=_("更正前"))
    after = models.JSONField(verbose_name=_("更正后"))
    corrected_at = models.DateTimeField(verbose_name=_("更正时间"))
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("更正人"),
    )

    class Meta:
        ordering = ["corrected_at", "pk"]
        verbose_name = _("考核更正")
        verbose_name_plural = _("考核更正")

    def __str__(self) -> str:
        return f"{self.score_id} {self.corrected_at:%Y-%m-%d}"
