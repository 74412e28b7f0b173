"""The policy page's form. It parses input only; the type checks live in `policy.services`."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .registry import KEYS


def _key_choices() -> list[tuple[str, str]]:
    """The keys with their labels in the active language (evaluated per form, not at import)."""
    return [
        (k.key, gettext("%(label)s（%(rule)s）") % {"label": gettext(k.label), "rule": k.rule})
        for k in KEYS.values()
    ]


class PolicySetForm(forms.Form):
    key = forms.ChoiceField(label=_("参数"), choices=_key_choices)
    value = forms.CharField(
        label=_("取值"), max_length=40, help_text=_("整数、金额、时:分（08:30）、月-日（05-01）或 是/否")
    )
    effective_from = forms.DateField(
        label=_("生效日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    note = forms.CharField(label=_("依据或说明"), max_length=300, required=False)
