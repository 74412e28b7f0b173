"""Policy values in Django's admin: read-only. New values are set on the policy page, which checks the type and
records history (R-ASM-17)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import PolicyValue


@admin.register(PolicyValue)
class PolicyValueAdmin(admin.ModelAdmin):
    list_display = ["key", "center", "value", "effective_from", "rule", "set_by", "set_at"]
    list_filter = ["center", "rule"]
    search_fields = ["key"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
