"""Cases in Django's admin, read-only: every change goes through the case services, which keep the history
(R-CASE-10); nothing is added, changed or deleted here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Case, CaseEvent, Inquiry, Notice


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = [
        "number",
        "center",
        "item",
        "state",
        "case_type",
        "received_at",
        "accepted_on",
        "deadline",
    ]
    list_filter = ["center", "state", "case_type"]
    search_fields = ["number"]
    list_select_related = ["center", "item__current_version"]
    date_hierarchy = "received_at"


@admin.register(Inquiry)
class InquiryAdmin(ReadOnlyAdmin):
    list_display = ["asked_at", "center", "channel", "window", "first_receiver", "status", "outcome"]
    list_filter = ["center", "channel", "status"]
    list_select_related = ["center", "window", "first_receiver"]


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    list_display = ["case", "seq", "at", "actor", "acting_as", "action", "from_state", "to_state"]
    list_filter = ["action"]
    search_fields = ["case__number"]
    list_select_related = ["case", "actor"]


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ["number", "kind", "case", "center", "issued_at", "delivered_at"]
    list_filter = ["center", "kind"]
    search_fields = ["number", "case__number"]
    list_select_related = ["case", "center"]
