"""Serializers of the cases API (inquiries, cases and their actions, appointments, the public progress lookup).

As in `api.serializers`: input serializers check the form of a value only (type, length, range, choice), so
that a malformed request answers 400 naming the field; whether the action is allowed is the service's answer
(422 with the rule id). Every write on a case carries `revision`, the revision the client last read: a stale
one answers 409 and changes nothing.

Choice sets whose field name is already taken by another choice set in the schema (`status`, `kind`, `state`)
are described as plain strings listing their values, so that the generated enum names stay unambiguous.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.models import (
    ActingAs,
    CaseState,
    Channel,
    DeliveryMethod,
    ExtensionRequestStatus,
    InquiryOutcome,
    InquiryStatus,
    MaterialStatus,
    NoticeKind,
    ReferralMode,
    Warning,
)
from cases.selectors import search
from cases.services.intake import APPLICANT_MAX
from catalog.models import SpecialProcedureKind
from hall.models import AppointmentStatus

from . import parsers
from .serializers import ID_MAX, MAX_DATE, MIN_DATE, SMALL_INT_MAX, BoundedDateField, StaffRefSerializer

TEXT_MAX = 2000  # free text (reasons, opinions, answers): long enough for any real one


def _values(choices: Any) -> str:
    return "、".join(f"{value}（{label}）" for value, label in choices if value)


def _id(help_text: str, *, required: bool = True) -> serializers.IntegerField:
    if required:
        return serializers.IntegerField(min_value=1, max_value=ID_MAX, help_text=help_text)
    return serializers.IntegerField(
        min_value=1, max_value=ID_MAX, required=False, allow_null=True, default=None, help_text=help_text
    )


@extend_schema_field(OpenApiTypes.STR)
class TextChoiceField(serializers.ChoiceField):
    """A choice validated as such, described in the schema as a string whose values the help text lists."""

    def __init__(self, choices: Any, **kwargs: Any) -> None:
        listed = _values(choices)
        help_text = kwargs.pop("help_text", "")
        kwargs["help_text"] = f"{help_text}：{listed}" if help_text else listed
        super().__init__(choices, **kwargs)


class BoundedDateTimeField(serializers.DateTimeField):
    """An ISO date-time with its time zone (a naive one is read in the centre's zone), within 1900–2199."""

    def to_internal_value(self, value: Any) -> datetime:
        moment = super().to_internal_value(value)
        day = timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()
        if not MIN_DATE <= day <= MAX_DATE:
            raise serializers.ValidationError(
                f"时间须在 {MIN_DATE.isoformat()} 至 {MAX_DATE.isoformat()} 之间。"
            )
        return moment


class RevisionSerializer(serializers.Serializer):
    """An action on a case without other input: only the revision the client last read."""

    revision = serializers.IntegerField(
        min_value=0,
        max_value=2**31 - 1,
        help_text="客户端读到的办件版本号（revision）；办件已被他人更新时返回409",
    )


# --- references -----------------------------------------------------------------------------------------


class WindowRefSerializer(serializers.Serializer):
    number = serializers.CharField(help_text="窗口号")
    name = serializers.CharField()


class ItemRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField(help_text="受理时事项版本的名称")
    version = serializers.IntegerField(help_text="事项版本号")


# --- inquiries (R-CASE-1) -------------------------------------------------------------------------------


class InquiryBoxQuery(serializers.Serializer):
    box = serializers.ChoiceField(
        choices=[
            ("open", "我的未办结咨询"),
            ("incoming", "转至我所在窗口待接收"),
            ("sent", "我转出待对方接收"),
        ],
        required=False,
        default="open",
        help_text="open：我作为首问责任人未办结的；incoming：转至我所在窗口、待确认接收的；sent：我转出、对方尚未接收的",
    )


class InquiryLogSerializer(serializers.Serializer):
    window = serializers.CharField(max_length=10, help_text="窗口号（须为本人工作的窗口）")
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.WINDOW)
    question = serializers.CharField(max_length=TEXT_MAX, help_text="咨询内容")
    asker_name = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    asker_phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    item = serializers.CharField(
        max_length=40, required=False, allow_null=True, default=None, help_text="涉及事项的编号（可不填）"
    )


class InquiryHandleSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=InquiryOutcome.choices, help_text="办理结果（没有“不清楚”）")
    answer = serializers.CharField(
        max_length=TEXT_MAX, required=False, allow_blank=True, default="", help_text="答复或理由"
    )
    case = _id("形成的办件编号（id；结果为 accepted 时必填）", required=False)


class InquiryReferSerializer(serializers.Serializer):
    to_window = serializers.CharField(max_length=10, help_text="转至的窗口号")
    mode = serializers.ChoiceField(choices=ReferralMode.choices, help_text="引导前往或告知联系电话")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class InquiryEscalateSerializer(serializers.Serializer):
    leader = _id("上报的领导（工作人员编号；中心主任或分管副主任）")
    reason = serializers.CharField(max_length=TEXT_MAX, help_text="上报原因")


class InquirySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    center = serializers.CharField(source="center.code")
    channel = serializers.CharField(help_text=_values(Channel.choices))
    window = serializers.CharField(source="window.number", help_text="受理咨询的窗口号")
    first_receiver = StaffRefSerializer(help_text="首问责任人")
    asked_at = serializers.DateTimeField()
    asker_name = serializers.CharField()
    asker_phone = serializers.CharField(help_text="列表中隐去中间四位；详情中完整显示并记录查看")
    question = serializers.CharField()
    item = serializers.CharField(source="item.code", allow_null=True, default=None)
    inquiry_status = serializers.CharField(source="status", help_text=_values(InquiryStatus.choices))
    outcome = serializers.CharField(help_text=_values(InquiryOutcome.choices))
    answer = serializers.CharField()
    referred_to = serializers.CharField(source="referred_to.number", allow_null=True, default=None)
    referral_mode = serializers.CharField(help_text=_values(ReferralMode.choices))
    referral_acknowledged_at = serializers.DateTimeField(allow_null=True)
    referral_acknowledged_by = StaffRefSerializer(allow_null=True)
    escalated_to = StaffRefSerializer(allow_null=True)
    case = serializers.IntegerField(source="case_id", allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)


# --- cases: reading -------------------------------------------------------------------------------------


class CaseQuery(serializers.Serializer):
    """The filters of the case list (`cases.selectors.search`): each given one narrows the list."""

    state = serializers.ChoiceField(
        choices=[*CaseState.choices, (search.OPEN, "办理中（未办结）"), (search.CLOSED, "已办结（含归档）")],
        required=False,
        help_text="办件状态，或 open（办理中）、closed（已办结）",
    )
    window = serializers.CharField(max_length=10, required=False, help_text="受理窗口号")
    warning = serializers.ChoiceField(
        choices=[*Warning.choices, (search.LATE, "曾逾期（含逾期办结）")],
        required=False,
        help_text="预警颜色（R-CLK-6）；late 为曾逾期的办件（含逾期办结的）",
    )
    number = serializers.CharField(max_length=40, required=False, help_text="办件编号：完整编号或其开头部分")
    applicant = serializers.CharField(
        max_length=100, required=False, help_text="申请人或申请单位名称的开头部分"
    )
    id_number = serializers.CharField(
        max_length=APPLICANT_MAX["id_number"],
        required=False,
        help_text="申请人证件号码（完整）：只查找本人可查看申请人信息的办件，找到的每件记入个人信息查看记录",
    )
    credit_code = serializers.CharField(
        max_length=APPLICANT_MAX["credit_code"], required=False, help_text="统一社会信用代码（完整）"
    )
    item = serializers.CharField(max_length=40, required=False, help_text="事项编号")
    received_from = BoundedDateField(required=False, help_text="收件日期不早于")
    received_to = BoundedDateField(required=False, help_text="收件日期不晚于")
    accepted_from = BoundedDateField(required=False, help_text="受理日期不早于")
    accepted_to = BoundedDateField(required=False, help_text="受理日期不晚于")
    deadline_from = BoundedDateField(required=False, help_text="办结期限不早于")
    deadline_to = BoundedDateField(required=False, help_text="办结期限不晚于")
    sort = serializers.ChoiceField(
        choices=list(search.SORTS),
        required=False,
        help_text="排序：-received（默认，收件时间倒序）、received、number、-number、accepted、-accepted、deadline、"
        "-deadline",
    )


class CaseListSerializer(serializers.Serializer):
    """A case in a list: no applicant data (the detail shows it to those who may see it)."""

    id = serializers.IntegerField()
    number = serializers.CharField(help_text="办件编号（受理后才有）")
    center = serializers.CharField(source="center.code")
    item = serializers.SerializerMethodField()
    window = WindowRefSerializer()
    state = serializers.CharField(help_text=_values(CaseState.choices))
    case_type = serializers.CharField()
    received_at = serializers.DateTimeField()
    accepted_on = serializers.DateField(allow_null=True)
    deadline = serializers.DateField(allow_null=True, help_text="办结期限（暂停计时期间为空）")
    deadline_provisional = serializers.BooleanField()
    warning = serializers.CharField(help_text=f"{_values(Warning.choices)}；未在计时为空")
    is_priority = serializers.BooleanField(help_text="绿色通道（R-CASE-11）")
    responsible = StaffRefSerializer(allow_null=True, help_text="责任人（R-CLK-9）")
    revision = serializers.IntegerField()

    @extend_schema_field(ItemRefSerializer)
    def get_item(self, case: Any) -> dict[str, Any]:
        return {"code": case.item.code, "name": case.version.name, "version": case.version.number}


class ApplicantOutSerializer(serializers.Serializer):
    name = serializers.CharField()
    organisation_name = serializers.CharField()
    credit_code = serializers.CharField()
    in_development_zone = serializers.BooleanField()
    id_number = serializers.CharField(
        allow_null=True, help_text="证件号码：仅本窗口工作人员可见（每次查看均记录），否则为空"
    )
    phone = serializers.CharField(allow_null=True, help_text="联系电话：同上")
    email = serializers.CharField(allow_null=True, help_text="电子邮箱：同上")


class ClockSerializer(serializers.Serializer):
    limit_days = serializers.IntegerField(help_text="承诺时限（工作日）")
    extension_days = serializers.IntegerField(help_text="已批准延期（工作日）")
    accepted_on = serializers.DateField(allow_null=True)
    deadline = serializers.DateField(allow_null=True)
    deadline_provisional = serializers.BooleanField(help_text="期限计算用到了尚未发布官方安排的年份")
    warn_from = serializers.DateField(allow_null=True, help_text="黄色预警起始日")
    warning = serializers.CharField(help_text=f"{_values(Warning.choices)}；未在计时为空")
    remaining_working_days = serializers.IntegerField(
        allow_null=True, help_text="剩余工作日（暂停计时期间冻结）"
    )
    suspended = serializers.BooleanField(help_text="特别程序中或报上级审批中，暂停计时")


class ChecklistRowSerializer(serializers.Serializer):
    material = serializers.IntegerField(help_text="材料编号")
    name = serializers.CharField()
    is_required = serializers.BooleanField()
    result = serializers.CharField(
        allow_null=True, help_text=f"{_values(MaterialStatus.choices)}；未审查为空"
    )
    note = serializers.CharField()
    checked_at = serializers.DateTimeField(allow_null=True)
    file = serializers.CharField(
        allow_null=True,
        help_text="申请人上传的文件的取得地址（经权限检查并记录）；未上传或无权查看申请人信息时为空",
    )


class NoticeRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    notice_kind = serializers.CharField(source="kind", help_text=_values(NoticeKind.choices))
    number = serializers.CharField(help_text="文号")
    issued_at = serializers.DateTimeField()
    delivered_at = serializers.DateTimeField(allow_null=True)
    delivery_method = serializers.CharField()


class CaseStepSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    name = serializers.CharField()
    post = serializers.CharField(source="post.name", allow_null=True, default=None)
    handler = StaffRefSerializer(allow_null=True)
    acting_as = serializers.CharField(help_text="A、B，或空")
    opinion = serializers.CharField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)


class PaymentSerializer(serializers.Serializer):
    fee = serializers.IntegerField(source="fee_id")
    name = serializers.CharField(source="fee.name")
    quantity = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=10, decimal_places=2)
    receipt_number = serializers.CharField()
    paid_at = serializers.DateTimeField()


class VisitSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    purpose = serializers.CharField()
    caused_by_administration = serializers.BooleanField()
    is_shuttle = serializers.BooleanField(help_text="两头跑（R-CASE-12）")
    responsible = StaffRefSerializer(allow_null=True)


class ExtensionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    days = serializers.IntegerField()
    reason = serializers.CharField()
    approved_by = StaffRefSerializer()
    approved_at = serializers.DateTimeField()
    applicant_told_on = serializers.DateField()
    filed_at = serializers.DateTimeField(allow_null=True, help_text="协调科备案时间；未备案为空")
    notice = serializers.CharField(source="notice.number", allow_null=True, default=None)


class ExtensionRequestSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    days = serializers.IntegerField()
    reason = serializers.CharField()
    requested_by = StaffRefSerializer()
    requested_at = serializers.DateTimeField()
    status = serializers.CharField(help_text=_values(ExtensionRequestStatus.choices))
    decided_by = StaffRefSerializer(allow_null=True, help_text="批准或不予批准的窗口机关负责人")
    decided_at = serializers.DateTimeField(allow_null=True)
    refusal_reason = serializers.CharField()
    extension = serializers.IntegerField(source="extension_id", allow_null=True, help_text="批准后的延期编号")


class SuspensionSerializer(serializers.Serializer):
    procedure = serializers.CharField(source="kind", help_text=_values(SpecialProcedureKind.choices))
    reason = serializers.CharField()
    started_on = serializers.DateField()
    expected_days = serializers.IntegerField()
    ended_on = serializers.DateField(allow_null=True)
    result = serializers.CharField()
    notice = serializers.IntegerField(source="notice_id", allow_null=True)


class CaseDetailSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    center = serializers.CharField(source="center.code")
    item = ItemRefSerializer()
    window = WindowRefSerializer()
    state = serializers.CharField(help_text=_values(CaseState.choices))
    state_label = serializers.CharField()
    case_type = serializers.CharField()
    channel = serializers.CharField()
    applicant = ApplicantOutSerializer()
    applicant_shown = serializers.BooleanField(help_text="是否返回了证件号码、电话等个人信息（已记录查看）")
    received_at = serializers.DateTimeField()
    received_by = StaffRefSerializer()
    accepted_by = StaffRefSerializer(allow_null=True)
    deemed_accepted = serializers.BooleanField()
    clock = ClockSerializer()
    is_priority = serializers.BooleanField()
    priority_reason = serializers.CharField()
    priority_target_days = serializers.IntegerField(allow_null=True)
    responsible = StaffRefSerializer(allow_null=True)
    responsible_acting_as = serializers.CharField()
    decided_at = serializers.DateTimeField(allow_null=True)
    decided_by = StaffRefSerializer(allow_null=True)
    decision_reasons = serializers.CharField()
    result_number = serializers.CharField()
    result_valid_until = serializers.DateField(allow_null=True)
    result_issuer = serializers.CharField()
    delivery_due = serializers.DateField(allow_null=True)
    delivery_method = serializers.CharField()
    delivered_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    checklist = ChecklistRowSerializer(many=True)
    notices = NoticeRefSerializer(many=True)
    steps = CaseStepSerializer(many=True)
    payments = PaymentSerializer(many=True)
    visits = VisitSerializer(many=True)
    extensions = ExtensionSerializer(many=True)
    extension_requests = ExtensionRequestSerializer(
        many=True, help_text="延期申请（R-CLK-5）：待批准的由窗口负责人或首席代表批准或不予批准"
    )
    suspensions = SuspensionSerializer(many=True)
    actions = serializers.ListField(
        child=serializers.CharField(), help_text="当前用户此刻可进行的操作（服务仍会逐项检查）"
    )
    revision = serializers.IntegerField(help_text="办件版本号：每次写操作须带上")
    query_code = serializers.CharField(
        allow_null=True,
        help_text="查询码（R-PUB-2，与办件编号一起用于公开进度查询）：只给可在本窗口受理的人员，以告知申请人；"
        "其他人及尚无查询码时为 null",
    )


class CaseEventSerializer(serializers.Serializer):
    seq = serializers.IntegerField()
    at = serializers.DateTimeField()
    actor = StaffRefSerializer(allow_null=True)
    acting_as = serializers.CharField(help_text=f"{_values(ActingAs.choices)}；空为其他")
    action = serializers.CharField()
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    reason = serializers.CharField()
    # A declared field named like a Serializer attribute: DRF's metaclass moves it into `fields`.
    data = serializers.DictField()  # type: ignore[assignment]
    prev_hash = serializers.CharField()
    hash = serializers.CharField()


class ChainSerializer(serializers.Serializer):
    case = serializers.IntegerField()
    events = serializers.IntegerField()
    ok = serializers.BooleanField()
    broken_at = serializers.IntegerField(allow_null=True, help_text="第一条链接或哈希不符的记录序号")
    tampered_at = serializers.IntegerField(
        allow_null=True, help_text="第一条签名不符的记录序号（被不掌握密钥的人改动）"
    )


class BrokenChainSerializer(serializers.Serializer):
    case = serializers.IntegerField(source="case_id")
    number = serializers.CharField()
    events = serializers.IntegerField()
    broken_at = serializers.IntegerField(allow_null=True, help_text="第一条链接或哈希不符的记录序号")
    tampered_at = serializers.IntegerField(allow_null=True, help_text="第一条签名不符的记录序号")
    truncated = serializers.BooleanField(help_text="末尾记录缺失")


class ChainRunSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text="范围内的办件数")
    checked = serializers.IntegerField(help_text="本次校验的办件数（最近的办件优先）")
    events = serializers.IntegerField()
    ok = serializers.BooleanField()
    capped = serializers.BooleanField()
    broken = BrokenChainSerializer(many=True)


# --- cases: receiving -----------------------------------------------------------------------------------


class ApplicantSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=APPLICANT_MAX["name"], help_text="申请人姓名或名称")
    id_number = serializers.CharField(max_length=APPLICANT_MAX["id_number"], required=False, allow_blank=True)
    phone = serializers.CharField(max_length=APPLICANT_MAX["phone"], required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    organisation_name = serializers.CharField(
        max_length=APPLICANT_MAX["organisation_name"], required=False, allow_blank=True
    )
    credit_code = serializers.CharField(
        max_length=APPLICANT_MAX["credit_code"], required=False, allow_blank=True
    )
    in_development_zone = serializers.BooleanField(required=False, default=False)


class ApplicantJsonField(serializers.Field):
    """The applicant as a JSON object, or (in a multipart form) as the text of one."""

    default_error_messages = {"invalid": "须为申请人信息对象（multipart 表单中为其 JSON 文本）。"}

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if isinstance(data, str):
            try:
                data = parsers.loads(data)
            except parsers.UnreadableJson:
                self.fail("invalid")
        if not isinstance(data, dict):
            self.fail("invalid")
        nested = ApplicantSerializer(data=data)
        if not nested.is_valid():
            raise serializers.ValidationError(nested.errors)
        return dict(nested.validated_data)

    def to_representation(self, value: Any) -> Any:
        return value


class _ReceiveBase(serializers.Serializer):
    window = serializers.CharField(max_length=10, help_text="收件窗口号（须为本人工作的窗口）")
    item = serializers.CharField(max_length=40, help_text="事项编号（按现行发布版本受理）")
    channel = serializers.ChoiceField(
        choices=Channel.choices, default=Channel.WINDOW, help_text="申请方式：窗口或网上（申请不能电话提交）"
    )

    def validate_channel(self, value: str) -> str:
        if value not in (Channel.WINDOW, Channel.WEB):
            raise serializers.ValidationError("申请方式须为窗口或网上。")
        return value


@extend_schema_field(ApplicantSerializer)
class _ApplicantObjectField(ApplicantJsonField):
    pass


@extend_schema_field(OpenApiTypes.STR)
class _ApplicantTextField(ApplicantJsonField):
    pass


class CaseReceiveSerializer(_ReceiveBase):
    applicant = _ApplicantObjectField()


class CaseReceiveFormSerializer(_ReceiveBase):
    """The multipart form: the same fields, `applicant` as JSON text, and one file per material named
    `upload_<材料编号>` (PDF, JPG or PNG, at most 10 MB each)."""

    applicant = _ApplicantTextField(help_text="申请人信息的 JSON 文本")


# --- cases: actions -------------------------------------------------------------------------------------


class MaterialCheckSerializer(serializers.Serializer):
    material = _id("材料编号")
    result = serializers.ChoiceField(choices=MaterialStatus.choices, help_text="审查结果")
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class CheckSerializer(RevisionSerializer):
    results = MaterialCheckSerializer(  # type: ignore[call-arg]  # passed on to the ListSerializer
        many=True, max_length=200, help_text="每份材料的审查结果；未列出的非必要材料记为不适用"
    )

    def validate_results(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        seen = [row["material"] for row in rows]
        if len(seen) != len(set(seen)):
            raise serializers.ValidationError("同一材料出现了多次。")
        return rows


class RefuseSerializer(RevisionSerializer):
    reasons = serializers.CharField(max_length=TEXT_MAX, help_text="不予受理理由")
    competent_authority = serializers.CharField(max_length=200, help_text="有权受理的窗口或机关")


class SuspendSerializer(RevisionSerializer):
    procedure = TextChoiceField(SpecialProcedureKind.choices, help_text="特别程序（须为服务指南列明的）")
    reason = serializers.CharField(max_length=TEXT_MAX)
    expected_days = serializers.IntegerField(min_value=1, max_value=SMALL_INT_MAX, help_text="预计所需工作日")


class ResultSerializer(RevisionSerializer):
    result = serializers.CharField(max_length=TEXT_MAX, help_text="特别程序的结果")


class ExtendSerializer(RevisionSerializer):
    days = serializers.IntegerField(min_value=1, max_value=SMALL_INT_MAX, help_text="延长的工作日")
    reason = serializers.CharField(max_length=TEXT_MAX)


class ExtensionRefuseSerializer(RevisionSerializer):
    reason = serializers.CharField(max_length=500, help_text="不予批准的理由")


class StepSerializer(RevisionSerializer):
    opinion = serializers.CharField(max_length=TEXT_MAX, help_text="办理意见")


class DecideSerializer(RevisionSerializer):
    decision = serializers.ChoiceField(choices=[("approve", "准予许可"), ("deny", "不予许可")])
    reasons = serializers.CharField(
        max_length=TEXT_MAX, required=False, allow_blank=True, default="", help_text="理由（不予许可必填）"
    )
    result_number = serializers.CharField(
        max_length=80, required=False, allow_blank=True, default="", help_text="证照编号（准予许可必填）"
    )
    result_valid_until = BoundedDateField(required=False, allow_null=True, default=None)
    result_issuer = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    false_materials = serializers.BooleanField(required=False, default=False, help_text="申请材料虚假")


class PaymentInSerializer(RevisionSerializer):
    fee = _id("收费项目编号（本事项版本公布的）")
    quantity = serializers.IntegerField(min_value=1, max_value=SMALL_INT_MAX, default=1)
    receipt_number = serializers.CharField(max_length=60, help_text="票据号")


class DeliverSerializer(RevisionSerializer):
    method = serializers.ChoiceField(choices=DeliveryMethod.choices, help_text="送达方式")


class WithdrawSerializer(RevisionSerializer):
    reason = serializers.CharField(max_length=TEXT_MAX, help_text="撤回原因")


class PrioritySerializer(RevisionSerializer):
    reason = serializers.CharField(max_length=200, help_text="绿色通道事由")
    target_days = serializers.IntegerField(
        min_value=0,
        max_value=SMALL_INT_MAX,
        required=False,
        allow_null=True,
        default=None,
        help_text="目标时限（工作日，须短于承诺时限；可不填）",
    )


class VisitInSerializer(RevisionSerializer):
    purpose = serializers.CharField(max_length=200, help_text="来访事由")
    caused_by_administration = serializers.BooleanField(
        required=False, default=False, help_text="因行政机关原因再次来访"
    )
    responsible = _id("两头跑的责任人（工作人员编号）", required=False)


class ReportUpSerializer(RevisionSerializer):
    authority = serializers.CharField(max_length=100, help_text="上报的上级机关")


class ReportReturnedSerializer(RevisionSerializer):
    result = serializers.CharField(
        max_length=TEXT_MAX, required=False, allow_blank=True, default="", help_text="上级机关审批结果"
    )


class NoticeDeliveredSerializer(RevisionSerializer):
    method = serializers.CharField(max_length=20, help_text="送达方式（如 当面送达、邮寄）")


# --- appointments (R-CASE-13) ---------------------------------------------------------------------------


class AppointmentBookSerializer(serializers.Serializer):
    window = serializers.CharField(max_length=10, help_text="窗口号")
    item = serializers.CharField(
        max_length=40, required=False, allow_null=True, default=None, help_text="事项编号"
    )
    applicant_name = serializers.CharField(max_length=100)
    applicant_phone = serializers.CharField(max_length=40)
    starts_at = BoundedDateTimeField(help_text="预约时间（可在工作时间以外）")


class AppointmentBookedSerializer(serializers.Serializer):
    """What the booker gets back: the booking, without their own personal data."""

    id = serializers.IntegerField()
    center = serializers.CharField(source="center.code")
    window = WindowRefSerializer()
    item = serializers.CharField(source="item.code", allow_null=True, default=None)
    starts_at = serializers.DateTimeField()
    outside_hours = serializers.BooleanField(help_text="在工作时间以外")
    appointment_status = serializers.CharField(source="status", help_text=_values(AppointmentStatus.choices))


class AppointmentSerializer(AppointmentBookedSerializer):
    applicant_name = serializers.CharField()
    applicant_phone = serializers.CharField(help_text="隐去中间四位")
    case = serializers.IntegerField(source="case_id", allow_null=True)
    served_from = serializers.DateTimeField(allow_null=True)
    served_until = serializers.DateTimeField(allow_null=True)
    late_service_minutes = serializers.IntegerField(help_text="延时服务分钟数")
    served_by = StaffRefSerializer(allow_null=True)


class AppointmentQuery(serializers.Serializer):
    day = BoundedDateField(required=False, help_text="日期；不填为今天")
    window = serializers.CharField(
        max_length=10, required=False, help_text="窗口号；不填为本人工作的全部窗口"
    )


class AppointmentServeSerializer(serializers.Serializer):
    served_from = BoundedDateTimeField()
    served_until = BoundedDateTimeField()
    case = _id("形成的办件（id，可不填）", required=False)


# --- the public progress lookup (R-PUB-2) ---------------------------------------------------------------


class ProgressQuerySerializer(serializers.Serializer):
    center = serializers.SlugField(max_length=40, help_text="中心代码")
    number = serializers.CharField(max_length=40, help_text="办件编号（受理通知书上）")
    query_code = serializers.CharField(max_length=12, help_text="查询码（受理通知书上）")


class ProgressSerializer(serializers.Serializer):
    """The public view of a case: state, dates, deadline; nothing personal."""

    number = serializers.CharField()
    item_name = serializers.CharField()
    state = serializers.CharField(help_text=_values(CaseState.choices))
    state_label = serializers.CharField()
    received_on = serializers.DateField()
    accepted_on = serializers.DateField(allow_null=True)
    deadline = serializers.DateField(allow_null=True)
    deadline_provisional = serializers.BooleanField()
    suspended = serializers.BooleanField()
    decided_on = serializers.DateField(allow_null=True)
    delivered_on = serializers.DateField(allow_null=True)
