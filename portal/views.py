"""The public portal and the hall's touch screen (R-PUB-1, R-PUB-4, R-CAT-3, R-CAT-5).

Anonymous, read-only pages. The centre comes from the URL (`/<center_code>/…`); the short URLs without a code
show the default centre (the first active top-level one). Drafts are never public: an item that was never
published is a 404, a withdrawn item shows that it is cancelled.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from typing import Any

from django import forms
from django.core.cache import cache
from django.db.models import prefetch_related_objects
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from catalog import onetime
from catalog import selectors as catalog_selectors
from catalog.models import Item, ItemStatus, ItemVersion
from common import files
from org import selectors as org_selectors
from org.models import Center
from staffing import selectors as staffing_selectors
from staffing.models import DutyKind
from workdays.selectors import calendar_for, working_hours_for
from workdays.services import is_within_working_hours

from . import selectors as portal_selectors

KIOSK_IDLE_SECONDS = 120
# The kiosk shows the same guide body as the portal, inside its own large-target layout.
KIOSK_BODIES = {
    "portal/item_guide.html": "portal/_guide_body.html",
    "portal/item_withdrawn.html": "portal/_withdrawn_body.html",
}


class SearchForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("事项名称或关键词"), max_length=100, required=False, strip=True)


def _center(center_code: str | None) -> Center:
    """The centre named in the URL (active ones only), or the default centre; otherwise 404."""
    center = (
        portal_selectors.center_by_code(center_code)
        if center_code is not None
        else portal_selectors.default_center()
    )
    if center is None:
        raise Http404(_("没有这个政务服务中心。"))
    return center


def _published_item(center: Center, item_code: str) -> Item:
    item = portal_selectors.public_item(center, item_code)
    if item is None or item.status != ItemStatus.PUBLISHED or item.current_version is None:
        raise Http404(_("没有这个事项，或它不在公开范围内。"))
    return item


def _guide_version(item: Item) -> ItemVersion:
    """The current published version with everything the guide prints, in a fixed number of queries."""
    version = catalog_selectors.item_guide(item)
    prefetch_related_objects([version], "materials", "fees", "steps__post__window")
    return version


def _published_items(center: Center) -> list[Item]:
    return list(catalog_selectors.published_items(center))


@require_GET
def home(request: HttpRequest, center_code: str | None = None) -> HttpResponse:
    """The centre's front page, with the progress lookup; at the site root of a deployment with several centres
    (a city centre and the county centres below it), the centre picker."""
    if center_code is None:
        centers = list(portal_selectors.public_centers())
        if len(centers) != 1:
            return render(request, "portal/center_picker.html", {"centers": centers})
        center = centers[0]
    else:
        center = _center(center_code)
    return render(request, "portal/home.html", {"portal_center": center, "form": SearchForm()})


@require_GET
def item_search(request: HttpRequest, center_code: str | None = None) -> HttpResponse:
    """Search the published guides (R-CAT-3); without a query, every published item by department."""
    center = _center(center_code)
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    if query:
        items = list(catalog_selectors.search_items(center, query))
    else:
        items = _published_items(center) if not form.errors else []
    context = {
        "portal_center": center,
        "form": form,
        "query": query,
        "items": items,
        "groups": portal_selectors.group_by_department(items) if not query else [],
        "withdrawn": list(catalog_selectors.withdrawn_items(center)) if not query else [],
    }
    return render(request, "portal/item_search.html", context)


@require_GET
def departments(request: HttpRequest, center_code: str | None = None) -> HttpResponse:
    """Stationed departments with their windows, window numbers and phones, and their published items."""
    center = _center(center_code)
    items_by_department: dict[int, list[Item]] = {}
    for item in _published_items(center):
        items_by_department.setdefault(item.department_id, []).append(item)
    rows = [
        {
            "department": department,
            "windows": list(department.windows.all()),
            "items": items_by_department.get(department.pk, []),
        }
        for department in org_selectors.departments_with_windows(center)
    ]
    return render(request, "portal/departments.html", {"portal_center": center, "rows": rows})


def _guide_context(center: Center, item: Item) -> tuple[str, dict[str, Any]]:
    if item.status == ItemStatus.WITHDRAWN:
        version = portal_selectors.last_public_version(item)
        if version is None:  # withdrawn before it was ever published: the public never saw it
            raise Http404(_("没有这个事项，或它不在公开范围内。"))
        return "portal/item_withdrawn.html", {"portal_center": center, "item": item, "version": version}
    version = _guide_version(item)
    return "portal/item_guide.html", {
        "portal_center": center,
        "item": item,
        "version": version,
        "materials": list(version.materials.all()),
        "fees": list(version.fees.all()),
        "steps": list(version.steps.all()),
    }


@require_GET
def item_guide(request: HttpRequest, center_code: str, item_code: str) -> HttpResponse:
    """The service guide (服务指南) of the current published version; a withdrawn item shows 已取消."""
    center = _center(center_code)
    item = portal_selectors.public_item(center, item_code)
    if item is None or (item.status == ItemStatus.PUBLISHED and item.current_version is None):
        raise Http404(_("没有这个事项，或它不在公开范围内。"))
    if item.status == ItemStatus.WITHDRAWN:
        template, context = _guide_context(center, item)
        return render(request, template, context)
    context = {
        "portal_center": center,
        "item": item,
        "version": item.current_version,
        "guide_body": _cached_guide_body(center, item),
    }
    return render(request, "portal/item_guide.html", context)


# A published version never changes (R-CAT-3), so its rendered guide can be kept as long as the department's
# name and the language are the same; the timeout only bounds memory.
GUIDE_CACHE_SECONDS = 6 * 60 * 60


def _cached_guide_body(center: Center, item: Item) -> str:
    """The guide body of `item`'s current version, rendered once per version, department name and language.."""
    version = item.current_version
    assert version is not None
    stamp = f"{center.code}|{version.pk}|{version.published_at}|{item.department.name}|{get_language()}"
    key = "portal:guide:" + hashlib.sha256(stamp.encode()).hexdigest()
    body = cache.get(key)
    if body is None:
        template, context = _guide_context(center, item)
        body = render_to_string(KIOSK_BODIES[template], context)
        cache.set(key, body, GUIDE_CACHE_SECONDS)
    return mark_safe(body)  # noqa: S308 - our own template's output, escaped when it was rendered


@require_GET
def item_notice(request: HttpRequest, center_code: str, item_code: str) -> HttpResponse:
    """The one-time notification (一次性告知书, R-CAT-5) as a printable page: the PDF's own template."""
    center = _center(center_code)
    version = _guide_version(_published_item(center, item_code))
    context = onetime.notice_context(version)
    context.update(portal_center=center, for_pdf=False)
    return render(request, onetime.NOTICE_TEMPLATE, context)


@require_GET
def item_notice_pdf(request: HttpRequest, center_code: str, item_code: str) -> HttpResponse:
    """The same notice as PDF: the cached file when the version was pre-rendered, else rendered now."""
    center = _center(center_code)
    item = _published_item(center, item_code)
    data = onetime.notice_pdf_for(_guide_version(item))
    response = HttpResponse(data, content_type="application/pdf")
    filename = _("%(code)s-一次性告知书.pdf") % {"code": item.code}
    response["Content-Disposition"] = content_disposition_header(as_attachment=False, filename=filename) or ""
    return response


@require_GET
def material_file(
    request: HttpRequest, center_code: str, item_code: str, material_id: int, slot: str
) -> FileResponse:
    """A blank form or filled-in sample of the current published version's checklist (R-CAT-1, R-CAT-3):
    public documents, served by the item and material, never from a storage path."""
    center = _center(center_code)
    current = _published_item(center, item_code).current_version
    assert current is not None
    versions = ItemVersion.objects.filter(pk=current.pk)
    stored, name = catalog_selectors.material_file(versions, material_id, slot)
    return files.serve(stored, download_name=name, private=False)


@require_GET
def staff_photo(request: HttpRequest, center_code: str, staff_id: int) -> FileResponse:
    """The photo of an active staff member of the centre, as the public staff board shows it (R-PUB-1)."""
    center = _center(center_code)
    staff = org_selectors.published_photo_of(center, staff_id)
    if staff is None:
        raise Http404(_("没有这张照片。"))
    return files.serve(staff.photo, download_name=staff.name, private=False)


def _staff_board_context(center: Center) -> dict[str, Any]:
    """Who is on duty now (R-PUB-1): nobody while the hall is closed — on a day that is not a working day of the
    centre's calendar, or outside that day's sittings (R-CLK-7) — and, while it is open, the active staff with no
    absence in force."""
    moment = timezone.now()
    today = timezone.localdate(moment)
    open_now = is_within_working_hours(center=center, moment=moment)
    staff = list(org_selectors.staff_on_duty(center, moment)) if open_now else []
    prefetch_related_objects(staff, "window", "department")
    return {
        "portal_center": center,
        "staff": staff,
        "moment": moment,
        "open_now": open_now,
        "working_day": calendar_for(center).is_working_day(today),
        "hours": working_hours_for(center, today),
    }


@require_GET
def staff_board(request: HttpRequest, center_code: str | None = None) -> HttpResponse:
    """Who is on duty now: name, title, duties, photo and window (R-PUB-1). No phones, no personal data."""
    center = _center(center_code)
    return render(request, "portal/staff_board.html", _staff_board_context(center))


# Weeks of the duty roster the portal publishes, from today (R-ATT-1, R-PUB-6).
DUTY_WEEKS_PUBLISHED = 4


@require_GET
def duty_roster(request: HttpRequest, center_code: str | None = None) -> HttpResponse:
    """The duty roster of the coming weeks and today's duty leader, with names and work phones (R-ATT-1,
    R-PUB-6). Only the work phone the office recorded on the roster; no other personal data."""
    center = _center(center_code)
    today = timezone.localdate()
    entries = staffing_selectors.roster_between(center, today, today + timedelta(weeks=DUTY_WEEKS_PUBLISHED))
    days: dict[date, list[Any]] = {}
    for entry in entries:
        days.setdefault(entry.day, []).append(entry)
    leaders = [e for e in days.get(today, []) if e.kind == DutyKind.LEADER]
    context = {"portal_center": center, "today": today, "days": sorted(days.items()), "leaders": leaders}
    return render(request, "portal/duty_roster.html", context)


# --- Kiosk: the hall's touch screen (R-PUB-4) ---------------------------------------------------------------


def _kiosk_context(center: Center, **extra: Any) -> dict[str, Any]:
    return {"portal_center": center, "kiosk_idle_seconds": KIOSK_IDLE_SECONDS, **extra}


@require_GET
def kiosk(request: HttpRequest, center_code: str | None = None) -> HttpResponse:
    center = _center(center_code)
    return render(request, "portal/kiosk/home.html", _kiosk_context(center))


@require_GET
def kiosk_guides(request: HttpRequest, center_code: str | None = None) -> HttpResponse:
    center = _center(center_code)
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    items = list(catalog_selectors.search_items(center, query)) if query else _published_items(center)
    context = _kiosk_context(
        center, form=form, query=query, items=items, groups=portal_selectors.group_by_department(items)
    )
    return render(request, "portal/kiosk/guides.html", context)


@require_GET
def kiosk_item(request: HttpRequest, center_code: str, item_code: str) -> HttpResponse:
    center = _center(center_code)
    item = portal_selectors.public_item(center, item_code)
    if item is None or (item.status == ItemStatus.PUBLISHED and item.current_version is None):
        raise Http404(_("没有这个事项，或它不在公开范围内。"))
    template, context = _guide_context(center, item)
    context.update(kiosk_idle_seconds=KIOSK_IDLE_SECONDS, kiosk=True, body_template=KIOSK_BODIES[template])
    return render(request, "portal/kiosk/item.html", context)


@require_GET
def kiosk_staff(request: HttpRequest, center_code: str | None = None) -> HttpResponse:
    center = _center(center_code)
    context = _staff_board_context(center)
    context["kiosk_idle_seconds"] = KIOSK_IDLE_SECONDS
    return render(request, "portal/kiosk/staff.html", context)
