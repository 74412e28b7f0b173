"""Input forms of the organisation pages. They parse input only; the rules live in `org.services`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.errors import RuleViolation

from .models import (
    AbsenceKind,
    Authorization,
    AuthorizationScope,
    Center,
    Department,
    Post,
    Role,
    RoleGrant,
    Section,
    SectionKind,
    StaffProfile,
    Window,
    WindowKind,
)

TEXTAREA = forms.Textarea(attrs={"rows": 3})
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.badge_number}）"


def staff_choices(center: Center) -> Any:
    return StaffProfile.objects.filter(center=center, is_active=True).order_by("badge_number")


def show_refusal(form: forms.Form, violation: RuleViolation, field_map: dict[str, str] | None = None) -> None:
    """Put a service's refusal on the form, with its rule id, next to the field it concerns."""
    field = (field_map or {}).get(violation.field or "", violation.field)
    target = field if field in form.fields else None
    form.add_error(target, f"{violation.message}（{violation.rule}）")


class DepartmentForm(forms.Form):
    code = forms.CharField(label=_("部门代码"), max_length=40)
    name = forms.CharField(label=_("部门名称"), max_length=100)
    short_name = forms.CharField(label=_("简称"), max_length=40, required=False)
    legal_representative = forms.CharField(label=_("法定代表人"), max_length=40, required=False)
    phone = forms.CharField(label=_("电话"), max_length=40, required=False)
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not editing:
            del self.fields["is_active"]


class WindowForm(forms.Form):
    number = forms.CharField(label=_("窗口号"), max_length=10)
    name = forms.CharField(label=_("窗口名称"), max_length=100)
    kind = forms.ChoiceField(label=_("窗口类型"), choices=WindowKind.choices, initial=WindowKind.STANDING)
    department = forms.ModelChoiceField(label=_("主管部门"), queryset=Department.objects.none())
    served_departments = forms.ModelMultipleChoiceField(
        label=_("综合受理的其他部门"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("仅综合窗口填写"),
    )
    head = StaffChoiceField(label=_("窗口负责人"), queryset=StaffProfile.objects.none(), required=False)
    chief_representative = StaffChoiceField(
        label=_("首席代表"), queryset=StaffProfile.objects.none(), required=False
    )
    deputy_in_charge = StaffChoiceField(
        label=_("分管副主任"), queryset=StaffProfile.objects.none(), required=False
    )
    phone = forms.CharField(label=_("窗口电话"), max_length=40, required=False)
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, *args: Any, center: Center, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        departments = Department.objects.filter(center=center, is_active=True).order_by("code")
        self.fields["department"].queryset = departments  # type: ignore[attr-defined]
        self.fields["served_departments"].queryset = departments  # type: ignore[attr-defined]
        for name in ("head", "chief_representative", "deputy_in_charge"):
            self.fields[name].queryset = staff_choices(center)  # type: ignore[attr-defined]
        if not editing:
            del self.fields["is_active"]


class StaffForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=40)
    title = forms.CharField(label=_("职务"), max_length=60, required=False)
    badge_number = forms.CharField(label=_("工号"), max_length=20)
    duties = forms.CharField(label=_("岗位职责"), widget=TEXTAREA, required=False)
    photo = forms.ImageField(label=_("照片"), required=False)
    department = forms.ModelChoiceField(
        label=_("所属部门"), queryset=Department.objects.none(), required=False
    )
    section = forms.ModelChoiceField(label=_("所属科室"), queryset=Section.objects.none(), required=False)
    window = forms.ModelChoiceField(label=_("所在窗口"), queryset=Window.objects.none(), required=False)

    def __init__(self, *args: Any, center: Center, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(  # type: ignore[attr-defined]
            center=center, is_active=True
        ).order_by("code")
        self.fields["section"].queryset = Section.objects.filter(center=center)  # type: ignore[attr-defined]
        self.fields["window"].queryset = Window.objects.filter(  # type: ignore[attr-defined]
            center=center, is_active=True
        ).order_by("number")


class StaffCreateForm(StaffForm):
    work_phone = forms.CharField(label=_("工作电话"), max_length=40, required=False)
    username = forms.CharField(
        label=_("登录名"), max_length=150, required=False, help_text=_("留空则不开通登录")
    )
    password = forms.CharField(
        label=_("初始密码"), widget=forms.PasswordInput(render_value=False), required=False, strip=False
    )
    password_confirm = forms.CharField(
        label=_("确认密码"), widget=forms.PasswordInput(render_value=False), required=False, strip=False
    )
    roles = forms.MultipleChoiceField(
        label=_("角色"), choices=Role.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") != data.get("password_confirm"):
            self.add_error("password_confirm", _("两次输入的密码不一致。"))
        return data


class StaffEditForm(StaffForm):
    is_active = forms.BooleanField(label=_("在岗（取消则停用其账号）"), required=False)


class PhoneChangeForm(forms.Form):
    new_phone = forms.CharField(label=_("新号码"), max_length=40)
    changed_on = forms.DateField(label=_("变更日期"), widget=DATE, initial=timezone.localdate)


class RoleGrantForm(forms.Form):
    """A role for a staff member (R-ORG-1). It offers the centres the user sees, the staff member's own first.
    At which centre the user may grant is the service's rule: a centre named by its code (centres are public) is
    passed on as it is, and the service refuses one that is not the user's, with its rule id."""

    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    center = forms.CharField(label=_("授予角色的中心"), max_length=40, widget=forms.Select)
    window = forms.ModelChoiceField(
        label=_("限定窗口"),
        queryset=Window.objects.none(),
        required=False,
        help_text=_("窗口负责人、首席代表和窗口工作人员可限定于本中心的一个窗口"),
    )

    def __init__(self, *args: Any, staff: StaffProfile, centers: Iterable[Center], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        own = staff.center
        choices = [(own.code, own.name), *((c.code, c.name) for c in centers if c.pk != own.pk)]
        self.fields["center"].widget.choices = choices
        self.fields["center"].initial = own.code
        windows = Window.objects.filter(center_id=own.pk, is_active=True).order_by("number")
        self.fields["window"].queryset = windows  # type: ignore[attr-defined]

    def clean_center(self) -> Center:
        center = Center.objects.filter(code=self.cleaned_data["center"], is_active=True).first()
        if center is None:
            raise forms.ValidationError(_("没有该中心。"))
        return center


class GrantChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        where = f"{obj.center.name} {obj.window}" if obj.window_id else obj.center.name
        return f"{obj.get_role_display()}（{where}）"


class RoleRevokeForm(forms.Form):
    grant = GrantChoiceField(label=_("撤销的角色"), queryset=RoleGrant.objects.none())
    reason = forms.CharField(label=_("原因"), widget=TEXTAREA, max_length=1000)

    def __init__(self, *args: Any, grants: QuerySet[RoleGrant], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grant"].queryset = grants  # type: ignore[attr-defined]


class AbsenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=AbsenceKind.choices)
    starts_at = forms.DateTimeField(label=_("开始"), widget=DATETIME, input_formats=DATETIME_FORMATS)
    ends_at = forms.DateTimeField(label=_("结束"), widget=DATETIME, input_formats=DATETIME_FORMATS)
    reason = forms.CharField(label=_("事由"), widget=TEXTAREA, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), widget=TEXTAREA, max_length=1000)


class PostForm(forms.Form):
    """A post with its A and up to three Bs in cover order. The rule "at least one B" is the service's."""

    name = forms.CharField(label=_("岗位名称"), max_length=60)
    duties = forms.CharField(label=_("岗位职责"), widget=TEXTAREA, required=False)
    holder_a = StaffChoiceField(label=_("A角（主办）"), queryset=StaffProfile.objects.none(), required=False)
    backup_1 = StaffChoiceField(
        label=_("B角（第一顺位）"), queryset=StaffProfile.objects.none(), required=False
    )
    backup_2 = StaffChoiceField(
        label=_("B角（第二顺位）"), queryset=StaffProfile.objects.none(), required=False
    )
    backup_3 = StaffChoiceField(
        label=_("B角（第三顺位）"), queryset=StaffProfile.objects.none(), required=False
    )
    reason = forms.CharField(label=_("调整原因"), max_length=300, required=False)

    FIELD_MAP = {"backups": "backup_1"}

    def __init__(self, *args: Any, center: Center, assigning: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("holder_a", "backup_1", "backup_2", "backup_3"):
            self.fields[name].queryset = staff_choices(center)  # type: ignore[attr-defined]
        if assigning:
            del self.fields["name"]
            del self.fields["duties"]
        else:
            del self.fields["reason"]

    @property
    def backups(self) -> list[StaffProfile]:
        return [
            self.cleaned_data[n] for n in ("backup_1", "backup_2", "backup_3") if self.cleaned_data.get(n)
        ]

    @classmethod
    def initial_for(cls, post: Post, backups: list[StaffProfile]) -> dict[str, Any]:
        initial: dict[str, Any] = {"holder_a": post.holder_a_id}
        for i, b in enumerate(backups[:3], start=1):
            initial[f"backup_{i}"] = b.pk
        return initial


class TrainingForm(forms.Form):
    trainee = StaffChoiceField(label=_("受训B角"), queryset=StaffProfile.objects.none())
    trainer = StaffChoiceField(label=_("传授人"), queryset=StaffProfile.objects.none())
    held_on = forms.DateField(label=_("日期"), widget=DATE, initial=timezone.localdate)
    topic = forms.CharField(label=_("内容"), max_length=200)

    def __init__(self, *args: Any, post: Post, backups: list[StaffProfile], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"trainer": post.holder_a_id})
        super().__init__(*args, **kwargs)
        self.fields["trainee"].queryset = StaffProfile.objects.filter(  # type: ignore[attr-defined]
            pk__in=[b.pk for b in backups]
        )
        self.fields["trainer"].queryset = staff_choices(post.window.center)  # type: ignore[attr-defined]


class AuthorizationForm(forms.Form):
    department = forms.ModelChoiceField(label=_("委托部门"), queryset=Department.objects.none())
    representative = StaffChoiceField(label=_("首席代表"), queryset=StaffProfile.objects.none())
    document_number = forms.CharField(label=_("授权书文号"), max_length=60)
    signed_by = forms.CharField(label=_("法定代表人（签署人）"), max_length=40)
    scopes = forms.MultipleChoiceField(
        label=_("授权范围"),
        choices=AuthorizationScope.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    valid_from = forms.DateField(label=_("生效日期"), widget=DATE)
    valid_until = forms.DateField(label=_("截止日期"), widget=DATE)
    document = forms.FileField(label=_("授权书扫描件"), required=False)
    replaces = forms.ModelChoiceField(
        label=_("接替的授权（另行委派）"), queryset=Authorization.objects.none(), required=False
    )

    def __init__(self, *args: Any, center: Center, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(  # type: ignore[attr-defined]
            center=center, is_active=True
        ).order_by("code")
        self.fields["representative"].queryset = staff_choices(center)  # type: ignore[attr-defined]
        self.fields["replaces"].queryset = Authorization.objects.filter(  # type: ignore[attr-defined]
            center=center
        ).select_related("representative")


class SectionForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=SectionKind.choices)
    name = forms.CharField(label=_("名称"), max_length=60, required=False)
    phone = forms.CharField(label=_("电话"), max_length=40, required=False)
