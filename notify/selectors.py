"""Reading the outbox: what is waiting and what was given up (shown in the admin and by the commands)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import OutboxMessage

if TYPE_CHECKING:
    from org.models import Center


def _scoped(center: Center | None) -> QuerySet[OutboxMessage]:
    messages = OutboxMessage.objects.all()
    return messages if center is None else messages.filter(center=center)


def pending_messages(center: Center | None = None) -> QuerySet[OutboxMessage]:
    """Messages not yet sent nor given up, oldest first."""
    return _scoped(center).filter(sent_at=None, failed_at=None).order_by("available_at", "id")


def due_count(center: Center | None = None, now: datetime | None = None) -> int:
    """Pending messages a dispatcher could claim at `now`."""
    now = now or timezone.now()
    return (
        pending_messages(center)
        .filter(available_at__lte=now)
        .filter(Q(claimed_until=None) | Q(claimed_until__lte=now))
        .count()
    )


def failed_messages(center: Center | None = None) -> QuerySet[OutboxMessage]:
    """Messages given up after the maximum number of attempts, latest first: someone must look at them."""
    return _scoped(center).exclude(failed_at=None).order_by("-failed_at", "-id")
