"""The organisation in Django's admin, the platform operator's (`org.admin_site`). The operator sets up the
centres and grants roles here, through the services (which check who may act and record the history); the rest
of the organisation is read-only here: a centre keeps its own departments, windows, posts, staff, authorisations
and absences through the staff pages, whose services keep the facts of the past true (R-ORG-6/7) and record
them. Nothing is deleted (deactivate, revoke instead)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.errors import PermissionDenied, RuleViolation
from common.i18n import stored

from . import services
from .admin_site import RecordedAdmin
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


class NoDeleteAdmin(RecordedAdmin):
    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(NoDeleteAdmin):
    """Shown, never changed here: the staff pages change it through the services."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ServiceAdmin(NoDeleteAdmin):
    """An admin whose saves call the services, which check who may act and record the history themselves. A
    refusal is shown as a message with its rule id, and nothing is changed."""

    history_by_service = True

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except RuleViolation as refusal:
            self.message_user(request, f"{refusal.message}（{refusal.rule}）", messages.ERROR)
        except PermissionDenied as refusal:
            self.message_user(request, refusal.message, messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())


def _saved(obj: Any, saved: Any) -> None:
    """Make the admin's unsaved instance the row the service saved (the admin goes on with `obj`)."""
    obj.pk = saved.pk
    obj._state.adding = False


@admin.register(Center)
class CenterAdmin(ServiceAdmin):
    """Centres are set up by the platform operator (`center_create`, `center_update`, R-ORG-1)."""

    list_display = ["code", "name", "parent", "complaint_phone", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name"]
    fields = ["code", *services.CENTER_FIELDS]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["code"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Center, form: Any, change: bool) -> None:
        values = {name: getattr(obj, name) for name in services.CENTER_FIELDS if name in form.cleaned_data}
        if change:
            changed = {name: value for name, value in values.items() if name in form.changed_data}
            saved = services.center_update(actor=request.user, center=obj, **changed)
        else:
            name, parent = values.pop("name"), values.pop("parent", None)
            saved = services.center_create(
                actor=request.user, code=obj.code, name=name, parent=parent, **values
            )
        _saved(obj, saved)


@admin.register(Section)
class SectionAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "center", "phone"]
    list_filter = ["center", "kind"]


@admin.register(Department)
class DepartmentAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "short_name", "legal_representative", "center", "is_active"]
    list_filter = ["center", "is_active"]
    search_fields = ["code", "name"]


@admin.register(StaffProfile)
class StaffProfileAdmin(ReadOnlyAdmin):
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
class WindowAdmin(ReadOnlyAdmin):
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


class PostBackupInline(ReadOnlyInline):
    model = PostBackup


class PostHoldingInline(ReadOnlyInline):
    """Who held the post when: written only by `post_create` and `post_assign`."""

    model = PostHolding
    fields = ("role", "order", "staff", "valid_from", "valid_until")
    readonly_fields = ("role", "order", "staff", "valid_from", "valid_until")


@admin.register(Post)
class PostAdmin(ReadOnlyAdmin):
    list_display = ["name", "window", "holder_a", "center", "is_active"]
    list_filter = ["center", "is_active"]
    search_fields = ["name", "window__name"]
    inlines = [PostBackupInline, PostHoldingInline]


@admin.register(Authorization)
class AuthorizationAdmin(ReadOnlyAdmin):
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
class AbsenceAdmin(ReadOnlyAdmin):
    list_display = ["staff", "kind", "starts_at", "ends_at", "planned_ends_at", "cancelled_at", "center"]
    list_filter = ["center", "kind"]
    date_hierarchy = "starts_at"


@admin.register(BackupTraining)
class BackupTrainingAdmin(ReadOnlyAdmin):
    list_display = ["post", "trainer", "trainee", "held_on", "topic", "center"]
    list_filter = ["center"]


@admin.register(PhoneChange)
class PhoneChangeAdmin(ReadOnlyAdmin):
    list_display = ["staff", "old_phone", "new_phone", "changed_on", "reported_by", "center"]
    list_filter = ["center"]


@admin.register(RoleGrant)
class RoleGrantAdmin(ServiceAdmin):
    """Roles are granted through `role_grant` (the operator grants a new centre its first administrator, who
    then grants the others on the staff pages) and revoked through `role_revoke`; a grant is never edited."""

    list_display = ["user", "role", "center", "window", "granted_at", "revoked_at"]
    list_filter = ["center", "role"]
    search_fields = ["user__username"]
    fields = ["user", "center", "role", "window"]
    raw_id_fields = ["user", "window"]
    actions = ["revoke_grants"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: RoleGrant, form: Any, change: bool) -> None:
        saved = services.role_grant(
            actor=request.user, user=obj.user, center=obj.center, role=obj.role, window=obj.window
        )
        _saved(obj, saved)
        obj.granted_at = saved.granted_at

    @admin.action(description=gettext_lazy("撤销所选角色"))
    def revoke_grants(self, request: HttpRequest, queryset: QuerySet[RoleGrant]) -> None:
        revoked = 0
        try:
            for grant in queryset.filter(revoked_at=None):
                services.role_revoke(
                    actor=request.user, grant=grant, reason=stored(gettext_lazy("平台运维后台撤销"))
                )
                revoked += 1
        except (RuleViolation, PermissionDenied) as refusal:
            transaction.set_rollback(True)
            self.message_user(request, getattr(refusal, "message", str(refusal)), messages.ERROR)
            return
        self.message_user(request, _("已撤销 %(count)d 项角色。") % {"count": revoked})
