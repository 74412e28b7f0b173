"""A period of days asked for by `?start=&end=` on a page: one form and one reading for every page that shows
figures over dates (the supervision dashboard, joint approval's lateness by department).

Either date may be left out; a period runs from `start` to `end`, both included, at most MAX_PERIOD_DAYS long.
Left out or invalid, it is this month up to today, and the form carries the error for the page to show.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MAX_PERIOD_DAYS = 366  # the longest period a page reads: a year


class PeriodForm(forms.Form):
    """The period's two dates, both optional; in order and at most MAX_PERIOD_DAYS days."""

    start = forms.DateField(label=gettext_lazy("起始日期"), required=False)
    end = forms.DateField(label=gettext_lazy("结束日期"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError(_("结束日期不能早于起始日期。"), code="order")
            if (end - start).days + 1 > MAX_PERIOD_DAYS:
                raise forms.ValidationError(
                    _("统计期间最长 %(days)s 天。") % {"days": MAX_PERIOD_DAYS}, code="too_long"
                )
        return data


def period_of(request: HttpRequest, today: date) -> tuple[PeriodForm, date, date]:
    """The period asked for by `?start=&end=` (either may be left out), or this month up to today when it is
    left out or invalid (the form then carries the error to show)."""
    form = PeriodForm(request.GET)
    first, last = today.replace(day=1), today
    if form.is_valid():
        start, end = form.cleaned_data.get("start"), form.cleaned_data.get("end")
        if start and end:
            first, last = start, end
        elif start:
            first, last = start, min(start + timedelta(days=MAX_PERIOD_DAYS - 1), max(start, today))
        elif end:
            first, last = end.replace(day=1), end
    return form, first, last
