"""The calendar in Django's admin: read-only. Changes go through the calendar page or the management commands,
which record history (R-CLK-3)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import CalendarDay, CalendarYear


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CalendarYear)
class CalendarYearAdmin(ReadOnlyAdmin):
    list_display = ["year", "center", "source", "loaded_at"]
    list_filter = ["center"]


@admin.register(CalendarDay)
class CalendarDayAdmin(ReadOnlyAdmin):
    list_display = ["date", "kind", "name", "center", "source"]
    list_filter = ["kind", "center"]
    date_hierarchy = "date"
    search_fields = ["name"]
