"""A system check: a sender's lease on a message must stay well above the longest wait of a send, or a second
sender may take over a message that is still being sent and send it again (see `notify.services`)."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, register
from django.core.checks import Warning as CheckWarning

from .channels import send_timeout
from .services import LEASE_TIMEOUTS, lease_length


@register()
def lease_above_send_timeout(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    lease = lease_length().total_seconds()
    timeout = send_timeout()
    if lease >= LEASE_TIMEOUTS * timeout:
        return []
    return [
        CheckWarning(
            f"NOTIFY_LEASE_SECONDS ({lease:g}) is less than {LEASE_TIMEOUTS} times NOTIFY_SEND_TIMEOUT "
            f"({timeout:g}): a slow send may be taken over by another sender and delivered twice.",
            hint=f"Set NOTIFY_LEASE_SECONDS to at least {LEASE_TIMEOUTS * timeout:g}.",
            id="notify.W001",
        )
    ]
