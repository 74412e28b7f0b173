"""The outbox: enqueue a message in the business transaction; dispatch due messages with a lease.

Delivery is at least once, not exactly once: a message is never silently lost, and may, rarely, be sent twice. "Sent
twice" is kept to one narrow window:

- a process that dies before sending leaves the row claimed; when its lease (`NOTIFY_LEASE_SECONDS`, default
  60) expires another dispatcher claims it and sends it: nothing is lost;
- a process that dies after marking the row sent has nothing left to do: nothing is sent again;
- only a process that dies after the channel accepted the message and before the row is marked sent (one
  UPDATE, right after the send, in autocommit) leaves a message that will be sent again after the lease (killing
  senders at random moments produced one duplicate in thirty kills). Every message carries its key
  (`case:<pk>:<milestone>:<event seq>`) to the channel — the same key on every attempt: an e-mail header and a
  Message-ID derived from it, the SMS gateway's client reference, an HTTP gateway's `Idempotency-Key` — so that
  a receiver can drop that duplicate.

Two dispatchers never send the same row at once: claiming is one conditional UPDATE of due rows (after
`SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL, so that concurrent dispatchers take different rows), each
claim has its own token, and each message's claim is checked and renewed just before it is sent: a dispatcher
that outlived its lease finds the row taken over (or sent) and skips it.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from common.sql import insert

from .channels import ChannelRegistry, mask_recipient
from .models import OutboxMessage

if TYPE_CHECKING:
    from org.models import Center

logger = logging.getLogger("govhall.notify")

MAX_ATTEMPTS = 8
# A sender's lease on a message: how long a crashed sender's claims wait before another sender takes them over.
# It only has to outlast one send, not a batch: `deliver` renews it right before each message goes to its
# channel, and marks the message sent right after. Each channel waits at most `NOTIFY_SEND_TIMEOUT` (10 s) on
# its server at a time (`EMAIL_TIMEOUT` for SMTP, the HTTP gateway's timeout), so 60 s covers a connection and
# several exchanges at the full timeout, plus the database's round trips. A lease shorter than a send would let
# a second sender take a message still being sent — a duplicate without any crash — so it is kept at least
# `LEASE_TIMEOUTS` timeouts long (a system check warns otherwise). Messages later in a claimed batch whose lease
# runs out while the earlier ones are sent are taken over by another sender; the first one then finds its claim
# gone and skips them.
DEFAULT_LEASE_SECONDS = 60
LEASE_TIMEOUTS = 3
ERROR_MAX = 1000


def lease_length() -> timedelta:
    return timedelta(seconds=int(getattr(settings, "NOTIFY_LEASE_SECONDS", DEFAULT_LEASE_SECONDS)))


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failure: 2, 4, 8, ... minutes."""
    return timedelta(minutes=2**attempts)


# --- enqueue ------------------------------------------------------------------------------------------------


def enqueue(
    *,
    center: Center | int,
    key: str,
    channel: str,
    recipient: str,
    subject: str,
    body: str,
    available_at: datetime | None = None,
) -> None:
    """Add a message to the outbox, in the caller's transaction: it exists if and only if the caller's change
    commits. A message with the same `key` and `channel` already there (or being added by a concurrent
    transaction) is left as it is and nothing is added (INSERT ... ON CONFLICT DO NOTHING)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("enqueue must run inside the transaction of the change it tells")
    if not key or not channel or not recipient:
        raise ValueError("a message needs a key, a channel and a recipient")
    now = timezone.now()
    center_id = center if isinstance(center, int) else center.pk
    message = OutboxMessage(
        center_id=center_id,
        key=key[:200],
        channel=channel,
        recipient=recipient[:254],
        subject=subject[:200],
        body=body,
        created_at=now,
        available_at=available_at or now,
    )
    insert(message, ignore_conflicts=True)


# --- dispatch -----------------------------------------------------------------------------------------------


def _due(now: datetime) -> Q:
    return Q(sent_at=None, failed_at=None, available_at__lte=now) & (
        Q(claimed_until=None) | Q(claimed_until__lte=now)
    )


def claim(*, batch: int = 50, worker: str = "worker", now: datetime | None = None) -> list[OutboxMessage]:
    """Claim up to `batch` due messages (oldest first) for `worker` until `now` + the lease; returns them,
    each with its `claim_token`. Rows another dispatcher holds under a running lease are not touched."""
    now = now or timezone.now()
    token = uuid.uuid4().hex
    with transaction.atomic():
        due = OutboxMessage.objects.filter(_due(now)).order_by("available_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("id", flat=True)[: max(0, batch)])
        if not ids:
            return []
        # The condition again: on a database without row locks this UPDATE is the compare-and-set.
        OutboxMessage.objects.filter(_due(now), id__in=ids).update(
            claimed_by=worker[:100], claim_token=token, claimed_until=now + lease_length()
        )
    return list(OutboxMessage.objects.filter(id__in=ids, claim_token=token).order_by("available_at", "id"))


def _error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:ERROR_MAX]


def _fail(message: OutboxMessage, *, worker: str, error: str, now: datetime) -> None:
    attempts = message.attempts + 1
    error = error.replace(message.recipient, mask_recipient(message.recipient))  # a gateway may echo it
    gave_up = attempts >= MAX_ATTEMPTS
    fields = {
        "attempts": attempts,
        "last_error": error,
        "claimed_by": worker[:100],
        "claim_token": "",
        "claimed_until": None,
    }
    if gave_up:
        fields["failed_at"] = now
        fields["recipient"] = mask_recipient(message.recipient)  # never to be sent: kept masked only
    else:
        fields["available_at"] = now + backoff(attempts)
    updated = OutboxMessage.objects.filter(
        pk=message.pk, claim_token=message.claim_token, sent_at=None
    ).update(**fields)
    if not updated:
        return
    if gave_up:
        logger.error("notify %s via %s: given up after %d attempts", message.key, message.channel, attempts)
    else:
        logger.warning(
            "notify %s via %s: attempt %d of %d failed, retry after %s",
            message.key,
            message.channel,
            attempts,
            MAX_ATTEMPTS,
            fields["available_at"],
        )


def _clock(now: datetime | None) -> Callable[[], datetime]:
    """A fixed moment when given (tests, replays), else the real clock read at each step."""
    if now is None:
        return timezone.now

    def fixed() -> datetime:
        return now

    return fixed


def deliver(
    message: OutboxMessage,
    *,
    worker: str = "worker",
    now: datetime | None = None,
    channels: ChannelRegistry | None = None,
) -> bool:
    """Send one claimed message and mark it sent; on failure count the attempt and back off (or give up
    after `MAX_ATTEMPTS`). Returns whether this call sent it. A message whose claim is no longer this one
    (its lease expired and another dispatcher took it, or it is sent) is skipped."""
    clock = _clock(now)
    channels = channels or ChannelRegistry()
    # Renew the lease right before sending; 0 rows means the claim is lost: do not send.
    renewed = bool(message.claim_token) and OutboxMessage.objects.filter(
        pk=message.pk, claim_token=message.claim_token, sent_at=None, failed_at=None
    ).update(claimed_until=clock() + lease_length())
    if not renewed:
        logger.info("notify %s via %s: claim lost, skipped", message.key, message.channel)
        return False
    try:
        channels.get(message.channel).send(message)
    except Exception as exc:
        _fail(message, worker=worker, error=_error_text(exc), now=clock())
        return False
    # Mark it sent at once: this UPDATE is the end of the only window in which a crash sends twice.
    # The address was needed by the channel only: from now on the row keeps it masked (data minimisation).
    marked = OutboxMessage.objects.filter(pk=message.pk, sent_at=None).update(
        sent_at=clock(),
        claimed_by=worker[:100],
        claim_token="",
        claimed_until=None,
        last_error="",
        recipient=mask_recipient(message.recipient),
    )
    if not marked:
        logger.warning(
            "notify %s via %s: already marked sent by another dispatcher", message.key, message.channel
        )
    return True


def dispatch(*, batch: int = 50, worker: str = "worker", now: datetime | None = None) -> int:
    """Claim due messages, send each through its channel and mark it sent; returns how many were sent."""
    channels = ChannelRegistry()
    sent = 0
    for message in claim(batch=batch, worker=worker, now=now):
        if deliver(message, worker=worker, now=now, channels=channels):
            sent += 1
    return sent
