"""The transactional outbox: one row per message to send, written in the transaction of the change it tells.

A business service calls `notify.services.enqueue` inside its own transaction, so a message exists if and only
if the change committed. `notify.services.dispatch` (run by `manage.py send_notifications`) claims due rows
with a lease, sends them through their channel and marks them sent; a failure is retried with an exponential
back-off and given up (`failed_at`) after `MAX_ATTEMPTS`. `(key, channel)` is unique: enqueueing the same
milestone twice adds nothing, and the key travels with the message so that a receiver can drop a duplicate.
"""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.models import CenterOwned


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    CLAIMED = "claimed", _("发送中")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败（已放弃）")


class OutboxMessage(CenterOwned):
    """One message to one recipient through one channel (console, email, sms, ...)."""

    key = models.CharField(max_length=200, verbose_name=_("事件键"))
    channel = models.CharField(max_length=20, verbose_name=_("渠道"))
    # A phone number, an email address or "staff:<pk>": personal data, needed by the channel only; masked once
    # the message is sent or given up (`notify.services.deliver`), so that the outbox keeps no address it no
    # longer needs.
    recipient = models.CharField(max_length=254, verbose_name=_("接收人"))
    subject = models.CharField(max_length=200, blank=True, verbose_name=_("标题"))
    body = models.TextField(verbose_name=_("内容"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("创建时间"))
    available_at = models.DateTimeField(default=timezone.now, verbose_name=_("可发送时间"))
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("失败次数"))
    last_error = models.TextField(blank=True, verbose_name=_("最近错误"))
    sent_at = models.DateTimeField(null=True, blank=True, verbose_name=_("发送时间"))
    failed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("放弃时间"))
    # The lease of the dispatcher sending it now; an expired lease (the worker died) lets another take it.
    claimed_by = models.CharField(max_length=100, blank=True, verbose_name=_("发送进程"))
    claim_token = models.CharField(max_length=32, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True, verbose_name=_("租约到期"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("待发通知")
        verbose_name_plural = _("待发通知")
        constraints = [
            models.UniqueConstraint(fields=["key", "channel"], name="outbox_key_channel_unique"),
            models.CheckConstraint(
                condition=Q(sent_at=None) | Q(failed_at=None), name="outbox_sent_or_failed"
            ),
        ]
        indexes = [
            models.Index(
                fields=["available_at", "id"], condition=Q(sent_at=None, failed_at=None), name="outbox_due"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} [{self.channel}]"

    def status_at(self, now: datetime) -> str:
        """Pending, claimed (a lease running at `now`), sent or failed."""
        if self.sent_at is not None:
            return OutboxStatus.SENT
        if self.failed_at is not None:
            return OutboxStatus.FAILED
        if self.claimed_until is not None and self.claimed_until > now:
            return OutboxStatus.CLAIMED
        return OutboxStatus.PENDING
