"""The forms of the window workbench: inquiries, receiving an application.

They parse input only; the services (`cases.services.intake`, `cases.services.handling`) check the rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from cases.models import Channel, InquiryOutcome, ReferralMode
from cases.services.intake import APPLICANT_MAX
from catalog.models import Item, Material
from org.models import StaffProfile, Window

UPLOAD_PREFIX = "upload_"


class _ItemChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        version = obj.current_version
        return f"{obj.code} {version.name if version else ''}".strip()


class _StaffChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.title}）" if obj.title else str(obj.name)


def _window_field(windows: list[Window], *, label: Any = None) -> forms.ModelChoiceField:
    """A choice of the staff member's windows; hidden when there is only one."""
    queryset = Window.objects.filter(pk__in=[w.pk for w in windows]).order_by("number", "pk")
    field = forms.ModelChoiceField(label=label or _("窗口"), queryset=queryset, empty_label=None)
    if len(windows) == 1:
        field.widget = forms.HiddenInput()
    return field


# --- inquiries (R-CASE-1) -----------------------------------------------------------------------------------


class InquiryForm(forms.Form):
    """Log an inquiry; the signed-in staff member is its first receiver (首问责任人)."""

    window = forms.ModelChoiceField(label=_("窗口"), queryset=Window.objects.none(), empty_label=None)
    channel = forms.ChoiceField(label=_("渠道"), choices=Channel.choices, initial=Channel.WINDOW)
    question = forms.CharField(label=_("咨询内容"), widget=forms.Textarea(attrs={"rows": 3}))
    asker_name = forms.CharField(label=_("咨询人"), max_length=60, required=False)
    asker_phone = forms.CharField(label=_("联系电话"), max_length=40, required=False)
    item = _ItemChoice(
        label=_("涉及事项"), queryset=Item.objects.none(), required=False, empty_label=_("— 不涉及具体事项 —")
    )

    def __init__(self, *args: Any, windows: list[Window], items: QuerySet[Item], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["window"] = _window_field(windows)
        self.fields["item"].queryset = items  # type: ignore[attr-defined]
        self.order_fields(["window", "channel", "question", "asker_name", "asker_phone", "item"])


class InquiryHandleForm(forms.Form):
    """Close the inquiry as handled. "Accepted" names the case it became (its number)."""

    outcome = forms.ChoiceField(label=_("办理结果"), choices=[("", _("— 请选择 —")), *InquiryOutcome.choices])
    answer = forms.CharField(
        label=_("答复或理由"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )
    case_number = forms.CharField(
        label=_("形成的办件编号"),
        max_length=40,
        required=False,
        help_text=_("结果为“材料齐全，已受理”时填写；未编号的办件填写“#”加内部编号。"),
    )


class InquiryReferForm(forms.Form):
    to_window = forms.ModelChoiceField(label=_("转至窗口"), queryset=Window.objects.none())
    mode = forms.ChoiceField(label=_("转办方式"), choices=ReferralMode.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("说明"), max_length=500, required=False)

    def __init__(self, *args: Any, windows: QuerySet[Window], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["to_window"].queryset = windows  # type: ignore[attr-defined]


class InquiryEscalateForm(forms.Form):
    leader = _StaffChoice(label=_("上报领导"), queryset=StaffProfile.objects.none())
    reason = forms.CharField(label=_("上报原因"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def __init__(self, *args: Any, leaders: QuerySet[StaffProfile], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["leader"].queryset = leaders  # type: ignore[attr-defined]


class EmptyForm(forms.Form):
    """An action without input (acknowledging a referral, recording a no-show)."""


# --- receiving an application (R-CASE-2) ------------------------------------------------------------------


class ItemPickForm(forms.Form):
    """Step one of receiving: the window and the item (a GET form)."""

    window = forms.ModelChoiceField(label=_("收件窗口"), queryset=Window.objects.none(), empty_label=None)
    item = _ItemChoice(label=_("申请事项"), queryset=Item.objects.none(), empty_label=_("— 请选择事项 —"))

    def __init__(self, *args: Any, windows: list[Window], items: QuerySet[Item], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["window"] = _window_field(windows, label=_("收件窗口"))
        self.fields["item"].queryset = items  # type: ignore[attr-defined]
        self.order_fields(["window", "item"])


class ReceiveForm(forms.Form):
    """The applicant, and optionally one uploaded file per checklist material (`upload_<material id>`)."""

    channel = forms.ChoiceField(
        label=_("申请方式"),
        choices=[(Channel.WINDOW.value, Channel.WINDOW.label), (Channel.WEB.value, Channel.WEB.label)],
        initial=Channel.WINDOW,
    )
    name = forms.CharField(label=_("申请人姓名或名称"), max_length=APPLICANT_MAX["name"])
    id_number = forms.CharField(label=_("证件号码"), max_length=APPLICANT_MAX["id_number"], required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=APPLICANT_MAX["phone"], required=False)
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    organisation_name = forms.CharField(
        label=_("申请单位"), max_length=APPLICANT_MAX["organisation_name"], required=False
    )
    credit_code = forms.CharField(
        label=_("统一社会信用代码"), max_length=APPLICANT_MAX["credit_code"], required=False
    )
    in_development_zone = forms.BooleanField(label=_("开发区企业"), required=False)

    APPLICANT_KEYS = (
        "name",
        "id_number",
        "phone",
        "email",
        "organisation_name",
        "credit_code",
        "in_development_zone",
    )

    def __init__(self, *args: Any, materials: Iterable[Material], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.materials = list(materials)
        for material in self.materials:
            self.fields[f"{UPLOAD_PREFIX}{material.pk}"] = forms.FileField(
                label=material.name,
                required=False,
                help_text=_("可选；PDF、JPG或PNG文件，每份不超过10MB。"),
                widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
            )

    def applicant(self) -> dict[str, Any]:
        return {key: self.cleaned_data.get(key) for key in self.APPLICANT_KEYS}

    def uploads(self) -> dict[int, UploadedFile]:
        """The files given, by material id."""
        return {
            material.pk: upload
            for material in self.materials
            if (upload := self.cleaned_data.get(f"{UPLOAD_PREFIX}{material.pk}"))
        }

    def applicant_fields(self) -> list[forms.BoundField]:
        return [self[key] for key in ("channel", *self.APPLICANT_KEYS)]

    def upload_fields(self) -> list[forms.BoundField]:
        return [self[f"{UPLOAD_PREFIX}{m.pk}"] for m in self.materials]


# --- finding any case (issue 9, item 9) ----------------------------------------------------------------------


SEARCH_FIRST_DAY = date(
    1900, 1, 1
)  # dates outside these are typing mistakes (and past what the clock computes)
SEARCH_LAST_DAY = date(2199, 12, 31)


def _date_field(label: Any) -> forms.DateField:
    widget = forms.DateInput(attrs={"type": "date", "aria-label": label})
    return forms.DateField(label=label, required=False, widget=widget)


class CaseSearchForm(forms.Form):
    """The search of `cases.selectors.search` (a GET form): every field may stay empty. The centre is a choice
    only for a user who sees several; the windows and items are the centre's."""

    center = forms.ChoiceField(label=_("中心"), required=False)
    number = forms.CharField(
        label=_("办件编号"),
        max_length=40,
        required=False,
        help_text=_("完整编号或开头部分；未编号的填“#内部编号”"),
    )
    applicant = forms.CharField(
        label=_("申请人或单位"), max_length=100, required=False, help_text=_("名称的开头部分")
    )
    id_number = forms.CharField(
        label=_("证件号码"),
        max_length=APPLICANT_MAX["id_number"],
        required=False,
        help_text=_("完整号码；查询将记入个人信息查看记录"),
    )
    credit_code = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=APPLICANT_MAX["credit_code"],
        required=False,
        help_text=_("完整代码"),
    )
    item = forms.ChoiceField(label=_("事项"), required=False)
    state = forms.ChoiceField(label=_("状态"), required=False)
    window = forms.ChoiceField(label=_("窗口"), required=False)
    warning = forms.ChoiceField(label=_("预警"), required=False)
    received_from = _date_field(_("收件日期从"))
    received_to = _date_field(_("收件日期至"))
    accepted_from = _date_field(_("受理日期从"))
    accepted_to = _date_field(_("受理日期至"))
    deadline_from = _date_field(_("办结期限从"))
    deadline_to = _date_field(_("办结期限至"))
    sort = forms.ChoiceField(label=_("排序"), required=False, widget=forms.HiddenInput)
    page = forms.IntegerField(
        label=_("页码"), required=False, min_value=1, max_value=10_000, widget=forms.HiddenInput
    )

    RANGES = (
        ("received_from", "received_to"),
        ("accepted_from", "accepted_to"),
        ("deadline_from", "deadline_to"),
    )
    FILTERS = (
        "number",
        "applicant",
        "id_number",
        "credit_code",
        "item",
        "state",
        "window",
        "warning",
        "received_from",
        "received_to",
        "accepted_from",
        "accepted_to",
        "deadline_from",
        "deadline_to",
    )

    def __init__(
        self,
        *args: Any,
        centers: list[tuple[str, str]],
        items: list[tuple[str, str]],
        windows: list[tuple[str, str]],
        states: list[tuple[str, Any]],
        warnings: list[tuple[str, Any]],
        sorts: Iterable[str],
        **kw: Any,
    ) -> None:
        super().__init__(*args, **kw)
        every = ("", _("全部"))
        self.fields["center"].choices = centers  # type: ignore[attr-defined]
        if len(centers) <= 1:
            self.fields["center"].widget = forms.HiddenInput()
        self.fields["item"].choices = [every, *items]  # type: ignore[attr-defined]
        self.fields["window"].choices = [every, *windows]  # type: ignore[attr-defined]
        self.fields["state"].choices = [every, *states]  # type: ignore[attr-defined]
        self.fields["warning"].choices = [every, *warnings]  # type: ignore[attr-defined]
        self.fields["sort"].choices = [(s, s) for s in sorts]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in (name for pair in self.RANGES for name in pair):
            if data.get(name) and not SEARCH_FIRST_DAY <= data[name] <= SEARCH_LAST_DAY:
                self.add_error(name, _("日期须在1900年至2199年之间。"))
                data.pop(name, None)
        for start, end in self.RANGES:
            if data.get(start) and data.get(end) and data[start] > data[end]:
                self.add_error(end, _("结束日期不能早于开始日期。"))
        return data

    def filter_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.FILTERS]

    def single_fields(self) -> list[forms.BoundField]:
        """The filters of one field each (the text and the choices), in order."""
        ranged = {name for pair in self.RANGES for name in pair}
        return [self[name] for name in self.FILTERS if name not in ranged]

    def date_ranges(self) -> list[tuple[Any, forms.BoundField, forms.BoundField]]:
        """(label, start, end) of each range of days."""
        labels = (_("收件日期"), _("受理日期"), _("办结期限"))
        return [
            (label, self[start], self[end]) for label, (start, end) in zip(labels, self.RANGES, strict=True)
        ]

    def hidden(self) -> list[forms.BoundField]:
        return [self[name] for name in ("center", "sort") if self[name].is_hidden]
