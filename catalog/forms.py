"""Input forms of the catalogue pages. They parse input only; the rules live in `catalog.services`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.models import fields_for_model, model_to_dict
from django.utils.translation import gettext_lazy as _

from org.models import Department, Post

from .models import ItemStatus, ItemVersion, SpecialProcedureKind
from .services import VERSION_FIELDS

TEXTAREA = forms.Textarea(attrs={"rows": 3})


class VersionForm(forms.Form):
    """A draft version's fields; field names equal the model's (the browser tests rely on them)."""

    def __init__(self, *args: Any, version: ItemVersion | None = None, **kwargs: Any) -> None:
        if version is not None and "initial" not in kwargs:
            initial = model_to_dict(version, fields=VERSION_FIELDS)
            if not version.extension_allowed and not version.max_extension_days:
                initial["max_extension_days"] = None
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        widgets: dict[str, forms.Widget | type[forms.Widget]] = dict.fromkeys(
            ("legal_basis", "content", "conditions"), TEXTAREA
        )
        self.fields.update(fields_for_model(ItemVersion, fields=VERSION_FIELDS, widgets=widgets))
        self.fields["special_procedures"] = forms.MultipleChoiceField(
            label=ItemVersion._meta.get_field("special_procedures").verbose_name,
            choices=SpecialProcedureKind.choices,
            widget=forms.CheckboxSelectMultiple,
            required=False,
        )
        self.fields["max_extension_days"].required = False
        self.fields["max_extension_days"].help_text = _("留空则取本中心默认值")


class ItemCreateForm(VersionForm):
    """A new item: its department and number, then the first draft's fields."""

    def __init__(self, *args: Any, center: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        department = forms.ModelChoiceField(
            label=_("实施部门"), queryset=Department.objects.filter(center=center, is_active=True)
        )
        code = forms.CharField(label=_("事项编号"), max_length=40, help_text=_("本中心内唯一，如 FTB-001"))
        self.fields = {"department": department, "code": code, **self.fields}


class MaterialForm(forms.Form):
    prefix = "material"  # input names stay unique beside the version form's (`material-name`)
    name = forms.CharField(label=_("材料名称"), max_length=200)
    original_count = forms.IntegerField(label=_("原件份数"), min_value=0, max_value=99, initial=1)
    copy_count = forms.IntegerField(label=_("复印件份数"), min_value=0, max_value=99, initial=0)
    is_required = forms.BooleanField(label=_("必要"), required=False, initial=True)
    condition = forms.CharField(label=_("适用情形"), max_length=200, required=False)
    notes = forms.CharField(label=_("要求"), max_length=300, required=False)
    blank_form = forms.FileField(label=_("空白表格"), required=False)
    sample = forms.FileField(label=_("填写样本"), required=False)


class FeeForm(forms.Form):
    prefix = "fee"
    name = forms.CharField(label=_("收费项目"), max_length=100)
    amount = forms.DecimalField(label=_("标准（元）"), max_digits=10, decimal_places=2, min_value=0)
    unit = forms.CharField(label=_("计费单位"), max_length=40, required=False)
    legal_basis = forms.CharField(label=_("收费依据"), max_length=300)


class StepForm(forms.Form):
    prefix = "step"
    name = forms.CharField(label=_("环节"), max_length=100)
    post = forms.ModelChoiceField(label=_("岗位"), queryset=Post.objects.none())
    description = forms.CharField(label=_("说明"), max_length=300, required=False)
    limit_days = forms.IntegerField(
        label=_("环节时限（工作日）"), min_value=0, max_value=3650, required=False
    )

    def __init__(self, *args: Any, posts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["post"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = posts.select_related("window").order_by("window__number", "name")


class PublishForm(forms.Form):
    change_note = forms.CharField(
        label=_("修订说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("取消依据"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("上级取消或调整该事项的文件"),
    )


class ItemFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=100)
    department = forms.ModelChoiceField(label=_("部门"), queryset=Department.objects.none(), required=False)
    status = forms.ChoiceField(label=_("状态"), required=False)

    def __init__(self, *args: Any, center: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["department"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Department.objects.filter(center=center).order_by("code")
        status = self.fields["status"]
        assert isinstance(status, forms.ChoiceField)
        status.choices = [("", _("全部")), *ItemStatus.choices, ("review_due", _("待年度复核"))]
