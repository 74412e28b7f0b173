"""Terminals (R-ATT-2): registering a centre's clock-in terminals, and knowing one when it calls.

A terminal is known by its serial number, which is printed on it and sent in clear with every request: it
identifies, it does not authenticate. Where the network allows, a terminal's `allowed_addresses` (addresses or
networks) limits where its requests may come from; a request from elsewhere is refused like an unknown serial.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import RuleViolation
from common.history import diff, record, snapshot
from common.net import address_in, parse_networks
from org.access import CAN_EDIT_ORGANISATION
from org.models import Center

from .. import iclock
from ..models import Terminal
from ._common import RULE, may_act, text, user_of

logger = logging.getLogger("govhall.access")

TERMINAL_FIELDS = ["name", "location", "allowed_addresses", "is_active"]
SEEN_EVERY = timedelta(minutes=1)  # a poll writes the last contact at most this often


def _addresses(value: Any) -> str:
    """The allow-list as stored: one address or network per line; a bad entry is refused naming it."""
    entries = [entry for entry in re.split(r"[\s,;，；]+", text(value)) if entry]
    for entry in entries:
        try:
            parse_networks([entry])
        except ValueError:
            raise RuleViolation(
                RULE,
                _("“%(entry)s”不是有效的IP地址或网段。") % {"entry": entry[:50]},
                field="allowed_addresses",
            ) from None
    return "\n".join(entries)


def _check(terminal: Terminal) -> None:
    if not terminal.name:
        raise RuleViolation(RULE, _("请填写考勤机名称。"), field="name")
    if len(terminal.name) > 60:
        raise RuleViolation(RULE, _("名称过长（最多60个字）。"), field="name")
    if len(terminal.location) > 100:
        raise RuleViolation(RULE, _("安装位置过长（最多100个字）。"), field="location")


@transaction.atomic
def terminal_register(
    *, actor: Any, center: Center, serial: str, name: str, location: str = "", allowed_addresses: str = ""
) -> Terminal:
    """Register a terminal of `center` by its serial number (R-ATT-2): the office or the administrator."""
    may_act(actor, center, CAN_EDIT_ORGANISATION)
    serial = text(serial)
    if not iclock.valid_serial(serial):
        raise RuleViolation(
            RULE, _("序列号须为1–40位字母、数字、“-”“_”“.”，以字母或数字开头。"), field="serial"
        )
    if Terminal.objects.filter(serial=serial).exists():
        raise RuleViolation(RULE, _("序列号“%(serial)s”已经登记。") % {"serial": serial}, field="serial")
    terminal = Terminal(
        center=center,
        serial=serial,
        name=text(name),
        location=text(location),
        allowed_addresses=_addresses(allowed_addresses),
    )
    _check(terminal)
    terminal.save()
    record(
        subject=terminal,
        action="create",
        actor=user_of(actor),
        changes=snapshot(terminal, ["serial", *TERMINAL_FIELDS]),
        rule=RULE,
    )
    return terminal


@transaction.atomic
def terminal_update(*, actor: Any, terminal: Terminal, reason: str = "", **fields: Any) -> Terminal:
    """Change a terminal's name, place, allowed addresses or whether it is in use (the serial stays)."""
    unknown = set(fields) - set(TERMINAL_FIELDS)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    terminal = Terminal.objects.select_for_update().select_related("center").get(pk=terminal.pk)
    may_act(actor, terminal.center, CAN_EDIT_ORGANISATION)
    before = snapshot(terminal, TERMINAL_FIELDS)
    for name, value in fields.items():
        if name == "is_active":
            terminal.is_active = bool(value)
        elif name == "allowed_addresses":
            terminal.allowed_addresses = _addresses(value)
        else:
            setattr(terminal, name, text(value))
    _check(terminal)
    changes = diff(before, snapshot(terminal, TERMINAL_FIELDS))
    if changes:
        terminal.save(update_fields=list(changes))
        record(
            subject=terminal,
            action="update",
            actor=user_of(actor),
            changes=changes,
            reason=text(reason),
            rule=RULE,
        )
    return terminal


# --- a terminal calling ----------------------------------------------------------------------------------


def _refuse(serial: str, address: str, code: str, message: str) -> RuleViolation:
    logger.warning("terminal refused (%s): SN=%r from %s", code, serial[:60], address)
    return RuleViolation(RULE, message, field="serial", code=code)


def terminal_authenticate(*, serial: str, address: str) -> Terminal:
    """The registered terminal `serial`, active, of an active centre, calling from an address it may call
    from; refused otherwise (R-ATT-2), and nothing it sends is stored."""
    serial = serial.strip() if isinstance(serial, str) else ""
    if not iclock.valid_serial(serial):
        raise _refuse(serial, address, "bad_serial", _("请求未带有效的考勤机序列号（SN）。"))
    terminal = Terminal.objects.select_related("center").filter(serial=serial).first()
    if terminal is None:
        raise _refuse(
            serial,
            address,
            "unknown_terminal",
            _("考勤机 %(serial)s 未在任何中心登记。") % {"serial": serial},
        )
    if not terminal.is_active or not terminal.center.is_active:
        raise _refuse(
            serial, address, "inactive_terminal", _("考勤机 %(serial)s 已停用。") % {"serial": serial}
        )
    allowed = terminal.allowed_addresses.split()
    if allowed and not address_in(address, allowed):
        raise _refuse(
            serial,
            address,
            "address_not_allowed",
            _("考勤机 %(serial)s 不能从地址 %(address)s 上传。") % {"serial": serial, "address": address},
        )
    return terminal


def terminal_seen(*, terminal: Terminal, address: str, push_version: str | None = None) -> None:
    """Note a contact (a handshake, a poll): the last contact and address, written at most once a minute,
    and the push protocol version the terminal announced."""
    now = timezone.now()
    values: dict[str, Any] = {}
    if terminal.last_seen_at is None or now - terminal.last_seen_at >= SEEN_EVERY:
        values["last_seen_at"] = now
    if terminal.last_address != address[:45]:
        values["last_address"] = address[:45]
    if push_version is not None and terminal.push_version != push_version[:20]:
        values["push_version"] = push_version[:20]
    if values:
        Terminal.objects.filter(pk=terminal.pk).update(**values)
        for name, value in values.items():
            setattr(terminal, name, value)


def terminal_handshake(*, terminal: Terminal, address: str, push_version: str) -> str:
    """The options a terminal's handshake is answered with (`staffing.iclock.handshake_options`)."""
    terminal_seen(terminal=terminal, address=address, push_version=push_version)
    return iclock.handshake_options(
        terminal.serial, stamp=terminal.attlog_stamp, push_version=terminal.push_version
    )
