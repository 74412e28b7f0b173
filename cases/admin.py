"""Cases in Django's admin (the platform operator's, `org.admin_site`), read-only: every change goes through the
case services, which keep the history (R-CASE-10); nothing is added, changed or deleted here. A case's page shows
the applicant's ID number and phone, an inquiry's the asker's phone: each showing is logged as a personal-data
access (`cases.access`), as on the staff pages."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy

from common.i18n import stored

from .access import log_applicant_access, log_inquiry_access
from .models import Case, CaseEvent, Inquiry, Notice


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PersonalDataAdmin(ReadOnlyAdmin):
    """A read-only admin whose change page shows personal data: each showing is logged (`log_read`)."""

    def log_read(self, request: HttpRequest, obj: Any) -> None:
        raise NotImplementedError

    def render_change_form(
        self,
        request: HttpRequest,
        context: Any,
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Any = None,
    ) -> HttpResponse:
        if obj is not None:
            self.log_read(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)


@admin.register(Case)
class CaseAdmin(PersonalDataAdmin):
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

    def log_read(self, request: HttpRequest, obj: Any) -> None:
        log_applicant_access(
            user=request.user, case=obj, purpose=stored(gettext_lazy("平台运维后台查看办件"))
        )


@admin.register(Inquiry)
class InquiryAdmin(PersonalDataAdmin):
    list_display = ["asked_at", "center", "channel", "window", "first_receiver", "status", "outcome"]
    list_filter = ["center", "channel", "status"]
    list_select_related = ["center", "window", "first_receiver"]

    def log_read(self, request: HttpRequest, obj: Any) -> None:
        log_inquiry_access(
            user=request.user, inquiry=obj, purpose=stored(gettext_lazy("平台运维后台查看咨询"))
        )


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
