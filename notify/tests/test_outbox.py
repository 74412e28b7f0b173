"""The transactional outbox: enqueue in the business transaction, dispatch with a lease, retry with back-off,
give up visibly, never two dispatchers on one message."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import transaction

from notify.channels import KEY_HEADER, SmsChannel
from notify.models import OutboxMessage, OutboxStatus
from notify.selectors import due_count, failed_messages, pending_messages
from notify.services import MAX_ATTEMPTS, claim, deliver, dispatch, enqueue
from org.models import Center
from org.tests import factories as f

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
LEASE = timedelta(seconds=60)  # the default lease (settings.NOTIFY_LEASE_SECONDS)


class Recording:
    """A channel that records what it was given."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str]] = []

    def send(self, message: OutboxMessage) -> None:
        self.sent.append((message.key, message.recipient, message.body))


class Failing:
    def __init__(self) -> None:
        self.calls = 0

    def send(self, message: OutboxMessage) -> None:
        self.calls += 1
        raise ConnectionError("gateway down for 13800000001")


class RecordingGateway:
    def __init__(self) -> None:
        self.texts: list[dict[str, str]] = []

    def send_sms(self, *, phone: str, text: str, key: str) -> None:
        self.texts.append({"phone": phone, "text": text, "key": key})


@pytest.fixture
def center(db: Any) -> Center:
    return f.make_center(code="outbox-test", name="测试中心")


@pytest.fixture
def recording(settings: Any) -> Recording:
    channel = Recording()
    settings.NOTIFY_CHANNELS = {"console": channel, "sms": channel, "email": channel}
    return channel


def _enqueue(
    center: Center,
    key: str = "case:1:accepted:3",
    channel: str = "sms",
    available_at: datetime = T0,
    **kw: Any,
) -> OutboxMessage:
    kw.setdefault("recipient", "13800000001")
    kw.setdefault("subject", "申请已受理")
    kw.setdefault("body", "您的申请已受理。")
    with transaction.atomic():
        enqueue(center=center, key=key, channel=channel, available_at=available_at, **kw)
    return OutboxMessage.objects.get(key=key, channel=channel)


# --- enqueue --------------------------------------------------------------------------------------------------


def test_enqueue_stores_the_message_due_at_once(center: Center) -> None:
    message = _enqueue(center)
    assert (message.center, message.key, message.channel, message.recipient) == (
        center,
        "case:1:accepted:3",
        "sms",
        "13800000001",
    )
    assert (message.subject, message.body, message.available_at, message.attempts) == (
        "申请已受理",
        "您的申请已受理。",
        T0,
        0,
    )
    assert (message.sent_at, message.failed_at, message.claimed_by, message.claimed_until) == (
        None,
        None,
        "",
        None,
    )
    assert message.status_at(T0) == OutboxStatus.PENDING


def test_a_duplicate_key_is_ignored(center: Center) -> None:
    first = _enqueue(center, body="第一次")
    with transaction.atomic():
        enqueue(
            center=center, key=first.key, channel="sms", recipient="13900000009", subject="x", body="第二次"
        )
        # The transaction is still usable after the ignored conflict.
        enqueue(
            center=center, key=first.key, channel="email", recipient="a@example.com", subject="x", body="邮件"
        )
    rows = list(OutboxMessage.objects.order_by("id").values_list("key", "channel", "recipient", "body"))
    assert rows == [
        ("case:1:accepted:3", "sms", "13800000001", "第一次"),
        ("case:1:accepted:3", "email", "a@example.com", "邮件"),
    ]


def test_enqueue_outside_a_transaction_is_a_programming_error(center: Center, monkeypatch: Any) -> None:
    class Outside:
        in_atomic_block = False

    monkeypatch.setattr(transaction, "get_connection", lambda *a: Outside())
    with pytest.raises(RuntimeError):
        enqueue(center=center, key="k", channel="sms", recipient="1", subject="", body="")
    monkeypatch.undo()
    assert OutboxMessage.objects.count() == 0


def test_rolled_back_transaction_leaves_no_message(center: Center) -> None:
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        enqueue(
            center=center,
            key="case:9:decided:4",
            channel="sms",
            recipient="13800000001",
            subject="",
            body="x",
        )
        1 / 0  # noqa: B018 - the business change fails after the enqueue
    assert OutboxMessage.objects.count() == 0


# --- dispatch -------------------------------------------------------------------------------------------------


def test_dispatch_sends_and_marks(center: Center, recording: Recording) -> None:
    message = _enqueue(center)
    _enqueue(center, key="case:2:accepted:3", available_at=T0 + timedelta(minutes=5))

    assert dispatch(worker="w1", now=T0) == 1

    message.refresh_from_db()
    assert recording.sent == [("case:1:accepted:3", "13800000001", "您的申请已受理。")]
    assert message.recipient == "138****0001"  # sent: the outbox keeps the number masked only
    assert (message.sent_at, message.claimed_by, message.claimed_until, message.claim_token) == (
        T0,
        "w1",
        None,
        "",
    )
    assert (message.attempts, message.last_error) == (0, "")
    # Nothing is sent twice; the later one goes when it is due.
    assert dispatch(worker="w1", now=T0 + timedelta(minutes=1)) == 0
    assert dispatch(worker="w1", now=T0 + timedelta(minutes=5)) == 1
    assert [key for key, _r, _b in recording.sent] == ["case:1:accepted:3", "case:2:accepted:3"]
    assert list(pending_messages()) == []


def test_dispatch_takes_the_oldest_first_within_the_batch(center: Center, recording: Recording) -> None:
    for n in range(5):
        _enqueue(center, key=f"case:{n}:accepted:1", available_at=T0 - timedelta(minutes=n))
    assert dispatch(batch=2, worker="w", now=T0) == 2
    assert [key for key, _r, _b in recording.sent] == ["case:4:accepted:1", "case:3:accepted:1"]
    assert due_count(now=T0) == 3


def test_a_failing_channel_retries_with_backoff_and_gives_up(
    center: Center, settings: Any, caplog: Any
) -> None:
    failing = Failing()
    settings.NOTIFY_CHANNELS = {"sms": failing}
    message = _enqueue(center)
    now = T0
    waits: list[timedelta] = []
    caplog.set_level(logging.INFO, logger="govhall.notify")

    for attempt in range(1, MAX_ATTEMPTS):
        assert dispatch(worker="w", now=now) == 0
        message.refresh_from_db()
        assert (message.attempts, message.sent_at, message.failed_at) == (attempt, None, None)
        assert message.last_error == "ConnectionError: gateway down for 138****0001"  # stored masked
        assert message.recipient == "13800000001"  # still to be sent
        assert message.claimed_until is None
        waits.append(message.available_at - now)
        # Not tried again before its time.
        assert dispatch(worker="w", now=message.available_at - timedelta(seconds=1)) == 0
        assert failing.calls == attempt
        now = message.available_at

    assert waits == [timedelta(minutes=m) for m in (2, 4, 8, 16, 32, 64, 128)]
    assert dispatch(worker="w", now=now) == 0  # the 8th attempt
    message.refresh_from_db()
    assert (message.attempts, message.failed_at, message.sent_at) == (MAX_ATTEMPTS, now, None)
    assert message.recipient == "138****0001"  # never to be sent: the number is kept masked only
    assert message.status_at(now) == OutboxStatus.FAILED
    assert list(failed_messages(center)) == [message]
    # Given up: never tried again.
    assert dispatch(worker="w", now=now + timedelta(days=30)) == 0
    assert failing.calls == MAX_ATTEMPTS
    assert any(
        r.levelname == "ERROR" and "given up after 8 attempts" in r.getMessage() for r in caplog.records
    )
    # The log names the key, never the recipient.
    assert all("13800000001" not in r.getMessage() for r in caplog.records)


def test_a_failed_attempt_then_success(center: Center, settings: Any) -> None:
    recording = Recording()
    failing = Failing()
    settings.NOTIFY_CHANNELS = {"sms": failing}
    message = _enqueue(center)
    dispatch(worker="w", now=T0)
    settings.NOTIFY_CHANNELS = {"sms": recording}
    assert dispatch(worker="w", now=T0 + timedelta(minutes=2)) == 1
    message.refresh_from_db()
    assert (message.attempts, message.sent_at, message.last_error) == (1, T0 + timedelta(minutes=2), "")


def test_an_unknown_channel_is_a_failed_attempt(center: Center, recording: Recording) -> None:
    message = _enqueue(center, channel="fax")
    assert dispatch(worker="w", now=T0) == 0
    message.refresh_from_db()
    assert (message.attempts, message.last_error) == (1, "UnknownChannel: unknown channel 'fax'")


# --- two dispatchers ------------------------------------------------------------------------------------------


def test_two_dispatchers_never_send_the_same_message(center: Center, recording: Recording) -> None:
    _enqueue(center)
    mine = claim(worker="w1", now=T0)
    assert [m.key for m in mine] == ["case:1:accepted:3"]
    assert mine[0].status_at(T0) == OutboxStatus.CLAIMED
    assert (mine[0].claimed_by, mine[0].claimed_until) == ("w1", T0 + LEASE)

    # While w1 holds the lease, w2 finds nothing to claim.
    assert claim(worker="w2", now=T0 + timedelta(seconds=30)) == []
    assert dispatch(worker="w2", now=T0 + timedelta(seconds=59)) == 0
    assert recording.sent == []

    assert deliver(mine[0], worker="w1", now=T0 + timedelta(seconds=59)) is True
    assert dispatch(worker="w2", now=T0 + timedelta(minutes=10)) == 0
    assert len(recording.sent) == 1


def test_an_expired_lease_is_claimed_again(center: Center, recording: Recording) -> None:
    message = _enqueue(center)
    dead = claim(worker="w1", now=T0)  # w1 dies before sending
    assert len(dead) == 1

    assert dispatch(worker="w2", now=T0 + LEASE - timedelta(seconds=1)) == 0
    assert dispatch(worker="w2", now=T0 + LEASE) == 1
    message.refresh_from_db()
    assert (message.sent_at, message.claimed_by) == (T0 + LEASE, "w2")

    # w1 wakes up with its stale claim: the message is not sent again.
    assert deliver(dead[0], worker="w1", now=T0 + LEASE + timedelta(seconds=5)) is False
    assert recording.sent == [("case:1:accepted:3", "13800000001", "您的申请已受理。")]


def test_a_stale_claim_taken_over_but_not_yet_sent_is_skipped(center: Center, recording: Recording) -> None:
    _enqueue(center)
    stale = claim(worker="w1", now=T0)
    fresh = claim(worker="w2", now=T0 + LEASE)
    assert [m.pk for m in fresh] == [stale[0].pk]
    assert deliver(stale[0], worker="w1", now=T0 + LEASE) is False
    assert deliver(fresh[0], worker="w2", now=T0 + LEASE) is True
    assert len(recording.sent) == 1


def test_a_failure_on_a_stale_claim_does_not_count(center: Center, settings: Any) -> None:
    settings.NOTIFY_CHANNELS = {"sms": Failing()}
    message = _enqueue(center)
    stale = claim(worker="w1", now=T0)
    claim(worker="w2", now=T0 + LEASE)  # w2 holds it now
    assert deliver(stale[0], worker="w1", now=T0 + LEASE) is False
    message.refresh_from_db()
    assert (message.attempts, message.claimed_by) == (0, "w2")


# --- the shipped channels --------------------------------------------------------------------------------------


def test_email_channel_sends_with_the_key_in_a_header(center: Center, settings: Any) -> None:
    settings.NOTIFY_CHANNELS = {"email": "notify.channels.EmailChannel"}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    _enqueue(center, channel="email", recipient="applicant@example.com")
    assert dispatch(worker="w", now=T0) == 1
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert (email.to, email.subject, email.body) == (
        ["applicant@example.com"],
        "申请已受理",
        "您的申请已受理。",
    )
    assert email.extra_headers[KEY_HEADER] == "case:1:accepted:3"
    assert email.extra_headers["Message-ID"].endswith("@notify.govhall>")


def test_sms_channel_passes_the_key_to_its_gateway(center: Center, settings: Any) -> None:
    gateway = RecordingGateway()
    settings.NOTIFY_CHANNELS = {"sms": SmsChannel(gateway)}
    _enqueue(center)
    assert dispatch(worker="w", now=T0) == 1
    assert gateway.texts == [{"phone": "13800000001", "text": "您的申请已受理。", "key": "case:1:accepted:3"}]


def test_default_channels_log_with_the_recipient_masked(center: Center, settings: Any, caplog: Any) -> None:
    settings.NOTIFY_CHANNELS = None  # the defaults
    caplog.set_level(logging.INFO, logger="govhall.notify")
    _enqueue(center, key="case:1:accepted:3", channel="sms")
    _enqueue(center, key="case:1:due_soon:2026-11-02", channel="console", recipient="staff:7")
    assert dispatch(worker="w", now=T0) == 2
    lines = [r.getMessage() for r in caplog.records]
    assert lines == [
        "notify sms case:1:accepted:3 to 138****0001: 您的申请已受理。",
        "notify console case:1:due_soon:2026-11-02 to staff:7: 申请已受理\n您的申请已受理。",
    ]


# --- the admin ----------------------------------------------------------------------------------------------


def test_admin_lists_messages_read_only_with_recipients_masked(center: Center, client: Any) -> None:
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    message = _enqueue(center)
    admin = get_user_model().objects.create_superuser("notify-admin", "admin@example.com", "x" * 12)
    client.force_login(admin)
    listing = client.get(reverse("admin:notify_outboxmessage_changelist"), {"status": "pending"})
    detail = client.get(reverse("admin:notify_outboxmessage_change", args=[message.pk]))
    failed = client.get(reverse("admin:notify_outboxmessage_changelist"), {"status": "failed"})
    assert (listing.status_code, detail.status_code, failed.status_code) == (200, 200, 200)
    assert "138****0001" in listing.content.decode() and "13800000001" not in listing.content.decode()
    assert "13800000001" not in detail.content.decode()
    assert "case:1:accepted:3" not in failed.content.decode()
