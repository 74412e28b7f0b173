"""Inquiries and cases: the life of an application on the working-day clock (R-CASE-*, R-CLK-4..9).

The clock of an accepted case is its working-day timer (`workdays.Timer`, kind "case"): a budget of working days
(the promised limit, plus extensions) and a ledger of stopped spans (special procedures, the time with a higher
authority), from which `workdays.timer.derive` derives the deadline. The timer stores the derived `deadline` and
`warn_from` for SQL; the case reads them through `Case.timer` (`Case.deadline` etc. are shortcuts). Writes go
through `cases.services`; every state change appends a hash-chained `CaseEvent` (R-CASE-10). When a case falls
overdue, who answered for it that day is stored once in `Overdue` (R-CLK-9).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.models import CaseType, SpecialProcedureKind
from common.files import UploadTo
from common.models import CenterOwned, Labelled, center_key
from workdays.models import Timer


class Channel(models.TextChoices):
    WINDOW = "window", _("窗口")
    PHONE = "phone", _("电话")
    WEB = "web", _("网上")


class ActingAs(models.TextChoices):
    A = "A", _("A角")
    B = "B", _("B角")
    OTHER = "", _("其他")


# --- inquiries (R-CASE-1) -----------------------------------------------------------------------------------


class InquiryStatus(models.TextChoices):
    OPEN = "open", _("处理中")
    HANDLED = "handled", _("已办结")
    REFERRED = "referred", _("已转办")
    ESCALATED = "escalated", _("已上报领导")


class InquiryOutcome(models.TextChoices):
    """How a handled inquiry ended (R-CASE-1). There is deliberately no "unknown" or "not my business"."""

    ACCEPTED = "accepted", _("材料齐全，已受理")
    ONE_TIME_NOTICE = "one_time_notice", _("材料不全，已一次性告知")
    EXPLAINED = "explained", _("不予办理，已说明理由")
    ANSWERED = "answered", _("已解答")


class ReferralMode(models.TextChoices):
    ESCORTED = "escorted", _("引导前往")
    PHONE_GIVEN = "phone_given", _("告知联系电话")


class Inquiry(CenterOwned):
    """A question at a window, by phone or on the web, owned by its first receiver until closed."""

    channel = models.CharField(max_length=10, choices=Channel.choices, verbose_name=_("渠道"))
    window = models.ForeignKey(
        "org.Window", on_delete=models.PROTECT, related_name="inquiries", verbose_name=_("窗口")
    )
    first_receiver = models.ForeignKey(
        "org.StaffProfile", on_delete=models.PROTECT, related_name="inquiries", verbose_name=_("首问责任人")
    )
    asked_at = models.DateTimeField(verbose_name=_("咨询时间"))
    asker_name = models.CharField(max_length=60, blank=True, verbose_name=_("咨询人"))
    asker_phone = models.CharField(max_length=40, blank=True, verbose_name=_("联系电话"))
    question = models.TextField(verbose_name=_("咨询内容"))
    item = models.ForeignKey(
        "catalog.Item",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inquiries",
        verbose_name=_("涉及事项"),
    )
    status = models.CharField(
        max_length=10, choices=InquiryStatus.choices, default=InquiryStatus.OPEN, verbose_name=_("状态")
    )
    outcome = models.CharField(
        max_length=20, choices=InquiryOutcome.choices, blank=True, verbose_name=_("办理结果")
    )
    answer = models.TextField(blank=True, verbose_name=_("答复或理由"))
    referred_to = models.ForeignKey(
        "org.Window",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals_in",
        verbose_name=_("转至窗口"),
    )
    referral_mode = models.CharField(
        max_length=12, choices=ReferralMode.choices, blank=True, verbose_name=_("转办方式")
    )
    referral_acknowledged_at = models.DateTimeField(null=True, blank=True, verbose_name=_("接收确认时间"))
    referral_acknowledged_by = models.ForeignKey(
        "org.StaffProfile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("接收人"),
    )
    escalated_to = models.ForeignKey(
        "org.StaffProfile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="escalations",
        verbose_name=_("上报领导"),
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inquiries",
        verbose_name=_("形成的办件"),
    )
    closed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("办结时间"))

    class Meta:
        ordering = ["-asked_at"]
        verbose_name = _("咨询")
        verbose_name_plural = _("咨询")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="handled") | ~Q(outcome=""), name="inquiry_handled_has_outcome"
            ),
            models.CheckConstraint(
                condition=~Q(status="referred") | (Q(referred_to__isnull=False) & ~Q(referral_mode="")),
                name="inquiry_referral_complete",
            ),
            models.CheckConstraint(
                condition=~Q(status="escalated") | Q(escalated_to__isnull=False),
                name="inquiry_escalation_has_leader",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.asked_at:%Y-%m-%d} {self.question[:20]}"


# --- cases ----------------------------------------------------------------------------------------------------

# What a case not accepted yet is called where its number would stand: never its internal id (issue 9).
NOT_NUMBERED = _("尚未受理（暂无办件编号）")


class CaseState(models.TextChoices):
    RECEIVED = "received", _("已收件待审查")
    AWAITING_CORRECTION = "awaiting_correction", _("待补正")
    NOT_ACCEPTED = "not_accepted", _("不予受理")
    ACCEPTED = "accepted", _("已受理办理中")
    SUSPENDED = "suspended", _("特别程序中（暂停计时）")
    APPROVED = "approved", _("准予许可")
    DENIED = "denied", _("不予许可")
    DELIVERED = "delivered", _("已送达")
    ARCHIVED = "archived", _("已归档")
    WITHDRAWN = "withdrawn", _("已撤回")


# States in which the case is open and its clock matters.
OPEN_STATES = frozenset(
    {CaseState.RECEIVED, CaseState.AWAITING_CORRECTION, CaseState.ACCEPTED, CaseState.SUSPENDED}
)
CLOCK_STATES = frozenset({CaseState.ACCEPTED, CaseState.SUSPENDED})
# The same as plain values, in a fixed order, for the conditions of the database's partial indexes.
OPEN_STATE_VALUES = ["accepted", "awaiting_correction", "received", "suspended"]
PRE_ACCEPTANCE_VALUES = ["awaiting_correction", "received"]
assert set(OPEN_STATE_VALUES) == set(OPEN_STATES)


class Warning(models.TextChoices):  # noqa: A001 - the centre's word (预警)
    GREEN = "green", _("正常")
    YELLOW = "yellow", _("预警")
    RED = "red", _("超时")
    SUSPENDED = "suspended", _("暂停计时")


class Case(CenterOwned):
    """One application (办件), from receipt to archive, on the item version it was received under."""

    center = center_key(indexed=False)

    number = models.CharField(max_length=40, blank=True, verbose_name=_("办件编号"))
    query_code = models.CharField(max_length=12, blank=True, verbose_name=_("查询码"))
    item = models.ForeignKey(
        "catalog.Item", on_delete=models.PROTECT, related_name="cases", verbose_name=_("事项")
    )
    version = models.ForeignKey(
        "catalog.ItemVersion", on_delete=models.PROTECT, related_name="cases", verbose_name=_("事项版本")
    )
    window = models.ForeignKey(
        "org.Window",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("受理窗口"),
        db_index=False,
    )
    state = models.CharField(
        max_length=20, choices=CaseState.choices, default=CaseState.RECEIVED, verbose_name=_("状态")
    )
    case_type = models.CharField(max_length=12, choices=CaseType.choices, verbose_name=_("办件类型"))
    channel = models.CharField(
        max_length=10, choices=Channel.choices, default=Channel.WINDOW, verbose_name=_("申请方式")
    )
    # The applicant. Personal data: shown to the staff of the case only, and every view is logged.
    applicant_name = models.CharField(max_length=100, verbose_name=_("申请人"))
    applicant_id_number = models.CharField(max_length=40, blank=True, verbose_name=_("证件号码"))
    applicant_phone = models.CharField(max_length=40, blank=True, verbose_name=_("联系电话"))
    applicant_email = models.EmailField(blank=True, verbose_name=_("电子邮箱"))
    organisation_name = models.CharField(max_length=200, blank=True, verbose_name=_("申请单位"))
    credit_code = models.CharField(max_length=18, blank=True, verbose_name=_("统一社会信用代码"))
    in_development_zone = models.BooleanField(default=False, verbose_name=_("开发区企业"))
    # Intake.
    received_at = models.DateTimeField(verbose_name=_("收件时间"))
    received_by = models.ForeignKey(
        "org.StaffProfile", on_delete=models.PROTECT, related_name="+", verbose_name=_("收件人")
    )
    # The day the materials now under consideration came in: the receipt, or the latest corrected materials.
    # Each submission has its own window for a correction notice before it is deemed accepted (R-CASE-3).
    submitted_on = models.DateField(null=True, blank=True, verbose_name=_("本次材料收到日期"))
    # The material checks (R-CASE-2): how many were made, and whether the materials now in (the receipt or the
    # latest resubmission) have been checked. Kept by the intake services with the case, not re-read from history.
    materials_checks = models.PositiveSmallIntegerField(default=0, verbose_name=_("材料审查次数"))
    materials_checked = models.BooleanField(default=False, verbose_name=_("本次材料已审查"))
    accepted_on = models.DateField(null=True, blank=True, verbose_name=_("受理日期"))
    accepted_by = models.ForeignKey(
        "org.StaffProfile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("受理人"),
    )
    deemed_accepted = models.BooleanField(default=False, verbose_name=_("视为受理"))
    # The clock: the promised limit and the approved extensions; the timer counts them from acceptance.
    limit_days = models.PositiveSmallIntegerField(default=0, verbose_name=_("承诺时限（工作日）"))
    extension_days = models.PositiveSmallIntegerField(default=0, verbose_name=_("已批准延期（工作日）"))
    timer = models.OneToOneField(
        "workdays.Timer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("计时"),
    )
    # Green channel (R-CASE-11).
    is_priority = models.BooleanField(default=False, verbose_name=_("绿色通道"))
    priority_reason = models.CharField(max_length=200, blank=True, verbose_name=_("绿色通道事由"))
    priority_target_days = models.PositiveSmallIntegerField(
        null=True, blank=True, verbose_name=_("绿色通道目标（工作日）")
    )
    # Decision (R-CASE-7) and delivery (R-CASE-8).
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name=_("决定时间"))
    decided_by = models.ForeignKey(
        "org.StaffProfile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("决定人"),
    )
    decision_reasons = models.TextField(blank=True, verbose_name=_("决定理由"))
    result_number = models.CharField(max_length=80, blank=True, verbose_name=_("证照编号"))
    result_valid_until = models.DateField(null=True, blank=True, verbose_name=_("证照有效期至"))
    result_issuer = models.CharField(max_length=100, blank=True, verbose_name=_("发证机关"))
    delivery_due = models.DateField(null=True, blank=True, verbose_name=_("送达期限"))
    delivery_method = models.CharField(max_length=12, blank=True, verbose_name=_("送达方式"))
    delivered_at = models.DateTimeField(null=True, blank=True, verbose_name=_("送达时间"))
    closed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("办结时间"))
    # The person responsible for the case as it stands (the handler of the current step, R-CLK-9).
    responsible = models.ForeignKey(
        "org.StaffProfile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("责任人"),
    )
    responsible_acting_as = models.CharField(max_length=1, choices=ActingAs.choices, blank=True)
    # The post of the current step (the first not yet done), kept by the services as the steps go, so that the
    # workbench finds the cases waiting at a post with an index instead of reading every case's steps.
    current_post = models.ForeignKey(
        "org.Post",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("当前环节岗位"),
    )
    # Optimistic concurrency: every write bumps it; a write from a stale page is refused as a conflict.
    revision = models.PositiveIntegerField(default=0)
    # The head of the case's hash-chained history (R-CASE-10): the last event's number and hash, written with
    # each event, so that appending one needs no read of the history.
    chain_seq = models.PositiveIntegerField(default=0)
    chain_head = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("办件")
        verbose_name_plural = _("办件")
        constraints = [
            models.UniqueConstraint(
                fields=["center", "number"], condition=~Q(number=""), name="case_number_unique"
            ),
            models.CheckConstraint(
                condition=~Q(
                    state__in=["accepted", "suspended", "approved", "denied", "delivered", "archived"]
                )
                | Q(accepted_on__isnull=False),
                name="case_accepted_has_date",
            ),
        ]
        # Each list reads an index that matches its filter and its order, so that it costs what it shows and
        # not what the centre holds (the open cases are a sliver of a centre's history).
        indexes = [
            models.Index(fields=["window", "state"]),
            # The API's and the search's lists, newest first: of a centre, or of a window.
            models.Index(F("center"), F("received_at").desc(), F("id").desc(), name="case_center_newest"),
            models.Index(F("window"), F("received_at").desc(), F("id").desc(), name="case_window_newest"),
            # The cases completed in a period, by day (the supervision dashboard and the meeting's pack).
            models.Index(
                F("center"),
                F("decided_at"),
                condition=Q(decided_at__isnull=False),
                name="case_center_decided",
            ),
            # The workbench's queues: a person's open cases, the cases waiting at a post, what a person
            # received and nobody has accepted yet.
            models.Index(
                fields=["responsible"],
                condition=Q(state__in=OPEN_STATE_VALUES),
                name="case_open_by_responsible",
            ),
            models.Index(
                fields=["current_post"], condition=Q(state__in=OPEN_STATE_VALUES), name="case_open_by_post"
            ),
            models.Index(
                fields=["window"], condition=Q(state__in=OPEN_STATE_VALUES), name="case_open_by_window"
            ),
            models.Index(
                fields=["received_by"],
                condition=Q(state__in=PRE_ACCEPTANCE_VALUES),
                name="case_unaccepted_by_receiver",
            ),
            # The leaders' green-channel list (R-CASE-11).
            models.Index(
                fields=["center"],
                condition=Q(is_priority=True, state__in=OPEN_STATE_VALUES),
                name="case_open_priority",
            ),
            # Finding any case (cases.selectors.search): the number and the names by their first characters
            # (pattern indexes serve LIKE 'prefix%' in any collation; PostgreSQL only, plain elsewhere), the
            # identifiers exactly; each only over the rows that have one.
            models.Index(
                fields=["number"],
                opclasses=["varchar_pattern_ops"],
                condition=~Q(number=""),
                name="case_number_prefix",
            ),
            models.Index(
                fields=["applicant_name"], opclasses=["varchar_pattern_ops"], name="case_applicant_prefix"
            ),
            models.Index(
                fields=["organisation_name"],
                opclasses=["varchar_pattern_ops"],
                condition=~Q(organisation_name=""),
                name="case_organisation_prefix",
            ),
            models.Index(
                fields=["applicant_id_number"], condition=~Q(applicant_id_number=""), name="case_id_number"
            ),
            models.Index(fields=["credit_code"], condition=~Q(credit_code=""), name="case_credit_code"),
        ]

    def __str__(self) -> str:
        return self.number or str(NOT_NUMBERED)

    def refresh_from_db(self, *args: Any, **kwargs: Any) -> None:
        """Reload the case and forget the timer read with it: the timer changes when the case does."""
        super().refresh_from_db(*args, **kwargs)
        self._state.fields_cache.pop("timer", None)

    # The clock as the timer stores it (None before acceptance). Lists select_related("timer").
    def _clock(self) -> Timer | None:
        if self.timer_id is None and "timer" not in self._state.fields_cache:
            return None
        return self.timer

    @property
    def deadline(self) -> date | None:
        timer = self._clock()
        return timer.deadline if timer is not None else None

    @property
    def warn_from(self) -> date | None:
        timer = self._clock()
        return timer.warn_from if timer is not None else None

    @property
    def deadline_provisional(self) -> bool:
        timer = self._clock()
        return bool(timer.provisional) if timer is not None else False

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def budget_days(self) -> int:
        return self.limit_days + self.extension_days

    @property
    def submission_day(self) -> date:
        """The day the current submission was received (R-CASE-3); the receipt for rows from before it was
        stored."""
        return self.submitted_on or timezone.localdate(self.received_at)


class MaterialStatus(models.TextChoices):
    PRESENT = "present", _("齐全")
    MISSING = "missing", _("缺少")
    DEFECTIVE = "defective", _("不符合要求")
    NOT_APPLICABLE = "not_applicable", _("不适用")


class CaseMaterial(Labelled):
    """The state of one checklist material for a case (R-CASE-2), as of its latest check."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="materials", db_index=False)
    material = models.ForeignKey("catalog.Material", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=MaterialStatus.choices, verbose_name=_("审查结果"))
    note = models.CharField(max_length=300, blank=True, verbose_name=_("说明"))
    checked_at = models.DateTimeField(verbose_name=_("审查时间"))
    checked_by = models.ForeignKey("org.StaffProfile", on_delete=models.PROTECT, related_name="+")
    # Stored under a random name (common.files); served only by `cases:material_file` (R-CASE-2).
    upload = models.FileField(upload_to=UploadTo("case-materials/"), blank=True, verbose_name=_("上传文件"))
    upload_name = models.CharField(max_length=120, blank=True, verbose_name=_("上传文件名"))
    was_present_at_first_check = models.BooleanField(default=False)

    class Meta:
        ordering = ["case", "material__order"]
        constraints = [models.UniqueConstraint(fields=["case", "material"], name="casematerial_unique")]

    def __str__(self) -> str:
        return f"{self.case} {self.material}: {self.status}"


class NoticeKind(models.TextChoices):
    CORRECTION = "correction", _("补正告知书")
    REFUSAL = "refusal", _("不予受理告知书")
    ACCEPTANCE = "acceptance", _("受理通知书")
    SPECIAL_PROCEDURE = "special_procedure", _("特别程序告知书")
    EXTENSION = "extension", _("延期告知书")
    APPROVAL = "approval", _("准予许可决定书")
    DENIAL = "denial", _("不予许可决定书")


class DeliveryMethod(models.TextChoices):
    """How a decision reaches the applicant (R-CASE-8)."""

    PICKUP = "pickup", _("窗口领取")
    POST = "post", _("邮寄送达")
    ELECTRONIC = "electronic", _("电子送达")


class Notice(CenterOwned):
    """A numbered written notice to the applicant; `body` keeps what it said when it was issued."""

    center = center_key(indexed=False)

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notices")
    kind = models.CharField(max_length=20, choices=NoticeKind.choices, verbose_name=_("文书"))
    number = models.CharField(max_length=60, verbose_name=_("文号"))
    issued_at = models.DateTimeField(verbose_name=_("出具时间"))
    issued_by = models.ForeignKey("org.StaffProfile", on_delete=models.PROTECT, related_name="+")
    body = models.JSONField(default=dict, verbose_name=_("内容"))
    delivered_at = models.DateTimeField(null=True, blank=True, verbose_name=_("送达时间"))
    delivery_method = models.CharField(max_length=20, blank=True, verbose_name=_("送达方式"))

    class Meta:
        ordering = ["case", "issued_at", "id"]
        constraints = [models.UniqueConstraint(fields=["center", "number"], name="notice_number_unique")]
        # The month's correction notices of a centre (R-CASE-2, repeated notices on the dashboard).
        indexes = [models.Index(fields=["center", "kind", "issued_at"], name="notice_center_kind_issued")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    @property
    def delivery_method_label(self) -> str:
        """A decision's delivery method by its label; a special-procedure notice's as the staff wrote it."""
        if self.delivery_method in DeliveryMethod.values:
            return str(DeliveryMethod(self.delivery_method).label)
        return self.delivery_method


class Suspension(Labelled):
    """A special procedure that stops the clock (R-CLK-4); `ended_on` empty while it runs. The clock's own
    ledger is the timer's (`workdays.TimerSpan`); this is the procedure's record (kind, reason, notice)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="suspensions")
    kind = models.CharField(max_length=20, choices=SpecialProcedureKind.choices, verbose_name=_("特别程序"))
    reason = models.TextField(verbose_name=_("事由"))
    started_on = models.DateField(verbose_name=_("开始日期"))
    expected_days = models.PositiveSmallIntegerField(verbose_name=_("预计所需（工作日）"))
    ended_on = models.DateField(null=True, blank=True, verbose_name=_("结束日期"))
    result = models.TextField(blank=True, verbose_name=_("结果"))
    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["case", "started_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(ended_on=None), name="suspension_one_open"),
            models.CheckConstraint(
                condition=Q(ended_on=None) | Q(ended_on__gte=models.F("started_on")), name="suspension_period"
            ),
            models.CheckConstraint(condition=Q(expected_days__gte=1), name="suspension_expected_days"),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.get_kind_display()} {self.started_on}"


class Extension(Labelled):
    """An approved extension of the limit (R-CLK-5)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="extensions")
    days = models.PositiveSmallIntegerField(verbose_name=_("延长（工作日）"))
    reason = models.TextField(verbose_name=_("理由"))
    approved_by = models.ForeignKey(
        "org.StaffProfile", on_delete=models.PROTECT, related_name="+", verbose_name=_("批准人（部门负责人）")
    )
    approved_at = models.DateTimeField(verbose_name=_("批准时间"))
    applicant_told_on = models.DateField(verbose_name=_("告知申请人日期"))
    filed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("协调科备案时间"))
    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["case", "approved_at"]
        constraints = [models.CheckConstraint(condition=Q(days__gte=1), name="extension_days_positive")]

    def __str__(self) -> str:
        return f"{self.case} +{self.days}"


class ExtensionRequestStatus(models.TextChoices):
    PENDING = "pending", _("待批准")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("未获批准")


class ExtensionRequest(Labelled):
    """A request to extend the limit of a case (R-CLK-5), made at the window and decided by the head of the
    window's department in their own login; only an approved request extends the limit (its `extension`).
    A request by the head (or chief representative) is approved as it is made: they are requester and approver.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="extension_requests")
    days = models.PositiveSmallIntegerField(verbose_name=_("延长（工作日）"))
    reason = models.TextField(verbose_name=_("理由"))
    requested_by = models.ForeignKey(
        "org.StaffProfile", on_delete=models.PROTECT, related_name="+", verbose_name=_("提出人")
    )
    requested_at = models.DateTimeField(verbose_name=_("申请时间"))
    status = models.CharField(
        max_length=10,
        choices=ExtensionRequestStatus.choices,
        default=ExtensionRequestStatus.PENDING,
        verbose_name=_("状态"),
    )
    decided_by = models.ForeignKey(
        "org.StaffProfile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审批人"),
    )
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name=_("审批时间"))
    refusal_reason = models.TextField(blank=True, verbose_name=_("不予批准理由"))
    extension = models.OneToOneField(
        Extension, on_delete=models.PROTECT, null=True, blank=True, related_name="request"
    )

    class Meta:
        ordering = ["case", "requested_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(status="pending"), name="extensionrequest_one_pending"
            ),
            models.CheckConstraint(condition=Q(days__gte=1), name="extensionrequest_days_positive"),
            models.CheckConstraint(
                condition=Q(status="pending", decided_at=None, decided_by=None)
                | (~Q(status="pending") & Q(decided_at__isnull=False, decided_by__isnull=False)),
                name="extensionrequest_decided",
            ),
            models.CheckConstraint(
                condition=Q(status="approved", extension__isnull=False)
                | (~Q(status="approved") & Q(extension=None)),
                name="extensionrequest_approved_has_extension",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} +{self.days} ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status == ExtensionRequestStatus.PENDING


class CaseStep(Labelled):
    """One processing step of a case (R-DATA-2): action, step, handler (as A or B), opinion, start, end."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="steps", db_index=False)
    step = models.ForeignKey(
        "catalog.Step", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    order = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=100)
    post = models.ForeignKey("org.Post", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    handler = models.ForeignKey(
        "org.StaffProfile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acting_as = models.CharField(max_length=1, choices=ActingAs.choices, blank=True)
    opinion = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["case", "order"]
        constraints = [models.UniqueConstraint(fields=["case", "order"], name="casestep_order_unique")]

    def __str__(self) -> str:
        return f"{self.case} {self.order}. {self.name}"


class Payment(Labelled):
    """A fee paid at the unified payment window, against a fee of the case's item version (R-CAT-7)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="payments")
    fee = models.ForeignKey("catalog.Fee", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveSmallIntegerField(default=1)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    receipt_number = models.CharField(max_length=60)
    paid_at = models.DateTimeField()
    recorded_by = models.ForeignKey("org.StaffProfile", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["case", "paid_at"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="payment_amount_not_negative")]

    def __str__(self) -> str:
        return f"{self.case} {self.amount}"


class Visit(Labelled):
    """An applicant's visit about a case (R-CASE-12); a second visit caused by the administration is a shuttle."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="visits")
    at = models.DateTimeField()
    purpose = models.CharField(max_length=200)
    caused_by_administration = models.BooleanField(default=False)
    is_shuttle = models.BooleanField(default=False)
    responsible = models.ForeignKey(
        "org.StaffProfile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey("org.StaffProfile", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["case", "at"]
        # The shuttles of a month (R-CASE-12, read by the dashboard and the assessment).
        indexes = [models.Index(fields=["at"], condition=Q(is_shuttle=True), name="visit_shuttles_by_day")]

    def __str__(self) -> str:
        return f"{self.case} {self.at:%Y-%m-%d}"


class CaseEvent(Labelled):
    """The append-only, hash-chained history of a case (R-CASE-10): who, when, as A or B, from, to, why.

    `hash` = sha256 of the previous event's hash and this event's content, so that any change to a stored
    event breaks the chain; `seal` = an HMAC of `hash` under a key kept outside the database (`common.seal`,
    made under the key `seal_key_id`), so that an event changed and rehashed by someone without the key does not
    verify either; `cases.services.events.chain_verify` checks both.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events", db_index=False)
    seq = models.PositiveIntegerField()
    at = models.DateTimeField()
    actor = models.ForeignKey(
        "org.StaffProfile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acting_as = models.CharField(max_length=1, choices=ActingAs.choices, blank=True)
    action = models.CharField(max_length=40)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)
    seal = models.CharField(max_length=64, blank=True)
    seal_key_id = models.CharField(max_length=16, blank=True)

    class Meta:
        ordering = ["case", "seq"]
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="caseevent_seq_unique")]

    def __str__(self) -> str:
        return f"{self.case} #{self.seq} {self.action}"


class NumberSequence(CenterOwned):
    """The last number issued per centre, kind and year (case numbers, notice numbers)."""

    center = center_key(indexed=False)

    kind = models.CharField(max_length=20)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["center", "kind", "year"], name="numbersequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.year}: {self.last}"


class NoticeTemplate(CenterOwned):
    """A centre's own texts for one kind of notice (issue 3, item 7): the title, the opening and closing
    paragraphs and the footer (the issuing organ and seal line). The structure and the case facts of each
    notice stay in code (`cases.notices`); a blank text falls back to the default there.

    Versioned rather than edited: each change adds a row, and a notice is printed with the texts in force when
    it was issued, so a reprint says what the original said.
    """

    center = center_key(indexed=False)

    kind = models.CharField(max_length=20, choices=NoticeKind.choices, verbose_name=_("文书"))
    title = models.CharField(max_length=60, blank=True, verbose_name=_("标题"))
    opening = models.TextField(blank=True, verbose_name=_("开头段落"))
    closing = models.TextField(blank=True, verbose_name=_("结尾段落"))
    footer = models.TextField(blank=True, verbose_name=_("落款"))
    updated_at = models.DateTimeField(verbose_name=_("修改时间"))
    updated_by = models.ForeignKey(
        "org.StaffProfile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("修改人"),
    )

    class Meta:
        ordering = ["center", "kind", "-updated_at", "-id"]
        verbose_name = _("文书模板")
        verbose_name_plural = _("文书模板")
        indexes = [models.Index(fields=["center", "kind", "updated_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.updated_at:%Y-%m-%d %H:%M}"


class Overdue(CenterOwned):
    """A case that fell overdue (R-CLK-9): who answered for it on that day — the holder of the post of the step
    that was running (its A, or the B covering while A was away), else the case's handler — stored once when
    the timer turned red and never rewritten. The supervision dashboard and the monthly assessment (R-ASM-9)
    both read it, so they name the same person."""

    center = center_key(indexed=False)

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="overdue")
    deadline = models.DateField(verbose_name=_("办结期限"))
    overdue_on = models.DateField(verbose_name=_("超时日"))  # the first day past the deadline
    window = models.ForeignKey(
        "org.Window", on_delete=models.PROTECT, related_name="+", verbose_name=_("窗口")
    )
    post = models.ForeignKey(
        "org.Post", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("岗位")
    )
    responsible = models.ForeignKey(
        "org.StaffProfile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("责任人"),
    )
    acting_as = models.CharField(
        max_length=1, choices=ActingAs.choices, blank=True, verbose_name=_("A角或B角")
    )
    recorded_at = models.DateTimeField(verbose_name=_("记录时间"))

    class Meta:
        ordering = ["overdue_on", "id"]
        verbose_name = _("超时办件")
        verbose_name_plural = _("超时办件")
        indexes = [models.Index(fields=["center", "overdue_on"])]

    def __str__(self) -> str:
        return f"{self.case} {self.overdue_on}"
