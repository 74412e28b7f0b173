"""The service-item catalogue (R-CAT-1..7, R-DATA-1).

An `Item` is the identity of a service item; its content lives in `ItemVersion`s. A draft version is
editable; publishing freezes it (R-CAT-3) and the previous published version becomes superseded. Cases keep
the version they were accepted under. Writes go through `catalog.services`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.files import UploadTo
from common.models import CenterOwned, center_key


class ItemStatus(models.TextChoices):
    DRAFT = "draft", _("未发布")
    PUBLISHED = "published", _("已发布")
    WITHDRAWN = "withdrawn", _("已取消")


class Item(CenterOwned):
    """A service item (政务服务事项) of a department."""

    center = center_key(indexed=False)

    department = models.ForeignKey(
        "org.Department", on_delete=models.PROTECT, related_name="items", verbose_name="实施部门"
    )
    code = models.CharField(max_length=40, verbose_name="事项编号")
    status = models.CharField(
        max_length=12, choices=ItemStatus.choices, default=ItemStatus.DRAFT, verbose_name="状态"
    )
    current_version = models.ForeignKey(
        "catalog.ItemVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="现行版本",
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True, verbose_name="取消时间")
    withdrawal_reason = models.TextField(blank=True, verbose_name="取消依据")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["center", "code"]
        verbose_name = "服务事项"
        verbose_name_plural = "服务事项"
        constraints = [models.UniqueConstraint(fields=["center", "code"], name="item_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.current_version.name if self.current_version else ''}".strip()


class CaseType(models.TextChoices):
    """R-CASE-5."""

    IMMEDIATE = "immediate", _("即办件")
    PROMISED = "promised", _("承诺件")
    REPORTED = "reported", _("报批件")
    JOINT = "joint", _("联办件")


class ItemType(models.TextChoices):
    """GB/T 39046 item type codes (R-DATA-1)."""

    LICENSING = "01", _("行政许可")
    PENALTY = "02", _("行政处罚")
    COERCION = "03", _("行政强制")
    LEVY = "04", _("行政征收")
    PAYMENT = "05", _("行政给付")
    INSPECTION = "06", _("行政检查")
    CONFIRMATION = "07", _("行政确认")
    REWARD = "08", _("行政奖励")
    RULING = "09", _("行政裁决")
    OTHER_ADMIN = "10", _("其他行政权力")
    PUBLIC_SERVICE = "20", _("公共服务")


class ItemLevel(models.IntegerChoices):
    NATIONAL = 1, _("国家级")
    PROVINCIAL = 2, _("省级")
    CITY = 3, _("市级")
    COUNTY = 4, _("县级")


class SpecialProcedureKind(models.TextChoices):
    """The special procedures an item may need (R-CAT-1). Any of them keeps a chief representative from deciding
    on the spot (R-ORG-5); only `CLOCK_STOPPING_PROCEDURES` are left out of the limit (R-CLK-4)."""

    HEARING = "hearing", _("听证")
    BIDDING = "bidding", _("招标")
    AUCTION = "auction", _("拍卖")
    TESTING = "testing", _("检验")
    QUARANTINE = "quarantine", _("检疫")
    APPRAISAL = "appraisal", _("鉴定")
    EXPERT_REVIEW = "expert_review", _("专家评审")
    SITE_SURVEY = "site_survey", _("现场勘查")
    DELIBERATION = "deliberation", _("集体讨论")


# R-CLK-4: the time of these is not counted (听证、招标、拍卖、检验、检疫、鉴定、专家评审). A site survey and a
# collective deliberation are part of the limit.
CLOCK_STOPPING_PROCEDURES = frozenset(
    {
        SpecialProcedureKind.HEARING,
        SpecialProcedureKind.BIDDING,
        SpecialProcedureKind.AUCTION,
        SpecialProcedureKind.TESTING,
        SpecialProcedureKind.QUARANTINE,
        SpecialProcedureKind.APPRAISAL,
        SpecialProcedureKind.EXPERT_REVIEW,
    }
)


class VersionState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("现行")
    SUPERSEDED = "superseded", _("已替代")


class ItemVersion(models.Model):
    """One version of an item's content. Published and superseded versions never change (R-CAT-3)."""

    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="versions", verbose_name="事项", db_index=False
    )
    number = models.PositiveIntegerField(verbose_name="版本号")
    state = models.CharField(
        max_length=12, choices=VersionState.choices, default=VersionState.DRAFT, verbose_name="状态"
    )
    name = models.CharField(max_length=200, verbose_name="事项名称")
    # R-DATA-1: the national platform's codes.
    basic_code = models.CharField(max_length=40, blank=True, verbose_name="基本编码")
    implementation_code = models.CharField(max_length=60, blank=True, verbose_name="实施编码")
    item_type = models.CharField(
        max_length=2, choices=ItemType.choices, default=ItemType.LICENSING, verbose_name="事项类型"
    )
    level = models.PositiveSmallIntegerField(
        choices=ItemLevel.choices, default=ItemLevel.COUNTY, verbose_name="行使层级"
    )
    handling_forms = models.CharField(max_length=100, blank=True, verbose_name="办理形式")
    visits_required = models.PositiveSmallIntegerField(default=1, verbose_name="到现场次数")
    # R-CAT-1: the content of the guide.
    legal_basis = models.TextField(blank=True, verbose_name="法定依据")
    content = models.TextField(blank=True, verbose_name="办理内容")
    conditions = models.TextField(blank=True, verbose_name="办理条件")
    statutory_limit_days = models.PositiveSmallIntegerField(verbose_name="法定时限（工作日）")
    promised_limit_days = models.PositiveSmallIntegerField(verbose_name="承诺时限（工作日）")
    case_type = models.CharField(
        max_length=12, choices=CaseType.choices, default=CaseType.PROMISED, verbose_name="办件类型"
    )
    result_name = models.CharField(max_length=200, blank=True, verbose_name="办理结果")
    special_procedures = models.JSONField(default=list, blank=True, verbose_name="可能适用的特别程序")
    on_spot_decision = models.BooleanField(default=False, verbose_name="首席代表可现场办结")
    extension_allowed = models.BooleanField(default=False, verbose_name="依法可延期")
    max_extension_days = models.PositiveSmallIntegerField(default=0, verbose_name="最长延期（工作日）")
    consultation_phone = models.CharField(max_length=40, blank=True, verbose_name="咨询电话")
    supervision_phone = models.CharField(max_length=40, blank=True, verbose_name="监督电话")
    place = models.CharField(max_length=200, blank=True, verbose_name="办理地点")
    hours = models.CharField(max_length=200, blank=True, verbose_name="办理时间")
    change_note = models.TextField(blank=True, verbose_name="修订说明")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True, verbose_name="发布时间")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["item", "-number"]
        verbose_name = "事项版本"
        verbose_name_plural = "事项版本"
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="itemversion_number_unique"),
            models.UniqueConstraint(
                fields=["item"], condition=Q(state="published"), name="itemversion_one_published"
            ),
            models.UniqueConstraint(
                fields=["item"], condition=Q(state="draft"), name="itemversion_one_draft"
            ),
            # The policy may demand a deeper cut (R-CAT-2, enforced in services); never above statutory.
            models.CheckConstraint(
                condition=Q(promised_limit_days__lte=models.F("statutory_limit_days")),
                name="itemversion_promised_within_statutory",
            ),
            models.CheckConstraint(
                condition=~Q(case_type="immediate") | Q(promised_limit_days=0),
                name="itemversion_immediate_same_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.number}"

    @property
    def is_editable(self) -> bool:
        return self.state == VersionState.DRAFT

    @property
    def special_procedure_labels(self) -> list[str]:
        labels = dict(SpecialProcedureKind.choices)
        return [str(labels.get(p, p)) for p in self.special_procedures or []]

    @property
    def clock_stopping_procedures(self) -> list[str]:
        """The listed special procedures whose time is not counted (R-CLK-4)."""
        return [p for p in self.special_procedures or [] if p in CLOCK_STOPPING_PROCEDURES]

    @property
    def counted_procedures(self) -> list[str]:
        """The listed procedures whose time is part of the limit (site survey, deliberation; R-ORG-5)."""
        return [p for p in self.special_procedures or [] if p not in CLOCK_STOPPING_PROCEDURES]


class Material(models.Model):
    """One entry of the materials checklist (R-CAT-1, R-DATA-1)."""

    version = models.ForeignKey(ItemVersion, on_delete=models.PROTECT, related_name="materials")
    order = models.PositiveSmallIntegerField(default=1, verbose_name="序号")
    name = models.CharField(max_length=200, verbose_name="材料名称")
    original_count = models.PositiveSmallIntegerField(default=1, verbose_name="原件份数")
    copy_count = models.PositiveSmallIntegerField(default=0, verbose_name="复印件份数")
    is_required = models.BooleanField(default=True, verbose_name="必要")
    condition = models.CharField(max_length=200, blank=True, verbose_name="适用情形")
    notes = models.CharField(max_length=300, blank=True, verbose_name="要求")
    # Stored under random names (common.files); served only through the catalogue's and the portal's views.
    blank_form = models.FileField(upload_to=UploadTo("forms/"), blank=True, verbose_name="空白表格")
    sample = models.FileField(upload_to=UploadTo("samples/"), blank=True, verbose_name="填写样本")

    class Meta:
        ordering = ["version", "order", "id"]
        verbose_name = "申请材料"
        verbose_name_plural = "申请材料"
        constraints = [
            # A conditional material says when it applies.
            models.CheckConstraint(
                condition=Q(is_required=True) | ~Q(condition=""), name="material_conditional_has_condition"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Fee(models.Model):
    """A fee of the item with its standard and basis (R-CAT-1, R-CAT-7). An item without fees is free."""

    version = models.ForeignKey(ItemVersion, on_delete=models.PROTECT, related_name="fees")
    order = models.PositiveSmallIntegerField(default=1, verbose_name="序号")
    name = models.CharField(max_length=100, verbose_name="收费项目")
    amount = models.DecimalField(max_digits=10, decimal_places=2, verbose_name="标准（元）")
    unit = models.CharField(max_length=40, blank=True, verbose_name="计费单位")
    legal_basis = models.CharField(max_length=300, verbose_name="收费依据")

    class Meta:
        ordering = ["version", "order", "id"]
        verbose_name = "收费"
        verbose_name_plural = "收费"
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="fee_amount_not_negative")]

    def __str__(self) -> str:
        return f"{self.name} {self.amount}元"


class Step(models.Model):
    """An ordered step of the procedure, performed by whoever holds its post (R-CAT-1, R-ORG-7)."""

    version = models.ForeignKey(ItemVersion, on_delete=models.PROTECT, related_name="steps")
    order = models.PositiveSmallIntegerField(default=1, verbose_name="序号")
    name = models.CharField(max_length=100, verbose_name="环节")
    post = models.ForeignKey("org.Post", on_delete=models.PROTECT, related_name="steps", verbose_name="岗位")
    description = models.CharField(max_length=300, blank=True, verbose_name="说明")
    limit_days = models.PositiveSmallIntegerField(null=True, blank=True, verbose_name="环节时限（工作日）")

    class Meta:
        ordering = ["version", "order", "id"]
        verbose_name = "办理环节"
        verbose_name_plural = "办理环节"

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"
