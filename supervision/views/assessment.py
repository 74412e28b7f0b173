"""The monthly assessment's pages (R-ASM-1 … R-ASM-17): the month's sheet per window with its close and Excel
export, a person's month with the facts behind each deduction, the entry and correction forms, and "my
assessment" for every staff member.

Thin: reads through `supervision.selectors.assessment_month`, each write one service call of
`supervision.services.assessment`; a refusal is shown with its rule id (422) and nothing changed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from common import files
from common.errors import NotFound, PermissionDenied, RuleViolation
from common.months import parse_month, previous_month, shift_month
from common.xlsx import table_workbook, xlsx_response
from org.access import CAN_ASSESS, CAN_READ_ASSESSMENT, center_for, has_role, require_role
from org.forms import show_refusal
from org.models import Center, StaffProfile

from .. import scoring
from ..models import AssessmentCorrection, AssessmentEntry
from ..selectors.assessment_month import Sheet, assessment_sheet, award_limit, year_deducted
from ..services import assessment as services


def _month(request: HttpRequest) -> tuple[int, int]:
    """`?month=YYYY-MM`, else the previous month (the one to close)."""
    raw = request.GET.get("month") or request.POST.get("month")
    return parse_month(raw) or previous_month(timezone.localdate())


def _profile(request: HttpRequest) -> StaffProfile | None:
    return getattr(request.user, "staff_profile", None)


CATEGORY_LABELS = [(code, label) for code, _key, _rule, label in scoring.CATEGORIES]
KIND_CHOICES = [(d.code, d.label) for d in scoring.DEDUCTIONS if not d.automatic]
ALL_KIND_CHOICES = [(d.code, d.label) for d in scoring.DEDUCTIONS]


class DeductForm(forms.Form):
    code = forms.ChoiceField(label=gettext_lazy("扣分项"), choices=KIND_CHOICES)
    quantity = forms.DecimalField(
        label=gettext_lazy("次数（天数）"), initial=1, min_value=0, max_digits=4, decimal_places=1
    )
    note = forms.CharField(
        label=gettext_lazy("扣分事实"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )
    evidence = forms.FileField(label=gettext_lazy("证据（照片、记录或文件）"), required=False)


class CorrectForm(forms.Form):
    entry = forms.TypedChoiceField(
        label=gettext_lazy("更正的扣分"), coerce=int, required=False, empty_value=None
    )
    code = forms.ChoiceField(
        label=gettext_lazy("或增加扣分项"), choices=[("", "—"), *ALL_KIND_CHOICES], required=False
    )
    quantity = forms.DecimalField(
        label=gettext_lazy("更正后的次数（天数）"), initial=0, min_value=0, max_digits=4, decimal_places=1
    )
    reason = forms.CharField(
        label=gettext_lazy("更正理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )
    evidence = forms.FileField(label=gettext_lazy("证据"), required=False)

    def __init__(self, *args: Any, entries: list[AssessmentEntry], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["entry"]
        field.choices = [("", "—")] + [
            (e.pk, f"{scoring.BY_CODE[e.code].label} ×{e.quantity}（−{e.points}）") for e in entries
        ]


def _sheet_groups(sheet: Sheet) -> list[tuple[str, list[Any]]]:
    groups: dict[str, list[Any]] = {}
    for row in sheet.rows:
        window = str(row.staff.window) if row.staff.window_id else ""  # a Window, or its label (closed month)
        groups.setdefault(window, []).append(row)
    return list(groups.items())


@login_required
@require_GET
def assessment_sheet_view(request: HttpRequest) -> HttpResponseBase:
    """The month's sheet per window (closed: stored; open: a preview); `?format=xlsx` downloads it."""
    center = center_for(request.user, request.GET.get("center") or None)
    require_role(request.user, center, CAN_READ_ASSESSMENT)
    year, month = _month(request)
    today = timezone.localdate()
    sheet = assessment_sheet(center, year, month, today=today)
    if request.GET.get("format") == "xlsx":
        return _sheet_xlsx(center, sheet)
    last_day = date(year + (month == 12), month % 12 + 1, 1)
    context = {
        "center": center,
        "sheet": sheet,
        "groups": _sheet_groups(sheet),
        "categories": CATEGORY_LABELS,
        "month_param": f"{year:04d}-{month:02d}",
        "previous": shift_month(year, month, -1),
        "next": shift_month(year, month, 1),
        "may_close": sheet.closed is None
        and last_day <= today
        and has_role(request.user, center, CAN_ASSESS),
    }
    return render(request, "supervision/assessment_sheet.html", context)


def _sheet_xlsx(center: Center, sheet: Sheet) -> HttpResponseBase:
    headers = [(_("窗口"), 18.0), (_("工号"), 10.0), (_("姓名"), 10.0)]
    headers += [(str(label), 10.0) for _code, label in CATEGORY_LABELS]
    headers += [(_("得分"), 8.0), (_("考核资金（元）"), 14.0), (_("停发"), 8.0), (_("取消评先"), 10.0)]
    rows = (
        [
            str(row.staff.window) if row.staff.window_id else "",
            row.staff.badge_number,
            row.staff.name,
            *[float(value) for value in row.scores],
            float(row.total),
            float(row.fund),
            {"month": _("当月"), "quarter": _("当季")}.get(row.stops, ""),
            _("是") if row.loses_award else "",
        ]
        for row in sheet.rows
    )
    state = _("已结账") if sheet.closed else _("未结账（预览）")
    workbook, _count = table_workbook(
        title=_("%(y)s年%(m)s月考核") % {"y": sheet.year, "m": sheet.month},
        headers=headers,
        rows=rows,
        about=[(_("中心"), center.name), (_("月份"), f"{sheet.year}-{sheet.month:02d}"), (_("状态"), state),
               (_("导出时间"), timezone.now())],
    )  # fmt: skip
    return xlsx_response(workbook, _("考核表-%(y)s-%(m)02d.xlsx") % {"y": sheet.year, "m": sheet.month})


@login_required
@require_POST
def assessment_close_view(request: HttpRequest) -> HttpResponse:
    center = center_for(request.user, request.POST.get("center") or None)
    year, month = _month(request)
    target = f"{reverse('supervision:assessment_sheet')}?month={year:04d}-{month:02d}"
    try:
        closed = services.assessment_close(actor=request.user, center=center, year=year, month=month)
    except RuleViolation as violation:
        messages.error(request, f"{violation.message}（{violation.rule}）")
        return redirect(target)
    messages.success(
        request, _("%(y)s年%(m)s月考核已结账，共%(n)s人。") % {"y": year, "m": month, "n": closed.people}
    )
    return redirect(target)


def _person(request: HttpRequest, staff_id: int) -> StaffProfile:
    """The person whose month is shown: oneself, or anyone of a centre where the user reads the sheets."""
    staff = StaffProfile.objects.select_related("center", "window").filter(pk=staff_id).first()
    if staff is None:
        raise NotFound(_("没有该工作人员。"))
    mine = _profile(request)
    if mine is not None and mine.pk == staff.pk:
        return staff
    require_role(request.user, staff.center, CAN_READ_ASSESSMENT)
    return staff


def _person_context(request: HttpRequest, staff: StaffProfile, year: int, month: int) -> dict[str, Any]:
    sheet = assessment_sheet(staff.center, year, month, today=timezone.localdate(), staff_ids={staff.pk})
    row = sheet.rows[0] if sheet.rows else None
    entries = [e for e in (row.entries if row else []) if isinstance(e, AssessmentEntry)]
    corrections = (
        list(AssessmentCorrection.objects.filter(score=row.stored).select_related("corrected_by", "entry"))
        if row is not None and row.stored is not None
        else []
    )
    mine = _profile(request)
    may_assess = has_role(request.user, staff.center, CAN_ASSESS) and (mine is None or mine.pk != staff.pk)
    deducted = year_deducted(staff, year)
    limit = award_limit(staff.center, year)
    entry_rows = [
        {
            "entry": entry,
            "kind": scoring.BY_CODE[entry.code],
            "points": entry.quantity * sheet.policy.points[entry.code],
            "source": entry.get_source_display()
            if isinstance(entry, AssessmentEntry)
            else _("系统记录（预览）"),
        }
        for entry in (row.entries if row else [])
        if entry.quantity > 0
    ]
    return {
        "staff": staff,
        "sheet": sheet,
        "row": row,
        "entry_rows": entry_rows,
        "categories": CATEGORY_LABELS,
        "corrections": corrections,
        "month_param": f"{year:04d}-{month:02d}",
        "previous": shift_month(year, month, -1),
        "next": shift_month(year, month, 1),
        "may_assess": may_assess,
        "deduct_form": DeductForm() if may_assess and sheet.closed is None else None,
        "correct_form": CorrectForm(entries=entries) if may_assess and sheet.closed is not None else None,
        "year_deducted": deducted,
        "year_eligible": scoring.year_eligible([deducted], limit),
        "limit": limit,
    }


@login_required
@require_GET
def assessment_person(request: HttpRequest, staff_id: int) -> HttpResponse:
    staff = _person(request, staff_id)
    year, month = _month(request)
    return render(request, "supervision/assessment_person.html", _person_context(request, staff, year, month))


@login_required
@require_GET
def assessment_mine(request: HttpRequest) -> HttpResponse:
    """Each person's own month with the facts behind every deduction (R-ASM-16)."""
    staff = _profile(request)
    if staff is None:
        raise PermissionDenied(_("只有工作人员本人可以查看本人的考核。"))
    year, month = _month(request)
    return render(request, "supervision/assessment_person.html", _person_context(request, staff, year, month))


@login_required
@require_POST
def assessment_deduct_view(request: HttpRequest, staff_id: int) -> HttpResponse:
    staff = _person(request, staff_id)
    year, month = _month(request)
    form = DeductForm(request.POST, request.FILES)
    status = 200
    if form.is_valid():
        try:
            services.assessment_deduct(
                actor=request.user,
                staff=staff,
                year=year,
                month=month,
                code=form.cleaned_data["code"],
                quantity=form.cleaned_data["quantity"],
                note=form.cleaned_data["note"],
                evidence=form.cleaned_data.get("evidence"),
            )
        except RuleViolation as violation:
            show_refusal(form, violation)
            status = 422
        else:
            messages.success(request, _("已录入扣分。"))
            return redirect(
                f"{reverse('supervision:assessment_person', args=[staff.pk])}?month={year:04d}-{month:02d}"
            )
    else:
        status = 422
    context = _person_context(request, staff, year, month)
    context["deduct_form"] = form
    return render(request, "supervision/assessment_person.html", context, status=status)


@login_required
@require_POST
def assessment_correct_view(request: HttpRequest, staff_id: int) -> HttpResponse:
    staff = _person(request, staff_id)
    year, month = _month(request)
    context = _person_context(request, staff, year, month)
    row = context["row"]
    entries = [e for e in (row.entries if row else []) if isinstance(e, AssessmentEntry)]
    form = CorrectForm(request.POST, request.FILES, entries=entries)
    status = 422
    if form.is_valid() and row is not None and row.stored is not None:
        replaces = next((e for e in entries if e.pk == form.cleaned_data["entry"]), None)
        try:
            services.assessment_correct(
                actor=request.user,
                score=row.stored,
                reason=form.cleaned_data["reason"],
                code=form.cleaned_data["code"] or "",
                quantity=form.cleaned_data["quantity"],
                replaces=replaces,
                evidence=form.cleaned_data.get("evidence"),
            )
        except RuleViolation as violation:
            show_refusal(form, violation, {"code": "code"})
        else:
            messages.success(request, _("已更正，更正前后的得分已记录。"))
            return redirect(
                f"{reverse('supervision:assessment_person', args=[staff.pk])}?month={year:04d}-{month:02d}"
            )
    elif row is None or row.stored is None:
        form.add_error(None, _("该月尚未结账，无需更正（R-ASM-16）。"))
    context["correct_form"] = form
    return render(request, "supervision/assessment_person.html", context, status=status)


@login_required
@require_GET
def assessment_evidence(request: HttpRequest, entry_id: int) -> HttpResponseBase:
    """An entry's evidence file, for the person concerned and those who read the sheets."""
    entry = AssessmentEntry.objects.select_related("staff__center").filter(pk=entry_id).first()
    if entry is None or not entry.evidence:
        raise NotFound(_("没有该证据文件。"))
    _person(request, entry.staff_id)
    return files.serve(entry.evidence, download_name=entry.evidence_name or "evidence")
