"""Delivery is at least once: a sender killed after its channel accepted a message, before marking it sent,
leaves it claimed; once the lease runs out another sender takes it over and sends it again, with the same
idempotency key on every channel, so that the receiver can drop the duplicate. Every channel waits a bounded
time, and the lease stays well above it."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction

from notify.channels import IDEMPOTENCY_HEADER, KEY_HEADER, HttpSmsGateway, SmsChannel, send_timeout
from notify.checks import lease_above_send_timeout
from notify.models import OutboxMessage
from notify.services import DEFAULT_LEASE_SECONDS, LEASE_TIMEOUTS, claim, dispatch, enqueue, lease_length
from org.models import Center
from org.tests import factories as f

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
KEY = "case:1:accepted:3"


class Killed(BaseException):
    """The sender's process killed: not an error the dispatcher handles, nothing after it runs."""


class KilledAfterAcceptingBackend(EmailBackend):
    """The mail server accepts the message (Django's test outbox), then the sender is killed, once."""

    killed = False

    def send_messages(self, email_messages: Any) -> int:
        sent = super().send_messages(email_messages)
        if not KilledAfterAcceptingBackend.killed:
            KilledAfterAcceptingBackend.killed = True
            raise Killed()
        return sent


class Relay:
    """An SMS relay on a local port that records each request; `hang` makes it never answer in time."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.hang = threading.Event()
        self.release = threading.Event()
        relay = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                relay.requests.append(
                    {"headers": dict(self.headers), "body": json.loads(self.rfile.read(length))}
                )
                if relay.hang.is_set():
                    relay.release.wait()
                    return
                self.send_response(500 if self.path == "/down" else 202)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Relay:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


class KilledAfterGateway:
    """The SMS gateway hands the text over, then the sender is killed, once."""

    def __init__(self, gateway: Any) -> None:
        self.gateway = gateway
        self.killed = False

    def send_sms(self, *, phone: str, text: str, key: str) -> None:
        self.gateway.send_sms(phone=phone, text=text, key=key)
        if not self.killed:
            self.killed = True
            raise Killed()


@pytest.fixture
def center(db: Any) -> Center:
    return f.make_center(code="delivery-test", name="测试中心")


@pytest.fixture
def relay() -> Iterator[Relay]:
    with Relay() as running:
        yield running


def _enqueue(center: Center, channel: str, recipient: str) -> OutboxMessage:
    with transaction.atomic():
        enqueue(
            center=center,
            key=KEY,
            channel=channel,
            recipient=recipient,
            subject="申请已受理",
            body="您的申请已受理。",
            available_at=T0,
        )
    return OutboxMessage.objects.get(key=KEY, channel=channel)


# --- redelivery after a crash ----------------------------------------------------------------------------------


def test_a_claim_older_than_the_lease_is_taken_over_and_the_email_resent_with_the_same_key(
    center: Center, settings: Any
) -> None:
    settings.NOTIFY_CHANNELS = {"email": "notify.channels.EmailChannel"}
    settings.EMAIL_BACKEND = f"{__name__}.KilledAfterAcceptingBackend"
    KilledAfterAcceptingBackend.killed = False
    message = _enqueue(center, "email", "applicant@example.com")
    lease = timedelta(seconds=DEFAULT_LEASE_SECONDS)

    with pytest.raises(Killed):
        dispatch(worker="w1", now=T0)  # accepted by the mail server, killed before marking it sent

    message.refresh_from_db()
    assert (message.sent_at, message.claimed_by, message.claimed_until) == (None, "w1", T0 + lease)
    assert len(mail.outbox) == 1
    # Within the lease no other sender touches it; once it has run out, another takes it over.
    assert claim(worker="w2", now=T0 + lease - timedelta(seconds=1)) == []
    assert dispatch(worker="w2", now=T0 + lease) == 1

    message.refresh_from_db()
    assert (message.sent_at, message.claimed_by, message.attempts) == (T0 + lease, "w2", 0)
    first, again = mail.outbox
    assert first.extra_headers[KEY_HEADER] == again.extra_headers[KEY_HEADER] == KEY
    assert first.extra_headers["Message-ID"] == again.extra_headers["Message-ID"]
    assert first.message()["Message-ID"] == again.message()["Message-ID"]
    assert (again.to, again.subject) == (["applicant@example.com"], "申请已受理")


def test_a_claim_older_than_the_lease_is_taken_over_and_the_sms_resent_with_the_same_key(
    center: Center, settings: Any, relay: Relay
) -> None:
    gateway = KilledAfterGateway(HttpSmsGateway(relay.url))
    settings.NOTIFY_CHANNELS = {"sms": SmsChannel(gateway)}
    message = _enqueue(center, "sms", "13800000001")

    with pytest.raises(Killed):
        dispatch(worker="w1", now=T0)
    assert dispatch(worker="w2", now=T0 + lease_length()) == 1

    message.refresh_from_db()
    assert message.claimed_by == "w2" and message.sent_at is not None
    assert [r["body"] for r in relay.requests] == [
        {"phone": "13800000001", "text": "您的申请已受理。", "key": KEY},
        {"phone": "13800000001", "text": "您的申请已受理。", "key": KEY},
    ]
    assert [r["headers"][IDEMPOTENCY_HEADER] for r in relay.requests] == [KEY, KEY]


# --- bounded waits ---------------------------------------------------------------------------------------------


def test_every_channel_waits_a_bounded_time_well_within_the_lease(settings: Any) -> None:
    assert settings.EMAIL_TIMEOUT == settings.NOTIFY_SEND_TIMEOUT == send_timeout() == 10
    assert lease_length() == timedelta(seconds=DEFAULT_LEASE_SECONDS) == timedelta(seconds=60)
    assert lease_length().total_seconds() >= LEASE_TIMEOUTS * send_timeout()
    assert HttpSmsGateway("https://sms.example.gov.cn/send").timeout == 10

    assert lease_above_send_timeout() == []
    settings.NOTIFY_LEASE_SECONDS = 20
    warnings = lease_above_send_timeout()
    assert [(m.id, m.msg) for m in warnings] == [
        (
            "notify.W001",
            "NOTIFY_LEASE_SECONDS (20) is less than 3 times NOTIFY_SEND_TIMEOUT (10): a slow send may be taken "
            "over by another sender and delivered twice.",
        )
    ]


def test_an_sms_relay_that_does_not_answer_in_time_is_a_failed_attempt(
    center: Center, settings: Any, relay: Relay
) -> None:
    relay.hang.set()
    settings.NOTIFY_CHANNELS = {"sms": SmsChannel(HttpSmsGateway(relay.url, timeout=0.2))}
    message = _enqueue(center, "sms", "13800000001")

    assert dispatch(worker="w", now=T0) == 0

    message.refresh_from_db()
    assert (message.attempts, message.sent_at, message.claimed_until) == (1, None, None)
    assert "timed out" in message.last_error
    assert "13800000001" not in message.last_error


def test_an_sms_relay_error_is_a_failed_attempt_and_the_token_is_sent(
    center: Center, settings: Any, relay: Relay
) -> None:
    url = relay.url.replace("/sms", "/down")
    settings.NOTIFY_CHANNELS = {"sms": SmsChannel(HttpSmsGateway(url, token="relay-token"))}
    message = _enqueue(center, "sms", "13800000001")

    assert dispatch(worker="w", now=T0) == 0

    message.refresh_from_db()
    assert (message.attempts, message.last_error) == (1, "HTTPError: HTTP Error 500: Internal Server Error")
    assert relay.requests[0]["headers"]["Authorization"] == "Bearer relay-token"


def test_the_http_sms_gateway_needs_an_http_address(settings: Any) -> None:
    settings.NOTIFY_SMS_HTTP_URL = ""
    with pytest.raises(ImproperlyConfigured, match="NOTIFY_SMS_HTTP_URL"):
        HttpSmsGateway()
    with pytest.raises(ImproperlyConfigured):
        HttpSmsGateway("file:///etc/passwd")
    settings.NOTIFY_SMS_HTTP_URL = "https://sms.example.gov.cn/send"
    settings.NOTIFY_SMS_GATEWAY = "notify.channels.HttpSmsGateway"
    channel = SmsChannel()
    assert isinstance(channel.gateway, HttpSmsGateway)
    assert channel.gateway.url == "https://sms.example.gov.cn/send"
