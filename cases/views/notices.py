"""Printable notices (issue 3, item 7): each numbered notice as an A4 HTML page and as a PDF with the
embedded Chinese font. The notice's `body` keeps what it said when it was issued, so a reprint is identical."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import URLPattern, path
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from common.errors import NotFound
from portal.pdf import render_pdf

from ..access import case_for_user
from ..models import Notice

TEMPLATE = "cases/notices/notice.html"


def _notice_context(request: HttpRequest, pk: int, *, for_pdf: bool) -> dict[str, Any]:
    notice = Notice.objects.select_related("case", "issued_by").filter(pk=pk).first()
    if notice is None:
        raise NotFound()
    case = case_for_user(request.user, notice.case_id)  # the notice is seen by those who see its case
    body = dict(notice.body)
    return {
        "notice": notice,
        "case": case,
        "body": body,
        "materials": body.get("materials") or [],
        "for_pdf": for_pdf,
    }


@login_required
@require_GET
def notice_print(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, TEMPLATE, _notice_context(request, pk, for_pdf=False))


@login_required
@require_GET
def notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    context = _notice_context(request, pk, for_pdf=True)
    data = render_pdf(render_to_string(TEMPLATE, context))
    response = HttpResponse(data, content_type="application/pdf")
    disposition = content_disposition_header(False, f"{context['notice'].number}.pdf")
    response["Content-Disposition"] = disposition or "inline"
    return response


urlpatterns: list[URLPattern] = [
    path("notices/<int:pk>/", notice_print, name="notice_print"),
    path("notices/<int:pk>/pdf/", notice_pdf, name="notice_pdf"),
]
