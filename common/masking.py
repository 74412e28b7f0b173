"""Masking personal data for displays and logs that do not need it in full."""

from __future__ import annotations

import re


def mask_phone(phone: str) -> str:
    """138****0001: enough to tell people apart on a list or in a log, not enough to call anyone."""
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"


def mask_email(address: str) -> str:
    local, _at, domain = address.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"
