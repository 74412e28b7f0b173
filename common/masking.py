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


def mask_id_number(number: str) -> str:
    """420***********1238: the first three and the last four characters of a resident ID (15 or 18 characters),
    the first and the last two of a shorter document number, nothing of one shorter than six — enough for the
    applicant at the window to recognise their own, not enough to use it."""
    text = (number or "").strip()
    if len(text) >= 15:
        head, tail = 3, 4
    elif len(text) >= 6:
        head, tail = 1, 2
    else:
        return "*" * len(text)
    return f"{text[:head]}{'*' * (len(text) - head - tail)}{text[-tail:]}"
