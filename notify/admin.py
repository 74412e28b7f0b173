"""The outbox in Django's admin, read-only and with recipients masked: messages are written by the services
and sent by `send_notifications`; a given-up message stays visible here (filter "发送失败")."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .channels import mask_recipient
from .models import OutboxMessage, OutboxStatus


class StatusFilter(admin.SimpleListFilter):
    title = _("状态")
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> Any:
        return OutboxStatus.choices

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        now = timezone.now()
        value = self.value()
        if value == OutboxStatus.SENT:
            return queryset.exclude(sent_at=None)
        if value == OutboxStatus.FAILED:
            return queryset.exclude(failed_at=None)
        if value == OutboxStatus.CLAIMED:
            return queryset.filter(sent_at=None, failed_at=None, claimed_until__gt=now)
        if value == OutboxStatus.PENDING:
            return queryset.filter(sent_at=None, failed_at=None).exclude(claimed_until__gt=now)
        return queryset


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["key", "channel", "masked_recipient", "status", "attempts", "created_at", "sent_at"]
    list_filter = [StatusFilter, "channel", "center"]
    search_fields = ["key"]
    fields = (
        "center",
        "key",
        "channel",
        "masked_recipient",
        "subject",
        "body",
        "created_at",
        "available_at",
        "attempts",
        "last_error",
        "sent_at",
        "failed_at",
        "claimed_by",
        "claimed_until",
    )
    readonly_fields = fields

    @admin.display(description=_("接收人"))
    def masked_recipient(self, obj: OutboxMessage) -> str:
        return mask_recipient(obj.recipient)

    @admin.display(description=_("状态"))
    def status(self, obj: OutboxMessage) -> str:
        return str(OutboxStatus(obj.status_at(timezone.now())).label)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
