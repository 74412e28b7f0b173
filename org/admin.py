"""The organisation in Django's admin, for the system administrator. Nothing can be deleted here (deactivate
instead); everyday changes go through the staff pages, which record history."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import (
    Absence,
    Authorization,
    BackupTraining,
    Center,
    Department,
    PhoneChange,
    Post,
    PostBackup,
    PostHolding,
    RoleGrant,
    Section,
    StaffProfile,
    Window,
)


class NoDeleteAdmin(admin.ModelAdmin):
    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class NoDeleteInline(admin.TabularInline):
    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Center)
class CenterAdmin(NoDeleteAdmin):
    list_display = ["code", "name", "parent", "complaint_phone", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name"]


@admin.register(Section)
class SectionAdmin(NoDeleteAdmin):
    list_display = ["name", "kind", "center", "phone"]
    list_filter = ["center", "kind"]


@admin.register(Department)
class DepartmentAdmin(NoDeleteAdmin):
    list_display = ["code", "name", "short_name", "legal_representative", "center", "is_active"]
    list_filter = ["center", "is_active"]
    search_fields = ["code", "name"]


@admin.register(StaffProfile)
class StaffProfileAdmin(NoDeleteAdmin):
    list_display = [
        "badge_number",
        "name",
        "title",
        "department",
        "window",
        "work_phone",
        "center",
        "is_active",
    ]
    list_filter = ["center", "is_active"]
    search_fields = ["badge_number", "name", "user__username"]
    raw_id_fields = ["user"]


@admin.register(Window)
class WindowAdmin(NoDeleteAdmin):
    list_display = [
        "number",
        "name",
        "kind",
        "department",
        "head",
        "chief_representative",
        "deputy_in_charge",
        "center",
        "is_active",
    ]
    list_filter = ["center", "kind", "is_active"]
    search_fields = ["number", "name"]


class PostBackupInline(NoDeleteInline):
    model = PostBackup
    extra = 0


class PostHoldingInline(NoDeleteInline):
    """Who held the post when: written only by `post_create` and `post_assign`, read-only here."""

    model = PostHolding
    extra = 0
    fields = ("role", "order", "staff", "valid_from", "valid_until")
    readonly_fields = ("role", "order", "staff", "valid_from", "valid_until")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Post)
class PostAdmin(NoDeleteAdmin):
    list_display = ["name", "window", "holder_a", "center", "is_active"]
    list_filter = ["center", "is_active"]
    search_fields = ["name", "window__name"]
    inlines = [PostBackupInline, PostHoldingInline]


@admin.register(Authorization)
class AuthorizationAdmin(NoDeleteAdmin):
    list_display = [
        "document_number",
        "department",
        "representative",
        "valid_from",
        "valid_until",
        "revoked_at",
        "center",
    ]
    list_filter = ["center", "department"]
    search_fields = ["document_number", "representative__name"]


@admin.register(Absence)
class AbsenceAdmin(NoDeleteAdmin):
    list_display = ["staff", "kind", "starts_at", "ends_at", "planned_ends_at", "cancelled_at", "center"]
    list_filter = ["center", "kind"]
    date_hierarchy = "starts_at"


@admin.register(BackupTraining)
class BackupTrainingAdmin(NoDeleteAdmin):
    list_display = ["post", "trainer", "trainee", "held_on", "topic", "center"]
    list_filter = ["center"]


@admin.register(PhoneChange)
class PhoneChangeAdmin(NoDeleteAdmin):
    list_display = ["staff", "old_phone", "new_phone", "changed_on", "reported_by", "center"]
    list_filter = ["center"]


@admin.register(RoleGrant)
class RoleGrantAdmin(NoDeleteAdmin):
    list_display = ["user", "role", "center", "window", "granted_at", "revoked_at"]
    list_filter = ["center", "role"]
    search_fields = ["user__username"]
