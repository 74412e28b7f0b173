"""The catalogue in the admin, read-only: every change goes through `catalog.services` (history, R-CAT-2/3),
so the admin is for looking, not editing. Nothing is ever deleted."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from .models import Fee, Item, ItemVersion, Material, Step


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
    model = Material


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
