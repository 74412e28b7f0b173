"""The forms of the hall's staff pages: serving an appointment, choosing a day. They parse input only; the
services (`hall.services`) check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class _LocalDateTime(forms.DateTimeField):
    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL)

    def __init__(self, **kw: Any) -> None:
        kw.setdefault("input_formats", [DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"])
        super().__init__(**kw)


class AppointmentServeForm(forms.Form):
    served_from = _LocalDateTime(label=_("开始办理"))
    served_until = _LocalDateTime(label=_("办理结束"))
    case_number = forms.CharField(label=_("办件编号"), max_length=40, required=False)


class DayForm(forms.Form):
    day = forms.DateField(
        label=_("日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
