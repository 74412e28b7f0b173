"""Input forms of the calendar page. They parse input only; the rules live in `workdays.services`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import DayKind

MAX_FILE_BYTES = 64 * 1024
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("年份"), min_value=1990, max_value=2100)


class CalendarDayForm(forms.Form):
    """One centre-level exception: a local holiday or an extra working day."""

    day = forms.DateField(label=_("日期"), widget=DATE_INPUT)
    kind = forms.ChoiceField(label=_("类别"), choices=DayKind.choices)
    name = forms.CharField(label=_("名称"), max_length=60, required=False, help_text=_("如：地方节日、调休"))
    reason = forms.CharField(label=_("依据或原因"), max_length=300, required=False)


class CalendarUploadForm(forms.Form):
    """A year's schedule as a text file (docs/calendar-format.md)."""

    SCOPES = [("center", _("本中心")), ("national", _("全国（仅系统管理员）"))]

    file = forms.FileField(label=_("日历文件"), help_text=_("UTF-8 文本，每行“日期,类别,名称”"))
    year = forms.IntegerField(
        label=_("年份"), min_value=1990, max_value=2100, required=False, help_text=_("留空则取文件中的年份")
    )
    scope = forms.ChoiceField(label=_("适用范围"), choices=SCOPES, initial="center")
    source = forms.CharField(label=_("来源"), max_length=200, help_text=_("如：国办发明电〔2026〕X号"))

    def clean_file(self) -> str:
        """The file's text (the form hands on text, not the upload)."""
        upload: Any = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("文件过大（最多 64 KB）。"))
        try:
            return str(upload.read().decode("utf-8"))
        except UnicodeDecodeError:
            raise forms.ValidationError(_("文件须为 UTF-8 编码的文本。")) from None


class CalculatorForm(forms.Form):
    """Start date + N working days -> deadline."""

    start = forms.DateField(label=_("受理日期"), widget=DATE_INPUT)
    days = forms.IntegerField(label=_("时限（工作日）"), min_value=0, max_value=3650)
