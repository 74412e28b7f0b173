"""Keyed seals for the append-only histories: an HMAC-SHA256, under a key kept outside the database, of each
entry's hash.

A hash chain proves order, not authenticity: whoever can write the database can change a row, recompute its
hash and every later one, and the chain verifies again. A seal can only be made with the key
(`HISTORY_SEAL_KEY`: from the environment in production, derived from `SECRET_KEY` in development and tests,
never stored in the database), so a row changed by someone who holds the database but not the key no longer
verifies. What this protects against and what it does not: docs/history-integrity.md.

Keys rotate. Each seal is stored with the id of the key that made it (`seal_key_id`, beside the seal); new seals
are made with `HISTORY_SEAL_KEY` under `HISTORY_SEAL_KEY_ID`, and seals made with earlier keys keep verifying
with `HISTORY_SEAL_RETIRED_KEYS` ({key id: key}). A key that is dropped from the settings while rows sealed
with it remain makes those rows fail verification.

A seal covers a purpose label and the entry's hash, so that a seal made for one kind of record (a case event,
a checkpoint) is never valid for another. Sealing costs one HMAC in Python and no database statement: the seal
is written in the same INSERT as its entry.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

SEAL_LENGTH = 64  # hex digits of an HMAC-SHA256
KEY_ID_MAX = 16
_KEY_ID = re.compile(r"[A-Za-z0-9._-]{1,16}")

# What a seal is made for: part of the sealed message.
CASE_EVENT = "case-event"
HISTORY_ENTRY = "history-entry"
CHECKPOINT = "checkpoint"


@dataclass(frozen=True)
class Keyring:
    """The key that seals (`current_id`) and every key that verifies, each as a prepared HMAC."""

    current_id: str
    macs: dict[str, Any]

    def seal(self, purpose: str, digest: str) -> tuple[str, str]:
        """(key id, seal) of `digest` for `purpose`, under the current key."""
        return self.current_id, _mac(self.macs[self.current_id], purpose, digest)

    def verifies(self, purpose: str, digest: str, key_id: str, seal: str) -> bool:
        """Whether `seal` is the seal of `digest` for `purpose` under the key `key_id` (False for an unknown
        key id or an empty seal)."""
        mac = self.macs.get(key_id)
        if mac is None or not seal:
            return False
        return hmac.compare_digest(_mac(mac, purpose, digest), seal)


def _mac(prepared: Any, purpose: str, digest: str) -> str:
    mac = prepared.copy()
    mac.update(f"govhall:{purpose}:{digest}".encode())
    return str(mac.hexdigest())


def _check_id(key_id: str, setting: str) -> str:
    if not isinstance(key_id, str) or not _KEY_ID.fullmatch(key_id):
        raise ImproperlyConfigured(
            f"{setting}: a key id is 1 to {KEY_ID_MAX} letters, digits, '.', '_' or '-' (got {key_id!r})."
        )
    return key_id


def _prepared(key: str, setting: str) -> Any:
    if not isinstance(key, str) or not key:
        raise ImproperlyConfigured(
            f"Set {setting}: the key that seals the history, kept outside the database."
        )
    return hmac.new(key.encode(), digestmod=hashlib.sha256)


@lru_cache(maxsize=8)
def _keyring(current_id: str, current: str, retired: tuple[tuple[str, str], ...]) -> Keyring:
    macs = {_check_id(current_id, "HISTORY_SEAL_KEY_ID"): _prepared(current, "HISTORY_SEAL_KEY")}
    for key_id, key in retired:
        _check_id(key_id, "HISTORY_SEAL_RETIRED_KEYS")
        if key_id in macs:
            raise ImproperlyConfigured(
                f"HISTORY_SEAL_RETIRED_KEYS: the key id {key_id!r} is the current key's; give a new key a new id."
            )
        macs[key_id] = _prepared(key, f"HISTORY_SEAL_RETIRED_KEYS[{key_id!r}]")
    return Keyring(current_id, macs)


def keyring() -> Keyring:
    """The keys of the settings in force (built once per set of values)."""
    retired = getattr(settings, "HISTORY_SEAL_RETIRED_KEYS", None) or {}
    return _keyring(
        str(getattr(settings, "HISTORY_SEAL_KEY_ID", "1")),
        getattr(settings, "HISTORY_SEAL_KEY", ""),
        tuple(sorted(retired.items())),
    )


def seal(purpose: str, digest: str) -> tuple[str, str]:
    """(key id, seal) of `digest` for `purpose`, under the current key."""
    return keyring().seal(purpose, digest)


def verifies(purpose: str, digest: str, key_id: str, seal: str) -> bool:
    return keyring().verifies(purpose, digest, key_id, seal)


def parse_keys(text: str) -> dict[str, str]:
    """Keys written in one environment variable as `id=key,id=key` (a key may itself contain '=')."""
    keys: dict[str, str] = {}
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        key_id, sep, key = part.partition("=")
        if not sep or not key:
            raise ImproperlyConfigured("HISTORY_SEAL_RETIRED_KEYS: write each retired key as id=key.")
        keys[key_id.strip()] = key
    return keys
