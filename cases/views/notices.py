"""Printable notices (issue 3, item 7): each numbered notice as an A4 HTML page and as a PDF with the embedded
Chinese font, and the page where a centre adjusts its notice texts. The notice's facts come from its `body`
and the centre's texts in force when it was issued, so a reprint is the same document (`cases.notices`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from common.errors import NotFound, PermissionDenied, RuleViolation
from common.i18n import stored
from org.access import center_for, has_role
from org.models import Center

from .. import notices
from ..access import can_see_applicant, case_for_user, log_applicant_access
from ..models import Notice, NoticeKind
from ..services import notice_texts

TEMPLATES_PAGE = "cases/notices/templates.html"


# --- one notice ---------------------------------------------------------------------------------------------


def _notice_document(request: HttpRequest, pk: int) -> tuple[Notice, notices.Document]:
    """The notice `pk` if the user sees its case (else 404), and its document. The applicant's name is on
    every notice (it is addressed to them); the ID number only for those who may see it, and that is logged."""
    notice = Notice.objects.filter(pk=pk).first()
    if notice is None:
        raise NotFound()
    case = case_for_user(request.user, notice.case_id)
    notice.case = case
    notice.center = case.center
    id_number = ""
    if case.applicant_id_number and can_see_applicant(request.user, case):
        id_number = case.applicant_id_number
        log_applicant_access(
            user=request.user,
            case=case,
            purpose=stored(gettext_lazy("打印文书 %(number)s")) % {"number": notice.number},
        )
    return notice, notices.notice_document(
        notice, applicant_id_number=id_number, base_url=notices.site_url(request)
    )


@login_required
@require_GET
def notice_print(request: HttpRequest, pk: int) -> HttpResponse:
    notice, document = _notice_document(request, pk)
    return HttpResponse(notices.document_html(document, for_pdf=False, notice=notice))


@login_required
@require_GET
def notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    notice, document = _notice_document(request, pk)
    response = HttpResponse(notices.document_pdf(document), content_type="application/pdf")
    filename = _("%(number)s-%(title)s.pdf") % {"number": notice.number, "title": document.title}
    response["Content-Disposition"] = content_disposition_header(False, filename) or "inline"
    return response


# --- a centre's texts -----------------------------------------------------------------------------------------


class NoticeTemplateForm(forms.Form):
    kind = forms.ChoiceField(choices=NoticeKind.choices, widget=forms.HiddenInput)
    title = forms.CharField(label=gettext_lazy("标题"), max_length=notices.TITLE_MAX, required=False)
    opening = forms.CharField(
        label=gettext_lazy("开头段落"),
        max_length=notices.TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    closing = forms.CharField(
        label=gettext_lazy("结尾段落（如联系方式、救济途径的补充说明）"),
        max_length=notices.TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    footer = forms.CharField(
        label=gettext_lazy("落款（发文机关、印章）"),
        max_length=notices.TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # An empty field means the default text, shown greyed as the field's placeholder.
        for name, text in notices.default_texts(kind).items():
            self.fields[name].widget.attrs["placeholder"] = text
            self.fields[name].help_text = _("留空则使用默认文字。")


def _kind(value: str | None) -> str | None:
    return value if value in NoticeKind.values else None


def _page_url(center: Center, **params: str) -> str:
    return f"{reverse('cases:notice_templates')}?{urlencode({'center': center.code, **params})}"


def _templates_context(
    request: HttpRequest, center: Center, kind: str | None, **extra: Any
) -> dict[str, Any]:
    rows = []
    for value, label in NoticeKind.choices:
        texts = notices.notice_texts(center, value)
        rows.append(
            {
                "kind": value,
                "label": label,
                "rule": notices.NOTICE_RULES[value],
                "texts": texts,
                "edit_url": _page_url(center, kind=value),
                "preview_url": _page_url(center, preview=value),
            }
        )
    form = extra.pop("form", None)
    if form is None and kind is not None:
        current = notices.notice_template_in_force(center, kind)
        initial: dict[str, Any] = {"kind": kind}
        if current is not None:
            initial |= {name: getattr(current, name) for name in notices.TEXT_FIELDS}
        form = NoticeTemplateForm(initial=initial, kind=kind)
    return {
        "center": center,
        "rows": rows,
        "kind": kind,
        "kind_label": NoticeKind(kind).label if kind else "",
        "form": form,
        "form_url": _page_url(center, kind=kind) if kind else "",
        "can_edit": has_role(request.user, center, notices.EDIT_ROLES),
        "placeholders": list(notices.PLACEHOLDERS.items()),
        "versions": notices.notice_template_history(center),
        "refusal": None,
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def notice_templates(request: HttpRequest) -> HttpResponse:
    """A centre's notice texts: the kinds with the texts in force, an editor per kind (office and system
    administrators), a sample notice to preview them, and every earlier version."""
    center = center_for(request.user, request.GET.get("center") or None)
    if request.method == "GET":
        preview = _kind(request.GET.get("preview"))
        if preview is not None:
            document = notices.sample_document(center, preview, base_url=notices.site_url(request))
            html = notices.document_html(document, for_pdf=False, back_url=_page_url(center, kind=preview))
            return HttpResponse(html)
        kind = _kind(request.GET.get("kind"))
        return render(request, TEMPLATES_PAGE, _templates_context(request, center, kind))

    kind = _kind(request.POST.get("kind"))
    if kind is None:
        return render(request, TEMPLATES_PAGE, _templates_context(request, center, None), status=400)
    actor = getattr(request.user, "staff_profile", None)
    if actor is None:
        raise PermissionDenied()
    form = NoticeTemplateForm(request.POST, kind=kind)
    if not form.is_valid():
        return render(request, TEMPLATES_PAGE, _templates_context(request, center, kind, form=form))
    try:
        notice_texts.notice_template_set(
            actor=actor,
            center=center,
            kind=kind,
            title=form.cleaned_data["title"],
            opening=form.cleaned_data["opening"],
            closing=form.cleaned_data["closing"],
            footer=form.cleaned_data["footer"],
        )
    except RuleViolation as exc:
        return render(
            request, TEMPLATES_PAGE, _templates_context(request, center, kind, form=form, refusal=exc)
        )
    messages.success(
        request,
        _("已保存“%(kind)s”的文字，自现在起出具的文书使用新文字。") % {"kind": NoticeKind(kind).label},
    )
    return redirect(_page_url(center, kind=kind))


urlpatterns: list[URLPattern] = [
    path("notices/<int:pk>/", notice_print, name="notice_print"),
    path("notices/<int:pk>/pdf/", notice_pdf, name="notice_pdf"),
    path("notices/templates/", notice_templates, name="notice_templates"),
]
