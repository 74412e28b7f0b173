"""The coordination section's catalogue pages (R-CAT-1/2/3/4/6). Thin: parse, fetch via org.access, call one
service, render. A refusal is shown on the page with its rule id, and nothing is saved."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common import files
from common.errors import RuleViolation
from org.access import CAN_EDIT_CATALOG, get_for_user, has_role, home_center, require_role

from . import selectors, services
from .forms import (
    FeeForm,
    ItemCreateForm,
    ItemFilterForm,
    MaterialForm,
    PublishForm,
    StepForm,
    VersionForm,
    WithdrawForm,
)
from .models import Fee, Item, ItemStatus, ItemVersion, Material, Step
from .onetime import notice_prerender

DraftRow = TypeVar("DraftRow", Material, Fee, Step)

# --- fetching ------------------------------------------------------------------------------------------


def _item(request: HttpRequest, pk: int) -> Item:
    """The item if the user's centre may see it; NotFound (404) otherwise."""
    item = get_for_user(
        request.user, Item.objects.select_related("center", "department", "current_version"), pk=pk
    )
    assert isinstance(item, Item)
    return item


def _editable_item(request: HttpRequest, pk: int) -> Item:
    item = _item(request, pk)
    require_role(request.user, item.center, CAN_EDIT_CATALOG)
    return item


def _draft(item: Item) -> ItemVersion | None:
    return selectors.open_draft(item)


# --- list and create -----------------------------------------------------------------------------------


@login_required
def item_list(request: HttpRequest) -> HttpResponse:
    center = home_center(request.user)
    form = ItemFilterForm(request.GET or None, center=center)
    filters: dict[str, Any] = {}
    if form.is_valid():
        department = form.cleaned_data["department"]
        filters = {
            "query": form.cleaned_data["q"],
            "department_id": department.pk if department else None,
            "status": form.cleaned_data["status"],
        }
    items = list(selectors.staff_items(center, today=timezone.localdate(), **filters))
    return render(
        request,
        "catalog/item_list.html",
        {
            "center": center,
            "items": items,
            "filter_form": form,
            "can_edit": has_role(request.user, center, CAN_EDIT_CATALOG),
            "review_count": sum(1 for i in items if getattr(i, "review_due", False)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_create(request: HttpRequest) -> HttpResponse:
    center = home_center(request.user)
    require_role(request.user, center, CAN_EDIT_CATALOG)
    form = ItemCreateForm(request.POST or None, center=center)
    refusal = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            item = services.item_create(actor=request.user, center=center, **data)
        except RuleViolation as exc:
            refusal = exc
        else:
            messages.success(
                request, _("已新建事项 %(code)s，请补充材料和办理环节后发布。") % {"code": item.code}
            )
            return redirect("catalog:item_edit", pk=item.pk)
    return render(request, "catalog/item_create.html", {"form": form, "refusal": refusal})


# --- editing the draft ---------------------------------------------------------------------------------


def _edit_context(request: HttpRequest, item: Item, draft: ItemVersion, **extra: Any) -> dict[str, Any]:
    posts = services.posts_for_item(item)
    context: dict[str, Any] = {
        "item": item,
        "draft": draft,
        "form": VersionForm(version=draft),
        "material_form": MaterialForm(),
        "fee_form": FeeForm(),
        "step_form": StepForm(posts=posts),
        "publish_form": PublishForm(),
        "withdraw_form": WithdrawForm(),
        "refusal": None,
    }
    context.update(extra)
    return context


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft's fields. Opening it on a published item opens (or creates) its next draft (R-CAT-3)."""
    item = _editable_item(request, pk)
    # The open draft, or a new one copied from the published version; a withdrawn item is refused (R-CAT-6)
    # and the refusal page shows why.
    services.version_draft_for(actor=request.user, item=item)
    draft = _draft(item)
    assert draft is not None
    if request.method == "GET":
        return render(request, "catalog/item_edit.html", _edit_context(request, item, draft))
    form = VersionForm(request.POST, version=draft)
    if not form.is_valid():
        return render(request, "catalog/item_edit.html", _edit_context(request, item, draft, form=form))
    try:
        services.version_update(actor=request.user, version=draft, **form.cleaned_data)
    except RuleViolation as exc:
        return render(
            request, "catalog/item_edit.html", _edit_context(request, item, draft, form=form, refusal=exc)
        )
    messages.success(request, _("草稿已保存。"))
    return redirect("catalog:item_edit", pk=item.pk)


def _rows_response(
    request: HttpRequest, item: Item, kind: str, *, refusal: RuleViolation | None = None, form: Any = None
) -> HttpResponse:
    """After adding or removing a material, fee or step: the section alone for HTMX, else back to the page."""
    if request.htmx:  # type: ignore[attr-defined]
        draft = _draft(item)
        context: dict[str, Any] = _edit_context(request, item, draft) if draft else {"item": item}
        if form is not None:
            context[f"{kind}_form"] = form
        context["section_refusal"] = refusal
        return render(request, f"catalog/_{kind}s.html", context)
    if refusal is not None:
        messages.error(request, f"{refusal.message}（{refusal.rule}）")
    elif form is not None and form.errors:
        messages.error(request, _("输入有误，请检查后重试。"))
    return redirect("catalog:item_edit", pk=item.pk)


def _posted_draft(item: Item) -> ItemVersion:
    draft = _draft(item)
    if draft is None:
        raise RuleViolation("R-CAT-3", _(services.IMMUTABLE_MESSAGE))
    return draft


def _row_add(
    request: HttpRequest, item: Item, kind: str, form: Any, add: Callable[..., object]
) -> HttpResponse:
    """Add a material, fee or step (`kind`) from the posted `form` to the open draft with the service `add`."""
    if not form.is_valid():
        return _rows_response(request, item, kind, form=form)
    try:
        add(actor=request.user, version=_posted_draft(item), **form.cleaned_data)
    except RuleViolation as exc:
        return _rows_response(request, item, kind, refusal=exc, form=form)
    return _rows_response(request, item, kind)


def _row_remove(
    request: HttpRequest, item: Item, kind: str, model: type[DraftRow], pk: int, remove: Callable[..., object]
) -> HttpResponse:
    """Remove the item's material, fee or step `pk` (`kind`, a row of `model`) with the service `remove`,
    which takes the row as its `kind` argument. A row that is not the item's is ignored."""
    row = model.objects.filter(pk=pk, version__item=item).select_related("version").first()
    if row is None:
        return _rows_response(request, item, kind)
    try:
        remove(actor=request.user, **{kind: row})
    except RuleViolation as exc:
        return _rows_response(request, item, kind, refusal=exc)
    return _rows_response(request, item, kind)


@login_required
@require_POST
def material_add(request: HttpRequest, pk: int) -> HttpResponse:
    item = _editable_item(request, pk)
    form = MaterialForm(request.POST, request.FILES)
    return _row_add(request, item, "material", form, services.material_add)


@login_required
@require_POST
def material_remove(request: HttpRequest, pk: int, row: int) -> HttpResponse:
    item = _editable_item(request, pk)
    return _row_remove(request, item, "material", Material, row, services.material_remove)


@login_required
@require_POST
def fee_add(request: HttpRequest, pk: int) -> HttpResponse:
    item = _editable_item(request, pk)
    return _row_add(request, item, "fee", FeeForm(request.POST), services.fee_add)


@login_required
@require_POST
def fee_remove(request: HttpRequest, pk: int, row: int) -> HttpResponse:
    item = _editable_item(request, pk)
    return _row_remove(request, item, "fee", Fee, row, services.fee_remove)


@login_required
@require_POST
def step_add(request: HttpRequest, pk: int) -> HttpResponse:
    item = _editable_item(request, pk)
    form = StepForm(request.POST, posts=services.posts_for_item(item))
    return _row_add(request, item, "step", form, services.step_add)


@login_required
@require_POST
def step_remove(request: HttpRequest, pk: int, row: int) -> HttpResponse:
    item = _editable_item(request, pk)
    return _row_remove(request, item, "step", Step, row, services.step_remove)


# --- publish, withdraw, history, preview ---------------------------------------------------------------


@login_required
@require_POST
def item_publish(request: HttpRequest, pk: int) -> HttpResponse:
    item = _editable_item(request, pk)
    draft = _draft(item)
    form = PublishForm(request.POST)
    if draft is None:
        messages.error(request, _("没有待发布的草稿。"))
        return redirect("catalog:item_history", pk=item.pk)
    if not form.is_valid():  # pragma: no cover - a free-text field with no constraint
        return render(
            request, "catalog/item_edit.html", _edit_context(request, item, draft, publish_form=form)
        )
    try:
        version = services.version_publish(actor=request.user, version=draft, **form.cleaned_data)
    except RuleViolation as exc:
        return render(
            request,
            "catalog/item_edit.html",
            _edit_context(request, item, draft, publish_form=form, refusal=exc),
        )
    # The PDF one-time notification is rendered after commit in the background, off the request path.
    notice_prerender(version)
    messages.success(request, _("已发布第%(number)s版，服务指南即日公开。") % {"number": version.number})
    return redirect("catalog:item_history", pk=item.pk)


def _history_context(request: HttpRequest, item: Item, **extra: Any) -> dict[str, Any]:
    context: dict[str, Any] = {
        "item": item,
        "versions": list(selectors.item_versions(item)),
        "entries": selectors.history_rows(item),
        "can_edit": has_role(request.user, item.center, CAN_EDIT_CATALOG),
        "withdraw_form": WithdrawForm(),
        "review_due": selectors.items_due_for_review(item.center, timezone.localdate())
        .filter(pk=item.pk)
        .exists(),
        "refusal": None,
        "is_withdrawn": item.status == ItemStatus.WITHDRAWN,
    }
    context.update(extra)
    return context


@login_required
@require_POST
def item_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    item = _editable_item(request, pk)
    form = WithdrawForm(request.POST)
    reason = form.data.get("reason", "")
    try:
        services.item_withdraw(actor=request.user, item=item, reason=reason)
    except RuleViolation as exc:
        return render(
            request,
            "catalog/item_history.html",
            _history_context(request, item, withdraw_form=form, refusal=exc),
        )
    messages.success(request, _("事项已取消，不再受理新的申请。"))
    return redirect("catalog:item_history", pk=item.pk)


@login_required
def item_history(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    return render(request, "catalog/item_history.html", _history_context(request, item))


@login_required
def item_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The guide as the open draft would publish it, else the current version."""
    item = _item(request, pk)
    version = _draft(item) or selectors.item_guide(item)
    return render(request, "catalog/version_detail.html", {"item": item, "version": version})


@login_required
def version_detail(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    item = _item(request, pk)
    version = selectors.version_detail(item, number)
    return render(request, "catalog/version_detail.html", {"item": item, "version": version})


@login_required
@require_GET
def material_file(request: HttpRequest, pk: int, row: int, slot: str) -> FileResponse:
    """A material's blank form or sample, of any version of an item the user's centre sees (drafts too)."""
    item = _item(request, pk)
    stored, name = selectors.material_file(ItemVersion.objects.filter(item=item), row, slot)
    return files.serve(stored, download_name=name)
