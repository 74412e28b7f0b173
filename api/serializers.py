"""Serializers parse input and shape output; they hold no business rule (the services do).

Input serializers check only the form of a value (type, length, range, choice) so that a malformed request
answers 400 naming the field before any service runs; whether a value is *allowed* (R-CAT-2, R-ORG-6, …) is
the service's answer, a 422 with the rule id.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from catalog.models import (
    CaseType,
    Fee,
    Item,
    ItemLevel,
    ItemStatus,
    ItemType,
    ItemVersion,
    Material,
    SpecialProcedureKind,
    Step,
)
from catalog.services import FEE_FIELDS, MATERIAL_FIELDS, STEP_FIELDS, VERSION_FIELDS
from org.models import (
    AbsenceKind,
    AuthorizationScope,
    Center,
    Department,
    StaffProfile,
    Window,
)
from org.services import DEPARTMENT_FIELDS
from workdays.models import DayKind

# Bounds that keep arithmetic and storage safe; they are limits of the API, not of any rule.
MAX_DAYS = 10_000  # a limit of more working days than this is certainly a typing error
MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2199, 12, 31)
MAX_SPAN_DAYS = 100 * 366
SMALL_INT_MAX = 32_767  # PositiveSmallIntegerField
CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$"
ID_MAX = 2**63 - 1  # a row id (BigAutoField)
MATERIAL_FILES = ("blank_form", "sample")  # the API does not serve a material's files


# --- errors (for the schema) ---------------------------------------------------------------------------


# Built from a dict: "fields" is also the name of a Serializer attribute.
ErrorDetailSerializer = inline_serializer(
    name="ErrorDetail",
    fields={
        "code": serializers.CharField(help_text="机器可读的错误代码，如 invalid、not_found、rule_violation"),
        "message": serializers.CharField(help_text="中文说明"),
        "rule": serializers.CharField(required=False, help_text="拒绝时依据的规则编号，如 R-CAT-2"),
        "field": serializers.CharField(required=False, allow_null=True, help_text="出错的字段"),
        "fields": serializers.DictField(required=False, help_text="每个出错字段及其说明（400）"),
    },
)


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer


# --- authentication ------------------------------------------------------------------------------------


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    username = serializers.CharField()


# --- calendar ------------------------------------------------------------------------------------------


class BoundedDateField(serializers.DateField):
    """An ISO date within the years the API computes with."""

    def to_internal_value(self, value: Any) -> date:
        day = super().to_internal_value(value)
        if not MIN_DATE <= day <= MAX_DATE:
            raise serializers.ValidationError(
                f"日期须在 {MIN_DATE.isoformat()} 至 {MAX_DATE.isoformat()} 之间。"
            )
        return day


class CenterCodeQuery(serializers.Serializer):
    center = serializers.SlugField(
        max_length=40, required=False, help_text="中心代码；不填则按全国节假日安排计算"
    )


class AddWorkingDaysQuery(CenterCodeQuery):
    start = BoundedDateField(help_text="受理日期（不计入，R-CLK-2）")
    days = serializers.IntegerField(min_value=0, max_value=MAX_DAYS, help_text="工作日数")


class AddWorkingDaysResultSerializer(serializers.Serializer):
    start = serializers.DateField()
    days = serializers.IntegerField()
    date = serializers.DateField(help_text="第 N 个工作日（期限届满日）")
    provisional = serializers.BooleanField(help_text="计算用到了尚未载入官方安排的年份（R-CLK-3）")


class CountWorkingDaysQuery(CenterCodeQuery):
    start = BoundedDateField(help_text="起算日（不计入）")
    end = BoundedDateField(help_text="截止日（计入）")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if (attrs["end"] - attrs["start"]).days > MAX_SPAN_DAYS:
            raise serializers.ValidationError({"end": "起止日期相隔不能超过100年。"})
        return attrs


class CountWorkingDaysResultSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    working_days = serializers.IntegerField(help_text="起算日之后至截止日（含）的工作日数")
    provisional = serializers.BooleanField()


class CalendarYearQuery(CenterCodeQuery):
    year = serializers.IntegerField(min_value=MIN_DATE.year, max_value=MAX_DATE.year)


class CalendarDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    kind = serializers.ChoiceField(choices=DayKind.choices)
    name = serializers.CharField()
    # A declared field named like a Field attribute: DRF's metaclass moves it into `fields`.
    source = serializers.CharField()  # type: ignore[assignment]
    center = serializers.CharField(allow_null=True, help_text="中心代码；空为全国安排")


class CalendarYearSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    center = serializers.CharField(allow_null=True)
    loaded = serializers.BooleanField(help_text="该年官方安排已载入；否则只按周末计算且结果为临时（R-CLK-3）")
    days = CalendarDaySerializer(many=True, help_text="与周一至周五常规不同的日子（节假日、调休上班）")


class CalendarDaySetSerializer(serializers.Serializer):
    center = serializers.SlugField(max_length=40, help_text="中心代码（本中心的调整覆盖全国安排）")
    date = BoundedDateField()
    kind = serializers.ChoiceField(choices=DayKind.choices)
    name = serializers.CharField(max_length=60, allow_blank=True, required=False, default="")
    reason = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")


# --- organisation --------------------------------------------------------------------------------------


class CenterSerializer(serializers.ModelSerializer):
    # A declared field named like a Field attribute: DRF's metaclass moves it into `fields`.
    parent: Any = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Center
        fields = ["code", "name", "parent", "address", "consultation_phone", "complaint_phone", "website"]


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = DEPARTMENT_FIELDS


class DepartmentCreateSerializer(serializers.Serializer):
    code = serializers.RegexField(CODE_PATTERN, max_length=40, help_text="字母、数字、点、横线、下划线")
    name = serializers.CharField(max_length=100)
    short_name = serializers.CharField(max_length=40, required=False, allow_blank=True)
    legal_representative = serializers.CharField(max_length=40, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)


class DepartmentUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False)
    short_name = serializers.CharField(max_length=40, required=False, allow_blank=True)
    legal_representative = serializers.CharField(max_length=40, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, help_text="修改原因")


class StaffRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    title = serializers.CharField()


class WindowSerializer(serializers.ModelSerializer):
    department: Any = serializers.SlugRelatedField(slug_field="code", read_only=True)
    served_departments: Any = serializers.SlugRelatedField(slug_field="code", read_only=True, many=True)
    head = StaffRefSerializer(allow_null=True)
    chief_representative = StaffRefSerializer(allow_null=True)
    deputy_in_charge = StaffRefSerializer(allow_null=True)

    class Meta:
        model = Window
        fields = [
            "number",
            "name",
            "kind",
            "department",
            "served_departments",
            "head",
            "chief_representative",
            "deputy_in_charge",
            "phone",
            "is_active",
        ]


class BackupRefSerializer(StaffRefSerializer):
    order = serializers.IntegerField(help_text="顶岗顺序")


class PostSerializer(serializers.Serializer):
    """A post with its A, its Bs in order, and who holds it now (R-ORG-6, R-ORG-7)."""

    id = serializers.IntegerField()
    window = serializers.CharField(help_text="窗口号")
    name = serializers.CharField()
    duties = serializers.CharField()
    holder_a = StaffRefSerializer()
    backups = BackupRefSerializer(many=True)
    current_holder = StaffRefSerializer(allow_null=True, help_text="此刻在岗的办理人（A，或顶岗的B）")
    acting_as = serializers.ChoiceField(choices=["A", "B"], allow_null=True)
    gap = serializers.BooleanField(help_text="无人顶岗（A、B均不在岗）")


class StaffSerializer(serializers.ModelSerializer):
    """Public-safe fields; `work_phone` is filled only for those who may edit the organisation."""

    department: Any = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    window: Any = serializers.SlugRelatedField(slug_field="number", read_only=True, allow_null=True)
    photo = serializers.SerializerMethodField()
    work_phone = serializers.SerializerMethodField()

    class Meta:
        model = StaffProfile
        fields = [
            "id",
            "name",
            "title",
            "badge_number",
            "duties",
            "department",
            "window",
            "photo",
            "is_active",
            "work_phone",
        ]

    @extend_schema_field(
        {
            "type": "string",
            "nullable": True,
            "description": "照片的查看地址（在职人员为公开的工作人员公示照片，否则仅本中心工作人员可看）；"
            "未上传照片时为 null",
        }
    )
    def get_photo(self, obj: StaffProfile) -> str | None:
        if not obj.photo:
            return None
        center_code = self.context.get("center_code")
        if obj.is_active and center_code:
            return reverse("portal:staff_photo", kwargs={"center_code": center_code, "staff_id": obj.pk})
        return reverse("org:staff_photo", args=[obj.pk])

    @extend_schema_field({"type": "string", "nullable": True})
    def get_work_phone(self, obj: StaffProfile) -> str | None:
        return obj.work_phone if self.context.get("show_phones") else None


class AbsenceCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=AbsenceKind.choices)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["ends_at"] <= attrs["starts_at"]:
            raise serializers.ValidationError({"ends_at": "结束时间须晚于开始时间。"})
        if not MIN_DATE.year <= attrs["starts_at"].year <= MAX_DATE.year:
            raise serializers.ValidationError({"starts_at": "时间超出范围。"})
        if not MIN_DATE.year <= attrs["ends_at"].year <= MAX_DATE.year:
            raise serializers.ValidationError({"ends_at": "时间超出范围。"})
        return attrs


class AbsenceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    staff = serializers.IntegerField(source="staff_id")
    kind = serializers.ChoiceField(choices=AbsenceKind.choices)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    reason = serializers.CharField()
    cancelled_at = serializers.DateTimeField(allow_null=True, help_text="撤销时间（只有未开始的离岗可撤销）")
    planned_ends_at = serializers.DateTimeField(
        allow_null=True, help_text="提前返岗时原定的结束时间；此时 ends_at 为返岗时间"
    )


class AuthorizationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    department = serializers.CharField(source="department.code")
    representative = StaffRefSerializer()
    document_number = serializers.CharField()
    signed_by = serializers.CharField()
    scopes = serializers.ListField(child=serializers.ChoiceField(choices=AuthorizationScope.choices))
    valid_from = serializers.DateField()
    valid_until = serializers.DateField()
    revoked_at = serializers.DateTimeField(allow_null=True)
    revoke_reason = serializers.CharField()
    replaces = serializers.IntegerField(source="replaces_id", allow_null=True)


class AuthorizationGrantSerializer(serializers.Serializer):
    department = serializers.RegexField(CODE_PATTERN, max_length=40, help_text="委托部门代码")
    representative = serializers.IntegerField(
        min_value=1, max_value=ID_MAX, help_text="首席代表（工作人员编号）"
    )
    document_number = serializers.CharField(max_length=60)
    signed_by = serializers.CharField(max_length=40, help_text="签署授权的法定代表人")
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=AuthorizationScope.choices), allow_empty=False, max_length=10
    )
    valid_from = BoundedDateField()
    valid_until = BoundedDateField()
    replaces = serializers.IntegerField(
        min_value=1, max_value=ID_MAX, required=False, allow_null=True, help_text="被接替的授权编号"
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["valid_until"] < attrs["valid_from"]:
            raise serializers.ValidationError({"valid_until": "截止日期不能早于生效日期。"})
        return attrs


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


# --- catalogue -----------------------------------------------------------------------------------------


class ItemQuery(serializers.Serializer):
    q = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text="按名称、编号、部门或指南内容搜索（空格分隔的词都须出现）",
    )


class DepartmentRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class ItemListSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=ItemStatus.choices)
    department = DepartmentRefSerializer()
    # From the current (published) version; empty while the item has none.
    case_type = serializers.ChoiceField(
        choices=CaseType.choices, source="current_version.case_type", allow_null=True
    )
    statutory_limit_days = serializers.IntegerField(
        source="current_version.statutory_limit_days", allow_null=True
    )
    promised_limit_days = serializers.IntegerField(
        source="current_version.promised_limit_days", allow_null=True
    )
    version = serializers.IntegerField(
        source="current_version.number", allow_null=True, help_text="现行版本号；未发布为空"
    )
    published_at = serializers.DateTimeField(source="current_version.published_at", allow_null=True)
    draft_version = serializers.IntegerField(
        source="draft_number", allow_null=True, help_text="待发布的修订版本号（仅本中心工作人员可见）"
    )

    @extend_schema_field(OpenApiTypes.STR)
    def get_name(self, item: Item) -> str:
        version = item.current_version
        return version.name if version else getattr(item, "draft_name", "") or ""


class MaterialSerializer(serializers.ModelSerializer):
    class Meta:
        model = Material
        fields = ["id", *(f for f in MATERIAL_FIELDS if f not in MATERIAL_FILES)]


class FeeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Fee
        fields = ["id", *FEE_FIELDS]


class StepPostSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    window = serializers.CharField(source="window.number")


class StepSerializer(serializers.ModelSerializer):
    post = StepPostSerializer()

    class Meta:
        model = Step
        fields = ["id", *STEP_FIELDS]


class VersionSerializer(serializers.ModelSerializer):
    """One version of an item: the service guide (R-CAT-1) with materials, fees and steps."""

    special_procedures = serializers.ListField(
        child=serializers.ChoiceField(choices=SpecialProcedureKind.choices)
    )
    materials = MaterialSerializer(many=True)
    fees = FeeSerializer(many=True)
    steps = StepSerializer(many=True)

    class Meta:
        model = ItemVersion
        fields = [
            "number",
            "state",
            *VERSION_FIELDS,
            "change_note",
            "published_at",
            "materials",
            "fees",
            "steps",
        ]


class ItemDetailSerializer(serializers.Serializer):
    center = serializers.CharField(source="center.code")
    code = serializers.CharField()
    status = serializers.ChoiceField(choices=ItemStatus.choices)
    department = DepartmentRefSerializer()
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    withdrawal_reason = serializers.CharField()
    guide = VersionSerializer(allow_null=True, help_text="现行（已发布）版本的服务指南；未发布为空")
    draft_version = serializers.IntegerField(
        allow_null=True, help_text="待发布的修订版本号（仅本中心工作人员可见）"
    )


def _text(max_length: int, **kw: Any) -> serializers.CharField:
    return serializers.CharField(max_length=max_length, required=False, allow_blank=True, **kw)


def _days(**kw: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=0, max_value=SMALL_INT_MAX, **kw)


class VersionFieldsSerializer(serializers.Serializer):
    """The editable content of a version; every field optional (PATCH)."""

    name = serializers.CharField(max_length=200, required=False)
    basic_code = _text(40)
    implementation_code = _text(60)
    item_type = serializers.ChoiceField(choices=ItemType.choices, required=False)
    level = serializers.ChoiceField(choices=ItemLevel.choices, required=False)
    handling_forms = _text(100)
    visits_required = _days(required=False)
    legal_basis = _text(5000)
    content = _text(5000)
    conditions = _text(5000)
    statutory_limit_days = _days(required=False, help_text="法定时限（工作日）")
    promised_limit_days = _days(required=False, help_text="承诺时限（工作日，R-CAT-2）")
    case_type = serializers.ChoiceField(choices=CaseType.choices, required=False)
    result_name = _text(200)
    special_procedures = serializers.ListField(
        child=serializers.ChoiceField(choices=SpecialProcedureKind.choices), required=False, max_length=20
    )
    on_spot_decision = serializers.BooleanField(required=False)
    extension_allowed = serializers.BooleanField(required=False)
    max_extension_days = _days(required=False, allow_null=True)
    consultation_phone = _text(40)
    supervision_phone = _text(40)
    place = _text(200)
    hours = _text(200)


class ItemCreateSerializer(VersionFieldsSerializer):
    department = serializers.RegexField(CODE_PATTERN, max_length=40, help_text="实施部门代码")
    code = serializers.RegexField(CODE_PATTERN, max_length=40, help_text="事项编号")
    name = serializers.CharField(max_length=200)
    statutory_limit_days = _days(help_text="法定时限（工作日）")
    promised_limit_days = _days(help_text="承诺时限（工作日，R-CAT-2）")
    case_type = serializers.ChoiceField(choices=CaseType.choices, default=CaseType.PROMISED)


class MaterialAddSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    original_count = serializers.IntegerField(min_value=0, max_value=SMALL_INT_MAX, default=1)
    copy_count = serializers.IntegerField(min_value=0, max_value=SMALL_INT_MAX, default=0)
    is_required = serializers.BooleanField(default=True)
    condition = _text(200, default="")
    notes = _text(300, default="")


class FeeAddSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    amount = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0, help_text="标准（元）")
    legal_basis = serializers.CharField(max_length=300)
    unit = _text(40, default="")


class StepAddSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    post = serializers.IntegerField(min_value=1, max_value=ID_MAX, help_text="办理岗位编号")
    description = _text(300, default="")
    limit_days = _days(required=False, allow_null=True, default=None)


class PublishSerializer(serializers.Serializer):
    change_note = _text(2000, default="")
