"""The forms of the window workbench: inquiries, receiving an application.

They parse input only; the services (`cases.services.intake`, `cases.services.handling`) check the rules.
"""

from __future__ import annotations

from collections.abc import Iterable
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
