"""The catalogue in the admin, read-only: every change goes through `catalog.services` (history, R-CAT-2/3),
so the admin is for looking, not editing. Nothing is ever deleted."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from .models import Fee, Item, ItemStatus, ItemVersion, Material, Step


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class MaterialInline(ReadOnlyInline):
    """A material's blank form and sample are never linked by their storage path: a file of the current
    published version links to the public view (the public guide's), any other is only said to be there (the
    centre's staff open it from the catalogue's pages)."""

    model = Material
    exclude = ["blank_form", "sample"]
    readonly_fields = ["blank_form_file", "sample_file"]

    def _file_link(self, material: Material, slot: str, label: str) -> str:
        if not getattr(material, "blank_form" if slot == "form" else "sample"):
            return "—"
        item = material.version.item
        if item.status != ItemStatus.PUBLISHED or item.current_version_id != material.version_id:
            return "已上传"
        url = reverse(
            f"portal:material_{slot}",
            kwargs={
                "center_code": item.center.code,
                "item_code": item.code,
                "material_id": material.pk,
            },
        )
        return format_html('<a href="{}">{}</a>', url, label)

    @admin.display(description="空白表格")
    def blank_form_file(self, material: Material) -> str:
        return self._file_link(material, "form", "空白表格")

    @admin.display(description="填写样本")
    def sample_file(self, material: Material) -> str:
        return self._file_link(material, "sample", "填写样本")


class FeeInline(ReadOnlyInline):
    model = Fee


class StepInline(ReadOnlyInline):
    model = Step


@admin.register(Item)
class ItemAdmin(ReadOnlyAdmin):
    list_display = ["code", "__str__", "department", "status", "center"]
    list_filter = ["status", "center"]
    search_fields = ["code", "current_version__name", "department__name"]
    list_select_related = ["department", "center", "current_version"]


@admin.register(ItemVersion)
class ItemVersionAdmin(ReadOnlyAdmin):
    list_display = [
        "item",
        "number",
        "name",
        "state",
        "statutory_limit_days",
        "promised_limit_days",
        "published_at",
    ]
    list_filter = ["state", "case_type", "item_type"]
    search_fields = ["name", "item__code", "basic_code", "implementation_code"]
    list_select_related = ["item", "item__current_version"]
    inlines = [MaterialInline, FeeInline, StepInline]
