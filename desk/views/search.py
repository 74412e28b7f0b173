"""Finding any case (issue 9, item 9): the staff page `/staff/cases/search/` and its spreadsheet export.

A GET form (it works without scripts; with htmx only the results are replaced and the address follows) over
`cases.selectors.search`, which scopes the cases to the user's centre and role and bounds every page and count.
Searching by the applicant's ID number is reserved to those who may see applicants (the staff of the case's
window, the director) and every case it shows or exports is written to the personal-data access log.

The export writes the current list — every page of it, in the same order — to an .xlsx file (openpyxl, write
only), at most `EXPORT_LIMIT` rows; the file's second sheet says what was searched and whether rows were left
out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_htmx.http import HttpResponseClientRedirect

from cases.models import CaseState, Warning
from cases.selectors import search
from cases.selectors.search import CaseFilter
from org.access import center_for, visible_centers
from org.models import Center

from .. import exports
from ..forms import CaseSearchForm

# The columns a list may be sorted by, with the sort each header link asks first.
SORTABLE = {"number": "number", "received": "-received", "accepted": "-accepted", "deadline": "deadline"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Search:
    center: Center
    form: CaseSearchForm
    criteria: CaseFilter | None  # None when the form is invalid
    status: int = 200


def _state_choices() -> list[tuple[str, Any]]:
    return [(search.OPEN, _("办理中（未办结）")), (search.CLOSED, _("已办结（含归档）")), *CaseState.choices]


def _warning_choices() -> list[tuple[str, Any]]:
    return [
        (Warning.GREEN.value, _("正常")),
        (Warning.YELLOW.value, _("预警（临近期限）")),
        (Warning.RED.value, _("超时（已逾期未办结）")),
        (Warning.SUSPENDED.value, _("暂停计时")),
        (search.LATE, _("曾逾期（含逾期办结）")),
    ]


def _parse(request: HttpRequest) -> Search:
    """The centre (a code the user may see, else 404; their own by default) and the bound form."""
    center = center_for(request.user, request.GET.get("center") or None)
    centers = list(visible_centers(request.user))
    given: QueryDict | None = None
    if request.GET:
        given = request.GET.copy()
        given.setdefault("center", center.code)  # the centre shown, when the address names none
    form = CaseSearchForm(
        given,
        initial={"center": center.code, "sort": search.DEFAULT_SORT},
        centers=[(c.code, c.name) for c in centers] or [(center.code, center.name)],
        items=[(item.code, str(item)) for item in search.searchable_items(center)],
        windows=[(w.number, str(w)) for w in search.searchable_windows(request.user, center)],
        states=_state_choices(),
        warnings=_warning_choices(),
        sorts=search.SORTS,
    )
    if not form.is_bound:
        return Search(center, form, CaseFilter())
    if not form.is_valid():
        return Search(center, form, None, status=400)
    data: dict[str, Any] = form.cleaned_data
    if data["id_number"].strip() and not search.may_search_id_number(request.user, center):
        form.add_error(
            "id_number",
            _("您无权按证件号码查找办件：申请人的证件信息只有办件所在窗口的工作人员和中心主任可以查看。"),
        )
        return Search(center, form, None, status=403)
    values = {name: data[name] for name in CaseSearchForm.FILTERS}
    return Search(center, form, CaseFilter(**values, sort=data["sort"] or search.DEFAULT_SORT))


def _query(form: CaseSearchForm, **extra: Any) -> str:
    """The search's query string (the non-empty values given), with `extra` in place."""
    skipped = {"page", "sort", *extra}
    given = form.data.items() if form.is_bound else []
    pairs = [(name, value) for name, value in given if value and name not in skipped]
    pairs += [(name, value) for name, value in extra.items() if value]
    return urlencode(pairs)


def _sort_links(form: CaseSearchForm, current: str) -> dict[str, dict[str, str]]:
    """Per sortable column: the link that sorts by it (reversing it when it is the current order) and the
    arrow showing the current order."""
    links = {}
    for column, first in SORTABLE.items():
        key = first.lstrip("-")
        if current == key:
            wanted, arrow = f"-{key}", "↑"
        elif current == f"-{key}":
            wanted, arrow = key, "↓"
        else:
            wanted, arrow = first, ""
        links[column] = {"url": f"{reverse('desk:case_search')}?{_query(form, sort=wanted)}", "arrow": arrow}
    return links


def _htmx(request: HttpRequest) -> bool:
    details = getattr(request, "htmx", None)
    return bool(details) and not details.boosted  # type: ignore[union-attr]


@login_required
@require_GET
def case_search(request: HttpRequest) -> HttpResponse:
    """Search the cases of the centre the user sees; the results only when htmx asks for them."""
    found = _parse(request)
    today = timezone.localdate()
    context: dict[str, Any] = {
        "form": found.form,
        "center": found.center,
        "today": today,
        "page_size": search.PAGE_SIZE,
        "count_limit": search.COUNT_LIMIT,
        "export_limit": search.EXPORT_LIMIT,
        "results": None,
    }
    if found.criteria is not None:
        criteria = found.criteria
        page_number = (found.form.cleaned_data.get("page") or 1) if found.form.is_bound else 1
        results = search.search_cases(request.user, found.center, criteria, today=today, page=page_number)
        if criteria.id_number.strip():
            search.log_id_number_search(
                user=request.user, center=found.center, case_ids=[row.pk for row in results.rows]
            )
        sorted_query = _query(found.form, sort=criteria.sort)
        context.update(
            results=results,
            sort=criteria.sort,
            sort_links=_sort_links(found.form, criteria.sort),
            page_url=f"{reverse('desk:case_search')}?{sorted_query}",
            export_url=f"{reverse('desk:case_search_export')}?{sorted_query}",
        )
    if not _htmx(request):
        return render(request, "desk/case_search.html", context, status=found.status)
    if found.status != 200:  # htmx swaps no error answer: the whole page shows the form with its errors
        return HttpResponseClientRedirect(request.get_full_path())
    return render(request, "desk/case_search_results.html", {**context, "partial": True})


@login_required
@require_GET
def case_search_export(request: HttpRequest) -> HttpResponseBase:
    """The current list as an .xlsx file (at most EXPORT_LIMIT rows, the same order as the page)."""
    found = _parse(request)
    if found.criteria is None:
        context = {"form": found.form, "center": found.center, "results": None}
        return render(request, "desk/case_search.html", context, status=found.status)
    today = timezone.localdate()
    rows, truncated = search.export_cases(request.user, found.center, found.criteria, today=today)
    if found.criteria.id_number.strip():
        search.log_id_number_search(
            user=request.user, center=found.center, case_ids=[row.pk for row in rows], export=True
        )
    workbook = exports.cases_workbook(
        rows,
        truncated=truncated,
        center=found.center,
        conditions=exports.conditions_of(found.form),
        at=timezone.localtime(),
    )
    filename = _("办件查询-%(day)s.xlsx") % {"day": f"{today:%Y%m%d}"}
    return FileResponse(workbook, as_attachment=True, filename=filename, content_type=XLSX)


urlpatterns: list[URLPattern] = [
    path("cases/search/", case_search, name="case_search"),
    path("cases/search/export/", case_search_export, name="case_search_export"),
]
