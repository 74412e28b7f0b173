"""The forms of the case page: one per action (named in the action's declaration, `cases.actions`). They parse
input only; the services check the rules."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from catalog.models import Fee, Material, SpecialProcedureKind
from org.models import StaffProfile

from .models import Case, CaseMaterial, DeliveryMethod, MaterialStatus
from .selectors.intake import case_checklist

MAX_SMALL = 32767


class RevisionForm(forms.Form):
    """The revision of the case the page showed (hidden in every action form): a stale page is a conflict."""

    revision = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class ActionForm(forms.Form):
    """The input of one action on a case. Every action's form is built the same way, with the case and what
    the page has read of it already (`facts`, e.g. the checklist); `values()` is what the service takes besides
    the actor, the case (or the row acted on) and the revision."""

    is_checklist = False

    def __init__(self, *args: Any, case: Case, facts: Mapping[str, Any] | None = None, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.case = case

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class CheckForm(ActionForm):
    """The result of the check of each checklist material: `status_<id>` and `note_<id>`."""

    STATUS_CHOICES = [("", _("— 未审查 —")), *MaterialStatus.choices]
    is_checklist = True  # the page shows it as a table, one row per material

    def __init__(self, *args: Any, case: Case, facts: Mapping[str, Any] | None = None, **kw: Any) -> None:
        super().__init__(*args, case=case, **kw)
        rows = (facts or {}).get("checklist")
        if rows is None:
            rows = case_checklist(case)
        materials: list[Material] = [row.material for row in rows]
        checks: dict[int, CaseMaterial] = {
            row.material.pk: row.check for row in rows if row.check is not None
        }
        self.materials = materials
        for material in materials:
            check = checks.get(material.pk)
            status = forms.ChoiceField(
                label=material.name,
                choices=self.STATUS_CHOICES,
                required=False,
                initial=check.status if check else "",
            )
            note = forms.CharField(
                label=_("说明"), max_length=300, required=False, initial=check.note if check else ""
            )
            # The table shows the material's name as the select's label; the note field is named for screen
            # readers. A note belongs to the result it explains: changing the result clears it on the page
            # (static/js/govhall.js), as the service does for a note sent back unchanged with a new result.
            note.widget.attrs["aria-label"] = gettext("“%(name)s”的说明") % {"name": material.name}
            if isinstance(self.auto_id, str) and "%s" in self.auto_id:
                status.widget.attrs["data-clears"] = self.auto_id % f"note_{material.pk}"
            self.fields[f"status_{material.pk}"] = status
            self.fields[f"note_{material.pk}"] = note

    def rows(self) -> list[tuple[Material, forms.BoundField, forms.BoundField]]:
        return [(m, self[f"status_{m.pk}"], self[f"note_{m.pk}"]) for m in self.materials]

    def values(self) -> dict[str, Any]:
        """The results by material id, (status, note), for the materials given a result."""
        data = self.cleaned_data
        results = {
            m.pk: (data[f"status_{m.pk}"], data.get(f"note_{m.pk}") or "")
            for m in self.materials
            if data.get(f"status_{m.pk}")
        }
        return {"results": results}


class EmptyForm(ActionForm):
    """An action without input (correction notice, resubmission, acceptance, archive, extension filing)."""


class RefuseForm(ActionForm):
    reasons = forms.CharField(label=_("不予受理理由"), widget=forms.Textarea(attrs={"rows": 3}))
    competent_authority = forms.CharField(label=_("有权受理的窗口或机关"), max_length=200)


class SuspendForm(ActionForm):
    kind = forms.ChoiceField(label=_("特别程序"))
    reason = forms.CharField(label=_("事由"), widget=forms.Textarea(attrs={"rows": 2}))
    expected_days = forms.IntegerField(label=_("预计所需（工作日）"), min_value=1, max_value=MAX_SMALL)

    def __init__(self, *args: Any, case: Case, **kw: Any) -> None:
        super().__init__(*args, case=case, **kw)
        labels = dict(SpecialProcedureKind.choices)
        kinds = case.version.special_procedures or []
        field = self.fields["kind"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(k, labels.get(k, k)) for k in kinds]


class ResumeForm(ActionForm):
    result = forms.CharField(label=_("特别程序结果"), widget=forms.Textarea(attrs={"rows": 2}))


class ExtendForm(ActionForm):
    """An extension asked for: the head of the window's department approves it in their own login (R-CLK-5)."""

    days = forms.IntegerField(label=_("延长（工作日）"), min_value=1, max_value=MAX_SMALL)
    reason = forms.CharField(label=_("延期理由"), widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionRefuseForm(ActionForm):
    reason = forms.CharField(label=_("不予批准理由"), max_length=500)


class StepForm(ActionForm):
    opinion = forms.CharField(label=_("办理意见"), widget=forms.Textarea(attrs={"rows": 2}))


class DecideForm(ActionForm):
    decision = forms.ChoiceField(
        label=_("决定"),
        choices=[("approve", _("准予许可")), ("deny", _("不予许可"))],
        widget=forms.RadioSelect,
    )
    reasons = forms.CharField(
        label=_("理由（不予许可须填写）"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    result_number = forms.CharField(label=_("证照编号（准予许可须填写）"), max_length=80, required=False)
    result_valid_until = forms.DateField(
        label=_("证照有效期至"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    result_issuer = forms.CharField(label=_("发证机关（默认为事项所属部门）"), max_length=100, required=False)
    false_materials = forms.BooleanField(label=_("申请材料虚假"), required=False)

    def values(self) -> dict[str, Any]:
        values = dict(self.cleaned_data)
        values["approve"] = values.pop("decision") == "approve"
        return values


class FeeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        if obj.unit:
            return gettext("%(name)s（%(amount)s元/%(unit)s）") % {
                "name": obj.name,
                "amount": obj.amount,
                "unit": obj.unit,
            }
        return gettext("%(name)s（%(amount)s元）") % {"name": obj.name, "amount": obj.amount}


class PaymentForm(ActionForm):
    fee = FeeChoiceField(label=_("收费项目"), queryset=Fee.objects.none())
    quantity = forms.IntegerField(label=_("数量"), min_value=1, max_value=MAX_SMALL, initial=1)
    receipt_number = forms.CharField(label=_("票据号"), max_length=60)

    def __init__(self, *args: Any, case: Case, **kw: Any) -> None:
        super().__init__(*args, case=case, **kw)
        field = self.fields["fee"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Fee.objects.filter(version_id=case.version_id).order_by("order", "id")


class DeliverForm(ActionForm):
    method = forms.ChoiceField(label=_("送达方式"), choices=DeliveryMethod.choices)


class WithdrawForm(ActionForm):
    reason = forms.CharField(label=_("撤回原因"), widget=forms.Textarea(attrs={"rows": 2}))


class PriorityForm(ActionForm):
    reason = forms.CharField(label=_("绿色通道事由"), max_length=200)
    target_days = forms.IntegerField(
        label=_("目标时限（工作日，可不填）"), min_value=0, max_value=MAX_SMALL, required=False
    )


class _NamesOnly(ModelChoiceIterator):
    """A staff member's option as (key, name) read straight from the rows, without building a profile per option
    (a centre has hundreds): the same options as `ModelChoiceIterator`, whose label is `str(profile)`, its name."""

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for pk, name in self.queryset.values_list("pk", "name"):
            yield (ModelChoiceIteratorValue(pk, None), name)  # type: ignore[arg-type]  # no instance is built


class VisitForm(ActionForm):
    purpose = forms.CharField(label=_("来访事由"), max_length=200)
    caused_by_administration = forms.BooleanField(label=_("因行政机关原因再次来访"), required=False)
    responsible = forms.ModelChoiceField(
        label=_("责任人（两头跑时）"), queryset=StaffProfile.objects.none(), required=False
    )
    responsible.iterator = _NamesOnly

    def __init__(self, *args: Any, case: Case, **kw: Any) -> None:
        super().__init__(*args, case=case, **kw)
        field = self.fields["responsible"]
        assert isinstance(field, forms.ModelChoiceField)
        # An option shows a name: only the key and the name are read (a centre has hundreds of staff).
        field.queryset = StaffProfile.objects.filter(center_id=case.center_id, is_active=True).order_by(
            "name", "pk"
        )


class NoticeDeliveryForm(ActionForm):
    """The delivery of a notice to the applicant (correction, refusal, acceptance, special procedure, extension)."""

    method = forms.CharField(label=_("送达方式"), max_length=20, initial=_("当面送达"))


class ReportUpForm(ActionForm):
    authority = forms.CharField(label=_("上报的上级机关"), max_length=100)


class ReportReturnedForm(ActionForm):
    result = forms.CharField(
        label=_("上级机关审批结果"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
