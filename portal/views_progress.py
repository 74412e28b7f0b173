"""The public progress lookup (R-PUB-2), on the portal and on the hall's touch screen (R-PUB-4).

GET shows the form; POST looks the case up by number and query code. The answer shows the case's state, dates
and deadline and nothing personal. A wrong code and an unknown number get the same page; repeated failures
from one address are refused for 15 minutes, failures against one case number never lock it for the
applicant, and one person's failures at the hall's touch screen (an address of `KIOSK_ADDRESSES`) do not
refuse the next person (`cases.services.lookup`). The address is the client's behind trusted proxies
(`common.net.client_address`).
"""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from cases.services.lookup import PublicCaseView, case_lookup_throttled
from common.errors import RuleViolation
from common.net import client_address
from org.models import Center

from .views import KIOSK_IDLE_SECONDS, _center


class ProgressForm(forms.Form):
    number = forms.CharField(label=gettext_lazy("办件编号"), max_length=40, strip=True)
    query_code = forms.CharField(label=gettext_lazy("查询码"), max_length=12, strip=True)


def _progress(request: HttpRequest, center: Center, template: str, extra: dict) -> HttpResponse:
    found: PublicCaseView | None = None
    error = ""
    status = 200
    if request.method == "POST":
        form = ProgressForm(request.POST)
        if form.is_valid():
            try:
                found = case_lookup_throttled(
                    center=center,
                    number=form.cleaned_data["number"],
                    query_code=form.cleaned_data["query_code"],
                    client=client_address(request),
                )
            except RuleViolation as refusal:
                error, status = f"{refusal.message}（{refusal.rule}）", 429
            else:
                if found is None:
                    error = _("办件编号或查询码不正确，请核对受理通知书后重新输入。")
        else:
            error = _("请填写办件编号和查询码。")
            status = 400
        # Nothing typed is shown back: the page after a failure is the same whatever was typed.
        form = ProgressForm()
    else:
        # The QR code on an acceptance notice leads here with the case number; the code is typed by hand.
        number = request.GET.get("number", "")[:40]
        form = ProgressForm(initial={"number": number} if number else None)
    context = {"portal_center": center, "form": form, "case": found, "error": error, **extra}
    return render(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
def case_lookup(request: HttpRequest, center_code: str | None = None) -> HttpResponse:
    return _progress(request, _center(center_code), "portal/progress.html", {})


@require_http_methods(["GET", "POST"])
def kiosk_progress(request: HttpRequest, center_code: str | None = None) -> HttpResponse:
    extra = {"kiosk_idle_seconds": KIOSK_IDLE_SECONDS, "kiosk": True}
    return _progress(request, _center(center_code), "portal/kiosk/progress.html", extra)
