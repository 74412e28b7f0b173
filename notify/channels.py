"""Channels that deliver an outbox message: a small protocol and the adapters shipped with govhall.

`Channel.send(message)` delivers one message or raises; the dispatcher retries on any exception. The channels
in use are named by the setting `NOTIFY_CHANNELS` (a mapping of channel name to a dotted path, a class or an
instance), default `DEFAULT_CHANNELS`: console (logs), email (Django's mail) and sms (through an `SmsGateway`,
by default `LoggingSmsGateway`; `HttpSmsGateway` posts to an SMS relay over HTTP; another gateway is named by
`NOTIFY_SMS_GATEWAY`).

Every channel carries the message's key, the same on every attempt, so that a receiver can drop the rare
duplicate that at-least-once delivery allows (see `notify.services`), and waits at most `send_timeout()`
seconds on its server at a time (`NOTIFY_SEND_TIMEOUT`; Django's SMTP backend reads it as `EMAIL_TIMEOUT`), so
that a hung server fails the attempt well within the sender's lease.

Logs name the message key and a masked recipient only; the text itself is written only by the channels whose
delivery is the log (console, logging SMS gateway), which are meant for development and demonstration.
"""

from __future__ import annotations

import hashlib
import json
import logging
import urllib.request
from collections.abc import Mapping
from typing import Any, Protocol, runtime_checkable
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string

from common.masking import mask_email, mask_phone

from .models import OutboxMessage

logger = logging.getLogger("govhall.notify")

DEFAULT_CHANNELS: dict[str, str] = {
    "console": "notify.channels.ConsoleChannel",
    "email": "notify.channels.EmailChannel",
    "sms": "notify.channels.SmsChannel",
}
DEFAULT_SMS_GATEWAY = "notify.channels.LoggingSmsGateway"

KEY_HEADER = "X-Govhall-Notification-Key"
IDEMPOTENCY_HEADER = "Idempotency-Key"
DEFAULT_SEND_TIMEOUT = 10


def send_timeout() -> float:
    """Seconds a channel waits at most on its server at a time (`NOTIFY_SEND_TIMEOUT`)."""
    return float(getattr(settings, "NOTIFY_SEND_TIMEOUT", DEFAULT_SEND_TIMEOUT))


@runtime_checkable
class Channel(Protocol):
    def send(self, message: OutboxMessage) -> None:
        """Deliver `message` or raise; an exception makes the dispatcher retry later."""


@runtime_checkable
class SmsGateway(Protocol):
    def send_sms(self, *, phone: str, text: str, key: str) -> None:
        """Hand one text to the SMS provider or raise. `key` is unique per message and the same on every
        attempt: pass it on to the provider as its client reference so that it can drop a message delivered
        twice. Wait at most `send_timeout()` seconds on the provider at a time."""


# --- masking ------------------------------------------------------------------------------------------------


def mask_recipient(recipient: str) -> str:
    """The recipient as logs may show it: staff ids as they are, phones and addresses masked."""
    if recipient.startswith("staff:"):
        return recipient
    if "@" in recipient:
        return mask_email(recipient)
    return mask_phone(recipient)


# --- the adapters -------------------------------------------------------------------------------------------


class ConsoleChannel:
    """Writes the message to the `govhall.notify` log: for development, and for staff without an address."""

    def send(self, message: OutboxMessage) -> None:
        logger.info(
            "notify console %s to %s: %s\n%s",
            message.key,
            mask_recipient(message.recipient),
            message.subject,
            message.body,
        )


class EmailChannel:
    """Sends through Django's mail (`EMAIL_BACKEND`, `DEFAULT_FROM_EMAIL`, `EMAIL_TIMEOUT`), as `send_mail`
    would, with the message key in a header and a Message-ID derived from it (the same on every attempt), so
    that a mail system or the recipient's mail program can drop a duplicate."""

    def send(self, message: OutboxMessage) -> None:
        digest = hashlib.sha256(f"{message.key}|{message.channel}".encode()).hexdigest()[:32]
        email = EmailMessage(
            subject=message.subject,
            body=message.body,
            to=[message.recipient],
            headers={KEY_HEADER: message.key, "Message-ID": f"<{digest}@notify.govhall>"},
        )
        email.send(fail_silently=False)


class LoggingSmsGateway:
    """Stands in for an SMS provider: logs the text with the phone masked."""

    def send_sms(self, *, phone: str, text: str, key: str) -> None:
        logger.info("notify sms %s to %s: %s", key, mask_phone(phone), text)


class HttpSmsGateway:
    """Posts each text to an SMS relay over HTTP(S) (`NOTIFY_SMS_HTTP_URL`, with `NOTIFY_SMS_HTTP_TOKEN` as a
    bearer token when set): a JSON body `{"phone", "text", "key"}`, the key also in the `Idempotency-Key`
    header. Waits at most `send_timeout()` seconds; an answer other than 2xx, a refused connection or a timeout
    raises, and the dispatcher retries."""

    def __init__(
        self, url: str | None = None, *, token: str | None = None, timeout: float | None = None
    ) -> None:
        self.url = url if url is not None else getattr(settings, "NOTIFY_SMS_HTTP_URL", "")
        if urlsplit(self.url).scheme not in ("http", "https"):
            raise ImproperlyConfigured("NOTIFY_SMS_HTTP_URL: the SMS relay's http(s) address.")
        self.token = token if token is not None else getattr(settings, "NOTIFY_SMS_HTTP_TOKEN", "")
        self.timeout = timeout if timeout is not None else send_timeout()

    def send_sms(self, *, phone: str, text: str, key: str) -> None:
        headers = {"Content-Type": "application/json; charset=utf-8", IDEMPOTENCY_HEADER: key}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        body = json.dumps({"phone": phone, "text": text, "key": key}, ensure_ascii=False).encode()
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")  # noqa: S310 - http(s) only
        # urlopen raises HTTPError for 4xx and 5xx; the timeout bounds the connection and each read.
        with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310 - http(s) only
            if not 200 <= answer.status < 300:
                raise ConnectionError(f"SMS relay answered {answer.status}")


class SmsChannel:
    """Sends the body (the subject is for email) through an `SmsGateway`."""

    def __init__(self, gateway: SmsGateway | None = None) -> None:
        self.gateway = gateway if gateway is not None else _build(sms_gateway_setting())

    def send(self, message: OutboxMessage) -> None:
        self.gateway.send_sms(phone=message.recipient, text=message.body, key=message.key)


# --- the registry -------------------------------------------------------------------------------------------


def channels_setting() -> Mapping[str, Any]:
    return getattr(settings, "NOTIFY_CHANNELS", None) or DEFAULT_CHANNELS


def sms_gateway_setting() -> Any:
    return getattr(settings, "NOTIFY_SMS_GATEWAY", None) or DEFAULT_SMS_GATEWAY


def configured_channels() -> frozenset[str]:
    """The names of the channels in use: milestones are enqueued for these only."""
    return frozenset(channels_setting())


def _build(spec: Any) -> Any:
    """A dotted path or a class is instantiated without arguments; anything else is used as it is."""
    if isinstance(spec, str):
        spec = import_string(spec)
    return spec() if isinstance(spec, type) else spec


class UnknownChannel(LookupError):
    pass


class ChannelRegistry:
    """The configured channels, each built on first use (one registry per dispatch run)."""

    def __init__(self, specs: Mapping[str, Any] | None = None) -> None:
        self.specs = dict(specs if specs is not None else channels_setting())
        self.built: dict[str, Channel] = {}

    def get(self, name: str) -> Channel:
        if name not in self.built:
            if name not in self.specs:
                raise UnknownChannel(f"unknown channel {name!r}")
            channel = _build(self.specs[name])
            if not isinstance(channel, Channel):
                raise TypeError(f"channel {name!r} has no send(message)")
            self.built[name] = channel
        return self.built[name]
